"""SubRip (.srt) transcripts: numbered cues with `-->` times, 'Name: words' or no speaker at all.

Read with the WebVTT reader's cue machinery (vtt.py), which already takes SRT's comma before the
milliseconds; SRT's own formatting (`<font>` tags, `{\\an8}` positions) is dropped first.
"""
from __future__ import annotations

import re
from pathlib import Path

from qcode.readers.base import ParsedDocument, ReadError
from qcode.readers.decoding import decode, read_bytes
from qcode.readers.vtt import cue_document, cues

_FORMATTING = re.compile(r"</?font(?:\s[^<>\n]{0,200})?>|\{\\[^{}\n]{0,50}\}", re.IGNORECASE)


def read_srt(path: Path, extra_labels: set[str] = frozenset()) -> ParsedDocument:
    text = decode(read_bytes(path), path)
    if not text.strip():
        raise ReadError("the file is empty", path=path, hint="check that this is the right file, or leave it out")
    lines = _FORMATTING.sub("", text).split("\n")
    if lines[0].startswith("WEBVTT"):
        raise ReadError("this is a WebVTT file with an .srt name", path=path, line=1,
                        hint="rename it to .vtt")
    if not any("-->" in line for line in lines):
        raise ReadError("not a SubRip file: no cue timing ('00:00:01,000 --> 00:00:04,000') anywhere",
                        path=path, line=1, hint="export the transcript again as .srt, or save it as .txt or .docx")
    # A cue's number stands on the line above its timing, where `cues` expects a cue identifier.
    return cue_document(path, list(cues(lines, path)), "srt")
