"""Bringing another copy's coding in: codings, memos, seen-marks and the change log.

Transcripts are matched by content hash, else by name (one copy re-imported an edited file);
fragments by role and text, aligned in order as a re-import aligns them; codes by id. Nothing of ours is overwritten: a coding that both
copies hold with different flags or memo keeps ours and is listed as a conflict. The other copy is
opened read-only; merging the same copy twice adds nothing.
"""
from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from qcode.changelog import log_action
from qcode.relocate import align, fragment_key
from qcode.db.checks import quick_check, sniff
from qcode.db.connection import connect_read_only
from qcode.db.migrations import MIGRATIONS
from qcode.errors import DatabaseError, ReadOnlyDatabaseError, UsageError

_CODING_COLUMNS = ("fragment_id", "code_id", "coder", "main", "star", "memo", "span_start", "span_end",
                   "created_at", "updated_at")


@dataclass
class MergeResult:
    source: str
    codings_added: int = 0
    codings_same: int = 0
    seen_added: int = 0
    log_added: int = 0
    conflicts: list[str] = field(default_factory=list)  # codings both hold, differently: ours kept
    unmatched_transcripts: list[str] = field(default_factory=list)
    unmatched_fragments: int = 0  # codings or seen-marks on fragments we do not have
    unknown_codes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.codings_added or self.seen_added or self.log_added)


def open_other(path: Path) -> sqlite3.Connection:
    """The other copy's database, read-only and checked whole: a project folder or the qcode.db itself."""
    database = path / "qcode.db" if path.is_dir() else path
    if not database.is_file():
        raise UsageError(f"no qcode project at {path}", path=path, hint="give the other copy's folder or its qcode.db")
    try:
        sniff(database)
        other = connect_read_only(database)
        quick_check(other, database)
        version = other.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
    except ReadOnlyDatabaseError:
        raise UsageError("cannot open the other copy's database read-only", path=database,
                         hint="copy the other project's folder to a place you can write to, then merge from there"
                         ) from None
    except (DatabaseError, sqlite3.DatabaseError) as error:
        reason = (getattr(error, "reason", "") or error.problem.message) if isinstance(error, DatabaseError) else str(error)
        raise UsageError(f"that file is not a qcode project database, or a damaged one: {reason}", path=database,
                         hint="ask for a sound copy of the other project (or restore it from a backup)") from None
    if version < 2:
        raise UsageError("the other copy has an older database layout", path=database,
                         hint="open it once with this qcode (e.g. 'qcode --project DIR status'), then merge")
    if version > len(MIGRATIONS):
        raise UsageError(f"the other copy was made by a newer qcode (schema {version}, this qcode knows "
                         f"{len(MIGRATIONS)})", path=database, hint="upgrade qcode, then merge")
    return other


def merge(conn: sqlite3.Connection, other: sqlite3.Connection, source: str) -> MergeResult:
    """Add the other copy's coding to ours, inside the caller's transaction."""
    result = MergeResult(source)
    fragment_map = _fragment_map(conn, other, result)
    known_codes = {row[0] for row in conn.execute("SELECT id FROM codes")}
    _merge_codings(conn, other, fragment_map, known_codes, result)
    _merge_seen(conn, other, fragment_map, result)
    _merge_log(conn, other, fragment_map, result)
    return result


def _fragment_map(conn: sqlite3.Connection, other: sqlite3.Connection, result: MergeResult) -> dict[int, int]:
    """Their fragment id → ours. Transcripts by content, else by name (one copy re-imported an edited
    file); fragments by role and text aligned in order, as a re-import aligns them."""
    ours_by_hash, ours_by_name = {}, {}
    for our_id, name, digest in conn.execute("SELECT id, name, content_hash FROM transcripts"):
        ours_by_hash[digest] = our_id
        ours_by_name[unicodedata.normalize("NFC", name)] = our_id
    mapping: dict[int, int] = {}
    for other_id, name, digest in other.execute("SELECT id, name, content_hash FROM transcripts ORDER BY name"):
        our_id = ours_by_hash.get(digest) or ours_by_name.get(unicodedata.normalize("NFC", name))
        if our_id is None:
            result.unmatched_transcripts.append(name)
            continue
        our_ids, our_keys = _fragment_keys(conn, our_id)
        their_ids, their_keys = _fragment_keys(other, other_id)
        for ours_at, theirs_at in align(their_keys, our_keys).items():
            mapping[their_ids[theirs_at]] = our_ids[ours_at]
    return mapping


