"""Counting codings: per theme and sub-theme, per participant and attribute, and the quotes behind them.

Every count is done in SQL over one coder's codings. A code counts for its theme (the top of its
branch) and its sub-theme (the second level; deeper codes roll up into it). Only participants'
fragments are ever counted or quoted.
"""
from __future__ import annotations

import json
import sqlite3
from operator import itemgetter
from dataclasses import dataclass, field
from typing import Any

from qcode.errors import UsageError

# code → its theme (top level) and sub-theme (second level, or the theme itself for theme codings)
LINEAGE = """
WITH RECURSIVE lineage(id, theme, sub, depth, sub_position) AS (
    SELECT id, id, id, 0, position FROM codes WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, l.theme, CASE WHEN l.depth = 0 THEN c.id ELSE l.sub END, l.depth + 1,
           CASE WHEN l.depth = 0 THEN c.position ELSE l.sub_position END
    FROM codes c JOIN lineage l ON c.parent_id = l.id
)
"""
_CODED = """
FROM codings c JOIN lineage l ON l.id = c.code_id
JOIN fragments f ON f.id = c.fragment_id JOIN turns t ON t.id = f.turn_id AND t.role = 'participant'
JOIN transcripts tr ON tr.id = f.transcript_id
WHERE c.coder = ?
"""


@dataclass
class CodeCount:
    id: str
    label: str
    participants: int  # participants with at least one coding in this branch
    main: int  # participants for whom a coding in this branch is the main reason
    codings: int  # fragments coded (for surveys: times mentioned)
    kind: str = "reason"  # reason (mentions and main reasons) or context (mentions only)


@dataclass(slots=True)
class Quote:
    theme: str
    sub: str
    code: str
    participant: str
    attributes: dict[str, Any]
    transcript: str
    turn: int
    timestamp: float | None
    index: int
    text: str  # the span if one was set, else the fragment
    main: bool
    star: bool
    memo: str | None
    coder: str
    question: str | None = None  # a survey answer's question


@dataclass
class Theme:
    id: str
    label: str
    chapter: str | None
    role: str | None
    count: CodeCount
    subs: list[CodeCount] = field(default_factory=list)
    kind: str = "reason"  # reason (a reason to leave) or context (positive or background: mentions only)


def coders(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]


def require_codings(conn: sqlite3.Connection, coder: str | None) -> str:
    """The coder to count: the one named, or the only one there is; a clear error otherwise."""
    known = coders(conn)
    if not known:
        raise UsageError("there are no codings in this project yet",
                         hint="code with 'qcode code --coder NAME' or import them with 'qcode codings import'")
    if coder is None:
        if len(known) > 1:
            raise UsageError(f"several coders have coded ({', '.join(known)}); say whose codings to use",
                             hint=f"pass --coder, e.g. --coder {known[0]}")
        return known[0]
    if coder not in known:
        raise UsageError(f"{coder!r} has no codings in this project", hint=f"coders: {', '.join(known)}")
    return coder


