"""Scores per code for fragments: the codebook alone, or linear models trained on a coder's codings.

Both work on the lemmas the importer stores per fragment (`features.py`), so `werkdruk`,
`werkdrukte` and `werkdrukken` count alike. The coder's model first decides the theme (one linear
SVM per theme, one-vs-rest): a theme is learned from every fragment coded in it, far more than any
code has. The ten coded fragments most like the fragment (the ones a reason names) vote for their
themes too, weighted by their similarity. The code within a theme is the one whose coded fragments
(their centroid) the fragment is most like; its score is the theme's, lowered for the less likely
codes. sklearn is imported here only, when a model is trained.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qcode.suggest.codebook_rules import Codebook
from qcode.suggest.features import Block, Counts, Weighting

if TYPE_CHECKING:
    import numpy as np

KEYWORD_WEIGHT = 0.25  # one keyword hit as a feature, beside word and character rows of unit length
SVM_C = 1.0
SVM_TOL = 0.01  # the ranking settles long before liblinear's default 1e-4 (same figures on the example)
SVM_MAX_ITER = 10  # passes over the data: on coded interviews it has converged by then (same figures)
WITHIN_THEME = 5.0  # how steeply a code's score falls below the theme's best code (by cosine to its centroid)
NEIGHBOUR_VOTE = 0.3  # weight of the themes of the ten most similar coded fragments beside the theme layer's
NEIGHBOURS = 10
COMMON = 0.1  # a word in more than this share of the coded fragments does not make two fragments alike


@dataclass
class LinearLayer:
    """One-vs-rest linear SVMs as one matrix: margins = rows @ coef + intercept."""
    coef: np.ndarray  # features × outputs
    intercept: np.ndarray
    outputs: np.ndarray  # the column (of the caller's classes) of each output

    @classmethod
    def train(cls, x: Any, y: np.ndarray) -> LinearLayer | None:
        """`y`: rows × classes (bool); a class nobody or everybody has gets no output."""
        import warnings

        import numpy as np
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.svm import LinearSVC

        outputs = np.array([j for j in range(y.shape[1]) if 0 < y[:, j].sum() < y.shape[0]], dtype=np.int64)
        if not len(outputs):
            return None
        x = x.astype(np.float64)  # what liblinear takes: converted once, not once per class
        x.sort_indices()
        coef = np.zeros((x.shape[1], len(outputs)), dtype=np.float32)
        intercept = np.zeros(len(outputs), dtype=np.float32)
        for k, j in enumerate(outputs):
            with warnings.catch_warnings():  # stopping after SVM_MAX_ITER passes is the intent
                warnings.simplefilter("ignore", ConvergenceWarning)
                svm = LinearSVC(C=SVM_C, class_weight="balanced", tol=SVM_TOL, max_iter=SVM_MAX_ITER).fit(x, y[:, j])
            coef[:, k] = svm.coef_[0]
            intercept[k] = svm.intercept_[0]
        return cls(coef, intercept, outputs)

    def scores(self, x: Any, width: int) -> np.ndarray:
        """Rows × `width`, in (0, 1): the margin through a logistic curve; classes without an output 0."""
        import numpy as np

        out = np.zeros((x.shape[0], width), dtype=np.float32)
        margins = np.asarray(x @ self.coef) + self.intercept
        out[:, self.outputs] = 1.0 / (1.0 + np.exp(-2.0 * margins))
        return out


@dataclass
class CentroidLayer:
    """A code within its theme: the cosine of a fragment to the mean row of the fragments coded with it."""
    centroids: Any  # features × outputs (csr, unit columns)
    outputs: np.ndarray

    @classmethod
    def train(cls, x: Any, y: np.ndarray) -> CentroidLayer | None:
        import numpy as np
        from scipy.sparse import csr_matrix

        outputs = np.nonzero(y.any(axis=0))[0]
        if not len(outputs):
            return None
        sums = csr_matrix(y[:, outputs].T.astype(np.float32)) @ x
        norms = np.sqrt(np.asarray(sums.multiply(sums).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return cls(csr_matrix(sums.multiply(1 / norms[:, None])).T.tocsr(), outputs)

    def scores(self, x: Any, width: int) -> np.ndarray:
        import numpy as np

        out = np.zeros((x.shape[0], width), dtype=np.float32)
        out[:, self.outputs] = (x @ self.centroids).toarray()
        return out


@dataclass
class CodebookScorer:
    """Before any coding: keyword hits plus the best cosine similarity to one of the code's texts."""
    codebook: Codebook
    weighting: Weighting
    text_columns: Any  # word features × codebook texts (csr)
    text_codes: list[int]  # the code (column) of each codebook text
    text_is_example: list[bool]

    def __post_init__(self) -> None:
        self.text_starts = [t for t, example in enumerate(self.text_is_example) if not example]
        self.text_owners = [self.text_codes[t] for t in self.text_starts]

    @classmethod
    def build(cls, codebook: Codebook, texts: Counts, owners: list[int], examples: list[bool],
              keyword_codes: Sequence[int]) -> CodebookScorer:
        """`texts`: per code its label + description + include, then its examples (`examples` True)."""
        weighting = Weighting.fit(texts, keyword_codes, len(codebook.codes), KEYWORD_WEIGHT)
        return cls(codebook, weighting, weighting.word_rows(texts).T.tocsr(), owners, examples)

    def similarity(self, counts: Counts) -> tuple[np.ndarray, np.ndarray]:
        """Fragments × codes: best similarity to a text of the code, and whether that text is an example."""
        import numpy as np

        n, m = len(counts), len(self.codebook.codes)
        best = np.zeros((n, m), dtype=np.float32)
        from_example = np.zeros((n, m), dtype=bool)
        if not self.text_codes or not n:
            return best, from_example
        sims = (self.weighting.word_rows(counts) @ self.text_columns).toarray()
        starts = self.text_starts  # a code's texts are together, its label + description first
        best[:, self.text_owners] = np.maximum(np.maximum.reduceat(sims, starts, axis=1), 0)
        from_example[:, self.text_owners] = best[:, self.text_owners] > np.maximum(sims[:, starts], 0)
        return best, from_example

    def scores(self, counts: Counts, hits: np.ndarray) -> np.ndarray:
        import numpy as np

        similarity, _ = self.similarity(counts)
        return np.minimum(1.0, 0.25 * hits + similarity)


