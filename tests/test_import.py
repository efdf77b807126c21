"""Import through the Python API, checked in the real SQLite database."""
from __future__ import annotations

import shutil

import pytest

from conftest import add_coding, database_dump
from qcode import Project
from qcode.errors import InputError


def stored_text(project: Project, name: str) -> str:
    return project.conn.execute("SELECT text FROM transcripts WHERE name = ?", (name,)).fetchone()[0]


def test_every_format_imports_with_offsets_into_the_stored_text(project, awkward):
    report = project.import_paths([awkward])
    assert (report.files, report.new, report.turns) == (7, 7, 32)
    fragments = project.fragments()
    assert len(fragments) == report.fragments
    for fragment in fragments:
        assert stored_text(project, fragment.transcript)[fragment.start:fragment.end] == fragment.text
    formats = dict(project.conn.execute("SELECT name, format FROM transcripts").fetchall())
    assert formats == {"bold.docx": "docx", "bom.txt": "text", "cp1252.txt": "text", "namen.md": "text",
                       "tabel.docx": "docx", "teams.vtt": "vtt", "wrapped.txt": "text"}


def test_roles_follow_the_participants_sheet(project, awkward):
    project.import_paths([awkward])
    roles = project.conn.execute(
        "SELECT t.speaker, t.role FROM turns t JOIN transcripts tr ON tr.id = t.transcript_id "
        "WHERE tr.name IN ('teams.vtt', 'namen.md') GROUP BY t.speaker").fetchall()
    assert dict(roles) == {"Marieke de Vries": "interviewer", "Karin Jansen": "participant",
                           "Marieke": "interviewer", "Sanne": "participant"}


def test_participants_get_ids_and_attributes_from_sheet_front_matter_or_file_name(project, awkward):
    project.import_paths([awkward])
    rows = dict(project.conn.execute(
        "SELECT tr.name, tr.participant_id || ' ' || p.attributes FROM transcripts tr "
        "JOIN participants p ON p.id = tr.participant_id").fetchall())
    assert rows["cp1252.txt"] == 'W01 {"age": 38, "former_role": "sociaal raadslid"}'
    assert rows["namen.md"] == 'P07 {"age": 34, "former_role": "jongerenwerker"}'
    assert rows["bom.txt"] == "bom {}"


def test_fragments_never_cross_a_turn_and_carry_sentences_and_lemmas(project, awkward):
    project.import_paths([awkward])
    for transcript_id, start, end, sentences, lemmas, turn_start, turn_end in project.conn.execute(
            'SELECT f.transcript_id, f.start, f."end", f.sentences, f.lemmas, t.start, t."end" '
            "FROM fragments f JOIN turns t ON t.id = f.turn_id"):
        assert turn_start <= start < end <= turn_end
        assert eval(sentences)[0][0] == start and eval(sentences)[-1][1] == end
        assert lemmas
    wrapped = [f for f in project.fragments(transcript="wrapped.txt") if f.role == "participant"]
    sentences = project.conn.execute("SELECT sentences FROM fragments WHERE id = ?", (wrapped[0].id,)).fetchone()[0]
    assert len(eval(sentences)) == 4  # four sentences in the first answer paragraph
    lemmas = project.conn.execute("SELECT lemmas FROM fragments WHERE id = ?", (wrapped[0].id,)).fetchone()[0]
    assert "solliciteren" in lemmas.split()  # gesolliciteerd → solliciteren


def test_reimport_of_the_same_files_changes_nothing(project, awkward):
    project.import_paths([awkward])
    before = database_dump(project)
    report = project.import_paths([awkward])
    assert (report.new, report.changed, report.unchanged) == (0, 0, 7)
    assert database_dump(project) == before


