"""Dutch number words, fractions and the count sentences of the report.

Up to twenty a number is written in words ("zeven van de zeventien"), above twenty in digits, as
Dutch style guides ask for running text; a sentence never starts with digits. `count_sentence`
phrases a theme's counts as an exit study does: main reasons first, in soft words ("voor ruim een
derde van de deelnemers", "enkele", "een enkeling", "de meeste", "bijna alle") or exactly ("zeven van
de zeventien"); a context theme (positive or background) gets mentions only, never a main reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from qcode.errors import UsageError

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


# -- count sentences ----------------------------------------------------------------------------
KINDS = ("reason", "context")
COUNTS = ("soft", "exact")
ORDERS = ("main", "mention")
TENSES = ("past", "present")
REASON = "de belangrijkste reden om te vertrekken"
SMALL_GROUP = 5  # up to this many participants every count is exact: "twee van de vier", never "de helft"
# Shares of a quarter and more, in soft words: exact shares first, then each range up to its bound
# (the bound itself included where marked). Each with its phrase, its phrase among "hen" (those who
# mentioned it) and whether its verb is plural.
_EXACT_SHARE: dict[Fraction, tuple[str, str, bool]] = {
    Fraction(1, 4): ("een kwart van de {noun}", "een kwart van hen", False),
    Fraction(1, 3): ("een derde van de {noun}", "een derde van hen", False),
    Fraction(1, 2): ("de helft van de {noun}", "de helft van hen", False),
    Fraction(2, 3): ("twee derde van de {noun}", "twee derde van hen", False),
    Fraction(3, 4): ("driekwart van de {noun}", "driekwart van hen", False),
    Fraction(4, 5): ("vier op de vijf {noun}", "vier op de vijf van hen", True),
}
_FIFTHS: dict[Fraction, tuple[str, str, bool]] = {
    Fraction(2, 5): ("twee op de vijf {noun}", "twee op de vijf van hen", True),
    Fraction(3, 5): ("drie op de vijf {noun}", "drie op de vijf van hen", True),
}
_SHARE_RANGES: tuple[tuple[Fraction, bool, str, str, bool], ...] = (
    (Fraction(3, 10), True, "ruim een kwart van de {noun}", "ruim een kwart van hen", False),
    (Fraction(1, 3), False, "bijna een derde van de {noun}", "bijna een derde van hen", False),
    (Fraction(42, 100), True, "ruim een derde van de {noun}", "ruim een derde van hen", False),
    (Fraction(47, 100), False, "bijna de helft van de {noun}", "bijna de helft van hen", False),
    (Fraction(53, 100), True, "ongeveer de helft van de {noun}", "ongeveer de helft van hen", False),
    (Fraction(3, 5), True, "ruim de helft van de {noun}", "ruim de helft van hen", False),
    (Fraction(2, 3), False, "bijna twee derde van de {noun}", "bijna twee derde van hen", False),
    (Fraction(72, 100), True, "ruim twee derde van de {noun}", "ruim twee derde van hen", False),
    (Fraction(3, 4), False, "bijna driekwart van de {noun}", "bijna driekwart van hen", False),
    (Fraction(4, 5), False, "ruim driekwart van de {noun}", "ruim driekwart van hen", False),
    (Fraction(9, 10), False, "de meeste {noun}", "de meesten van hen", True),
    (Fraction(1), False, "bijna alle {noun}", "bijna allen", True),
)
# Under a quarter of a group, for more than eight people (fewer are "enkele" or "verschillende").
_SMALL_EXACT: dict[Fraction, str] = {Fraction(1, 10): "een op de tien {noun}", Fraction(1, 5): "een op de vijf {noun}"}
_SMALL_RANGES: tuple[tuple[Fraction, str], ...] = (
    (Fraction(1, 10), "een klein deel van de {noun}"),
    (Fraction(3, 20), "ruim een op de tien {noun}"),
    (Fraction(1, 5), "bijna een op de vijf {noun}"),
    (Fraction(1, 4), "ruim een op de vijf {noun}"),
)


@dataclass(frozen=True)
class Group:
    """Some of the participants as a Dutch noun phrase, and whether its verb is plural."""
    text: str
    plural: bool


@dataclass(frozen=True)
class _Words:
    noun: str
    singular: str
    tense: str

    def verb(self, group: Group | bool) -> str:
        plural = group.plural if isinstance(group, Group) else group
        return {("past", False): "noemde", ("past", True): "noemden",
                ("present", False): "noemt", ("present", True): "noemen"}[(self.tense, plural)]

    @property
    def was(self) -> str:
        return "was" if self.tense == "past" else "is"


def amount(part: int, whole: int, *, noun: tuple[str, str] = ("deelnemers", "deelnemer"),
           counts: str = "soft") -> Group:
    """`part` of `whole` people as a noun phrase: 'ruim een derde van de deelnemers' (soft),
    'zeven van de zeventien deelnemers' (exact), 'een enkeling', 'beide deelnemers', 'geen van de …'."""
    _check_counts(part, whole)
    plural, singular = noun
    exact = counts == "exact" or whole <= SMALL_GROUP
    if part == 0:
        if whole == 1:
            return Group(f"de {singular}", False)  # a sentence says 'niet' itself
        if whole == 2:
            return Group(f"geen van beide {plural}", False)
        return Group(f"geen van de {number(whole)} {plural}" if exact else f"geen van de {plural}", False)
    if part == whole:
        if whole == 1:
            return Group(f"de {singular}", False)
        if whole == 2:
            return Group(f"beide {plural}", True)
        return Group(_all(whole, plural) if exact else f"alle {plural}", True)
    if exact:
        if part == 1:
            return Group(f"één van de {number(whole)} {plural}", False)
        return Group(f"{number(part)} van de {number(whole)} {plural}", True)
    if part == 1:
        return Group(f"één {singular}", False) if whole < 10 else Group("een enkeling", False)
    if part == 2:
        return Group(f"twee {plural}", True)
    phrase, _, verb_plural = _share_words(part, whole)
    return Group(phrase.format(noun=plural), verb_plural)


def _all(whole: int, plural: str) -> str:
    """'alle zeventien de deelnemers' (the usual Dutch), but 'alle 150 deelnemers'."""
    return f"alle {number(whole)} de {plural}" if whole <= 20 else f"alle {whole} {plural}"


def _share_words(part: int, whole: int) -> tuple[str, str, bool]:
    """Soft words for a share of three or more people but not all: (phrase, phrase among 'hen', plural)."""
    share = Fraction(part, whole)
    if share < Fraction(1, 4):
        if part <= 4:
            return "enkele {noun}", "enkelen van hen", True
        if part <= 8:
            return "verschillende {noun}", "verschillenden van hen", True
        phrase = _SMALL_EXACT.get(share) or next(p for bound, p in _SMALL_RANGES if share < bound)
        return phrase, "een klein deel van hen", False
    if share in _EXACT_SHARE:
        return _EXACT_SHARE[share]
    if whole >= 20 and share in _FIFTHS:  # in a larger group 'twee op de vijf' reads better than 'ruim een derde'
        return _FIFTHS[share]
    for bound, inclusive, phrase, among, plural in _SHARE_RANGES:
        if share < bound or (inclusive and share == bound):
            return phrase, among, plural
    raise ValueError(f"{part} of {whole} is all of them")


def _check_counts(part: int, whole: int) -> None:
    if whole < 1 or not 0 <= part <= whole:
        raise ValueError(f"{part} of {whole} is not a count of participants")


def _relative(main: int, mentioned: int, counts: str) -> str:
    """'voor drie van hen': those of the mentioning participants for whom it was the main reason."""
    if mentioned == 2:
        return {0: "voor geen van beiden", 1: "voor één van beiden", 2: "voor hen allebei"}[main]
    if main == mentioned:
        return "voor hen allemaal"
    if main == 0:
        return "voor geen van hen" if counts == "exact" else "voor niemand"
    if main == 1:
        return "voor één van hen"
    if counts == "soft" and mentioned > 20 and main > 2:  # below that the number itself reads best
        return "voor " + _share_words(main, mentioned)[1]
    return f"voor {number(main)} van hen"


def count_sentence(mentioned: int, main: int, total: int, *, kind: str = "reason", counts: str = "soft",
                   order: str = "main", tense: str = "past",
                   noun: tuple[str, str] = ("deelnemers", "deelnemer")) -> str:
    """A theme's counts as one Dutch sentence.

    `mentioned` of `total` participants mentioned the theme, for `main` of them it was the main reason to
    leave. `kind` 'context' (a positive or background theme) gives the mentions only; `counts` 'soft'
    ("ruim een derde", "enkele") or 'exact' ("zeven van de zeventien"); `order` 'main' (main reasons
    first, as exit studies write) or 'mention'; `tense` 'past' or 'present'; `noun` plural and singular.
    """
    _check_option("kind", kind, KINDS)
    _check_option("counts", counts, COUNTS)
    _check_option("order", order, ORDERS)
    _check_option("tense", tense, TENSES)
    _check_counts(mentioned, total)
    if kind == "reason" and not 0 <= main <= mentioned:
        raise ValueError(f"{main} main reasons among {mentioned} mentions")
    words = _Words(noun[0], noun[1], tense)
    if mentioned == 0:
        if total == 1:
            return f"De {noun[1]} {words.verb(False)} dit niet."
        return f"{capitalise(amount(0, total, noun=noun, counts=counts).text)} {words.verb(False)} dit."
    if kind == "context":
        return _mention_only(mentioned, total, words, counts) + "."
    if total == 1:
        return (f"Voor de {noun[1]} {words.was} dit {REASON}." if main and order == "main" else
                f"De {noun[1]} {words.verb(False)} dit als {REASON}." if main else
                f"De {noun[1]} {words.verb(False)} dit, maar niet als {REASON}.")
    if main == 0 or order == "mention":
        return _mention_first(mentioned, main, total, words, counts)
    return _main_first(mentioned, main, total, words, counts)


def _check_option(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise UsageError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


def _mention_only(mentioned: int, total: int, words: _Words, counts: str) -> str:
    """'Enkele deelnemers noemden dit' — a clause, starting with a capital and never with digits."""
    if counts == "exact" and mentioned > 20 and mentioned < total:  # digits may not open a sentence
        return f"Van de {number(total)} {words.noun} {words.verb(True)} er {number(mentioned)} dit"
    group = amount(mentioned, total, noun=(words.noun, words.singular), counts=counts)
    return f"{capitalise(group.text)} {words.verb(group)} dit"


def _mention_first(mentioned: int, main: int, total: int, words: _Words, counts: str) -> str:
    first = _mention_only(mentioned, total, words, counts)
    if mentioned == 1:
        if counts == "soft" and total >= 10 and main:  # 'een enkeling noemde dit als …' reads oddly
            first = f"Eén {words.singular} {words.verb(False)} dit"
        return f"{first} als {REASON}." if main else f"{first}, maar niet als {REASON}."
    if main == 0:
        return f"{first}, maar {_relative(0, mentioned, counts)} {words.was} het {REASON}."
    return f"{first}; {_relative(main, mentioned, counts)} {words.was} het {REASON}."


def _main_first(mentioned: int, main: int, total: int, words: _Words, counts: str) -> str:
    noun = (words.noun, words.singular)
    group = amount(main, total, noun=noun, counts=counts)
    if counts == "soft" and total > SMALL_GROUP and main == 1:
        group = Group(f"één {words.singular}", False)  # 'voor een enkeling' would hide a single main reason
    first = f"Voor {group.text} {words.was} dit {REASON}"
    if main == total:
        return first + "."
    if main == mentioned:
        if total == 2:
            return f"{first}; de ander {words.verb(False)} het niet."
        return f"{first}; verder {words.verb(False)} niemand het."
    return f"{first}; {_also_mentioned(mentioned, main, total, words, counts)}."


def _also_mentioned(mentioned: int, main: int, total: int, words: _Words, counts: str) -> str:
    """The second clause of a main-first sentence: who mentioned it besides those (or in all)."""
    if total == 2:
        return f"ze {words.verb(True)} het allebei"
    others = mentioned - main
    if counts == "soft" and total > SMALL_GROUP and mentioned <= 8 and mentioned / total < 0.25:
        if others == 1:
            return f"één andere {words.singular} {words.verb(False)} het ook"
        phrase = "twee anderen" if others == 2 else "enkele anderen" if others <= 4 else "verschillende anderen"
        return f"{phrase} {words.verb(True)} het ook"
    if counts == "exact" or total <= SMALL_GROUP:
        everyone = mentioned == total
        said = _all(total, words.noun) if everyone else f"{number(mentioned)} {words.noun}"
        return f"in totaal {words.verb(True)} {said} het"
    group = amount(mentioned, total, noun=(words.noun, words.singular), counts=counts)
    if group.text == f"de meeste {words.noun}":
        group = Group("de meesten", True)
    return f"in totaal {words.verb(group)} {group.text} het"


class Phrase(str):
    """A noun phrase for templates, with `plural` for its verb: 'noemden' if x.plural else 'noemde'."""
    plural: bool

    def __new__(cls, text: str, plural: bool) -> Phrase:
        phrase = super().__new__(cls, text)
        phrase.plural = plural
        return phrase


_SINGULARS = {"deelnemers": "deelnemer", "respondenten": "respondent", "uitstromers": "uitstromer",
              "professionals": "professional", "medewerkers": "medewerker", "cliënten": "cliënt"}


def fraction_filter(part: int, whole: int, noun: str = "deelnemers", singular: str | None = None,
                    counts: str = "soft") -> Phrase:
    """The template filter `fraction`: {{ count.main | fraction(report.participants) }} → 'ruim een derde
    van de deelnemers' ('zeven van de zeventien deelnemers' with counts='exact'); `.plural` tells the verb."""
    _check_option("counts", counts, COUNTS)
    if singular is None:
        singular = _SINGULARS.get(noun) or (noun[:-1] if noun.endswith("s") else
                                            noun[:-2] if noun.endswith("en") else noun)
    group = amount(int(part), int(whole), noun=(noun, singular), counts=counts)
    return Phrase(group.text, group.plural)
