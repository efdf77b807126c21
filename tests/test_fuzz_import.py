"""Fuzzing the importer: random bytes, mutated files and random valid-shaped files of every format.

Every run goes through the real CLI on a real project and must end in one of two ways: exit 0 with
a valid import, or exit 1 with a message naming the file and the database exactly as before. Never
a traceback, never a raw ESC on the terminal, never the participant's words in an error.

Hypothesis runs derandomized (the same examples on every run) with a bounded number of examples;
QCODE_FUZZ_EXAMPLES raises the bound and QCODE_FUZZ_EXPLORE=1 draws fresh examples and reports every
distinct failure, for hunting rather than for CI. The other tests/test_fuzz_*.py modules share the
harness defined here.
"""
from __future__ import annotations

import atexit
import codecs
import contextlib
import csv
import io
import os
import re
import shutil
import sqlite3
import struct
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
import typer
import typer.testing
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import qcode.cli
from qcode import Project, importer
from qcode.cli import app

# -- settings ----------------------------------------------------------------------------------

EXPLORE = os.environ.get("QCODE_FUZZ_EXPLORE") == "1"
EXAMPLES = int(os.environ.get("QCODE_FUZZ_EXAMPLES", "0")) or None


def fuzz_settings(examples: int):
    """Deterministic and bounded for CI; fresh and plentiful when exploring."""
    return settings(
        max_examples=EXAMPLES or examples, deadline=None, derandomize=not EXPLORE, database=None,
        report_multiple_bugs=EXPLORE, print_blob=False,
        phases=(Phase.explicit, Phase.generate, Phase.shrink) if EXPLORE else (Phase.explicit, Phase.generate),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                               HealthCheck.function_scoped_fixture],
    )


# -- small synthetic Dutch pieces --------------------------------------------------------------

# Participant words that must never show up in an error message (privacy): planted in every body.
MARKER_WORD = "Zwaluwstaartkoekje"
MARKER = f"Ik vertel je iets vertrouwelijks over het {MARKER_WORD} van mijn teamleider."

SENTENCES = [
    "Ik werkte zes jaar als jongerenwerker in de wijk.",
    "De werkdruk werd steeds hoger en niemand deed er iets aan.",
    "Mijn leidinggevende had nooit tijd voor een gesprek.",
    "Eerlijk gezegd viel het salaris me tegen na elf jaar.",
    "We kregen elk jaar een nieuwe aanbesteding.",
    "Ik heb twee keer intern gesolliciteerd.",
    "De registratie kostte meer tijd dan het contact met cliënten.",
    "Toen ben ik gestopt.",
    "Ja.",
    "Nee, dat denk ik niet.",
    "Het team was hecht, dat miste ik het meest.",
    "Na de reorganisatie was er geen seniorfunctie meer.",
    "Een jongen dreigde me met een mes.",
    "Niemand vroeg daarna hoe het met me ging.",
    "Ik zat op € 3.150 bruto, dat is niet reëel.",
    "Wat was de druppel?",
    "Hoe reageerde je leidinggevende?",
    "Kun je daar een voorbeeld van geven?",
    "Ik zei: dat gaat zo niet langer.",
    "Cliënten waren heel dankbaar, één keer kreeg ik een kaartje.",
]
INTERVIEWERS = ["I", "Int", "Interviewer", "Marieke", "Marieke de Vries"]
RESPONDENTS = ["R", "Resp", "Respondent", "Sanne", "Karin Jansen", "Ahmed", "Joost van der Berg", "Fatma Yılmaz"]
FUNCTIONS = ["jongerenwerker", "opbouwwerker", "sociaal raadslid", "maatschappelijk werker", "wijkcoach"]

HOSTILE = [
    "\x00", "\x1b]0;gehackt\x07", "\x1b[2J", "\x1b[8m", "\x1b", "\ufeff", "\r", "\r\r\n", "\n\n", "\u2028",
    "\u0085", "\x0c", "\t", '"', '""', "'", ";", ",", ":", "---\n", "...\n", "I:", "R: ", "[00:00:01] Sanne:",
    "[99:99:99] X:", "-->", "00:00:01.000 --> 00:00:02.000", "<v Sanne>", "</v>", "<v >", "NOTE ", "WEBVTT",
    "&a [*a, *a]", "*a", "!!python/object/apply:os.system ['echo']", "!!timestamp 2024-01-01", "<<: *a",
    "{", "[", "? ", "%YAML 1.1\n", "<!DOCTYPE x [<!ENTITY e \"ee\">]>", "&e;", "&amp;", "<![CDATA[x]]>",
    "=HYPERLINK(\"http://x\",\"klik\")", "=1+1", "@SUM(1)", "-1", "+31", "\ud800", "\udfff", "é", "ﬁ",
    "\u202e", "\u200b", "😀", "2024-01-01", "1e309", "10000000000000000000000", "NaN", "~", "null",
]


