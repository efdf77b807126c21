"""Codings to and from spreadsheets: export for sharing, import from a script or another tool.

Columns: `fragment` (id) or `transcript` + `text` (the fragment whose text contains it, whitespace-
insensitive), `code`, `coder`, `main` (0/1), `star` (0/1), `memo`, `span_start` + `span_end`. A row
with both an id and a text must agree: the id's fragment has that text. Two rows for the same
fragment, code and coder must say the same. Every bad row is reported with its row number, and
nothing is written unless the caller asks to skip bad rows.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode import coding, inputs
from qcode.coding import fragment_id
from qcode.changelog import utc_now
from qcode.errors import InputError, Problem, UsageError, cell
from qcode.outputs import same_text, uncut
from qcode.queries import resolve_transcript
from qcode.readers import ReadError
from qcode.readers.sheets import read_rows
from qcode.relocate import normalise
from qcode.suggest_names import code_hint

EXPORT_COLUMNS = ("fragment", "transcript", "participant", "code", "coder", "main", "star", "memo",
                  "span_start", "span_end", "text")


@dataclass
class CodingsImport:
    applied: int = 0
    unchanged: int = 0
    seen_added: int = 0
    skipped: list[Problem] = field(default_factory=list)


def export_rows(conn: sqlite3.Connection, coder: str | None = None) -> list[dict[str, Any]]:
    """Codings as sheet rows; a survey answer's row names its question (a sheet column qcode reads back)."""
    questions = dict(conn.execute("SELECT f.id, t.question FROM fragments f JOIN turns t ON t.id = f.turn_id "
                                  "WHERE t.question IS NOT NULL"))
    return [{"fragment": r.fragment, "transcript": r.transcript, "participant": r.participant, "code": r.code,
             "coder": r.coder, "main": int(r.main), "star": int(r.star), "memo": r.memo,
             "span_start": r.span_start, "span_end": r.span_end, "text": r.text,
             **({"question": questions.get(r.fragment)} if questions else {})}
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
    span: tuple[int, int] | None = None

    @property
    def key(self) -> tuple[int, str, str]:
        return self.fragment, self.code, self.coder

    @property
    def says(self) -> dict[str, Any]:
        return {"main": self.main, "star": self.star, "memo": self.memo, "span": self.span}

    @property
    def state(self) -> tuple[bool, bool, str | None, tuple[int, int] | None]:
        return self.main, self.star, self.memo, self.span


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
    resolver.read_ahead(records)
    rows, problems = [], []
    for number, record in records:
        try:
            rows.append(resolver.row(number, record, default_coder))
        except UsageError as error:
            problems.append(Problem(error.problem.message, path, number, error.problem.hint, unit="row"))
    rows = _without_conflicts(rows, path, problems)
    if problems and not skip_bad:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    result = CodingsImport(skipped=problems)
    existing = _existing(conn, {row.coder for row in rows})
    changed: dict[tuple[int, str, str], _Row] = {}
    for row in rows:
        if row.key in changed or _unchanged(existing.get(row.key), row):
            result.unchanged += 1
            continue
        changed[row.key] = row
    coding.apply_checked(conn, [(r.fragment, r.code, r.coder, r.main, r.star, r.memo, r.span)
                                for r in changed.values()])
    result.applied = len(changed)
    inputs.record(conn, path, "codings")  # never written over by an output from now on
    if read_whole:
        result.seen_added = _mark_transcripts_seen(conn, {(row.coder, row.fragment) for row in rows})
    return result


def _without_conflicts(rows: list[_Row], path: Path, problems: list[Problem]) -> list[_Row]:
    """Rows that say different things about one fragment, code and coder are an error, never "first wins"."""
    first: dict[tuple[int, str, str], _Row] = {}
    conflicting = set()
    for row in rows:
        earlier = first.setdefault(row.key, row)
        if earlier is row or earlier.state == row.state:
            continue
        differ = [name for name, value in row.says.items() if value != earlier.says[name]]
        if differ:
            conflicting.add(row.key)
            problems.append(Problem(
                f"rows {earlier.number} and {row.number} both code fragment {row.fragment} with {row.code!r} "
                f"for {row.coder}, with a different {' and '.join(differ)}", path, row.number,
                "keep one of the two rows (neither is applied)", unit="row"))
    return [row for row in rows if row.key not in conflicting]


def _unchanged(existing: tuple | None, row: _Row) -> bool:
    """The coding is there already as the row has it (an empty memo or span keeps what is there)."""
    if existing is None:
        return False
    main, star, memo, span_start, span_end = existing
    return ((main, star) == (int(row.main), int(row.star)) and row.memo in (None, memo)
            and row.span in (None, (span_start, span_end)))


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
        for fragment, code, *state in conn.execute(
                "SELECT fragment_id, code_id, main, star, memo, span_start, span_end FROM codings WHERE coder = ?",
                (coder,)):
            found[(fragment, code, coder)] = tuple(state)
    return found


class _Resolver:
    """Turns a sheet row into a checked coding, caching codes and transcripts' fragments."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.codes = dict(conn.execute("SELECT id, active FROM codes").fetchall())
        self.fragments: dict[str, list[tuple[int, str, str]]] = {}  # transcript → (id, text, normalised)
        self.transcripts: dict[str, str] = {}  # as the sheet names it → stored name
        self.texts: dict[int, str] = {}  # participants' fragments the sheet names by id, read ahead

    def read_ahead(self, records: list[tuple[int, dict[str, Any]]]) -> None:
        """The texts of the participants' fragments the sheet names by id, 500 to a query instead of one a row
        (an id that is not there, or not a participant's, is left to `check_fragment`'s own message)."""
        wanted = []
        for _, record in records:
            try:
                wanted.append(fragment_id(record["fragment"]))
            except (KeyError, UsageError):
                continue
        wanted = sorted({fragment for fragment in wanted if fragment <= coding.SQLITE_MAX_INTEGER})
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            self.texts.update(self.conn.execute(
                f"SELECT f.id, f.text FROM fragments f JOIN turns t ON t.id = f.turn_id WHERE f.id IN "
                f"({', '.join('?' * len(chunk))}) AND t.role = 'participant'", chunk).fetchall())

    def row(self, number: int, record: dict[str, Any], default_coder: str | None) -> _Row:
        coder = str(record.get("coder") or default_coder or "").strip()
        if not coder:
            raise UsageError("no coder in this row", hint="fill the coder column, or pass --coder NAME")
        code = str(record.get("code") or "").strip()
        if self.codes.get(code) != 1:
            raise UsageError(f"unknown code {cell(code)}" if code not in self.codes else f"code {code!r} is retired",
                             hint=code_hint(self.conn, code) if code not in self.codes
                             else "see 'qcode codebook show --ids'")
        memo = record.get("memo")
        fragment, text = self._fragment(record)
        return _Row(number, fragment, code, coder, _flag(record, "main"), _flag(record, "star"),
                    None if memo is None else str(memo), _span(record, fragment, text))

    def _fragment(self, record: dict[str, Any]) -> tuple[int, str]:
        if record.get("fragment") is not None:
            fragment = fragment_id(record["fragment"])
            text = self.texts.get(fragment) or coding.check_fragment(self.conn, fragment)
            if record.get("transcript") is not None:
                self._check_transcript(fragment, str(record["transcript"]))
            if record.get("text") is not None and not same_text(str(record["text"]), text):
                raise UsageError(f"fragment {fragment}'s text is not this row's text — the transcript was "
                                 "re-imported since the sheet was written?",
                                 hint="export the codings again, or drop the id and let the text find the fragment")
            return fragment, text
        if record.get("transcript") is None or record.get("text") is None:
            raise UsageError("give a fragment id, or a transcript and a piece of its text")
        name = self._transcript(str(record["transcript"]))
        if name not in self.fragments:
            self.fragments[name] = [(i, t, normalise(t)) for i, t in self.conn.execute(
                "SELECT f.id, f.text FROM fragments f JOIN turns t ON t.id = f.turn_id JOIN transcripts tr "
                "ON tr.id = f.transcript_id WHERE tr.name = ? AND t.role = 'participant' ORDER BY f.idx", (name,))]
        wanted = normalise(uncut(str(record["text"])))
        matches = [(i, text) for i, text, normalised in self.fragments[name] if wanted in normalised]
        if len(matches) != 1:
            raise UsageError(f"the text matches {'no' if not matches else len(matches)} participant fragments of "
                             f"{name}" + (f" ({', '.join(str(i) for i, _ in matches[:5])})" if matches else ""),
                             hint="quote more of the fragment, or give its id in a 'fragment' column")
        return matches[0]


    def _transcript(self, given: str) -> str:
        if given not in self.transcripts:
            self.transcripts[given] = resolve_transcript(self.conn, given)
        return self.transcripts[given]

    def _check_transcript(self, fragment: int, given: str) -> None:
        name = self._transcript(given)
        [(actual,)] = self.conn.execute("SELECT tr.name FROM fragments f JOIN transcripts tr ON tr.id = "
                                        "f.transcript_id WHERE f.id = ?", (fragment,)).fetchall()
        if actual != name:
            raise UsageError(f"fragment {fragment} is in {actual}, not in this row's transcript {name}",
                             hint="export the codings again, or correct the id or the transcript")


def _span(record: dict[str, Any], fragment: int, text: str) -> tuple[int, int] | None:
    start, end = record.get("span_start"), record.get("span_end")
    if start is None and end is None:
        return None
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        raise UsageError("span_start and span_end must both be whole numbers, or both empty")
    coding.check_span((start, end), fragment, text)
    return start, end


_YES = frozenset({"1", "ja", "j", "yes", "y", "true", "waar", "x", "✓", "✔"})
_NO = frozenset({"", "0", "nee", "n", "no", "false", "onwaar", "-"})


def _flag(record: dict[str, Any], column: str) -> bool:
    """A yes/no cell as researchers type it: 1/0, ja/nee, yes/no, true/false (Excel's too), x or ✓ for yes."""
    value = record.get(column)
    if value is None or isinstance(value, bool) or value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().casefold() in _YES | _NO:
        return value.strip().casefold() in _YES
    raise UsageError(f"{column} must be yes or no, not {cell(value)}",
                     hint="write 1, ja, yes, x or ✓ for yes; 0, nee, no or leave it empty for no")
