"""Dutch segmentation with spaCy: fragments with character offsets, sentence offsets and lemmas.

`nl_core_news_sm` is used where installed; otherwise a blank Dutch pipeline with the rule-based
sentencizer and the lookup lemmatizer from spacy-lookups-data.
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import Literal

from spacy.language import Language
from spacy.tokens import Doc, Span

Unit = Literal["paragraph", "sentence", "turn"]
UNITS: tuple[Unit, ...] = ("paragraph", "sentence", "turn")
MODEL = "nl_core_news_sm"
BATCH_SIZE = 256


@dataclass(frozen=True)
class Fragment:
    """A fragment of one turn; offsets are absolute into the transcript's stored text."""

    turn: int  # index of the turn in the document
    text: str
    start: int
    end: int
    sentences: list[tuple[int, int]]
    lemmas: str
    words: int

    def sentences_json(self) -> str:
        return json.dumps(self.sentences, separators=(",", ":"))


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's text, its turn index, and where it starts in the stored text."""

    turn: int
    text: str
    start: int


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    import spacy

    try:
        return spacy.load(MODEL, exclude=["ner", "tok2vec_ner"])
    except OSError:
        nlp = spacy.blank("nl")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        return nlp


def pipeline_info(nlp: Language) -> dict[str, str]:
    """What is segmenting: model or fallback, and the versions behind it."""
    import spacy

    info = {"spacy": spacy.__version__, "pipes": ", ".join(nlp.pipe_names)}
    if nlp.meta.get("name") == "core_news_sm":
        info["pipeline"] = f"{MODEL} {nlp.meta.get('version', '?')}"
    else:
        info["pipeline"] = "spacy.blank('nl') + sentencizer + lookup lemmatizer (fallback)"
        info["spacy-lookups-data"] = metadata.version("spacy-lookups-data")
    return info


def segment(paragraphs: Sequence[Paragraph], unit: Unit, nlp: Language) -> Iterator[Fragment]:
    """Fragments of the given paragraphs; a fragment never crosses a turn."""
    docs = nlp.pipe((p.text for p in paragraphs), batch_size=BATCH_SIZE)
    if unit == "turn":
        yield from _turn_fragments(paragraphs, docs)
        return
    for paragraph, doc in zip(paragraphs, docs):
        if unit == "paragraph":
            yield _fragment(paragraph, doc[:], list(doc.sents))
        else:
            for sentence in doc.sents:
                if sentence.text.strip():
                    yield _fragment(paragraph, sentence, [sentence])


def _fragment(paragraph: Paragraph, span: Span, sentences: list[Span]) -> Fragment:
    start, end = _trimmed(span)
    tokens = [t for t in span if not (t.is_punct or t.is_space)]
    return Fragment(
        turn=paragraph.turn,
        text=paragraph.text[start:end],
        start=paragraph.start + start,
        end=paragraph.start + end,
        sentences=[tuple(paragraph.start + x for x in _trimmed(s)) for s in sentences],
        lemmas=" ".join(t.lemma_.lower() or t.lower_ for t in tokens),
        words=len(tokens),
    )


def _turn_fragments(paragraphs: Sequence[Paragraph], docs: Iterator[Doc]) -> Iterator[Fragment]:
    """Join the paragraph fragments of each turn into one fragment spanning the turn."""
    current: list[Fragment] = []
    for paragraph, doc in zip(paragraphs, docs):
        piece = _fragment(paragraph, doc[:], list(doc.sents))
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
    )


def _trimmed(span: Span) -> tuple[int, int]:
    """Character offsets of a span relative to its doc, without surrounding whitespace."""
    text = span.text
    start = span.start_char + (len(text) - len(text.lstrip()))
    end = span.end_char - (len(text) - len(text.rstrip()))
    return start, max(start, end)