def test_changed_transcript_keeps_its_codings_and_lists_the_orphans(project, awkward):
    _load_small_codebook(project, awkward.parent)
    project.import_paths([awkward])
    answers = [f for f in project.fragments(transcript="wrapped.txt", role="participant")]
    kept, changed = answers[1], answers[2]  # "Toen dacht ik…" stays; "Die zei alleen…" is edited
    add_coding(project, kept.id, "groei", memo="kernquote")
    add_coding(project, changed.id, "steun")
    path = awkward / "wrapped.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Die zei alleen: we kijken er volgend jaar naar.",
                                 "Die zei alleen: daar hebben we geen budget voor.") + "I: Dank je wel.\n",
                    encoding="utf-8")
    report = project.import_paths([awkward])
    assert (report.changed, report.unchanged, report.codings_moved, report.codings_orphaned) == (1, 6, 1, 1)
    moved = project.conn.execute(
        "SELECT f.text, c.memo FROM codings c JOIN fragments f ON f.id = c.fragment_id").fetchall()
    assert moved == [("Toen dacht ik: waar doe ik het nog voor?", "kernquote")]
    orphans = project.status().orphaned
    assert [(o.transcript, o.code, o.text) for o in orphans] == [
        ("wrapped.txt", "steun", "Die zei alleen: we kijken er volgend jaar naar.")]
    assert project.conn.execute("SELECT COUNT(*) FROM turns t JOIN transcripts tr ON tr.id = t.transcript_id "
                                "WHERE tr.name = 'wrapped.txt'").fetchone()[0] == 5
    # the full-text index follows the re-segmented text
    assert project.search("budget")[0].fragment.text == "Die zei alleen: daar hebben we geen budget voor."
    assert project.search("kijken volgend") == []
    assert project.conn.execute("INSERT INTO fragments_fts(fragments_fts, rank) VALUES ('integrity-check', 1)")


def _load_small_codebook(project: Project, folder) -> None:
    path = folder / "klein.yaml"
    path.write_text("name: Klein\nversion: 1\nlanguage: nl\ncodes:\n"
                    "  - id: groei\n    label: Doorgroeimogelijkheden\n"
                    "  - id: steun\n    label: Steun en waardering\n", encoding="utf-8")
    project.load_codebook(path)


@pytest.mark.parametrize("folder, fragment", [
    ("empty", "leeg.txt: the file is empty"),
    ("nolabels", "zonder.txt:1: no speaker labels found"),
    ("unknown", "interview.rtf: qcode cannot read .rtf files"),
    ("undecodable", "kapot.txt:2: byte 0x81 is neither UTF-8 nor Windows-1252"),
    ("sheet_missing_file", "participants.csv (row 3): names transcript 'b.txt', but there is no such file"),
    ("sheet_repeated_id", "participants.csv (row 3): participant 'X1' appears twice (first in row 2)"),
])
def test_bad_input_is_reported_and_nothing_is_written(project, awkward, data, folder, fragment):
    project.import_paths([awkward / "bom.txt"])
    before = database_dump(project)
    with pytest.raises(InputError) as raised:
        project.import_paths([awkward / "cp1252.txt", data / "bad" / folder])
    assert fragment in str(raised.value)
    assert database_dump(project) == before


def test_skip_bad_imports_the_good_files_and_lists_the_bad(project, data):
    report = project.import_paths([data / "bad/good", data / "bad/empty", data / "bad/nolabels"], skip_bad=True)
    assert report.new == 1
    assert sorted(p.path.name for p in report.skipped) == ["leeg.txt", "zonder.txt"]
    assert [f.transcript for f in project.fragments()] == ["goed.txt", "goed.txt"]


def test_two_files_with_one_name_are_refused(project, data, tmp_path):
    other = tmp_path / "elders"
    other.mkdir()
    shutil.copy(data / "awkward/bom.txt", other / "goed.txt")
    with pytest.raises(InputError, match="another file with this name"):
        project.import_paths([data / "bad/good", other])


def test_interviewer_option_names_the_interviewer(project, awkward):
    project.import_paths([awkward / "namen.md"], interviewer=["Sanne"])
    roles = dict(project.conn.execute("SELECT speaker, role FROM turns").fetchall())
    assert roles == {"Sanne": "participant", "Marieke": "interviewer"}  # the sheet's row wins for namen.md