def participant_total(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(DISTINCT participant_id) FROM transcripts").fetchone()[0]


def is_survey(conn: sqlite3.Connection) -> bool:
    formats = {row[0] for row in conn.execute("SELECT DISTINCT format FROM transcripts")}
    return formats == {"survey"}


def _counts(conn: sqlite3.Connection, coder: str, column: str) -> dict[str, tuple[int, int, int]]:
    sql = (LINEAGE + f"SELECT l.{column}, COUNT(DISTINCT tr.participant_id), "
           "COUNT(DISTINCT CASE WHEN c.main THEN tr.participant_id END), COUNT(DISTINCT c.fragment_id)"
           + _CODED + f"GROUP BY l.{column}")
    return {row[0]: row[1:] for row in conn.execute(sql, (coder,))}


def themes(conn: sqlite3.Connection, coder: str) -> list[Theme]:
    """Every theme in codebook order with its counts, and its sub-themes with theirs."""
    by_theme, by_sub = _counts(conn, coder, "theme"), _counts(conn, coder, "sub")
    result: dict[str, Theme] = {}
    rows = conn.execute("SELECT id, parent_id, label, chapter, role, kind FROM codes WHERE active = 1 OR id IN "
                        "(SELECT code_id FROM codings) ORDER BY position").fetchall()
    for code_id, parent, label, chapter, role, kind in rows:
        if parent is None:
            count = CodeCount(code_id, label, *by_theme.get(code_id, (0, 0, 0)), kind=kind)
            result[code_id] = Theme(code_id, label, chapter, role, count, kind=kind)
        elif parent in result:
            result[parent].subs.append(CodeCount(code_id, label, *by_sub.get(code_id, (0, 0, 0)), kind=kind))
    return list(result.values())


def ranked(found: list[Theme]) -> list[CodeCount]:
    """The reasons to leave: `reason` themes (not context, not recommendations) by participants for whom it
    was the main reason, then by participants mentioning them."""
    return sorted((t.count for t in found if t.kind == "reason" and t.role != "recommendations"),
                  key=lambda c: (-c.main, -c.participants, c.label))


def quotes(conn: sqlite3.Connection, coder: str, codes: list[str] | None = None) -> list[Quote]:
    """One quote per coding, in codebook and transcript order; `codes` limits to those branches."""
    where, params = "", [coder]
    if codes:
        where = f" AND (l.theme IN ({_marks(codes)}) OR l.sub IN ({_marks(codes)}) OR l.id IN ({_marks(codes)}))"
        params += codes * 3
    sql = (LINEAGE + "SELECT l.sub_position, l.theme, l.sub, c.code_id, tr.participant_id, tr.name, t.number, "
           "t.timestamp, f.idx, "
           "CASE WHEN c.span_start IS NULL THEN f.text ELSE substr(f.text, c.span_start + 1, "
           "c.span_end - c.span_start) END, c.main, c.star, c.memo, c.coder, t.question"
           + _CODED + where)
    attributes = {participant: json.loads(values) for participant, values in
                  conn.execute("SELECT id, attributes FROM participants")}  # shared: one dict per participant
    rows = sorted(conn.execute(sql, params), key=itemgetter(0, 5, 8))  # sub-theme, transcript, index
    return [Quote(theme, sub, code, participant, attributes[participant], transcript, turn, timestamp, index,
                  text.strip(), bool(main), bool(star), memo, who, question)
            for _, theme, sub, code, participant, transcript, turn, timestamp, index, text, main, star, memo, who,
            question in rows]


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)


# -- matrices -----------------------------------------------------------------------------------
LEVELS = {"theme": "theme", "code": "id"}
MENTIONED, MAIN = 1, 2


@dataclass
class Matrix:
    """A table of counts (or marks) with labelled rows and columns, for the screen and for sheets."""
    title: str
    corner: str
    row_ids: list[str]
    rows: list[str]
    columns: list[str]
    cells: list[list[int]]

    def as_rows(self) -> list[dict[str, Any]]:
        return [{self.corner: label, **dict(zip(self.columns, values))} for label, values in zip(self.rows, self.cells)]


def _level(level: str) -> str:
    if level not in LEVELS:
        raise UsageError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    return LEVELS[level]


def codes_in_order(conn: sqlite3.Connection, themes_only: bool) -> list[tuple[str, str]]:
    """(id, label) of the themes, or of every code, in codebook order: active ones and retired ones in use."""
    where = "parent_id IS NULL" if themes_only else "1"
    return conn.execute(f"SELECT id, label FROM codes WHERE ({where}) AND (active = 1 OR id IN "
                        "(SELECT code_id FROM codings)) ORDER BY position").fetchall()


def _in_question(question: str | None) -> str:
    """The codings part of a query, narrowed to one survey question's answers when one is named."""
    return _CODED if question is None else _CODED.replace("AND t.role = 'participant'",
                                                          "AND t.role = 'participant' AND t.question = :question")


