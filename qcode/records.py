"""Plain typed records the API returns; the CLI, the TUI and notebooks render them."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticModel
from pydantic import ConfigDict


class BaseModel(PydanticModel):
    """A record whose validator is built on first use, not at import: most commands use few of them."""
    model_config = ConfigDict(defer_build=True)


def seconds_as_clock(seconds: float | None) -> str:
    """12.5 → '00:00:12'; None → ''."""
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


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
    question: str | None = None  # a survey answer's (or prompt's) question


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


class UnsettledRecord(BaseModel):
    """A transcript with several speakers (or none named) and no interviewer, until someone says who."""

    transcript: str
    speakers: list[str]


class QuestionCount(BaseModel):
    """A survey question: how many respondents answered it, in how many fragments."""
    id: str
    text: str
    sheet: str
    answered: int
    fragments: int


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
    unsettled: list[UnsettledRecord] = []
    questions: list[QuestionCount] = []


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


class CodeEntry(BaseModel):
    """A code as the interactive coder lists it, with the short key typed to toggle it ("3.2")."""
    id: str
    key: str
    label: str
    depth: int
    parent: str | None
    role: str | None
    description: str | None
    include: str | None
    exclude: str | None
    examples: list[str]
    color: str | None = None  # "#d62728": the codebook's colour, a sub-code's from its theme when it has none


class AppliedCoding(BaseModel):
    code: str
    main: bool
    star: bool
    memo: str | None
    span_start: int | None
    span_end: int | None


class Progress(BaseModel):
    position: int  # 1-based place of the current fragment in the coder's queue
    total: int
    transcript_seen: int
    transcript_total: int
    project_seen: int
    project_total: int


class FragmentContext(BaseModel):
    """Everything the coder shows around one fragment."""
    fragment: FragmentRecord
    attributes: dict[str, Any]
    question: str | None  # the interviewer's last words before this fragment
    before: FragmentRecord | None
    after: FragmentRecord | None
    sentences: list[tuple[int, int]]  # offsets inside the fragment's text
    codings: list[AppliedCoding]
    progress: Progress
    others: dict[str, list[AppliedCoding]] = {}  # when settling a consensus: each coder's choices
