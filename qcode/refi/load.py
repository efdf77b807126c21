"""A REFI-QDA project (.qdpx) into a qcode project: sources, codes, codings, coders, memos, cases.

Read leniently, as the tools write it (see ../shared/refi/NOTES.md): any `.qde` name at the root,
sources in any folder and case, `internal://`, `relative://`, `absolute://` or bare paths, a BOM in
the XML or the texts, any codebook namespace, offsets in code points or UTF-16 units, CRLF counted
once or twice (decided from the selections themselves). Everything not imported is listed.
"""
from __future__ import annotations

import bisect
import sqlite3
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode.errors import InputError, Problem
from qcode.readers import ParsedDocument, ReadError, Turn, read_transcript
from qcode.refi import codebook, xml
from qcode.refi.container import Archive, open_qdpx
from qcode.refi.offsets import Selection, SourceText, detect

OTHER_SOURCES = {"PDFSource": "PDF", "PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}
INTERVIEWER_VARIABLE = "interviewer"
SPEAKERS_VARIABLE = "qcode-sprekers"  # every speaker of a transcript qcode exported, read back as labels


@dataclass
class RefiSelection:
    start: int
    end: int
    name: str | None
    user: str | None  # guid
    codes: list[tuple[str, str | None]]  # (code guid, user guid)
    notes: list[str]  # note guids


@dataclass
class RefiSource:
    guid: str
    name: str
    text: SourceText
    selections: list[RefiSelection]
    variables: dict[str, Any]


@dataclass
class RefiProject:
    path: Path
    users: dict[str, str]
    codes: list[codebook.RefiCode]
    variables: dict[str, str]  # guid → name
    cases: dict[str, tuple[str, dict[str, Any]]]  # source guid → (participant, attributes)
    sources: list[RefiSource]
    notes: dict[str, str]
    not_imported: list[str] = field(default_factory=list)


@dataclass
class QdpxImport:
    sources: int = 0
    transcripts_new: int = 0
    transcripts_unchanged: int = 0
    transcripts_changed: int = 0
    codings: int = 0
    selections: int = 0
    coders: list[str] = field(default_factory=list)
    memos: int = 0
    participants: int = 0
    reading: str = "code points"
    readings: dict[str, int] = field(default_factory=dict)
    codebook: Path | None = None
    not_imported: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was decided on the way, said with the summary


# -- reading the file ----------------------------------------------------------------------------
def read(path: Path) -> RefiProject:
    archive = open_qdpx(path)
    try:
        root = xml.parse(archive.read(archive.zip.getinfo(archive.qde)), path, archive.qde)
        if xml.local(root) != "Project":
            raise InputError([Problem(f"{archive.qde} is not a REFI-QDA project (its root is {xml.local(root)!r})",
                                      path, hint="export the project again as REFI-QDA (.qdpx)")])
        return _project(path, archive, root)
    finally:
        archive.close()


def _project(path: Path, archive: Archive, root: ET.Element) -> RefiProject:
    users = {}
    for user in xml.children(xml.child(root, "Users") or ET.Element("x"), "User"):
        guid = xml.guid(user)
        if guid:
            users[guid] = (user.get("name") or user.get("id") or f"user-{guid[:8]}").strip()
    book = xml.child(root, "CodeBook")
    codes = codebook.read_codes(xml.child(book, "Codes") if book is not None else None)
    variables = {xml.guid(v) or "": (v.get("name") or "").strip() for v in
                 xml.children(xml.child(root, "Variables") or ET.Element("x"), "Variable")}
    project = RefiProject(path, users, codes, variables, {}, [], {})
    for case in xml.children(xml.child(root, "Cases") or ET.Element("x"), "Case"):
        values = _variable_values(case, variables)
        name = (case.get("name") or "").strip() or f"case-{(xml.guid(case) or '')[:8]}"
        refs = list(xml.children(case, "SourceRef"))
        for ref in refs:
            source = xml.guid(ref, "targetGUID") or ""
            if source in project.cases:  # a second case on one source (a grouping case): its variables join
                first, known = project.cases[source]
                project.cases[source] = (first, {**values, **known})
                project.not_imported.append(f"case {name!r} as a participant: its source is case {first!r}'s "
                                            "already (its variables were added to that participant)")
            else:
                project.cases[source] = (name, values)
        if not refs and values:
            project.not_imported.append(f"the variables of case {name!r}, which is linked to no source")
    for note in xml.children(xml.child(root, "Notes") or ET.Element("x"), "Note"):
        text = xml.text_of(note, "PlainTextContent")
        if text is None and note.get("plainTextPath"):
            member = archive.source(note.get("plainTextPath", ""))
            text = _decode(archive.read(member)) if member else None
        if text:
            project.notes[xml.guid(note) or ""] = text
    elsewhere = sum(1 for parent in root.iter() if xml.local(parent) not in ("PlainTextSelection", "Coding")
                    for ref in xml.children(parent, "NoteRef") if (xml.guid(ref, "targetGUID") or "") in project.notes)
    if elsewhere:
        project.not_imported.append(f"{elsewhere} notes on sources, codes or the project (qcode keeps memos on "
                                    "codings only)")
    sources = xml.child(root, "Sources")
    for element in sources if sources is not None else []:
        kind = xml.local(element)
        if kind == "TextSource":
            source = _text_source(archive, element, variables, project)
            if source:
                project.sources.append(source)
        elif kind in OTHER_SOURCES:
            selections = sum(1 for child in element.iter() if xml.local(child).endswith("Selection"))
            project.not_imported.append(f"{OTHER_SOURCES[kind]} source {element.get('name') or '?'!r} and its "
                                        f"{selections} selections (qcode codes text only)")
    return project


def _variable_values(element: ET.Element, variables: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for value in xml.children(element, "VariableValue"):
        ref = xml.child(value, "VariableRef")
        name = variables.get(xml.guid(ref, "targetGUID") or "") if ref is not None else None
        for child in value:
            tag = xml.local(child)
            if tag == "VariableRef" or not name or child.text is None:
                continue
            values[name] = _typed(tag, child.text.strip())
    return values


def _typed(tag: str, text: str) -> Any:
    try:
        if tag == "IntegerValue":
            return int(text)
        if tag == "FloatValue":
            number = float(text)
            return int(number) if number.is_integer() and "." not in text else number
        if tag == "BooleanValue":
            return text.lower() in ("true", "1")
    except ValueError:
        pass
    return text


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", "replace")


def _text_source(archive: Archive, element: ET.Element, variables: dict[str, str],
                 project: RefiProject) -> RefiSource | None:
    name = (element.get("name") or "").strip() or f"source-{(xml.guid(element) or '')[:8]}"
    text = xml.text_of(element, "PlainTextContent")
    if text is None:
        reference = element.get("plainTextPath") or ""
        member = archive.source(reference) if reference else None
        if member is None:
            project.not_imported.append(f"text source {name!r}: its text ({reference or 'no path'}) is not in "
                                        "the .qdpx")
            return None
        text = _decode(archive.read(member))
    selections = []
    for selection in xml.children(element, "PlainTextSelection"):
        try:
            start, end = int(selection.get("startPosition", "")), int(selection.get("endPosition", ""))
        except ValueError:
            project.not_imported.append(f"a selection in {name!r} without valid positions")
            continue
        user = xml.guid(selection, "creatingUser")
        codes = []
        for coding in xml.children(selection, "Coding"):
            ref = xml.child(coding, "CodeRef")
            if ref is not None and xml.guid(ref, "targetGUID"):
                codes.append((xml.guid(ref, "targetGUID") or "", xml.guid(coding, "creatingUser") or user))
        notes = [xml.guid(ref, "targetGUID") or "" for ref in xml.children(selection, "NoteRef")]
        for coding in xml.children(selection, "Coding"):
            notes += [xml.guid(ref, "targetGUID") or "" for ref in xml.children(coding, "NoteRef")]
        selections.append(RefiSelection(min(start, end), max(start, end), selection.get("name"), user, codes, notes))
    whole = list(xml.children(element, "Coding"))
    if whole:
        project.not_imported.append(f"{len(whole)} codings of the whole source {name!r} (qcode codes fragments)")
    return RefiSource(xml.guid(element) or "", name, SourceText(text), selections,
                      _variable_values(element, variables))


# -- into the project ----------------------------------------------------------------------------
def document_for(source: RefiSource, name: str, participant: str, path: Path,
                 interviewer: set[str], speakers: set[str] = frozenset()) -> ParsedDocument:
    """The source as turns: speaker labels read as in any transcript; a text without them is one
    participant's words, a paragraph a line."""
    with tempfile.TemporaryDirectory() as folder:
        temporary = Path(folder) / "source.txt"
        temporary.write_text(source.text.text, encoding="utf-8")
        try:
            document = read_transcript(temporary, interviewer | speakers)
        except ReadError as error:
            if "no speaker labels" not in error.problem.message:
                raise ReadError(error.problem.message, path=path, hint=error.problem.hint) from None
            paragraphs = [" ".join(line.split()) for line in source.text.text.split("\n") if line.strip()]
            if not paragraphs:
                raise ReadError(f"source {name!r} has no text", path=path, hint="it is left out") from None
            return ParsedDocument(name=name, source_path=path, format="text",
                                  turns=[Turn(speaker=participant, paragraphs=paragraphs)],
                                  known_roles={participant: "participant"})
    return document.model_copy(update={"name": name, "source_path": path})


class FragmentMap:
    """Where each fragment's words lie in the source: its non-space characters found in order (and every
    character, where the source holds the fragment's text unchanged, as in qcode's own exports)."""

    def __init__(self, source_text: str, fragments: list[tuple[int, int, str, str]]) -> None:
        positions = [i for i, char in enumerate(source_text) if not char.isspace()]
        letters = "".join(source_text[i] for i in positions)
        self.entries: list[tuple[int, int, list[int], list[int], int, str]] = []  # first, last, src, rel, id, role
        self.unmapped = 0
        pointer = 0
        for fragment_id, role, text, _ in fragments:
            relative = [j for j, char in enumerate(text) if not char.isspace()]
            key = "".join(text[j] for j in relative)
            found = letters.find(key, pointer)
            if found < 0:
                found = letters.find(key)
            if found < 0 or not key:
                self.unmapped += 1
                continue
            pointer = found + len(key)
            source = positions[found:found + len(key)]
            if source_text[source[0]:source[-1] + 1] == text:  # the same characters: every offset maps exactly
                source, relative = list(range(source[0], source[-1] + 1)), list(range(len(text)))
            self.entries.append((source[0], source[-1], source, relative, fragment_id, role))
        self.entries.sort()
        self._firsts = [entry[0] for entry in self.entries]

    def spans(self, start: int, end: int) -> list[tuple[int, str, tuple[int, int], int]]:
        """(fragment id, role, span within the fragment, fragment length in letters) for each fragment the
        selection [start, end) touches."""
        found = []
        for index in range(bisect.bisect_left(self._firsts, end)):
            first, last, source, relative, fragment_id, role = self.entries[index]
            if last < start:
                continue
            low, high = bisect.bisect_left(source, start), bisect.bisect_left(source, end)
            if low < high:
                found.append((fragment_id, role, (relative[low], relative[high - 1] + 1), len(source)))
        return found


def fragments_of(conn: sqlite3.Connection, transcript: str) -> list[tuple[int, str, str, int]]:
    return conn.execute(
        "SELECT f.id, t.role, f.text, f.start FROM fragments f JOIN turns t ON t.id = f.turn_id "
        "JOIN transcripts s ON s.id = f.transcript_id WHERE s.name = ? ORDER BY f.start", (transcript,)).fetchall()


def collect_codings(selections: list[tuple[RefiSelection, FragmentMap]], reading: str, texts: dict[int, str],
                    source_texts: list[SourceText], users: dict[str, str], code_ids: dict[str, str],
                    flags: dict[str, str], notes: dict[str, str], report: QdpxImport) -> dict[tuple, dict[str, Any]]:
    """Codings keyed by (fragment, code, coder): every span kept, flags and memos joined."""
    codings: dict[tuple, dict[str, Any]] = {}
    counts = {"interviewer": 0, "outside": 0, "unknown code": 0}
    for (selection, mapping), text in zip(selections, source_texts):
        start, end = text.to_text(selection.start, reading), text.to_text(selection.end, reading)
        touched = mapping.spans(start, end)
        code_refs = [(code, user) for code, user in selection.codes if code not in flags]
        flag_refs = {flags[code] for code, _ in selection.codes if code in flags}
        if not touched:
            counts["outside"] += 1
            continue
        report.selections += 1
        memo = "\n\n".join(notes[n] for n in selection.notes if n in notes) or None
        for code_guid, user_guid in code_refs:
            code_id = code_ids.get(code_guid)
            if code_id is None:
                counts["unknown code"] += 1
                continue
            coder = users.get(user_guid or "") or users.get(selection.user or "") or "refi"
            for fragment_id, role, span, _ in touched:
                if role != "participant":
                    counts["interviewer"] += 1
                    continue
                entry = codings.setdefault((fragment_id, code_id, coder), {"spans": [], "main": False, "star": False,
                                                                            "memos": []})
                whole = span == (0, len(texts[fragment_id]))
                entry["spans"].append(None if whole else span)
                entry["main"] |= "main" in flag_refs
                entry["star"] |= "star" in flag_refs
                if memo and memo not in entry["memos"]:
                    entry["memos"].append(memo)
    if counts["outside"]:
        report.not_imported.append(f"{counts['outside']} selections that cover no fragment's words (empty, or "
                                   "only on speaker labels or timestamps)")
    if counts["interviewer"]:
        report.not_imported.append(f"{counts['interviewer']} codings of the interviewer's turns (qcode codes "
                                   "participants' words only)")
    if counts["unknown code"]:
        report.not_imported.append(f"{counts['unknown code']} codings of codes that are not in the project's "
                                   "codebook (see above)")
    return codings


def reading_of(project: RefiProject) -> tuple[str, dict[str, int]]:
    return detect((source.text, [Selection(s.start, s.end, s.name) for s in source.selections])
                  for source in project.sources)


Progress = Callable[[int, int, str], None]
