"""Messages that fit the file (issue 11, red team): the hint for a file that is not text names what it
should be; yes/no cells as Dutch researchers type them; a codebook's own fields; a participant id of
spaces; a sheet saved with two byte-order marks."""
from __future__ import annotations

from pathlib import Path

import pytest

from qcode import Project

from conftest import database_dump

CODEBOOK = "name: Vertrek\nversion: 1\ncodes:\n  - id: werkdruk\n    label: Werkdruk\n"
TRANSCRIPT = ("Interviewer: Waarom ben je gestopt?\n\nPetra: De werkdruk werd me te veel.\n\n"
              "Interviewer: Nog iets?\n\nPetra: Nee, dat was het.\n\n")
HEADER = "transcript,text,code,coder,main,star\n"
BOM = "\ufeff".encode()


@pytest.fixture
def studie(cli, tmp_path: Path) -> Path:
    (tmp_path / "vertrek.yaml").write_text(CODEBOOK, encoding="utf-8")
    (tmp_path / "petra.txt").write_text(TRANSCRIPT, encoding="utf-8")
    for command in (("init",), ("codebook", "load", str(tmp_path / "vertrek.yaml")),
                    ("import", str(tmp_path / "petra.txt"), "--interviewer", "Interviewer")):
        assert cli(*command).exit_code == 0
    return cli.folder


def _dump(folder: Path) -> list[str]:
    with Project.open(folder) as project:
        return database_dump(project)


def _said(result) -> str:
    return " ".join(result.output.split())


@pytest.mark.parametrize("content", [b"transcript,text\x00,code\n", b"%PDF-1.7\n%\xe2\xe3\n", bytes(range(256)) * 4])
def test_a_codings_sheet_that_is_not_text_gets_a_sheet_hint(studie, cli, tmp_path, content):
    sheet = tmp_path / "codering.csv"
    sheet.write_bytes(content)
    before = _dump(studie)
    result = cli("codings", "import", str(sheet))
    said = _said(result)
    assert result.exit_code == 1 and "codering.csv" in said and "Traceback" not in said
    assert "transcript as" not in said
    assert "sheet" in said or "UTF-8" in said
    assert _dump(studie) == before


def test_a_transcript_that_is_not_text_keeps_the_transcript_hint(studie, cli, tmp_path):
    (tmp_path / "kapot.txt").write_bytes(b"Interviewer: Hallo\x00\nPetra: Ja\n")
    result = cli("import", str(tmp_path / "kapot.txt"))
    assert result.exit_code == 1 and "export the transcript as UTF-8 text" in _said(result)


@pytest.mark.parametrize("yes, no", [("ja", "nee"), ("Ja", "Nee"), ("yes", "no"), ("TRUE", "FALSE"), ("x", ""),
                                     ("✓", "0"), (" j ", "n")])
def test_main_and_star_take_yes_and_no_as_researchers_type_them(studie, cli, tmp_path, yes, no):
    sheet = tmp_path / "codering.csv"
    sheet.write_text(HEADER + f"petra,De werkdruk werd me te veel.,werkdruk,anna,{yes},{no}\n", encoding="utf-8")
    result = cli("codings", "import", str(sheet))
    assert result.exit_code == 0, result.output
    with Project.open(studie) as project:
        [coding] = project.codings(coder="anna")
    assert coding.main is True and coding.star is False


@pytest.mark.parametrize("value", ["misschien", "2", "ja/nee"])
def test_another_value_in_main_is_refused_with_the_values_it_takes(studie, cli, tmp_path, value):
    sheet = tmp_path / "codering.csv"
    sheet.write_text(HEADER + f"petra,De werkdruk werd me te veel.,werkdruk,anna,{value},0\n", encoding="utf-8")
    before = _dump(studie)
    result = cli("codings", "import", str(sheet))
    said = _said(result)
    assert result.exit_code == 1 and "codering.csv (row 2)" in said and "main" in said
    assert "ja" in said and "nee" in said  # the hint lists what it takes
    assert _dump(studie) == before


@pytest.mark.parametrize("text, field", [("version: 1\ncodes:\n  - id: a\n    label: A\n", "name"),
                                         ("name: Vertrek\ncodes:\n  - id: a\n    label: A\n", "version")])
def test_a_codebook_without_name_or_version_says_what_a_codebook_starts_with(studie, cli, tmp_path, text, field):
    (tmp_path / "boek.yaml").write_text(text, encoding="utf-8")
    result = cli("codebook", "load", str(tmp_path / "boek.yaml"))
    said = _said(result)
    assert result.exit_code == 1 and f"field '{field}' is missing" in said
    assert "every code needs" not in said and "name and version" in said


def test_a_code_without_a_label_keeps_its_hint(studie, cli, tmp_path):
    (tmp_path / "boek.yaml").write_text("name: V\nversion: 1\ncodes:\n  - id: a\n", encoding="utf-8")
    result = cli("codebook", "load", str(tmp_path / "boek.yaml"))
    assert result.exit_code == 1 and "every code needs an id and a label" in _said(result)


@pytest.mark.parametrize("participant", ['"  "', "' '", '"\u00a0\u200b"', '""'])
def test_a_participant_id_of_spaces_is_refused_with_file_and_line(studie, cli, tmp_path, participant):
    path = tmp_path / "leeg.txt"
    path.write_text(f"---\nleeftijd: 34\nparticipant: {participant}\n---\n" + TRANSCRIPT, encoding="utf-8")
    before = _dump(studie)
    result = cli("import", str(path), "--interviewer", "Interviewer")
    said = _said(result)
    assert result.exit_code == 1 and "leeg.txt:3" in said and "participant id is empty" in said
    assert _dump(studie) == before


def test_a_participant_id_with_spaces_around_it_is_the_id(studie, cli, tmp_path):
    path = tmp_path / "ruimte.txt"
    path.write_text('---\nparticipant: "  U07 "\n---\n' + TRANSCRIPT, encoding="utf-8")
    assert cli("import", str(path), "--interviewer", "Interviewer", "--allow-duplicate").exit_code == 0
    with Project.open(studie) as project:
        assert {f.participant for f in project.fragments()} >= {"U07"}


@pytest.mark.parametrize("marks", [2, 3])
def test_a_sheet_with_repeated_byte_order_marks_reads_its_header(studie, cli, tmp_path, marks):
    sheet = tmp_path / "codering.csv"
    sheet.write_bytes(BOM * marks + (HEADER + "petra,De werkdruk werd me te veel.,werkdruk,anna,1,0\n").encode())
    result = cli("codings", "import", str(sheet))
    assert result.exit_code == 0, result.output
    with Project.open(studie) as project:
        assert len(project.codings(coder="anna")) == 1
