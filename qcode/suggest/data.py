"""The rows suggestions are made from: codebook texts as lemmas, a coder's codings, fragments.

A participant's fragment comes with the lemmas of the question it answers: the nearest fragment
before it, in its transcript, that is not a participant's (the interviewer's question, or a survey's
prompt), however many of the participant's paragraphs come between.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from qcode.suggest.codebook_rules import Codebook, lemmatise

QUESTION = ("(SELECT b.lemmas FROM fragments b JOIN turns bt ON bt.id = b.turn_id "
            "WHERE b.transcript_id = f.transcript_id AND b.idx < f.idx AND bt.role <> 'participant' "
            "ORDER BY b.idx DESC LIMIT 1)")


@dataclass
class CodedFragments:
    ids: list[int]
    transcripts: list[str]
    lemma_texts: list[str]
    questions: list[str]
    labels: list[frozenset[str]]  # the codes (active ones) the coder gave each fragment


def code_texts_lemmas(codebook: Codebook) -> list[list[str]]:
    """Per code: its label + description + include, then each example, as lemma strings."""
    return [[" ".join(lemmatise(t)) for t in code.texts] for code in codebook.codes]


def coded_fragments(conn: sqlite3.Connection, coder: str, active: set[str]) -> CodedFragments:
    rows = conn.execute(
        f"SELECT f.id, tr.name, f.lemmas, {QUESTION}, group_concat(c.code_id, char(31)) FROM codings c "
        "JOIN fragments f ON f.id = c.fragment_id JOIN transcripts tr ON tr.id = f.transcript_id "
        "WHERE c.coder = ? GROUP BY f.id ORDER BY f.id", (coder,)).fetchall()
    out = CodedFragments([], [], [], [], [])
    for fragment, transcript, lemmas, question, codes in rows:
        label = frozenset(c for c in codes.split("\x1f") if c in active)
        if label:
            out.ids.append(fragment)
            out.transcripts.append(transcript)
            out.lemma_texts.append(lemmas or "")
            out.questions.append(question or "")
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
    lemma_text: str  # the fragment's own lemmas
    text: str
    question: str = ""  # the lemmas of the question it answers

    def as_key(self) -> tuple[str, str]:
        return self.lemma_text, self.question


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
        f"SELECT f.id, tr.name, f.lemmas, {QUESTION}, f.text FROM fragments f JOIN turns t ON t.id = f.turn_id "
        f"JOIN transcripts tr ON tr.id = f.transcript_id WHERE {' AND '.join(where)} ORDER BY tr.name, f.idx",
        params).fetchall()
    return [Fragment(i, name, lemmas or "", text, question or "") for i, name, lemmas, question, text in rows]
