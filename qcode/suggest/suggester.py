"""Suggestions with true reasons: from the codebook until a coder has coded enough, then from them.

A trained model is kept per (project, coder) in memory and rebuilt only when the coder's codings or
the codebook change (`data.training_key`); it is rebuilt from the codings, never stored elsewhere.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qcode.suggest.codebook_rules import Codebook, keyword_hits, load_codebook
from qcode.suggest.data import Fragment, code_texts_lemmas, coded_fragments, participant_fragments, training_key
from qcode.suggest.learner import CodebookScorer, CoderModel, keyword_matrix, own_lemmas

MIN_CODED_FRAGMENTS = 30  # from this many coded fragments (and two codes) on, the coder's model takes over
NEIGHBOURS = 10
BATCH = 20000


@dataclass(frozen=True)
class Suggestion:
    fragment: int
    code: str
    rank: int  # 1 = best
    score: float  # 0..1
    reason: str
    source: str  # "codebook" or "model"
    keywords: tuple[str, ...] = ()  # codebook keywords found in the fragment's lemmas
    similar: tuple[int, ...] = ()  # fragments the coder coded with this code that are most like this one

    def as_json(self) -> dict:
        return {"fragment": self.fragment, "code": self.code, "rank": self.rank, "score": round(self.score, 4),
                "reason": self.reason, "source": self.source, "keywords": list(self.keywords),
                "similar": list(self.similar)}


_CACHE: dict[tuple, Suggester] = {}


@dataclass
class Suggester:
    codebook: Codebook
    coder: str | None
    code_texts: list[list[str]]
    scorer: CodebookScorer
    model: CoderModel | None = None
    counts: dict[str, int] = field(default_factory=dict)  # fragments the coder coded with each code

    @classmethod
    def for_coder(cls, conn: sqlite3.Connection, coder: str | None) -> Suggester:
        """The suggester for a coder (None: codebook only), cached until their codings change."""
        key = (_database_name(conn), coder, training_key(conn, coder or ""))
        cached = _CACHE.get(key)
        if cached is None:
            for old in [k for k in _CACHE if k[:2] == key[:2]]:
                del _CACHE[old]
            cached = _CACHE[key] = cls.build(conn, coder)
        return cached

    @classmethod
    def build(cls, conn: sqlite3.Connection, coder: str | None) -> Suggester:
        codebook = load_codebook(conn)
        texts = code_texts_lemmas(codebook)
        suggester = cls(codebook, coder, texts, CodebookScorer.build(codebook, texts))
        if coder:
            data = coded_fragments(conn, coder, set(codebook.ids))
            for label in data.labels:
                for code in label:
                    suggester.counts[code] = suggester.counts.get(code, 0) + 1
            if len(data.ids) >= MIN_CODED_FRAGMENTS and len(suggester.counts) >= 2:
                suggester.model = CoderModel.train(codebook, data.lemma_texts, data.labels, data.ids, texts)
        return suggester

    @property
    def source(self) -> str:
        return "model" if self.model is not None else "codebook"

    def suggest(self, fragments: Sequence[Fragment], top: int = 3) -> list[list[Suggestion]]:
        out: list[list[Suggestion]] = []
        for start in range(0, len(fragments), BATCH):
            out.extend(self._batch(fragments[start:start + BATCH], top))
        return out

    def _batch(self, fragments: Sequence[Fragment], top: int) -> list[list[Suggestion]]:
        import numpy as np

        texts = [f.lemma_text for f in fragments]
        if not texts or not self.codebook.codes:
            return [[] for _ in fragments]
        hits = keyword_matrix(self.codebook, texts)
        similarity, from_example = self.scorer.similarity(texts)
        if self.model is not None:
            scores = self.model.scores(texts)
        else:
            scores = np.minimum(1.0, 0.25 * hits + similarity)
        ranked = np.argsort(-scores, axis=1, kind="stable")[:, :top]
        needed = self.model is not None
        neighbours = self._neighbours(texts, ranked, scores) if needed else [None] * len(texts)
        out = []
        for i, fragment in enumerate(fragments):
            row = []
            for j in ranked[i]:
                if scores[i, j] <= 0:
                    break
                row.append(self._suggestion(fragment, int(j), len(row) + 1, float(scores[i, j]), hits[i, j] > 0,
                                            bool(from_example[i, j]) and similarity[i, j] >= 0.2, neighbours[i]))
            out.append(row)
        return out

    def _neighbours(self, texts: list[str], ranked: Any, scores: Any) -> list[Any]:
        assert self.model is not None
        return self.model.neighbours(texts, NEIGHBOURS)

    def _suggestion(self, fragment: Fragment, column: int, rank: int, score: float, has_keyword: bool,
                    like_example: bool, neighbours: list[tuple[int, frozenset[str]]] | None) -> Suggestion:
        code = self.codebook.codes[column]
        found = tuple(keyword_hits(code, own_lemmas(fragment.lemma_text).split())) if has_keyword else ()
        similar = tuple(i for i, codes in (neighbours or []) if code.id in codes and i != fragment.id)
        parts = []
        if found:
            parts.append(", ".join(f"keyword '{k}'" for k in found[:3]) + f" ({code.id})")
        if similar:
            parts.append(f"like {len(similar)} fragment{'s' if len(similar) > 1 else ''} "
                         f"{self.coder} coded as {code.id}")
        if like_example and not similar:
            parts.append(f"like a codebook example of {code.id}")
        if not parts:
            if self.model is not None and self.counts.get(code.id):
                n = self.counts[code.id]
                parts.append(f"learned from {n} fragment{'s' if n > 1 else ''} {self.coder} coded as {code.id}")
            else:
                parts.append(f"words like the codebook's description of {code.id}")
        return Suggestion(fragment.id, code.id, rank, score, "; ".join(parts), self.source, found, similar)


def suggestions_for(conn: sqlite3.Connection, coder: str | None, *, transcript: str | None = None,
                    fragment_ids: Sequence[int] = (), top: int = 3, uncoded_only: bool = True
                    ) -> list[Suggestion]:
    """Suggestions for the coder's uncoded participant fragments (or the named ones), best first each."""
    fragments = participant_fragments(conn, transcript=transcript, ids=list(fragment_ids) or None,
                                      uncoded_by=coder if uncoded_only else None)
    suggester = Suggester.for_coder(conn, coder)
    return [s for row in suggester.suggest(fragments, top) for s in row]


def _database_name(conn: sqlite3.Connection) -> str:
    return conn.execute("PRAGMA database_list").fetchone()[2]
