"""Dutch segmentation with spaCy: fragments with character offsets, sentence offsets and lemmas.

`nl_core_news_sm` is used where installed (for its sentences); otherwise a blank Dutch pipeline with
the rule-based sentencizer. Either way the lemmas come from `qcode.lemmas`, asked once per distinct
word, so an import and a search query lemmatise a word the same way.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple

from spacy.language import Language
from spacy.attrs import IDX, LENGTH, ORTH, SENT_START
from spacy.tokens import Doc
from spacy.vocab import Vocab

from qcode import lemmas as word_lemmas
from qcode.units import UNITS, Unit  # noqa: F401  (named here too, as before)

MODEL = "nl_core_news_sm"
BATCH_SIZE = 256
FALLBACK_PIPES = ["sentencizer"]


class Fragment(NamedTuple):  # a tuple: made once per fragment of every import, it must cost little
    """A fragment of one turn; offsets are absolute into the transcript's stored text."""

    turn: int  # index of the turn in the document
    text: str
    start: int
    end: int
    sentences: list[tuple[int, int]]
    lemmas: str
    words: int
    forms: frozenset[tuple[str, str]] = frozenset()  # (word form, lemma) for every lemma of each word

    def sentences_json(self) -> str:
        """The sentence offsets as compact JSON, e.g. [[0,42],[43,97]]."""
        return "[" + ",".join(f"[{start},{end}]" for start, end in self.sentences) + "]"


class Paragraph(NamedTuple):
    """A paragraph's text, its turn index, and where it starts in the stored text."""

    turn: int
    text: str
    start: int


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    import spacy

    try:  # the model's lemmatizer is left out: qcode's lemmas depend on the word alone (WordLemmas)
        return spacy.load(MODEL, exclude=["ner", "lemmatizer"])
    except OSError:
        nlp = spacy.blank("nl")
        nlp.add_pipe("sentencizer")
        nlp.initialize()
        return nlp


def pipeline_info(nlp: Language) -> dict[str, str]:
    """What is segmenting: model or fallback, and the versions behind it."""
    import spacy

    info = {"spacy": spacy.__version__, "pipes": ", ".join(nlp.pipe_names)}
    if nlp.meta.get("name") == "core_news_sm":
        info["pipeline"] = f"{MODEL} {nlp.meta.get('version', '?')}"
    else:
        info["pipeline"] = "spacy.blank('nl') + sentencizer (fallback)"
    info.update(word_lemmas.describe())
    return info


def segment(paragraphs: Sequence[Paragraph], unit: Unit, nlp: Language) -> Iterator[Fragment]:
    """Fragments of the given paragraphs; a fragment never crosses a turn.

    Paragraph texts are whitespace-normalised by the readers, so spaCy's character offsets need
    no trimming; token attributes are read as arrays (no Token objects: they dominate the cost).
    """
    lookup = word_lemmas_for(nlp)
    if all(len(p.text) <= nlp.max_length for p in paragraphs):
        analysed = _analysed_once(paragraphs, nlp, lookup)
    else:
        analysed = _analysed_in_pieces(paragraphs, nlp, lookup)
    if unit == "turn":
        yield from _turn_fragments(analysed)
        return
    for paragraph, (lemmas, forms, sentences, whole) in analysed:
        if unit == "paragraph":
            yield _fragment(paragraph, 0, len(paragraph.text), lemmas, sentences, forms, whole)
            continue
        for first, last, start, end in sentences:
            yield _fragment(paragraph, start, end, lemmas[first:last], [(first, last, start, end)], forms)


def lemmatise_texts(texts: Sequence[str], nlp: Language) -> Iterator[tuple[str, frozenset[tuple[str, str]]]]:
    """For stored texts (a migration deriving lemmas again): each text's lemmas, space-separated as
    `fragments.lemmas` holds them, and its (word form, lemma) pairs. Only the tokenizer runs."""
    lookup = word_lemmas_for(nlp)
    for doc in nlp.tokenizer.pipe(texts, batch_size=BATCH_SIZE):
        _, forms, _, (joined, _) = lookup.analyse(doc)
        yield joined, forms


_REPEATED: dict[tuple[int, str], Analysis] = {}  # short paragraphs seen before: a survey's questions, "Ja."
REPEATED_LONGEST = 300
REPEATED_MOST = 20_000
_PRIMED: dict[tuple[int, str], Analysis] = {}  # the answers of the survey sheet being imported (`prime`)
PRIMED_MOST = 200_000


def prime(texts: Sequence[str], nlp: Language) -> None:
    """Analyse many short paragraphs in one pass of the pipeline (a survey sheet's answers), so that each
    document's segmenting finds them ready instead of starting a pass of its own. They are kept until
    `forget_primed` (or the next sheet's `prime`)."""
    pipeline, lookup = id(nlp), word_lemmas_for(nlp)
    _PRIMED.clear()
    fresh = [t for t in dict.fromkeys(texts) if (pipeline, t) not in _REPEATED and len(t) <= nlp.max_length]
    for text, doc in zip(fresh, lookup.docs(nlp, fresh[:PRIMED_MOST])):
        _PRIMED[(pipeline, text)] = lookup.analyse(doc)


