"""What the codebook alone says about a fragment: its keywords matched on lemmas, and its texts."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

MIN_COMPOUND_PART = 4  # a keyword lemma this long also counts at the start or end of a longer word


@dataclass(frozen=True)
class CodeInfo:
    id: str
    theme: str  # the top-level code it belongs to (itself for a theme)
    label: str
    texts: tuple[str, ...]  # label + description + include, then each example
    examples: tuple[str, ...]
    keywords: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]  # (as written, per word: its lemma and form)


@dataclass
class Codebook:
    codes: list[CodeInfo] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.codes]

    def theme_of(self, code: str) -> str:
        return self._themes[code]

    def __post_init__(self) -> None:
        self._themes = {c.id: c.theme for c in self.codes}
        self._single = [(j, k, forms[0]) for j, c in enumerate(self.codes)
                        for k, (_, forms) in enumerate(c.keywords) if len(forms) == 1]
        self._phrases = [(j, k) for j, c in enumerate(self.codes)
                         for k, (_, forms) in enumerate(c.keywords) if len(forms) > 1]
        self._by_lemma: dict[str, tuple[tuple[int, int], ...]] = {}

    def hits(self, lemmas: list[str]) -> set[tuple[int, int]]:
        """(code column, keyword index) of every keyword found; each distinct lemma is checked once."""
        found: set[tuple[int, int]] = set()
        for lemma in set(lemmas):
            known = self._by_lemma.get(lemma)
            if known is None:
                known = self._by_lemma[lemma] = tuple(
                    (j, k) for j, k, forms in self._single if any(lemma_matches(f, lemma) for f in forms))
            found.update(known)
        for j, k in self._phrases:
            if _phrase_in(self.codes[j].keywords[k][1], lemmas):
                found.add((j, k))
        return found

    @property
    def has_keywords_or_examples(self) -> bool:
        return any(c.keywords or c.examples for c in self.codes)


def load_codebook(conn: sqlite3.Connection) -> Codebook:
    """The active codes in codebook order, with keyword lemmas and the theme each belongs to."""
    rows = conn.execute("SELECT id, parent_id, label, description, include, examples, keywords FROM codes "
                        "WHERE active = 1 ORDER BY position").fetchall()
    parents = {row[0]: row[1] for row in conn.execute("SELECT id, parent_id FROM codes")}
    codes = []
    for code, _parent, label, description, include, examples, keywords in rows:
        theme = code
        while parents.get(theme):
            theme = parents[theme]
        examples = tuple(json.loads(examples or "[]"))
        words = tuple(json.loads(keywords or "[]"))
        head = " ".join(t for t in (label, description, include) if t)
        codes.append(CodeInfo(code, theme, label, (head, *examples), examples,
                              tuple((w, keyword_forms(w)) for w in words)))
    return Codebook(codes)


def lemmatise(text: str) -> tuple[str, ...]:
    """Main lemmas of a text's words, the way the importer stores them in `fragments.lemmas`."""
    from qcode.lemmas import dutch_lemmas

    lemmas = dutch_lemmas()
    words = "".join(c.lower() if c.isalnum() or c in "-'" else " " for c in text).split()
    return tuple(lemmas.lemma(w) for w in words if any(c.isalpha() for c in w))


def keyword_forms(keyword: str) -> tuple[tuple[str, ...], ...]:
    """Per word of a keyword: its lemma and the word as written (`doorgroei` → doorgroeien, doorgroei)."""
    from qcode.lemmas import dutch_lemmas

    lemmas = dutch_lemmas()
    words = "".join(c.lower() if c.isalnum() or c in "-'" else " " for c in keyword).split()
    return tuple(tuple(dict.fromkeys((lemmas.lemma(w), w))) for w in words if any(c.isalpha() for c in w))


def lemma_matches(keyword: str, lemma: str) -> bool:
    """`doorgroei` matches `doorgroeimogelijkheid`, `lijst` matches `wachtlijst`; `mes` only `mes`."""
    if lemma == keyword:
        return True
    return len(keyword) >= MIN_COMPOUND_PART and (lemma.startswith(keyword) or lemma.endswith(keyword))


def keyword_hits(code: CodeInfo, lemmas: tuple[str, ...] | list[str]) -> list[str]:
    """The keywords of a code (as written in the codebook) found in a fragment's lemmas."""
    hits = []
    for written, parts in code.keywords:
        if parts and _phrase_in(parts, lemmas):
            hits.append(written)
    return hits


def _phrase_in(parts: tuple[tuple[str, ...], ...], lemmas: tuple[str, ...] | list[str]) -> bool:
    def word_at(forms: tuple[str, ...], i: int) -> bool:
        return i < len(lemmas) and any(lemma_matches(form, lemmas[i]) for form in forms)

    return any(all(word_at(forms, i + j) for j, forms in enumerate(parts)) for i in range(len(lemmas)))