@dataclass
class CoderModel:
    """A theme layer and, per theme, a code layer, over TF-IDF of lemmas and keyword hits."""
    codebook: Codebook
    weighting: Weighting
    themes: list[str]
    theme_of_column: np.ndarray  # per codebook column: its theme's index
    theme_layer: LinearLayer | None
    code_layer: CentroidLayer | None  # every code's centroid: how a fragment ranks the codes of a theme
    theme_codes: list[np.ndarray]  # per theme: its codebook columns
    likeness: Block  # the words that make two fragments alike: all but the most common
    train_words: Any  # likeness features × coded fragments (csr), for the "like N fragments" reason
    train_ids: list[int]
    train_labels: list[frozenset[str]]
    _themes_of_training: np.ndarray | None = None
    _codes_of_training: np.ndarray | None = None

    @classmethod
    def train(cls, codebook: Codebook, counts: Counts, labels: Sequence[frozenset[str]], ids: Sequence[int],
              texts: Counts, text_labels: Sequence[frozenset[str]], keyword_codes: Sequence[int]) -> CoderModel:
        """Train on the coder's fragments (`counts`, `labels`) plus the codebook's texts as examples."""
        import numpy as np

        everything = Counts.stack([counts, texts])
        weighting = Weighting.fit(everything, keyword_codes, len(codebook.codes), KEYWORD_WEIGHT)
        x = weighting.transform(everything)
        all_labels = [*labels, *text_labels]
        themes = list(dict.fromkeys(codebook.theme_of(c) for c in codebook.ids))
        theme_of_column = np.array([themes.index(codebook.theme_of(c)) for c in codebook.ids], dtype=np.int64)
        column = {c: j for j, c in enumerate(codebook.ids)}
        y = np.zeros((len(all_labels), len(codebook.ids)), dtype=bool)
        for i, label in enumerate(all_labels):
            y[i, [column[c] for c in label if c in column]] = True
        y_theme = np.zeros((len(all_labels), len(themes)), dtype=bool)
        for k in range(len(themes)):
            y_theme[:, k] = y[:, theme_of_column == k].any(axis=1)
        theme_codes = [np.nonzero(theme_of_column == k)[0] for k in range(len(themes))]
        likeness = Block.fit(counts.words, 1, COMMON)
        return cls(codebook, weighting, themes, theme_of_column, LinearLayer.train(x, y_theme),
                   CentroidLayer.train(x, y),
                   theme_codes, likeness, likeness.transform(counts.words).T.tocsr(), list(ids),
                   [frozenset(label) for label in labels])

    def scores(self, counts: Counts) -> np.ndarray:
        return self.rank(counts)[0]

    def rank(self, counts: Counts, k: int = NEIGHBOURS) -> tuple[np.ndarray, Nearest]:
        """Fragments × codes, in (0, 1): the theme's score, times how the code ranks within its theme;
        and the `k` coded fragments most like each fragment."""
        import numpy as np

        x = self.weighting.transform(counts)
        themes = (self.theme_layer.scores(x, len(self.themes)) if self.theme_layer is not None
                  else np.zeros((len(counts), len(self.themes)), dtype=np.float32))
        nearest, weights = self._nearest(counts, k)
        if nearest.size:
            votes = np.einsum("ik,ikt->it", weights, self._train_themes()[nearest])
            votes /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
            themes = (themes + NEIGHBOUR_VOTE * votes) / (1 + NEIGHBOUR_VOTE)
        out = np.zeros((len(counts), len(self.codebook.codes)), dtype=np.float32)
        if self.code_layer is None:
            return themes[:, self.theme_of_column], Nearest(self, nearest, weights)
        within = self.code_layer.scores(x, len(self.codebook.codes))
        for t, columns in enumerate(self.theme_codes):
            mine = within[:, columns]
            out[:, columns] = themes[:, [t]] * np.exp(WITHIN_THEME * (mine - mine.max(axis=1, keepdims=True)))
        return out, Nearest(self, nearest, weights)

    def _nearest(self, counts: Counts, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Per fragment: the `k` most similar coded fragments (rows of the training set) and the similarities."""
        import numpy as np

        k = min(k, len(self.train_ids))
        if not k or not len(counts):
            return np.zeros((len(counts), 0), dtype=np.int64), np.zeros((len(counts), 0), dtype=np.float32)
        sims = (self.likeness.transform(counts.words) @ self.train_words).tocsr()
        sims.eliminate_zeros()
        # the k largest of each row, from the nonzero similarities only: rows sorted, best first within each
        row_of = np.repeat(np.arange(sims.shape[0]), np.diff(sims.indptr))
        order = np.argsort(row_of + (1 - np.clip(sims.data, 0, 1)) * 0.5, kind="stable")
        rank = np.arange(len(order)) - sims.indptr[row_of[order]]
        chosen = order[rank < k]
        rows = np.zeros((sims.shape[0], k), dtype=np.int64)
        similarity = np.zeros((sims.shape[0], k), dtype=np.float32)
        rows[row_of[chosen], rank[rank < k]] = sims.indices[chosen]
        similarity[row_of[chosen], rank[rank < k]] = sims.data[chosen]
        return rows, similarity

    def train_codes(self) -> np.ndarray:
        """Coded fragments × codebook columns (bool), computed once."""
        import numpy as np

        if self._codes_of_training is None:
            index = {c: j for j, c in enumerate(self.codebook.ids)}
            y = np.zeros((len(self.train_labels), len(self.codebook.ids)), dtype=bool)
            for i, label in enumerate(self.train_labels):
                y[i, [index[c] for c in label if c in index]] = True
            self._codes_of_training = y
        return self._codes_of_training

    def _train_themes(self) -> np.ndarray:
        """Coded fragments × themes (0/1), computed once."""
        import numpy as np

        if self._themes_of_training is None:
            index = {c: self.theme_of_column[j] for j, c in enumerate(self.codebook.ids)}
            y = np.zeros((len(self.train_labels), len(self.themes)), dtype=np.float32)
            for i, label in enumerate(self.train_labels):
                y[i, [index[c] for c in label if c in index]] = 1
            self._themes_of_training = y
        return self._themes_of_training


@dataclass
class Nearest:
    """The coded fragments most like each fragment: rows of the training set, most similar first."""
    model: CoderModel
    rows: np.ndarray  # fragments × k
    similarity: np.ndarray  # fragments × k, cosine on the less common words

    def similar(self, fragment: int, column: int) -> tuple[int, ...]:
        """Ids of the coded fragments among the nearest of this one that carry the code (similarity > 0.05)."""
        rows = self.rows[fragment]
        carry = self.model.train_codes()[rows, column] & (self.similarity[fragment] > 0.05)
        return tuple(self.model.train_ids[r] for r in rows[carry])