def test_survey_sheet_import(project, data):
    report = project.import_paths([data / "survey/antwoorden.csv"], id_column="respondent", text_column="antwoord")
    assert report.new == 3
    names = [f.transcript for f in project.fragments(role="participant")]
    assert names == ["antwoorden.csv#R1", "antwoorden.csv#R2", "antwoorden.csv#R2", "antwoorden.csv#R4"]
    prompts = [f for f in project.fragments() if f.role == "interviewer"]
    assert [(f.transcript, f.speaker, f.text) for f in prompts] == [
        (name, "Vraag antwoord", "antwoord") for name in ("antwoorden.csv#R1", "antwoorden.csv#R2", "antwoorden.csv#R4")]
    attributes = project.conn.execute("SELECT attributes FROM participants WHERE id = 'R4'").fetchone()[0]
    assert attributes == '{"functie": "sociaal raadslid"}'


def test_survey_sheet_without_columns_is_refused(project, data):
    with pytest.raises(InputError, match="--id-column COLUMN --text-column COLUMN"):
        project.import_paths([data / "survey/antwoorden.csv"])
    with pytest.raises(InputError, match="no column 'tekst'"):
        project.import_paths([data / "survey/antwoorden.csv"], id_column="respondent", text_column="tekst")


def test_sheets_inside_folders_are_left_alone(project, tmp_path, data):
    folder = tmp_path / "map"
    shutil.copytree(data / "bad/good", folder)
    shutil.copy(data / "survey/antwoorden.csv", folder / "antwoorden.csv")
    report = project.import_paths([folder])
    assert report.new == 1 and [p.name for p in report.left_alone] == ["antwoorden.csv"]


@pytest.mark.parametrize("unit, participant_fragments", [("paragraph", 3), ("sentence", 6), ("turn", 2)])
def test_fragment_unit_per_project(tmp_path, awkward, unit, participant_fragments):
    with Project.init(tmp_path / unit, unit=unit) as project:
        project.import_paths([awkward / "wrapped.txt"])
        assert len(project.fragments(role="participant")) == participant_fragments
        assert len(project.fragments(role="interviewer")) == 2
        text = stored_text(project, "wrapped.txt")
        assert all(text[f.start:f.end] == f.text for f in project.fragments())


def test_participants_sheet_as_excel(project, awkward):
    import openpyxl

    (awkward / "participants.csv").unlink()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["participant", "transcript", "interviewer", "age", "former_role"])
    sheet.append(["W03", "teams.vtt", "Marieke de Vries", 41, "maatschappelijk werker"])
    sheet.append([None, None, None, None, None])
    workbook.save(awkward / "participants.xlsx")
    project.import_paths([awkward / "teams.vtt"])
    [(participant, attributes)] = project.conn.execute(
        "SELECT p.id, p.attributes FROM participants p").fetchall()
    assert (participant, attributes) == ("W03", '{"age": 41, "former_role": "maatschappelijk werker"}')
    roles = dict(project.conn.execute("SELECT speaker, role FROM turns").fetchall())
    assert roles == {"Marieke de Vries": "interviewer", "Karin Jansen": "participant"}


def test_front_matter_and_sheet_must_agree(project, awkward):
    sheet = awkward / "participants.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("P07;namen.md;Marieke;;", "P07;namen.md;Marieke;35;"),
                     encoding="utf-8")
    with pytest.raises(InputError, match="front matter gives age = 34, but participants.csv row 6 gives 35"):
        project.import_paths([awkward / "namen.md"])


def test_skip_bad_skips_transcripts_beside_a_bad_participants_sheet(project, data):
    report = project.import_paths([data / "bad/sheet_repeated_id", data / "bad/good"], skip_bad=True)
    assert report.new == 1 and [f.transcript for f in project.fragments()][:1] == ["goed.txt"]
    messages = [p.message for p in report.skipped]
    assert messages == ["participant 'X1' appears twice (first in row 2)"]  # once, naming the sheet
    assert report.skipped[0].path.name == "participants.csv"
    assert "transcripts beside it are not imported" in report.skipped[0].hint
