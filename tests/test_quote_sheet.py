"""The quote sheet as the researcher's desk: export, edit in Excel (openpyxl) or as .csv, import, report follows."""
from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from typer.testing import CliRunner

from qcode import quote_choice
from qcode.cli import app
from qcode.errors import InputError

from conftest import database_dump
from quote_study import coding_id, fragment, open_study


@pytest.fixture
def study(tmp_path):
    project = open_study(tmp_path)
    ids = {
        "computer": fragment(project, "P01", "achter de computer"),
        "fabriek": fragment(project, "P01", "alsof het een fabriek"),
        "helft": fragment(project, "P02", "de helft van mijn week"),
        "cijfers": fragment(project, "P02", "moe werd van de cijfers"),
        "kwartaal": fragment(project, "P03", "elk kwartaal"),
        "rapporteren": fragment(project, "P04", "Het rapporteren"),
        "senior": fragment(project, "P03", "senior worden"),
    }
    project.assign(ids["computer"], ["werkdruk-registratie"], "anna", main=True)
    project.assign(ids["helft"], ["werkdruk-registratie"], "anna")
    project.assign(ids["cijfers"], ["werkdruk-registratie"], "anna", star=True)
    project.assign(ids["rapporteren"], ["werkdruk-registratie"], "anna")
    project.assign(ids["fabriek"], ["werkdruk-productie"], "anna")
    project.assign(ids["kwartaal"], ["werkdruk-productie"], "anna")
    project.assign(ids["senior"], ["doorgroei"], "anna")
    project.ids = ids
    yield project
    project.close()


def run(project, *args):
    return CliRunner().invoke(app, ["--project", str(project.root), *args], catch_exceptions=False)


def registratie(project) -> list[int]:
    return [q.fragment_id for q in quote_choice.choose(project.conn, "anna", "werkdruk-registratie")]


def sheet_rows(path, title="alle") -> tuple[list[str], list[list]]:
    sheet = openpyxl.load_workbook(path)[title]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return rows[0], rows[1:]


