"""A damaged, truncated, foreign, newer-schema or read-only qcode.db: one clear message, nothing written."""
from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from qcode.db import MIGRATIONS

from conftest import DATA


@pytest.fixture
def study(cli, awkward) -> Path:
    """A small real project: the example codebook and the awkward transcripts."""
    cli("init", str(cli.folder), project=False)
    cli("codebook", "load", str(DATA.parent.parent / "codebooks" / "exitstudie.yaml"))
    assert cli("import", str(awkward)).exit_code == 0
    return cli.folder / "qcode.db"


def sqlite_dump(database: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def refused(result, *words: str) -> None:
    """Exit 1 with our message, never a traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


def scramble_pages(database: Path, first_fraction: float = 1 / 3, pages: int = 3) -> None:
    """Overwrite a few pages in the middle of the file (the header stays intact)."""
    data = bytearray(database.read_bytes())
    page = 4096
    start = int(len(data) // page * first_fraction)
    rng = random.Random(11)
    for number in range(start, start + pages):
        data[number * page:(number + 1) * page] = bytes(rng.randrange(256) for _ in range(page))
    database.write_bytes(bytes(data))


BAD_FILES = {
    "text": lambda db: db.write_text("Dit is geen database maar een notitie.\n" * 20, encoding="utf-8"),
    "zero-bytes": lambda db: db.write_bytes(b""),
    "half": lambda db: db.write_bytes(db.read_bytes()[: db.stat().st_size // 2]),
    "header-only": lambda db: db.write_bytes(db.read_bytes()[:60]),
}


@pytest.mark.parametrize("damage", BAD_FILES, ids=list(BAD_FILES))
def test_a_file_that_is_not_a_whole_database_is_refused_by_reads_and_writes(cli, study, damage):
    BAD_FILES[damage](study)
    before = study.read_bytes()
    for command in (("status",), ("fragments",), ("assign", "3", "werkdruk", "--coder", "anna"),
                    ("codebook", "load", str(DATA.parent.parent / "codebooks" / "exitstudie.yaml"))):
        refused(cli(*command), "qcode.db", "damaged", "backup", "qcode doctor")
    assert study.read_bytes() == before
    assert not study.with_name("qcode.db-wal").exists() or damage != "zero-bytes"


def test_damaged_pages_are_found_before_the_first_write(cli, study):
    scramble_pages(study)
    before = study.read_bytes()
    refused(cli("assign", "3", "werkdruk", "--coder", "anna"), "damaged", "backup")
    refused(cli("import", str(DATA / "awkward")), "damaged")
    assert study.read_bytes() == before


def test_doctor_says_what_is_damaged(cli, study):
    assert json.loads(cli("doctor", "--json").output)["integrity check"] == "ok"
    scramble_pages(study)
    result = cli("doctor")
    assert result.exit_code == 0, result.output
    assert "integrity check" in result.output and "damaged" in result.output
    BAD_FILES["half"](study)
    result = cli("doctor")
    assert result.exit_code == 0 and "cut off" in result.output and "backup" in result.output


def test_an_old_damaged_database_is_not_upgraded(cli, tmp_path):
    folder = Path(shutil.copytree(DATA / "schema-0001", cli.folder))
    database = folder / "qcode.db"
    scramble_pages(database, first_fraction=0.5, pages=2)
    before = database.read_bytes()
    refused(cli("status"), "damaged")
    assert database.read_bytes() == before
    copy = Path(shutil.copy(database, tmp_path / "copy.db"))
    assert sqlite3.connect(copy).execute("SELECT MAX(version) FROM schema_version").fetchone() == (1,)


def test_a_newer_schema_is_never_read_or_written(cli, study):
    newer = len(MIGRATIONS) + 3
    with sqlite3.connect(study) as conn:
        conn.execute("INSERT INTO schema_version VALUES (?, '9999_future', '2030-01-01')", (newer,))
    conn.close()
    dump = list(sqlite3.connect(study).iterdump())
    for command in (("status",), ("assign", "3", "werkdruk", "--coder", "anna")):
        refused(cli(*command), f"newer qcode (schema {newer}, this qcode knows {len(MIGRATIONS)})",
                "upgrade qcode")
    assert list(sqlite3.connect(study).iterdump()) == dump


def test_an_sqlite_file_that_is_not_a_project(cli):
    cli.folder.mkdir()
    with sqlite3.connect(cli.folder / "qcode.db") as conn:
        conn.execute("CREATE TABLE adressen (naam TEXT)")
    conn.close()
    before = (cli.folder / "qcode.db").read_bytes()
    refused(cli("status"), "not a qcode project")
    assert (cli.folder / "qcode.db").read_bytes() == before


# -- read-only places ------------------------------------------------------------------------------

@pytest.fixture
def read_only_view(tmp_path):
    """A read-only bind mount of a folder (needs root); the test is skipped where that cannot be made."""
    mounted = []

    def mount(source: Path) -> Path:
        target = tmp_path / f"alleen-lezen-{len(mounted)}"
        target.mkdir()
        made = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True)
        if made.returncode:
            pytest.skip("cannot make a read-only mount here")
        mounted.append(target)
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], capture_output=True).returncode:
            pytest.skip("cannot make a read-only mount here")
        return target

    yield mount
    for target in mounted:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_a_read_only_folder_can_be_read_but_not_written(cli, study, read_only_view):
    view = read_only_view(study.parent)
    result = cli("--project", str(view), "status", project=False)
    assert result.exit_code == 0, result.output
    assert "transcripts" in result.output
    assert cli("--project", str(view), "search", "werkdruk", project=False).exit_code == 0
    refused(cli("--project", str(view), "assign", "3", "werkdruk", "--coder", "anna", project=False),
            "cannot write", "copy the project folder")


def test_an_old_database_in_a_read_only_folder_says_it_needs_a_writable_copy(cli, tmp_path, read_only_view):
    folder = Path(shutil.copytree(DATA / "schema-0001", tmp_path / "oud"))
    view = read_only_view(folder)
    refused(cli("--project", str(view), "status", project=False), "older qcode", "copy the project folder")


def test_a_read_only_file_can_be_read_but_not_written(cli, study):
    study.chmod(0o444)
    try:
        assert cli("status").exit_code == 0
        refused(cli("assign", "3", "werkdruk", "--coder", "anna"), "cannot write", "copy the project folder")
    finally:
        study.chmod(0o644)


def test_a_read_only_folder_by_its_permission_bits_is_not_written(cli, study):
    """chmod 555 on the folder: refused for writing even where the user (root) could write anyway."""
    study.parent.chmod(0o555)
    try:
        before = sqlite_dump(study)
        assert cli("status").exit_code == 0
        refused(cli("assign", "3", "werkdruk", "--coder", "anna"), "cannot write", "copy the project folder")
        assert sqlite_dump(study) == before
    finally:
        study.parent.chmod(0o755)


def test_an_emptied_schema_record_is_called_damage_not_a_new_project(cli, study):
    conn = sqlite3.connect(study)
    conn.execute("DELETE FROM schema_version")
    conn.commit()
    conn.close()
    before = sqlite_dump(study)
    refused(cli("status"), "damaged", "schema version", "restore qcode.db")
    refused(cli("assign", "3", "werkdruk", "--coder", "anna"), "damaged")
    assert sqlite_dump(study) == before


def test_a_missing_table_is_called_damage(cli, study):
    conn = sqlite3.connect(study)
    conn.execute("DROP TABLE codings")
    conn.commit()
    conn.close()
    refused(cli("status"), "damaged", "codings", "restore qcode.db")


def test_a_folder_named_qcode_db_is_named_for_what_it_is(cli, tmp_path):
    folder = tmp_path / "studie"
    (folder / "qcode.db").mkdir(parents=True)
    refused(cli("init", str(folder), project=False), "is a folder", "move it")
    refused(cli("--project", str(folder), "status", project=False), "is a folder", "move it")


def test_an_empty_qcode_db_left_by_an_interrupted_init_is_made_anew(cli, tmp_path):
    folder = tmp_path / "studie"
    folder.mkdir()
    (folder / "qcode.db").write_bytes(b"")
    assert cli("init", str(folder), project=False).exit_code == 0
    assert cli("--project", str(folder), "status", project=False).exit_code == 0


def test_init_in_an_impossible_place_says_so_in_one_line(cli, tmp_path):
    a_file = tmp_path / "notities.txt"
    a_file.write_text("geen map", encoding="utf-8")
    refused(cli("init", str(a_file), project=False), "this is a file, not a folder")
    refused(cli("init", str(a_file / "studie"), project=False), "cannot make the project folder")
    loop = tmp_path / "lus"
    loop.symlink_to(loop)
    result = cli("init", str(loop / "studie"), project=False)
    assert result.exit_code == 1 and "Traceback" not in result.output and "unexpected" not in result.output
