"""Fragments as feature counts, computed once per distinct lemma and in whole batches.

A fragment is its own lemmas plus the lemmas of the question it answers (the nearest interviewer
fragment before it). Its features, as raw counts (`Vocabulary.counts`):
- words: its own lemmas and lemma pairs, and the question's, marked apart (hashed columns);
- characters: the 3–5-character pieces of each own lemma, padded with a space (`doorgroei` is
  found inside `doorgroeimogelijkheid`), computed once per distinct lemma and summed per
  fragment as one sparse product;
- keywords: which codebook keywords occur (on lemmas, also inside compounds), from a table of
  lemma → keyword built once per distinct lemma.
`Weighting` turns counts into TF-IDF rows (sublinear, fitted on the training rows alone, unit length
per block), the way scikit-learn's TfidfVectorizer would, but without re-reading any text: retraining
after a coding only re-weights cached rows. numpy and scipy are imported by the functions that use them.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qcode.suggest.codebook_rules import Codebook, _phrase_in, lemma_matches

if TYPE_CHECKING:
    import numpy as np

WORD_BITS = 24  # words and word pairs hashed into 2**24 columns: collisions are rare and harmless
CHAR_NGRAMS = (4, 5)
CHAR_MIN_LEMMA = 5  # shorter lemmas get no character pieces (their word column says it all)
CHAR_MIN_DF = 2  # a character piece seen in one training text only is noise (from 50 texts on)
_GOLDEN = 0x9E3779B97F4A7C15
LOOKUP_LIMIT = 1 << 22  # kept columns below this are found by a table, the rest by binary search  # Fibonacci hashing of 64-bit keys


@dataclass
class Counts:
    """Raw counts for a batch of fragments: word columns, character columns, keyword hits."""
    words: Any  # csr, fragments × 2**WORD_BITS
    chars: Any  # csr, fragments × character pieces known so far
    keywords: Any  # csr bool, fragments × codebook keywords (Vocabulary.keyword_codes)

    def __len__(self) -> int:
        return self.words.shape[0]

    def rows(self, which: Sequence[int] | Any) -> Counts:
        return Counts(self.words[which], self.chars[which], self.keywords[which])

    @staticmethod
    def stack(parts: Sequence[Counts]) -> Counts:
        from scipy.sparse import vstack

        width = max(p.chars.shape[1] for p in parts)
        return Counts(vstack([p.words for p in parts]).tocsr(),
                      vstack([_widen(p.chars, width) for p in parts]).tocsr(),
                      vstack([p.keywords for p in parts]).tocsr())


@dataclass
class Vocabulary:
    """Distinct lemmas, their character pieces and keyword hits; grows as new lemmas are met."""
    codebook: Codebook
    lemma_ids: dict[str, int] = field(default_factory=dict)
    piece_ids: dict[str, int] = field(default_factory=dict)
    _lemma_pieces: list[list[int]] = field(default_factory=list)
    _lemma_keywords: list[list[int]] = field(default_factory=list)
    _pieces_matrix: Any = None  # csr, lemmas × pieces, rebuilt when lemmas were added
    _keyword_matrix: Any = None

    def __post_init__(self) -> None:
        # every keyword of the codebook: (code column, keyword index), single words first
        self.keywords = [(j, k) for j, code in enumerate(self.codebook.codes) for k, (_, parts) in
                         enumerate(code.keywords) if len(parts) == 1]
        self.phrases = [(j, k) for j, code in enumerate(self.codebook.codes) for k, (_, parts) in
                        enumerate(code.keywords) if len(parts) > 1]
        self.every_keyword = self.keywords + self.phrases  # the columns of Counts.keywords
        self.keyword_codes = [j for j, _ in self.every_keyword]

    def counts(self, own_texts: Sequence[str], question_texts: Sequence[str]) -> Counts:
        """Raw counts of fragments given as own lemma strings and question lemma strings."""
        import numpy as np
        from scipy.sparse import csr_matrix

        own_ids, own_ptr = self._ids(own_texts)
        question_ids, question_ptr = self._ids(question_texts)
        n = len(own_texts)
        lemma_counts = csr_matrix((np.ones(len(own_ids), dtype=np.float32), own_ids, own_ptr),
                                  shape=(n, len(self.lemma_ids)))
        lemma_counts.sum_duplicates()
        words = _hashed_words(own_ids, own_ptr, 0) + _hashed_words(question_ids, question_ptr, 2)
        self._refresh()
        chars = (lemma_counts @ self._pieces_matrix).tocsr()
        present = lemma_counts.copy()
        present.data[:] = 1
        keywords = (present @ self._keyword_matrix).tocsr()
        keywords.data = (keywords.data > 0).astype(np.float32)
        if self.phrases:
            keywords = self._with_phrases(keywords, own_texts)
        return Counts(words, chars, keywords)

    def _ids(self, texts: Sequence[str]) -> tuple[Any, Any]:
        import numpy as np

        index = self.lemma_ids
        ids: list[int] = []
        ptr = [0]
        for text in texts:
            ids.extend([index.setdefault(w, len(index)) for w in text.split()])
            ptr.append(len(ids))
        return np.asarray(ids, dtype=np.int64), np.asarray(ptr, dtype=np.int64)

    def _refresh(self) -> None:
        """Character pieces and keyword hits of lemmas met since the last batch."""
        import numpy as np
        from scipy.sparse import csr_matrix

        if len(self._lemma_pieces) == len(self.lemma_ids) and self._pieces_matrix is not None:
            return
        lemmas = list(self.lemma_ids)
        for lemma in lemmas[len(self._lemma_pieces):]:
            padded = f" {lemma} " if len(lemma) >= CHAR_MIN_LEMMA else ""
            self._lemma_pieces.append([self.piece_ids.setdefault(padded[i:i + n], len(self.piece_ids))
                                       for n in CHAR_NGRAMS for i in range(len(padded) - n + 1)])
            self._lemma_keywords.append(self._keywords_of(lemma))
        self._pieces_matrix = _rows_matrix(self._lemma_pieces, len(self.piece_ids))
        self._keyword_matrix = _rows_matrix(self._lemma_keywords, len(self.keyword_codes))
        self._keyword_matrix.data = np.ones_like(self._keyword_matrix.data)
        assert isinstance(self._keyword_matrix, csr_matrix)

    def _keywords_of(self, lemma: str) -> list[int]:
        found = []
        for column, (j, k) in enumerate(self.keywords):
            forms = self.codebook.codes[j].keywords[k][1][0]
            if any(lemma_matches(form, lemma) for form in forms):
                found.append(column)
        return found

    def _with_phrases(self, keywords: Any, own_texts: Sequence[str]) -> Any:
        """Keywords of several words: checked in order, only in fragments holding their first word."""
        from scipy.sparse import csr_matrix

        keywords = keywords.tolil()
        first = len(self.keywords)
        for p, (j, k) in enumerate(self.phrases):
            parts = self.codebook.codes[j].keywords[k][1]
            for i, text in enumerate(own_texts):
                if any(f in text for f in parts[0]) and _phrase_in(parts, text.split()):
                    keywords[i, first + p] = 1
        return csr_matrix(keywords)


def _hashed_words(ids: Any, ptr: Any, marker: int) -> Any:
    """Lemmas and lemma pairs as hashed columns; `marker` keeps a question's words apart from the answer's."""
    import numpy as np
    from scipy.sparse import csr_matrix

    n = len(ptr) - 1
    row_of = np.repeat(np.arange(n), np.diff(ptr))
    keys = ids.astype(np.uint64) * np.uint64(4) + np.uint64(marker)
    pair = np.ones(len(ids), dtype=bool)
    ends = ptr[1:] - 1
    pair[ends[ends >= 0]] = False  # a fragment's last lemma pairs with nothing: no pair across fragments
    first = np.nonzero(pair)[0]
    pair_keys = ((ids[first].astype(np.uint64) << np.uint64(32)) ^ ids[first + 1].astype(np.uint64)) \
        * np.uint64(4) + np.uint64(marker + 1)
    all_keys = np.concatenate([keys, pair_keys])
    rows = np.concatenate([row_of, row_of[first]])
    with np.errstate(over="ignore"):
        columns = ((all_keys * np.uint64(_GOLDEN)) >> np.uint64(64 - WORD_BITS)).astype(np.int64)
    out = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(n, 1 << WORD_BITS))
    out.sum_duplicates()
    return out


def _rows_matrix(rows: list[list[int]], width: int) -> Any:
    import numpy as np
    from scipy.sparse import csr_matrix

    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    columns = np.fromiter((c for r in rows for c in r), dtype=np.int64, count=int(ptr[-1]))
    out = csr_matrix((np.ones(len(columns), dtype=np.float32), columns, ptr), shape=(len(rows), width))
    out.sum_duplicates()
    return out


def _widen(matrix: Any, width: int) -> Any:
    from scipy.sparse import csr_matrix

    matrix = matrix.tocsr()
    return csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], width))


@dataclass
class Block:
    """One block's TF-IDF: the columns kept (seen in at least `min_df` training rows) and their idf."""
    columns: np.ndarray  # sorted raw columns
    idf: np.ndarray
    _lookup: np.ndarray | None = None

    @classmethod
    def fit(cls, counts: Any, min_df: int, max_share: float = 1.0) -> Block:
        """Columns seen in at least `min_df` rows and in at most `max_share` of them."""
        import numpy as np

        columns, df_kept = np.unique(counts.tocsr().indices, return_counts=True)  # indices are unique per row
        keep = (df_kept >= min_df) & (df_kept <= max_share * counts.shape[0])
        columns, df_kept = columns[keep], df_kept[keep]
        n = counts.shape[0]
        return cls(columns, (np.log((1 + n) / (1 + df_kept)) + 1).astype(np.float32))

    def transform(self, counts: Any) -> Any:
        """Rows in the kept columns: (1 + log tf) × idf, unit length."""
        import numpy as np
        from scipy.sparse import csr_matrix

        counts = counts.tocsr()
        n = counts.shape[0]
        if not len(self.columns):
            return csr_matrix((n, 1), dtype=np.float32)
        position = self._positions(counts.indices)
        kept = position >= 0
        rows = np.repeat(np.arange(n), np.diff(counts.indptr))[kept]
        position = position[kept]
        values = ((1 + np.log(counts.data[kept])) * self.idf[position]).astype(np.float32)
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n)).astype(np.float32)
        norms[norms == 0] = 1
        values /= norms[rows]
        indptr = np.concatenate([[0], np.cumsum(kept)])[counts.indptr]  # rows stay in order, so do columns
        return csr_matrix((values, position, indptr), shape=(n, len(self.columns)))

    def _positions(self, raw: Any) -> Any:
        """Each raw column's position among the kept ones, -1 if not kept."""
        import numpy as np

        if self.columns[-1] < LOOKUP_LIMIT:  # compact columns (character pieces): one table lookup
            if self._lookup is None:
                self._lookup = np.full(int(self.columns[-1]) + 1, -1, dtype=np.int64)
                self._lookup[self.columns] = np.arange(len(self.columns))
            inside = raw < len(self._lookup)
            position = np.full(len(raw), -1, dtype=np.int64)
            position[inside] = self._lookup[raw[inside]]
            return position
        position = np.searchsorted(self.columns, raw)
        position[position == len(self.columns)] = 0
        return np.where(self.columns[position] == raw, position, -1)


