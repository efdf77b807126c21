"""Re-importing a changed transcript: each old fragment that is still there keeps its id.

The old and new fragment lists are aligned as sequences (`difflib.SequenceMatcher` over role and
normalised text): in the stretches that are equal, the n-th old fragment is the n-th new one, so two
identical answers ("Ja.") each stay themselves when a question is inserted above them. A text that
occurs exactly once in the old and once in the new transcript is the same fragment wherever it
moved (paragraphs reordered). A surviving fragment is updated in place — same id, new place — so
its codings, seen-marks and spans need no moving. Every other old fragment is gone: its codings are
kept in `orphaned_codings`, and its id is never issued again (the table is AUTOINCREMENT).
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from qcode.changelog import log_action, utc_now

# (transcript_id, turn_id, idx, text, start, end, sentences, lemmas, words): a fragments row to write
FragmentRow = tuple


@dataclass(frozen=True)
class _OldFragment:
    id: int
    idx: int
    role: str
    text: str


@dataclass
class Relocation:
    """What a re-import did to a transcript's fragments and codings."""

    to_insert: list[FragmentRow]  # the new fragments, to be inserted by the caller
    kept: int = 0                 # fragments that survived with their id
    codings_kept: int = 0         # codings on surviving fragments
    codings_orphaned: int = 0     # codings whose fragment is gone


def normalise(text: str) -> str:
    return " ".join(text.split())


def align(old: Sequence[str], new: Sequence[str]) -> dict[int, int]:
    """For each position in `new` holding a fragment that was in `old`, that fragment's old position."""
    pairs = _in_order(old, new, autojunk=True)
    old_counts, new_counts = Counter(old), Counter(new)
    matched = set(pairs.values())
    moved_from = {key: i for i, key in enumerate(old) if old_counts[key] == 1 and i not in matched}
    for j, key in enumerate(new):
        if j not in pairs and new_counts[key] == 1 and key in moved_from:
            pairs[j] = moved_from[key]
    return pairs


def _in_order(old: Sequence[str], new: Sequence[str], autojunk: bool) -> dict[int, int]:
    """Identical texts paired in order (a longest common subsequence, as difflib finds it).

    Texts that recur often ("Ja.", "Oké.") would make the alignment quadratic, so at first only the
    distinctive ones anchor it (difflib's autojunk); between two anchors the stretch is aligned again
    with every text — there, one "Ja." stays paired with the "Ja." in its own place.
    """
    # The common beginning is paired at once. Not the common end: where an inserted question and answer
    # could sit before or after an identical answer, the earliest pairing keeps each answer after its question.
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    pairs = {j: j for j in range(head)}
    middle_old, middle_new = old[head:], new[head:]
    matcher = SequenceMatcher(None, middle_old, middle_new, autojunk=autojunk)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.update(zip(range(head + j1, head + j2), range(head + i1, head + i2)))
        elif tag == "replace" and autojunk:
            block_old, block_new = middle_old[i1:i2], middle_new[j1:j2]
            inner = (_in_order(block_old, block_new, autojunk=False)
                     if len(block_old) * len(block_new) <= _QUADRATIC_LIMIT else _nearby(block_old, block_new))
            pairs.update({head + j1 + j: head + i1 + i for j, i in inner.items()})
    return pairs


_QUADRATIC_LIMIT = 1_000_000  # old × new fragments in one stretch without anchors: 0.3 s for difflib


def _nearby(old: Sequence[str], new: Sequence[str], window: int = 50) -> dict[int, int]:
    """Identical texts paired in order by a short look-ahead, linear: for thousands of "Ja."s without anchors.

    Where the two differ, the nearest resumption wins: a few old fragments deleted, or a few new inserted.
    """
    pairs: dict[int, int] = {}
    i = j = 0
    while i < len(old) and j < len(new):
        if old[i] == new[j]:
            pairs[j] = i
            i, j = i + 1, j + 1
            continue
        for step in range(1, window + 1):
            if j + step < len(new) and new[j + step] == old[i]:
                j += step  # new fragments inserted
                break
            if i + step < len(old) and old[i + step] == new[j]:
                i += step  # old fragments deleted
                break
        else:
            i, j = i + 1, j + 1  # replaced
    return pairs


