"""Timestamps and the change log of coding actions, shared by every module that changes codings."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def log_action(conn: sqlite3.Connection, coder: str, action: str, *, fragment_id: int | None = None,
               code_id: str | None = None, **detail: Any) -> None:
    """Record one action (assign, unassign, moved, orphaned, renamed, merged…) in `coding_log`."""
    conn.execute("INSERT INTO coding_log (at, coder, action, fragment_id, code_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
                 (utc_now(), coder, action, fragment_id, code_id, json.dumps(detail, ensure_ascii=False)))
