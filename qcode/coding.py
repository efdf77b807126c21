"""Coding: assign and unassign codes to fragments, mark fragments seen, every action logged."""
from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Sequence
from typing import Any

from qcode.changelog import log_action, utc_now
from qcode.errors import UsageError, cell
from qcode.records import CodingRecord

_CODING_SELECT = """
SELECT c.id, c.fragment_id, tr.name, tr.participant_id, c.code_id, c.coder, c.main, c.star, c.memo,
       c.span_start, c.span_end, f.text, c.updated_at
FROM codings c JOIN fragments f ON f.id = c.fragment_id JOIN transcripts tr ON tr.id = f.transcript_id
"""
_CODING_FIELDS = ("id", "fragment", "transcript", "participant", "code", "coder", "main", "star", "memo",
                  "span_start", "span_end", "text", "updated_at")


SQLITE_MAX_INTEGER = 2**63 - 1


def check_fragment(conn: sqlite3.Connection, fragment_id: int) -> str:
    """The text of a participant's fragment; a clear error for any other id (also one SQLite cannot hold)."""
    if isinstance(fragment_id, bool) or not isinstance(fragment_id, int) or not 0 < fragment_id <= SQLITE_MAX_INTEGER:
        raise UsageError(f"there is no fragment {str(fragment_id)[:40]}",
                         hint="find fragment ids with 'qcode fragments'")
    row = conn.execute("SELECT f.text, t.role FROM fragments f JOIN turns t ON t.id = f.turn_id WHERE f.id = ?",
                       (fragment_id,)).fetchone()
    if row is None:
        raise UsageError(f"there is no fragment {fragment_id}", hint="find fragment ids with 'qcode fragments'")
    if row[1] != "participant":
        raise UsageError(f"fragment {fragment_id} is an interviewer's turn; only participants' words are coded",
                         hint="code the participant's answer that follows it")
    return row[0]


def _check_codes(conn: sqlite3.Connection, codes: list[str]) -> None:
    if not codes:
        raise UsageError("name at least one code", hint="see the ids with 'qcode codebook show --ids'")
    known = {row[0]: row[1] for row in conn.execute("SELECT id, active FROM codes")}
    for code in codes:
        if code not in known:
            from qcode.suggest_names import unknown_code

            raise unknown_code(conn, code, "in the codebook")
        if not known[code]:
            raise UsageError(f"code {code!r} is retired (no longer in the codebook file)",
                             hint="put it back in the YAML and load it, or use another code")


def _check_coder(coder: str) -> str:
    coder = coder.strip()
    if not coder:
        raise UsageError("a coder name is needed", hint="pass --coder NAME")
    return coder


def assign(conn: sqlite3.Connection, fragment_id: int, codes: list[str], coder: str, *, main: bool = False,
           star: bool = False, memo: str | None = None, span: tuple[int, int] | None = None,
           mark_seen: bool = True) -> int:
    """Apply codes to a fragment (updating flags and memo where the coder already applied one).

    The star marks the fragment (a key quote), not one coding: starring stars every code this coder
    applied to the fragment, and a code applied to a starred fragment is starred too.
    """
    coder = _check_coder(coder)
    text = check_fragment(conn, fragment_id)
    _check_codes(conn, codes)
    if span is not None:
        check_span(span, fragment_id, text)
    star = star or fragment_starred(conn, fragment_id, coder)
    apply_checked(conn, [(fragment_id, code, coder, main, star, memo) for code in codes], span, mark_seen=mark_seen)
    if star:
        conn.execute("UPDATE codings SET star = 1 WHERE fragment_id = ? AND coder = ? AND star = 0",
                     (fragment_id, coder))
    return len(codes)


def fragment_starred(conn: sqlite3.Connection, fragment_id: int, coder: str) -> bool:
    """Whether a coder starred the fragment as a key quote."""
    return conn.execute("SELECT 1 FROM codings WHERE fragment_id = ? AND coder = ? AND star = 1 LIMIT 1",
                        (fragment_id, coder)).fetchone() is not None


def main_reasons(conn: sqlite3.Connection, participant: str, coder: str) -> list[tuple[int, str]]:
    """(fragment, code) of every coding a coder marked as this participant's main reason for leaving.

    The rule is one main reason per participant per coder; a second one is kept only when the coder
    chose to keep both (the coder asks), and the report then counts both.
    """
    return [(row[0], row[1]) for row in conn.execute(
        "SELECT c.fragment_id, c.code_id FROM codings c JOIN fragments f ON f.id = c.fragment_id "
        "JOIN transcripts tr ON tr.id = f.transcript_id WHERE tr.participant_id = ? AND c.coder = ? AND c.main = 1 "
        "ORDER BY f.transcript_id, f.idx, c.code_id", (participant, coder))]


