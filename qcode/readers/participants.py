"""The participants sheet beside the transcripts: ids, transcript file names, attributes."""
from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from qcode.readers.base import ReadError
from qcode.readers.sheets import SHEET_SUFFIXES, read_rows

SHEET_STEM = "participants"


class ParticipantRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant: str
    transcript: str | None = None
    interviewer: list[str] = []
    attributes: dict[str, Any] = {}
    sheet: Path
    row: int


def is_participants_sheet(path: Path) -> bool:
    return path.stem.lower() == SHEET_STEM and path.suffix.lower() in SHEET_SUFFIXES


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
    if "participant" not in header:
        raise ReadError("the sheet has no 'participant' column", path=path, line=1, unit="row",
                        hint="name the column with the pseudonymous ids 'participant'")
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
        row = ParticipantRow(
            participant=participant, transcript=None if transcript is None else str(transcript),
            interviewer=[s.strip() for s in str(interviewer).split(",")] if interviewer else [],
            attributes={k: v for k, v in record.items() if v is not None}, sheet=path, row=number,
        )
        by_key[row.transcript or participant] = row
    return by_key
