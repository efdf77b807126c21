"""Segmentation reads token arrays instead of Token and Span objects: it must agree with spaCy's own
sentences, and carry qcode's lemmas (qcode.lemmas, the same for every pipeline)."""
from __future__ import annotations

import pytest

from qcode.lemmas import dutch_lemmas
from qcode.segment import Paragraph, lemmatise_texts, load_pipeline, segment, word_lemmas_for

from conftest import REPO


def example_paragraphs() -> list[str]:
    paragraphs = [p for path in sorted((REPO / "transcripts").rglob("*.txt"))
                  for p in path.read_text(encoding="utf-8", errors="replace").split("\n\n") if p.strip()]
    return paragraphs + ["", "   ", "Ja.", "Hallo  daar. Twee  zinnen!  ", "Eén zin zonder punt",
                         "Ik zei: dat gaat zo niet!! Echt…  niet.", "GESOLLICITEERD, 's Avonds, café's: ?!"]


def test_analysis_agrees_with_spacys_sentences_and_gives_each_word_its_lemmas():
    nlp = load_pipeline()
    lemmas_of = dutch_lemmas().lemmas
    for doc in nlp.pipe(example_paragraphs()):
        lemmas, forms, sentences, (joined, count) = word_lemmas_for(nlp).analyse(doc)
        assert sentences == [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
        words = [t for t in doc if not (t.is_punct or t.is_space)]
        assert joined == " ".join(lemmas_of(t.lower_)[0] for t in words) and count == len(words)
        assert lemmas == [None if t.is_punct or t.is_space else lemmas_of(t.lower_)[0] for t in doc]
        assert forms == {(t.lower_, lemma) for t in words for lemma in lemmas_of(t.lower_)}


def test_imported_fragments_carry_qcodes_lemmas(project):
    project.import_paths([REPO / "transcripts" / "U01.txt", REPO / "transcripts" / "U11.vtt"])
    nlp = load_pipeline()
    rows = project.conn.execute("SELECT text, lemmas, words FROM fragments").fetchall()
    assert len(rows) > 50
    for text, lemmas, words in rows:
        expected = [dutch_lemmas().lemma(t.lower_) for t in nlp(text) if not (t.is_punct or t.is_space)]
        assert (lemmas.split(" "), words) == (expected, len(expected))
    forms = set(project.conn.execute("SELECT form, lemma FROM word_forms"))
    assert {("zei", "zeggen"), ("ging", "gaan"), ("kreeg", "krijgen"), ("werkte", "werken"), ("gewerkt", "werken"),
            ("werk", "werken"), ("werk", "werk"), ("collega's", "collega")} <= forms


def test_gesolliciteerd_is_a_form_of_solliciteren():
    lemmas, forms, _, _ = word_lemmas_for(load_pipeline()).analyse(load_pipeline()("Ik heb gesolliciteerd op die functie."))
    assert ("gesolliciteerd", "solliciteren") in forms and "solliciteren" in lemmas


def test_stored_texts_lemmatised_again_match_an_import(project):
    project.import_paths([REPO / "transcripts" / "U02.txt"])
    rows = project.conn.execute("SELECT text, lemmas FROM fragments ORDER BY id").fetchall()
    again = list(lemmatise_texts([text for text, _ in rows], load_pipeline()))
    assert [lemmas for lemmas, _ in again] == [lemmas for _, lemmas in rows]
    assert frozenset().union(*(forms for _, forms in again)) == set(project.conn.execute("SELECT form, lemma FROM word_forms"))


def test_a_model_with_its_own_lemmatizer_gives_the_same_fragments_and_lemmas():
    import spacy

    other = spacy.blank("nl")  # stands in for a model: a pipeline qcode did not make, with a lemmatizer
    other.add_pipe("sentencizer")
    other.add_pipe("lemmatizer", config={"mode": "lookup"})
    other.add_pipe("attribute_ruler")
    other.initialize()
    other.get_pipe("attribute_ruler").add([[{"LOWER": "oke"}]], {"NORM": "oké"})
    paragraphs = [Paragraph(0, text, 0) for text in example_paragraphs()[:40] if text.strip()]
    for unit in ("paragraph", "sentence", "turn"):
        assert list(segment(paragraphs, unit, other)) == list(segment(paragraphs, unit, load_pipeline()))


def test_sentences_found_on_the_token_arrays_are_spacys_sentencizer_sentences():
    """The fallback pipeline's sentences come from the sentencizer's rule applied to the token arrays
    (no Token objects): the same sentences as spaCy's own component, also around awkward punctuation."""
    nlp = load_pipeline()
    lookup = word_lemmas_for(nlp)
    texts = ["Echt?! Ja... 'Nee.' zei ze toen. (Tja.) Dat is 't.",
             "Het ging om 3,5 procent. Of 4.5? Niemand wist het!!! En toen — stilte. …dat was het",
             "Ze zei: ‘Ik stop.’ Daarna ging ze. Dr. Jansen belde niet meer.",
             "Geen punt aan het eind",
             "?!",
             "Wat nu? \"Geen idee.\" Zo gaat dat.  Twee spaties ervoor. Einde."]
    if lookup.punct_chars is None:
        pytest.skip("a model's sentences are read from the doc")
    for text, doc in zip(texts, lookup.docs(nlp, texts)):
        expected = [(s.start, s.end, s.start_char, s.end_char) for s in nlp(text).sents]
        assert lookup.analyse(doc)[2] == expected, text
