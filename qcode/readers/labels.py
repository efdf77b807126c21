"""Recognising speaker labels ("I:", "Respondent:", "[00:12:31] Sanne:", "Spreker 1  0:03") at the start of a line.

A colon in the middle of a sentence ("Ik zei: dat gaat zo niet") is not a label. A candidate is
accepted when it is a known label, when a timestamp stands before it, or when it is shaped like a
name (capitalised words, Dutch tussenvoegsels allowed) and opens at least two lines of the file.
Transcription services also write a heading line per turn, a name and a time with the words on the
next lines ("Spreker 1  0:03", "Interviewer [00:00:03]", "00:00:03 Spreker 1"): see `match_heading`.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

# The labels transcripts use for the interviewer and for the one interviewed, compared in any case,
# without a number or a part in brackets after them ('Interviewer 2', 'Onderzoeker (Sanne)', 'Int.'),
# and a long one also before a name ('Interviewer Marieke'). docs/importing.md shows these lists;
# tests/test_import_dutch.py checks that it shows them as they are here.
INTERVIEWER_LABELS = ("Interviewer", "Interviewster", "Int", "I", "Onderzoeker", "Onderzoekster", "O",
                      "Gespreksleider", "Gespreksleidster", "Moderator", "Q")
PARTICIPANT_LABELS = ("Respondent", "Resp", "R", "Deelnemer", "Deelneemster", "Geïnterviewde", "Geinterviewde",
                      "G", "A", "Participant", "Interviewee")
_INTERVIEWER_KEYS = frozenset(label.lower() for label in INTERVIEWER_LABELS)
_PARTICIPANT_KEYS = frozenset(label.lower() for label in PARTICIPANT_LABELS)
_BRACKETED = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
_NUMBERED = re.compile(r"[\s_\-#.]*\d+$")


def label_key(label: str) -> str:
    """A label as compared: NFC, lower case, one space, no part in brackets, number or closing dot."""
    key = " ".join(unicodedata.normalize("NFC", label).lower().split())
    key = _BRACKETED.sub("", key)
    key = _NUMBERED.sub("", key).rstrip(" .:-")
    return key


def known_role(label: str) -> Literal["interviewer", "participant"] | None:
    """The role a label names by itself ('Interviewer 1' → interviewer), or None for a name."""
    key = label_key(label)
    if key in _INTERVIEWER_KEYS:
        return "interviewer"
    if key in _PARTICIPANT_KEYS:
        return "participant"
    words = label.split()
    rest = [word for word in words[1:] if any(c.isalnum() for c in word)]
    if not rest or len(label_key(words[0])) < 3 or not all(w[0].isupper() or w[0].isdigit() for w in rest):
        return None  # 'Interviewer Marieke' or 'Interviewer - Marieke' names a role; 'Onderzoeker zei' does not
    return known_role(words[0])


_TIMESTAMP = r"\[?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\]?"
_LABEL_LINE = re.compile(
    rf"^(?:{_TIMESTAMP}\s+)?(?P<label>[^\W\d_][\w.'’()\- ]{{0,39}}?)\s*:(?:\s+(?P<rest>.*)|$)"
)
_NAME_AND_TIMESTAMP = re.compile(
    rf"(?:{_TIMESTAMP}\s*)?(?P<name>.*?)(?:\s*{_TIMESTAMP.replace('?P<ts>', '?P<ts2>')})?"
)
_STAMP = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
# A service's turn heading: [time] name [time], one of the two times there, then nothing or ': words'.
_HEADING = re.compile(
    rf"^(?:[\[(]?(?P<ts1>{_STAMP})[\])]?\s*(?:[-–|]\s*)?)?"
    rf"(?P<label>[^\W\d_][\w.'’\- ]{{0,39}}?)"
    rf"(?:\s*(?:[-–|]\s*)?[\[(]?(?P<ts2>{_STAMP})[\])]?)?"
    rf"\s*(?::\s*(?P<rest>.*))?$"
)
_CUE_STAMP = r"(?:\d{1,2}:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?"
_CUE_TIMING = re.compile(rf"^\s*(?P<ts>{_CUE_STAMP})\s*-->\s*{_CUE_STAMP}\s*$")
_TUSSENVOEGSELS = frozenset({"van", "de", "der", "den", "het", "ten", "ter", "te", "'t", "in", "op"})
# Capitalised words that open ordinary Dutch sentences followed by a colon.
_SENTENCE_OPENERS = frozenset({
    "ik", "kijk", "nou", "dus", "en", "maar", "ja", "nee", "toen", "want", "zie", "stel", "let",
    "oké", "ok", "bijvoorbeeld", "conclusie", "kortom", "nee hoor", "ja hoor", "eerlijk", "punt",
    "vraag", "tip", "advies", "opmerking", "noot", "let op",
})


@dataclass(frozen=True)
class LabelMatch:
    label: str
    rest: str
    timestamp: float | None


def match_label(line: str) -> LabelMatch | None:
    """The label-shaped prefix of a line, before deciding whether it really is a label."""
    found = _LABEL_LINE.match(line)
    if not found:
        return None
    label = " ".join(found["label"].split())
    if not name_shaped(label):
        return None
    stamp = parse_timestamp(found["ts"]) if found["ts"] else None
    return LabelMatch(label, (found["rest"] or "").strip(), stamp)


def match_heading(line: str) -> LabelMatch | None:
    """A transcription service's turn heading: a name and one time, the words on the lines below
    ('Spreker 1  0:03', 'Interviewer [00:00:03]', '00:00:03 Spreker 1', 'Sanne (01:02):')."""
    found = _HEADING.match(line.strip())
    if not found or bool(found["ts1"]) == bool(found["ts2"]):
        return None
    label = " ".join(found["label"].split()).rstrip(" -–")
    if not label or not name_shaped(label):
        return None
    return LabelMatch(label, (found["rest"] or "").strip(), parse_timestamp(found["ts1"] or found["ts2"]))


def cue_headings(lines: list[str]) -> dict[int, tuple[LabelMatch, int]]:
    """Teams' older transcript download (Word or text): a cue's timing line ('0:0:0.0 --> 0:0:4.520'),
    the speaker's name on the next line, the words below. {timing line: (heading, name line)}."""
    found: dict[int, tuple[LabelMatch, int]] = {}
    for i in range(len(lines) - 1):
        timing = _CUE_TIMING.match(lines[i])
        name = " ".join(lines[i + 1].split())
        if timing and 0 < len(name) <= 40 and name_shaped(name):
            found[i] = (LabelMatch(name, "", parse_timestamp(timing["ts"])), i + 1)
    return found