@dataclass
class Weighting:
    """Counts → the model's rows: words, characters (each TF-IDF, unit length) and weighted keyword hits."""
    words: Block
    chars: Block
    keyword_codes: np.ndarray  # code column of each keyword
    codes: int
    keyword_weight: float

    @classmethod
    def fit(cls, counts: Counts, keyword_codes: Sequence[int], codes: int, keyword_weight: float) -> Weighting:
        import numpy as np

        char_min_df = CHAR_MIN_DF if len(counts) >= 50 else 1
        return cls(Block.fit(counts.words, 1), Block.fit(counts.chars, char_min_df),
                   np.asarray(keyword_codes, dtype=np.int64), codes, keyword_weight)

    def word_rows(self, counts: Counts) -> Any:
        return self.words.transform(counts.words)

    def transform(self, counts: Counts) -> Any:
        from scipy.sparse import hstack

        return hstack([self.words.transform(counts.words), self.chars.transform(counts.chars),
                       self.keyword_hits(counts) * self.keyword_weight], format="csr")

    def keyword_hits(self, counts: Counts) -> Any:
        """Fragments × codes: how many of each code's keywords occur."""
        import numpy as np
        from scipy.sparse import csr_matrix

        to_codes = csr_matrix((np.ones(len(self.keyword_codes), dtype=np.float32),
                               (np.arange(len(self.keyword_codes)), self.keyword_codes)),
                              shape=(len(self.keyword_codes), self.codes))
        return (counts.keywords @ to_codes).tocsr()


