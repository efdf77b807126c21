"""`suggest --apply`: suggestions written as the codings of a coder of their own, never a person's.

The rule: suggestions go only to a coder with no codings and no seen-marks, or to one that earlier
`--apply` runs made (remembered in the setting `suggester_coders`). A person's name, a consensus or
the coder the model learns from is refused, so agreement measures the suggester like a second coder.
When it learns from a coder, each of that coder's transcripts is suggested by a model trained without
it (folds by transcript), so `agreement` does not reward it for repeating what it was trained on.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from qcode import coding
from qcode.changelog import log_action, utc_now
from qcode.errors import UsageError
from qcode.suggest.data import participant_fragments
from qcode.suggest.evaluation import _transcript_folds
from qcode.suggest.suggester import Suggester

SETTING = "suggester_coders"


@dataclass
class Applied:
    coder: str
    fragments: int  # fragments decided (marked seen by the suggester coder)
    codings: int


def suggester_coders(conn: sqlite3.Connection) -> list[str]:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (SETTING,)).fetchone()
    return json.loads(row[0]) if row else []


def check_target(conn: sqlite3.Connection, into: str, learn_from: str | None) -> str:
    into = into.strip()
    if not into:
        raise UsageError("name the coder the suggestions are written as", hint="e.g. --coder model")
    if learn_from is not None and into == learn_from.strip():
        raise UsageError(f"the suggestions cannot be written as {into!r}, the coder they learn from",
                         hint="write them as a coder of their own, e.g. --coder model")
    if into in suggester_coders(conn):
        return into
    used = conn.execute("SELECT EXISTS (SELECT 1 FROM codings WHERE coder = ?) "
                        "OR EXISTS (SELECT 1 FROM seen WHERE coder = ?)", (into, into)).fetchone()[0]
    if used:
        raise UsageError(f"{into!r} is a coder with codings of their own; suggestions never go to a person's coding",
                         hint="write them as a new coder, e.g. --coder model")
    return into


def apply(conn: sqlite3.Connection, into: str, *, learn_from: str | None = None, min_score: float = 0.4,
          top: int = 3, transcript: str | None = None) -> Applied:
    """Write suggestions scoring at least `min_score` (of the best `top`) as `into`'s codings; in the caller's transaction."""
    into = check_target(conn, into, learn_from)
    fragments = participant_fragments(conn, transcript=transcript)
    suggester = Suggester.for_coder(conn, learn_from)
    rows = _cross_fitted(conn, suggester, fragments, top) if suggester.model is not None else \
        suggester.suggest(fragments, top)
    conn.execute("DELETE FROM codings WHERE coder = ? AND fragment_id IN (SELECT value FROM json_each(?))",
                 (into, json.dumps([f.id for f in fragments])))
    codings = [(s.fragment, s.code, into, False, False, None)  # no main reasons: not its call
               for row in rows for s in row if s.score >= min_score]
    coding.apply_checked(conn, codings)
    now = utc_now()
    conn.executemany("INSERT OR IGNORE INTO seen (fragment_id, coder, at) VALUES (?, ?, ?)",
                     [(f.id, into, now) for f in fragments])
    known = suggester_coders(conn)
    if into not in known:
        conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (SETTING, json.dumps([*known, into])))
    log_action(conn, into, "suggest-apply", learn_from=learn_from, min_score=min_score, fragments=len(fragments),
               codings=len(codings), source=suggester.source)
    return Applied(into, len(fragments), len(codings))


def _cross_fitted(conn: sqlite3.Connection, suggester: Suggester, fragments: list, top: int) -> list:
    """The learned coder's own transcripts each by a model that never saw them; the rest by the full model."""
    from qcode.suggest.data import coded_fragments

    assert suggester.coder is not None
    data = coded_fragments(conn, suggester.coder, set(suggester.codebook.ids))
    position = {f.id: i for i, f in enumerate(fragments)}
    out = suggester.suggest(fragments, top)
    if len(set(data.transcripts)) < 2:
        return out
    for test in _transcript_folds(data.transcripts, min(5, len(set(data.transcripts)))):
        train = [i for i, t in enumerate(data.transcripts) if t not in test]
        held = [f for f in fragments if f.transcript in test]
        if not held or not train:
            continue
        fold = suggester.with_model(suggester.train(
            [data.lemma_texts[i] for i in train], [data.questions[i] for i in train],
            [data.labels[i] for i in train], [data.ids[i] for i in train]))
        for fragment, row in zip(held, fold.suggest(held, top)):
            out[position[fragment.id]] = row
    return out