def refragment(conn: sqlite3.Connection, transcript_id: int, transcript_name: str,
               rows: Sequence[FragmentRow], roles: Sequence[str]) -> Relocation:
    """Turn a transcript's stored fragments into `rows` (roles: each row's turn role), keeping survivors.

    Survivors are updated in place; gone fragments are deleted after their codings are orphaned;
    the rows left to insert are returned. Inside the caller's transaction.
    """
    old = [_OldFragment(*row) for row in conn.execute(
        "SELECT f.id, f.idx, t.role, f.text FROM fragments f JOIN turns t ON t.id = f.turn_id "
        "WHERE f.transcript_id = ? ORDER BY f.idx", (transcript_id,))]
    pairs = align([fragment_key(f.role, f.text) for f in old],
                  [fragment_key(role, row[3]) for row, role in zip(rows, roles)])
    survivors = {old[i].id for i in pairs.values()}
    relocation = Relocation(to_insert=[row for j, row in enumerate(rows) if j not in pairs], kept=len(pairs))
    relocation.codings_orphaned = _orphan(conn, transcript_name, [f for f in old if f.id not in survivors])
    conn.execute("UPDATE fragments SET idx = -idx WHERE transcript_id = ?", (transcript_id,))  # make room
    for j, i in sorted(pairs.items()):
        _update(conn, old[i], rows[j])
    relocation.codings_kept = _log_kept(conn, transcript_name, [(old[i], rows[j][2]) for j, i in pairs.items()])
    return relocation


def fragment_key(role: str, text: str) -> str:
    # The role belongs to the key: a turn relabelled from participant to interviewer is not the same fragment.
    return f"{role}\x1f{normalise(text)}"


def _update(conn: sqlite3.Connection, fragment: _OldFragment, row: FragmentRow) -> None:
    _, turn_id, idx, text, start, end, sentences, lemmas, words = row
    if text != fragment.text:  # the same words, spaced differently: re-index, and spans no longer fit
        conn.execute("INSERT INTO fragments_fts(fragments_fts, rowid, text) VALUES ('delete', ?, ?)",
                     (fragment.id, fragment.text))
        conn.execute("INSERT INTO fragments_fts(rowid, text) VALUES (?, ?)", (fragment.id, text))
        conn.execute("UPDATE codings SET span_start = NULL, span_end = NULL WHERE fragment_id = ?", (fragment.id,))
        conn.execute("DELETE FROM coding_spans WHERE coding_id IN (SELECT id FROM codings WHERE fragment_id = ?)",
                     (fragment.id,))
    conn.execute('UPDATE fragments SET turn_id = ?, idx = ?, text = ?, start = ?, "end" = ?, sentences = ?, '
                 "lemmas = ?, words = ? WHERE id = ?",
                 (turn_id, idx, text, start, end, sentences, lemmas, words, fragment.id))


def _orphan(conn: sqlite3.Connection, transcript_name: str, gone: list[_OldFragment]) -> int:
    """Keep the codings of fragments that are gone in `orphaned_codings`, then delete the fragments."""
    now = utc_now()
    orphaned = 0
    for fragment in gone:
        codings = conn.execute(
            "SELECT code_id, coder, main, star, memo, span_start, span_end, created_at FROM codings "
            "WHERE fragment_id = ? ORDER BY id", (fragment.id,)).fetchall()
        for code_id, coder, main, star, memo, span_start, span_end, created_at in codings:
            conn.execute(
                "INSERT INTO orphaned_codings (transcript, fragment_text, code_id, coder, main, star, memo, "
                "span_start, span_end, created_at, orphaned_at, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (transcript_name, fragment.text, code_id, coder, main, star, memo, span_start, span_end,
                 created_at, now, "the fragment's text is no longer in the re-imported transcript"))
            log_action(conn, coder, "orphaned", fragment_id=fragment.id, code_id=code_id,
                       transcript=transcript_name, fragment=fragment.idx)
        orphaned += len(codings)
        conn.execute("DELETE FROM codings WHERE fragment_id = ?", (fragment.id,))
        conn.execute("DELETE FROM fragments WHERE id = ?", (fragment.id,))  # its seen-marks go with it
    return orphaned


def _log_kept(conn: sqlite3.Connection, transcript_name: str, kept: list[tuple[_OldFragment, int]]) -> int:
    """Log each coding carried over on a surviving fragment, with its old and new place."""
    count = 0
    for fragment, new_idx in sorted(kept, key=lambda pair: pair[1]):
        for coder, code_id in conn.execute("SELECT coder, code_id FROM codings WHERE fragment_id = ? ORDER BY id",
                                           (fragment.id,)).fetchall():
            log_action(conn, coder, "moved", fragment_id=fragment.id, code_id=code_id,
                       transcript=transcript_name, **{"from": fragment.idx, "to": new_idx})
            count += 1
    return count