def fragment_participant(conn: sqlite3.Connection, fragment_id: int) -> str:
    return conn.execute("SELECT tr.participant_id FROM fragments f JOIN transcripts tr ON tr.id = f.transcript_id "
                        "WHERE f.id = ?", (fragment_id,)).fetchone()[0]


def similar_coders(conn: sqlite3.Connection, coder: str) -> list[str]:
    """Existing coders whose name differs from `coder` only in case or spacing (`Anna` beside `anna`)."""
    def folded(name: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    coder = coder.strip()
    names = {row[0] for row in conn.execute("SELECT coder FROM codings UNION SELECT coder FROM seen")}
    return sorted(name for name in names if name != coder and folded(name) == folded(coder))


def check_span(span: tuple[int, int], fragment_id: int, text: str) -> None:
    if not 0 <= span[0] < span[1] <= len(text):
        raise UsageError(f"span {span[0]}–{span[1]} lies outside fragment {fragment_id} (0–{len(text)})")


def apply_checked(conn: sqlite3.Connection, rows: Sequence[tuple], span: tuple[int, int] | None = None, *,
                  mark_seen: bool = True) -> None:
    """Write codings whose fragment, code and coder were checked, with their log entries and seen-marks.

    Rows are (fragment, code, coder, main, star, memo), optionally with a 7th item, the row's own
    span (else `span`); an existing coding gets the new flags, and the new memo and span where given.
    One statement per table, so 100,000 rows take seconds. `mark_seen=False` leaves the seen-marks
    alone (a consensus being edited is not settled until the coder says so).
    """
    rows = [(*row[:6], row[6] if len(row) > 6 else span) for row in rows]
    now = utc_now()
    conn.executemany(
        "INSERT INTO codings (fragment_id, code_id, coder, main, star, memo, span_start, span_end, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fragment_id, code_id, coder) DO UPDATE"
        " SET main = excluded.main, star = excluded.star, memo = COALESCE(excluded.memo, memo),"
        " span_start = COALESCE(excluded.span_start, span_start), span_end = COALESCE(excluded.span_end, span_end),"
        " updated_at = excluded.updated_at",
        [(fragment, code, coder, int(main), int(star), memo, *(span or (None, None)), now, now)
         for fragment, code, coder, main, star, memo, span in rows])
    details: dict[tuple, str] = {}  # most rows say the same (no memo, no span): written once

    def detail(main: bool, star: bool, memo: str | None, span: tuple[int, int] | None) -> str:
        key = (bool(main), bool(star), memo, tuple(span) if span else None)
        if key not in details:
            details[key] = json.dumps({"main": key[0], "star": key[1], "memo": memo,
                                       "span": list(span) if span else None}, ensure_ascii=False)
        return details[key]
    conn.executemany(
        "INSERT INTO coding_log (at, coder, action, fragment_id, code_id, detail) VALUES (?, ?, 'assign', ?, ?, ?)",
        [(now, coder, fragment, code, detail(main, star, memo, span))
         for fragment, code, coder, main, star, memo, span in rows])
    if mark_seen:
        conn.executemany("INSERT OR IGNORE INTO seen (fragment_id, coder, at) VALUES (?, ?, ?)",
                         sorted({(fragment, coder, now) for fragment, _, coder, *_ in rows}))


def unassign(conn: sqlite3.Connection, fragment_id: int, codes: list[str], coder: str) -> int:
    """Remove codes a coder applied to a fragment; naming one not applied is an error."""
    coder = _check_coder(coder)
    check_fragment(conn, fragment_id)
    for code in codes:
        deleted = conn.execute("DELETE FROM codings WHERE fragment_id = ? AND code_id = ? AND coder = ?",
                               (fragment_id, code, coder)).rowcount
        if not deleted:
            raise UsageError(f"{coder} has not coded fragment {fragment_id} with {code!r}",
                             hint=f"see 'qcode codings --coder {coder}'")
        log_action(conn, coder, "unassign", fragment_id=fragment_id, code_id=code)
    return len(codes)


def mark_seen(conn: sqlite3.Connection, fragment_id: int, coder: str) -> None:
    check_fragment(conn, fragment_id)
    conn.execute("INSERT OR IGNORE INTO seen (fragment_id, coder, at) VALUES (?, ?, ?)",
                 (fragment_id, _check_coder(coder), utc_now()))


def codings(conn: sqlite3.Connection, coder: str | None = None, code: str | None = None,
            participant: str | None = None) -> list[CodingRecord]:
    if code and conn.execute("SELECT 1 FROM codes WHERE id = ?", (code,)).fetchone() is None:
        from qcode.suggest_names import unknown_code

        raise unknown_code(conn, code)
    where, params = [], []
    for column, value in (("c.coder", coder), ("c.code_id", code), ("tr.participant_id", participant)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    sql = _CODING_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY tr.name, f.idx, c.code_id"
    return [CodingRecord(**dict(zip(_CODING_FIELDS, row))) for row in conn.execute(sql, params)]


# -- single-field changes and undo, for the interactive coder -----------------------------------
_UNCHANGED: object = object()
_STATE_FIELDS = ("main", "star", "memo", "span_start", "span_end", "created_at")


def coding_state(conn: sqlite3.Connection, fragment_id: int, code: str, coder: str) -> dict | None:
    """One coder's coding of a fragment with a code, as a dict that `restore` can put back; None if absent."""
    row = conn.execute(f"SELECT {', '.join(_STATE_FIELDS)} FROM codings WHERE fragment_id = ? AND code_id = ? "
                       "AND coder = ?", (fragment_id, code, coder)).fetchone()
    return dict(zip(_STATE_FIELDS, row)) if row else None


def update(conn: sqlite3.Connection, fragment_id: int, code: str, coder: str, *, main: object = _UNCHANGED,
           star: object = _UNCHANGED, memo: object = _UNCHANGED, span: object = _UNCHANGED) -> None:
    """Change the flags, memo or span (None: the whole fragment) of a coding that exists."""
    coder = _check_coder(coder)
    text = check_fragment(conn, fragment_id)
    if coding_state(conn, fragment_id, code, coder) is None:
        raise UsageError(f"{coder} has not coded fragment {fragment_id} with {code!r}",
                         hint="apply the code first")
    changes: dict[str, Any] = {}
    if main is not _UNCHANGED:
        changes["main"] = int(bool(main))
    if star is not _UNCHANGED:
        changes["star"] = int(bool(star))
    if memo is not _UNCHANGED:
        changes["memo"] = (memo or "").strip() or None
    if span is not _UNCHANGED:
        if span is not None:
            check_span(span, fragment_id, text)
        changes["span_start"], changes["span_end"] = span or (None, None)
        conn.execute("DELETE FROM coding_spans WHERE coding_id IN (SELECT id FROM codings WHERE fragment_id = ? "
                     "AND code_id = ? AND coder = ?)", (fragment_id, code, coder))  # a span set by hand replaces them
    if not changes:
        return
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(f"UPDATE codings SET {assignments}, updated_at = ? WHERE fragment_id = ? AND code_id = ? "
                 "AND coder = ?", (*changes.values(), utc_now(), fragment_id, code, coder))
    log_action(conn, coder, "update", fragment_id=fragment_id, code_id=code, **changes)


def restore(conn: sqlite3.Connection, fragment_id: int, code: str, coder: str, state: dict | None) -> None:
    """Put a coding back as `coding_state` saw it (None: remove it): the undo of any change."""
    conn.execute("DELETE FROM codings WHERE fragment_id = ? AND code_id = ? AND coder = ?",
                 (fragment_id, code, coder))
    if state is not None:
        conn.execute("INSERT INTO codings (fragment_id, code_id, coder, main, star, memo, span_start, span_end, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (fragment_id, code, coder, *(state[f] for f in _STATE_FIELDS), utc_now()))
    log_action(conn, coder, "undo", fragment_id=fragment_id, code_id=code, restored=state is not None)


def fragment_codings(conn: sqlite3.Connection, fragment_id: int, coder: str) -> dict[str, dict]:
    """The codes one coder applied to one fragment, each with its state."""
    return {row[0]: dict(zip(_STATE_FIELDS, row[1:])) for row in conn.execute(
        f"SELECT code_id, {', '.join(_STATE_FIELDS)} FROM codings WHERE fragment_id = ? AND coder = ? "
        "ORDER BY created_at, id", (fragment_id, coder))}


def fragment_id(value: Any) -> int:
    """A fragment id from a sheet cell: a whole number, not 1.5, -3, '12abc' or one too big for the database."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"fragment {cell(value)} is not a fragment id",
                         hint="a fragment id is a whole number (see qcode fragments)")
    return value
