"""Dutch number words, fractions and the count sentences of the report.

Up to twenty a number is written in words ("zeven van de zeventien"), above twenty in digits, as
Dutch style guides ask for running text. A fraction phrase ("ruim een derde", "de helft", "bijna
alle") is used where the share fits one; otherwise the plain count.
"""
from __future__ import annotations

from fractions import Fraction

WORDS = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf",
         "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien",
         "twintig")
EXACT = {Fraction(1, 4): "een kwart", Fraction(1, 3): "een derde", Fraction(1, 2): "de helft",
         Fraction(2, 3): "twee derde", Fraction(3, 4): "driekwart"}


def number(n: int) -> str:
    """7 → 'zeven'; 21 → '21'."""
    return WORDS[n] if 0 <= n <= 20 else str(n)


def capitalise(text: str) -> str:
    """'zeven' → 'Zeven'; 'één' → 'Eén' (the accent goes at the start of a sentence, as usual)."""
    if text.startswith("één"):
        return "Eén" + text[3:]
    return text[:1].upper() + text[1:]


def fraction(part: int, whole: int) -> str | None:
    """The share as a Dutch phrase where one fits ('ruim een derde van de'), else None."""
    if whole <= 0 or not 0 <= part <= whole:
        raise ValueError(f"{part} of {whole} is not a share")
    share = Fraction(part, whole)
    if part == 0:
        return "geen van de"
    if part == whole:
        return "alle"
    if share in EXACT:
        return EXACT[share] + " van de"
    if share >= Fraction(85, 100):
        return "bijna alle"
    for low, high, phrase in ((Fraction(1, 4), Fraction(3, 10), "ruim een kwart van de"),
                              (Fraction(1, 3), Fraction(2, 5), "ruim een derde van de"),
                              (Fraction(9, 20), Fraction(1, 2), "bijna de helft van de"),
                              (Fraction(1, 2), Fraction(3, 5), "ruim de helft van de"),
                              (Fraction(3, 5), Fraction(2, 3), "bijna twee derde van de"),
                              (Fraction(2, 3), Fraction(3, 4), "ruim twee derde van de")):
        if low < share < high or (share == low == Fraction(9, 20)):
            return phrase
    return None


def mention_sentence(mentioned: int, main: int, total: int, noun: str = "deelnemers",
                     singular: str = "deelnemer") -> str:
    """'Zeven van de zeventien deelnemers noemen dit; voor drie van hen was het de belangrijkste reden om
    te vertrekken.' — with a fraction phrase where one fits."""
    if mentioned == 0:
        return f"Geen van de {number(total)} {noun} noemt dit."
    if mentioned == 1:
        first = f"Slechts één {singular} noemt dit"
    elif mentioned == total:
        first = f"Alle {number(total)} {noun} noemen dit"
    else:
        phrase = fraction(mentioned, total)
        counted = f"{number(mentioned)} van de {number(total)}"
        if phrase == "bijna alle":
            first = f"Bijna alle {noun} ({counted}) noemen dit"
        elif phrase:
            first = f"{capitalise(phrase)} {noun} ({counted}) noemt dit"
        else:
            first = f"{capitalise(counted)} {noun} noemen dit"
    return f"{first}; {main_clause(mentioned, main)}."


def main_clause(mentioned: int, main: int) -> str:
    reason = "de belangrijkste reden om te vertrekken"
    if mentioned == 1:
        return f"voor deze {'deelnemer was het ' + reason if main else 'deelnemer was het niet ' + reason}"
    if main == 0:
        return f"voor geen van hen was het {reason}"
    if main == mentioned:
        return f"voor hen allemaal was het {reason}"
    return f"voor {number(main)} van hen was het {reason}"


def times_mentioned(count: int) -> str:
    """For survey tables: '1 keer', 'zeven keer' → digits above twenty."""
    return f"{number(count)} keer"
