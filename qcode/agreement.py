"""Agreement between coders: units, percentage agreement, Cohen's kappa, Krippendorff's alpha.

Units at the code level are (fragment, code) decisions on the participants' fragments that every
named coder has seen: a seen fragment without the code is a "no". `theme` rolls sub-codes up into
their theme; `participant` asks per participant and theme whether it is mentioned at all, and
separately which theme each coder holds to be the participant's main reason for leaving.
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from qcode.aggregate import LINEAGE, codes_in_order
from qcode.errors import UsageError

# Plain Python on purpose: the counts below are all the coefficients need, they cost O(codings), and
# `qcode agreement` starts without loading numpy (docs/speed.md, the start-up figures).

LEVELS = ("code", "theme", "participant")
NO_MAIN_REASON = "(geen)"


@dataclass
class Figures:
    units: int
    used: int  # units where at least one coder applied the code
    percent: float | None
    kappa: float | None  # two coders only
    alpha: float | None  # None where undefined (every decision the same)


@dataclass
class Agreement:
    level: str
    coders: list[str]
    overall: Figures
    codes: dict[str, Figures]
    labels: dict[str, str]
    main_reason: Figures | None = None  # participant level
    main_reasons: dict[str, dict[str, str]] = field(default_factory=dict)  # participant → coder → theme

    def as_json(self) -> dict:
        def figures(f: Figures) -> dict:
            return {"units": f.units, "used": f.used, "percent": f.percent, "kappa": f.kappa, "alpha": f.alpha}
        data = {"level": self.level, "coders": self.coders, "overall": figures(self.overall),
                "codes": {code: figures(f) for code, f in self.codes.items()}}
        if self.main_reason is not None:
            data["main_reason"] = figures(self.main_reason)
        return data


Table = list[list[int]]  # table[a][b]: units the first coder put in category a and the second in b


# -- the coefficients ---------------------------------------------------------------------------
def cohen_kappa(first: Sequence[int], second: Sequence[int]) -> float | None:
    """Cohen's kappa of two coders' nominal decisions (integers); None when chance agreement is 1."""
    first, second = [int(v) for v in first], [int(v) for v in second]
    categories = max(max(first, default=0), max(second, default=0)) + 1
    table = [[0] * categories for _ in range(categories)]
    for a, b in zip(first, second):
        table[a][b] += 1
    return _kappa_from_table(table)


def _missing(value: object) -> bool:
    return value is None or value != value  # None, or NaN from a spreadsheet or numpy


def alpha(reliability: Sequence[Sequence[object]]) -> float | None:
    """Krippendorff's alpha, nominal, from coders × units data (None or NaN for a missing value).

    Each unit with m ≥ 2 values adds its pairs of values to the coincidence matrix, weighted 1/(m − 1);
    alpha = 1 − (n − 1) · (disagreeing coincidences) / Σ_{c≠k} n_c·n_k. None when only one value occurs.
    """
    coincidences: Counter = Counter()
    for unit in zip(*reliability):
        values = Counter(v for v in unit if not _missing(v))
        pairable = sum(values.values())
        if pairable < 2:
            continue
        for c, nc in values.items():
            for k, nk in values.items():
                coincidences[c, k] += nc * (nk - (c == k)) / (pairable - 1)
    totals: Counter = Counter()
    for (c, _), o in coincidences.items():
        totals[c] += o
    if len(totals) < 2:
        return None
    n = sum(totals.values())
    disagreeing = sum(o for (c, k), o in coincidences.items() if c != k)
    by_chance = n * n - sum(t * t for t in totals.values())
    return 1 - (n - 1) * disagreeing / by_chance


def binary_alpha(patterns: Sequence[int]) -> float | None:
    """Nominal alpha for yes/no decisions where every coder decided every unit.

    `patterns[y]` counts the units with y yeses among the m coders. Krippendorff's coincidences
    then sum per pattern, so alpha = 1 − (n − 1) · Σ y(m − y) / ((m − 1) · n₀ · n₁) with
    n = N·m values, n₁ yeses and n₀ noes. This is exact (tests check it against the `krippendorff` package),
    and it never walks the units, which at 300,000 fragments × 40 codes would take seconds.
    """
    coders = len(patterns) - 1
    n1 = sum(count * yeses for yeses, count in enumerate(patterns))
    n = sum(patterns) * coders
    n0 = n - n1
    if n0 == 0 or n1 == 0:
        return None
    disagreeing = sum(count * yeses * (coders - yeses) for yeses, count in enumerate(patterns))
    return 1 - (n - 1) * disagreeing / ((coders - 1) * n0 * n1)


@dataclass
class _Counts:
    """What the figures of one code (or all codes together) are computed from."""
    patterns: list[int]  # units by number of coders saying yes
    pair: Table | None  # the 2×2 table of two coders

    def __add__(self, other: _Counts) -> _Counts:
        patterns = [a + b for a, b in zip(self.patterns, other.patterns)]
        if self.pair is None or other.pair is None:
            return _Counts(patterns, None)
        return _Counts(patterns, [[a + b for a, b in zip(x, y)] for x, y in zip(self.pair, other.pair)])


def _counts(yeses: list[set[int]], units: int) -> _Counts:
    """Counts from each coder's set of units marked yes, out of `units` units all coders decided."""
    per_unit = Counter(unit for marked in yeses for unit in marked)
    patterns = [0] * (len(yeses) + 1)
    for said_yes in per_unit.values():
        patterns[said_yes] += 1
    patterns[0] = units - len(per_unit)
    pair = None
    if len(yeses) == 2:
        both = len(yeses[0] & yeses[1])
        first_only, second_only = len(yeses[0]) - both, len(yeses[1]) - both
        pair = [[units - both - first_only - second_only, second_only], [first_only, both]]
    return _Counts(patterns, pair)


