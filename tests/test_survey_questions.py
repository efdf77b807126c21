"""A questionnaire with several open questions: imported at once or one by one, never replacing an answer."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcode import Project
from qcode.errors import InputError

from conftest import database_dump

SHEET = (
    "respondent;functie;regio;V12;V17\n"
    "R1;jongerenwerker;Noord;Geen doorgroeimogelijkheden meer.;Meer ruimte voor scholing.\n"
    "R2;opbouwwerker;Oost;De registratiedruk werd te hoog.;Minder formulieren.\n"
    "R3;buurtwerker;Oost;;Een vaste collega naast me.\n"
    "R4;sociaal raadslid;Zuid;;\n"
)


def _sheet(folder: Path, text: str = SHEET, name: str = "enquete.csv", encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def _import(cli, sheet: Path, *columns: str, extra: tuple[str, ...] = ()):
    arguments = [part for column in columns for part in ("--text-column", column)]
    return cli("import", str(sheet), "--id-column", "respondent", *arguments, *extra)


@pytest.fixture
def survey_cli(cli):
    assert cli("init", str(cli.folder), project=False).exit_code == 0
    return cli


def _answers(project: Project) -> list[tuple[str, str | None, str]]:
    return project.conn.execute(
        "SELECT s.name, t.question, f.text FROM fragments f JOIN turns t ON t.id = f.turn_id JOIN transcripts s "
        "ON s.id = f.transcript_id WHERE t.role = 'participant' ORDER BY s.name, f.start").fetchall()


def test_several_questions_at_once_become_prompts_and_answers(survey_cli, tmp_path):
    result = _import(survey_cli, _sheet(tmp_path / "data"), "V12,V17", extra=("--json",))
    assert result.exit_code == 0, result.output
    with Project.open(survey_cli.folder) as project:
        turns = project.conn.execute(
            "SELECT t.speaker, t.role, t.question FROM turns t JOIN transcripts s ON s.id = t.transcript_id "
            "WHERE s.name = 'enquete.csv#R1' ORDER BY t.number").fetchall()
        assert turns == [("Vraag V12", "interviewer", "V12"), ("R1", "participant", "V12"),
                         ("Vraag V17", "interviewer", "V17"), ("R1", "participant", "V17")]
        assert _answers(project) == [
            ("enquete.csv#R1", "V12", "Geen doorgroeimogelijkheden meer."),
            ("enquete.csv#R1", "V17", "Meer ruimte voor scholing."),
            ("enquete.csv#R2", "V12", "De registratiedruk werd te hoog."),
            ("enquete.csv#R2", "V17", "Minder formulieren."),
            ("enquete.csv#R3", "V17", "Een vaste collega naast me.")]
        attributes = dict(project.conn.execute("SELECT id, attributes FROM participants").fetchall())
        assert json.loads(attributes["R1"]) == {"functie": "jongerenwerker", "regio": "Noord"}
        assert "R4" in attributes  # answered no open question, still one of the respondents
        assert project.conn.execute("SELECT id, column_name, position FROM questions ORDER BY position").fetchall() == [
            ("V12", "V12", 4), ("V17", "V17", 5)]


def test_a_second_question_is_added_and_the_first_keeps_its_codings(survey_cli, tmp_path):
    sheet = _sheet(tmp_path / "data")
    assert _import(survey_cli, sheet, "V12").exit_code == 0
    with Project.open(survey_cli.folder) as project:
        project.load_codebook(Path(__file__).parent.parent / "codebooks" / "exitstudie.yaml")
        fragment = project.fragments(role="participant")[0]
        project.assign(fragment.id, ["doorgroeimogelijkheden"], "anna", main=True)
    assert _import(survey_cli, sheet, "V17").exit_code == 0
    with Project.open(survey_cli.folder) as project:
        assert len(_answers(project)) == 5
        (coding,) = project.codings()
        assert coding.fragment == fragment.id and coding.text == "Geen doorgroeimogelijkheden meer."
        assert project.status().orphaned == []
    assert _import(survey_cli, sheet, "V17").exit_code == 0  # only V17 named: V12 is kept all the same
    with Project.open(survey_cli.folder) as project:
        assert [q for _, q, _ in _answers(project)].count("V12") == 2
        assert len(project.codings()) == 1


def test_the_same_questions_again_change_nothing_and_an_edited_answer_updates(survey_cli, tmp_path):
    sheet = _sheet(tmp_path / "data")
    _import(survey_cli, sheet, "V12", "V17")
    with Project.open(survey_cli.folder) as project:
        before = database_dump(project)
    assert _import(survey_cli, sheet, "V17", "V12").exit_code == 0
    with Project.open(survey_cli.folder) as project:
        assert database_dump(project) == before
    _sheet(tmp_path / "data", SHEET.replace("te hoog.", "veel te hoog."))
    assert _import(survey_cli, sheet, "V12").exit_code == 0
    with Project.open(survey_cli.folder) as project:
        assert ("enquete.csv#R2", "V12", "De registratiedruk werd veel te hoog.") in _answers(project)


def test_patterns_long_question_headers_and_a_questions_sheet(survey_cli, tmp_path):
    long_header = "Hoe ervaart u de samenwerking met zorgaanbieders in uw regio?"
    text = (f"respondent;rol;{long_header};open_reden\n"
            "1017;wijkwerker;Stroef, iedereen werkt op een eiland.;Te veel werkdruk.\n")
    sheet = _sheet(tmp_path / "data", text, name="consultatie.csv", encoding="cp1252")
    questions = _sheet(tmp_path / "data", "vraag;tekst\nopen_reden;Wat is de belangrijkste reden om te vertrekken?\n",
                       name="vragen.csv")
    result = _import(survey_cli, sheet, "Hoe ervaart*", "open_*", extra=("--questions", str(questions)))
    assert result.exit_code == 0, result.output
    with Project.open(survey_cli.folder) as project:
        rows = project.conn.execute("SELECT id, text FROM questions ORDER BY position").fetchall()
        assert rows == [("Q3", long_header), ("open_reden", "Wat is de belangrijkste reden om te vertrekken?")]
        prompts = [f.text for f in project.fragments(role="interviewer")]
        assert prompts == [long_header, "Wat is de belangrijkste reden om te vertrekken?"]
        assert [f.transcript for f in project.fragments(role="participant")] == ["consultatie.csv#1017"] * 2


@pytest.mark.parametrize("import_ids", [True, False], ids=["import-id row", "no import-id row"])
@pytest.mark.parametrize("option", [("--header-rows", "2"), ()], ids=["--header-rows 2", "recognised"])
def test_a_second_header_row_of_question_texts_and_qualtrics_import_ids(survey_cli, tmp_path, import_ids, option):
    """Qualtrics' export as it comes: codes, question texts, (import ids), answers — with or without the option."""
    from openpyxl import Workbook

    book = Workbook()
    rows = [["ResponseId", "Q1", "Q2_TEXT"],
            ["Response ID", "Uw functie", "Wat zou u houden in het werk?"],
            ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}', '{"ImportId":"QID2_TEXT"}'],
            [101.0, "ambulant hulpverlener", "Een leidinggevende die het vak kent."],
            [102.0, "jongerenwerker", "Erkenning.\n\nEn een eerlijk salaris."]]
    for row in rows if import_ids else rows[:2] + rows[3:]:
        book.active.append(row)
    path = tmp_path / "qualtrics.xlsx"
    book.save(path)
    result = survey_cli("import", str(path), "--id-column", "ResponseId", "--text-column", "Q2_TEXT", *option)
    assert result.exit_code == 0, result.output
    with Project.open(survey_cli.folder) as project:
        assert project.conn.execute("SELECT id, text FROM questions").fetchall() == [
            ("Q2_TEXT", "Wat zou u houden in het werk?")]
        answers = [(f.transcript, f.text) for f in project.fragments(role="participant")]
        assert answers == [("qualtrics.xlsx#101", "Een leidinggevende die het vak kent."),
                           ("qualtrics.xlsx#102", "Erkenning."), ("qualtrics.xlsx#102", "En een eerlijk salaris.")]


