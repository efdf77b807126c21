"""No `-o` writes over a file any import read (issue 11.5, the red team's round): codings sheets are
recorded when imported, survey sheets are known as sources, a file among the imported transcripts
that another project may read is kept, and a command writing several files checks them all first.
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from qcode import Project

from conftest import database_dump

CODEBOOK = """name: Uitstroom
version: "1"
codes:
  - id: werkdruk
    label: Werkdruk
  - id: doorgroei
    label: Doorgroei
"""
INTERVIEW = """Interviewer: Waarom ben je gestopt als jongerenwerker?

{name}: Vooral de werkdruk. Ik had veertig jongeren op mijn lijst.

Interviewer: En de organisatie?

{name}: Er was geen doorgroei. Na vijf jaar deed ik hetzelfde werk.
"""
CODINGS = ("transcript,text,code,coder,main,star,memo\n"
           "U01,Vooral de werkdruk.,werkdruk,bram,1,0,\n"
           "U02,Er was geen doorgroei.,doorgroei,bram,0,0,handgemaakt\n"
           "U01,Vooral de werkdruk.,werkdruk,anna,0,0,\n")

WRITERS = {
    "codings export": ("codings", "export", "--format", "csv", "-o"),
    "fragments": ("fragments", "-o"),
    "export quotes": ("export", "quotes", "--coder", "bram", "--format", "csv", "-o"),
    "matrix": ("matrix", "--coder", "bram", "--format", "csv", "-o"),
    "disagreements": ("disagreements", "--coders", "anna,bram", "--format", "xlsx", "-o"),
    "report": ("report", "--coder", "bram", "-o"),
    "chart": ("chart", "--coder", "bram", "-o"),
}


def _survey(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["respondent", "antwoord"])
    sheet.append(["R1", "De werkdruk was te hoog."])
    sheet.append(["R2", "Ik miste doorgroei."])
    book.save(path)


@pytest.fixture
def studie(cli) -> Path:
    folder = cli.folder
    sources = folder / "transcripts"
    (sources / "codings").mkdir(parents=True)
    (sources / "survey").mkdir()
    for name in ("U01", "U02"):
        (sources / f"{name}.txt").write_text(INTERVIEW.format(name=name), encoding="utf-8")
    (sources / "codings" / "bram.csv").write_text(CODINGS, encoding="utf-8")
    _survey(sources / "survey" / "enquete.xlsx")
    (folder.parent / "codeboek.yaml").write_text(CODEBOOK, encoding="utf-8")
    for command in (("init",), ("codebook", "load", str(folder.parent / "codeboek.yaml")),
                    ("import", str(sources), "--interviewer", "Interviewer", "--allow-duplicate"),  # one text, two names
                    ("codings", "import", str(sources / "codings" / "bram.csv"))):
        result = cli(*command)
        assert result.exit_code == 0, result.output
    return folder


def _said(result) -> str:
    return " ".join(result.output.split())


def _dump(folder: Path) -> list[str]:
    with Project.open(folder) as project:
        return database_dump(project)


@pytest.mark.parametrize("writer", list(WRITERS))
def test_no_command_writes_over_a_codings_sheet_the_project_imported(studie, cli, writer):
    sheet = studie / "transcripts" / "codings" / "bram.csv"
    before = _dump(studie)
    result = cli(*WRITERS[writer], str(sheet))
    assert result.exit_code == 1, result.output
    assert "a codings sheet the project imported" in _said(result) or writer == "chart"  # .csv is no chart format
    assert "Traceback" not in result.output
    assert sheet.read_text(encoding="utf-8") == CODINGS and _dump(studie) == before
    assert not list(sheet.parent.glob(".*qcode-tmp*"))


def test_the_sheet_is_remembered_relative_to_the_project_and_protected_in_a_copy(studie, cli, tmp_path):
    with sqlite3.connect(studie / "qcode.db") as conn:
        assert conn.execute("SELECT path, kind FROM imported_files").fetchall() == [
            ("transcripts/codings/bram.csv", "codings")]
    copy = Path(shutil.copytree(studie, tmp_path / "kopie"))
    result = cli("--project", str(copy), "fragments", "-o", str(copy / "transcripts" / "codings" / "bram.csv"),
                 project=False)
    assert result.exit_code == 1 and "codings sheet" in _said(result)


def test_a_failed_codings_import_records_nothing(studie, cli):
    bad = studie / "transcripts" / "codings" / "anna.csv"
    bad.write_text("transcript,text,code,coder\nU01,Vooral de werkdruk.,bestaat-niet,anna\n", encoding="utf-8")
    assert cli("codings", "import", str(bad)).exit_code == 1
    with sqlite3.connect(studie / "qcode.db") as conn:
        assert ("transcripts/codings/anna.csv",) not in conn.execute("SELECT path FROM imported_files").fetchall()


def test_a_survey_sheet_the_project_imported_is_protected(studie, cli):
    survey = studie / "transcripts" / "survey" / "enquete.xlsx"
    assert cli("import", str(survey), "--id-column", "respondent", "--text-column", "antwoord").exit_code == 0
    raw = survey.read_bytes()
    result = cli("fragments", "-o", str(survey))
    assert result.exit_code == 1 and "a file the project imported" in _said(result)
    assert survey.read_bytes() == raw


def test_another_projects_input_among_our_transcripts_is_kept(studie, cli, tmp_path):
    """exports/enquete imported the survey sheet; this project cannot know, but the sheet lies in its transcripts/."""
    survey = studie / "transcripts" / "survey" / "enquete.xlsx"
    other = studie / "exports" / "enquete"
    for command in (("init",), ("import", str(survey), "--id-column", "respondent", "--text-column", "antwoord")):
        assert cli("--project", str(other), *command, project=False).exit_code == 0
    raw = survey.read_bytes()
    for target in (survey, studie / "transcripts" / "notities.csv"):
        target.write_bytes(raw) if target != survey else None
        result = cli("codings", "export", "--format", "xlsx", "-o", str(target))
        assert result.exit_code == 1, result.output
        assert "among the transcripts the project imported" in _said(result)
        assert target.read_bytes() == raw


def test_exports_and_new_files_are_written_as_always(studie, cli):
    for _ in range(2):  # last week's export is replaced
        assert cli("codings", "export", "-o", str(studie / "exports" / "codings.csv")).exit_code == 0
        assert cli("fragments", "-o", str(studie / "overzicht.csv")).exit_code == 0
    new = studie / "transcripts" / "codings" / "bram-export.csv"  # a new file: nothing to lose
    assert cli("codings", "export", "-o", str(new)).exit_code == 0 and new.exists()
    pictures = studie / "transcripts" / "grafiek.png"  # not a kind of file qcode reads
    for _ in range(2):
        assert cli("chart", "--coder", "bram", "-o", str(pictures)).exit_code == 0


def test_transcripts_in_the_project_folder_leave_its_other_files_writable(cli, tmp_path):
    folder = cli.folder
    folder.mkdir()
    (folder / "U01.txt").write_text(INTERVIEW.format(name="U01"), encoding="utf-8")
    (folder / "oud.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert cli("init").exit_code == 0
    assert cli("import", str(folder / "U01.txt"), "--interviewer", "Interviewer").exit_code == 0
    result = cli("fragments", "-o", str(folder / "oud.csv"))
    assert result.exit_code == 0, result.output
    assert cli("fragments", "-o", str(folder / "U01.txt")).exit_code == 1  # the transcript itself stays


def test_matrix_checks_its_second_file_before_writing_the_first(studie, cli, tmp_path):
    survey = tmp_path / "enq-2.xlsx"
    _survey(survey)
    assert cli("import", str(survey), "--id-column", "respondent", "--text-column", "antwoord").exit_code == 0
    raw, before = survey.read_bytes(), _dump(studie)
    result = cli("matrix", "--coder", "bram", "--cooccurrence", "--format", "xlsx", "-o", str(tmp_path / "enq.xlsx"))
    assert result.exit_code == 1 and "a file the project imported" in _said(result)
    assert not (tmp_path / "enq.xlsx").exists() and survey.read_bytes() == raw and _dump(studie) == before


def test_matrix_writes_both_files_when_both_may_be_written(studie, cli, tmp_path):
    result = cli("matrix", "--coder", "bram", "--cooccurrence", "--format", "csv", "-o", str(tmp_path / "m.csv"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.csv").exists() and (tmp_path / "m-2.csv").exists()


def test_a_report_with_a_chart_writes_everything_or_nothing(studie, cli):
    texts = studie / "exports" / "tekst"
    texts.mkdir(parents=True)
    texts.chmod(0o555)  # the own texts cannot be made
    try:
        result = cli("report", "--coder", "bram", "--charts", "-o", str(studie / "exports" / "rapport.md"))
    finally:
        texts.chmod(0o755)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert sorted(p.name for p in (studie / "exports").iterdir()) == ["tekst"]
    assert not list(texts.iterdir())


def test_importing_the_same_sheet_again_changes_nothing(studie, cli):
    before = _dump(studie)
    assert cli("codings", "import", str(studie / "transcripts" / "codings" / "bram.csv")).exit_code == 0
    assert _dump(studie) == before


@pytest.mark.parametrize("name", ["qcode.db", "qcode.db-wal", "archief.sqlite"])
def test_another_projects_database_is_never_written_over(studie, cli, tmp_path, name):
    other = tmp_path / "ander"
    assert cli("--project", str(other), "init", project=False).exit_code == 0
    target = other / name
    if name != "qcode.db":
        target.write_bytes((other / "qcode.db").read_bytes() if name.endswith(".sqlite") else b"\0" * 32)
    raw = target.read_bytes()
    result = cli("codings", "export", "--format", "csv", "-o", str(target))
    assert result.exit_code == 1 and "a database" in _said(result), result.output
    assert target.read_bytes() == raw
