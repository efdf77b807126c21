"""English counterparts of `dutch`, for `qcode report --lang en`."""
from __future__ import annotations

from fractions import Fraction

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


# -- count sentences (the English counterpart of dutch.count_sentence) --------------------------
REASON = "the main reason to leave"
_EXACT_SHARE = {Fraction(1, 4): "a quarter of the {noun}", Fraction(1, 3): "a third of the {noun}",
                Fraction(1, 2): "half of the {noun}", Fraction(2, 3): "two thirds of the {noun}",
                Fraction(3, 4): "three quarters of the {noun}", Fraction(4, 5): "four in five {noun}"}
_SHARE_RANGES = ((Fraction(3, 10), True, "just over a quarter of the {noun}"),
                 (Fraction(1, 3), False, "almost a third of the {noun}"),
                 (Fraction(42, 100), True, "just over a third of the {noun}"),
                 (Fraction(47, 100), False, "almost half of the {noun}"),
                 (Fraction(53, 100), True, "about half of the {noun}"),
                 (Fraction(3, 5), True, "just over half of the {noun}"),
                 (Fraction(2, 3), False, "almost two thirds of the {noun}"),
                 (Fraction(72, 100), True, "just over two thirds of the {noun}"),
                 (Fraction(3, 4), False, "almost three quarters of the {noun}"),
                 (Fraction(4, 5), False, "just over three quarters of the {noun}"),
                 (Fraction(9, 10), False, "most {noun}"),
                 (Fraction(1), False, "almost all {noun}"))


def amount(part: int, whole: int, *, noun: tuple[str, str] = ("participants", "participant"),
           counts: str = "soft") -> tuple[str, bool]:
    """`part` of `whole` people as a noun phrase, and whether its verb is plural."""
    if whole < 1 or not 0 <= part <= whole:
        raise ValueError(f"{part} of {whole} is not a count of participants")
    plural, singular = noun
    exact = counts == "exact" or whole <= 5
    if part == 0:
        return ((f"the {singular}", False) if whole == 1 else (f"neither {singular}", False) if whole == 2 else
                (f"none of the {number(whole)} {plural}" if exact else f"none of the {plural}", True))
    if part == whole:
        return ((f"the {singular}", False) if whole == 1 else (f"both {plural}", True) if whole == 2 else
                (f"all {number(whole)} {plural}" if exact else f"all {plural}", True))
    if exact:
        return f"{number(part)} of the {number(whole)} {plural}", part > 1
    if part <= 2:
        return (f"one {singular}", False) if part == 1 else (f"two {plural}", True)
    share = Fraction(part, whole)
    if share < Fraction(1, 4):
        return (f"a few {plural}" if part <= 4 else f"several {plural}" if part <= 8 else
                f"a small share of the {plural}"), True
    if share in _EXACT_SHARE:
        return _EXACT_SHARE[share].format(noun=plural), True
    phrase = next(p for bound, inclusive, p in _SHARE_RANGES if share < bound or (inclusive and share == bound))
    return phrase.format(noun=plural), True


def count_sentence(mentioned: int, main: int, total: int, *, kind: str = "reason", counts: str = "soft",
                   order: str = "main", tense: str = "past",
                   noun: tuple[str, str] = ("participants", "participant")) -> str:
    """English for dutch.count_sentence, with the same options."""
    from qcode.render.dutch import _check_option, COUNTS, KINDS, ORDERS, TENSES

    for name, value, allowed in (("kind", kind, KINDS), ("counts", counts, COUNTS), ("order", order, ORDERS),
                                 ("tense", tense, TENSES)):
        _check_option(name, value, allowed)
    if kind == "reason" and not 0 <= main <= mentioned:
        raise ValueError(f"{main} main reasons among {mentioned} mentions")
    past = tense == "past"
    was = "was" if past else "is"

    def mention(plural: bool) -> str:
        return "mentioned" if past else "mention" if plural else "mentions"

    group, plural = amount(mentioned, total, noun=noun, counts=counts)
    if mentioned == 0:
        negated = f"The {noun[1]} {'did' if past else 'does'} not mention this." if total == 1 else None
        return negated or f"{_capital(group)} {mention(plural)} this."
    if counts == "exact" and 20 < mentioned < total:
        first = f"Of the {total} {noun[0]}, {mentioned} {mention(True)} this"
    else:
        first = f"{_capital(group)} {mention(plural)} this"
    if kind == "context":
        return first + "."
    if total == 1:
        return (f"For the {noun[1]} this {was} {REASON}." if main and order == "main" else
                f"{first} as {REASON}." if main else f"{first}, but not as {REASON}.")
    if main == 0 or order == "mention":
        if mentioned == 1:
            return f"{first} as {REASON}." if main else f"{first}, but not as {REASON}."
        if main == 0:
            return f"{first}, but for {'neither' if mentioned == 2 else 'none'} of them {was} it {REASON}."
        among = ({1: "one of them", 2: "both of them"}[main] if mentioned == 2 else
                 "all of them" if main == mentioned else f"{number(main)} of them")
        return f"{first}; for {among} it {was} {REASON}."
    who, _ = amount(main, total, noun=noun, counts=counts)
    opening = f"For {who} this {was} {REASON}"
    if main == total:
        return opening + "."
    if main == mentioned:
        return f"{opening}; the other {'did' if past else 'does'} not mention it." if total == 2 else f"{opening}; nobody else {mention(False)} it."
    if total == 2:
        return f"{opening}; both {mention(True)} it."
    return f"{opening}; in all, {group} {mention(plural)} it."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
