"""Is the file a sound qcode database? Cheap checks on open, quick_check before the first write.

SQLite's own messages are kept as the reason ("database disk image is malformed"); they name
pages and tables, never the text stored in them.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from qcode.errors import (DamagedDatabaseError, DatabaseBusyError, DatabaseError, DiskFullError,
                          ReadOnlyDatabaseError)

SQLITE_HEADER = b"SQLite format 3\x00"
DAMAGED_HINT = ("restore qcode.db from your backup, or copy the project folder and run "
                "'qcode doctor' in the copy to see what is damaged")
READ_ONLY_HINT = "copy the project folder to a place you can write to, and run the command there"

# SQLite's primary result codes (the low byte of sqlite_errorcode)
_ERROR, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 1, 5, 6, 8, 10, 11, 13, 14, 26


def damaged(path: Path, reason: str) -> DamagedDatabaseError:
    error = DamagedDatabaseError(f"the project database is damaged ({reason}); nothing was changed",
                                 path=path, hint=DAMAGED_HINT)
    error.reason = reason
    return error


def read_only(path: Path, reason: str = "the file or its folder is read-only") -> ReadOnlyDatabaseError:
    return ReadOnlyDatabaseError(f"cannot write to the project database: {reason}", path=path,
                                 hint=READ_ONLY_HINT)


def sniff(path: Path) -> None:
    """Refuse, without opening it, a file that is empty, not SQLite, or shorter than its header says."""
    size = path.stat().st_size
    if size == 0:
        raise damaged(path, "the file is empty, 0 bytes")
    with path.open("rb") as file:
        header = file.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise damaged(path, "this is not an SQLite database file")
    if len(header) < 100:
        raise damaged(path, f"the file is cut off after {size} bytes")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    count_is_valid = header[24:28] == header[92:96]  # SQLite's "version-valid-for" rule
    wal = path.with_name(path.name + "-wal")
    if count_is_valid and pages and size < pages * page_size and not (wal.exists() and wal.stat().st_size):
        raise damaged(path, f"the file is cut off: {size:,} of {pages * page_size:,} bytes")


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """PRAGMA quick_check: reads every page (≈0.2 s for 300,000 fragments); refuse a damaged file."""
    try:
        rows = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as error:
        raise explain(error, path) or damaged(path, str(error)) from error
    if rows != ["ok"]:
        raise damaged(path, "; ".join(rows[:3]))


def explain(error: sqlite3.Error, path: Path) -> DatabaseError | None:
    """What an SQLite error means for the user, or None if it is not about the file itself."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (_CORRUPT, _NOTADB):
        return damaged(path, str(error))
    if code == _IOERR and _disk_is_full(path):  # e.g. SQLite could not grow its -shm file
        code = _FULL
    if code == _FULL:
        return DiskFullError("the disk is full: free some space and run the command again; nothing was written",
                             path=path, hint="see how much space is left with 'df -h' (or the Explorer/Finder)")
    if code == _READONLY:
        return read_only(path, str(error))
    if code == _CANTOPEN:
        return DatabaseError(f"cannot open the project database ({error})", path=path,
                             hint="check that the folder exists and that you may read and write it; "
                                  "or " + READ_ONLY_HINT)
    if code == _IOERR:
        return DatabaseError(f"the disk failed while reading or writing the project database ({error}); "
                             "nothing was written", path=path,
                             hint="check the disk or network drive, then run the command again")
    if code == _ERROR and str(error).startswith(("no such table", "no such column")):
        return damaged(path, f"part of qcode's layout is missing: {error}")
    if code in (_BUSY, _LOCKED):
        return DatabaseBusyError("another qcode command kept the project database locked too long; "
                                 "nothing was written", path=path,
                                 hint="wait until the other command (an import?) has finished, then run "
                                      "this one again")
    return None


def _disk_is_full(path: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(path.parent if path.parent.exists() else ".").free < 64 * 1024
    except OSError:
        return False


def diagnose(path: Path) -> str:
    """PRAGMA integrity_check on a read-only connection, for `qcode doctor`: 'ok' or what is wrong."""
    from urllib.request import pathname2url

    try:
        sniff(path)
        conn = sqlite3.connect(f"file:{pathname2url(str(path.resolve()))}?mode=ro", uri=True)
        try:
            return integrity(conn)
        finally:
            conn.close()
    except DatabaseError as error:
        return error.problem.message
    except sqlite3.Error as error:
        return f"cannot be checked ({error})"


def integrity(conn: sqlite3.Connection) -> str:
    """'ok', or the first problems PRAGMA integrity_check finds (it reads every page and index)."""
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check(10)")]
    except sqlite3.DatabaseError as error:
        return f"damaged ({error})"
    return "ok" if rows == ["ok"] else "damaged: " + "; ".join(rows)