def paragraphs_st(min_size: int = 1, max_size: int = 3) -> st.SearchStrategy[str]:
    sentence = st.sampled_from(SENTENCES)
    return st.lists(st.lists(sentence, min_size=1, max_size=4).map(" ".join), min_size=min_size, max_size=max_size)


# -- the harness -------------------------------------------------------------------------------

RUNNER = CliRunner()
COMMAND = typer.main.get_command(app)  # Typer rebuilds it on every invoke otherwise: most of a run's time
TRACEBACK = "Traceback (most recent call last)"


def dump(folder: Path) -> list[str]:
    with Project.open(folder) as project:
        return list(project.conn.iterdump())


_TEMPLATES: dict[str, Path] = {}
# SQLite syncs on every commit; in memory-backed /dev/shm a run costs a third of what it does on disk.
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


def scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="qcode-fuzz-", dir=SCRATCH))


_TEMPLATE_ROOT = scratch()
atexit.register(shutil.rmtree, _TEMPLATE_ROOT, True)


def template(name: str, build) -> Path:
    """A project folder built once per process; each example works on a copy."""
    if name not in _TEMPLATES:
        folder = _TEMPLATE_ROOT / name
        build(folder)
        _TEMPLATES[name] = folder
    return _TEMPLATES[name]


def _fresh(folder: Path) -> None:
    Project.init(folder).close()


PREFILLED_CODEBOOK = """\
name: Exitstudie
version: 1
language: nl
codes:
  - id: werkdruk
    label: Werkdruk
    codes:
      - id: registratie
        label: Registratiedruk
  - id: salaris
    label: Salaris
  - id: leidinggevende
    label: Leidinggevende
"""

PREFILLED_TRANSCRIPTS = {
    "u01.txt": "I: Waarom ben je gestopt?\nR: De werkdruk werd te hoog. De registratie kostte te veel tijd.\n\n"
               "I: En het salaris?\nR: Eerlijk gezegd viel dat tegen.\n",
    "u02.txt": "---\nparticipant: U02\nleeftijd: 41\n---\nInt: Hoe was je leidinggevende?\n"
               "Resp: Ja.\n\nInt: Wat miste je?\nResp: Ja.\nHet team, dat miste ik het meest.\n",
}


def _prefilled(folder: Path) -> None:
    """A project with transcripts, a codebook and codings: what a refused import must leave alone."""
    source = folder.parent / f"{folder.name}-bronnen"
    source.mkdir()
    for name, text in PREFILLED_TRANSCRIPTS.items():
        (source / name).write_text(text, encoding="utf-8")
    (source / "codeboek.yaml").write_text(PREFILLED_CODEBOOK, encoding="utf-8")
    with Project.init(folder) as project:
        project.load_codebook(source / "codeboek.yaml")
        project.import_paths([source / "u01.txt", source / "u02.txt"])
        ids = [row[0] for row in project.conn.execute("SELECT id FROM fragments ORDER BY id")]
        project.assign(ids[1], ["werkdruk", "registratie"], "anna", main=True, memo="hoofdreden")
        project.assign(ids[3], ["salaris"], "bert", star=True)
        project.mark_seen(ids[1], "anna")


def fresh_project(kind: str, workdir: Path) -> Path:
    """A copy of an empty ('fresh') or filled ('prefilled') project in workdir."""
    build = {"fresh": _fresh, "prefilled": _prefilled}[kind]
    folder = workdir / "project"
    shutil.copytree(template(kind, build), folder)
    return folder


@dataclass
class Outcome:
    exit_code: int
    output: str
    exception: BaseException | None
    before: list[str]
    after: list[str] = field(default_factory=list)


def run(folder: Path, *args: str) -> Outcome:
    """One CLI call on the project in `folder`, with the database dumped before and after."""
    before = dump(folder)
    with contextlib.ExitStack() as patches:
        patches.enter_context(mock.patch.object(typer.testing, "_get_command", lambda _: COMMAND))
        if EXPLORE:  # let the safety nets' unforeseen errors through, so each shows where it comes from
            patches.enter_context(mock.patch.object(qcode.cli, "show_unexpected", _reraise))
            patches.enter_context(mock.patch.object(importer, "unreadable", _reraise))
        result = RUNNER.invoke(app, ["--project", str(folder), *args], catch_exceptions=True)
    outcome = Outcome(result.exit_code, result.output, result.exception, before)
    outcome.after = dump(folder)
    return outcome


def _reraise(first, second):
    """Stands in for a safety net while exploring: the error itself, wherever it came from."""
    raise first if isinstance(first, BaseException) else second


# What the CLI's and the importer's safety nets print for an error nobody foresaw: a fault to report.
SAFETY_NETS = ("internal error:", "unexpected error")


