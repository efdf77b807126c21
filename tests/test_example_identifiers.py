"""No export of the example study's main job carries a name, place or organisation (issue 15).

The example's interviews and consultation carry invented identifiers, planted where people say them:
colleagues' first names, managers' full names, foundations, municipalities, neighbourhoods, schools,
a street, phone numbers and an e-mail address, and the names qcode knows from the files (speakers,
interviewers). `.ci/example` runs here on a copy, and every file it writes in exports/ is read back
in its own format (Word body, tables, headers, footers, footnotes and properties; every sheet and
cell of a workbook; CSV, JSON, Markdown, HTML; the metadata of images, and the words the word cloud is
drawn from). None may hold a planted identifier; the database still holds them all, and a report
written with --no-anonymise prints them.

A failure names the export and the identifier's category and number in PLANTED, never its text.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO
from qcode.cli import app
from test_example_study import example_commands


@dataclass(frozen=True)
class Planted:
    category: str
    text: str

    def pattern(self) -> re.Pattern[str]:
        if self.category == "telefoon":  # the digits, whatever separates them
            return re.compile(r"(?<!\d)" + r"[\s\-./()]*".join(re.escape(d) for d in re.sub(r"\D", "", self.text))
                              + r"(?!\d)")
        if self.category == "email":     # its name or its domain, in any case
            return re.compile("|".join(re.escape(part) for part in self.text.split("@")), re.I)
        words = r"\s+".join(re.escape(word) for word in self.text.split())
        return re.compile(rf"(?<![\w@.]){words}(?![\w])")  # a whole word, as written (the coder 'sanne' is not 'Sanne')


# Every identifier in the example's data. Person names are listed whole and by their surname too.
PLANTED: tuple[Planted, ...] = tuple(Planted(c, t) for c, t in [
    # colleagues, managers, residents, an alderman, a school head (the interviews)
    ("persoon", "Esther"), ("persoon", "Joost"), ("persoon", "Monique Verhoef"), ("persoon", "Verhoef"),
    ("persoon", "Joyce"), ("persoon", "Fleur"), ("persoon", "Mehmet"), ("persoon", "Kuipers"),
    ("persoon", "Anouk"), ("persoon", "Bas"), ("persoon", "Lotte"), ("persoon", "Thea"),
    ("persoon", "Brinkhorst"), ("persoon", "Marco"), ("persoon", "Ruud"), ("persoon", "Yasmina"),
    ("persoon", "Henk"), ("persoon", "Ellen van Tuijl"), ("persoon", "Tuijl"), ("persoon", "Gert-Jan"),
    ("persoon", "Wilma"), ("persoon", "Petra"), ("persoon", "Saskia Meijering"), ("persoon", "Meijering"),
    ("persoon", "Priya"), ("persoon", "Kees Brouwer"), ("persoon", "Brouwer"),
    # people named in the consultation's answers
    ("persoon", "Jeroen"), ("persoon", "Marja de Boer"), ("persoon", "Marja"),
    # names qcode knows from the files: a participant's speaker label and first name, the interviewers
    ("bekend", "Sanne"), ("bekend", "Karin Jansen"), ("bekend", "Karin"), ("bekend", "Jansen"),
    ("bekend", "Marieke de Vries"), ("bekend", "Marieke"), ("bekend", "Tom Bakker"), ("bekend", "Bakker"),
    # foundations, a community centre, municipalities (the name in 'gemeente …' and 'Stichting Welzijn …')
    ("organisatie", "Stichting Welzijn Vlietbergen"), ("organisatie", "Stichting Jongerenwerk Dalvoorde"),
    ("organisatie", "De Zwaan"), ("organisatie", "Rivierenland"),
    ("gemeente", "Vlietbergen"), ("gemeente", "Dalvoorde"),
    # neighbourhoods, schools, a street
    ("wijk", "Kievitshoek"), ("wijk", "Zwanenbuurt"), ("wijk", "Schelpenwijk"),
    ("school", "Wilgenhoek"), ("school", "Vlietcollege"),
    ("adres", "Waterhoenlaan"),
    # said or written in passing
    ("telefoon", "06-41 27 83 95"), ("telefoon", "06-23 84 61 07"),
    ("email", "w.hendriks@buurtwerkdalvoorde.nl"),
])
NEVER_REPLACED = ("Movisie", "Jeugdwet")  # the example's 'nooit' list: national bodies and laws
COMMITTED = {"README.md"}                  # exports/ files that come with the repository, not from qcode
# Files exchanged within the team (fragments -o): the original text by default, so they round-trip onto the
# transcripts (issue 15); .ci/example writes them without --anonymise.
EXCHANGE = {"fragmenten.csv", "fragmenten.json", "enquete-antwoorden.csv"}


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """A copy of the example study after every command of .ci/example."""
    folder = tmp_path_factory.mktemp("example-identifiers")
    for part in ("codebooks", "transcripts", "exports", "tekst"):
        shutil.copytree(REPO / part, folder / part)
    shutil.copy(REPO / "anonimiseren.yaml", folder)
    for arguments in example_commands():
        result = _qcode(folder, arguments)
        assert result.exit_code == 0, f"qcode {' '.join(arguments)}\n{result.output}"
    return folder


def _qcode(folder: Path, arguments: list[str]):
    cwd = os.getcwd()
    os.chdir(folder)  # .ci/example runs in the repository's top folder
    try:
        return CliRunner().invoke(app, arguments, catch_exceptions=False)
    finally:
        os.chdir(cwd)


def _leaks(text: str) -> list[str]:
    """What a text gives away: the category and number of each planted identifier in it."""
    return [f"{p.category} #{number}" for number, p in enumerate(PLANTED) if p.pattern().search(text)]


def _by_number(leak: str) -> int:
    return int(leak.rsplit("#", 1)[1])


# -- reading every export back in its own format --------------------------------------------------
def exported_files(exports: Path) -> list[Path]:
    project_files = {"qcode.db", "qcode.db-wal", "qcode.db-shm", "anonimiseren.yaml"}  # the consultation's project
    return sorted(p for p in exports.rglob("*") if p.is_file() and p.name not in COMMITTED
                  and not (p.name in project_files and p.parent != exports))


def export_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where in the file, its text) for every part of an export a reader could see."""
    readers = {".docx": _word_texts, ".xlsx": _workbook_texts, ".png": _image_texts, ".html": _html_texts}
    if path.suffix in readers:
        yield from readers[path.suffix](path)
    elif path.suffix in (".md", ".csv", ".json", ".txt"):
        text = path.read_text(encoding="utf-8-sig")
        yield "", text
        if path.suffix == ".md":
            yield "unescaped", re.sub(r"\\(.)", r"\1", text)  # Markdown escapes: Gert\-Jan, 06\-41
    else:
        pytest.fail(f"{path.name}: an export this test cannot read yet; add a reader for {path.suffix}")