def _figures(counts: _Counts) -> Figures:
    coders = len(counts.patterns) - 1
    units = sum(counts.patterns)
    used = units - counts.patterns[0]
    percent = (counts.patterns[0] + counts.patterns[coders]) / units if units else None
    return Figures(units, used, percent, _kappa_from_table(counts.pair) if counts.pair is not None else None,
                   binary_alpha(counts.patterns))


def _kappa_from_table(table: Table) -> float | None:
    total = sum(map(sum, table))
    if total == 0:
        return None
    observed = sum(table[i][i] for i in range(len(table))) / total
    columns = [sum(column) for column in zip(*table)]
    expected = sum(sum(row) * column for row, column in zip(table, columns)) / total / total
    return None if expected >= 1 else (observed - expected) / (1 - expected)


def binary_figures(decisions: Sequence[Sequence[int]]) -> Figures:
    """Figures for a coders × units 0/1 matrix."""
    yeses = [{unit for unit, value in enumerate(row) if value} for row in decisions]
    return _figures(_counts(yeses, len(decisions[0]) if len(decisions) else 0))


def nominal_figures(values: Sequence[Sequence[int]]) -> Figures:
    """Figures for a coders × units matrix of category numbers (the main reasons)."""
    coders, units = len(values), len(values[0]) if len(values) else 0
    percent = sum(len(set(unit)) == 1 for unit in zip(*values)) / units if units else None
    kappa = cohen_kappa(values[0], values[1]) if coders == 2 and units else None
    return Figures(units, units, percent, kappa, alpha(values) if units else None)


# -- the data -----------------------------------------------------------------------------------
def check_coders(conn: sqlite3.Connection, coders: list[str]) -> list[str]:
    coders = [c.strip() for c in coders if c.strip()]
    if len(coders) < 2 or len(set(coders)) != len(coders):
        raise UsageError("agreement needs two or more different coders", hint="e.g. --coders anna,bram")
    known = {row[0] for row in conn.execute("SELECT coder FROM seen UNION SELECT coder FROM codings")}
    missing = [c for c in coders if c not in known]
    if missing:
        verb = "has" if len(missing) == 1 else "have"
        raise UsageError(f"{', '.join(map(repr, missing))} {verb} not coded anything in this project",
                         hint=f"coders: {', '.join(sorted(known)) or 'none yet'}")
    return coders


def common_fragments(conn: sqlite3.Connection, coders: list[str]) -> list[int]:
    """The participants' fragments every named coder has seen, in transcript order."""
    marks = ", ".join("?" for _ in coders)
    return [row[0] for row in conn.execute(
        f"SELECT s.fragment_id FROM seen s JOIN fragments f ON f.id = s.fragment_id JOIN turns t ON t.id = f.turn_id "
        f"AND t.role = 'participant' JOIN transcripts tr ON tr.id = f.transcript_id WHERE s.coder IN ({marks}) "
        f"GROUP BY s.fragment_id HAVING COUNT(DISTINCT s.coder) = ? ORDER BY tr.name, f.idx", (*coders, len(coders)))]


