"""Output that fits where it goes: the matrix at 80 columns, well-made sheets, Dutch CSV, help and names."""
from __future__ import annotations

import re
import shutil

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from qcode import Project
from qcode.cli import app
from qcode.cli.common import console

from conftest import REPO

NAMES = ["Sanne", "Ahmed", "Fenna", "Joris", "Marloes", "Youssef", "Ilse", "Bas", "Naima", "Ruben"]
ANSWERS = [
    "Door de werkdruk, eerlijk gezegd. Ik had veertig gezinnen op mijn caseload.",
    "Ik miste steun van mijn leidinggevende toen het thuis niet goed ging.",
    "Er was geen doorgroei: na zes jaar deed ik nog steeds hetzelfde werk.",
    "Een cliënt heeft me bedreigd en daarna vroeg niemand hoe het met me ging.",
]
PARTICIPANTS = 30


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """30 participants, each coded with several of the 13 themes and one main reason."""
    root = tmp_path_factory.mktemp("wide")
    folder = root / "transcripten"
    folder.mkdir()
    for number in range(1, PARTICIPANTS + 1):
        name = NAMES[number % len(NAMES)]
        (folder / f"P{number:02d}.txt").write_text(
            f"Interviewer: Waarom ben je gestopt?\n\n{name}: Ik werkte er {number + 1} jaar. {ANSWERS[number % 4]}\n\n"
            f"Interviewer: Wat had je kunnen houden?\n\n{name}: {ANSWERS[(number + 1) % 4]}\n", encoding="utf-8")
    project = Project.init(root / "studie")
    project.load_codebook(REPO / "codebooks" / "exitstudie.yaml")
    project.import_paths([folder])
    themes = [node.id for node in project.codebook_tree()]
    expected = {}
    for number in range(1, PARTICIPANTS + 1):
        participant = f"P{number:02d}"
        fragment = project.fragments(participant=participant, role="participant")[0].id
        mentioned = [t for i, t in enumerate(themes) if (number + i) % 3 != 0]
        main = mentioned[number % len(mentioned)]
        project.assign(fragment, mentioned, "tess")
        project.assign(fragment, [main], "tess", main=True)
        expected.update({(t, participant): "H" if t == main else "✓" for t in mentioned})
        project.assign(fragment, [themes[number % 2]], "ruud")
    project.close()
    return root / "studie", themes, expected


def run(folder, *args, width: int = 80, monkeypatch=None):
    monkeypatch.setattr(console, "width", width)
    return CliRunner().invoke(app, ["--project", str(folder), *args], catch_exceptions=False)


