"""`-o` may never destroy (issue 11.5): every command that writes a file, through the CLI.

No output replaces the project database (or its side files, however spelled or linked), a file the
project imported, a folder or a device; a write that fails leaves the old file and no temporary file
behind, and ends in one clear message.
"""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from qcode import Project

from conftest import database_dump

INTERVIEW = """I: Waarom ben je gestopt als jongerenwerker?

R: Vooral de werkdruk. Ik had veertig jongeren op mijn lijst en geen tijd om ze echt te zien.

I: En de organisatie?

R: Er was geen doorgroei. Na vijf jaar deed ik precies hetzelfde werk.
"""
CODEBOOK = """name: Uitstroom
version: "1"
codes:
  - id: werkdruk
    label: Werkdruk
  - id: doorgroei
    label: Doorgroei
"""
SHEET = "participant,transcript,age\nU01,U01.txt,31\nU02,U02.txt,44\n"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("outputs") / "studie"
    sources = folder / "transcripts"
    sources.mkdir(parents=True)
    for name in ("U01.txt", "U02.txt"):
        (sources / name).write_text(INTERVIEW, encoding="utf-8")
    (sources / "participants.csv").write_text(SHEET, encoding="utf-8")
    (folder / "codeboek.yaml").write_text(CODEBOOK, encoding="utf-8")
    with Project.init(folder) as project:
        project.load_codebook(folder / "codeboek.yaml")
        project.import_paths([sources], allow_duplicate=True)  # two participants, one interview
        for fragment in project.fragments(role="participant"):
            code = "werkdruk" if "werkdruk" in fragment.text else "doorgroei"
            for coder in ("anna", "bram"):
                if coder == "anna" or code == "werkdruk":
                    project.assign(fragment.id, [code], coder, main=code == "werkdruk")
                project.mark_seen(fragment.id, coder)
    return folder


@pytest.fixture
def studie(template, cli) -> Path:
    return Path(shutil.copytree(template, cli.folder, symlinks=True))


# every command that writes a file, with the option that names it
WRITERS = {
    "report md": ("report", "--coder", "anna", "-o"),
    "report docx": ("report", "--coder", "anna", "--format", "docx", "-o"),
    "report html": ("report", "--coder", "anna", "--format", "html", "-o"),
    "export quotes": ("export", "quotes", "--coder", "anna", "-o"),  # the format from the file's extension
    "codings export": ("codings", "export", "--format", "csv", "-o"),
    "matrix csv": ("matrix", "--coder", "anna", "--format", "csv", "-o"),
    "fragments": ("fragments", "-o"),
    "matrix": ("matrix", "--coder", "anna", "--format", "xlsx", "-o"),
    "chart": ("chart", "--coder", "anna", "-o"),
    "disagreements": ("disagreements", "--coders", "anna,bram", "--format", "xlsx", "-o"),
}
FORMAT_OF = {"fragments": "csv", "chart": "png", "report docx": "docx", "report html": "html", "report md": "md",
             "codings export": "csv", "matrix csv": "csv"}  # a --format and an extension must agree


def _state(folder: Path) -> dict[str, bytes]:
    """Every file in the project, byte for byte (the database through its own dump, as WAL may move)."""
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
             if p.is_file() and not p.name.startswith("qcode.db")}
    with Project.open(folder) as project:
        files["<database>"] = "\n".join(database_dump(project)).encode()
    return files


def _run(cli, writer: str, target: Path | str):
    return cli(*WRITERS[writer], str(target))


def _said(result) -> str:
    """The output as one line (Rich wraps long paths)."""
    return " ".join(result.output.split())


@pytest.mark.parametrize("writer", list(WRITERS))
def test_no_command_writes_over_the_project_database(studie, cli, writer):
    database = studie / "qcode.db"
    before, raw = _state(studie), database.read_bytes()
    result = _run(cli, writer, database)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "project database" in result.output or writer in ("fragments", "chart")  # ".db" is no format of theirs
    assert database.read_bytes() == raw and _state(studie) == before
    assert not list(studie.glob(".*qcode-tmp*"))


@pytest.mark.parametrize("name", ["qcode.db-wal", "qcode.db-shm", "qcode.db-journal", "QCODE.DB", "Qcode.db-WAL"])
def test_side_files_and_other_spellings_of_the_database_are_refused(studie, cli, name):
    result = _run(cli, "report md", studie / name)
    assert result.exit_code == 1 and "project database" in result.output
    assert not (studie / name).exists() or name == "qcode.db-wal"