def assert_clean_ending(outcome: Outcome, named: list[str], marker: str | None = MARKER_WORD) -> None:
    """Exit 0, or exit 1 naming one of `named` with the database unchanged; never a traceback or escape."""
    exception = outcome.exception
    if exception is not None and not isinstance(exception, SystemExit):
        raise exception  # re-raised as itself, so Hypothesis tells the distinct crashes apart
    assert TRACEBACK not in outcome.output, outcome.output[-3000:]
    assert outcome.exit_code in (0, 1), (outcome.exit_code, outcome.output[-2000:])
    assert "\x1b" not in outcome.output, "a raw ESC reached the terminal: " + repr(outcome.output[-2000:])
    if marker:
        assert marker not in outcome.output, "participant text in the output: " + repr(outcome.output[-2000:])
    if outcome.exit_code == 1:
        assert not any(net in outcome.output for net in SAFETY_NETS), \
            "only a safety net caught this: " + repr(outcome.output[-2000:])
        assert outcome.after == outcome.before, "a refused command changed the database"
        assert any(name in outcome.output for name in named), \
            f"the message names none of {named}: {outcome.output[-2000:]!r}"


def assert_valid_database(folder: Path) -> None:
    """Every stored offset points at its text; counts add up; SQLite's own checks pass."""
    conn = sqlite3.connect(folder / "qcode.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        texts = dict(conn.execute("SELECT id, text FROM transcripts"))
        turns = {row[0]: row[1:] for row in conn.execute('SELECT id, transcript_id, start, "end" FROM turns')}
        for transcript_id, turn_id, text, start, end, words in conn.execute(
                'SELECT transcript_id, turn_id, text, start, "end", words FROM fragments'):
            assert texts[transcript_id][start:end] == text, (transcript_id, start, end)
            assert text.strip() == text and text, (transcript_id, start, end)
            owner, turn_start, turn_end = turns[turn_id]
            assert owner == transcript_id and turn_start <= start <= end <= turn_end
        for transcript_id, words, total in conn.execute(
                "SELECT t.id, t.words, COALESCE(SUM(f.words), 0) FROM transcripts t "
                "LEFT JOIN fragments f ON f.transcript_id = t.id GROUP BY t.id"):
            assert words == total, (transcript_id, words, total)
        for transcript_id, start, end in turns.values():
            assert 0 <= start <= end <= len(texts[transcript_id])
        fts = conn.execute("SELECT COUNT(*) FROM fragments_fts WHERE fragments_fts MATCH 'werkdruk'").fetchone()[0]
        plain = conn.execute("SELECT COUNT(*) FROM fragments WHERE text LIKE '%werkdruk%'").fetchone()[0]
        assert fts <= plain
    finally:
        conn.close()


def stored_texts(folder: Path) -> dict[str, str]:
    conn = sqlite3.connect(folder / "qcode.db")
    try:
        return dict(conn.execute("SELECT name, text FROM transcripts"))
    finally:
        conn.close()


def squash(text: str) -> str:
    return " ".join(text.split())


# -- encodings and mutations -------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16"]


def encode(text: str, encoding: str, crlf: bool = False) -> bytes:
    if crlf:
        text = text.replace("\n", "\r\n")
    if encoding == "cp1252":
        return text.encode("cp1252", errors="replace")
    return text.encode(encoding, errors="surrogatepass")  # utf-16 writes its BOM; a lone surrogate stays malformed


@st.composite
def mutated(draw, data: bytes, text_encoding: str | None = "utf-8") -> Blob:
    """A valid file damaged a few times: flips, cuts, insertions of hostile tokens, doubled pieces."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "insert", "insert", "delete", "double",
                                     "huge", "surrogate", "crlf"]))
        at = draw(st.integers(0, max(len(data), 1))) if data else 0
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            token = draw(st.sampled_from(HOSTILE))
            data[at:at] = token.encode(text_encoding or "utf-8", errors="surrogatepass") if text_encoding != "utf-16" \
                else token.encode("utf-16-le", errors="surrogatepass")
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif kind == "double":
            data[at:at] = data[max(0, at - 200):at]
        elif kind == "huge":
            data[at:at] = b"lang " * draw(st.sampled_from([2_000, 30_000]))
        elif kind == "surrogate":
            data[at:at] = draw(st.sampled_from([b"\x00\xd8", b"\xff\xdf", b"\xed\xa0\x80", b"\xc3", b"\xff\xfe"]))
        elif kind == "crlf":
            data = bytearray(bytes(data).replace(b"\n", draw(st.sampled_from([b"\r", b"\r\n", b"\n\r"]))))
    return Blob(data)


def patch_zip(data: bytes, draw) -> bytes:
    """Damage a zip at the container level: wrong sizes, wrong CRC, a cut central directory."""
    data = bytearray(data)
    headers = [m.start() for m in re.finditer(rb"PK\x03\x04", bytes(data))]
    kind = draw(st.sampled_from(["size", "csize", "crc", "cut", "method"]))
    if not headers:
        return Blob(data)
    at = draw(st.sampled_from(headers))
    if kind == "size":  # uncompressed size
        data[at + 22:at + 26] = struct.pack("<I", draw(st.sampled_from([0, 1, 7, 0xFFFFFFFF, 10**9])))
    elif kind == "csize":
        data[at + 18:at + 22] = struct.pack("<I", draw(st.sampled_from([0, 1, 0xFFFFFFFF])))
    elif kind == "crc":
        data[at + 14:at + 18] = b"\x00\x00\x00\x00"
    elif kind == "method":
        data[at + 8:at + 10] = struct.pack("<H", draw(st.sampled_from([1, 12, 14, 99])))
    else:
        del data[draw(st.integers(len(data) // 2, len(data))):]
    return Blob(data)


@st.composite
def mutated_zip(draw, data: bytes, member: str) -> Blob:
    """An Office file whose XML member got hostile content, or whose zip structure is damaged."""
    kind = draw(st.sampled_from(["xml", "xml", "doctype", "entities", "zip", "bytes", "drop"]))
    if kind == "bytes":
        return draw(mutated(data, "utf-8"))
    if kind == "zip":
        return patch_zip(data, draw)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                if kind == "drop":
                    continue
                content = _hostile_xml(draw, content, kind)
            target.writestr(info, content)
    return Blob(out.getvalue())


def _hostile_xml(draw, content: bytes, kind: str) -> bytes:
    text = content.decode("utf-8")
    if kind == "doctype":
        doctype = draw(st.sampled_from([
            '<!DOCTYPE x [<!ENTITY e "Sanne">]>',
            '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
            '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
            '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>',
        ]))
        end = text.index("?>") + 2 if text.startswith("<?xml") else 0
        text = text[:end] + doctype + text[end:]
        if "ENTITY" in doctype:
            name = re.findall(r"ENTITY (\w+)", doctype)[-1]
            text = text.replace("</w:t>", f"&{name};</w:t>", 1).replace("</t>", f"&{name};</t>", 1)
        return text.encode("utf-8")
    if kind == "entities":
        token = draw(st.sampled_from(["&undefined;", "&#0;", "&#x1b;", "&#xD800;", "&#27;[2J", "&amp;", "&lt;"]))
    else:
        token = draw(st.sampled_from(HOSTILE + ["<w:t>", "</w:body>", "<x>", "</x>", "\x00", "\x1b[31m"]))
    positions = [m.end() for m in re.finditer(r"<w:t[^>]*>|<t[^>]*>|<v>|<c |<row ", text)] or [len(text) // 2]
    at = draw(st.sampled_from(positions))
    return (text[:at] + token + text[at:]).encode("utf-8", errors="surrogatepass")


# -- valid-shaped generators -------------------------------------------------------------------

class Made:
    """A generated input and what a valid import of it must contain (a short repr for failing examples)."""

    def __init__(self, data: bytes, paragraphs: list[str] | None = None) -> None:
        self.data = bytes(data)
        self.paragraphs = paragraphs or []

    def __repr__(self) -> str:
        return f"Made({short(self.data)})"


class Blob:
    """Bytes with a short repr, so a failing example prints readably."""

    def __init__(self, data: bytes) -> None:
        self.data = bytes(data)

    def __repr__(self) -> str:
        return short(self.data)


def short(data: bytes) -> str:
    head = bytes(data[:300])
    return f"<{len(data)} bytes: {head!r}{'…' if len(data) > 300 else ''}>"


@st.composite
def turns_st(draw) -> list[tuple[str, list[str]]]:
    interviewer = draw(st.sampled_from(INTERVIEWERS))
    respondent = draw(st.sampled_from([r for r in RESPONDENTS if r[0] != interviewer[0]]))
    count = draw(st.integers(4, 8))  # each speaker speaks twice: a name is a label when it opens two turns
    turns = []
    for n in range(count):
        speaker = interviewer if n % 2 == 0 else respondent
        turns.append((speaker, draw(paragraphs_st(1, 3))))
    where = draw(st.integers(0, count - 1))
    turns[where][1].append(MARKER)
    return turns


@st.composite
def text_transcript(draw, front_matter: bool) -> Made:
    turns = draw(turns_st())
    lines: list[str] = []
    if front_matter:
        lines += ["---", f"participant: P{draw(st.integers(1, 99)):02d}", f"leeftijd: {draw(st.integers(18, 70))}",
                  f"functie: {draw(st.sampled_from(FUNCTIONS))}"]
        if draw(st.booleans()):
            lines.append(f"datum: 2026-0{draw(st.integers(1, 9))}-1{draw(st.integers(0, 9))}")
        lines.append("---")
    stamps = draw(st.booleans())
    blank = draw(st.booleans())
    for n, (speaker, paragraphs) in enumerate(turns):
        prefix = f"[00:{n:02d}:{draw(st.integers(0, 59)):02d}] " if stamps else ""
        lines.append(f"{prefix}{speaker}: {paragraphs[0]}")
        for paragraph in paragraphs[1:]:
            lines += ["", paragraph]
        if blank:
            lines.append("")
    text = "\n".join(lines) + "\n"
    encoding = draw(st.sampled_from(ENCODINGS))
    return Made(encode(text, encoding, crlf=draw(st.booleans())),
                [p for _, ps in turns for p in ps] if encoding != "cp1252" else [])


def _timestamp(seconds: float) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"


@st.composite
def vtt_transcript(draw) -> Made:
    turns = draw(turns_st())
    lines = ["WEBVTT", ""]
    clock = 1.0
    for n, (speaker, paragraphs) in enumerate(turns):
        for m, paragraph in enumerate(paragraphs):
            duration = draw(st.integers(1, 9)) + 0.5
            if draw(st.booleans()):
                lines.append(f"a1b2/{n}-{m}")
            closing = "</v>" if draw(st.booleans()) else ""
            lines += [f"{_timestamp(clock)} --> {_timestamp(clock + duration)}", f"<v {speaker}>{paragraph}{closing}", ""]
            clock += duration + 0.25
    text = "\n".join(lines)
    return Made(encode(text, draw(st.sampled_from(["utf-8", "utf-8-sig"])), crlf=draw(st.booleans())),
                [" ".join(ps) for _, ps in turns])


def stable_zip(data: bytes) -> bytes:
    """The same Office file for the same content: no save times (Hypothesis replays draws byte for byte)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-11-25T10:00:00Z", content)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 11, 25, 10, 0, 0)), content,
                            zipfile.ZIP_DEFLATED)
    return out.getvalue()