def participant_matrix(conn: sqlite3.Connection, coder: str, level: str = "theme", question: str | None = None) -> Matrix:
    """Code × participant: 1 mentioned, 2 main reason, 0 not mentioned (a survey question's answerers only)."""
    column = _level(level)
    marks = {(code, participant): MAIN if main else MENTIONED for code, participant, main in conn.execute(
        LINEAGE + f"SELECT l.{column}, tr.participant_id, MAX(c.main)"
        + _in_question(question).replace("WHERE c.coder = ?", "WHERE c.coder = :coder")
        + f"GROUP BY l.{column}, tr.participant_id", {"coder": coder, "question": question})}
    participants = [row[0] for row in conn.execute(
        "SELECT DISTINCT participant_id FROM transcripts ORDER BY participant_id" if question is None else
        "SELECT DISTINCT tr.participant_id FROM turns t JOIN transcripts tr ON tr.id = t.transcript_id WHERE "
        "t.question = ? AND t.role = 'participant' ORDER BY tr.participant_id", () if question is None else (question,))]
    codes = codes_in_order(conn, column == "theme")
    return Matrix("code × participant (1 mentioned, 2 main reason)", "code", [c for c, _ in codes],
                  [label for _, label in codes], participants,
                  [[marks.get((code, p), 0) for p in participants] for code, _ in codes])


def attribute_matrix(conn: sqlite3.Connection, coder: str, attribute: str, level: str = "theme",
                     question: str | None = None) -> Matrix:
    """Participants mentioning each code, per value of an attribute; numbers binned by ten years.
    With a survey `question`: its answers' codings, and group sizes of those who answered it."""
    column = _level(level)
    value = ("CASE WHEN typeof(json_extract(p.attributes, '$.' || :attribute)) IN ('integer', 'real') "
             "THEN (CAST(json_extract(p.attributes, '$.' || :attribute) AS INTEGER) / 10 * 10) || '–' || "
             "(CAST(json_extract(p.attributes, '$.' || :attribute) AS INTEGER) / 10 * 10 + 9) "
             "ELSE coalesce(json_extract(p.attributes, '$.' || :attribute), '(onbekend)') END")
    who = ("SELECT participant_id FROM transcripts" if question is None else
           "SELECT tr.participant_id FROM turns t JOIN transcripts tr ON tr.id = t.transcript_id "
           "WHERE t.question = :question AND t.role = 'participant'")
    groups = dict(conn.execute(
        f"SELECT {value} AS grp, COUNT(*) FROM participants p WHERE p.id IN ({who}) "
        "GROUP BY grp ORDER BY grp", {"attribute": attribute, "question": question}).fetchall())
    if set(groups) == {"(onbekend)"}:
        raise UsageError(f"no participant has the attribute {attribute!r}",
                         hint="attributes come from participants.csv or front matter; see 'qcode show TRANSCRIPT'")
    counts = {(code, group): n for code, group, n in conn.execute(
        LINEAGE + f"SELECT l.{column}, {value} AS grp, COUNT(DISTINCT tr.participant_id)"
        + _in_question(question).replace("WHERE c.coder = ?",
                                         "JOIN participants p ON p.id = tr.participant_id WHERE c.coder = :coder")
        + f" GROUP BY l.{column}, grp", {"attribute": attribute, "coder": coder, "question": question})}
    codes = codes_in_order(conn, column == "theme")
    columns = [f"{group} (n={size})" for group, size in groups.items()]
    return Matrix(f"participants mentioning each code, by {attribute}", "code", [c for c, _ in codes],
                  [label for _, label in codes], columns,
                  [[counts.get((code, group), 0) for group in groups] for code, _ in codes])


def cooccurrence(conn: sqlite3.Connection, coder: str, within: str = "fragment", level: str = "theme") -> Matrix:
    """How often two codes occur together in one fragment, or with one participant."""
    column = _level(level)
    if within not in ("fragment", "participant"):
        raise UsageError(f"within must be fragment or participant, not {within!r}")
    key = "c.fragment_id" if within == "fragment" else "tr.participant_id"
    pairs = {}
    for first, second, n in conn.execute(
            LINEAGE + f", coded AS (SELECT DISTINCT {key} AS unit, l.{column} AS code" + _CODED + ") "
            "SELECT a.code, b.code, COUNT(*) FROM coded a JOIN coded b ON a.unit = b.unit GROUP BY a.code, b.code",
            (coder,)):
        pairs[(first, second)] = n
    codes = codes_in_order(conn, column == "theme")
    labels = [label for _, label in codes]
    return Matrix(f"co-occurrence within {within}s (diagonal: {within}s with the code)", "code",
                  [c for c, _ in codes], labels, labels,
                  [[pairs.get((a, b), 0) for b, _ in codes] for a, _ in codes])