def _word_texts(path: Path) -> Iterator[tuple[str, str]]:
    import docx

    document = docx.Document(str(path))
    yield "body", "\n".join(p.text for p in document.paragraphs)
    for number, table in enumerate(document.tables):
        yield f"table {number + 1}", "\n".join(_cell_texts(table))
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):
            yield "header/footer", "\n".join(p.text for p in part.paragraphs)
    properties = document.core_properties
    yield "properties", "\n".join(str(getattr(properties, name) or "") for name in
                                  ("title", "subject", "author", "keywords", "comments", "category",
                                   "last_modified_by", "identifier"))
    # footnotes, endnotes, comments, text boxes: every paragraph of every XML part, runs joined
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                yield name, _xml_paragraphs(archive.read(name))


def _cell_texts(table) -> Iterator[str]:
    for row in table.rows:
        for cell in row.cells:
            yield cell.text
            for inner in cell.tables:
                yield from _cell_texts(inner)


def _xml_paragraphs(xml: bytes) -> str:
    from lxml import etree

    root = etree.fromstring(xml)
    text_tags = {"t", "delText", "instrText"}  # Word's w:t, a:t of drawings, deleted and field text
    paragraphs = []
    for paragraph in root.iter("{*}p"):
        paragraphs.append("".join(node.text or "" for node in paragraph.iter()
                                  if isinstance(node.tag, str) and etree.QName(node).localname in text_tags))
    attributes = " ".join(value for node in root.iter() for value in node.attrib.values())  # titles, alt texts
    return "\n".join(paragraphs) + "\n" + attributes


def _workbook_texts(path: Path) -> Iterator[tuple[str, str]]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        cells = [sheet.title]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    cells.append(str(cell.value))
                if cell.comment is not None:
                    cells.append(cell.comment.text)
        yield f"sheet {sheet.title!r}", "\n".join(cells)
    properties = book.properties
    yield "properties", "\n".join(str(getattr(properties, name) or "") for name in
                                  ("title", "subject", "creator", "keywords", "description", "category"))
    with zipfile.ZipFile(path) as archive:  # shared strings, defined names, anything else a reader may see
        for name in archive.namelist():
            if name.endswith(".xml"):
                yield name, html.unescape(re.sub(r"<[^>]+>", " ", archive.read(name).decode("utf-8")))


