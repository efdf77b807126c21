"""How a tool counted characters, and where its selections fall in qcode's fragments.

The spec counts Unicode code points; NVivo counts UTF-16 code units; NVivo for Windows counts a CRLF
as two characters, ATLAS.ti as one. Each reading is tried on every selection of a project and the
one that puts most selections on word boundaries (and on the excerpt text some tools put in a
selection's name) wins. Offsets then go into the text with line ends made LF, in code points.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

READINGS = ("code points", "code points, CRLF as two", "UTF-16 units", "UTF-16 units, CRLF as two")


@dataclass(frozen=True)
class Selection:
    start: int
    end: int
    name: str | None = None


class SourceText:
    """A source's text as the tool stored it (BOM removed), and the same with LF line ends."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = raw.replace("\r\n", "\n").replace("\r", "\n")
        # positions in `raw` of each CR that a CRLF pair drops
        self._dropped = [i for i in range(len(raw)) if raw[i] == "\r" and raw[i + 1:i + 2] == "\n"]
        self._astral_raw = _astral_positions(raw)
        self._astral_text = _astral_positions(self.text)

    def to_text(self, offset: int, reading: str) -> int:
        """A tool's offset, read as `reading`, as a code-point offset into `text`."""
        crlf_two = "CRLF as two" in reading
        utf16 = reading.startswith("UTF-16")
        if utf16:
            astral = self._astral_raw if crlf_two else self._astral_text
            offset = _utf16_to_points(offset, astral)
        if crlf_two:
            offset -= bisect.bisect_left(self._dropped, offset)
        return max(0, min(offset, len(self.text)))

    def differs(self, reading: str) -> bool:
        """Whether this text reads differently under `reading` than as plain code points."""
        return bool(("CRLF" in reading and self._dropped) or (reading.startswith("UTF-16") and
                                                                (self._astral_raw or self._astral_text)))


def _astral_positions(text: str) -> list[int]:
    return [i for i, char in enumerate(text) if ord(char) > 0xFFFF]


def _utf16_to_points(units: int, astral: list[int]) -> int:
    """UTF-16 units → code points: every character beyond the BMP that ends at or before the offset took
    two units. (The k-th such character, at code point p, ends at unit p + k + 2.)"""
    ends = [position + count + 2 for count, position in enumerate(astral)]
    return units - bisect.bisect_right(ends, units)


def _on_boundary(text: str, start: int, end: int) -> bool:
    def edge(i: int) -> bool:
        return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())
    return start <= end and edge(start) and edge(end)


def _matches_name(text: str, start: int, end: int, name: str | None) -> bool:
    if not name:
        return False
    excerpt = " ".join(name.replace("…", " ").replace("...", " ").split())
    found = " ".join(text[start:end].split())
    return bool(excerpt) and len(excerpt) >= 3 and (found.startswith(excerpt) or excerpt.startswith(found[:40]))


def detect(sources: Iterable[tuple[SourceText, Sequence[Selection]]]) -> tuple[str, dict[str, int]]:
    """The reading that fits the most selections, and each reading's score (word boundaries + names)."""
    scores = dict.fromkeys(READINGS, 0)
    for source, selections in sources:
        for reading in READINGS:
            if reading != READINGS[0] and not source.differs(reading):
                scores[reading] += sum(_score(source, s, READINGS[0]) for s in selections)
                continue
            scores[reading] += sum(_score(source, s, reading) for s in selections)
    best = max(READINGS, key=lambda reading: (scores[reading], -READINGS.index(reading)))
    return best, scores


def _score(source: SourceText, selection: Selection, reading: str) -> int:
    start, end = source.to_text(selection.start, reading), source.to_text(selection.end, reading)
    return int(_on_boundary(source.text, start, end)) + 2 * int(_matches_name(source.text, start, end, selection.name))
