"""Attribution risk: which printed attributions ('jongerenwerker, 29 jaar') fit fewer than k participants,
and the coarsening every export prints instead ('andere functie, 25–34 jaar').

The participants are everyone an export could attribute a quote to: those with a transcript, and every
respondent of an imported survey sheet. An attribution *fits* the participants whose attribution, over the
same chosen attributes, is printed exactly alike (a missing value is left out, so 'jongerenwerker' alone
is its own attribution).

The coarsening is one level per chosen attribute, the same for every participant of the export (a report
that bands one age bands them all, so no reader can tell a banded age from an exact one):

- a number (every value one to three digits: age, years in the field) — exact; bands of 5 ('25–29 jaar');
  bands of 10 ('25–34 jaar': ages as the CBS counts them, other numbers '10–19'); bands of 20 ('25–44 jaar'); two groups split near the
  middle ('jonger dan 40 jaar' / '40 jaar of ouder'); left out. At the band levels an end band with fewer
  than k participants is merged inward ('jonger dan 35 jaar', '55 jaar of ouder').
- anything else — exact; values fewer than k participants have grouped ('andere functie', 'overig'),
  the smallest other values joining the group while it holds fewer than k; the same for values fewer
  than 2k have; left out.

A level that would put everyone in one group counts as leaving the attribute out. Of all combinations of
levels under which every printed attribution fits at least k participants, the one chosen leaves out the
fewest attributes, then takes the fewest steps in all; on a tie the attribute named last in `--attribute`
is widened first (the first one named matters most to the researcher). Leaving every attribute out always
fits: then the participant's code is printed, as without `--attribute`. (With more than MAX_COMBINATIONS
combinations — five attributes or more — it widens one step at a time instead: each time the step that
leaves out the fewest attributes and leaves the fewest participants unfitting.)

An attribution the researcher accepted (`accept_attribution`) is printed as it is; its participants are
left out of the counting, since a reader can tell them apart from the coarsened ones.
"""
from __future__ import annotations

import itertools
import json
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from qcode.errors import UsageError
from qcode.render.attribution import (YEARS, check_attributes, is_age, printed_values, raw_value,
                                      shown_value)

DEFAULT_K = 3
ACCEPTED_ACTION = "attribution accepted"
WITHDRAWN_ACTION = "attribution acceptance withdrawn"
NUMBER = re.compile(r"\d{1,3}")
BAND_WIDTHS = (5, 10, 20)
MAX_COMBINATIONS = 5000  # beyond this many, widen one step at a time (five or more attributes)
OTHER = {  # the group of rare values, by what the attribute's name says it holds
    "functie": {"nl": "andere functie", "en": "other role"},
    "organisatie": {"nl": "andere organisatie", "en": "other organisation"},
    "sector": {"nl": "andere sector", "en": "other sector"},
    "overig": {"nl": "overig", "en": "other"},
}
ROLE_WORDS = ("role", "rol", "functie", "job", "beroep", "function", "position")
ORGANISATION_WORDS = ("organisa", "organiza", "werkgever", "employer")


@dataclass(frozen=True)
class AttributionRisk:
    """An attribution as exports would print it without coarsening, fitting fewer than k participants."""
    values: tuple[str, ...]  # ('jongerenwerker', '29 jaar')
    participants: int  # how many participants it fits
    accepted: bool  # the researcher accepted it: exports print it as it is
    coarsened: str  # what exports print instead (the attribution itself when accepted)
    participant_ids: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return ", ".join(self.values)


@dataclass(frozen=True)
class Acceptance:
    text: str
    accepted_by: str
    accepted_at: str


@dataclass(frozen=True)
class Level:
    """One way to print an attribute: `label` maps its value as text to what is printed (None: left out)."""
    kind: str  # exact, bands, halves, grouped, left out
    width: int  # the band width, or the grouping threshold
    label: Callable[[str], str | None]

    def describe(self, key: str) -> str:
        what = "ages" if is_age(key) else f"{key}"
        return {"exact": f"{key} as it is",
                "bands": f"{what} in bands of {self.width}",
                "halves": f"{what} in two groups",
                "grouped": f"{key} values of fewer than {self.width} participants grouped",
                "left out": f"{key} left out"}[self.kind]


