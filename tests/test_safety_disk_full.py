"""A full disk is reported as a full disk (not "cannot rollback"), and nothing is written."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from qcode import Project
from qcode.errors import DiskFullError

from conftest import DATA, database_dump

CODEBOOK = DATA.parent.parent / "codebooks" / "exitstudie.yaml"


def fill_up(conn) -> None:
    """SQLITE_FULL exactly as a full disk raises it: the file may not grow by one more page."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_during_an_import_is_named_and_nothing_is_written(project, awkward):
    project.load_codebook(CODEBOOK)
    before = database_dump(project)
    fill_up(project.conn)
    with pytest.raises(DiskFullError) as raised:
        project.import_paths([awkward])
    message = str(raised.value)
    assert "the disk is full" in message and "nothing was written" in message
    assert "rollback" not in message.lower()
    assert database_dump(project) == before
    project.conn.execute("PRAGMA max_page_count = 1073741823")
    project.import_paths([awkward])  # room again: the same import works
    assert project.status().transcripts == 7


def test_a_full_disk_while_coding_keeps_every_earlier_coding(project, awkward):
    project.load_codebook(CODEBOOK)
    project.import_paths([awkward])
    fragment = project.fragments(role="participant")[0].id
    fill_up(project.conn)
    saved = 0
    with pytest.raises(DiskFullError):
        for number in range(5000):  # enough codings to need a new page
            project.assign(fragment, ["werkdruk"], f"codeur-{number:04d}", memo="notitie " * 20)
            saved += 1
    assert 0 < saved < 5000
    assert len(project.codings()) == saved  # the one that did not fit left no trace


@pytest.fixture
def small_disk(tmp_path):
    """A real 1 MB file system (tmpfs, needs root); skipped where it cannot be mounted."""
    mount = tmp_path / "kleine-schijf"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def leave_free(folder: Path, kilobytes: int) -> None:
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    (folder / "opvulling.bin").write_bytes(b"\0" * max(0, free - kilobytes * 1024))


def test_import_on_a_really_full_disk_through_the_cli(cli, small_disk, awkward):
    folder = small_disk / "studie"
    assert cli("init", str(folder), project=False).exit_code == 0
    assert cli("--project", str(folder), "codebook", "load", str(CODEBOOK), project=False).exit_code == 0
    leave_free(small_disk, 80)
    with Project.open(folder) as project:
        before = database_dump(project)
    result = cli("--project", str(folder), "import", str(awkward), project=False)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "the disk is full" in result.output and "rollback" not in result.output
    with Project.open(folder) as project:
        assert database_dump(project) == before


def test_init_on_a_full_disk_leaves_no_half_made_project(cli, small_disk):
    folder = small_disk / "studie"
    folder.mkdir()
    leave_free(small_disk, 0)
    result = cli("init", str(folder), project=False)
    assert result.exit_code == 1, result.output
    assert "the disk is full" in " ".join(result.output.split())
    assert not list(folder.iterdir())  # no qcode.db that would later look damaged
    (small_disk / "opvulling.bin").unlink()
    assert cli("init", str(folder), project=False).exit_code == 0


def test_a_reading_command_on_a_full_disk_says_so(cli, small_disk, awkward):
    folder = small_disk / "studie"
    assert cli("init", str(folder), project=False).exit_code == 0
    for name in ("qcode.db-shm", "qcode.db-wal"):
        (folder / name).unlink(missing_ok=True)
    leave_free(small_disk, 0)
    result = cli("--project", str(folder), "status", project=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "the disk is full" in " ".join(result.output.split()), result.output
