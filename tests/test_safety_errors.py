"""Every failure ends in a short message without participants' words (issue 11, item 4).

Faults are injected where a reader or a write could fail on a hostile file; the CLI edge, the
importer's per-file net and the coder each turn them into one message, exit non-zero, and leave
the database as it was.
"""
from __future__ import annotations

import asyncio
import errno
import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from qcode import Project
from qcode import importer as importer_module
from qcode import project as project_module
from qcode.cli import app
from qcode.tui import CoderApp

WORDS = "Ik werd gepest door mijn leidinggevende"  # a participant's words: never in a message
TRANSCRIPT = f"I: Waarom ben je weggegaan?\n\nR: {WORDS}, en de werkdruk was te hoog.\n"
OTHER = "I: Hoe lang werkte je daar?\n\nR: Zes jaar, als ambulant hulpverlener.\n"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    folder = tmp_path / "studie"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "U01.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "in" / "U02.txt").write_text(OTHER, encoding="utf-8")
    with Project.init(folder) as project:
        project.load_codebook(Path(__file__).parent.parent / "codebooks" / "exitstudie.yaml")
    return folder


def qcode(folder: Path, *args: str, **kwargs):
    return CliRunner().invoke(app, ["--project", str(folder), *args], **kwargs)


def dump(folder: Path) -> list[str]:
    with Project.open(folder) as project:
        return list(project.conn.iterdump())


class Answer(BaseModel):
    respondent: int


def reader_bug(path: Path, *args, **kwargs):
    """What a reader's bug on a hostile file looks like: an exception quoting the file's text."""
    Answer.model_validate({"respondent": path.read_text(encoding="utf-8")})


def failing_on(name: str, fault, real):
    def read(path: Path, *args, **kwargs):
        if path.name == name:
            return fault(path, *args, **kwargs)
        return real(path, *args, **kwargs)
    return read


def assert_short(output: str) -> None:
    assert WORDS not in output and "Traceback" not in output and "pydantic" not in output
    assert len(output.strip().splitlines()) <= 4, output


# -- the importer's per-file net ----------------------------------------------------------------------

def test_a_reader_bug_on_one_file_is_that_files_problem(study, monkeypatch):
    monkeypatch.setattr(importer_module, "read_transcript",
                        failing_on("U01.txt", reader_bug, importer_module.read_transcript))
    before = dump(study)
    result = qcode(study, "import", str(study.parent / "in"))
    assert result.exit_code == 1
    assert "U01.txt: could not read this file (internal error: ValidationError)" in result.output
    assert "--skip-bad" in result.output
    assert WORDS not in result.output and "Traceback" not in result.output
    assert dump(study) == before


def test_skip_bad_skips_the_file_a_reader_failed_on(study, monkeypatch):
    monkeypatch.setattr(importer_module, "read_transcript",
                        failing_on("U01.txt", reader_bug, importer_module.read_transcript))
    result = qcode(study, "import", "--skip-bad", str(study.parent / "in"))
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "internal error: ValidationError" in result.output
    assert WORDS not in result.output
    with Project.open(study) as project:
        assert [t.transcript for t in project.fragments()] == ["U02.txt", "U02.txt"]


def test_every_bad_file_is_listed_with_the_one_a_reader_failed_on(study, monkeypatch, tmp_path):
    monkeypatch.setattr(importer_module, "read_transcript",
                        failing_on("U01.txt", reader_bug, importer_module.read_transcript))
    (tmp_path / "in" / "leeg.pdf").write_bytes(b"%PDF")
    result = qcode(study, "import", str(tmp_path / "in"))
    assert result.exit_code == 1
    assert "U01.txt: could not read" in result.output and "leeg.pdf" in result.output


def test_a_reader_bug_on_the_participants_sheet_names_the_sheet(study, monkeypatch):
    sheet = study.parent / "in" / "participants.csv"
    sheet.write_text(f"file,participant,former_role\nU01.txt,U01,{WORDS}\n", encoding="utf-8")
    monkeypatch.setattr(importer_module, "read_participants", reader_bug)
    before = dump(study)
    result = qcode(study, "import", str(study.parent / "in"))
    assert result.exit_code == 1
    assert "participants.csv: could not read this file (internal error: ValidationError)" in result.output
    assert "transcripts beside it are not imported" in " ".join(result.output.split())
    assert WORDS not in result.output and "Traceback" not in result.output
    assert dump(study) == before


# -- the CLI edge ---------------------------------------------------------------------------------

def fail_while_writing(error: BaseException):
    def write(*args, **kwargs):
        raise error
    return write