def test_links_to_the_database_are_refused(studie, cli, tmp_path):
    before = _state(studie)
    (tmp_path / "link.md").symlink_to(studie / "qcode.db")
    os.link(studie / "qcode.db", tmp_path / "hard.md")
    for target in (tmp_path / "link.md", tmp_path / "hard.md", studie / "exports" / ".." / "qcode.db"):
        result = _run(cli, "report md", target)
        assert result.exit_code == 1 and "project database" in result.output, (target, result.output)
    assert _state(studie) == before


@pytest.mark.parametrize("imported, what", [("transcripts/U01.txt", "imported"),
                                             ("transcripts/participants.csv", "participants sheet"),
                                             ("codeboek.yaml", "codebook")])
@pytest.mark.parametrize("writer", ["report md", "export quotes", "codings export", "matrix csv"])
def test_no_command_writes_over_an_imported_file(studie, cli, writer, imported, what):
    before = _state(studie)
    result = _run(cli, writer, studie / imported)
    assert result.exit_code == 1 and what in result.output, result.output
    assert _state(studie) == before


def test_own_texts_and_templates_are_inputs_too(studie, cli):
    assert cli("report", "--coder", "anna").exit_code == 0
    assert cli("report", "--init-templates").exit_code == 0
    for target in (studie / "exports" / "tekst" / "werkdruk.md", studie / "templates" / "report.nl.md.j2"):
        before = target.read_bytes()
        result = _run(cli, "report md", target)
        assert result.exit_code == 1 and "never writes over it" in result.output
        assert target.read_bytes() == before


def test_an_existing_folder_is_refused(studie, cli):
    for writer in ("report md", "matrix", "chart", "disagreements", "export quotes"):
        folder = studie / "exports" / f"uitvoer.{FORMAT_OF.get(writer, 'xlsx')}"  # named as the file would be
        folder.mkdir(parents=True, exist_ok=True)
        result = _run(cli, writer, folder)
        assert result.exit_code == 1 and "folder, not a file" in result.output, result.output
        assert folder.is_dir() and not any(folder.iterdir())


def test_a_device_is_refused(studie, cli):
    result = _run(cli, "report md", "/dev/null")
    assert result.exit_code == 1 and "not an ordinary file" in result.output
    assert Path("/dev/null").is_char_device()


def test_a_missing_folder_is_made_inside_the_project_only(studie, cli, tmp_path):
    inside = studie / "exports" / "tabellen" / "matrix.xlsx"
    assert _run(cli, "matrix", inside).exit_code == 0 and inside.exists()
    outside = tmp_path / "elders" / "matrix.xlsx"
    result = _run(cli, "matrix", outside)
    assert result.exit_code == 1 and "does not exist" in _said(result) and not outside.parent.exists()
    under_a_file = studie / "codeboek.yaml" / "matrix.xlsx"
    result = _run(cli, "matrix", under_a_file)
    assert result.exit_code == 1 and "not a folder" in result.output


def test_a_read_only_folder_or_file_gets_a_message_and_stays_as_it_was(studie, cli, tmp_path):
    folder = tmp_path / "alleen-lezen"
    folder.mkdir()
    (folder / "oud.xlsx").write_bytes(b"oude inhoud")
    (tmp_path / "vast.csv").write_text("oud\n", encoding="utf-8")
    (tmp_path / "vast.csv").chmod(0o444)
    folder.chmod(0o555)
    try:
        for writer in WRITERS:
            result = _run(cli, writer, folder / f"nieuw.{FORMAT_OF.get(writer, 'xlsx' if 'report' not in writer else 'md')}")
            assert result.exit_code == 1 and "read-only" in result.output, (writer, result.output)
        result = _run(cli, "export quotes", folder / "oud.xlsx")
        assert result.exit_code == 1 and "read-only" in result.output
        assert sorted(p.name for p in folder.iterdir()) == ["oud.xlsx"]
        assert (folder / "oud.xlsx").read_bytes() == b"oude inhoud"
    finally:
        folder.chmod(0o755)
    result = _run(cli, "fragments", tmp_path / "vast.csv")
    assert result.exit_code == 1 and "read-only" in result.output
    assert (tmp_path / "vast.csv").read_text(encoding="utf-8") == "oud\n"


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(studie, cli, tmp_path, monkeypatch, writer):
    fmt = FORMAT_OF.get(writer, "md" if writer == "report md" else "csv" if writer == "codings export" else "xlsx")
    target = tmp_path / f"uit.{fmt}"
    target.write_bytes(b"de vorige versie")
    real_fsync = os.fsync

    def disk_full(descriptor: int) -> None:  # the data reaches the disk at fsync: that is where ENOSPC shows
        real_fsync(descriptor)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    result = _run(cli, writer, target)
    monkeypatch.undo()
    assert result.exit_code == 1 and "the disk is full" in result.output, result.output
    assert "Traceback" not in result.output
    assert target.read_bytes() == b"de vorige versie"
    assert sorted(p.name for p in tmp_path.iterdir() if "qcode-tmp" in p.name) == []