def _decisions(conn: sqlite3.Connection, coders: list[str], column: str):
    marks = ", ".join("?" for _ in coders)
    return conn.execute(
        LINEAGE + f"SELECT DISTINCT c.fragment_id, l.{column}, c.coder, f.transcript_id, tr.participant_id "
        "FROM codings c JOIN lineage l ON l.id = c.code_id JOIN fragments f ON f.id = c.fragment_id "
        f"JOIN transcripts tr ON tr.id = f.transcript_id WHERE c.coder IN ({marks})", coders)


def agreement(conn: sqlite3.Connection, coders: list[str], level: str = "code") -> Agreement:
    if level not in LEVELS:
        raise UsageError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    coders = check_coders(conn, coders)
    fragments = common_fragments(conn, coders)
    if not fragments:
        raise UsageError(f"no fragment has been seen by all of {', '.join(coders)}",
                         hint="each coder codes (or moves past) the same fragments first")
    if level == "participant":
        return _participant_agreement(conn, coders, fragments)
    labels = dict(codes_in_order(conn, themes_only=level != "code"))
    column = {"code": "id", "theme": "theme"}[level]
    position = {fragment: i for i, fragment in enumerate(fragments)}
    row_of = {coder: i for i, coder in enumerate(coders)}
    yeses: dict[str, list[set[int]]] = {code: [set() for _ in coders] for code in labels}
    for fragment, code, coder, _, _ in _decisions(conn, coders, column):
        if fragment in position and code in yeses:
            yeses[code][row_of[coder]].add(position[fragment])
    return Agreement(level, coders, *_per_code_and_overall(yeses, len(fragments)), labels)


def _per_code_and_overall(yeses: dict[str, list[set[int]]], units: int) -> tuple[Figures, dict[str, Figures]]:
    counts = {code: _counts(marked, units) for code, marked in yeses.items()}
    total = sum(counts.values(), start=_counts([set() for _ in next(iter(yeses.values()), [])], 0))
    return _figures(total), {code: _figures(c) for code, c in counts.items()}


def _participant_agreement(conn: sqlite3.Connection, coders: list[str], fragments: list[int]) -> Agreement:
    labels = dict(codes_in_order(conn, themes_only=True))
    common = set(fragments)
    participants = sorted({participant for fragment, participant in conn.execute(
        "SELECT f.id, tr.participant_id FROM fragments f JOIN transcripts tr ON tr.id = f.transcript_id")
        if fragment in common})
    position = {p: i for i, p in enumerate(participants)}
    row_of = {coder: i for i, coder in enumerate(coders)}
    yeses: dict[str, list[set[int]]] = {code: [set() for _ in coders] for code in labels}
    for fragment, theme, coder, _, participant in _decisions(conn, coders, "theme"):
        if fragment in common and theme in yeses:
            yeses[theme][row_of[coder]].add(position[participant])
    overall, codes = _per_code_and_overall(yeses, len(participants))
    reasons = _main_reasons(conn, coders, common)
    categories = {NO_MAIN_REASON: 0, **{code: i for i, code in enumerate(labels, start=1)}}
    values = [[categories[reasons.get(p, {}).get(c, NO_MAIN_REASON)] for p in participants] for c in coders]
    return Agreement("participant", coders, overall, codes, labels, nominal_figures(values),
                     {p: {c: reasons.get(p, {}).get(c, NO_MAIN_REASON) for c in coders} for p in participants})


def _main_reasons(conn: sqlite3.Connection, coders: list[str], common: set[int]) -> dict[str, dict[str, str]]:
    """Per participant and coder, the theme of the main-reason coding (the first in codebook order)."""
    marks = ", ".join("?" for _ in coders)
    found: dict[str, dict[str, str]] = {}
    for fragment, participant, coder, theme in conn.execute(
            LINEAGE + "SELECT c.fragment_id, tr.participant_id, c.coder, l.theme FROM codings c "
            "JOIN lineage l ON l.id = c.code_id JOIN fragments f ON f.id = c.fragment_id "
            f"JOIN transcripts tr ON tr.id = f.transcript_id WHERE c.main = 1 AND c.coder IN ({marks}) "
            "ORDER BY (SELECT position FROM codes WHERE id = l.theme)", coders):
        if fragment in common:
            found.setdefault(participant, {}).setdefault(coder, theme)
    return found
