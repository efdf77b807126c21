"""English counterparts of `dutch`, for `qcode report --lang en`."""
from __future__ import annotations

WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
         "twenty")


def number(n: int) -> str:
    return WORDS[n] if 0 <= n <= 20 else str(n)


def mention_sentence(mentioned: int, main: int, total: int, noun: str = "participants",
                     singular: str = "participant") -> str:
    """'Seven of the seventeen participants mention this; for three of them it was the main reason to leave.'"""
    if mentioned == 0:
        return f"None of the {number(total)} {noun} mention this."
    first = (f"Only one {singular} mentions this" if mentioned == 1 else
             f"All {number(total)} {noun} mention this" if mentioned == total else
             f"{number(mentioned).capitalize()} of the {number(total)} {noun} mention this")
    reason = "the main reason to leave"
    if mentioned == 1:
        second = f"for this {singular} it was {'' if main else 'not '}{reason}"
    elif main == 0:
        second = f"for none of them was it {reason}"
    elif main == mentioned:
        second = f"for all of them it was {reason}"
    else:
        second = f"for {number(main)} of them it was {reason}"
    return f"{first}; {second}."
