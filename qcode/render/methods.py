"""The methods paragraph ([[methode]]) from what the project knows."""
from __future__ import annotations

import sqlite3


def method_paragraph(conn: sqlite3.Connection, coder: str, lang: str = "nl") -> str:
    return ""
