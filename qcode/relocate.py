"""Keeping codings when a transcript changes: move each to the fragment with the same text.

A coding whose fragment text no longer exists is kept in `orphaned_codings`, never dropped.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from qcode.changelog import log_action, utc_now


@dataclass(frozen=True)
class TakenCoding:
    idx: int
    text: str
    code_id: str
    coder: str
    main: int
    star: int
    memo: str | None
    span_start: int | None
    span_end: int | None
    created_at: str
    updated_at: str


def normalise(text: str) -> str:
    return " ".join(text.split())


def take_codings(conn: sqlite3.Connection, transcript_id: int) -> list[TakenCoding]:
    """Remove a transcript's codings and return them, with the text of their fragments."""
    rows = conn.execute(
        "SELECT f.idx, f.text, c.code_id, c.coder, c.main, c.star, c.memo, c.span_start, c.span_end, "
        "c.created_at, c.updated_at FROM codings c JOIN fragments f ON f.id = c.fragment_id "
        "WHERE f.transcript_id = ? ORDER BY c.id", (transcript_id,)).fetchall()
    conn.execute("DELETE FROM codings WHERE fragment_id IN "
                 "(SELECT id FROM fragments WHERE transcript_id = ?)", (transcript_id,))
    return [TakenCoding(*row) for row in rows]


def carry_codings(conn: sqlite3.Connection, transcript_id: int, transcript_name: str,
                  taken: list[TakenCoding]) -> tuple[int, int]:
    """Put taken codings back on the re-segmented transcript; return (moved, orphaned)."""
    candidates: dict[str, list[tuple[int, int]]] = {}
    for fragment_id, idx, text in conn.execute(
            "SELECT id, idx, text FROM fragments WHERE transcript_id = ?", (transcript_id,)):
        candidates.setdefault(normalise(text), []).append((idx, fragment_id))
    now = utc_now()
    moved = orphaned = 0
    for coding in taken:
        matches = candidates.get(normalise(coding.text))
        if matches:
            # Several fragments with the same words ("Ja."): take the one nearest the old place.
            fragment_id = min(matches, key=lambda m: abs(m[0] - coding.idx))[1]
            conn.execute(
                "INSERT INTO codings (fragment_id, code_id, coder, main, star, memo, span_start, span_end, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (fragment_id, coding.code_id, coding.coder, coding.main, coding.star, coding.memo,
                 coding.span_start, coding.span_end, coding.created_at, coding.updated_at))
            log_action(conn, coding.coder, "moved", fragment_id=fragment_id, code_id=coding.code_id,
                       transcript=transcript_name)
            moved += 1
        else:
            conn.execute(
                "INSERT INTO orphaned_codings (transcript, fragment_text, code_id, coder, main, star, memo, "
                "span_start, span_end, created_at, orphaned_at, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (transcript_name, coding.text, coding.code_id, coding.coder, coding.main, coding.star,
                 coding.memo, coding.span_start, coding.span_end, coding.created_at, now,
                 "the fragment's text is no longer in the re-imported transcript"))
            log_action(conn, coding.coder, "orphaned", code_id=coding.code_id, transcript=transcript_name,
                       fragment=coding.idx)
            orphaned += 1
    return moved, orphaned

