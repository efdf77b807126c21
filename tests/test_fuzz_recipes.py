"""The smallest inputs of every failure class the fuzzers found, kept as fixed cases.

Random search may not meet a class again on the next run; these always do. Each one goes through the
real CLI and must end cleanly (exit 0 with a valid import, or exit 1 naming the file with the
database unchanged); where the right outcome is known, it is asserted too.
"""
from __future__ import annotations

import io
import resource
import shutil
import sqlite3
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from test_fuzz_import import (
    MARKER, MARKER_WORD, assert_clean_ending, assert_valid_database, docx_bytes, fresh_project, run, scratch,
    sheet_bytes, squash, stored_texts,
)

SURVEY = ("--id-column", "respondent", "--text-column", "antwoord")
TURNS = [("I", ["Waarom ben je gestopt?"]), ("R", ["De werkdruk.", MARKER]), ("I", ["En verder?"]), ("R", ["Ja."])]


def _docx_with(member_text) -> bytes:
    """A valid Word transcript whose document.xml is changed by `member_text`."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes(TURNS, table=False, bold=True)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = member_text(content.decode("utf-8")).encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def _xlsx_with(member_text, rows=None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(sheet_bytes(["respondent", "functie", "antwoord"],
                                                    rows or [["R1", "wijkcoach", MARKER]], ".xlsx")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                if member_text is None:
                    continue
                content = member_text(content.decode("utf-8")).encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


# (id, file name, content, extra arguments, expected exit code or None for either)
BOMB_FRONT_MATTER = "---\n" + "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefg", "bcdefgh")) + "---\nI: vraag\nR: antwoord\n"

IMPORT_RECIPES = [
    ("F1-docx-empty", "x.docx", b"", (), 1),
    ("F1-docx-not-a-zip", "x.docx", b"I: dit is geen Word-bestand\nR: nee\n", (), 1),
    ("F2-docx-nul-in-xml", "x.docx", lambda: _docx_with(lambda t: t.replace("</w:t>", "\x00</w:t>", 1)), (), 1),
    ("F2-docx-unclosed-tag", "x.docx", lambda: _docx_with(lambda t: t.replace("</w:t>", "<x></w:t>", 1)), (), 1),
    ("F6-esc-in-csv-header", "x.csv", b"\x1b]0;gehackt\x07respondent;functie;antwoord\r\nR1;x;y\r\n", SURVEY, 1),
    ("F7-xlsx-bad-sheet-xml", "x.xlsx", lambda: _xlsx_with(lambda t: t.replace("<c ", "<x><c ", 1)), SURVEY, 1),
    ("F11-xlsx-without-sheet", "x.xlsx", lambda: _xlsx_with(None), SURVEY, 1),
    ("F3-utf16-truncated", "x.txt", "I: vraag\nR: antwoord\n".encode("utf-16")[:-1], (), None),
    ("F3-utf16-lone-surrogate", "x.txt", "I: vraag\nR: ".encode("utf-16") + b"\x00\xd8" + "ja\n".encode("utf-16-le"),
     (), None),
    ("F4-date-in-front-matter", "x.md", b"---\nparticipant: P01\ndatum: 2026-01-10\n---\nI: vraag\nR: antwoord\n", (), 0),
    ("F5-csv-cell-over-128k", "x.csv", b"respondent;functie;antwoord\r\nR1;wijkcoach;" + b"lang " * 30_000 + b"\r\n",
     SURVEY, None),
    ("F10-control-char-in-front-matter", "x.md", b"---\nparticipant: P1\nnaam: a\x01b\n---\nI: vraag\nR: antwoord\n",
     (), None),
]


def _content(content) -> bytes:
    return content() if callable(content) else content


@pytest.mark.parametrize("name, content, extra, expected", [r[1:] for r in IMPORT_RECIPES],
                         ids=[r[0] for r in IMPORT_RECIPES])
@pytest.mark.parametrize("kind", ["fresh", "prefilled"])
def test_import_recipes_end_cleanly(name, content, extra, expected, kind):
    check_recipe(name, content, extra, expected, kind)


def check_recipe(name, content, extra, expected, kind):
    workdir = scratch()
    try:
        folder = fresh_project(kind, workdir)
        path = workdir / name
        path.write_bytes(_content(content))
        outcome = run(folder, "import", str(path), *extra)
        assert_clean_ending(outcome, [name])
        if outcome.exit_code == 0:
            assert_valid_database(folder)
        assert expected is None or outcome.exit_code == expected, outcome.output
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_front_matter_date_is_kept_as_iso_text():
    workdir = scratch()
    try:
        folder = fresh_project("fresh", workdir)
        path = workdir / "u07.md"
        path.write_text("---\nparticipant: U07\ndatum: 2026-01-10\n---\nI: vraag\nR: antwoord\n", encoding="utf-8")
        outcome = run(folder, "import", str(path))
        assert_clean_ending(outcome, [path.name])
        assert outcome.exit_code == 0, outcome.output
        conn = sqlite3.connect(folder / "qcode.db")
        attributes = conn.execute("SELECT attributes FROM participants WHERE id = 'U07'").fetchone()[0]
        conn.close()
        assert '"2026-01-10"' in attributes
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_same_file_named_twice_ends_cleanly():
    """F12: the same transcript given twice, directly and through its folder."""
    workdir = scratch()
    try:
        folder = fresh_project("prefilled", workdir)
        source = workdir / "interviews"
        source.mkdir()
        (source / "a.txt").write_text("I: vraag\nR: antwoord\nI: nog een\nR: ja\n", encoding="utf-8")
        for args in ([source / "a.txt", source / "a.txt"], [source, source / "a.txt"],
                     [source / "a.txt", source / ".." / "interviews" / "a.txt"]):
            outcome = run(folder, "import", *map(str, args))
            assert_clean_ending(outcome, ["a.txt"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_participants_sheet_with_a_very_long_file_name_ends_cleanly():
    """F8: a transcript cell longer than the file system allows for a name."""
    workdir = scratch()
    try:
        folder = fresh_project("fresh", workdir)
        source = workdir / "interviews"
        source.mkdir()
        (source / "a.txt").write_text("I: vraag\nR: antwoord\nI: nog een\nR: ja\n", encoding="utf-8")
        (source / "participants.csv").write_text(f"participant,transcript\nW01,{'a' * 300}.txt\n", encoding="utf-8")
        outcome = run(folder, "import", str(source))
        assert_clean_ending(outcome, ["participants.csv"])
        assert outcome.exit_code == 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_paragraph_over_spacys_limit_is_imported_whole():
    """F16: an auto-transcript with no blank lines: one paragraph longer than spaCy takes at once."""
    workdir = scratch()
    try:
        folder = fresh_project("fresh", workdir)
        path = workdir / "auto.txt"
        long_turn = "Ik werkte daar lang. " * 52_000
        path.write_text(f"I: Vertel eens.\nR: {long_turn}{MARKER}\nI: Dank je.\nR: Graag.\n", encoding="utf-8")
        outcome = run(folder, "import", str(path))
        assert_clean_ending(outcome, [path.name])
        assert outcome.exit_code == 0, outcome.output
        assert_valid_database(folder)
        assert squash(MARKER) in squash(stored_texts(folder)["auto.txt"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_alias_bomb_in_front_matter_is_refused():
    """F17: 300 bytes of front matter whose aliases expand to 43 million values."""
    workdir = scratch()
    try:
        folder = fresh_project("fresh", workdir)
        path = workdir / "bom.md"
        path.write_text(BOMB_FRONT_MATTER, encoding="utf-8")
        with memory_bound():
            outcome = run(folder, "import", str(path))
        assert_clean_ending(outcome, [path.name])
        assert outcome.exit_code == 1
        assert (folder / "qcode.db").stat().st_size < 5_000_000
    finally:
        shutil.rmtree(workdir, ignore_errors=True)



CODEBOOK_RECIPES = [
    ("F9-nul", b"name: a\x00\nversion: 1\ncodes:\n  - id: a\n    label: A\n"),
    ("F9-control-char", b"name: Exit\x01studie\nversion: 1\ncodes:\n  - id: a\n    label: A\n"),
    ("F13-nested-400-deep", ("name: x\nversion: 1\ncodes:\n" + "".join(
        f"{'  ' * (2 * d)}  - id: c{d}\n{'  ' * (2 * d)}    label: L\n{'  ' * (2 * d)}    codes:\n" for d in range(400))
        + f"{'  ' * 800}  - id: bodem\n{'  ' * 800}    label: B\n").encode()),
    ("F13-flow-1000-deep", b"name: x\nversion: 1\ncodes: " + b"[" * 1000 + b"]" * 1000 + b"\n"),
]


@pytest.mark.parametrize("content", [r[1] for r in CODEBOOK_RECIPES], ids=[r[0] for r in CODEBOOK_RECIPES])
def test_codebook_recipes_end_cleanly(content):
    check_codebook_recipe(content)


def check_codebook_recipe(content):
    workdir = scratch()
    try:
        folder = fresh_project("prefilled", workdir)
        path = workdir / "codeboek.yaml"
        path.write_bytes(content)
        outcome = run(folder, "codebook", "load", str(path))
        assert_clean_ending(outcome, [path.name], marker=None)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


CODINGS_RECIPES = [
    ("F14-fragment-id-10-22", "fragment;code;coder\n10000000000000000000000;werkdruk;anna\n", 1),
    ("F15-conflicting-duplicates", "fragment;code;coder;main\n2;salaris;anna;1\n2;salaris;anna;0\n", 1),
    ("F15-conflicting-memos", "fragment;code;coder;memo\n2;salaris;anna;eerst\n2;salaris;anna;daarna\n", 1),
]


@pytest.mark.parametrize("content, expected", [r[1:] for r in CODINGS_RECIPES], ids=[r[0] for r in CODINGS_RECIPES])
def test_codings_recipes_end_cleanly(content, expected):
    workdir = scratch()
    try:
        folder = fresh_project("prefilled", workdir)
        path = workdir / "codings.csv"
        path.write_text(content, encoding="utf-8")
        outcome = run(folder, "codings", "import", str(path))
        assert_clean_ending(outcome, [path.name])
        assert outcome.exit_code == expected, outcome.output
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def memory_bound(extra: int = 1_500_000_000):
    """Cap this process's address space, so an unbounded input fails this test instead of the machine."""
    size = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmSize:"))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (size + extra, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def test_docx_zip_bomb_is_refused():
    """F18: a small Word file whose document.xml unpacks to 300 MB of short paragraphs."""
    workdir = scratch()
    try:
        folder = fresh_project("fresh", workdir)
        path = workdir / "bom.docx"
        paragraph = "<w:p><w:r><w:t>Ja.</w:t></w:r></w:p>"
        path.write_bytes(_docx_with(lambda t: t.replace("</w:body>", paragraph * 8_000_000 + "</w:body>", 1)))
        assert path.stat().st_size < 1_000_000
        with memory_bound():
            outcome = run(folder, "import", str(path))
        assert_clean_ending(outcome, [path.name])
        assert outcome.exit_code == 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_marker_is_planted():
    """The privacy check would be empty if the marker sentence lost its marker word."""
    assert MARKER_WORD in MARKER and Path(__file__).name.startswith("test_fuzz_")