@pytest.mark.parametrize("text, message", [
    (SHEET + "R2;opbouwwerker;Oost;Nog eens.;\n", "respondent id 'R2' appears twice"),
    (SHEET.replace("R3;", ";"), "the 'respondent' cell is empty"),
])
def test_conflicting_or_missing_respondent_ids_are_refused(survey_cli, tmp_path, text, message):
    result = _import(survey_cli, _sheet(tmp_path / "data", text), "V12")
    assert result.exit_code == 1 and message in result.output
    with Project.open(survey_cli.folder) as project:
        assert project.fragments() == []


def test_the_id_column_is_no_question_and_unknown_columns_are_named(survey_cli, tmp_path):
    sheet = _sheet(tmp_path / "data")
    assert "is the respondent id" in _import(survey_cli, sheet, "respondent,V12").output
    result = _import(survey_cli, sheet, "V99")
    assert result.exit_code == 1 and "no column 'V99'" in result.output and "V12" in result.output


def test_another_sheet_may_not_reuse_a_question_id(project, tmp_path):
    project.import_paths([_sheet(tmp_path / "a", name="golf1.csv")], id_column="respondent", text_column="V12")
    with pytest.raises(InputError, match="question id 'V12' is taken by column 'V12' of golf1.csv"):
        project.import_paths([_sheet(tmp_path / "b", name="golf2.csv")], id_column="respondent", text_column="V12")


