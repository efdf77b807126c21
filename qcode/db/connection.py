"""Open the SQLite file the way every part of qcode expects it, and write to it all-or-nothing."""
from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from typing import NoReturn
from contextlib import contextmanager
from pathlib import Path

from qcode.db.checks import explain, quick_check, read_only

BUSY_TIMEOUT_MS = 10_000  # how long one statement waits for a lock inside SQLite
ANNOUNCE_AFTER_MS = 2_000  # a writer kept waiting this long says so, then keeps trying
WAIT_LIMIT_S = 15 * 60  # and gives up after this long: an import of millions of words takes minutes

OnWait = Callable[[bool], None]
"""Told True when a write starts waiting for another command's lock, False when the wait is over."""


class Database:
    """A project's open database as qcode passes it around: the connection and two conveniences.

    (sqlite-utils' `Database` held this role; importing it, and numpy through it, cost a third of
    every command's start-up, and qcode used nothing else of it.)
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: tuple | dict = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters)

    def table_names(self) -> list[str]:
        return [name for (name,) in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


class Connection(sqlite3.Connection):
    """sqlite3's connection, knowing its file, whether it may write, and whom to tell when it waits."""

    path: Path
    read_only: bool = False
    checked: bool = False  # PRAGMA quick_check passed (run once, before the first write)
    on_wait: OnWait | None = None


def connect(path: Path, *, on_wait: OnWait | None = None) -> Database:
    """Open (or create) the database: autocommit mode, WAL, foreign keys, a busy timeout.

    Autocommit mode because every write that matters runs inside `transaction()`, which
    issues BEGIN/COMMIT itself; Python's implicit transactions would interleave with ours.
    A file or folder we may not write to is opened read-only: WAL mode creates -wal and -shm
    files beside the database, so even reading fails there unless SQLite is told.
    """
    path = Path(path)
    conn: Connection | None = None
    try:
        existed = path.exists()
        if existed and not _writable(path):
            conn = connect_read_only(path)
        else:
            conn = _connect(str(path))
            if not existed:  # an existing file is switched only once it is known sound (use_wal)
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.Error as error:
        if conn is not None:
            conn.close()
        _reraise(error, path)
    conn.path = path
    conn.on_wait = on_wait
    return Database(conn)


def _connect(target: str, uri: bool = False) -> Connection:
    return sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=False,
                           factory=Connection)  # type: ignore[return-value]


def _writable(path: Path) -> bool:
    """May we write the file and its folder? Judged by the permission bits too, since root ignores them."""
    return all(os.access(place, os.W_OK) and (not _is_root() or place.stat().st_mode & 0o222)
               for place in (path, path.parent))


def _is_root() -> bool:
    return getattr(os, "geteuid", lambda: -1)() == 0


def connect_read_only(path: Path) -> Connection:
    """mode=ro where SQLite can still make its -shm file; immutable in a read-only folder without a -wal."""
    from urllib.request import pathname2url  # urllib.request costs more than the rest of opening

    url = pathname2url(str(path.resolve()))
    wal = path.with_name(path.name + "-wal")
    modes = ["mode=ro"] + ([] if wal.exists() and wal.stat().st_size else ["immutable=1"])
    for mode in modes:
        conn = _connect(f"file:{url}?{mode}", uri=True)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            continue
        conn.read_only = True
        return conn
    raise read_only(path, "the folder is read-only and holds unsaved changes (a qcode.db-wal file), "
                          "so the database cannot even be read here")


@contextmanager
def transaction(db: Database) -> Iterator[sqlite3.Connection]:
    """One all-or-nothing write: BEGIN IMMEDIATE … COMMIT, ROLLBACK on any exception.

    Before the connection's first write the whole file is checked (PRAGMA quick_check): nothing
    is ever written into a damaged database. A lock held by another command (an import) is
    waited for, visibly through `on_wait`, for up to WAIT_LIMIT_S. A failure is reported as
    itself (a full disk), never as the ROLLBACK's "no transaction is active" that may follow.
    """
    conn = db.conn
    path = getattr(conn, "path", Path("qcode.db"))
    try:
        _before_first_write(conn, path)
        _begin(conn)
    except sqlite3.Error as error:
        _reraise(error, path)
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as error:
        _rollback(conn)
        if isinstance(error, sqlite3.Error):
            _reraise(error, path)
        raise


def set_on_wait(db: Database, on_wait: OnWait | None) -> None:
    """Whom a write on this database tells when it has to wait for another command's lock."""
    if isinstance(db.conn, Connection):
        db.conn.on_wait = on_wait


def prepare_to_write(db: Database) -> None:
    """The checks of a first write (read-only? damaged?) now, for a command that will write later."""
    conn = db.conn
    try:
        _before_first_write(conn, getattr(conn, "path", Path("qcode.db")))
    except sqlite3.Error as error:
        _reraise(error, conn.path)


def use_wal(db: Database) -> None:
    """Switch a sound, writable database to WAL mode (qcode makes every database so; a copy may not be)."""
    conn = db.conn
    if getattr(conn, "read_only", False) or conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    _before_first_write(conn, getattr(conn, "path", Path("qcode.db")))
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as error:
        _reraise(error, conn.path)


def _before_first_write(conn: sqlite3.Connection, path: Path) -> None:
    if getattr(conn, "read_only", False):
        raise read_only(path)
    if isinstance(conn, Connection) and not conn.checked:
        quick_check(conn, path)
        conn.checked = True


def _begin(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE; when another writer holds the lock, say so once and keep trying."""
    on_wait = getattr(conn, "on_wait", None)
    deadline = time.monotonic() + WAIT_LIMIT_S
    timeout_ms = ANNOUNCE_AFTER_MS
    waiting = False
    try:
        while True:
            conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            started = time.monotonic()
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() >= deadline:
                    raise
            if not waiting:
                waiting = True
                if on_wait:
                    on_wait(True)
            if time.monotonic() - started < 0.05:  # SQLite gave up at once: do not spin
                time.sleep(0.05)
            timeout_ms = max(50, min(BUSY_TIMEOUT_MS, int((deadline - time.monotonic()) * 1000)))
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if waiting and on_wait:
            on_wait(False)


def _reraise(error: sqlite3.Error, path: Path) -> NoReturn:
    """Raise what the error means for the user (a full disk, a damaged file), else the error itself."""
    explained = explain(error, path)
    if explained is None:
        raise error
    raise explained from error


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


def _rollback(conn: sqlite3.Connection) -> None:
    """Undo what can be undone; SQLite may already have rolled back (a full disk), which is fine."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the original error is the one to report
