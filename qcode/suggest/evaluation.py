"""Cross-validation over one coder's codings, grouped by transcript, beside the keyword baseline.

No fragment of a test interview is in training. Each fragment gets as many predicted codes as the
coder gave it (the highest-scoring ones); precision, recall and F1 per code follow, macro-F1 is
their mean over the codes the coder used; top-3 counts a fragment as hit when one of its codes is
among the three best suggestions. At theme level codes roll up into their theme (its best score).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qcode.errors import UsageError
from qcode.suggest.codebook_rules import Codebook
from qcode.suggest.data import coded_fragments

if TYPE_CHECKING:
    import numpy as np

LEVELS = ("code", "theme")


@dataclass
class CodeFigures:
    code: str
    support: int
    precision: float
    recall: float
    f1: float


@dataclass
class MethodFigures:
    method: str  # "model" or "keywords"
    level: str
    macro_f1: float
    top3: float
    top1: float
    per_code: list[CodeFigures] = field(default_factory=list)


@dataclass
class Evaluation:
    coder: str
    folds: int
    fragments: int
    transcripts: int
    results: list[MethodFigures]
    split: list[list[str]]  # the test transcripts of each fold

    def figures(self, method: str, level: str) -> MethodFigures:
        return next(r for r in self.results if r.method == method and r.level == level)


def evaluate(conn: sqlite3.Connection, coder: str, folds: int = 5) -> Evaluation:
    import numpy as np

    from qcode.suggest.suggester import Suggester

    base = Suggester.build(conn, None)  # the codebook alone: its texts are extra examples in every fold
    codebook = base.codebook
    data = coded_fragments(conn, coder, set(codebook.ids))
    names = sorted(set(data.transcripts))
    if len(names) < 2:
        raise UsageError(f"{coder} has coded {len(names)} transcript(s); evaluation needs at least two",
                         hint="it tests on interviews left out of training; code another interview first")
    folds = max(2, min(folds, len(names)))
    split = _transcript_folds(data.transcripts, folds)
    n, m = len(data.ids), len(codebook.codes)
    counts = base.bank.counts(data.lemma_texts, data.questions, keep=True)
    model_scores = np.zeros((n, m), dtype=np.float32)
    for test_names in split:
        test = [i for i, t in enumerate(data.transcripts) if t in test_names]
        train = [i for i, t in enumerate(data.transcripts) if t not in test_names]
        model = base.train([data.lemma_texts[i] for i in train], [data.questions[i] for i in train],
                           [data.labels[i] for i in train], [data.ids[i] for i in train])
        model_scores[test] = model.scores(counts.rows(test))
    keyword_scores = keyword_baseline(codebook, base.scorer.weighting.keyword_hits(counts).toarray())
    results = []
    for level in LEVELS:
        for method, scores in (("model", model_scores), ("keywords", keyword_scores)):
            results.append(_figures(method, level, codebook, scores, data.labels))
    return Evaluation(coder, len(split), n, len(names), results, split)


def keyword_baseline(codebook: Codebook, hits: np.ndarray) -> np.ndarray:
    """Keyword hits per code; ties (and fragments without hits) in codebook order."""
    import numpy as np

    order = np.linspace(0.001, 0, len(codebook.codes), dtype=np.float32)
    return hits + order


def _transcript_folds(transcripts: list[str], folds: int) -> list[list[str]]:
    """Transcripts dealt into folds, largest first, each to the fold with fewest fragments so far."""
    sizes: dict[str, int] = {}
    for t in transcripts:
        sizes[t] = sizes.get(t, 0) + 1
    bins: list[list[str]] = [[] for _ in range(folds)]
    loads = [0] * folds
    for name in sorted(sizes, key=lambda t: (-sizes[t], t)):
        k = loads.index(min(loads))
        bins[k].append(name)
        loads[k] += sizes[name]
    return [b for b in bins if b]


def _figures(method: str, level: str, codebook: Codebook, scores: np.ndarray,
             labels: list[frozenset[str]]) -> MethodFigures:
    import numpy as np

    if level == "theme":
        themes = list(dict.fromkeys(codebook.theme_of(c) for c in codebook.ids))
        rolled = np.zeros((scores.shape[0], len(themes)), dtype=np.float32) - np.inf
        for j, code in enumerate(codebook.ids):
            k = themes.index(codebook.theme_of(code))
            rolled[:, k] = np.maximum(rolled[:, k], scores[:, j])
        columns, scores = themes, rolled
        truth = [frozenset(codebook.theme_of(c) for c in label) for label in labels]
    else:
        columns, truth = codebook.ids, labels
    ranked = np.argsort(-scores, axis=1, kind="stable")
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    top3 = top1 = 0
    for i, true in enumerate(truth):
        predicted = {columns[j] for j in ranked[i, :len(true)]}
        best3 = {columns[j] for j in ranked[i, :3]}
        top3 += bool(true & best3)
        top1 += columns[ranked[i, 0]] in true
        for c in predicted & true:
            tp[c] = tp.get(c, 0) + 1
        for c in predicted - true:
            fp[c] = fp.get(c, 0) + 1
        for c in true - predicted:
            fn[c] = fn.get(c, 0) + 1
    per_code = []
    for c in columns:
        support = tp.get(c, 0) + fn.get(c, 0)
        if not support:
            continue
        p = tp.get(c, 0) / (tp.get(c, 0) + fp.get(c, 0)) if tp.get(c, 0) + fp.get(c, 0) else 0.0
        r = tp.get(c, 0) / support
        per_code.append(CodeFigures(c, support, p, r, 2 * p * r / (p + r) if p + r else 0.0))
    macro = sum(f.f1 for f in per_code) / len(per_code) if per_code else 0.0
    n = max(1, len(truth))
    return MethodFigures(method, level, macro, top3 / n, top1 / n, per_code)
