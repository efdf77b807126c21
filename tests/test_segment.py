"""Segmentation reads token arrays instead of Token and Span objects: it must agree with spaCy's own."""
from __future__ import annotations

from qcode.segment import analyse, load_pipeline

from conftest import REPO


def test_analyse_agrees_with_spacy_sentences_and_lemmas():
    nlp = load_pipeline()
    paragraphs = [p for path in sorted((REPO / "transcripts").glob("U0*.txt"))
                  for p in path.read_text(encoding="utf-8", errors="replace").split("\n\n") if p.strip()]
    paragraphs += ["", "   ", "Ja.", "Hallo  daar. Twee  zinnen!  ", "Eén zin zonder punt"]
    for doc in nlp.pipe(paragraphs):
        lemmas, forms, sentences = analyse(doc)
        assert sentences == [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
        assert lemmas == [None if t.is_punct or t.is_space else (t.lemma_ or t.lower_).lower() for t in doc]
        assert forms == {(t.lower_, t.lemma_.lower()) for t in doc
                         if not (t.is_punct or t.is_space) and t.lemma_.lower() != t.lower_}


def test_gesolliciteerd_is_a_form_of_solliciteren():
    lemmas, forms, _ = analyse(load_pipeline()("Ik heb gesolliciteerd op die functie."))
    assert ("gesolliciteerd", "solliciteren") in forms and "solliciteren" in lemmas
