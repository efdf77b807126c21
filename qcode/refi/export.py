"""A qcode project as a REFI-QDA project (.qdpx) that ATLAS.ti, MAXQDA, NVivo and QualCoder open.

What goes where:
- coders → `User`s; the codebook → nested `Code`s (definitions in the description);
- each transcript → a `TextSource` whose text is qcode's stored text (UTF-8, LF, no BOM), so every
  offset is exactly qcode's; its interviewer's speaker names as the source's `interviewer` variable;
- each coding → a `PlainTextSelection` over its span (or its fragment), coded with the code, and
  with `qcode › hoofdreden` / `qcode › kerncitaat` beside it for a main reason or a star (a code
  survives every tool, where a set or note would not); a memo → a `Note` the selection refers to;
- participants → `Case`s with their attributes as `Variable`s and their transcripts as sources.
Every GUID is a uuid5 of something stable in the project, and the zip has fixed dates: the same
project exports to the same bytes.
"""
from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcode import pseudonymised
from qcode.refi import codebook, xml
from qcode.refi.container import write_qdpx
from qcode.refi.ids import make_guid

if TYPE_CHECKING:
    from qcode.anonymise import Pseudonymiser

NS = xml.PROJECT_NS
INTERVIEWER_VARIABLE = "interviewer"
SPEAKERS_VARIABLE = "qcode-sprekers"


@dataclass
class ExportSummary:
    users: int = 0
    codes: int = 0
    sources: int = 0
    selections: int = 0
    notes: int = 0
    cases: int = 0


@dataclass
class _Code:
    id: str
    label: str
    description: str | None
    include: str | None
    exclude: str | None
    examples: list[str]
    keywords: list[str]
    color: str | None
    chapter: str | None
    role: str | None
    kind: str | None
    children: list[_Code] = field(default_factory=list)


def write(conn: sqlite3.Connection, target: Path, name: str, coders: list[str] | None = None,
          pseudonymiser: Pseudonymiser | None = None) -> ExportSummary:
    qde, sources, summary = build(conn, name, coders, pseudonymiser)
    write_qdpx(target, qde, sources)
    return summary