def forget_primed() -> None:
    _PRIMED.clear()


def _analysed_once(paragraphs: Sequence[Paragraph], nlp: Language,
                   lookup: WordLemmas) -> Iterator[tuple[Paragraph, Analysis]]:
    """Each distinct paragraph text analysed once: a question repeated before 1,200 survey answers, or
    an interviewer's "Oké." in every transcript, goes through the pipeline the first time only."""
    pipeline = id(nlp)
    ready: dict[str, Analysis] = {}
    fresh: dict[str, None] = {}
    for paragraph in paragraphs:
        text = paragraph.text
        if text not in ready and text not in fresh:
            found = _PRIMED.get((pipeline, text)) or _REPEATED.get((pipeline, text))
            if found is None:
                fresh[text] = None
            else:
                ready[text] = found
    if fresh:
        analysed = {text: lookup.analyse(doc) for text, doc in zip(fresh, lookup.docs(nlp, list(fresh)))}
        if len(_REPEATED) > REPEATED_MOST:
            _REPEATED.clear()
        _REPEATED.update(((pipeline, text), analysis) for text, analysis in analysed.items()
                         if len(text) <= REPEATED_LONGEST)
        ready.update(analysed)
    for paragraph in paragraphs:
        yield paragraph, ready[paragraph.text]


def split_long(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) of a text, each piece at most `limit` characters, cut after a sentence end
    where there is one in the piece's second half, else after a space, else anywhere."""
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind(end) for end in (". ", "? ", "! ")) + 2
        if cut < limit // 2:
            cut = window.rfind(" ") + 1
        if cut < limit // 2:
            cut = limit
        yield start, window[:cut]
        start += cut
    yield start, text[start:]


def _analysed_in_pieces(paragraphs: Sequence[Paragraph], nlp: Language,
                        lookup: WordLemmas) -> Iterator[tuple[Paragraph, Analysis]]:
    """Paragraphs longer than the pipeline takes (nlp.max_length: an automatic transcript without
    blank lines), analysed in pieces and put back together with their offsets shifted."""
    pieces = [(index, offset, piece) for index, paragraph in enumerate(paragraphs)
              for offset, piece in split_long(paragraph.text, nlp.max_length)]
    docs = lookup.docs(nlp, [piece for _, _, piece in pieces])
    current = -1
    lemmas: list[str | None] = []
    forms: set[tuple[str, str]] = set()
    sentences: list[tuple[int, int, int, int]] = []
    for (index, offset, _), doc in zip(pieces, docs):
        if index != current:
            if current >= 0:
                yield paragraphs[current], (lemmas, frozenset(forms), sentences, _joined(lemmas))
            current, lemmas, forms, sentences = index, [], set(), []
        piece_lemmas, piece_forms, piece_sentences, _ = lookup.analyse(doc)
        tokens = len(lemmas)
        sentences.extend((first + tokens, end + tokens, start + offset, stop + offset)
                         for first, end, start, stop in piece_sentences)
        lemmas.extend(piece_lemmas)
        forms.update(piece_forms)
    if current >= 0:
        yield paragraphs[current], (lemmas, frozenset(forms), sentences, _joined(lemmas))


# Each token's lower-cased main lemma (None for punctuation), the (word form, lemma) pairs of its
# words, every lemma of each, the sentences as (first token, end token, start char, end char), and
# the whole text's lemmas as `fragments.lemmas` holds them with their number (a paragraph's fragment).
Analysis = tuple[list[str | None], frozenset[tuple[str, str]], list[tuple[int, int, int, int]], tuple[str, int]]
_TOKEN_ATTRIBUTES = [ORTH, SENT_START, IDX, LENGTH]


def _joined(lemmas: list[str | None]) -> tuple[str, int]:
    words = [lemma for lemma in lemmas if lemma is not None]
    return " ".join(words), len(words)


def sentence_spans(doc: Doc) -> list[tuple[int, int, int, int]]:
    """(first token, end token, start char, end char) of each sentence, from the token arrays."""
    if not len(doc):
        return []
    _, sent_start, idx, length = doc.to_array(_TOKEN_ATTRIBUTES).T.tolist()
    return _spans(sent_start, idx, length)


def _spans(sent_start: list[int], idx: list[int], length: list[int]) -> list[tuple[int, int, int, int]]:
    firsts = [0, *(i for i, flag in enumerate(sent_start) if flag == 1 and i)]
    ends = [*firsts[1:], len(sent_start)]
    return [(first, end, idx[first], idx[end - 1] + length[end - 1]) for first, end in zip(firsts, ends)]


