"""The canonical text qcode stores for a transcript, which every offset points into.

Each turn is written as `Speaker: paragraph`, further paragraphs of the turn and the next turn
each after one blank line. Readers already joined wrapped lines, so quotes read cleanly.
"""
from __future__ import annotations

from dataclasses import dataclass

from qcode.readers import Turn
from qcode.segment import Paragraph

PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class StoredText:
    text: str
    paragraphs: list[Paragraph]
    turn_spans: list[tuple[int, int]]  # start and end of each turn's own words


def render(turns: list[Turn]) -> StoredText:
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    spans: list[tuple[int, int]] = []
    offset = 0
    for number, turn in enumerate(turns):
        if number:
            parts.append(PARAGRAPH_BREAK)
            offset += len(PARAGRAPH_BREAK)
        label = f"{turn.speaker}: "
        parts.append(label)
        offset += len(label)
        turn_start = offset
        for i, paragraph in enumerate(turn.paragraphs):
            if i:
                parts.append(PARAGRAPH_BREAK)
                offset += len(PARAGRAPH_BREAK)
            paragraphs.append(Paragraph(turn=number, text=paragraph, start=offset))
            parts.append(paragraph)
            offset += len(paragraph)
        spans.append((turn_start, offset))
    return StoredText("".join(parts), paragraphs, spans)
