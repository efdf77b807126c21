"""Teams WebVTT transcripts: `<v Speaker>` cues; consecutive cues of one speaker form a turn."""
from __future__ import annotations

from pathlib import Path

import webvtt
from webvtt.errors import MalformedFileError

from qcode.readers.base import ParsedDocument, ReadError, Turn
from qcode.readers.decoding import decode
from qcode.readers.labels import match_label


def read_vtt(path: Path, extra_labels: set[str] = frozenset()) -> ParsedDocument:
    text = decode(path.read_bytes(), path)
    if not text.strip():
        raise ReadError("the file is empty", path=path,
                        hint="check that this is the right file, or leave it out")
    try:
        captions = webvtt.from_string(text)
    except MalformedFileError:
        raise ReadError("not a WebVTT file (it must start with 'WEBVTT' and hold timed cues)",
                        path=path, line=1,
                        hint="download the transcript from Teams again as .vtt, or save it as .docx") from None
    turns: list[Turn] = []
    for number, cue in enumerate(captions, start=1):
        speaker, words = _speaker_and_words(cue.voice, cue.text)
        if not words:
            continue
        if speaker is None or (turns and turns[-1].speaker == speaker):
            if turns:
                turns[-1].paragraphs[0] += " " + words
            continue
        turns.append(Turn(speaker=speaker, paragraphs=[words], timestamp=_seconds(cue), location=number))
    if not turns:
        raise ReadError("no speaker found in any cue", path=path, line=1, unit="cue",
                        hint="Teams marks speakers as <v Name>; export the transcript with speaker names")
    return ParsedDocument(name=path.name, source_path=path, format="vtt", turns=turns, unit="cue")


def _speaker_and_words(voice: str | None, text: str) -> tuple[str | None, str]:
    words = " ".join(text.split())
    if voice:
        return " ".join(voice.split()), words
    label = match_label(words)
    if label is not None:
        return label.label, label.rest
    return None, words


def _seconds(cue: webvtt.Caption) -> float:
    millis = cue.start_time.in_milliseconds
    return (millis() if callable(millis) else millis) / 1000
