"""Survey answers are never replaced by another column of the same sheet (issue 11, item 10)."""
from __future__ import annotations

from pathlib import Path

import pytest

from qcode import Project

from conftest import database_dump

SHEET = (
    "respondent;functie;V12;V17\n"
    "R1;jongerenwerker;Geen doorgroeimogelijkheden meer.;Meer ruimte voor scholing.\n"
    "R2;opbouwwerker;De registratiedruk werd te hoog.;Minder formulieren.\n"
    "R3;buurtwerker;;Een vaste collega naast me.\n"
)


def _sheet(folder: Path, text: str = SHEET, name: str = "enquete.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(cli, sheet: Path, column: str, *extra: str):
    return cli("import", str(sheet), "--id-column", "respondent", "--text-column", column, *extra)


@pytest.fixture
def survey_cli(cli):
    assert cli("init", str(cli.folder), project=False).exit_code == 0
    return cli


def test_a_second_column_of_the_same_sheet_is_refused_and_nothing_changes(survey_cli, tmp_path):
    sheet = _sheet(tmp_path / "data")
    assert _import(survey_cli, sheet, "V12").exit_code == 0
    with Project.open(survey_cli.folder) as project:
        before = database_dump(project)
    result = _import(survey_cli, sheet, "V17")
    assert result.exit_code == 1
    assert "enquete.csv" in result.output and "'V12'" in result.output and "'V17'" in result.output
    assert "project of its own" in result.output and "Traceback" not in result.output
    with Project.open(survey_cli.folder) as project:
        assert database_dump(project) == before
        answers = [f.text for f in project.fragments()]
    assert answers == ["Geen doorgroeimogelijkheden meer.", "De registratiedruk werd te hoog."]


def test_skip_bad_skips_the_sheet_with_the_reason(survey_cli, tmp_path):
    sheet = _sheet(tmp_path / "data")
    _import(survey_cli, sheet, "V12")
    result = _import(survey_cli, sheet, "V17", "--skip-bad")
    assert result.exit_code == 0 and "'V12'" in result.output
    with Project.open(survey_cli.folder) as project:
        assert [f.text for f in project.fragments()][0] == "Geen doorgroeimogelijkheden meer."


def test_the_same_column_again_is_idempotent_and_an_edited_answer_updates(survey_cli, tmp_path):
    sheet = _sheet(tmp_path / "data")
    _import(survey_cli, sheet, "V12")
    with Project.open(survey_cli.folder) as project:
        before = database_dump(project)
    assert _import(survey_cli, sheet, "V12").exit_code == 0
    with Project.open(survey_cli.folder) as project:
        assert database_dump(project) == before
    _sheet(tmp_path / "data", SHEET.replace("te hoog.", "veel te hoog."))
    result = _import(survey_cli, sheet, "V12", "--json")
    assert result.exit_code == 0, result.output
    with Project.open(survey_cli.folder) as project:
        assert [f.text for f in project.fragments()][1] == "De registratiedruk werd veel te hoog."


def test_another_sheet_file_may_use_another_column(survey_cli, tmp_path):
    _import(survey_cli, _sheet(tmp_path / "data"), "V12")
    assert _import(survey_cli, _sheet(tmp_path / "data", name="enquete-2.csv"), "V17").exit_code == 0


def test_sheets_imported_before_the_column_was_recorded(survey_cli, tmp_path):
    """An older qcode stored no column: an unchanged answer shows it was this one, and it is recorded."""
    sheet = _sheet(tmp_path / "data")
    _import(survey_cli, sheet, "V12")
    with Project.open(survey_cli.folder) as project:
        project.conn.execute("UPDATE transcripts SET text_column = NULL")
    result = _import(survey_cli, sheet, "V17")
    assert result.exit_code == 1 and "another column" in result.output
    assert _import(survey_cli, sheet, "V12").exit_code == 0
    with Project.open(survey_cli.folder) as project:
        assert {row[0] for row in project.conn.execute("SELECT text_column FROM transcripts")} == {"V12"}
    assert "'V12'" in _import(survey_cli, sheet, "V17").output


def test_xlsx_sheet_columns_are_kept_apart_too(survey_cli, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for line in SHEET.splitlines():
        book.active.append([cell or None for cell in line.split(";")])
    path = tmp_path / "enquete.xlsx"
    book.save(path)
    assert _import(survey_cli, path, "V17").exit_code == 0
    result = _import(survey_cli, path, "V12")
    assert result.exit_code == 1 and "'V17'" in result.output