@dataclass
class Coarsening:
    """The level chosen for each attribute of one export, and the accepted attributions."""
    chosen: tuple[str, ...]
    levels: tuple[Level, ...]
    accepted: frozenset[str]  # normalised texts
    k: int
    lang: str

    def is_accepted(self, attributes: Mapping[str, Any]) -> bool:
        """Whether the participant's attribution as it is was accepted (in Dutch or English: '29 jaar', '29 years')."""
        return bool(self.accepted) and _is_accepted(attributes, self.chosen, self.accepted)

    def printed(self, attributes: Mapping[str, Any]) -> tuple[str, ...]:
        """The parts of a participant's attribution as the export prints them."""
        raw = printed_values(attributes, self.chosen, self.lang)
        if raw and self.is_accepted(attributes):
            return raw
        return tuple(label for key, level in zip(self.chosen, self.levels)
                     if (value := raw_value(attributes, key)) is not None and (label := level.label(value)) is not None)

    def columns(self, attributes: Mapping[str, Any]) -> dict[str, str]:
        """Each attribute's own value as a sheet's column shows it, coarsened alike ('' when left out)."""
        as_it_is = self.is_accepted(attributes)
        shown = {}
        for key, level in zip(self.chosen, self.levels):
            value = raw_value(attributes, key)
            if value is None or as_it_is or level.kind == "exact":
                shown[key] = value or ""
            else:
                shown[key] = level.label(value) or ""
        return shown

    def describe(self) -> str:
        """English: 'ages in bands of 10, former_role values of fewer than 3 participants grouped'."""
        widened = [level.describe(key) for key, level in zip(self.chosen, self.levels) if level.kind != "exact"]
        return ", ".join(widened) or "nothing widened"


def _is_accepted(attributes: Mapping[str, Any], chosen: tuple[str, ...], accepted: frozenset[str]) -> bool:
    return any(normalised(", ".join(printed_values(attributes, chosen, lang))) in accepted for lang in YEARS)


def normalised(text: str) -> str:
    """How attribution texts are compared: case, spaces and the kind of dash do not matter."""
    return " ".join(text.replace("–", "-").replace("—", "-").split()).casefold()


# -- the participants -----------------------------------------------------------------------------
def _conn(project_or_conn: Any) -> sqlite3.Connection:
    return project_or_conn if isinstance(project_or_conn, sqlite3.Connection) else project_or_conn.conn


def participants(conn: sqlite3.Connection) -> list[tuple[str, dict[str, Any]]]:
    """Everyone an export can attribute a quote to, with their attributes, by id."""
    has_respondents = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'survey_respondents'").fetchone()
    respondents = " OR id IN (SELECT participant_id FROM survey_respondents)" if has_respondents else ""
    rows = conn.execute("SELECT id, attributes FROM participants WHERE id IN (SELECT participant_id FROM "
                        f"transcripts){respondents} ORDER BY id").fetchall()
    return [(pid, json.loads(values or "{}")) for pid, values in rows]


def accepted_attributions(project_or_conn: Any) -> list[Acceptance]:
    conn = _conn(project_or_conn)
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'attribution_acceptances'").fetchone():
        return []  # a read-only project from before the table: nothing can have been accepted
    return [Acceptance(*row) for row in
            conn.execute("SELECT text, accepted_by, accepted_at FROM attribution_acceptances ORDER BY text")]


# -- the levels -----------------------------------------------------------------------------------
def _scale(key: str, values: list[str], k: int, lang: str) -> list[Level]:
    """The levels of one attribute, from exact to left out, each grouping differently from the one before."""
    exact = Level("exact", 1, lambda value: shown_value(key, value, lang))
    left_out = Level("left out", 0, lambda value: None)
    numbers = bool(values) and all(NUMBER.fullmatch(v) for v in values)
    wider = _number_levels(key, [int(v) for v in values], k, lang) if numbers else _group_levels(key, values, k, lang)
    levels, seen = [exact], {_partition(exact, values)}
    for level in wider:
        partition = _partition(level, values)
        if partition not in seen and len(set(partition)) > 1:  # one group for everyone is leaving it out
            levels.append(level)
            seen.add(partition)
    return [*levels, left_out]