def test_a_failure_inside_a_writer_is_a_message_without_the_text(studie, cli, tmp_path, monkeypatch):
    import openpyxl.workbook.workbook as workbook

    def broken(self, filename):
        raise ValueError("Vooral de werkdruk. Ik had veertig jongeren")  # a library quoting participant text

    monkeypatch.setattr(workbook.Workbook, "save", broken)
    target = tmp_path / "citaten.xlsx"
    result = _run(cli, "export quotes", target)
    assert result.exit_code == 1 and "could not write" in result.output
    assert "werkdruk" not in result.output and not target.exists()
    assert [p.name for p in tmp_path.iterdir() if "qcode-tmp" in p.name] == []


def test_an_output_replaces_the_old_file_whole(studie, cli, tmp_path):
    target = tmp_path / "fragmenten.csv"
    target.write_text("oud\n", encoding="utf-8")
    target.chmod(0o640)
    assert _run(cli, "fragments", target).exit_code == 0
    assert target.read_text(encoding="utf-8-sig").startswith("id,transcript")
    assert target.stat().st_mode & 0o777 == 0o640  # the file keeps its permissions
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert _run(cli, "fragments", link).exit_code == 0 and link.is_symlink()


def test_templates_and_own_texts_in_the_way_get_a_message(studie, cli):
    (studie / "templates").write_text("geen map", encoding="utf-8")
    result = cli("report", "--init-templates")
    assert result.exit_code == 1 and "not a folder" in result.output
    (studie / "templates").unlink()
    (studie / "exports").mkdir(exist_ok=True)
    (studie / "exports" / "tekst").write_text("geen map", encoding="utf-8")
    before = _state(studie)
    result = cli("report", "--coder", "anna")
    assert result.exit_code == 1 and "not a folder" in result.output
    assert _state(studie) == before


def test_a_report_in_a_read_only_project_says_so(studie, cli):
    shutil.rmtree(studie / "exports", ignore_errors=True)
    before = _state(studie)
    studie.chmod(0o555)
    try:
        result = cli("report", "--coder", "anna")
    finally:
        studie.chmod(0o755)
    assert result.exit_code == 1 and "read-only" in _said(result) and "Traceback" not in result.output
    assert _state(studie) == before


def test_a_process_killed_while_writing_leaves_the_old_file(studie, tmp_path):
    """SIGKILL at the moment the new file is complete but not yet in place: the old one is untouched."""
    import signal
    import subprocess
    import sys

    target = tmp_path / "fragmenten.csv"
    target.write_text("de vorige versie\n", encoding="utf-8")
    script = ("import os, signal, sys\n"
              "os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)\n"
              "from qcode.cli import app\n"
              "sys.argv = ['qcode', '--project', sys.argv[1], 'fragments', '-o', sys.argv[2]]\n"
              "app()\n")
    done = subprocess.run([sys.executable, "-c", script, str(studie), str(target)], capture_output=True)
    assert done.returncode == -signal.SIGKILL
    assert target.read_text(encoding="utf-8") == "de vorige versie\n"
    left = [p for p in tmp_path.iterdir() if p.is_file() and p.name != target.name]
    assert len(left) == 1 and left[0].name.startswith(".fragmenten.") and "qcode-tmp" in left[0].name  # hidden


def test_odd_paths_get_a_message(studie, cli, tmp_path):
    (tmp_path / "rond").symlink_to(tmp_path / "rond")
    for target, said in ((tmp_path / "rond", "loop of links"), (tmp_path / "rond" / "r.md", "loop of links"),
                         (tmp_path / ("lang" * 80 + ".md"), "too long")):
        result = _run(cli, "report md", target)
        assert result.exit_code == 1 and said in _said(result) and "Traceback" not in result.output, result.output