def test_an_unexpected_error_is_one_line_without_its_text(study, monkeypatch):
    monkeypatch.setattr(importer_module, "_write", fail_while_writing(KeyError(WORDS)))
    before = dump(study)
    result = qcode(study, "import", str(study.parent / "in"))
    assert result.exit_code == 1
    assert "unexpected error (KeyError) in qcode import" in result.output
    assert "QCODE_DEBUG=1" in result.output and "the one under way was not saved" in result.output
    assert_short(result.output)
    assert dump(study) == before


def test_the_failing_subcommand_is_named(study, monkeypatch):
    monkeypatch.setattr(project_module.codebook_db, "code_tree", fail_while_writing(IndexError(WORDS)))
    result = qcode(study, "codebook", "show")
    assert result.exit_code == 1
    assert "unexpected error (IndexError) in qcode codebook show" in result.output
    assert_short(result.output)


def test_qcode_debug_raises_the_error_itself(study, monkeypatch):
    monkeypatch.setattr(importer_module, "_write", fail_while_writing(KeyError(WORDS)))
    monkeypatch.setenv("QCODE_DEBUG", "1")
    result = qcode(study, "import", str(study.parent / "in"))
    assert isinstance(result.exception, KeyError)


def test_an_interrupt_exits_130_and_keeps_the_database(study, monkeypatch):
    monkeypatch.setattr(importer_module, "_write", fail_while_writing(KeyboardInterrupt()))
    before = dump(study)
    result = qcode(study, "import", str(study.parent / "in"))
    assert result.exit_code == 130
    assert "interrupted" in result.output and "not saved" in result.output
    assert_short(result.output)
    assert dump(study) == before


def test_a_full_disk_met_by_a_file_write_is_called_a_full_disk(study, monkeypatch):
    """The database reports its own full disk (test_safety_disk_full); any other write says the same."""
    monkeypatch.setattr(importer_module, "_write",
                        fail_while_writing(OSError(errno.ENOSPC, "No space left on device", WORDS)))
    before = dump(study)
    result = qcode(study, "import", str(study.parent / "in"))
    assert result.exit_code == 1 and "the disk is full" in result.output
    assert_short(result.output)
    assert dump(study) == before


def test_typer_usage_errors_stay_typer_usage_errors(study):
    result = qcode(study, "assign", "12", "werkdruk")
    assert result.exit_code == 2 and "unexpected" not in result.output


def test_cell_values_that_look_like_text_are_not_quoted(study, tmp_path):
    assert qcode(study, "import", str(study.parent / "in")).exit_code == 0
    with Project.open(study) as project:
        fragment = project.fragments(role="participant")[0].id
    sheet = tmp_path / "codings.csv"
    sheet.write_text(f"fragment,code,coder,main\n{fragment},{WORDS},anna,0\n{WORDS},werkdruk,anna,0\n"
                     f"{fragment},werkdruk,anna,{WORDS}\n{fragment},geen-code,anna,0\n", encoding="utf-8")
    result = qcode(study, "codings", "import", str(sheet))
    assert result.exit_code == 1
    assert WORDS not in result.output
    assert "(a text of 39 characters)" in result.output and "'geen-code'" in result.output


# -- the coder -----------------------------------------------------------------------------------------

def test_the_coder_crash_shows_no_locals_and_no_text(study, monkeypatch, capsys):
    assert qcode(study, "import", str(study.parent / "in")).exit_code == 0

    async def scenario():
        with Project.open(study) as project:
            session = project.coding_session("anna")

            def broken():
                raise ValueError(f"could not star {session.context().fragment.text}")
            monkeypatch.setattr(session, "toggle_star", broken)
            coder = CoderApp(session)
            async with coder.run_test(size=(150, 50)) as pilot:
                await pilot.pause()
                await pilot.press("s")
                await pilot.pause()
            return coder
    with pytest.raises(ValueError):
        asyncio.run(scenario())
    printed = capsys.readouterr()
    output = printed.out + printed.err
    assert "The coder stopped on an unexpected error (ValueError)" in output
    assert "QCODE_DEBUG=1" in output
    assert WORDS not in output and "session" not in output and "locals" not in output.lower()
    assert "Traceback" not in output


def test_the_coder_crash_with_qcode_debug_has_a_traceback_without_locals(study, monkeypatch, capsys):
    assert qcode(study, "import", str(study.parent / "in")).exit_code == 0
    monkeypatch.setenv("QCODE_DEBUG", "1")

    async def scenario():
        with Project.open(study) as project:
            session = project.coding_session("anna")
            secret = session.context().fragment.text  # a local the crash screen would have printed

            def broken():
                raise ValueError("star failed")
            monkeypatch.setattr(session, "toggle_star", broken)
            coder = CoderApp(session)
            async with coder.run_test(size=(150, 50)) as pilot:
                await pilot.press("s")
                await pilot.pause()
            return secret
    with pytest.raises(ValueError):
        asyncio.run(scenario())
    output = capsys.readouterr().err
    assert "Traceback" in output and "star failed" in output
    assert WORDS not in output