def _partition(level: Level, values: list[str]) -> tuple:
    labels: dict[str | None, int] = {}
    return tuple(labels.setdefault(level.label(v), len(labels)) for v in sorted(set(values)))


def _number_levels(key: str, numbers: list[int], k: int, lang: str) -> list[Level]:
    levels = [Level("bands", width, _band_labeller(key, numbers, width, k, lang)) for width in BAND_WIDTHS]
    cut = _middle_cut(numbers)
    if cut is not None:
        levels.append(Level("halves", cut, lambda value: _open(key, cut, below=int(value) < cut, lang=lang)))
    return levels


def _band_labeller(key: str, numbers: list[int], width: int, k: int, lang: str) -> Callable[[str], str | None]:
    offset = 5 if is_age(key) and width > 5 else 0  # ages 25–34 and 45–64 as the CBS counts them; else 0–9

    def start(number: int) -> int:
        return max(0, (number - offset) // width * width + offset)

    counts = Counter(start(n) for n in numbers)
    bands = [[lo, lo + width - 1, counts[lo]] for lo in sorted(counts)]
    bottom = top = None  # the first number of a merged end band
    while len(bands) > 1 and bands[0][2] < k:
        first = bands.pop(0)
        bands[0] = [first[0], bands[0][1], first[2] + bands[0][2]]
        bottom = bands[0][1] + 1
    while len(bands) > 1 and bands[-1][2] < k:
        last = bands.pop()
        bands[-1] = [bands[-1][0], last[1], bands[-1][2] + last[2]]
        top = bands[-1][0]

    def label(value: str) -> str:
        number = int(value)
        if bottom is not None and number < bottom:
            return _open(key, bottom, below=True, lang=lang)
        if top is not None and number >= top:
            return _open(key, top, below=False, lang=lang)
        lo = start(number)
        return _range(key, lo, (number - offset) // width * width + offset + width - 1, lang)

    return label


def _middle_cut(numbers: list[int]) -> int | None:
    """The multiple of 5 that splits the numbers most evenly, both sides holding some; None if none does."""
    cuts = [c for c in range(5 * (min(numbers) // 5 + 1), max(numbers) + 1, 5)]
    if not cuts:
        return None
    return min(cuts, key=lambda c: (abs(sum(n < c for n in numbers) - sum(n >= c for n in numbers)), c))


def _range(key: str, lo: int, hi: int, lang: str) -> str:
    text = f"{lo}–{hi}"
    return f"{text} {YEARS.get(lang, YEARS['nl'])}" if is_age(key) else text


def _open(key: str, bound: int, *, below: bool, lang: str) -> str:
    en = lang == "en"
    if is_age(key):
        if below:
            return f"under {bound} years" if en else f"jonger dan {bound} jaar"
        return f"{bound} years or older" if en else f"{bound} jaar of ouder"
    if below:
        return f"under {bound}" if en else f"minder dan {bound}"
    return f"{bound} or more" if en else f"{bound} of meer"


def _group_levels(key: str, values: list[str], k: int, lang: str) -> list[Level]:
    """Values fewer than `threshold` participants have, grouped; while that group holds fewer than k, the
    smallest other value joins it (the first in alphabetical order among equals)."""
    counts = Counter(values)
    other = _other_label(key, values, lang)
    levels = []
    for threshold in (k, 2 * k):
        kept = sorted((v for v, n in counts.items() if n >= threshold), key=lambda v: (counts[v], v))
        grouped = len(values) - sum(counts[v] for v in kept)
        while kept and 0 < grouped < k:
            grouped += counts[kept.pop(0)]
        levels.append(Level("grouped", threshold,
                            lambda value, kept=frozenset(kept): value if value in kept else other))
    return levels


def _other_label(key: str, values: list[str], lang: str) -> str:
    name = key.casefold()
    if any(word in name for word in ROLE_WORDS):
        kind = "functie"
    elif any(word in name for word in ORGANISATION_WORDS):
        kind = "organisatie"
    elif "sector" in name:
        kind = "sector"
    else:
        kind = "overig"
    label = OTHER[kind].get(lang, OTHER[kind]["nl"])
    capitals = sum(v[:1].isupper() for v in values)
    return label[:1].upper() + label[1:] if values and capitals * 2 > len(values) else label


# -- choosing the levels ---------------------------------------------------------------------------
def coarsening(project_or_conn: Any, chosen: Iterable[str], *, k: int = DEFAULT_K, lang: str = "nl") -> Coarsening:
    """The coarsening of the chosen attributes under which every printed attribution fits at least k
    participants (the accepted ones apart)."""
    conn = _conn(project_or_conn)
    chosen = tuple(chosen)
    if k < 1:
        raise UsageError(f"k must be at least 1, not {k}")
    accepted = frozenset(normalised(a.text) for a in accepted_attributions(conn))
    everyone = participants(conn)
    counted = [attributes for _, attributes in everyone if not (accepted and _is_accepted(attributes, chosen, accepted))]
    columns = [[raw_value(attributes, key) for attributes in counted] for key in chosen]
    scales = [_scale(key, [v for v in column if v is not None], k, lang) for key, column in zip(chosen, columns)]
    node = _first_fitting(columns, scales, k)
    return Coarsening(chosen, tuple(scale[i] for scale, i in zip(scales, node)), accepted, k, lang)


def _first_fitting(columns: list[list[str | None]], scales: list[list[Level]], k: int) -> tuple[int, ...]:
    """The combination of levels (an index per attribute) chosen as the module says."""
    labelled = [[_labels(level, column) for level in scale] for scale, column in zip(scales, columns)]

    def cost(node: tuple[int, ...]) -> tuple:
        left_out = sum(i == len(scale) - 1 for i, scale in zip(node, scales))
        return left_out, sum(node), node

    def printed(node: tuple[int, ...]) -> list[list[str | None]]:
        return [labelled[a][i] for a, i in enumerate(node) if i < len(scales[a]) - 1]

    def fits(node: tuple[int, ...]) -> bool:
        return _fits(printed(node), k)

    def unfit(node: tuple[int, ...]) -> int:  # participants whose attribution fits fewer than k
        rows = list(zip(*printed(node)))
        fitting = _fitting(rows)
        return sum(1 for row in rows if fitting.get(row, k) < k)

    if math.prod(len(scale) for scale in scales) > MAX_COMBINATIONS:  # many attributes: one step at a time
        node = tuple(0 for _ in scales)
        while not fits(node):
            steps = [node[:a] + (i + 1,) + node[a + 1:] for a, i in enumerate(node) if i < len(scales[a]) - 1]
            node = min(steps, key=lambda step: (cost(step)[0], unfit(step), step))
        return node
    for node in sorted(itertools.product(*(range(len(scale)) for scale in scales)), key=cost):
        if fits(node):
            return node
    raise AssertionError("leaving every attribute out always fits")  # pragma: no cover


def _labels(level: Level, column: list[str | None]) -> list[str | None]:
    cache: dict[str, str | None] = {}
    return [None if v is None else cache[v] if v in cache else cache.setdefault(v, level.label(v)) for v in column]


def _fits(labelled: list[list[str | None]], k: int) -> bool:
    return all(n >= k for n in _fitting(list(zip(*labelled))).values()) if labelled else True


def _fitting(rows: list[tuple[str | None, ...]]) -> dict[tuple[str | None, ...], int]:
    """How many participants each printed attribution fits. One with a part missing (no age on file)
    fits everyone who agrees on the parts it prints: a reader cannot tell whose value is missing.
    One with nothing to print (the participant's code) is no attribution and left out."""
    counts = Counter(rows)
    by_parts: dict[tuple[int, ...], Counter] = {}  # the attributions over some of the attributes only
    fitting = {}
    for row, n in counts.items():
        present = tuple(i for i, part in enumerate(row) if part is not None)
        if not present:
            continue
        if len(present) < len(row):
            if present not in by_parts:
                by_parts[present] = Counter()
                for other, m in counts.items():
                    by_parts[present][tuple(other[i] for i in present)] += m
            n = by_parts[present][tuple(row[i] for i in present)]
        fitting[row] = n
    return fitting


# -- the risks ------------------------------------------------------------------------------------
def attribution_risks(project_or_conn: Any, attributes: Iterable[str], *, k: int = DEFAULT_K,
                      lang: str = "nl") -> list[AttributionRisk]:
    """Every attribution over `attributes` that fits fewer than k participants, fewest first, with what
    exports print instead. An unknown attribute is refused, naming the known ones."""
    conn = _conn(project_or_conn)
    chosen = check_attributes(conn, attributes)
    plan = coarsening(conn, chosen, k=k, lang=lang)
    everyone = participants(conn)
    rows = [tuple(None if (v := raw_value(values, key)) is None else shown_value(key, v, lang) for key in chosen)
            for _, values in everyone]
    members: dict[tuple[str | None, ...], list[tuple[str, dict[str, Any]]]] = {}
    for row, person in zip(rows, everyone):
        members.setdefault(row, []).append(person)
    risks = []
    for row, n in _fitting(rows).items():
        if n >= k:
            continue
        group = members[row]
        printed = tuple(part for part in row if part is not None)
        coarse = ", ".join(plan.printed(group[0][1])) or " / ".join(pid for pid, _ in group)
        risks.append(AttributionRisk(printed, n, plan.is_accepted(group[0][1]), coarse,
                                     tuple(pid for pid, _ in group)))
    return sorted(risks, key=lambda r: (r.participants, normalised(r.text)))


# -- accepting ------------------------------------------------------------------------------------
def accept_attribution(project: Any, text: str, by: str) -> Acceptance:
    """Accept an attribution as it is: every later export prints it uncoarsened. Stored and logged.

    The text is an attribution as `attribution_risks` shows it ('jongerenwerker, 29 jaar'); one that
    is no participant's attribution is refused. Accepting it again changes nothing."""
    from qcode.changelog import log_action, utc_now
    from qcode.db.connection import Database, transaction

    shown = " ".join(text.split())
    if not by or not by.strip():
        raise UsageError("say who accepts the attribution", hint="--by sanne")
    if not shown:
        raise UsageError("the attribution to accept is empty",
                         hint='copy it as qcode anonymise --report shows it: "jongerenwerker, 29 jaar"')
    db = project.db if hasattr(project, "db") else Database(project)
    with transaction(db) as conn:
        if not _someones_attribution(conn, shown):
            raise UsageError("no participant has that attribution",
                             hint='copy it as qcode anonymise --report shows it: "jongerenwerker, 29 jaar"')
        row = conn.execute("SELECT text, accepted_by, accepted_at FROM attribution_acceptances WHERE key = ?",
                           (normalised(shown),)).fetchone()
        if row:
            return Acceptance(*row)
        acceptance = Acceptance(shown, by.strip(), utc_now())
        conn.execute("INSERT INTO attribution_acceptances (key, text, accepted_by, accepted_at) VALUES (?, ?, ?, ?)",
                     (normalised(shown), *vars(acceptance).values()))
        log_action(conn, acceptance.accepted_by, ACCEPTED_ACTION, attribution=shown)
        return acceptance


def withdraw_acceptance(project: Any, text: str, by: str) -> bool:
    """Coarsen an accepted attribution again; False when it was not accepted. Logged."""
    from qcode.changelog import log_action
    from qcode.db.connection import Database, transaction

    db = project.db if hasattr(project, "db") else Database(project)
    with transaction(db) as conn:
        gone = conn.execute("DELETE FROM attribution_acceptances WHERE key = ?", (normalised(text),)).rowcount
        if gone:
            log_action(conn, by, WITHDRAWN_ACTION, attribution=" ".join(text.split()))
        return bool(gone)


def _someones_attribution(conn: sqlite3.Connection, text: str) -> bool:
    """Whether the text is some participant's values, as an attribution prints them, one after another."""
    wanted = normalised(text)
    for _, attributes in participants(conn):
        shown = {normalised(shown_value(key, value, lang))
                 for key in attributes if (value := raw_value(attributes, key)) is not None for lang in YEARS}
        if _made_of(wanted, shown):
            return True
    return False


def _made_of(text: str, values: set[str]) -> bool:
    """Whether the text is some of the values joined by ', ' (a value may hold a comma itself)."""
    if text in values:
        return True
    return any(text.startswith(value + ", ") and _made_of(text[len(value) + 2:], values - {value})
               for value in values if value)
