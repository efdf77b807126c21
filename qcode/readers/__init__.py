"""Readers: one module per file format, each turning a file into a ParsedDocument of turns."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from qcode.readers.base import ParsedDocument, ReadError, Role, Turn
from qcode.readers.docx import read_docx
from qcode.readers.labels import known_role
from qcode.readers.participants import ParticipantRow, find_sheet, is_participants_sheet, read_participants
from qcode.readers.sheets import SHEET_SUFFIXES
from qcode.readers.survey import read_survey
from qcode.readers.srt import read_srt
from qcode.readers.text import read_text
from qcode.readers.vtt import read_vtt

Reader = Callable[[Path, set[str]], ParsedDocument]
_AS_DOCX = "open it in Word or LibreOffice and save it as Word Document (.docx)"
_AS_XLSX = "open it in Excel or LibreOffice and save it as Excel Workbook (.xlsx), then import it with " \
           "--id-column and --text-column"
OTHER_OFFICE_FORMATS = {**dict.fromkeys((".doc", ".docm", ".dot", ".dotx", ".dotm", ".rtf", ".odt", ".wpd"), _AS_DOCX),
                        **dict.fromkeys((".xls", ".xlsm", ".xlsb", ".ods"), _AS_XLSX)}
TRANSCRIPT_READERS: dict[str, Reader] = {
    ".txt": read_text, ".md": read_text, ".docx": read_docx, ".vtt": read_vtt, ".srt": read_srt,
}


def read_transcript(path: Path, interviewer_labels: set[str] = frozenset()) -> ParsedDocument:
    reader = TRANSCRIPT_READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(f"qcode cannot read {path.suffix or 'extension-less'} files", path=path,
                        hint=OTHER_OFFICE_FORMATS.get(path.suffix.lower(),
                                                      "use .txt, .md, .docx, .vtt or .srt for transcripts, or .csv/.xlsx "
                                                      "with --text-column for survey answers"))
    return reader(path, interviewer_labels)


def assign_roles(document: ParsedDocument, interviewer_labels: Iterable[str]) -> list[Role]:
    """Each turn's role: the named interviewers and the known interviewer labels (labels.py) ask,
    every other speaker answers."""
    named = {" ".join(label.split()).lower() for label in interviewer_labels}
    return [
        document.known_roles.get(turn.speaker)
        or ("interviewer" if turn.speaker.lower() in named or known_role(turn.speaker) == "interviewer"
            else "participant")
        for turn in document.turns
    ]


__all__ = [
    "ParsedDocument", "ParticipantRow", "ReadError", "Role", "SHEET_SUFFIXES", "TRANSCRIPT_READERS",
    "Turn", "assign_roles", "find_sheet", "is_participants_sheet", "read_participants",
    "read_survey", "read_transcript",
]