def test_the_matrix_at_80_columns_keeps_every_mark_in_parts_that_fit(wide, monkeypatch):
    folder, themes, expected = wide
    result = run(folder, "matrix", "--coder", "tess", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert "part 1 of" in result.output
    # every participant is a column header once, with its marks under it in the same column
    labels = {node.id: node.label for node in Project.open(folder).codebook_tree()}
    found, columns = {}, []
    for line in lines:
        if re.search(r"┃ code", line):
            columns = re.findall(r"P\d\d", line)
        elif line.startswith("│"):
            label, *marks = [c.strip() for c in line.strip("│").split("│")]
            theme = next(t for t in themes if labels[t].startswith(label.rstrip("…")))
            found.update({(theme, p): mark for p, mark in zip(columns, marks, strict=True) if mark != "·"})
    headers = re.findall(r"┃ code.*", result.output)
    assert sorted(p for h in headers for p in re.findall(r"P\d\d", h)) == [f"P{n:02d}" for n in range(1, 31)]
    assert found == expected
    assert "✓ mentioned   H main reason   · not mentioned" in result.output
    assert "1 mentioned" not in result.output  # the sheet's legend of numbers is not shown beside symbols


def test_the_matrix_by_attribute_and_cooccurrence_fit_with_a_key(wide, monkeypatch):
    folder, themes, _ = wide
    result = run(folder, "matrix", "--coder", "tess", "--cooccurrence", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert max(cell_len(line) for line in result.output.splitlines()) <= 80
    assert f"{len(themes):>2}  " in result.output  # the key to numbered columns
    assert "…" not in "".join(line for line in result.output.splitlines() if line.startswith("┃"))


def test_a_terminal_too_narrow_for_any_column_says_to_write_a_sheet(wide, monkeypatch):
    folder, _, _ = wide
    result = run(folder, "matrix", "--coder", "tess", width=14, monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert "--format xlsx" in result.output


# -- sheets --------------------------------------------------------------------------------------
def test_every_xlsx_is_a_well_made_sheet(wide, tmp_path, monkeypatch):
    import openpyxl

    folder, themes, _ = wide
    outputs = {"fragments": tmp_path / "fragmenten.xlsx", "matrix": tmp_path / "matrix.xlsx",
               "codings": tmp_path / "codings-tess.xlsx"}
    assert run(folder, "fragments", "-o", str(outputs["fragments"]), monkeypatch=monkeypatch).exit_code == 0
    assert run(folder, "matrix", "--coder", "tess", "--format", "xlsx", "-o", str(outputs["matrix"]),
               monkeypatch=monkeypatch).exit_code == 0
    assert run(folder, "codings", "export", "--coder", "tess", "-o", str(outputs["codings"]),
               monkeypatch=monkeypatch).exit_code == 0
    for kind, path in outputs.items():
        sheet = openpyxl.load_workbook(path).worksheets[0]
        assert sheet.title == path.stem
        assert sheet.freeze_panes == ("B2" if kind == "matrix" else "A2")
        assert sheet.auto_filter.ref == sheet.dimensions
        assert all(cell.font.bold for cell in sheet[1])
        widths = {sheet.cell(1, i).value: sheet.column_dimensions[sheet.cell(1, i).column_letter].width
                  for i in range(1, sheet.max_column + 1)}
        assert all(6 <= width <= 60 for width in widths.values()), widths
    fragments = openpyxl.load_workbook(outputs["fragments"]).worksheets[0]
    text = [c.value for c in fragments[1]].index("text") + 1
    assert fragments.column_dimensions[fragments.cell(1, text).column_letter].width == 60
    assert fragments.cell(2, text).alignment.wrap_text  # long answers wrap in their column
    matrix = openpyxl.load_workbook(outputs["matrix"]).worksheets[0]
    assert matrix.cell(2, 2).value in (0, 1, 2)  # counts stay numbers


def test_tab_names_are_shortened_at_a_word_unique_and_without_forbidden_characters(tmp_path):
    import openpyxl

    from qcode.tables import Sheet, sheet_name, write_workbook

    used: set[str] = set()
    names = [sheet_name(title, used) for title in (
        "Agressie en spanning in het contact met cliënten", "Agressie en spanning in het contact met collega's",
        "Werkdruk: caseload / productie?", "history", "HISTORY", "'gequote'", "[]*?:/\\")]
    assert names[0] == "Agressie en spanning in het…"
    assert names[1] == "Agressie en spanning in (2)" or names[1].endswith("(2)")
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)
    assert names[2] == "Werkdruk caseload productie"
    assert names[3] == "History (blad)" and names[4].startswith("History (blad)")
    assert names[5] == "gequote" and names[6] == "blad"
    path = tmp_path / "bladen.xlsx"
    write_workbook([Sheet(n, ["a"], [{"a": 1}]) for n in names], path)  # Excel's own rules: openpyxl checks some
    assert openpyxl.load_workbook(path).sheetnames == names


# -- CSV for Dutch Excel -------------------------------------------------------------------------
def test_csv_dialect_excel_nl_uses_semicolons_decimal_commas_and_a_bom(wide, tmp_path, monkeypatch):
    import csv

    folder, _, _ = wide
    target = tmp_path / "fragmenten.csv"
    assert run(folder, "--csv-dialect", "excel-nl", "fragments", "-o", str(target), monkeypatch=monkeypatch).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0]["participant"] == "P01" and rows[0]["text"] == "Waarom ben je gestopt?"
    assert "," not in rows[0]["start"]
    from qcode.tables import DIALECTS, number_text
    assert number_text(12.5, DIALECTS["excel-nl"]) == "12,5" and number_text(3, DIALECTS["excel-nl"]) == 3
    matrix = tmp_path / "matrix.csv"
    assert run(folder, "--csv-dialect", "excel-nl", "matrix", "--coder", "tess", "--format", "csv", "-o", str(matrix),
               monkeypatch=monkeypatch).exit_code == 0
    assert matrix.read_text(encoding="utf-8-sig").splitlines()[0].startswith("code;P01;P02")


def test_the_project_setting_applies_to_every_csv_until_changed(wide, tmp_path, monkeypatch):
    folder, _, _ = wide
    copy = shutil.copytree(folder, tmp_path / "kopie")
    assert "excel-nl" in run(copy, "settings", "--csv-dialect", "excel-nl", monkeypatch=monkeypatch).output
    run(copy, "codings", "export", "--coder", "tess", "-o", str(tmp_path / "nl.csv"), monkeypatch=monkeypatch)
    assert tmp_path.joinpath("nl.csv").read_text(encoding="utf-8-sig").startswith("fragment;transcript;")
    run(copy, "--csv-dialect", "excel", "codings", "export", "--coder", "tess", "-o", str(tmp_path / "en.csv"),
        monkeypatch=monkeypatch)
    assert tmp_path.joinpath("en.csv").read_text(encoding="utf-8-sig").startswith("fragment,transcript,")
    # a sheet written the Dutch way is read back by qcode itself
    result = run(copy, "codings", "import", str(tmp_path / "nl.csv"), monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    wrong = run(copy, "--csv-dialect", "excel-fr", "status", monkeypatch=monkeypatch)
    assert wrong.exit_code == 1 and "excel-nl" in wrong.output


# -- help, version, names ------------------------------------------------------------------------
def test_version():
    from importlib import metadata

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"qcode {metadata.version('qcode')}"


@pytest.mark.parametrize("args", [[], ["import"], ["assign"], ["matrix"], ["codings", "import"], ["init"],
                                  ["export", "quotes"], ["report"]], ids=" ".join)
def test_help_shows_readable_metavars(args, monkeypatch):
    monkeypatch.setattr(console, "width", 100)
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert not re.search(r"<(str|bool|int|path|list\[\w+\]|dir|file)>", result.output), result.output
    expected = {"import": "PATH", "assign": "--coder +NAME", "matrix": "--output +-o +FILE", "init": "FOLDER"}
    if args and args[0] in expected:
        assert re.search(expected[args[0]], result.output), result.output


@pytest.mark.parametrize("args", [
    ["assign", "{fragment}", "werkdruk-burnout", "--coder", "tess"],
    ["fragments", "--code", "Werkdruk"],
    ["codings", "--code", "burn-out"],
    ["export", "quotes", "--code", "werkdruk-burnout", "-o", "{tmp}/q.xlsx"],
    ["disagreements", "--coders", "tess,ruud", "--code", "werkdruk-burnout"],
    ["codebook", "merge", "werkdruk-burnout", "werkdruk", "--codebook", "{tmp}/exitstudie.yaml"],
], ids=lambda a: " ".join(a[:2]))
def test_an_unknown_code_id_gets_did_you_mean(wide, tmp_path, monkeypatch, args):
    folder, _, _ = wide
    fragment = str(Project.open(folder).fragments(participant="P01", role="participant")[0].id)
    args = [a.replace("{fragment}", fragment).replace("{tmp}", str(tmp_path)) for a in args]
    shutil.copy(REPO / "codebooks" / "exitstudie.yaml", tmp_path)  # a rename or merge rewrites the file
    result = run(folder, *args, width=200, monkeypatch=monkeypatch)
    assert result.exit_code == 1, result.output
    assert "did you mean werkdruk" in result.output, result.output


def test_a_codings_sheet_row_with_a_misspelt_code_names_the_closest(wide, tmp_path, monkeypatch):
    folder, _, _ = wide
    sheet = tmp_path / "anna.csv"
    sheet.write_text("transcript,text,code,coder\nP01.txt,Waarom ben je gestopt?,erkening,anna\n", encoding="utf-8")
    result = run(folder, "codings", "import", str(sheet), width=200, monkeypatch=monkeypatch)
    assert result.exit_code == 1 and "did you mean erkenning" in result.output, result.output
