"""Each reader on real awkward files: encodings, labels, paragraphs, timestamps."""
from __future__ import annotations

import pytest

from qcode.readers import ReadError, assign_roles, read_participants, read_survey, read_transcript
from qcode.readers.labels import match_label


def test_cp1252_with_crlf_is_decoded(data):
    document = read_transcript(data / "awkward/cp1252.txt")
    answer = document.turns[1].paragraphs[0]
    assert "€ 3.150 bruto" in answer
    assert "reëel" in answer and "cliënten" in answer
    assert "\r" not in answer


def test_bom_is_dropped_and_long_labels_recognised(data):
    document = read_transcript(data / "awkward/bom.txt")
    assert [t.speaker for t in document.turns] == ["Interviewer", "Respondent"] * 2
    assert assign_roles(document, set()) == ["interviewer", "participant"] * 2


def test_wrapped_lines_join_and_colons_mid_sentence_stay_in_the_turn(data):
    document = read_transcript(data / "awkward/wrapped.txt")
    assert [t.speaker for t in document.turns] == ["Int", "R", "Int", "R"]
    first_answer = document.turns[1]
    assert first_answer.paragraphs == [
        "De belangrijkste reden was dat ik niet verder kon groeien. Er was gewoon geen seniorfunctie. "
        "Ik heb twee keer intern gesolliciteerd en twee keer werd het iemand van buiten. "
        "Ik zei: dat gaat zo niet langer.",
        "Toen dacht ik: waar doe ik het nog voor?",
    ]
    assert [t.timestamp for t in document.turns] == [4, 11, 62, 69]
    assert document.preamble == "Transcript exitinterview, opgenomen via Teams"
    assert first_answer.location == 4


def test_front_matter_and_name_labels(data):
    document = read_transcript(data / "awkward/namen.md", {"Marieke"})
    assert document.participant == "P07"
    assert document.attributes == {"age": 34, "former_role": "jongerenwerker"}
    assert assign_roles(document, {"Marieke"}) == ["interviewer", "participant"] * 2
    assert len(document.turns[1].paragraphs) == 2


def test_names_without_interviewer_given_are_all_participants(data):
    document = read_transcript(data / "awkward/namen.md")
    assert assign_roles(document, set()) == ["participant"] * 4


def test_vtt_joins_split_cues_and_survives_missing_closing_tag(data):
    document = read_transcript(data / "awkward/teams.vtt")
    assert [t.speaker for t in document.turns] == ["Marieke de Vries", "Karin Jansen"] * 2
    assert document.turns[1].paragraphs == [
        "Ja, ik ben vijftien jaar maatschappelijk werker geweest. Eerst in een wijkteam, later bij het "
        "algemeen maatschappelijk werk. De registratiedruk werd steeds groter."]
    assert document.turns[1].timestamp == pytest.approx(7.25)
    assert document.turns[2].timestamp == pytest.approx(63.04)


def test_docx_bold_labels_and_unlabelled_continuation(data):
    document = read_transcript(data / "awkward/bold.docx")
    assert [t.speaker for t in document.turns] == ["Interviewer", "Respondent"] * 2
    assert document.turns[1].paragraphs[1].startswith("En ondertussen zat er een kind thuis. Ik zei tegen mijn collega:")
    assert document.preamble == "Interview W02 – exitonderzoek"


def test_docx_transcript_as_a_table_of_time_speaker_and_text(data):
    document = read_transcript(data / "awkward/tabel.docx")
    assert [t.speaker for t in document.turns] == ["Interviewer", "Respondent"] * 4  # header row skipped
    assert [t.timestamp for t in document.turns[:3]] == [4, 11, 98]
    first_answer = document.turns[1].paragraphs
    assert len(first_answer) == 3  # two paragraphs in the cell, then a row without speaker or time
    assert first_answer[2].startswith("En eerlijk is eerlijk: het werk zelf")
    assert document.turns[3].paragraphs == [
        "De registratie. Ik zei tegen mijn teamleider: ik ben meer tijd kwijt aan het dossier dan aan het "
        "gezin. Elk huisbezoek kostte me een uur typen."]
    assert document.turns[5].paragraphs[-1] == "[telefoon gaat, opname kort onderbroken]"  # one merged cell, once
    # the table of interview details above the transcript is not a transcript: it is the preamble
    assert document.preamble == ("Transcript interview W05 – exitonderzoek sociaal werk\nDatum\n14 maart 2026\n"
                                 "Duur\n52 minuten")


def test_a_docx_whose_only_table_is_not_a_transcript_has_no_speaker_labels(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Gespreksverslag teamoverleg")
    table = document.add_table(rows=3, cols=2)
    for row, (key, value) in zip(table.rows, [("Datum", "3 maart"), ("Aanwezig", "zes collega's"),
                                              ("Besluit", "Caseload wordt in april opnieuw verdeeld.")]):
        row.cells[0].text, row.cells[1].text = key, value
    document.save(tmp_path / "verslag.docx")
    with pytest.raises(ReadError, match="no speaker labels"):
        read_transcript(tmp_path / "verslag.docx")


@pytest.mark.parametrize("line, label", [
    ("I: Hoe was dat?", "I"), ("[00:12:31] Sanne: Ja.", "Sanne"), ("Marieke de Vries: Goed.", "Marieke de Vries"),
    ("Deelnemer 12: Nou.", "Deelnemer 12"), ("Ik zei: dat gaat zo niet", None),
    ("Toen dacht ik: waarom nog?", None), ("Kijk: zo zit het.", None), ("mijn baas zei: nee", None),
])
def test_label_shapes(line, label):
    found = match_label(line)
    assert (found.label if found else None) == label


def test_participants_sheet_rows(data):
    rows = read_participants(data / "awkward/participants.csv")
    assert rows["teams.vtt"].participant == "W03"
    assert rows["teams.vtt"].interviewer == ["Marieke de Vries"]
    assert rows["cp1252.txt"].attributes == {"age": 38, "former_role": "sociaal raadslid"}


def test_survey_rows_become_question_and_answer_documents_and_empty_answers_are_skipped(data):
    survey = read_survey(data / "survey/antwoorden.csv", "respondent", "antwoord")
    documents = survey.documents
    assert [d.participant for d in documents] == ["R1", "R2", "R4"]
    assert documents[1].turns[1].paragraphs == ["De registratiedruk.", "En steeds weer een nieuwe aanbesteding."]
    assert documents[0].attributes == {"functie": "jongerenwerker"}
    assert assign_roles(documents[0], set()) == ["interviewer", "participant"]
    assert [t.question for t in documents[0].turns] == ["antwoord", "antwoord"]
    assert set(survey.respondents) == {"R1", "R2", "R3", "R4"}  # R3 answered nothing, and still counts


@pytest.mark.parametrize("folder, message", [
    ("empty", "the file is empty"), ("nolabels", "no speaker labels found"),
    ("unknown", "qcode cannot read .rtf files"), ("undecodable", "neither UTF-8 nor Windows-1252"),
])
def test_bad_files_raise_a_located_error(data, folder, message):
    path = next((data / "bad" / folder).iterdir())
    with pytest.raises(ReadError) as raised:
        read_transcript(path)
    assert message in str(raised.value)
    assert raised.value.problem.path == path


def test_undecodable_bytes_name_their_line(data):
    with pytest.raises(ReadError) as raised:
        read_transcript(data / "bad/undecodable/kapot.txt")
    assert raised.value.problem.line == 2
