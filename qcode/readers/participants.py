"""The participants sheet beside the transcripts: ids, transcript file names, attributes."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from qcode.readers.base import ReadError
from qcode.readers.sheets import SHEET_SUFFIXES, read_rows

SHEET_STEMS = frozenset({"participants", "deelnemers"})
# The sheet's own columns, matched in any case, with spaces, '_' or '-' alike; every other column is an attribute.
COLUMNS = {
    "participant": ("participant", "deelnemer", "respondent", "geïnterviewde", "geinterviewde",
                    "participant id", "deelnemer id", "pseudoniem"),
    "transcript": ("transcript", "bestand", "bestandsnaam", "transcriptie", "file", "filename", "file name"),
    "interviewer": ("interviewer", "onderzoeker", "interviewster", "gespreksleider", "interviewer naam"),
}
# An interviewer cell saying the transcript has none (a group talk, a monologue): settles it as such.
NO_INTERVIEWER = frozenset({"-", "geen", "none", "niemand", "nobody", "geen interviewer", "no interviewer"})
_ALIASES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


class ParticipantRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant: str
    transcript: str | None = None
    interviewer: list[str] = []
    no_interviewer: bool = False
    attributes: dict[str, Any] = {}
    sheet: Path
    row: int


def is_participants_sheet(path: Path) -> bool:
    return path.stem.lower() in SHEET_STEMS and path.suffix.lower() in SHEET_SUFFIXES


def find_sheet(folder: Path) -> Path | None:
    sheets = sorted(p for p in folder.iterdir() if p.is_file() and is_participants_sheet(p))
    if len(sheets) > 1:
        raise ReadError(f"two participants sheets in one folder: {', '.join(p.name for p in sheets)}",
                        path=folder, hint="keep one of them")
    return sheets[0] if sheets else None


def read_participants(path: Path) -> dict[str, ParticipantRow]:
    """Rows keyed by transcript file name (or by participant id where no file is named), in Unicode
    NFC: macOS writes file names decomposed (NFD), a sheet typed elsewhere has them composed."""
    header, rows = read_rows(path)
    names = _own_columns(header, path)
    rows = [(number, {names.get(key, key): value for key, value in record.items()}) for number, record in rows]
    files = {unicodedata.normalize("NFC", p.name) for p in path.parent.iterdir() if p.is_file()}
    by_key: dict[str, ParticipantRow] = {}
    first_row: dict[str, int] = {}
    for number, record in rows:
        participant = record.pop("participant", None)
        if participant is None:
            raise ReadError("the participant cell is empty", path=path, line=number, unit="row",
                            hint="give every row a pseudonymous participant id")
        participant = unicodedata.normalize("NFC", str(participant))
        if participant in first_row:
            raise ReadError(
                f"participant {participant!r} appears twice (first in row {first_row[participant]})",
                path=path, line=number, unit="row", hint="each participant gets one row")
        first_row[participant] = number
        transcript = record.pop("transcript", None)
        if transcript is not None:
            transcript = unicodedata.normalize("NFC", str(transcript))
        if transcript is not None and transcript not in files:
            raise ReadError(f"names transcript {transcript!r}, but there is no such file in {path.parent}",
                            path=path, line=number, unit="row",
                            hint="correct the file name, or add the transcript to the folder")
        interviewer = record.pop("interviewer", None)
        none = interviewer is not None and " ".join(str(interviewer).lower().split()) in NO_INTERVIEWER
        row = ParticipantRow(
            participant=participant, transcript=None if transcript is None else str(transcript),
            interviewer=[s.strip() for s in str(interviewer).split(",") if s.strip()] if interviewer and not none
            else [], no_interviewer=none,
            attributes={k: v for k, v in record.items() if v is not None}, sheet=path, row=number,
        )
        by_key[row.transcript or participant] = row
    return by_key


def _own_columns(header: list[str], path: Path) -> dict[str, str]:
    """The header names that are the sheet's own columns → participant, transcript or interviewer."""
    found: dict[str, str] = {}
    for name in header:
        column = _ALIASES.get(" ".join(re.sub(r"[_\-]+", " ", name.lower()).split()))
        if column is None:
            continue
        if column in found.values():
            other = next(k for k, v in found.items() if v == column)
            raise ReadError(f"columns {other!r} and {name!r} both name the {column}", path=path, line=1,
                            unit="row", hint=f"keep one of them, or rename the other (it becomes an attribute)")
        found[name] = column
    if "participant" not in found.values():
        raise ReadError(f"the sheet has no participant column (its columns: {', '.join(repr(h) for h in header if h)})",
                        path=path, line=1, unit="row", hint=accepted_columns())
    return found


def accepted_columns() -> str:
    return ("name the column of pseudonymous ids " + " or ".join(repr(a) for a in COLUMNS["participant"][:2])
            + "; optional: the transcript's file name " + " or ".join(repr(a) for a in COLUMNS["transcript"][:2])
            + ", the interviewer's label or name " + " or ".join(repr(a) for a in COLUMNS["interviewer"][:2])
            + " (any case); every other column is an attribute")
