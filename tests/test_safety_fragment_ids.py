"""A fragment id on the command line is digits only: int() read '1_0' as fragment 10 and '0_2' as 2 (issue 11)."""
from __future__ import annotations

from pathlib import Path

import pytest

from qcode import Project

from conftest import database_dump

CODEBOOK = "name: Vertrek\nversion: 1\ncodes:\n  - id: werkdruk\n    label: Werkdruk\n"
TRANSCRIPT = "".join(f"Interviewer: Vraag {n}?\n\nPetra: Antwoord {n} over de werkdruk.\n\n" for n in range(1, 13))


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


@pytest.mark.parametrize("given", ["1_0", "0_2", "2_0", " 4", "4 ", "٤", "４", "+4", "-4", "4.0", "4e0", "0x4", "",
                                   "0", "vier"])
@pytest.mark.parametrize("command", ["assign", "unassign"])
def test_anything_but_a_whole_number_is_refused(studie, cli, command, given):
    before = _dump(studie)
    result = cli(command, "--coder", "anna", "--", given, "werkdruk")
    said = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert "fragment id" in said and "Traceback" not in result.output
    assert "a fragment id is a whole number" in said or "give the whole number alone" in said
    assert _dump(studie) == before


def test_a_plain_id_codes_that_fragment_and_no_other(studie, cli):
    with Project.open(studie) as project:
        answers = [f.id for f in project.fragments(role="participant")]
    target = answers[-1]
    assert cli("assign", "--coder", "anna", "--", str(target), "werkdruk").exit_code == 0
    with Project.open(studie) as project:
        assert [c.fragment for c in project.codings(coder="anna")] == [target]
    assert cli("unassign", "--coder", "anna", "--", str(target), "werkdruk").exit_code == 0
    with Project.open(studie) as project:
        assert project.codings(coder="anna") == []