CONSULTATION = (
    "respondent;rol;V1;V2\n"
    "A1;wijkwerker;De werkdruk is te hoog en het salaris te laag.;Samenwerking loopt stroef.\n"
    "A2;wijkwerker;Te veel administratie.;Goed contact met de huisarts.\n"
    "A3;jongerenwerker;Het salaris.;\n"
    "A4;jongerenwerker;;Stroef, iedereen op een eiland.\n"
    "A5;opbouwwerker;\"Werkdruk, werkdruk, werkdruk.\n\nEn de registratie.\";Prima.\n"
    "A6;opbouwwerker;;\n"
)
CODEBOOK = """name: Consultatie
version: "1"
codes:
  - id: werkdruk
    label: Werkdruk
    codes:
      - {id: werkdruk-administratie, label: Administratie}
  - {id: salaris, label: Salaris}
  - {id: samenwerking, label: Samenwerking}
"""


@pytest.fixture
def consultation(project, tmp_path) -> Project:
    sheet = _sheet(tmp_path / "data", CONSULTATION)
    (tmp_path / "codeboek.yaml").write_text(CODEBOOK, encoding="utf-8")
    project.load_codebook(tmp_path / "codeboek.yaml")
    project.import_paths([sheet], id_column="respondent", text_column=["V1", "V2"])
    answers = {(f.transcript.split("#")[1], f.question, f.text[:12]): f.id for f in project.fragments(role="participant")}
    coded = [(("A1", "V1", "De werkdruk "), ["werkdruk", "salaris"]), (("A2", "V1", "Te veel admi"), ["werkdruk-administratie"]),
             (("A3", "V1", "Het salaris."), ["salaris"]), (("A5", "V1", "Werkdruk, we"), ["werkdruk"]),
             (("A5", "V1", "En de regist"), ["werkdruk-administratie"]),
             (("A1", "V2", "Samenwerking"), ["samenwerking"]), (("A4", "V2", "Stroef, iede"), ["samenwerking"])]
    for key, codes in coded:
        project.assign(answers[key], codes, "anna")
    return project


def test_counts_per_question_worked_out_by_hand(consultation):
    from qcode import survey_counts

    v1, v2 = survey_counts.counts(consultation.conn, "anna")
    assert (v1.id, v1.answered, v1.respondents) == ("V1", 4, 6)  # A1, A2, A3, A5 answered; six respondents
    assert [(c.id, c.respondents, c.mentions) for c in v1.categories] == [
        ("werkdruk", 3, 4),  # A1, A2 (administratie), A5 (twice, in two paragraphs)
        ("salaris", 2, 2)]
    assert v1.categories[0].share_answered == 3 / 4 and v1.categories[0].share_all == 3 / 6
    assert v1.mentions == 6
    assert (v2.answered, [(c.id, c.respondents, c.mentions) for c in v2.categories]) == (4, [("samenwerking", 2, 2)])
    (code_level,) = survey_counts.counts(consultation.conn, "anna", "V1", level="code")
    assert [(c.id, c.respondents) for c in code_level.categories] == [  # ties by label: Administratie, Salaris, …
        ("werkdruk-administratie", 2), ("salaris", 2), ("werkdruk", 2)]


def test_breakdown_by_an_attribute_worked_out_by_hand(consultation):
    from qcode import survey_counts

    shares = survey_counts.breakdown(consultation.conn, "anna", "V1", "werkdruk", "rol")
    assert [(s.group, s.answered, s.respondents) for s in shares] == [  # largest group first
        ("wijkwerker", 2, 2), ("jongerenwerker", 1, 0), ("opbouwwerker", 1, 1)]


def test_fragments_search_and_status_know_the_questions(consultation, cli):
    assert [f.text for f in consultation.fragments(question="v2", role="participant")] == [
        "Samenwerking loopt stroef.", "Goed contact met de huisarts.", "Stroef, iedereen op een eiland.", "Prima."]
    assert [h.fragment.question for h in consultation.search("stroef")] == ["V2", "V2"]
    status = consultation.status()
    assert [(q.id, q.answered, q.fragments) for q in status.questions] == [("V1", 4, 5), ("V2", 4, 4)]
    with pytest.raises(Exception, match="no question 'V9'"):
        consultation.fragments(question="V9")


