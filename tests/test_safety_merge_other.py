"""`qcode merge` reads another copy: a damaged, cut-off or newer copy is refused, ours untouched."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from qcode import Project
from tests.conftest import database_dump

TRANSCRIPT = "I: Waarom ben je gestopt?\n\nR: De werkdruk werd me te veel, elke week meer dossiers.\n"


@pytest.fixture
def two_copies(tmp_path: Path) -> tuple[Path, Path]:
    ours = tmp_path / "ours"
    with Project.init(ours) as project:
        (tmp_path / "P01.txt").write_text(TRANSCRIPT, encoding="utf-8")
        project.import_paths([tmp_path / "P01.txt"])
    theirs = tmp_path / "theirs"
    shutil.copytree(ours, theirs)
    return ours, theirs


def _merge_refused(cli, ours: Path, other: Path, expected: str) -> None:
    with Project.open(ours) as project:
        before = database_dump(project)
    result = cli("--project", str(ours), "merge", str(other), project=False)
    assert result.exit_code == 1, result.output
    output = " ".join(result.output.split())
    assert expected in output and "Traceback" not in output
    assert "qcode.db" in result.output
    with Project.open(ours) as project:
        assert database_dump(project) == before


def test_a_cut_off_copy_is_refused(cli, two_copies):
    ours, theirs = two_copies
    database = theirs / "qcode.db"
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    _merge_refused(cli, ours, theirs, "cut off")


def test_a_copy_with_damaged_pages_is_refused(cli, two_copies):
    ours, theirs = two_copies
    database = theirs / "qcode.db"
    raw = bytearray(database.read_bytes())
    page_size = int.from_bytes(raw[16:18], "big")
    for page in range(1, len(raw) // page_size):  # scramble every page after the first
        start = page * page_size
        raw[start:start + 64] = bytes(range(64))
    database.write_bytes(bytes(raw))
    _merge_refused(cli, ours, theirs, "a damaged one")


def test_a_copy_from_a_newer_qcode_is_refused(cli, two_copies):
    ours, theirs = two_copies
    conn = sqlite3.connect(theirs / "qcode.db")
    conn.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (999, '0999_future', '2030-01-01')")
    conn.commit()
    conn.close()
    _merge_refused(cli, ours, theirs, "newer qcode")


def test_a_copy_whose_transcript_was_edited_and_re_imported_still_merges(tmp_path, two_copies):
    ours, theirs = two_copies
    codebook = tmp_path / "codeboek.yaml"
    codebook.write_text('name: Exit\nversion: "1"\ncodes:\n  - id: werkdruk\n    label: Werkdruk\n', encoding="utf-8")
    with Project.open(theirs) as project:
        project.load_codebook(codebook)
        [answer] = project.fragments(role="participant")
        project.assign(answer.id, ["werkdruk"], "bram", memo="te veel dossiers")
    edited = "I: Hoe oud ben je?\n\nR: Negenentwintig.\n\n" + TRANSCRIPT
    (tmp_path / "P01.txt").write_text(edited, encoding="utf-8")
    with Project.open(ours) as project:
        project.load_codebook(codebook)
        project.import_paths([tmp_path / "P01.txt"])
        result = project.merge(theirs)
        assert result.unmatched_transcripts == [] and result.codings_added == 1
        [coding] = project.codings(coder="bram")
        assert "werkdruk werd me te veel" in project.conn.execute(
            "SELECT text FROM fragments WHERE id = ?", (coding.fragment,)).fetchone()[0]