def _html_texts(path: Path) -> Iterator[tuple[str, str]]:
    source = path.read_text(encoding="utf-8")
    yield "source", html.unescape(source)
    yield "text", html.unescape(re.sub(r"<[^>]+>", "", source))  # words split by markup


def _image_texts(path: Path) -> Iterator[tuple[str, str]]:
    from PIL import Image

    with Image.open(path) as image:
        yield "metadata", "\n".join(f"{k} {v}" for k, v in image.info.items() if isinstance(v, str))


# -- the tests --------------------------------------------------------------------------------------
def test_the_example_holds_every_planted_identifier_and_the_database_keeps_them(example):
    """The test means something only while the data says these things; pseudonymising changes no stored text."""
    stored = []
    for database in (example / "qcode.db", example / "exports" / "enquete" / "qcode.db"):
        with sqlite3.connect(database) as conn:
            stored += [text for (text,) in conn.execute("SELECT text FROM fragments")]
            stored += [speaker or "" for (speaker,) in conn.execute("SELECT DISTINCT speaker FROM turns")]
            stored += [text for (text,) in conn.execute("SELECT text FROM transcripts")]
    everything = "\n".join(stored)
    missing = [f"{p.category} #{n}" for n, p in enumerate(PLANTED) if not p.pattern().search(everything)]
    assert not missing, f"planted identifiers no longer in the example's database: {missing}"
    kept = [word in everything for word in NEVER_REPLACED]
    assert all(kept), kept


def test_the_reports_replace_identifiers_with_readable_labels_and_keep_the_never_list(example):
    report = (example / "exports" / "rapport-anna.md").read_text(encoding="utf-8")
    numbered = bool(re.search(r"\\?\[naam \d+\\?\]", report))          # persons numbered within the chapter
    labelled = bool(re.search(r"\\?\[(gemeente|organisatie|school|wijk)\\?\]", report))
    assert numbered and labelled, (numbered, labelled)  # (booleans: a failure prints no participant's words)
    import openpyxl

    book = openpyxl.load_workbook(example / "exports" / "citaten-anna.xlsx")
    cells = "\n".join(str(c) for c in book["alle"].iter_rows(values_only=True))
    kept = [word in cells for word in NEVER_REPLACED]
    assert all(kept), f"a word on the example's 'nooit' list was replaced: {kept}"


def test_the_report_without_anonymising_prints_what_was_said(example, tmp_path):
    raw = tmp_path / "rapport-anna-ruw.md"
    result = _qcode(example, ["report", "--coder", "anna", "--start", "2", "--attribute", "former_role,age",
                              "--max-quotes", "4", "--no-anonymise", "-o", str(raw)])
    assert result.exit_code == 0, result.output
    text = raw.read_text(encoding="utf-8")
    said = [p for p in PLANTED if p.pattern().search(text)]
    assert {"persoon", "gemeente", "organisatie", "school", "wijk", "adres"} <= {p.category for p in said}
    assert len(said) >= 15, len(said)
def test_no_export_of_the_main_job_contains_a_planted_identifier(example):
    files = [p for p in exported_files(example / "exports") if p.name not in EXCHANGE]
    names = {p.relative_to(example / "exports").as_posix() for p in files}
    assert {"rapport.md", "rapport.docx", "rapport.html", "rapport-anna.md", "rapport-anna.docx", "citaten.xlsx",
            "citaten-anna.xlsx", "verschillen.xlsx", "matrix-functie.xlsx", "themas.png", "enquete-rapport.docx",
            "enquete-woorden-v12.png"} <= names
    leaks = {}
    for path in files:
        found = {leak for _, text in export_texts(path) for leak in _leaks(text)}
        if found:
            leaks[path.relative_to(example / "exports").as_posix()] = ", ".join(sorted(found, key=_by_number))
    assert not leaks, "planted identifiers in exports:\n" + "\n".join(f"{k}: {v}" for k, v in sorted(leaks.items()))


def test_the_exchanged_fragments_keep_the_original_text(example):
    """fragments -o without --anonymise: what was said, so a colleague's sheet reads back onto the transcripts."""
    text = (example / "exports" / "fragmenten.csv").read_text(encoding="utf-8-sig")
    assert len([p for p in PLANTED if p.pattern().search(text)]) >= 40
