"""Agreement between coders: units, percentage agreement, Cohen's kappa, Krippendorff's alpha.

Units at the code level are (fragment, code) decisions on the participants' fragments that every
named coder has seen: a seen fragment without the code is a "no". `theme` rolls sub-codes up into
their theme; `participant` asks per participant and theme whether it is mentioned at all, and
separately which theme each coder holds to be the participant's main reason for leaving.
"""
from __future__ import annotations

import operator
import sqlite3
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING

from qcode import lazy
from qcode.aggregate import LINEAGE, codes_in_order
from qcode.errors import UsageError

if TYPE_CHECKING:
    import krippendorff
    import numpy as np
else:  # loaded when figures are computed, not when `qcode coders` lists progress
    krippendorff = lazy.module("krippendorff")
    np = lazy.module("numpy")

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


# -- the coefficients ---------------------------------------------------------------------------
def cohen_kappa(first: np.ndarray, second: np.ndarray) -> float | None:
    """Cohen's kappa of two coders' nominal decisions (integers); None when chance agreement is 1."""
    categories = int(max(first.max(initial=0), second.max(initial=0))) + 1
    table = np.bincount(first * categories + second, minlength=categories * categories)
    return _kappa_from_table(table.reshape(categories, categories))


def alpha(reliability: np.ndarray | list) -> float | None:
    """Krippendorff's alpha, nominal, from coders × units data (NaN for a missing value)."""
    try:
        return float(krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal"))
    except ValueError:  # one value only: agreement cannot be told from chance
        return None


def binary_alpha(patterns: np.ndarray) -> float | None:
    """Nominal alpha for yes/no decisions where every coder decided every unit.

    `patterns[y]` counts the units with y yeses among the m coders. Krippendorff's coincidences
    then sum per pattern, so alpha = 1 − (n − 1) · Σ y(m − y) / ((m − 1) · n₀ · n₁) with
    n = N·m values, n₁ yeses and n₀ noes. This is exact (tests check it against the `krippendorff` package); the
    package walks every unit, which takes seconds at 300,000 fragments × 40 codes.
    """
    coders = len(patterns) - 1
    yeses = np.arange(coders + 1)
    n1 = int((patterns * yeses).sum())
    n = int(patterns.sum()) * coders
    n0 = n - n1
    if n0 == 0 or n1 == 0:
        return None
    disagreeing = int((patterns * yeses * (coders - yeses)).sum())
    return 1 - (n - 1) * disagreeing / ((coders - 1) * n0 * n1)


@dataclass
class _Counts:
    """What the figures of one code (or all codes together) are computed from."""
    patterns: np.ndarray  # units by number of coders saying yes
    pair: np.ndarray | None  # the 2×2 table of two coders

    def __add__(self, other: _Counts) -> _Counts:
        pair = None if self.pair is None else self.pair + other.pair
        return _Counts(self.patterns + other.patterns, pair)


def _counts(decisions: np.ndarray) -> _Counts:
    coders = decisions.shape[0]
    ones = decisions.sum(axis=0, dtype=np.int64)
    pair = (np.bincount(decisions[0].astype(np.int64) * 2 + decisions[1], minlength=4).reshape(2, 2)
            if coders == 2 else None)
    return _Counts(np.bincount(ones, minlength=coders + 1), pair)


def _figures(counts: _Counts) -> Figures:
    coders = len(counts.patterns) - 1
    units = int(counts.patterns.sum())
    used = units - int(counts.patterns[0])
    percent = float((counts.patterns[0] + counts.patterns[coders]) / units) if units else None
    return Figures(units, used, percent, _kappa_from_table(counts.pair) if counts.pair is not None else None,
                   binary_alpha(counts.patterns))


def _kappa_from_table(table: np.ndarray) -> float | None:
    total = table.sum()
    if total == 0:
        return None
    observed = np.trace(table) / total
    expected = float((table.sum(axis=1) * table.sum(axis=0)).sum()) / total / total
    return None if expected >= 1 else float((observed - expected) / (1 - expected))


def binary_figures(decisions: np.ndarray) -> Figures:
    """Figures for a coders × units 0/1 matrix."""
    return _figures(_counts(decisions))


def nominal_figures(values: np.ndarray) -> Figures:
    """Figures for a coders × units matrix of category numbers (the main reasons)."""
    coders, units = values.shape
    percent = float((values == values[0]).all(axis=0).mean()) if units else None
    kappa = cohen_kappa(values[0], values[1]) if coders == 2 and units else None
    return Figures(units, units, percent, kappa, alpha(values.astype(float)) if units else None)


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
    matrices = {code: np.zeros((len(coders), len(fragments)), dtype=np.uint8) for code in labels}
    for fragment, code, coder, _, _ in _decisions(conn, coders, column):
        if fragment in position and code in matrices:
            matrices[code][row_of[coder], position[fragment]] = 1
    return Agreement(level, coders, *_per_code_and_overall(matrices), labels)


def _per_code_and_overall(matrices: dict[str, np.ndarray]) -> tuple[Figures, dict[str, Figures]]:
    counts = {code: _counts(matrix) for code, matrix in matrices.items()}
    total = reduce(operator.add, counts.values())
    return _figures(total), {code: _figures(c) for code, c in counts.items()}


def _participant_agreement(conn: sqlite3.Connection, coders: list[str], fragments: list[int]) -> Agreement:
    labels = dict(codes_in_order(conn, themes_only=True))
    common = set(fragments)
    participants = sorted({participant for fragment, participant in conn.execute(
        "SELECT f.id, tr.participant_id FROM fragments f JOIN transcripts tr ON tr.id = f.transcript_id")
        if fragment in common})
    position = {p: i for i, p in enumerate(participants)}
    row_of = {coder: i for i, coder in enumerate(coders)}
    matrices = {code: np.zeros((len(coders), len(participants)), dtype=np.uint8) for code in labels}
    for fragment, theme, coder, _, participant in _decisions(conn, coders, "theme"):
        if fragment in common and theme in matrices:
            matrices[theme][row_of[coder], position[participant]] = 1
    overall, codes = _per_code_and_overall(matrices)
    reasons = _main_reasons(conn, coders, common)
    categories = {NO_MAIN_REASON: 0, **{code: i for i, code in enumerate(labels, start=1)}}
    values = np.array([[categories[reasons.get(p, {}).get(c, NO_MAIN_REASON)] for p in participants]
                       for c in coders], dtype=np.int64)
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
