"""WebVTT transcripts: Teams' `<v Speaker>` cues, or Zoom's `Speaker: words` inside a cue;
consecutive cues of one speaker form a turn. The cue machinery here also reads .srt (srt.py).

Read here rather than with a WebVTT library, because a library skips a cue it cannot parse
without saying so, and a skipped cue is a participant's words lost. Every block after the header
is a NOTE, STYLE or REGION block, or a cue with a timing line; anything else is an error naming
its line. SRT-style commas and short fractions in timestamps are read as meant.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qcode.readers.base import ParsedDocument, ReadError, Turn
from qcode.readers.decoding import decode, read_bytes
from qcode.readers.labels import LabelMatch, match_label

_TIMESTAMP = r"(?:(\d{1,3}):)?([0-5]?\d):([0-5]\d)(?:[.,](\d{1,3}))?"
_TIMING = re.compile(rf"\s*{_TIMESTAMP}\s*-->\s*{_TIMESTAMP}(?:\s+.*)?")
_TIME_LIKE = re.compile(r"\s*\d+:\d")
# Bounded, so that a cue full of '<' without '>' cannot make the search quadratic.
_VOICE = re.compile(r"<v(?:\.[^\s<>]{0,100})?(?:\s+([^<>\n]{0,500}))?>")
_TAG = re.compile(r"</?(?:v|c|i|b|u|ruby|rt|lang)(?:[.\s][^<>\n]{0,500})?>|<\d[\d:.]{0,20}>")  # WebVTT's own tags
_NOT_CUES = ("NOTE", "STYLE", "REGION")
_TIMING_HINT = "a cue's timing line reads like '00:01:02.500 --> 00:01:05.000'; correct it or remove the cue"


@dataclass(frozen=True)
class Cue:
    number: int
    line: int  # the timing line
    start: float
    end: float
    text: str  # with tags, as in the file


UNNAMED_SPEAKER = "Spreker"
PAUSE = 2.0  # seconds of silence between cues of a file without speakers that start a new paragraph


def read_vtt(path: Path, extra_labels: set[str] = frozenset()) -> ParsedDocument:
    text = decode(read_bytes(path), path)
    if not text.strip():
        raise ReadError("the file is empty", path=path,
                        hint="check that this is the right file, or leave it out")
    lines = text.split("\n")
    if not re.match(r"WEBVTT(?:[ \t]|$)", lines[0]):
        raise ReadError("not a WebVTT file (it must start with 'WEBVTT' and hold timed cues)",
                        path=path, line=1,
                        hint="download the transcript from Teams again as .vtt, or save it as .docx")
    return cue_document(path, list(cues(lines, path)), "vtt")


def cue_document(path: Path, timed: list[Cue], format: str) -> ParsedDocument:
    """Turns from cues: a `<v Name>` voice, or a name-shaped 'Name: words' label opening the cue
    (Zoom's way; 'Dus ik zei: ...' is not name-shaped and stays words)."""
    parts = [(cue, list(_voiced_parts(cue.text))) for cue in timed]
    if not any(speaker or label for _, found in parts for speaker, _, label in found):
        return _unnamed_document(path, timed, format)
    turns: list[Turn] = []
    preamble: list[str] = []
    for cue, found in parts:
        for speaker, words, label in found:
            if label is not None:
                speaker, words = label.label, label.rest
            if not words:
                continue
            if speaker is not None and not (turns and turns[-1].speaker == speaker):
                turns.append(Turn(speaker=speaker, paragraphs=[words], timestamp=cue.start, location=cue.number))
            elif turns:
                turns[-1].paragraphs[0] += " " + words
            else:
                preamble.append(words)  # before the first speaker: kept, not coded
    return ParsedDocument(name=path.name, source_path=path, format=format, turns=turns, unit="cue",
                          preamble="\n".join(preamble) or None)


def _unnamed_document(path: Path, timed: list[Cue], format: str) -> ParsedDocument:
    """A file that names no speaker (subtitles): all its words as one unnamed voice, a paragraph
    per stretch of speech between pauses; the importer asks who is who."""
    paragraphs: list[str] = []
    last_end = None
    for cue in timed:
        words = " ".join(_dialogue_dash(_words(line)) for line in cue.text.split("\n") if _words(line))
        if not words:
            continue
        if paragraphs and last_end is not None and cue.start - last_end < PAUSE:
            paragraphs[-1] += " " + words
        else:
            paragraphs.append(words)
        last_end = cue.end
    if not paragraphs:
        raise ReadError("no words in any cue", path=path, line=1,
                        hint="check that this is the right file, or leave it out")
    first = next(cue for cue in timed if _words(cue.text))
    turn = Turn(speaker=UNNAMED_SPEAKER, paragraphs=paragraphs, timestamp=first.start, location=first.number)
    return ParsedDocument(name=path.name, source_path=path, format=format, turns=[turn], unit="cue",
                          speakers_named=False)


def _dialogue_dash(line: str) -> str:
    """Subtitles mark a change of speaker inside a cue with '- '; without names it says nothing."""
    return line[2:] if line.startswith("- ") else line


def cues(lines: list[str], path: Path) -> Iterator[Cue]:
    """The timed cues after the header, in file order; a block that is neither cue nor note is an error."""
    number = 0
    for block in _blocks(lines):
        first_line, first = block[0]
        if first.split(" ", 1)[0].split("\t", 1)[0] in _NOT_CUES:
            continue
        timing_at = 0 if "-->" in first else 1 if len(block) > 1 and "-->" in block[1][1] else None
        if timing_at is None and _TIME_LIKE.match(first):
            raise ReadError("the cue timing is not 'HH:MM:SS.mmm --> HH:MM:SS.mmm'", path=path, line=first_line,
                            hint=_TIMING_HINT)
        if timing_at is None:
            raise ReadError("text without a cue timing line (a blank line inside a cue?)", path=path,
                            line=first_line, hint=_TIMING_HINT)
        for part, timed in enumerate(_split_at_timings(block[timing_at:])):
            line, timing = timed[0]
            found = _TIMING.fullmatch(timing)
            if not found and (part == 0 or _TIME_LIKE.match(timing)):
                raise ReadError("the cue timing is not 'HH:MM:SS.mmm --> HH:MM:SS.mmm'", path=path, line=line,
                                hint=_TIMING_HINT)
            if not found:
                raise ReadError("a line inside a cue holds '-->', which WebVTT reads as the timing of a new cue",
                                path=path, line=line,
                                hint="write the arrow another way (→), or correct the timing line")
            number += 1
            yield Cue(number, line, _seconds(*found.groups()[:4]), _seconds(*found.groups()[4:8]),
                      "\n".join(t for _, t in timed[1:]))


def _split_at_timings(block: list[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """A block from its timing line on, cut before every later line holding '-->': WebVTT ends a cue's
    text there, so a cue written without a blank line before it is a cue of its own, not words."""
    start = 0
    for i in range(1, len(block) + 1):
        if i == len(block) or "-->" in block[i][1]:
            yield block[start:i]
            start = i


def _blocks(lines: list[str]) -> Iterator[list[tuple[int, str]]]:
    """Blocks of (line number, line) separated by blank lines, the header block left out."""
    block: list[tuple[int, str]] = []
    in_header = True
    for number, line in enumerate(lines + [""], start=1):
        if line.strip():
            block.append((number, line))
            continue
        if in_header:  # a first cue written without a blank line after the header still counts
            block = next((block[i:] for i, (_, text) in enumerate(block) if "-->" in text), [])
            in_header = False
        if block:
            yield block
        block = []


def _voiced_parts(text: str) -> Iterator[tuple[str | None, str, LabelMatch | None]]:
    """(speaker, words, label) for each `<v Speaker>` span of a cue; text before any voice has no
    speaker, but may open with a candidate label ('Sanne: ...', Zoom's way)."""
    voices = list(_VOICE.finditer(text))
    before = _words(text[:voices[0].start()] if voices else text)
    if before:
        yield None, before, match_label(before)
    for i, voice in enumerate(voices):
        end = voices[i + 1].start() if i + 1 < len(voices) else len(text)
        speaker = " ".join(html.unescape(voice.group(1) or "").split()) or None
        yield speaker, _words(text[voice.end():end]), None


def _words(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str | None) -> float:
    millis = int((fraction or "0").ljust(3, "0"))
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + millis / 1000