def _fragment_keys(db: sqlite3.Connection, transcript_id: int) -> tuple[list[int], list[str]]:
    rows = db.execute("SELECT f.id, t.role, f.text FROM fragments f JOIN turns t ON t.id = f.turn_id "
                      "WHERE f.transcript_id = ? ORDER BY f.idx", (transcript_id,)).fetchall()
    return [row[0] for row in rows], [fragment_key(role, text) for _, role, text in rows]


def _merge_codings(conn: sqlite3.Connection, other: sqlite3.Connection, fragment_map: dict[int, int],
                   known_codes: set[str], result: MergeResult) -> None:
    unknown: set[str] = set()
    for row in other.execute(f"SELECT {', '.join(_CODING_COLUMNS)} FROM codings ORDER BY id"):
        values = dict(zip(_CODING_COLUMNS, row))
        fragment = fragment_map.get(values["fragment_id"])
        if fragment is None:
            result.unmatched_fragments += 1
            continue
        if values["code_id"] not in known_codes:
            unknown.add(values["code_id"])
            continue
        values["fragment_id"] = fragment
        ours = conn.execute("SELECT main, star, memo, span_start, span_end FROM codings WHERE fragment_id = ? AND "
                            "code_id = ? AND coder = ?", (fragment, values["code_id"], values["coder"])).fetchone()
        theirs = (values["main"], values["star"], values["memo"], values["span_start"], values["span_end"])
        if ours is None:
            conn.execute(f"INSERT INTO codings ({', '.join(_CODING_COLUMNS)}) VALUES "
                         f"({', '.join('?' for _ in _CODING_COLUMNS)})", tuple(values.values()))
            result.codings_added += 1
        elif tuple(ours) == theirs:
            result.codings_same += 1
        else:
            result.conflicts.append(f"{values['coder']}: {values['code_id']} on fragment {fragment} "
                                    "(flags, memo or span differ; ours kept)")
    result.unknown_codes = sorted(unknown)


def _merge_seen(conn: sqlite3.Connection, other: sqlite3.Connection, fragment_map: dict[int, int],
                result: MergeResult) -> None:
    rows = [(fragment_map[f], coder, at) for f, coder, at in other.execute("SELECT fragment_id, coder, at FROM seen")
            if f in fragment_map]
    before = conn.total_changes
    conn.executemany("INSERT OR IGNORE INTO seen (fragment_id, coder, at) VALUES (?, ?, ?)", rows)
    result.seen_added = conn.total_changes - before


def _merge_log(conn: sqlite3.Connection, other: sqlite3.Connection, fragment_map: dict[int, int],
               result: MergeResult) -> None:
    columns = "at, coder, action, fragment_id, code_id, detail"
    ours = set(conn.execute(f"SELECT {columns} FROM coding_log"))
    new = []
    for at, coder, action, fragment, code, detail in other.execute(f"SELECT {columns} FROM coding_log ORDER BY id"):
        if fragment is not None:
            if fragment not in fragment_map:
                continue
            fragment = fragment_map[fragment]
        entry = (at, coder, action, fragment, code, detail)
        if entry not in ours:
            ours.add(entry)
            new.append(entry)
    conn.executemany(f"INSERT INTO coding_log ({columns}) VALUES (?, ?, ?, ?, ?, ?)", new)
    if new:
        log_action(conn, "", "merge", source=result.source, entries=len(new))
    result.log_added = len(new)
