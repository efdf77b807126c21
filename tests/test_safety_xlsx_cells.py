"""Excel cells read as the researcher sees them in Excel, or a clear error: formulas without a saved
value, dates, numbers, a stale sheet size and a header below empty rows.
"""
from __future__ import annotations

import datetime
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import database_dump
from office_files import write_zip
from qcode import Project

SURVEY = ["--id-column", "respondent", "--text-column", "antwoord"]
SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         '<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>')


def workbook(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Enquête"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def with_sheet_xml(path: Path, rows: str, dimension: str = "A1:C3") -> Path:
    """The workbook at `path` with its first sheet replaced by hand-written rows (inline strings)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = SHEET.format(dimension=dimension, rows=rows)
    return write_zip(path, parts)


def text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


@pytest.fixture
def project_folder(cli):
    cli("init", str(cli.folder), project=False)
    return cli.folder


def dump(cli) -> list[str]:
    with Project.open(cli.folder) as project:
        return database_dump(project)


def survey_rows(cli) -> dict[str, tuple[str, dict]]:
    with Project.open(cli.folder) as project:
        rows = project.conn.execute(
            "SELECT p.id, t.text, p.attributes FROM transcripts t JOIN participants p ON p.id = t.participant_id")
        return {pid: (stored.split("\n\n", 1)[1], json.loads(attributes)) for pid, stored, attributes in rows}


def test_a_formula_without_a_saved_value_is_an_error_naming_sheet_and_cell(cli, project_folder, tmp_path):
    sheet = workbook(tmp_path / "enquete.xlsx", [
        ["respondent", "voornaam", "antwoord"],
        ["R01", "Sanne", "De werkdruk was te hoog."],
        ["R02", "Femke", '=B3&" vond het team te klein."'],  # written by a script: no value saved
    ])
    before = dump(cli)
    result = cli("import", *SURVEY, str(sheet))
    assert result.exit_code == 1 and "Traceback" not in result.output
    flat = " ".join(result.output.split())
    assert "enquete.xlsx (row 3)" in flat and "cell C3" in flat and "'Enquête'" in flat
    assert "open the file in Excel or LibreOffice and save it" in flat
    assert dump(cli) == before
    assert cli("import", "--skip-bad", *SURVEY, str(sheet)).exit_code == 0
    assert dump(cli) == before


def test_formula_cells_with_a_saved_value_read_the_value(cli, project_folder, tmp_path):
    rows = ('<row r="1">' + text("A1", "respondent") + text("B1", "antwoord") + text("C1", "woorden") + "</row>"
            '<row r="2">' + text("A2", "R01") + '<c r="B2" t="str"><f>"Te veel "&amp;"administratie."</f>'
            '<v>Te veel administratie.</v></c><c r="C2"><f>LEN(B2)-LEN(SUBSTITUTE(B2," ",""))+1</f><v>3</v></c></row>'
            '<row r="3">' + text("A3", "R02") + text("B3", "Geen waardering.") + '<c r="C3"><f>C2-1</f><v>2</v></c></row>')
    sheet = with_sheet_xml(workbook(tmp_path / "enquete.xlsx", [["x"]]), rows)
    result = cli("import", *SURVEY, str(sheet))
    assert result.exit_code == 0, result.output
    read = survey_rows(cli)
    assert read["R01"] == ("R01: Te veel administratie.", {"woorden": 3})
    assert read["R02"] == ("R02: Geen waardering.", {"woorden": 2})


def test_dates_times_durations_and_numbers_become_what_excel_shows(cli, project_folder, tmp_path):
    sheet = workbook(tmp_path / "enquete.xlsx", [
        ["respondent", "antwoord", "ingevuld", "tijdstip", "gestart om", "duur", "score", "jaren"],
        ["R01", "Te druk.", datetime.date(2026, 3, 5), datetime.datetime(2026, 3, 5, 14, 30),
         datetime.time(9, 15), datetime.timedelta(hours=26, minutes=5), 0.1 + 0.2, 12.0],
    ])
    assert cli("import", *SURVEY, str(sheet)).exit_code == 0
    _, attributes = survey_rows(cli)["R01"]
    assert attributes == {"ingevuld": "2026-03-05", "tijdstip": "2026-03-05 14:30:00", "gestart om": "09:15:00",
                          "duur": "26:05:00", "score": 0.3, "jaren": 12}


def test_rows_beyond_a_stale_sheet_size_are_read(cli, project_folder, tmp_path):
    """Scripts often leave the sheet's stored size (<dimension>) wrong; every row still counts."""
    rows = "".join(f'<row r="{n}">' + text(f"A{n}", f"R{n:02d}") + text(f"B{n}", f"Antwoord {n}.") + "</row>"
                   for n in range(2, 6))
    header = '<row r="1">' + text("A1", "respondent") + text("B1", "antwoord") + "</row>"
    sheet = with_sheet_xml(workbook(tmp_path / "enquete.xlsx", [["x"]]), header + rows, dimension="A1:B2")
    assert cli("import", *SURVEY, str(sheet)).exit_code == 0
    assert sorted(survey_rows(cli)) == ["R02", "R03", "R04", "R05"]


def test_a_header_below_empty_rows_is_found_and_rows_keep_excel_numbers(cli, project_folder, tmp_path):
    sheet = workbook(tmp_path / "enquete.xlsx", [
        [], [], ["respondent", "antwoord"], ["R01", "Te druk."], ["R01", "Nog een keer."]])
    result = cli("import", *SURVEY, str(sheet))
    assert result.exit_code == 1
    assert "enquete.xlsx (row 5): respondent id 'R01' appears twice (first in row 4)" in " ".join(result.output.split())


def test_a_participants_sheet_with_an_uncalculated_formula_is_refused(cli, project_folder, tmp_path):
    folder = tmp_path / "transcripten"
    folder.mkdir()
    (folder / "U01.txt").write_text("Interviewer: Hoe gaat het?\nRespondent: Goed.\n", encoding="utf-8")
    workbook(folder / "participants.xlsx", [["participant", "transcript", "leeftijd"],
                                            ["P01", "U01.txt", "=2026-1990"]])
    before = dump(cli)
    result = cli("import", str(folder))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "participants.xlsx (row 2)" in result.output and "cell C2" in result.output
    assert dump(cli) == before


def test_a_codings_sheet_with_an_uncalculated_formula_is_refused(cli, project_folder, tmp_path):
    folder = tmp_path / "transcripten"
    folder.mkdir()
    (folder / "U01.txt").write_text("Interviewer: Hoe gaat het?\nRespondent: Goed.\n", encoding="utf-8")
    assert cli("import", str(folder)).exit_code == 0
    sheet = workbook(tmp_path / "codes.xlsx", [["fragment", "code", "coder"], ["=1+1", "werkdruk", "anna"]])
    before = dump(cli)
    result = cli("codings", "import", str(sheet))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "codes.xlsx (row 2)" in result.output and "cell A2" in result.output
    assert dump(cli) == before
