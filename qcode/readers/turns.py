"""Assembling lines into turns and paragraphs, shared by the text and Word readers."""
from __future__ import annotations

from qcode.readers.base import Turn


class TurnBuilder:
    """Feed it labelled starts and plain lines; a blank line separates paragraphs.

    Lines of one paragraph are joined with a space (transcription services wrap lines);
    text before the first label is kept apart as the preamble.
    """

    def __init__(self) -> None:
        self.turns: list[Turn] = []
        self._preamble: list[str] = []
        self._lines: list[str] = []
        self._joining = False  # after continue_turn: blank lines until the next words close nothing

    def start_turn(self, speaker: str, timestamp: float | None, location: int) -> None:
        self._joining = False
        self._close_paragraph()
        self.turns.append(Turn(speaker=speaker, paragraphs=[], timestamp=timestamp, location=location))

    def continue_turn(self) -> None:
        """The same speaker again (a subtitle cue): the words go on in the turn's last paragraph."""
        self._close_paragraph()
        if self.turns and self.turns[-1].paragraphs:
            self._lines = [self.turns[-1].paragraphs.pop()]
            self._joining = True

    def add_line(self, line: str) -> None:
        if line.strip():
            self._lines.append(line.strip())
            self._joining = False
        elif not self._joining:
            self._close_paragraph()

    def add_paragraph(self, text: str) -> None:
        self._close_paragraph()
        self.add_line(text)
        self._close_paragraph()

    def finish(self) -> list[Turn]:
        self._close_paragraph()
        return [turn for turn in self.turns if turn.paragraphs]

    @property
    def preamble(self) -> str | None:
        return "\n".join(self._preamble) or None

    def _close_paragraph(self) -> None:
        if not self._lines:
            return
        paragraph = " ".join(" ".join(self._lines).split())
        self._lines = []
        if self.turns:
            self.turns[-1].paragraphs.append(paragraph)
        else:
            self._preamble.append(paragraph)
