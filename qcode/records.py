"""Plain typed records the API returns; the CLI, the TUI and notebooks render them."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class FragmentRecord(BaseModel):
    id: int
    transcript: str
    participant: str
    role: str
    speaker: str
    turn: int
    index: int
    timestamp: float | None
    start: int
    end: int
    text: str


class TurnView(BaseModel):
    number: int
    speaker: str
    role: str
    timestamp: float | None
    fragments: list[FragmentRecord]


class TranscriptView(BaseModel):
    name: str
    participant: str
    attributes: dict[str, Any]
    format: str
    words: int
    turns: list[TurnView]


class SearchHit(BaseModel):
    fragment: FragmentRecord
    highlighted: str  # the text with each hit between HIT_START and HIT_END
    rank: float


class OrphanRecord(BaseModel):
    transcript: str
    code: str
    coder: str
    text: str
    orphaned_at: str


class CoderShare(BaseModel):
    coder: str
    coded_fragments: int
    share: float  # of the participant fragments


class Status(BaseModel):
    project: str
    unit: str
    schema_version: int
    transcripts: int
    participants: int
    turns: int
    fragments: int
    participant_fragments: int
    words: int
    codebook: str | None
    codes: int
    codings: int
    coders: list[CoderShare]
    orphaned: list[OrphanRecord]


class CodingRecord(BaseModel):
    id: int
    fragment: int
    transcript: str
    participant: str
    code: str
    coder: str
    main: bool
    star: bool
    memo: str | None
    span_start: int | None
    span_end: int | None
    text: str
    updated_at: str