def accepted_headings(candidates: Iterable[LabelMatch], extra_known: Iterable[str] = ()) -> set[str]:
    """Which turn headings of one file are speakers (lower-cased): a known label, or one heading
    two turns or more (a single 'Om 10:30' line is words, not a speaker)."""
    known = {k.lower() for k in extra_known}
    counts = Counter(candidate.label.lower() for candidate in candidates)
    return {key for key, n in counts.items() if n >= 2 or key in known} | {
        candidate.label.lower() for candidate in candidates if known_role(candidate.label) is not None}


def name_shaped(label: str) -> bool:
    words = label.split()
    if not 1 <= len(words) <= 4:
        return False
    if known_role(label) is not None:
        return True
    if label.lower() in _SENTENCE_OPENERS or words[0].lower() in _SENTENCE_OPENERS:
        return False
    if not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _TUSSENVOEGSELS or w.startswith("(")
               for w in words[1:])


def accepted_labels(candidates: Iterable[LabelMatch], extra_known: Iterable[str] = ()) -> set[str]:
    """Which candidate labels of one file are speaker labels (lower-cased)."""
    known = {k.lower() for k in extra_known}
    counts: Counter[str] = Counter()
    accepted: set[str] = set()
    for candidate in candidates:
        key = candidate.label.lower()
        counts[key] += 1
        if key in known or known_role(candidate.label) is not None or candidate.timestamp is not None:
            accepted.add(key)
    accepted.update(key for key, n in counts.items() if n >= 2)
    return accepted


def split_timestamp(text: str) -> tuple[str, float | None]:
    """A table cell's name and the timestamp before or after it: 'Spreker 1 [00:12:31]' →
    ('Spreker 1', 751.0); '00:12:31' → ('', 751.0); 'Sanne' → ('Sanne', None)."""
    found = _NAME_AND_TIMESTAMP.fullmatch(" ".join(text.split()))
    if not found:
        return text.strip(), None
    stamp = found["ts"] or found["ts2"]
    return found["name"] or "", parse_timestamp(stamp) if stamp else None


def parse_timestamp(stamp: str) -> float:
    """'01:02:03', '12:31' or '00:12:31.5' → seconds."""
    seconds = 0.0
    for part in stamp.replace(",", ".").split(":"):
        seconds = seconds * 60 + float(part)
    return seconds
