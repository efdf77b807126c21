"""How participants are spread over an attribute ([[verdeling ATTRIBUUT]]), as one sentence."""
from __future__ import annotations

import sqlite3


def spread_sentence(conn: sqlite3.Connection, attribute: str, lang: str = "nl") -> str | None:
    return None
