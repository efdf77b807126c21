"""The methods paragraph ([[methode]]) from what the project knows.

How many interviews (in words), when (from an interview date attribute), how they were held and how
long they took (`mode`, `length_min`), who took part (age, years in the field), where they went next
(`destination`), and how the coding was done: the codebook's themes and codes, the coders, their
agreement at participant level as Krippendorff's alpha (Dutch decimal comma) when two or more coded,
and the consensus round when `reconcile` made the coding this report is built from. Whatever the
project does not know is left out of the paragraph, never printed empty.
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from datetime import date

from qcode.render import dutch
from qcode.render.spread import spread_sentence

KEYS = {
    "date": ("interview_date", "interviewdatum", "date", "datum"),
    "mode": ("mode", "interviewvorm", "vorm"),
    "length": ("length_min", "duur_min", "duur", "length"),
    "age": ("age", "leeftijd"),
    "years": ("years_in_field", "jaren_in_het_veld", "werkjaren", "years"),
    "destination": ("sector", "bestemming", "destination"),
}
MODES = {"teams": "via Teams", "ms teams": "via Teams", "microsoft teams": "via Teams", "zoom": "via Zoom",
         "video": "via video", "beeldbellen": "via beeldbellen", "telefonisch": "telefonisch",
         "telefoon": "telefonisch", "phone": "telefonisch", "face-to-face": "face-to-face", "live": "live",
         "fysiek": "fysiek", "op locatie": "op locatie", "in persoon": "in persoon"}
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
ALPHA_WORDS = ((0.8, "goed"), (0.667, "voldoende"), (-1.0, "beperkt"))


def method_paragraph(conn: sqlite3.Connection, coder: str, lang: str = "nl") -> str:
    """The paragraph in Dutch (an English report gets the same facts in Dutch words: the method is a
    Dutch report's section; `lang` is kept for the day it gets its own wording)."""
    attributes = _attributes(conn)
    survey = {row[0] for row in conn.execute("SELECT DISTINCT format FROM transcripts")} == {"survey"}
    sentences = [_interviews(len(attributes), survey), _when_how_long(attributes),
                 _who(attributes), _destination(conn, attributes), *_coding(conn, coder, survey)]
    return " ".join(sentence for sentence in sentences if sentence)


def _attributes(conn: sqlite3.Connection) -> list[dict]:
    """One attribute dict per participant with a transcript."""
    return [json.loads(values or "{}") for (values,) in conn.execute(
        "SELECT p.attributes FROM participants p WHERE p.id IN (SELECT participant_id FROM transcripts) "
        "ORDER BY p.id")]


def _values(attributes: list[dict], what: str) -> list:
    for key in KEYS[what]:
        found = [a[key] for a in attributes if a.get(key) not in (None, "")]
        if found:
            return found
    return []


def _numbers(attributes: list[dict], what: str) -> list[int]:
    numbers = []
    for value in _values(attributes, what):
        text = str(value).strip().replace(",", ".")
        if re.fullmatch(r"\d+(\.\d+)?", text):
            numbers.append(round(float(text)))
    return numbers


def _range(numbers: list[int]) -> str:
    low, high = min(numbers), max(numbers)
    return dutch.number(low) if low == high else f"{dutch.number(low)} tot {dutch.number(high)}"


def _interviews(count: int, survey: bool) -> str:
    if survey:
        return f"Aan deze raadpleging deden {dutch.number(count)} respondenten mee met een antwoord op de open vraag."
    noun = "interview" if count == 1 else "interviews"
    return (f"Voor dit onderzoek {'is' if count == 1 else 'zijn'} {dutch.number(count)} {noun} gehouden met "
            "professionals die het sociaal werk hebben verlaten.")


def _period(attributes: list[dict]) -> str | None:
    """'tussen februari en april 2026' from the interview dates."""
    days = [d for d in (_date(v) for v in _values(attributes, "date")) if d]
    if not days:
        return None
    first, last = min(days), max(days)
    if (first.year, first.month) == (last.year, last.month):
        return f"in {MONTHS[first.month - 1]} {first.year}"
    if first.year == last.year:
        return f"tussen {MONTHS[first.month - 1]} en {MONTHS[last.month - 1]} {last.year}"
    return f"tussen {MONTHS[first.month - 1]} {first.year} en {MONTHS[last.month - 1]} {last.year}"


def _date(value: object) -> date | None:
    """2026-02-12, 12-02-2026 or 12/2/2026."""
    text = str(value).strip()[:10]
    found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if found:
        year, month, day = map(int, found.groups())
    else:
        found = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
        if not found:
            return None
        day, month, year = map(int, found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _when_how_long(attributes: list[dict]) -> str | None:
    """'De gesprekken vonden plaats tussen februari en april 2026, de meeste (negen) via Teams, twee telefonisch
    en één face-to-face; ze duurden 49 tot 80 minuten.' — each part only where the project knows it."""
    when = _period(attributes)
    modes = Counter(MODES.get(str(v).strip().lower(), f"via {str(v).strip()}") for v in _values(attributes, "mode"))
    minutes = _numbers(attributes, "length")
    how = _how(modes)
    if when and how:
        sentence = f"De gesprekken vonden plaats {when}, {how[1]}"
    elif how:
        sentence = how[0]
    elif when:
        sentence = f"De gesprekken vonden plaats {when}"
    else:
        return f"De gesprekken duurden {_range(minutes)} minuten." if minutes else None
    return sentence + (f"; ze duurden {_range(minutes)} minuten." if minutes else ".")


def _how(modes: Counter) -> tuple[str, str] | None:
    """How the interviews were held, as a sentence's start and as a clause after the period."""
    if not modes:
        return None
    ranked = modes.most_common()
    total = sum(modes.values())
    if len(ranked) == 1:
        mode = ranked[0][0]
        return (f"{'Het gesprek vond' if total == 1 else 'Alle gesprekken vonden'} plaats {mode}",
                mode if total == 1 else f"alle {mode}")
    (top, count), rest = ranked[0], ranked[1:]
    others = [f"{dutch.number(n)} {mode}" for mode, n in rest]
    listing = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " en " + others[-1]
    if count * 2 > total:
        return (f"De meeste gesprekken ({dutch.number(count)}) vonden plaats {top}, {listing}",
                f"de meeste ({dutch.number(count)}) {top}, {listing}")
    return (f"De gesprekken vonden plaats {top} ({dutch.number(count)}), {listing}",
            f"{dutch.number(count)} {top}, {listing}")


def _who(attributes: list[dict]) -> str | None:
    ages, years = _numbers(attributes, "age"), _numbers(attributes, "years")
    parts = []
    if ages:
        parts.append(f"waren {_range(ages)} jaar oud")
    if years:
        parts.append(f"hadden {_range(years)} jaar in het sociaal werk gewerkt")
    return f"De deelnemers {' en '.join(parts)}." if parts else None


def _destination(conn: sqlite3.Connection, attributes: list[dict]) -> str | None:
    for key in KEYS["destination"]:
        if any(a.get(key) not in (None, "") for a in attributes):
            return spread_sentence(conn, key)
    return None


def _coding(conn: sqlite3.Connection, coder: str, survey: bool) -> list[str]:
    themes, codes = conn.execute(
        "SELECT SUM(parent_id IS NULL), SUM(parent_id IS NOT NULL) FROM codes WHERE active = 1").fetchone()
    sentences = []
    if themes:
        with_codes = f" en {dutch.number(codes)} codes" if codes else ""
        sentences.append(f"Voor de analyse is een codeboek gebruikt met {dutch.number(themes)} "
                         f"{'thema' if themes == 1 else 'thema’s'}{with_codes}.")
    reconciled = _reconciled_from(conn, coder)
    coders = reconciled or _independent_coders(conn)
    material = "antwoorden" if survey else "interviews"
    if len(coders) < 2:
        sentences.append(f"Eén onderzoeker heeft de {material} gecodeerd.")
        return sentences
    sentence = f"{dutch.capitalise(dutch.number(len(coders)))} onderzoekers hebben de {material} onafhankelijk " \
               "van elkaar gecodeerd"
    alpha = _participant_alpha(conn, coders)
    if alpha is not None:
        word = next(word for floor, word in ALPHA_WORDS if alpha >= floor)
        decimal = f"{alpha:.2f}".replace(".", ",").replace("-", "−")
        sentence += (f"; hun overeenstemming over welke thema’s elke deelnemer noemt, was {word} "
                     f"(Krippendorffs alfa = {decimal})")
    sentences.append(sentence + ".")
    if reconciled:
        sentences.append("Waar zij verschilden, zijn de verschillen in een consensusronde besproken tot één "
                         "gezamenlijke codering; die ligt aan dit hoofdstuk ten grondslag.")
    return sentences


def _reconciled_from(conn: sqlite3.Connection, coder: str) -> list[str]:
    """The coders `reconcile` brought together into this coder, if it did."""
    found: list[str] = []
    for (detail,) in conn.execute("SELECT detail FROM coding_log WHERE action = 'reconcile' AND coder = ?", (coder,)):
        for name in json.loads(detail or "{}").get("coders", []):
            if name not in found:
                found.append(name)
    return found


def _independent_coders(conn: sqlite3.Connection) -> list[str]:
    """Coders with codings of their own, leaving out those `reconcile` made."""
    made = {row[0] for row in conn.execute("SELECT DISTINCT coder FROM coding_log WHERE action = 'reconcile'")}
    return [row[0] for row in conn.execute("SELECT DISTINCT coder FROM codings ORDER BY coder") if row[0] not in made]


def _participant_alpha(conn: sqlite3.Connection, coders: list[str]) -> float | None:
    from qcode.agreement import agreement
    from qcode.errors import QcodeError

    try:
        return agreement(conn, coders, "participant").overall.alpha
    except QcodeError:
        return None
