"""What every reader produces: a parsed document of speaker turns."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from qcode.errors import QcodeError

Role = Literal["interviewer", "participant"]
LocationUnit = Literal["line", "paragraph", "cue", "row"]


class Turn(BaseModel):
    """One speaker's uninterrupted contribution, as paragraphs of clean text."""

    model_config = ConfigDict(extra="forbid")

    speaker: str
    paragraphs: list[str]
    timestamp: float | None = None
    location: int | None = None  # where the turn starts in the source (see ParsedDocument.unit)
    question: str | None = None  # a survey's question id: on its prompt and on the answer to it


class ParsedDocument(BaseModel):
    """A source file (or one survey row) read into turns; roles are assigned later."""

    model_config = ConfigDict(extra="forbid")

    name: str
    source_path: Path
    format: Literal["text", "docx", "vtt", "srt", "survey"]
    turns: list[Turn]
    attributes: dict[str, Any] = {}
    participant: str | None = None
    preamble: str | None = None
    unit: LocationUnit = "line"
    known_roles: dict[str, Role] = {}  # roles a reader knows for sure (a survey row's respondent)
    speakers_named: bool = True  # False: the file names no speaker, all its words are one unnamed voice


class ReadError(QcodeError):
    """A single input file cannot be read; the importer collects these."""
