"""Opening a project's database: refuse a damaged, foreign or newer file before using it.

Reading commands pay for the cheap checks only (the header, the schema version: well under a
millisecond); the full PRAGMA quick_check runs before a connection's first write (`transaction`).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from qcode.db.checks import damaged, explain, read_only, sniff
from qcode.db.connection import Database, OnWait, connect, use_wal
from qcode.db.migrations import MIGRATIONS, migrate, newer_schema, schema_version
from qcode.errors import DatabaseError


def open_database(path: Path, on_wait: OnWait | None = None) -> Database:
    """The project's database, checked, and brought up to this qcode's schema if it is older."""
    sniff(path)
    db = connect(path, on_wait=on_wait)
    try:
        version = _schema_version(db, path)
        if version > len(MIGRATIONS):
            raise newer_schema(db, version)
        if version < len(MIGRATIONS):
            if getattr(db.conn, "read_only", False):
                raise read_only(path, f"it was made by an older qcode (schema {version}) and must be "
                                      f"upgraded to schema {len(MIGRATIONS)} first, which needs a place "
                                      "you can write to")
        use_wal(db)
        if version < len(MIGRATIONS):
            migrate(db)
    except BaseException:
        db.conn.close()
        raise
    return db


def create_database(path: Path, on_wait: OnWait | None = None) -> Database:
    db = connect(path, on_wait=on_wait)
    migrate(db)
    return db


def _schema_version(db: Database, path: Path) -> int:
    try:
        if "schema_version" not in db.table_names():
            raise DatabaseError(
                "this SQLite database is not a qcode project (it has no schema_version table)", path=path,
                hint="point --project at the project's folder; if 'qcode init' was interrupted here, "
                     "delete this qcode.db and run 'qcode init' again")
        version = schema_version(db)
        if version == 0 and "settings" in db.table_names():
            raise damaged(path, "its record of the schema version is empty, though it holds qcode's tables")
        return version
    except sqlite3.Error as error:
        raise explain(error, path) or damaged(path, str(error)) from error
