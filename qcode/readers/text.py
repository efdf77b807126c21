"""Plain-text and Markdown transcripts: optional YAML front matter, then labelled turns."""
from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from qcode.readers.base import ParsedDocument, ReadError
from qcode.readers.decoding import decode, read_bytes
from qcode.readers.front_matter import parse_front_matter
from qcode.readers.labels import accepted_headings, accepted_labels, cue_headings, match_heading, match_label
from qcode.readers.turns import TurnBuilder

MAX_LINES = 1000
# Line and paragraph ends other than LF, as editors show them: NEL, LINE and PARAGRAPH SEPARATOR.
_UNICODE_BREAKS = str.maketrans({"\x85": "\n", "\u2028": "\n", "\u2029": "\n\n"})


def read_text(path: Path, extra_labels: set[str] = frozenset()) -> ParsedDocument:
    text = decode(read_bytes(path), path).translate(_UNICODE_BREAKS)
    lines = text.split("\n")
    attributes, body_start = _front_matter(lines, path)
    if not any(line.strip() for line in lines[body_start:]):
        raise ReadError("the file is empty" if body_start == 0 else "no interview text after the front matter",
                        path=path, hint="check that this is the right file, or leave it out")
    cued = {body_start + i: (m, body_start + j) for i, (m, j) in cue_headings(lines[body_start:]).items()}
    names = {j for _, j in cued.values()}
    candidates = {i: m for i in range(body_start, len(lines)) if i not in names and (m := match_label(lines[i]))}
    headings = {i: m for i in range(body_start, len(lines))
                if i not in candidates and i not in names and (m := match_heading(lines[i]))}
    labels = accepted_labels(candidates.values(), extra_labels)
    labels |= accepted_headings([*headings.values(), *(m for m, _ in cued.values())], extra_labels | labels)
    builder = TurnBuilder()
    for i in range(body_start, len(lines)):
        if i in cued and cued[i][0].label.lower() in labels:
            heading, name_line = cued[i]
            if builder.turns and builder.turns[-1].speaker == heading.label:
                builder.continue_turn()
            else:
                builder.start_turn(heading.label, heading.timestamp, i + 1)
            continue
        if i in names and any(line == i and m.label.lower() in labels for m, line in cued.values()):
            continue
        label = candidates.get(i) or headings.get(i)
        if label is not None and label.label.lower() in labels:
            builder.start_turn(label.label, label.timestamp, i + 1)
            builder.add_line(label.rest)
        else:
            builder.add_line(lines[i])
    turns = builder.finish()
    if not turns:
        raise ReadError(
            "no speaker labels found", path=path, line=body_start + 1,
            hint="each turn must start a line with a label and a colon, e.g. 'I:' and 'R:', "
                 "'Interviewer:', or a name such as 'Sanne:'; or with a name and a time on a line of "
                 "their own ('Spreker 1  0:03'), the words below it",
        )
    participant = attributes.pop("participant", None)
    return ParsedDocument(
        name=path.name, source_path=path, format="text", turns=turns, attributes=attributes,
        participant=None if participant is None else unicodedata.normalize("NFC", str(participant)), preamble=builder.preamble,
    )


def _front_matter(lines: list[str], path: Path) -> tuple[dict[str, Any], int]:
    """Attributes between leading '---' lines, and the index of the first line after them."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise ReadError("front matter opened with '---' is never closed", path=path, line=1,
                        hint="end the participant attributes with a line '---'") from None
    if end > MAX_LINES:
        raise ReadError(f"the front matter is longer than {MAX_LINES} lines", path=path, line=1,
                        hint="close the participant attributes with a line '---'; keep them short")
    return parse_front_matter("\n".join(lines[1:end]), path, first_line=2), end + 1
