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
            f"Interviewer: Waarom ben je gestopt?\n\n{name}: {ANSWERS[number % 4]}\n\n"
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
