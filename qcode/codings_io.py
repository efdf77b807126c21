"""Codings to and from spreadsheets: export for sharing, import from a script or another tool.

Columns: `fragment` (id) or `transcript` + `text` (the fragment whose text contains it, whitespace-
insensitive), `code`, `coder`, `main` (0/1), `star` (0/1), `memo`. Every bad row is reported with its
row number, and nothing is written unless the caller asks to skip bad rows.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode import coding
from qcode.changelog import utc_now
from qcode.errors import InputError, Problem, UsageError
from qcode.queries import resolve_transcript
from qcode.readers import ReadError
from qcode.readers.sheets import read_rows
from qcode.relocate import normalise

EXPORT_COLUMNS = ("fragment", "transcript", "participant", "code", "coder", "main", "star", "memo",
                  "span_start", "span_end", "text")


@dataclass
class CodingsImport:
    applied: int = 0
    unchanged: int = 0
    seen_added: int = 0
    skipped: list[Problem] = field(default_factory=list)


def export_rows(conn: sqlite3.Connection, coder: str | None = None) -> list[dict[str, Any]]:
    return [{"fragment": r.fragment, "transcript": r.transcript, "participant": r.participant, "code": r.code,
             "coder": r.coder, "main": int(r.main), "star": int(r.star), "memo": r.memo,
             "span_start": r.span_start, "span_end": r.span_end, "text": r.text}
            for r in coding.codings(conn, coder=coder)]


@dataclass(frozen=True)
class _Row:
    number: int
    fragment: int
    code: str
    coder: str
    main: bool
    star: bool
    memo: str | None


def import_codings(conn: sqlite3.Connection, path: Path, default_coder: str | None,
                   skip_bad: bool = False, read_whole: bool = False) -> CodingsImport:
    """Read and check every row, then apply the good ones inside the caller's transaction."""
    try:
        header, records = read_rows(path)
    except ReadError as error:
        raise InputError([error.problem]) from None
    if "code" not in header or not ({"fragment"} <= set(header) or {"transcript", "text"} <= set(header)):
        raise InputError([Problem("the sheet needs a 'code' column and either 'fragment' or 'transcript' and "
                                  "'text'", path, 1, "see qcode codings export for the layout", unit="row")])
    resolver = _Resolver(conn)
    rows, problems = [], []
    for number, record in records:
        try:
            rows.append(resolver.row(number, record, default_coder))
        except UsageError as error:
            problems.append(Problem(error.problem.message, path, number, error.problem.hint, unit="row"))
    if problems and not skip_bad:
        raise InputError(problems)
    result = CodingsImport(skipped=problems)
    existing = _existing(conn, {row.coder for row in rows})
    changed = {}
    for row in rows:
        key = (row.fragment, row.code, row.coder)
        if existing.get(key) == (int(row.main), int(row.star), row.memo) or key in changed:
            result.unchanged += 1
            continue
        changed[key] = (row.fragment, row.code, row.coder, row.main, row.star, row.memo)
    coding.apply_checked(conn, list(changed.values()))
    result.applied = len(changed)
    if read_whole:
        result.seen_added = _mark_transcripts_seen(conn, {(row.coder, row.fragment) for row in rows})
    return result


def _mark_transcripts_seen(conn: sqlite3.Connection, coded: set[tuple[str, int]]) -> int:
    """Each coder read the whole of every transcript they coded in: every participant fragment of it is seen."""
    before = conn.total_changes
    for coder, transcript in sorted({(coder, row[0]) for coder, fragment in coded for row in conn.execute(
            "SELECT transcript_id FROM fragments WHERE id = ?", (fragment,))}):
        conn.execute("INSERT OR IGNORE INTO seen (fragment_id, coder, at) SELECT f.id, ?, ? FROM fragments f "
                     "JOIN turns t ON t.id = f.turn_id WHERE f.transcript_id = ? AND t.role = 'participant'",
                     (coder, utc_now(), transcript))
    return conn.total_changes - before


def _existing(conn: sqlite3.Connection, coders: set[str]) -> dict[tuple[int, str, str], tuple]:
    found = {}
    for coder in coders:
        for fragment, code, main, star, memo in conn.execute(
                "SELECT fragment_id, code_id, main, star, memo FROM codings WHERE coder = ?", (coder,)):
            found[(fragment, code, coder)] = (main, star, memo)
    return found


class _Resolver:
    """Turns a sheet row into a checked coding, caching codes and transcripts' fragments."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.codes = dict(conn.execute("SELECT id, active FROM codes").fetchall())
        self.fragments: dict[str, list[tuple[int, str]]] = {}

    def row(self, number: int, record: dict[str, Any], default_coder: str | None) -> _Row:
        coder = str(record.get("coder") or default_coder or "").strip()
        if not coder:
            raise UsageError("no coder in this row", hint="fill the coder column, or pass --coder NAME")
        code = str(record.get("code") or "").strip()
        if self.codes.get(code) != 1:
            raise UsageError(f"unknown code {code!r}" if code not in self.codes else f"code {code!r} is retired",
                             hint="see 'qcode codebook show --ids'")
        memo = record.get("memo")
        return _Row(number, self._fragment(record), code, coder, _flag(record, "main"), _flag(record, "star"),
                    None if memo is None else str(memo))

    def _fragment(self, record: dict[str, Any]) -> int:
        if record.get("fragment") is not None:
            try:
                fragment = int(record["fragment"])
            except (TypeError, ValueError):
                raise UsageError(f"fragment {record['fragment']!r} is not a number") from None
            coding.check_fragment(self.conn, fragment)
            return fragment
        if record.get("transcript") is None or record.get("text") is None:
            raise UsageError("give a fragment id, or a transcript and a piece of its text")
        name = resolve_transcript(self.conn, str(record["transcript"]))
        if name not in self.fragments:
            self.fragments[name] = [(i, normalise(t)) for i, t in self.conn.execute(
                "SELECT f.id, f.text FROM fragments f JOIN turns t ON t.id = f.turn_id JOIN transcripts tr "
                "ON tr.id = f.transcript_id WHERE tr.name = ? AND t.role = 'participant' ORDER BY f.idx", (name,))]
        wanted = normalise(str(record["text"]))
        matches = [i for i, text in self.fragments[name] if wanted in text]
        if len(matches) != 1:
            raise UsageError(f"the text matches {'no' if not matches else len(matches)} participant fragments of "
                             f"{name}" + (f" ({', '.join(map(str, matches[:5]))})" if matches else ""),
                             hint="quote more of the fragment, or give its id in a 'fragment' column")
        return matches[0]


def _flag(record: dict[str, Any], column: str) -> bool:
    value = record.get(column)
    if value in (None, 0, 1, "0", "1"):
        return bool(int(value or 0))
    raise UsageError(f"{column} must be 0 or 1, not {value!r}")