def test_questions_command_lists_counts_and_breaks_down(consultation, cli):
    folder = ["--project", str(consultation.root)]
    from typer.testing import CliRunner
    from qcode.cli import app

    run = lambda *args: CliRunner().invoke(app, [*folder, *args], catch_exceptions=False)  # noqa: E731
    listed = json.loads(run("questions", "--json").output)
    assert [(q["id"], q["answered"]) for q in listed] == [("V1", 4), ("V2", 4)]
    counted = json.loads(run("questions", "--counts", "--question", "V1", "--json").output)
    assert counted[0]["answered"] == 4 and counted[0]["categories"][0]["id"] == "werkdruk"
    table = run("questions", "--counts", "--question", "V1").output
    assert "n=4 of 6 respondents" in table and "75%" in table and "total" in table
    by = json.loads(run("questions", "--question", "V1", "--code", "werkdruk", "--by", "rol", "--json").output)
    assert by[0] == {"group": "wijkwerker", "answered": 2, "respondents": 2, "share": 1.0}
    refused = run("questions", "--question", "V1", "--code", "werkdruk", "--by", "leeftijd")
    assert refused.exit_code == 1 and "no attribute 'leeftijd'" in refused.output and "rol" in refused.output


def test_word_frequencies_by_lemma_without_stop_words_and_a_cloud(consultation, tmp_path):
    found = consultation.word_frequencies(question="V1", top=5, cloud=tmp_path / "woorden.png")
    assert found[0].word == "werkdruk" and found[0].count == 4 and found[0].respondents == 2
    assert not {"de", "het", "en", "te"} & {w.word for w in found}
    from PIL import Image
    with Image.open(tmp_path / "woorden.png") as image:
        assert image.size == (1600, 900)
    coded = consultation.word_frequencies(question="V1", code="salaris", coder="anna")
    assert {w.word for w in coded} >= {"salaris"} and "administratie" not in {w.word for w in coded}


def test_matrix_and_codings_sheet_per_question(consultation, tmp_path):
    (by_role,) = consultation.matrices(coder="anna", by="rol", question="V2")
    assert by_role.columns == ["jongerenwerker (n=1)", "opbouwwerker (n=1)", "wijkwerker (n=2)"]
    row = by_role.cells[by_role.row_ids.index("samenwerking")]
    assert row == [1, 0, 1]
    (people,) = consultation.matrices(coder="anna", question="V1")
    assert people.columns == ["A1", "A2", "A3", "A5"]  # those who answered V1
    rows = consultation.export_codings(coder="anna")
    assert {r["question"] for r in rows} == {"V1", "V2"}
    target = tmp_path / "codings.csv"
    from typer.testing import CliRunner
    from qcode.cli import app
    result = CliRunner().invoke(app, ["--project", str(consultation.root), "codings", "export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8-sig").splitlines()[0].endswith(",question")
    again = CliRunner().invoke(app, ["--project", str(consultation.root), "codings", "import", str(target)])
    assert again.exit_code == 0 and "0 codings applied" in again.output.replace("✓ ", "")


def test_quote_sheet_per_question(consultation, tmp_path):
    import openpyxl

    target = tmp_path / "citaten.xlsx"
    assert consultation.export_quotes(target, coder="anna", attributes=["rol"], question="V2") == 2
    sheet = openpyxl.load_workbook(target)["alle"]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "vraag" and "main" not in header
    assert {row[0].value for row in sheet.iter_rows(min_row=2)} == {"V2"}


def test_the_coder_takes_one_question_and_shows_it_above_each_answer(consultation):
    session = consultation.coding_session("bea", question="V2")
    texts = []
    for _ in session.queue:
        context = session.context()
        assert context.question == "V2"  # the prompt: here the column name, as no question text was given
        texts.append(context.fragment.text)
        session.next()
    assert texts == ["Samenwerking loopt stroef.", "Goed contact met de huisarts.", "Stroef, iedereen op een eiland.",
                     "Prima."]


def test_a_sheet_with_more_answers_than_the_repeated_paragraphs_cache_holds_imports_whole(project, tmp_path, monkeypatch):
    """A sheet's answers are analysed in one pass and kept apart from the cache of short repeated
    paragraphs, so a sheet larger than that cache (shrunk here to four) imports every answer."""
    from qcode import segment

    monkeypatch.setattr(segment, "REPEATED_MOST", 4)
    segment._REPEATED.clear()
    sheet = _sheet(tmp_path / "data", CONSULTATION)
    project.import_paths([sheet], id_column="respondent", text_column=["V1", "V2"])
    answers = sorted(f.text for f in project.fragments(role="participant"))
    assert answers == sorted(["De werkdruk is te hoog en het salaris te laag.", "Samenwerking loopt stroef.",
                              "Te veel administratie.", "Goed contact met de huisarts.", "Het salaris.",
                              "Stroef, iedereen op een eiland.", "Werkdruk, werkdruk, werkdruk.", "En de registratie.",
                              "Prima."])
    assert not segment._PRIMED  # forgotten once the sheet is stored
