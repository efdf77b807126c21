"""Recognising speaker labels ("I:", "Respondent:", "[00:12:31] Sanne:") at the start of a line.

A colon in the middle of a sentence ("Ik zei: dat gaat zo niet") is not a label. A candidate is
accepted when it is a known label, when a timestamp stands before it, or when it is shaped like a
name (capitalised words, Dutch tussenvoegsels allowed) and opens at least two lines of the file.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

INTERVIEWER_LABELS = frozenset({"i", "int", "interviewer"})
PARTICIPANT_LABELS = frozenset({"r", "resp", "respondent", "participant", "deelnemer"})

_TIMESTAMP = r"\[?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\]?"
_LABEL_LINE = re.compile(
    rf"^(?:{_TIMESTAMP}\s+)?(?P<label>[^\W\d_][\w.'’()\- ]{{0,39}}?)\s*:(?:\s+(?P<rest>.*)|$)"
)
_NAME_AND_TIMESTAMP = re.compile(
    rf"(?:{_TIMESTAMP}\s*)?(?P<name>.*?)(?:\s*{_TIMESTAMP.replace('?P<ts>', '?P<ts2>')})?"
)
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


def name_shaped(label: str) -> bool:
    words = label.split()
    if not 1 <= len(words) <= 4:
        return False
    if label.lower() in INTERVIEWER_LABELS | PARTICIPANT_LABELS:
        return True
    if label.lower() in _SENTENCE_OPENERS or words[0].lower() in _SENTENCE_OPENERS:
        return False
    if not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _TUSSENVOEGSELS or w.startswith("(")
               for w in words[1:])


def accepted_labels(candidates: Iterable[LabelMatch], extra_known: Iterable[str] = ()) -> set[str]:
    """Which candidate labels of one file are speaker labels (lower-cased)."""
    known = INTERVIEWER_LABELS | PARTICIPANT_LABELS | {k.lower() for k in extra_known}
    counts: Counter[str] = Counter()
    accepted: set[str] = set()
    for candidate in candidates:
        key = candidate.label.lower()
        counts[key] += 1
        if key in known or candidate.timestamp is not None:
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
