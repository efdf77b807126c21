"""Segmentation reads token arrays instead of Token and Span objects: it must agree with spaCy's own."""
from __future__ import annotations

import pytest

from qcode.segment import analyse, load_pipeline, lookup_lemmas

from conftest import REPO


def example_paragraphs() -> list[str]:
    paragraphs = [p for path in sorted((REPO / "transcripts").rglob("*.txt"))
                  for p in path.read_text(encoding="utf-8", errors="replace").split("\n\n") if p.strip()]
    return paragraphs + ["", "   ", "Ja.", "Hallo  daar. Twee  zinnen!  ", "Eén zin zonder punt",
                         "Ik zei: dat gaat zo niet!! Echt…  niet.", "GESOLLICITEERD, 's Avonds, café's: ?!"]


@pytest.mark.parametrize("lemma_pass", ["spacy", "qcode lookup"])
def test_analyse_agrees_with_spacy_sentences_and_lemmas(lemma_pass):
    nlp = load_pipeline()
    lookup = lookup_lemmas(nlp)
    assert lookup is not None, "the fallback pipeline's lemmatizer looks words up"
    for doc in nlp.pipe(example_paragraphs()):
        if lemma_pass == "spacy":
            lemmas, forms, sentences = analyse(doc)
        else:  # the same tokens without spaCy's lemmatizer: qcode looks the lemmas up itself
            with nlp.select_pipes(disable=["lemmatizer"]):
                lemmas, forms, sentences = lookup.analyse(nlp(doc.text))
        assert sentences == [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
        assert lemmas == [None if t.is_punct or t.is_space else (t.lemma_ or t.lower_).lower() for t in doc]
        assert forms == {(t.lower_, t.lemma_.lower()) for t in doc
                         if not (t.is_punct or t.is_space) and t.lemma_.lower() != t.lower_}


def test_imported_fragments_carry_spacys_own_lemmas(project):
    project.import_paths([REPO / "transcripts" / "U01.txt", REPO / "transcripts" / "U11.vtt"])
    nlp = load_pipeline()
    rows = project.conn.execute("SELECT text, lemmas, words FROM fragments").fetchall()
    assert len(rows) > 50
    for text, lemmas, words in rows:
        expected = [(t.lemma_ or t.lower_).lower() for t in nlp(text) if not (t.is_punct or t.is_space)]
        assert (lemmas.split(" "), words) == (expected, len(expected))
    forms = dict(project.conn.execute("SELECT form, lemma FROM word_forms"))
    assert forms["zei"] == "zeggen" and forms["gesolliciteerd"] == "solliciteren"


def test_gesolliciteerd_is_a_form_of_solliciteren():
    nlp = load_pipeline()
    for lemmas, forms, _ in (analyse(nlp("Ik heb gesolliciteerd op die functie.")),
                             lookup_lemmas(nlp).analyse(nlp.make_doc("Ik heb gesolliciteerd op die functie."))):
        assert ("gesolliciteerd", "solliciteren") in forms and "solliciteren" in lemmas


def test_any_other_pipeline_keeps_its_own_lemmatizer_and_gives_the_same_fragments():
    import spacy

    from qcode.segment import Paragraph, segment

    other = spacy.blank("nl")  # stands in for a model: a pipeline qcode did not make
    other.add_pipe("sentencizer")
    other.add_pipe("lemmatizer", config={"mode": "lookup"})
    other.add_pipe("attribute_ruler")
    other.initialize()
    other.get_pipe("attribute_ruler").add([[{"LOWER": "oke"}]], {"NORM": "oké"})
    assert lookup_lemmas(other) is None and lookup_lemmas(load_pipeline()) is not None
    paragraphs = [Paragraph(0, text, 0) for text in example_paragraphs()[:40] if text.strip()]
    for unit in ("paragraph", "sentence", "turn"):
        assert list(segment(paragraphs, unit, other)) == list(segment(paragraphs, unit, load_pipeline()))