class FeatureBank:
    """A project's vocabulary and the counts of fragments met before, by their lemma texts.

    Retraining after a coding reads the coder's fragments again but counts only the ones not seen
    before; the rest are rows of this bank. Shared by the coder's threads, hence the lock.
    """

    def __init__(self, codebook: Codebook) -> None:
        import threading

        self.vocabulary = Vocabulary(codebook)
        self._rows: dict[tuple[str, str], int] = {}
        self._counts: Counts | None = None
        self._lock = threading.Lock()

    def counts(self, own_texts: Sequence[str], question_texts: Sequence[str], *, keep: bool = False) -> Counts:
        """Counts of these fragments; `keep` remembers them for the next call (training sets)."""
        import numpy as np

        with self._lock:
            if not keep:
                return self.vocabulary.counts(own_texts, question_texts)
            keys = list(zip(own_texts, question_texts))
            new = list(dict.fromkeys(k for k in keys if k not in self._rows))
            if new:
                added = self.vocabulary.counts([k[0] for k in new], [k[1] for k in new])
                start = len(self._counts) if self._counts is not None else 0
                self._counts = added if self._counts is None else Counts.stack([self._counts, added])
                self._rows.update((k, start + i) for i, k in enumerate(new))
            assert self._counts is not None or not keys
            if not keys:
                return self.vocabulary.counts([], [])
            return self._counts.rows(np.fromiter((self._rows[k] for k in keys), dtype=np.int64, count=len(keys)))
