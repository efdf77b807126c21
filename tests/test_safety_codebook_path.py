"""Codebook edits follow the project: a copied project rewrites its own YAML, never the original's."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from qcode import Project
from qcode.db import MIGRATIONS

from conftest import DATA

CODEBOOK = DATA.parent.parent / "codebooks" / "exitstudie.yaml"
KLEIN = """\
# Codeboek van de pilot
name: Pilot
version: 1
codes:
  - id: werkdruk
    label: Werkdruk
    codes:
      - id: werkdruk-extra
        label: Extra taken  # administratie en invalwerk
  - id: team
    label: Het team
"""


@pytest.fixture
def original(cli, tmp_path) -> Path:
    """A project whose codebook lives inside it, in codebooks/."""
    folder = tmp_path / "origineel"
    assert cli("init", str(folder), project=False).exit_code == 0
    (folder / "codebooks").mkdir()
    (folder / "codebooks" / "pilot.yaml").write_text(KLEIN, encoding="utf-8")
    assert cli("--project", str(folder), "codebook", "load", str(folder / "codebooks" / "pilot.yaml"),
               project=False).exit_code == 0
    return folder


def run(cli, folder: Path, *args: str):
    return cli("--project", str(folder), *args, project=False)


def dump(folder: Path) -> list[str]:
    conn = sqlite3.connect(folder / "qcode.db")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_a_copied_project_renames_in_its_own_codebook(cli, original, tmp_path):
    copy = Path(shutil.copytree(original, tmp_path / "kopie"))
    original_yaml = (original / "codebooks" / "pilot.yaml").read_bytes()
    original_db = dump(original)
    result = run(cli, copy, "codebook", "rename", "werkdruk-extra", "werkdruk-taken")
    assert result.exit_code == 0, result.output
    assert "id: werkdruk-taken" in (copy / "codebooks" / "pilot.yaml").read_text(encoding="utf-8")
    assert "# administratie en invalwerk" in (copy / "codebooks" / "pilot.yaml").read_text(encoding="utf-8")
    assert (original / "codebooks" / "pilot.yaml").read_bytes() == original_yaml
    assert dump(original) == original_db
    result = run(cli, copy, "codebook", "merge", "werkdruk-taken", "into", "werkdruk")
    assert result.exit_code == 0, result.output
    assert (original / "codebooks" / "pilot.yaml").read_bytes() == original_yaml


def test_a_codebook_outside_the_project_is_rewritten_only_when_named(cli, tmp_path):
    folder = tmp_path / "studie"
    run(cli, folder, "init")
    outside = tmp_path / "gedeeld" / "pilot.yaml"
    outside.parent.mkdir()
    outside.write_text(KLEIN, encoding="utf-8")
    assert run(cli, folder, "codebook", "load", str(outside)).exit_code == 0
    before = dump(folder)
    result = run(cli, folder, "codebook", "rename", "werkdruk-extra", "werkdruk-taken")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    text = " ".join(result.output.split())
    assert str(outside) in text and "outside the project" in text and "--codebook FILE" in text
    assert outside.read_text(encoding="utf-8") == KLEIN and dump(folder) == before
    result = run(cli, folder, "codebook", "rename", "werkdruk-extra", "werkdruk-taken", "--codebook", str(outside))
    assert result.exit_code == 0, result.output
    assert "id: werkdruk-taken" in outside.read_text(encoding="utf-8")


def test_a_missing_or_edited_codebook_file_is_named(cli, original):
    yaml = original / "codebooks" / "pilot.yaml"
    yaml.write_text(KLEIN.replace("Het team", "Het team en de leiding"), encoding="utf-8")
    result = run(cli, original, "codebook", "rename", "team", "collega-s")
    assert result.exit_code == 1 and "edited since it was loaded" in result.output
    yaml.unlink()
    result = run(cli, original, "codebook", "rename", "team", "collega-s")
    assert result.exit_code == 1 and "pilot.yaml" in result.output and "--codebook" in result.output


def as_before_0004(folder: Path) -> None:
    """Make the project look like one written before the path was stored relative (schema 3)."""
    conn = sqlite3.connect(folder / "qcode.db")
    with conn:
        conn.execute("UPDATE codebook_versions SET source_path = ?",
                     (str((folder / "codebooks" / "pilot.yaml").resolve()),))
        conn.execute("DELETE FROM schema_version WHERE version >= 4")  # 0004 and the steps after it
        conn.execute("DROP TABLE IF EXISTS imported_files")
        conn.execute("DROP TABLE IF EXISTS coding_spans")
        conn.execute("ALTER TABLE codes DROP COLUMN kind")  # 0008_code_kinds
        conn.execute("DROP TABLE IF EXISTS quote_decisions")
        conn.execute("DROP TABLE IF EXISTS questions")
        conn.execute("DROP TABLE IF EXISTS survey_respondents")
        conn.execute("DROP INDEX IF EXISTS turns_question")
        conn.execute("ALTER TABLE turns DROP COLUMN question")
    conn.close()


def test_upgrading_an_old_project_stores_its_codebook_path_relative(cli, original, tmp_path):
    assert [name for name, _ in MIGRATIONS][3] == "0004_codebook_path_in_project"
    as_before_0004(original)
    with Project.open(original) as project:  # the upgrade
        assert project.conn.execute("SELECT source_path FROM codebook_versions").fetchall() == [
            ("codebooks/pilot.yaml",)]
    copy = Path(shutil.copytree(original, tmp_path / "kopie"))
    original_yaml = (original / "codebooks" / "pilot.yaml").read_bytes()
    assert run(cli, copy, "codebook", "rename", "team", "collega-s").exit_code == 0
    assert (original / "codebooks" / "pilot.yaml").read_bytes() == original_yaml


def test_an_old_project_copied_before_the_upgrade_never_edits_the_original(cli, original, tmp_path):
    as_before_0004(original)
    copy = Path(shutil.copytree(original, tmp_path / "kopie"))
    original_yaml = (original / "codebooks" / "pilot.yaml").read_bytes()
    result = run(cli, copy, "codebook", "rename", "team", "collega-s")
    assert result.exit_code == 1, result.output
    assert "outside the project" in " ".join(result.output.split())
    assert (original / "codebooks" / "pilot.yaml").read_bytes() == original_yaml
    copy_yaml = str(copy / "codebooks" / "pilot.yaml")
    assert run(cli, copy, "codebook", "rename", "team", "collega-s", "--codebook", copy_yaml).exit_code == 0
    assert "collega-s" in Path(copy_yaml).read_text(encoding="utf-8")
    assert (original / "codebooks" / "pilot.yaml").read_bytes() == original_yaml
