"""The rows suggestions are made from: codebook texts as lemmas, a coder's codings, fragments."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from qcode.suggest.codebook_rules import Codebook, lemmatise
from qcode.suggest.learner import with_context

# The lemmas of the fragment before (in the transcript): the question a participant answers.
BEFORE = ("(SELECT b.lemmas FROM fragments b WHERE b.transcript_id = f.transcript_id "
          "AND b.idx = f.idx - 1)")


@dataclass
class CodedFragments:
    ids: list[int]
    transcripts: list[str]
    lemma_texts: list[str]
    labels: list[frozenset[str]]  # the codes (active ones) the coder gave each fragment


def code_texts_lemmas(codebook: Codebook) -> list[list[str]]:
    """Per code: its label + description + include, then each example, as lemma strings."""
    return [[" ".join(lemmatise(t)) for t in code.texts] for code in codebook.codes]


def coded_fragments(conn: sqlite3.Connection, coder: str, active: set[str]) -> CodedFragments:
    rows = conn.execute(
        f"SELECT f.id, tr.name, f.lemmas, {BEFORE}, group_concat(c.code_id, char(31)) FROM codings c "
        "JOIN fragments f ON f.id = c.fragment_id JOIN transcripts tr ON tr.id = f.transcript_id "
        "WHERE c.coder = ? GROUP BY f.id ORDER BY f.id", (coder,)).fetchall()
    out = CodedFragments([], [], [], [])
    for fragment, transcript, lemmas, before, codes in rows:
        label = frozenset(c for c in codes.split("\x1f") if c in active)
        if label:
            out.ids.append(fragment)
            out.transcripts.append(transcript)
            out.lemma_texts.append(with_context(lemmas or "", before or ""))
            out.labels.append(label)
    return out


def training_key(conn: sqlite3.Connection, coder: str) -> tuple:
    """Changes whenever the coder's codings or the codebook change: the model cache's key."""
    codings = conn.execute("SELECT count(*), max(updated_at), total(id) FROM codings WHERE coder = ?",
                           (coder,)).fetchone()
    codebook = conn.execute("SELECT count(*), max(version_id), group_concat(id) FROM codes WHERE active = 1"
                            ).fetchone()
    return (*codings, *codebook)


@dataclass
class Fragment:
    id: int
    transcript: str
    lemma_text: str  # with context
    text: str


def participant_fragments(conn: sqlite3.Connection, *, transcript: str | None = None,
                          ids: list[int] | None = None, uncoded_by: str | None = None) -> list[Fragment]:
    """Participants' fragments in transcript order: all, one transcript's, the named ones, or not yet coded."""
    where, params = ["t.role = 'participant'"], []
    if transcript is not None:
        where.append("tr.name = ?")
        params.append(transcript)
    if ids:
        where.append(f"f.id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    if uncoded_by is not None and not ids:
        where.append("NOT EXISTS (SELECT 1 FROM codings c WHERE c.fragment_id = f.id AND c.coder = ?)")
        params.append(uncoded_by)
    rows = conn.execute(
        f"SELECT f.id, tr.name, f.lemmas, {BEFORE}, f.text FROM fragments f JOIN turns t ON t.id = f.turn_id "
        f"JOIN transcripts tr ON tr.id = f.transcript_id WHERE {' AND '.join(where)} ORDER BY tr.name, f.idx",
        params).fetchall()
    return [Fragment(i, name, with_context(lemmas or "", before or ""), text)
            for i, name, lemmas, before, text in rows]