def _e(parent: ET.Element, tag: str, attributes: dict[str, str] | None = None, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{tag}", attributes or {})
    if text is not None:
        element.text = text
    return element


def build(conn: sqlite3.Connection, name: str, coders: list[str] | None = None,
          pseudonymiser: Pseudonymiser | None = None) -> tuple[bytes, dict[str, bytes], ExportSummary]:
    """The project's XML, its sources' text files and what they hold. With a `pseudonymiser` every identifier in
    the text, names, attributes and memos is replaced, and each selection's offsets follow the new text."""
    shown = partial(pseudonymised.text, pseudonymiser)
    summary = ExportSummary()
    codings = _codings(conn, coders)
    users = sorted(coders if coders else {row["coder"] for row in codings})
    root = ET.Element(f"{{{NS}}}Project", {"name": name, "origin": "qcode"})
    if users:
        users_element = _e(root, "Users")
        for user in users:
            _e(users_element, "User", {"guid": make_guid("user", user), "name": user})
    summary.users = len(users)
    tree = _code_tree(conn, {row["code_id"] for row in codings})
    book = _e(_e(root, "CodeBook"), "Codes")
    for node in tree:
        codebook.code_element(book, NS, node)
    codebook.flag_codes(book, NS)
    summary.codes = sum(1 for _ in _walk(tree))
    attributes = _participants(conn)
    variables = _variables(attributes)
    transcripts = [dict(zip(("id", "name", "participant_id", "text", "imported_at"), row)) for row in conn.execute(
        "SELECT id, name, participant_id, text, imported_at FROM transcripts ORDER BY name")]
    variables_element = _e(root, "Variables")
    for variable, kind in [*variables.items(), (INTERVIEWER_VARIABLE, "Text"), (SPEAKERS_VARIABLE, "Text")]:
        _e(variables_element, "Variable", {"guid": make_guid("variable", variable), "name": variable, "typeOfVariable": kind})
    _cases(root, attributes, variables, transcripts, shown)
    summary.cases = len(attributes)
    sources_element = _e(root, "Sources") if transcripts else None
    files: dict[str, bytes] = {}
    notes: list[tuple[str, dict[str, Any]]] = []
    by_transcript: dict[int, list[dict[str, Any]]] = {}
    for row in codings:
        by_transcript.setdefault(row["transcript_id"], []).append(row)
    for transcript in transcripts:
        guid = make_guid("source", transcript["name"])
        rows = by_transcript.get(transcript["id"], [])
        text, moved = transcript["text"], None
        if pseudonymiser is not None:
            text, moved = pseudonymised.with_offsets(pseudonymiser, text, _cuts(conn, transcript["id"], rows))
        files[f"{guid}.txt"] = text.encode("utf-8")
        source = _e(sources_element, "TextSource", {"guid": guid, "name": shown(transcript["name"]),
                                                    "plainTextPath": f"internal://{guid}.txt",
                                                    "creationDateTime": _datetime(transcript["imported_at"])})
        for row in rows:
            summary.selections += _selections(source, row, notes, text, moved)
        interviewers = [r[0] for r in conn.execute(
            "SELECT DISTINCT speaker FROM turns WHERE transcript_id = ? AND role = 'interviewer' ORDER BY speaker",
            (transcript["id"],))]
        speakers = [r[0] for r in conn.execute(
            "SELECT speaker FROM turns WHERE transcript_id = ? GROUP BY speaker ORDER BY MIN(number)", (transcript["id"],))]
        for variable, names in ((INTERVIEWER_VARIABLE, interviewers), (SPEAKERS_VARIABLE, speakers)):
            value = _e(source, "VariableValue")
            _e(value, "VariableRef", {"targetGUID": make_guid("variable", variable)})
            _e(value, "TextValue", text="; ".join(map(shown, names)))
    summary.sources = len(transcripts)
    if notes:
        notes_element = _e(root, "Notes")
        for guid, row in notes:
            note = _e(notes_element, "Note", {"guid": guid, "name": f"Memo: {row['code_id']} ({row['coder']})",
                                              "creatingUser": make_guid("user", row["coder"]),
                                              "creationDateTime": _datetime(row["created_at"])})
            _e(note, "PlainTextContent", text=shown(row["memo"]))
    summary.notes = len(notes)
    return codebook.serialise(root, NS), files, summary


def _cuts(conn: sqlite3.Connection, transcript_id: int, rows: list[dict[str, Any]]) -> list[int]:
    """Where the text is pseudonymised piece by piece: every fragment's and selection's ends."""
    cuts = [end for pair in conn.execute('SELECT start, "end" FROM fragments WHERE transcript_id = ?', (transcript_id,))
            for end in pair]
    for row in rows:
        for start, end in _spans(row):
            cuts += [row["fragment_start"] + start, row["fragment_start"] + end]
    return cuts


def _spans(row: dict[str, Any]) -> list[tuple[int, int]]:
    return row["spans"] or [(row["span_start"], row["span_end"]) if row["span_start"] is not None
                            else (0, len(row["text"]))]


def _selections(source: ET.Element, row: dict[str, Any], notes: list[tuple[str, dict[str, Any]]], text: str,
                moved: dict[int, int] | None = None) -> int:
    """The coding's selections of the source's `text`; `moved`: where each offset of the stored text went in it."""
    spans = _spans(row)
    user = make_guid("user", row["coder"])
    when = _datetime(row["created_at"])
    note_guid = make_guid("note", row["fragment_id"], row["code_id"], row["coder"]) if row["memo"] else None
    if note_guid:
        notes.append((note_guid, row))
    for start, end in spans:
        key = (row["fragment_id"], row["code_id"], row["coder"], start, end)
        first, last = row["fragment_start"] + start, row["fragment_start"] + end
        if moved is not None:
            first, last = moved[first], moved[last]
        selection = _e(source, "PlainTextSelection", {
            "guid": make_guid("selection", *key), "name": _excerpt(text[first:last]),
            "startPosition": str(first), "endPosition": str(last),
            "creatingUser": user, "creationDateTime": when})
        codes = [("code", row["code_id"], make_guid("code", row["code_id"]))]
        codes += [(flag, row["code_id"], codebook.flag_guid(name)) for flag, name in codebook.FLAGS.items() if row[flag]]
        for kind, code_id, target in codes:
            coding = _e(selection, "Coding", {"guid": make_guid("coding", kind, *key), "creatingUser": user,
                                              "creationDateTime": when})
            _e(coding, "CodeRef", {"targetGUID": target})
        if note_guid:
            _e(selection, "NoteRef", {"targetGUID": note_guid})
    return len(spans)


def _excerpt(text: str, longest: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= longest else text[:longest - 1].rstrip() + "…"


def _datetime(value: str | None) -> str:
    return value or "1970-01-01T00:00:00+00:00"


def _codings(conn: sqlite3.Connection, coders: list[str] | None) -> list[dict[str, Any]]:
    sql = ('SELECT c.id, c.fragment_id, f.transcript_id, f.start AS fragment_start, f.text, c.code_id, c.coder, '
           'c.main, c.star, c.memo, c.span_start, c.span_end, c.created_at FROM codings c '
           'JOIN fragments f ON f.id = c.fragment_id')
    parameters: list[Any] = []
    if coders:
        sql += f" WHERE c.coder IN ({', '.join('?' * len(coders))})"
        parameters = list(coders)
    rows = [dict(zip(("id", "fragment_id", "transcript_id", "fragment_start", "text", "code_id", "coder", "main",
                      "star", "memo", "span_start", "span_end", "created_at"), row))
            for row in conn.execute(sql + " ORDER BY f.transcript_id, f.start, c.code_id, c.coder", parameters)]
    spans = _extra_spans(conn)
    for row in rows:
        row["spans"] = spans.get(row["id"])
    return rows


def _extra_spans(conn: sqlite3.Connection) -> dict[int, list[tuple[int, int]]]:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'coding_spans'").fetchone():
        return {}
    spans: dict[int, list[tuple[int, int]]] = {}
    for coding, start, end in conn.execute('SELECT coding_id, start, "end" FROM coding_spans ORDER BY coding_id, start, "end"'):
        spans.setdefault(coding, []).append((start, end))
    return spans


def _code_tree(conn: sqlite3.Connection, used: set[str]) -> list[_Code]:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(codes)")}
    kind = "kind" if "kind" in columns else "NULL"
    rows = conn.execute(f"SELECT id, parent_id, label, description, include, exclude, examples, keywords, color, "
                        f"chapter, role, {kind}, active FROM codes ORDER BY position, id").fetchall()
    nodes = {row[0]: _Code(row[0], row[2], row[3], row[4], row[5], json.loads(row[6] or "[]"),
                           json.loads(row[7] or "[]"), row[8], row[9], row[10], row[11])
             for row in rows if row[12] or row[0] in used}
    roots: list[_Code] = []
    for row in rows:
        if row[0] not in nodes:
            continue
        parent = nodes.get(row[1]) if row[1] else None
        (parent.children if parent else roots).append(nodes[row[0]])
    return roots


def _walk(nodes: list[_Code]):  # type: ignore[no-untyped-def]
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _participants(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    return {pid: json.loads(attributes or "{}") for pid, attributes in
            conn.execute("SELECT id, attributes FROM participants ORDER BY id")}


def _variables(participants: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each attribute's REFI type: Integer, Float or Boolean when every value is one, else Text."""
    values: dict[str, list[Any]] = {}
    for attributes in participants.values():
        for key, value in attributes.items():
            if key not in (INTERVIEWER_VARIABLE, SPEAKERS_VARIABLE) and value not in (None, ""):
                values.setdefault(key, []).append(value)
    types = {}
    for key in sorted(values):
        found = values[key]
        if all(isinstance(v, bool) for v in found):
            types[key] = "Boolean"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in found):
            types[key] = "Integer"
        elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in found):
            types[key] = "Float"
        else:
            types[key] = "Text"
    return types


def _value_text(value: Any, kind: str) -> str:
    if kind == "Boolean":
        return "true" if value else "false"
    if kind == "Float":
        return format(Decimal(str(value)), "f")  # xsd:decimal has no exponent
    return str(value)


def _cases(root: ET.Element, participants: dict[str, dict[str, Any]], variables: dict[str, str],
           transcripts: list, shown: Callable[[Any], Any] = lambda value: value) -> None:
    if not participants:
        return
    cases = _e(root, "Cases")
    for participant, attributes in participants.items():
        case = _e(cases, "Case", {"guid": make_guid("case", participant), "name": shown(participant)})
        for key, kind in variables.items():
            value = attributes.get(key)
            if value in (None, ""):
                continue
            element = _e(case, "VariableValue")
            _e(element, "VariableRef", {"targetGUID": make_guid("variable", key)})
            tag = {"Boolean": "BooleanValue", "Integer": "IntegerValue", "Float": "FloatValue"}.get(kind, "TextValue")
            _e(element, tag, text=shown(_value_text(value, kind)))
        for transcript in transcripts:
            if transcript["participant_id"] == participant:
                _e(case, "SourceRef", {"targetGUID": make_guid("source", transcript["name"])})
