"""Scores per code for fragments: the codebook alone, or a linear model trained on a coder's codings.

Both work on the lemmas the importer stores per fragment, so `werkdruk`, `werkdrukte` and
`werkdrukken` count alike. sklearn and numpy are imported here only, when a suggestion is asked for.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qcode.suggest.codebook_rules import Codebook

if TYPE_CHECKING:
    import numpy as np

CONTEXT_MARK = " | "  # a fragment's text: its own lemmas, then the lemmas before it, each marked "q_"
KEYWORD_WEIGHT = 0.5  # one keyword hit as a feature, beside TF-IDF rows of unit length
SVM_C = 1.0


def keyword_matrix(codebook: Codebook, lemma_texts: Sequence[str]) -> np.ndarray:
    """Fragments × codes: how many of each code's keywords occur in the fragment's lemmas."""
    import numpy as np

    out = np.zeros((len(lemma_texts), len(codebook.codes)), dtype=np.float32)
    for i, text in enumerate(lemma_texts):
        for j, _ in codebook.hits(own_lemmas(text).split()):
            out[i, j] += 1
    return out


def with_context(own: str, before: str) -> str:
    """A fragment's lemmas with those of the fragment before it (usually the interviewer's question)."""
    return own + CONTEXT_MARK + " ".join("q_" + w for w in before.split())


def own_lemmas(text: str) -> str:
    return text.split(CONTEXT_MARK, 1)[0]


def _vectorisers(texts: int) -> list[Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    min_df = 2 if texts >= 50 else 1  # a character n-gram seen once in a large set is noise
    return [TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, token_pattern=r"\S+"),
            TfidfVectorizer(analyzer="char_wb", preprocessor=own_lemmas, ngram_range=(3, 5), sublinear_tf=True, min_df=min_df,
                            max_features=60000)]


@dataclass
class TextSpace:
    """TF-IDF of lemma strings (words and bigrams, and character n-grams for compounds)."""
    vectorisers: list[Any]

    @classmethod
    def fit(cls, lemma_texts: Sequence[str]) -> TextSpace:
        vectorisers = _vectorisers(len(lemma_texts))
        for v in vectorisers:
            try:
                v.fit(lemma_texts)
            except ValueError:  # no words at all (empty codebook texts): a space of one placeholder
                v.fit(["_"])
        return cls(vectorisers)

    def words(self, lemma_texts: Sequence[str]) -> Any:
        return self.vectorisers[0].transform(lemma_texts)

    def transform(self, lemma_texts: Sequence[str]) -> Any:
        from scipy.sparse import hstack

        return hstack([v.transform(lemma_texts) for v in self.vectorisers]).tocsr()


@dataclass
class CodebookScorer:
    """Before any coding: keyword hits plus the best cosine similarity to one of the code's texts."""
    codebook: Codebook
    space: TextSpace
    text_matrix: Any  # codebook texts × word features
    text_codes: list[int]  # the code (column) of each codebook text
    text_is_example: list[bool]

    @classmethod
    def build(cls, codebook: Codebook, code_texts_lemmas: list[list[str]]) -> CodebookScorer:
        texts, owners, examples = [], [], []
        for j, lemma_texts in enumerate(code_texts_lemmas):
            for k, text in enumerate(lemma_texts):
                texts.append(text)
                owners.append(j)
                examples.append(k > 0)
        space = TextSpace.fit(texts or [""])
        return cls(codebook, space, space.words(texts) if texts else None, owners, examples)

    def similarity(self, lemma_texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Fragments × codes: best similarity to a text of the code, and whether that text is an example."""
        import numpy as np

        n, m = len(lemma_texts), len(self.codebook.codes)
        best = np.zeros((n, m), dtype=np.float32)
        from_example = np.zeros((n, m), dtype=bool)
        if self.text_matrix is None or not n:
            return best, from_example
        sims = (self.space.words(lemma_texts) @ self.text_matrix.T).toarray()
        for t, (owner, is_example) in enumerate(zip(self.text_codes, self.text_is_example)):
            better = sims[:, t] > best[:, owner]
            best[better, owner] = sims[better, t]
            from_example[better, owner] = is_example
        return best, from_example

    def scores(self, lemma_texts: Sequence[str], hits: np.ndarray | None = None) -> np.ndarray:
        import numpy as np

        hits = keyword_matrix(self.codebook, lemma_texts) if hits is None else hits
        similarity, _ = self.similarity(lemma_texts)
        return np.minimum(1.0, 0.25 * hits + similarity)


@dataclass
class CoderModel:
    """One-vs-rest linear SVMs over lemma TF-IDF and keyword hits, trained on a coder's codings."""
    codebook: Codebook
    space: TextSpace
    classifier: Any
    columns: list[int]  # codebook column of each classifier output
    train_words: Any  # the coded fragments in word space, for the "like N fragments" reason
    train_ids: list[int]
    train_labels: list[frozenset[str]]

    @classmethod
    def train(cls, codebook: Codebook, lemma_texts: Sequence[str], labels: Sequence[frozenset[str]],
              ids: Sequence[int], code_texts_lemmas: list[list[str]]) -> CoderModel:
        import numpy as np
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import MultiLabelBinarizer
        from sklearn.svm import LinearSVC

        extra_texts, extra_labels = [], []
        for code, texts in zip(codebook.codes, code_texts_lemmas):
            for text in texts:
                extra_texts.append(text)
                extra_labels.append(frozenset({code.id}))
        texts = [*lemma_texts, *extra_texts]
        space = TextSpace.fit(texts)
        x = _features(codebook, space, texts)
        binarizer = MultiLabelBinarizer(classes=codebook.ids)
        y = binarizer.fit_transform([*labels, *extra_labels])
        used = [j for j in range(y.shape[1]) if 0 < y[:, j].sum() < y.shape[0]]
        classifier = OneVsRestClassifier(LinearSVC(C=SVM_C, class_weight="balanced"))
        classifier.fit(x, y[:, used])
        return cls(codebook, space, classifier, used, space.words(list(lemma_texts)), list(ids),
                   [frozenset(label) for label in labels])

    def scores(self, lemma_texts: Sequence[str]) -> np.ndarray:
        """Fragments × codes, in (0, 1): the SVM margin through a logistic curve; unseen codes 0."""
        import numpy as np

        margins = self.classifier.decision_function(_features(self.codebook, self.space, lemma_texts))
        margins = np.asarray(margins).reshape(len(lemma_texts), -1)
        out = np.zeros((len(lemma_texts), len(self.codebook.codes)), dtype=np.float32)
        out[:, self.columns] = 1.0 / (1.0 + np.exp(-2.0 * margins))
        return out

    def neighbours(self, lemma_texts: Sequence[str], k: int = 10) -> list[list[tuple[int, frozenset[str]]]]:
        """The `k` coded fragments most like each text (id and codes), most similar first."""
        import numpy as np

        if not self.train_ids:
            return [[] for _ in lemma_texts]
        sims = (self.space.words(lemma_texts) @ self.train_words.T).toarray()
        found = []
        for row in sims:
            order = np.argsort(-row)[:k]
            found.append([(self.train_ids[i], self.train_labels[i]) for i in order if row[i] > 0.05])
        return found


def _features(codebook: Codebook, space: TextSpace, lemma_texts: Sequence[str]) -> Any:
    from scipy.sparse import csr_matrix, hstack

    hits = keyword_matrix(codebook, lemma_texts) * KEYWORD_WEIGHT
    return hstack([space.transform(lemma_texts), csr_matrix(hits)]).tocsr()