def set_cells(path, changes: dict[int, dict[str, object]], title="alle") -> None:
    """Change cells of the rows of these codings, as a researcher does in Excel, and save."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[title]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        coding = row[header.index("coding")].value
        for column, value in changes.get(coding, {}).items():
            row[header.index(column)].value = value
    workbook.save(path)


EDIT = "Op een gegeven moment zat ik meer achter de computer dan bij de gezinnen […] Dat was voor mij de druppel."
EDIT_2 = "[De registratie] nam echt de helft van mijn week in beslag …"


def test_export_shows_how_the_report_prints_each_quote(study, tmp_path):
    f = study.ids
    assert run(study, "export", "quotes", "--coder", "anna", "-o", str(tmp_path / "citaten.xlsx")).exit_code == 0
    header, rows = sheet_rows(tmp_path / "citaten.xlsx")
    assert {"opnemen", "volgorde", "citaat", "coding", "text"} <= set(header)
    by_coding = {row[header.index("coding")]: dict(zip(header, row)) for row in rows}
    cijfers = by_coding[coding_id(study, f["cijfers"], "werkdruk-registratie")]
    assert (cijfers["opnemen"], cijfers["volgorde"], cijfers["citaat"]) == ("ja", 1, cijfers["text"])
    computer = by_coding[coding_id(study, f["computer"], "werkdruk-registratie")]
    assert (computer["opnemen"], computer["volgorde"]) == ("ja", 2)
    assert by_coding[coding_id(study, f["helft"], "werkdruk-registratie")]["volgorde"] == 4
    assert len(by_coding) == 7
    # the theme's own sheet has the same columns
    theme_header, theme_rows = sheet_rows(tmp_path / "citaten.xlsx", "Werkdruk")
    assert theme_header == header and len(theme_rows) == 6


def test_edit_in_excel_import_and_the_report_follows_and_reexport_keeps_it(study, tmp_path):
    f = study.ids
    sheet = tmp_path / "citaten.xlsx"
    run(study, "export", "quotes", "--coder", "anna", "-o", str(sheet))
    ids = {name: coding_id(study, f[name], "werkdruk-registratie") for name in ("computer", "helft", "cijfers",
                                                                                "rapporteren")}
    set_cells(sheet, {ids["cijfers"]: {"opnemen": "nee", "volgorde": None},
                      ids["helft"]: {"volgorde": 1, "citaat": EDIT_2},
                      ids["computer"]: {"volgorde": 2, "citaat": EDIT},
                      ids["rapporteren"]: {"volgorde": 3}})
    result = run(study, "quotes", "import", str(sheet), "--by", "lies")
    assert result.exit_code == 0, result.output
    # the code with changes is now wholly the researcher's; the other codes' quotes keep qcode's default
    assert "Read 7 quotes" in result.output and "4 decisions changed, 3 as they were" in result.output
    assert "2 quotes edited" in result.output
    chosen = quote_choice.choose(study.conn, "anna", "werkdruk-registratie")
    assert [q.fragment_id for q in chosen] == [f["helft"], f["computer"], f["rapporteren"]]
    assert [q.text for q in chosen[:2]] == [EDIT_2, EDIT]
    assert chosen[1].original.count("drie systemen") == 1  # the coded words stay as they were
    assert quote_choice.by_coding(study.conn, ids["cijfers"]).included is False

    again = run(study, "quotes", "import", str(sheet), "--by", "lies")
    assert "0 decisions changed" in again.output  # idempotent
    log = study.conn.execute("SELECT coder, detail FROM coding_log WHERE action = 'quote decision'").fetchall()
    assert len(log) == 4 and {who for who, _ in log} == {"lies"}
    assert "computer" not in " ".join(detail for _, detail in log)

    sheet.unlink()
    run(study, "export", "quotes", "--coder", "anna", "-o", str(sheet))
    header, rows = sheet_rows(sheet)
    kept = {row[header.index("coding")]: dict(zip(header, row)) for row in rows}
    assert kept[ids["cijfers"]]["opnemen"] == "nee" and kept[ids["cijfers"]]["volgorde"] is None
    assert (kept[ids["computer"]]["volgorde"], kept[ids["computer"]]["citaat"]) == (2, EDIT)
    assert kept[ids["computer"]]["text"].count("drie systemen") == 1
    assert "0 decisions changed" in run(study, "quotes", "import", str(sheet)).output


def test_an_edit_on_the_themes_own_worksheet_counts(study, tmp_path):
    sheet = tmp_path / "citaten.xlsx"
    run(study, "export", "quotes", "--coder", "anna", "-o", str(sheet))
    coding = coding_id(study, study.ids["kwartaal"], "werkdruk-productie")
    set_cells(sheet, {coding: {"opnemen": "nee"}}, title="Werkdruk")
    assert run(study, "quotes", "import", str(sheet)).exit_code == 0
    assert study.ids["kwartaal"] not in [q.fragment_id for q in
                                         quote_choice.choose(study.conn, "anna", "werkdruk-productie")]
    # the two worksheets disagreeing, both changed by the researcher: refused, nothing written
    set_cells(sheet, {coding: {"opnemen": "ja", "volgorde": 3}}, title="alle")
    set_cells(sheet, {coding: {"opnemen": "ja", "volgorde": 2}}, title="Werkdruk")
    before = database_dump(study)
    result = run(study, "quotes", "import", str(sheet))
    assert result.exit_code == 1
    assert f"say different things about coding {coding}" in " ".join(result.output.split())
    assert database_dump(study) == before


def test_csv_round_trip(study, tmp_path):
    sheet = tmp_path / "citaten.csv"
    run(study, "export", "quotes", "--coder", "anna", "-o", str(sheet))
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    coding = str(coding_id(study, study.ids["fabriek"], "werkdruk-productie"))
    for row in rows:
        if row["coding"] == coding:
            row["citaat"] = "En dan werd er ook nog geteld hoeveel trajecten je per maand afsloot […]"
            row["volgorde"] = "1"
        elif row["code"] == "werkdruk-productie":
            row["volgorde"] = "2"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run(study, "quotes", "import", str(sheet), "--json")
    assert json.loads(result.output)["changed"] == 2  # the two quotes of the code with a change
    [first, second] = quote_choice.choose(study.conn, "anna", "werkdruk-productie")
    assert first.fragment_id == study.ids["fabriek"] and first.text.endswith("afsloot […]") and first.edited


def test_refused_rows_are_all_listed_and_nothing_is_written(study, tmp_path):
    sheet = tmp_path / "citaten.xlsx"
    run(study, "export", "quotes", "--coder", "anna", "-o", str(sheet))
    f = study.ids
    header, rows = sheet_rows(sheet)
    row_of = {row[header.index("coding")]: number for number, row in enumerate(rows, start=2)}
    changed = coding_id(study, f["computer"], "werkdruk-registratie")
    reordered = coding_id(study, f["fabriek"], "werkdruk-productie")
    unsure = coding_id(study, f["helft"], "werkdruk-registratie")
    set_cells(sheet, {changed: {"citaat": "Op een gegeven moment zat ik vaker achter de computer"},
                      reordered: {"citaat": "alsof het een fabriek was […] En dan werd er ook nog geteld"},
                      unsure: {"opnemen": "misschien", "volgorde": "eerste"}})
    before = database_dump(study)
    result = run(study, "quotes", "import", str(sheet))
    output = " ".join(result.output.split())
    assert result.exit_code == 1 and "nothing was imported" in output
    assert f"(row {row_of[changed]}): on sheet 'alle': the edited quote of fragment {f['computer']}" in output
    assert "is refused: word 7 ('vaker', character 30) is not the participant's next word" in output
    assert f"(row {row_of[reordered]})" in output and "word 6 ('En', character 31)" in output
    assert f"(row {row_of[unsure]}): on sheet 'alle': opnemen must be ja or nee, not 'misschien'" in output
    assert "Traceback" not in result.output and "gezinnen" not in output
    assert database_dump(study) == before


def test_the_text_column_is_not_for_edits(study, tmp_path):
    sheet = tmp_path / "citaten.xlsx"
    run(study, "export", "quotes", "--coder", "anna", "-o", str(sheet))
    coding = coding_id(study, study.ids["kwartaal"], "werkdruk-productie")
    set_cells(sheet, {coding: {"text": "Wij moesten elk kwartaal laten zien […]"}})
    result = run(study, "quotes", "import", str(sheet))
    assert result.exit_code == 1 and "goes in the 'citaat' column" in " ".join(result.output.split())


def test_a_coding_removed_after_a_decision_warns_and_a_stale_sheet_row_is_named(study, tmp_path):
    sheet = tmp_path / "citaten.xlsx"
    run(study, "export", "quotes", "--coder", "anna", "-o", str(sheet))
    coding = coding_id(study, study.ids["kwartaal"], "werkdruk-productie")
    set_cells(sheet, {coding: {"citaat": "[…] elk kwartaal laten zien […]"}})
    assert run(study, "quotes", "import", str(sheet)).exit_code == 0
    study.unassign(study.ids["kwartaal"], ["werkdruk-productie"], "anna")
    [warning] = quote_choice.stale_decisions(study.conn)
    assert warning.coding_id == coding
    assert study.ids["kwartaal"] not in registratie(study)
    assert run(study, "export", "quotes", "--coder", "anna", "-o", str(tmp_path / "nieuw.xlsx")).exit_code == 0
    result = run(study, "quotes", "import", str(sheet))  # the old sheet still has the removed coding
    assert result.exit_code == 1 and f"coding {coding} no longer exists" in " ".join(result.output.split())
    fresh = run(study, "quotes", "import", str(tmp_path / "nieuw.xlsx"))
    assert fresh.exit_code == 0 and f"the quote decision for coding {coding}" in " ".join(fresh.output.split())


def test_a_sheet_without_the_columns_is_refused(study, tmp_path):
    sheet = tmp_path / "codings.csv"
    sheet.write_text("fragment,code\n1,werkdruk\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'coding' column"):
        study.import_quotes(sheet)
    sheet.write_text("coding,text\n1,iets\n", encoding="utf-8")
    with pytest.raises(InputError, match="none of the columns opnemen, volgorde and citaat"):
        study.import_quotes(sheet)


def test_the_report_prints_the_sheets_choices_and_check_warns(study, tmp_path):
    f = study.ids
    long_answer = fragment(study, "P05", "de das omgedaan")
    study.assign(long_answer, ["werkdruk-registratie"], "anna")
    sheet = tmp_path / "citaten.xlsx"
    run(study, "export", "quotes", "--coder", "anna", "-o", str(sheet))
    computer = coding_id(study, f["computer"], "werkdruk-registratie")
    kwartaal = coding_id(study, f["kwartaal"], "werkdruk-productie")
    set_cells(sheet, {computer: {"citaat": EDIT},
                      coding_id(study, f["cijfers"], "werkdruk-registratie"): {"opnemen": "nee"},
                      kwartaal: {"citaat": "[…] elk kwartaal laten zien […]"}})
    assert run(study, "quotes", "import", str(sheet)).exit_code == 0
    study.unassign(f["kwartaal"], ["werkdruk-productie"], "anna")

    assert run(study, "report", "--coder", "anna").exit_code == 0
    report = (study.root / "exports" / "rapport.md").read_text(encoding="utf-8")
    assert "achter de computer dan bij de gezinnen \\[…\\] Dat was voor mij de druppel" in report
    assert "drie systemen" not in report and "moe werd van de cijfers" not in report and "★" not in report

    check = " ".join(run(study, "report", "--coder", "anna", "--check").output.split())
    long_coding = coding_id(study, long_answer, "werkdruk-registratie")
    assert f"quote {long_coding} (P05, werkdruk-registratie) has 146 words, more than 120" in check
    assert f"the quote decision for coding {kwartaal}" in check and "no longer exists" in check


def test_writing_1_puts_a_quote_first_without_renumbering_the_others(study, tmp_path):
    f = study.ids
    sheet = tmp_path / "citaten.csv"
    run(study, "export", "quotes", "--coder", "anna", "-o", str(sheet))
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    last = coding_id(study, f["helft"], "werkdruk-registratie")
    assert [row["volgorde"] for row in rows if row["coding"] == str(last)] == ["4"]
    for row in rows:
        if row["coding"] == str(last):
            row["volgorde"] = "1"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert run(study, "quotes", "import", str(sheet)).exit_code == 0
    assert registratie(study) == [f["helft"], f["cijfers"], f["computer"], f["rapporteren"]]
    assert [q.decided_order for q in quote_choice.choose(study.conn, "anna", "werkdruk-registratie")] == [1, 2, 3, 4]
