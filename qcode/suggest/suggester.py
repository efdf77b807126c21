"""Suggestions with true reasons: from the codebook until a coder has coded enough, then from them.

`Suggester.for_coder(conn, coder)` is cheap to call again after every coding: the trained suggester
is kept per (project, coder) in memory and rebuilt only when the coder's codings or the codebook
change (`data.training_key`), and a rebuild counts only fragments it has not met before (the
project's `FeatureBank`) and retrains the linear layers: about 0.1–0.3 s for 2,000 codings. Models
are rebuilt from the codings in the project, never stored elsewhere.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qcode.suggest.codebook_rules import Codebook, load_codebook
from qcode.suggest.data import Fragment, code_texts_lemmas, coded_fragments, participant_fragments, training_key
from qcode.suggest.features import Counts, FeatureBank
from qcode.suggest.learner import NEIGHBOURS, CodebookScorer, CoderModel

MIN_CODED_FRAGMENTS = 30  # from this many coded fragments (and two codes) on, the coder's model takes over
BATCH = 5000  # fragments ranked at once: bounds the memory of the similarity to coded fragments


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
_BANKS: dict[str, tuple[tuple, FeatureBank]] = {}  # per database: the codebook it counts keywords of, the bank


@dataclass
class Suggester:
    codebook: Codebook
    coder: str | None
    bank: FeatureBank
    texts: Counts  # the codebook's texts (label + description + include, examples) as counts
    text_labels: list[frozenset[str]]
    scorer: CodebookScorer
    model: CoderModel | None = None
    counts: dict[str, int] = field(default_factory=dict)  # fragments the coder coded with each code

    @classmethod
    def for_coder(cls, conn: sqlite3.Connection, coder: str | None) -> Suggester:
        """The suggester for a coder (None: codebook only), cached until their codings or the codebook change."""
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
        bank = _bank(_database_name(conn), codebook)
        own, owners, examples, text_labels = [], [], [], []
        for j, texts in enumerate(code_texts_lemmas(codebook)):
            for k, text in enumerate(texts):
                own.append(text)
                owners.append(j)
                examples.append(k > 0)
                text_labels.append(frozenset({codebook.ids[j]}))
        texts = bank.counts(own, [""] * len(own), keep=True)
        scorer = CodebookScorer.build(codebook, texts, owners, examples, bank.vocabulary.keyword_codes)
        suggester = cls(codebook, coder, bank, texts, text_labels, scorer)
        if coder:
            data = coded_fragments(conn, coder, set(codebook.ids))
            for label in data.labels:
                for code in label:
                    suggester.counts[code] = suggester.counts.get(code, 0) + 1
            if len(data.ids) >= MIN_CODED_FRAGMENTS and len(suggester.counts) >= 2:
                suggester.model = suggester.train(data.lemma_texts, data.questions, data.labels, data.ids)
        return suggester

    def train(self, lemma_texts: Sequence[str], questions: Sequence[str], labels: Sequence[frozenset[str]],
              ids: Sequence[int]) -> CoderModel:
        """A model of these coded fragments (with the codebook's texts as examples)."""
        counts = self.bank.counts(lemma_texts, questions, keep=True)
        return CoderModel.train(self.codebook, counts, labels, ids, self.texts, self.text_labels,
                                self.bank.vocabulary.keyword_codes)

    def with_model(self, model: CoderModel) -> Suggester:
        return Suggester(self.codebook, self.coder, self.bank, self.texts, self.text_labels, self.scorer, model,
                         self.counts)

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

        if not fragments or not self.codebook.codes:
            return [[] for _ in fragments]
        counts = self.bank.counts([f.lemma_text for f in fragments], [f.question for f in fragments])
        hits = self.scorer.weighting.keyword_hits(counts).toarray()
        similarity, from_example = self.scorer.similarity(counts)
        neighbours = None
        if self.model is not None:
            scores, neighbours = self.model.rank(counts, NEIGHBOURS)
        else:
            scores = np.minimum(1.0, 0.25 * hits + similarity)
        top = min(top, scores.shape[1])
        ranked = np.argsort(-scores, axis=1, kind="stable")[:, :top]
        keywords = counts.keywords.tocsr()
        out = []
        for i, fragment in enumerate(fragments):
            found = keywords.indices[keywords.indptr[i]:keywords.indptr[i + 1]]
            row = []
            for j in ranked[i]:
                if scores[i, j] <= 0:
                    break
                similar = (tuple(f for f in neighbours.similar(i, int(j)) if f != fragment.id)
                           if neighbours is not None else ())
                row.append(self._suggestion(fragment, int(j), len(row) + 1, float(scores[i, j]),
                                            self._keywords(found, int(j)) if hits[i, j] > 0 else (),
                                            bool(from_example[i, j]) and similarity[i, j] >= 0.2, similar))
            out.append(row)
        return out

    def _keywords(self, found: Any, column: int) -> tuple[str, ...]:
        """The keywords of a code (as written in the codebook) among a fragment's keyword hits."""
        every = self.bank.vocabulary.every_keyword
        written = []
        for f in found:
            j, k = every[f]
            if j == column:
                written.append(self.codebook.codes[j].keywords[k][0])
        return tuple(written)

    def _suggestion(self, fragment: Fragment, column: int, rank: int, score: float, found: tuple[str, ...],
                    like_example: bool, similar: tuple[int, ...]) -> Suggestion:
        code = self.codebook.codes[column]
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


def _bank(database: str, codebook: Codebook) -> FeatureBank:
    """The project's feature bank, kept while the codebook (its keywords) stays the same."""
    signature = tuple(codebook.codes)
    known = _BANKS.get(database)
    if known is None or known[0] != signature:
        known = _BANKS[database] = (signature, FeatureBank(codebook))
    return known[1]