def docx_bytes(turns: list[tuple[str, list[str]]], table: bool, bold: bool) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Transcript exitinterview")
    if table:
        grid = document.add_table(rows=0, cols=2)
        for speaker, paragraphs in turns:
            cells = grid.add_row().cells
            cells[0].text = speaker
            cells[1].text = paragraphs[0]
            for paragraph in paragraphs[1:]:
                cells[1].add_paragraph(paragraph)
    else:
        for speaker, paragraphs in turns:
            first = document.add_paragraph()
            first.add_run(f"{speaker}:").bold = bold
            first.add_run(f" {paragraphs[0]}")
            for paragraph in paragraphs[1:]:
                document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return stable_zip(out.getvalue())


@st.composite
def docx_transcript(draw) -> Made:
    turns = draw(turns_st())
    return Made(docx_bytes(turns, draw(st.booleans()), draw(st.booleans())), [p for _, ps in turns for p in ps])


def sheet_bytes(header: list[str], rows: list[list[object]], suffix: str, delimiter: str = ";",
                encoding: str = "utf-8-sig") -> bytes:
    if suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return stable_zip(out.getvalue())
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return encode(text.getvalue(), encoding)


@st.composite
def survey_sheet(draw, suffix: str) -> Made:
    count = draw(st.integers(1, 8))
    rows, paragraphs = [], []
    marker_row = draw(st.integers(0, count - 1))
    for n in range(count):
        answer = draw(paragraphs_st(0, 2))
        if n == marker_row:
            answer.append(MARKER)
        paragraphs += answer
        rows.append([f"R{n + 1}", draw(st.sampled_from(FUNCTIONS)), "\n\n".join(answer) or None])
    delimiter = draw(st.sampled_from([";", ","]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig"]))
    return Made(sheet_bytes(["respondent", "functie", "antwoord"], rows, suffix, delimiter, encoding), paragraphs)


# -- running an import -------------------------------------------------------------------------

SURVEY_ARGS = ("--id-column", "respondent", "--text-column", "antwoord")


def import_one(data: bytes, suffix: str, kind: str = "fresh", extra: tuple[str, ...] = ()) -> tuple[Outcome, Path]:
    """Write `data` as one input file and import it into a copy of a fresh or filled project."""
    workdir = scratch()
    folder = fresh_project(kind, workdir)
    source = workdir / "invoer"
    source.mkdir()
    path = source / f"interview{suffix}"
    path.write_bytes(data)
    outcome = run(folder, "import", str(path), *extra)
    return outcome, folder


def check_import(data: bytes | Blob, suffix: str, kind: str, expected: list[str] | None = None,
                 extra: tuple[str, ...] = (), expected_if_imported: list[str] | None = None) -> Outcome:
    """Import and check the ending; a valid-shaped input (`expected` given) must import, with all its text;
    a damaged one whose text must survive if it is imported at all gives `expected_if_imported`."""
    outcome, folder = import_one(data.data if isinstance(data, Blob) else data, suffix, kind, extra)
    try:
        assert_clean_ending(outcome, [f"interview{suffix}"])
        if outcome.exit_code == 0:
            assert_valid_database(folder)
        if expected is not None:
            assert outcome.exit_code == 0, f"a valid {suffix} file was refused: {outcome.output[-2000:]}"
        if outcome.exit_code == 0 and (expected or expected_if_imported):
            stored = squash(" ".join(stored_texts(folder).values()))
            for paragraph in expected or expected_if_imported:
                assert squash(paragraph) in stored, "text lost or garbled on import"
        return outcome
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


TRANSCRIPT_SUFFIXES = [".txt", ".md", ".vtt", ".docx"]
KINDS = st.sampled_from(["fresh", "prefilled"])


# -- (a) random bytes --------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [*TRANSCRIPT_SUFFIXES, ".csv", ".xlsx"])
@fuzz_settings(25)
@given(data=st.one_of(st.binary(max_size=3000),
                      st.text(max_size=2000).map(lambda t: t.encode("utf-8", errors="surrogatepass"))),
       kind=KINDS)
def test_random_bytes_end_cleanly(suffix, data, kind):
    check_import(data, suffix, kind, extra=SURVEY_ARGS if suffix in (".csv", ".xlsx") else ())


# -- (b) mutations of valid files --------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md"])
@fuzz_settings(40)
@given(data=st.data(), kind=KINDS)
def test_mutated_text_transcripts_end_cleanly(suffix, data, kind):
    made = data.draw(text_transcript(front_matter=suffix == ".md" or data.draw(st.booleans())))
    check_import(data.draw(mutated(made.data)), suffix, kind)


@fuzz_settings(40)
@given(data=st.data(), kind=KINDS)
def test_mutated_vtt_ends_cleanly(data, kind):
    made = data.draw(vtt_transcript())
    check_import(data.draw(mutated(made.data)), ".vtt", kind)


@fuzz_settings(30)
@given(data=st.data(), kind=KINDS)
def test_mutated_docx_ends_cleanly(data, kind):
    made = data.draw(docx_transcript())
    check_import(data.draw(mutated_zip(made.data, "word/document.xml")), ".docx", kind)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@fuzz_settings(30)
@given(data=st.data(), kind=KINDS)
def test_mutated_survey_sheets_end_cleanly(suffix, data, kind):
    made = data.draw(survey_sheet(suffix))
    damaged = data.draw(mutated_zip(made.data, "xl/worksheets/sheet1.xml") if suffix == ".xlsx"
                        else mutated(made.data))
    check_import(damaged, suffix, kind, extra=SURVEY_ARGS)


# -- (c) valid-shaped files --------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".txt", ".md"])
@fuzz_settings(25)
@given(data=st.data(), kind=KINDS)
def test_valid_text_transcripts_import_whole(suffix, data, kind):
    made = data.draw(text_transcript(front_matter=suffix == ".md"))
    check_import(made.data, suffix, kind, made.paragraphs)


@fuzz_settings(25)
@given(made=vtt_transcript(), kind=KINDS)
def test_valid_vtt_imports_whole(made, kind):
    check_import(made.data, ".vtt", kind, made.paragraphs)


@fuzz_settings(20)
@given(made=docx_transcript(), kind=KINDS)
def test_valid_docx_imports_whole(made, kind):
    check_import(made.data, ".docx", kind, made.paragraphs)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@fuzz_settings(20)
@given(data=st.data(), kind=KINDS)
def test_valid_survey_sheets_import_whole(suffix, data, kind):
    made = data.draw(survey_sheet(suffix))
    check_import(made.data, suffix, kind, made.paragraphs, extra=SURVEY_ARGS)


# -- participants sheets beside transcripts ----------------------------------------------------

PARTICIPANT_TRANSCRIPTS = {
    "gesprek1.txt": f"I: Waarom ben je gestopt?\nR: De werkdruk werd te hoog.\nI: En verder?\nR: {MARKER}\n",
    "gesprek2.txt": "Int: Hoe was je team?\nResp: Het team was hecht.\nInt: Wat miste je?\nResp: Ja.\n",
}


@st.composite
def participants_sheet(draw, suffix: str) -> Made:
    """A participants sheet naming the two transcripts, in random column order, with attributes."""
    columns = draw(st.permutations(["participant", "transcript", "leeftijd", "functie", "interviewer"]))
    rows = []
    for n, name in enumerate(PARTICIPANT_TRANSCRIPTS, start=1):
        values = {"participant": f"W{n:02d}", "transcript": name, "leeftijd": draw(st.integers(20, 67)),
                  "functie": draw(st.sampled_from(FUNCTIONS)), "interviewer": draw(st.sampled_from(["", "I", "Int"]))}
        rows.append([values[c] if values[c] != "" else None for c in columns])
    delimiter = draw(st.sampled_from([";", ","]))
    return Made(sheet_bytes(list(columns), rows, suffix, delimiter, draw(st.sampled_from(["utf-8", "utf-8-sig"]))),
                [f"W{n:02d}" for n in range(1, len(PARTICIPANT_TRANSCRIPTS) + 1)])


def check_folder_import(sheet: bytes | Blob, suffix: str, kind: str, participants: list[str] | None = None) -> None:
    """Import a folder of two transcripts and a participants sheet; a valid sheet must give the ids."""
    workdir = scratch()
    try:
        folder = fresh_project(kind, workdir)
        source = workdir / "interviews"
        source.mkdir()
        for name, text in PARTICIPANT_TRANSCRIPTS.items():
            (source / name).write_text(text, encoding="utf-8")
        (source / f"participants{suffix}").write_bytes(sheet.data if isinstance(sheet, Blob) else sheet)
        outcome = run(folder, "import", str(source))
        assert_clean_ending(outcome, [f"participants{suffix}"])
        if outcome.exit_code == 0:
            assert_valid_database(folder)
        if participants is not None:
            assert outcome.exit_code == 0, f"a valid participants sheet was refused: {outcome.output[-2000:]}"
            conn = sqlite3.connect(folder / "qcode.db")
            found = dict(conn.execute("SELECT name, participant_id FROM transcripts"))
            conn.close()
            assert [found[name] for name in PARTICIPANT_TRANSCRIPTS] == participants
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@fuzz_settings(15)
@given(data=st.data(), kind=KINDS)
def test_valid_participants_sheets_name_the_participants(suffix, data, kind):
    made = data.draw(participants_sheet(suffix))
    check_folder_import(made.data, suffix, kind, made.paragraphs)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@fuzz_settings(25)
@given(data=st.data(), kind=KINDS)
def test_mutated_participants_sheets_end_cleanly(suffix, data, kind):
    made = data.draw(participants_sheet(suffix))
    damaged = data.draw(mutated_zip(made.data, "xl/worksheets/sheet1.xml") if suffix == ".xlsx"
                        else mutated(made.data))
    check_folder_import(damaged, suffix, kind)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@fuzz_settings(15)
@given(data=st.binary(max_size=2000), kind=KINDS)
def test_random_participants_sheets_end_cleanly(suffix, data, kind):
    check_folder_import(data, suffix, kind)


# -- hostile file names, --skip-bad, re-import of changed transcripts ---------------------------

NAME_PIECES = ["\x1b[2J", "\x1b]0;x\x07", "[bold]", "[red]x", "\n", "\t", " ", "'", '"', "é", "e\u0301", "\u202e", "#",
               "..", "-", "%s", "{}", "😀"]


TURNS_FOR_NAMES = [("I", ["Waarom ben je gestopt?"]), ("R", ["De werkdruk."]), ("I", ["En?"]), ("R", ["Ja."])]


@fuzz_settings(20)
@given(piece=st.sampled_from(NAME_PIECES), suffix=st.sampled_from([".txt", ".md", ".vtt", ".docx"]),
       valid=st.booleans(), kind=KINDS)
def test_hostile_file_names_end_cleanly(piece, suffix, valid, kind):
    """A file name with control characters or Rich markup: never on the terminal as such."""
    workdir = scratch()
    try:
        folder = fresh_project(kind, workdir)
        content = {".txt": b"I: vraag\nR: antwoord\nI: nog een\nR: ja\n", ".md": b"I: vraag\nR: antwoord\n",
                   ".vtt": b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Sanne>Ja.</v>\n",
                   ".docx": docx_bytes(TURNS_FOR_NAMES, table=False, bold=True)}[suffix]
        path = workdir / f"interview{piece}{suffix}"
        path.write_bytes(content if valid else b"\x00\xff" + content[:10])
        outcome = run(folder, "import", str(path))
        assert_clean_ending(outcome, ["interview"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.parametrize("suffix", [".txt", ".vtt", ".docx"])
@fuzz_settings(15)
@given(data=st.data())
def test_skip_bad_imports_the_good_file_beside_a_bad_one(suffix, data):
    """--skip-bad: the damaged file is listed, the good one beside it is imported whole."""
    made = data.draw({".txt": text_transcript(False), ".vtt": vtt_transcript(), ".docx": docx_transcript()}[suffix])
    damaged = data.draw(mutated_zip(made.data, "word/document.xml") if suffix == ".docx" else mutated(made.data))
    workdir = scratch()
    try:
        folder = fresh_project("prefilled", workdir)
        source = workdir / "interviews"
        source.mkdir()
        (source / "goed.txt").write_text("I: Waarom ben je gestopt?\nR: De werkdruk.\nI: En?\nR: Ja.\n", encoding="utf-8")
        (source / f"kapot{suffix}").write_bytes(damaged.data)
        outcome = run(folder, "import", "--skip-bad", str(source))
        assert_clean_ending(outcome, [f"kapot{suffix}"])
        assert outcome.exit_code == 0, outcome.output[-2000:]
        assert_valid_database(folder)
        assert "goed.txt" in stored_texts(folder)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


EDITS = SENTENCES + ["I: Mag ik nog iets vragen?", "R: Ja.", "", "Ja.", "R:", "I:"]


@st.composite
def edited(draw, text: str) -> str:
    """A transcript as a researcher changes it: lines inserted, deleted, doubled, or hostile tokens."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines)))
        kind = draw(st.sampled_from(["insert", "insert", "delete", "double", "token"]))
        if kind == "insert":
            lines.insert(at, draw(st.sampled_from(EDITS)))
        elif kind == "delete" and at < len(lines):
            del lines[at]
        elif kind == "double" and at < len(lines):
            lines.insert(at, lines[at])
        elif kind == "token" and at < len(lines):
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + draw(st.sampled_from(HOSTILE)) + lines[at][column:]
    return "\n".join(lines)


def _codings(folder: Path) -> tuple[int, int]:
    conn = sqlite3.connect(folder / "qcode.db")
    try:
        return (conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM orphaned_codings").fetchone()[0])
    finally:
        conn.close()


@fuzz_settings(40)
@given(data=st.data())
def test_reimport_of_changed_transcripts_keeps_every_coding(data):
    """A changed transcript re-imported: every coding is carried to its text or kept as orphaned."""
    workdir = scratch()
    try:
        folder = fresh_project("prefilled", workdir)
        source = workdir / "prefilled-bronnen"
        source.mkdir()
        for name, text in PREFILLED_TRANSCRIPTS.items():
            changed = data.draw(edited(text)) if data.draw(st.booleans()) or name == "u01.txt" else text
            (source / name).write_bytes(changed.encode("utf-8", errors="surrogatepass"))
        before = _codings(folder)
        outcome = run(folder, "import", str(source))
        assert_clean_ending(outcome, list(PREFILLED_TRANSCRIPTS))
        if outcome.exit_code == 0:
            assert_valid_database(folder)
            codings, orphaned = _codings(folder)
            assert codings + orphaned == before[0] + before[1], "a coding was lost on re-import"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# -- one damaged place: the rest is either all kept or the file refused --------------------------

TIMING_DAMAGE = [("00:00:", "00:0x:"), (".", ","), (" --> ", " -> "), (" --> ", "-->"), ("0", ""), (":", ";"),
                 (" --> ", " --> 99:99:99.999 --> ")]


@fuzz_settings(25)
@given(made=vtt_transcript(), damage=st.sampled_from(TIMING_DAMAGE), which=st.integers(0, 30), kind=KINDS)
def test_vtt_with_one_damaged_timing_loses_no_cue(made, damage, which, kind):
    """A malformed cue timing: an error naming the file, or every cue's words imported."""
    lines = made.data.decode("utf-8-sig").replace("\r\n", "\n").split("\n")
    timings = [n for n, line in enumerate(lines) if "-->" in line]
    at = timings[which % len(timings)]
    lines[at] = lines[at].replace(*damage) if damage[0] in lines[at] else lines[at]
    check_import("\n".join(lines).encode("utf-8"), ".vtt", kind, expected_if_imported=made.paragraphs)


@fuzz_settings(25)
@given(data=st.data(), kind=KINDS)
def test_survey_csv_with_one_stray_quote_merges_no_rows(data, kind):
    """An unterminated quote: an error naming the file, or each respondent's answer on its own."""
    made = data.draw(survey_sheet(".csv"))
    text = made.data.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    answered = {row[0] for row in list(csv.reader(io.StringIO(text), delimiter=delimiter))[1:] if row[2].strip()}
    lines = text.split("\r\n")
    row = data.draw(st.integers(1, max(1, len(lines) - 2)))
    cells = lines[row].split(delimiter)
    column = data.draw(st.integers(0, len(cells) - 1))
    cells[column] = '"' + cells[column].lstrip('"')
    lines[row] = delimiter.join(cells)
    outcome, folder = import_one("\r\n".join(lines).encode("utf-8"), ".csv", kind, SURVEY_ARGS)
    try:
        assert_clean_ending(outcome, ["interview.csv"])
        if outcome.exit_code == 0:
            assert_valid_database(folder)
            imported = {name.split("#", 1)[1] for name in stored_texts(folder) if name.startswith("interview.csv#")}
            assert imported == answered, "rows merged or lost"
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


@fuzz_settings(25)
@given(made=text_transcript(front_matter=False), line=st.integers(0, 40), kind=KINDS)
def test_utf8_transcript_with_one_windows_line_is_not_garbled(made, line, kind):
    """One Windows-1252 line in a UTF-8 file: the other lines' accents must survive, or a clear error."""
    assume(made.paragraphs and made.data[:2] not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    lines = made.data.decode("utf-8-sig").replace("\r\n", "\n").split("\n")
    at = line % len(lines)
    windows_line = "Café en reële zaken.".encode("cp1252")
    data = b"\n".join([*(x.encode("utf-8") for x in lines[:at]), windows_line, *(x.encode("utf-8") for x in lines[at:])])
    check_import(data, ".txt", kind, expected_if_imported=made.paragraphs)


def test_survey_without_header_names_no_answer_in_the_error():
    """F21: a survey sheet whose header row is missing: the first answer becomes a 'column name', and the
    message listing the columns must not print it (a participant's words)."""
    for suffix, content in ((".csv", f"R1;jongerenwerker;{MARKER}\r\nR2;wijkcoach;Ja.\r\n".encode("utf-8")),):
        workdir = scratch()
        try:
            folder = fresh_project("fresh", workdir)
            path = workdir / f"enquete{suffix}"
            path.write_bytes(content)
            outcome = run(folder, "import", str(path), "--id-column", "respondent", "--text-column", "antwoord")
            assert_clean_ending(outcome, [path.name])
            assert MARKER_WORD not in outcome.output
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