def _fragment(paragraph: Paragraph, start: int, end: int, lemmas: list[str | None],
              sentences: list[tuple[int, int, int, int]],
              forms: frozenset[tuple[str, str]] = frozenset(), whole: tuple[str, int] | None = None) -> Fragment:
    joined, words = whole or _joined(lemmas)
    origin = paragraph.start
    return Fragment(
        turn=paragraph.turn,
        text=paragraph.text[start:end],
        start=origin + start,
        end=origin + end,
        sentences=[(origin + s, origin + e) for _, _, s, e in sentences],
        lemmas=joined,
        words=words,
        forms=forms,
    )


def _turn_fragments(analysed: Iterator[tuple[Paragraph, Analysis]]) -> Iterator[Fragment]:
    """Join the paragraph fragments of each turn into one fragment spanning the turn."""
    current: list[Fragment] = []
    for paragraph, (lemmas, forms, sentences, whole) in analysed:
        piece = _fragment(paragraph, 0, len(paragraph.text), lemmas, sentences, forms, whole)
        if current and current[-1].turn != piece.turn:
            yield _join(current)
            current = []
        current.append(piece)
    if current:
        yield _join(current)


def _join(pieces: list[Fragment]) -> Fragment:
    first, last = pieces[0], pieces[-1]
    # The stored text between the pieces is exactly what separates the paragraphs.
    text = "\n\n".join(p.text for p in pieces)
    return Fragment(
        turn=first.turn, text=text, start=first.start, end=last.end,
        sentences=[s for p in pieces for s in p.sentences],
        lemmas=" ".join(p.lemmas for p in pieces), words=sum(p.words for p in pieces),
        forms=frozenset().union(*(p.forms for p in pieces)),
    )


Word = tuple[str | None, tuple[tuple[str, str], ...]]


class WordLemmas:
    """The lemmas of a doc's words, asked of `qcode.lemmas` once per distinct word and cached.

    Read from the token arrays: Token and Span objects, or a lemmatizer walking every token, would
    cost as much as the rest of the pipeline.
    """

    def __init__(self, lemmas: word_lemmas.DutchLemmas, punct_chars: frozenset[str] | None = None) -> None:
        self.lemmas = lemmas
        self.words: dict[int, Word] = {}  # orth → (main lemma, (form, lemma) for each of its lemmas)
        # The rule-based sentencizer's sentence ends, when it is the pipeline's only component: its rule is
        # then applied here to the token arrays (`sentence_starts`), the same sentences without the
        # Token objects it creates for every word (a third of the pipeline's time). None: a model's sentences.
        self.punct_chars = punct_chars
        self.kinds: dict[int, int] = {}  # orth → 1 sentence end, 2 other punctuation, 0 a word

    def docs(self, nlp: Language, texts: Sequence[str]) -> Iterator[Doc]:
        """The pipeline's docs of the texts; only tokenized where `analyse` finds the sentences itself."""
        if self.punct_chars is not None:
            return nlp.tokenizer.pipe(texts, batch_size=BATCH_SIZE)
        return nlp.pipe(texts, batch_size=BATCH_SIZE)

    def analyse(self, doc: Doc) -> Analysis:
        if not len(doc):
            return [], frozenset(), [], ("", 0)
        words = self.words
        orths, sent_start, idx, length = doc.to_array(_TOKEN_ATTRIBUTES).T.tolist()
        distinct = set(orths)
        for orth in distinct.difference(words):
            self._learn(doc.vocab, orth)
        lemmas = [words[orth][0] for orth in orths]
        forms = frozenset(pair for orth in distinct for pair in words[orth][1])
        if self.punct_chars is not None:
            sent_start = self.sentence_starts(orths)
        return lemmas, forms, _spans(sent_start, idx, length), _joined(lemmas)

    def sentence_starts(self, orths: list[int]) -> list[int]:
        """spaCy's Sentencizer rule on the token arrays: a sentence starts at the first word (neither
        punctuation nor a sentence end) after a sentence end. 1 marks a start, as SENT_START does."""
        kinds = self.kinds
        starts = [0] * len(orths)
        starts[0] = 1
        seen_end = False
        for i, orth in enumerate(orths):
            kind = kinds[orth]
            if seen_end and kind == 0:
                starts[i] = 1
                seen_end = False
            elif kind == 1:
                seen_end = True
        return starts

    def _learn(self, vocab: Vocab, orth: int) -> Word:
        lexeme = vocab[orth]
        if self.punct_chars is not None:
            self.kinds[orth] = 1 if lexeme.orth_ in self.punct_chars else 2 if lexeme.is_punct else 0
        if lexeme.is_punct or lexeme.is_space:
            word: Word = (None, ())
        else:
            form = lexeme.lower_
            found = self.lemmas.lemmas(form)
            word = (found[0], tuple((form, lemma) for lemma in found))
        self.words[orth] = word
        return word


@lru_cache(maxsize=4)
def word_lemmas_for(nlp: Language) -> WordLemmas:
    """qcode's lemma pass for a pipeline (one cache per vocab: the orth ids are the vocab's)."""
    punct_chars = None
    if nlp.pipe_names == ["sentencizer"]:
        punct_chars = frozenset(nlp.get_pipe("sentencizer").punct_chars)
    return WordLemmas(word_lemmas.dutch_lemmas(), punct_chars)
