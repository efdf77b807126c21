"""What an export writes for readers, pseudonymised: the helpers every export shares.

An export builds one `Pseudonymiser` (`qcode.anonymise.pseudonymiser`) for the fragments it prints and
passes it down; `None` means the raw text (`--no-anonymise`). Participant-derived strings go through
`text` before they are escaped or written; a whole Markdown document goes through `markdown`, which
keeps the labels it puts in literal ("\\[naam 1\\]", never a link). The database is never changed.
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, Optional, Union

if TYPE_CHECKING:
    from qcode.anonymise import Pseudonymiser

AUTO: Literal["auto"] = "auto"
# What an export method of `Project` takes: "auto" builds one for the fragments it prints (a function given those
# fragments may build it instead, once the export has checked its arguments); None writes the raw text.
Choice = Union["Pseudonymiser", None, Literal["auto"], Callable[[Optional[Iterable[int]]], "Pseudonymiser"]]


class Lazy:
    """A replacer made on first use, so an export that fails before it writes a word scans (and stores) nothing."""

    def __init__(self, make: Callable[[], Pseudonymiser]) -> None:
        self._make = make
        self._made: Pseudonymiser | None = None

    @property
    def made(self) -> Pseudonymiser:
        if self._made is None:
            self._made = self._make()
        return self._made

    def apply(self, value: str) -> str:
        return self.made.apply(value)

    def is_replacement(self, value: str) -> bool:
        return self.made.is_replacement(value)

    def names_word(self, word: str) -> bool:
        return self.made.names_word(word)

    def note(self) -> str:
        return self.made.note()


def text(pseudonymiser: Pseudonymiser | None, value: Any) -> Any:
    """A string with every identifier replaced; anything else (a number, None) as it is."""
    if pseudonymiser is None or not isinstance(value, str) or not value:
        return value
    return pseudonymiser.apply(value)


def texts(pseudonymiser: Pseudonymiser | None, values: Iterable[str]) -> list[str]:
    return [text(pseudonymiser, value) for value in values]


_BRACKETED = re.compile(r"(?<!\\)\[([^\[\]\n]{1,80})(?<!\\)\]")


def markdown(pseudonymiser: Pseudonymiser | None, document: str) -> str:
    """Markdown with every identifier still in it replaced (the researcher's own text, headings, the
    template's words), each label it puts in escaped so Markdown readers show it as text, not a link."""
    if pseudonymiser is None or not document:
        return document
    replaced = pseudonymiser.apply(document)
    if replaced == document:
        return document
    return _BRACKETED.sub(lambda m: f"\\[{m.group(1)}\\]" if pseudonymiser.is_replacement(m.group(0)) else m.group(0),
                          replaced)


def keeps_word(pseudonymiser: Pseudonymiser | None, word: str) -> bool:
    """Whether a counted word (a lemma, in small letters) may be shown: not an identifier in any of the
    ways it is written (almere, Almere, ALMERE)."""
    if pseudonymiser is None:
        return True
    forms = {word, word[:1].upper() + word[1:], word.upper()}
    return not pseudonymiser.names_word(word) and all(pseudonymiser.apply(form) == form for form in forms)


# -- which fragments an export prints (scanned first, if never scanned) -------------------------------------
def coded_fragments(conn: sqlite3.Connection, coder: str) -> list[int]:
    """The participant fragments a coder coded: what a report or quote sheet of theirs can quote."""
    return [row[0] for row in conn.execute(
        "SELECT DISTINCT c.fragment_id FROM codings c JOIN fragments f ON f.id = c.fragment_id "
        "JOIN turns t ON t.id = f.turn_id WHERE c.coder = ? AND t.role = 'participant' ORDER BY 1", (coder,))]


def participant_fragments(conn: sqlite3.Connection) -> list[int]:
    """Every participant fragment (a survey report counts the words of every answer)."""
    return [row[0] for row in conn.execute(
        "SELECT f.id FROM fragments f JOIN turns t ON t.id = f.turn_id WHERE t.role = 'participant' ORDER BY f.id")]


# -- exchange files: the stored text with its offsets kept right ------------------------------------------
def with_offsets(pseudonymiser: Pseudonymiser, whole: str, cuts: Sequence[int]) -> tuple[str, dict[int, int]]:
    """`whole` pseudonymised piece by piece between the `cuts` (offsets into it), and where each cut lands in
    the new text, so a selection of the stored text still selects the same words. An identifier is replaced
    inside one piece: cuts lie on fragment and span boundaries, which a name does not cross."""
    points = sorted({0, len(whole), *(c for c in cuts if 0 <= c <= len(whole))})
    pieces, moved, length = [], {0: 0}, 0
    for start, end in zip(points, points[1:]):
        piece = pseudonymiser.apply(whole[start:end])
        pieces.append(piece)
        length += len(piece)
        moved[end] = length
    return "".join(pieces), moved


def unique(labels: Sequence[str]) -> list[str]:
    """Labels made distinct again where replacing made two alike ("[gemeente]", "[gemeente] (2)"), so no
    column of a sheet or bar of a chart takes another's place."""
    seen: dict[str, int] = {}
    result = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        result.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return result


def matrix(pseudonymiser: Pseudonymiser | None, found: Any) -> Any:
    """An `aggregate.Matrix` with identifiers replaced in its title and labels (participants, attribute values)."""
    if pseudonymiser is None:
        return found
    from dataclasses import replace

    return replace(found, title=text(pseudonymiser, found.title), corner=text(pseudonymiser, found.corner),
                   rows=unique(texts(pseudonymiser, found.rows)), columns=unique(texts(pseudonymiser, found.columns)))


def rows(pseudonymiser: Pseudonymiser | None, table: Sequence[dict[str, Any]], columns: Iterable[str]
         ) -> list[dict[str, Any]]:
    """Sheet rows with identifiers replaced in the named columns (the rest, ids and offsets, as they are)."""
    if pseudonymiser is None:
        return list(table)
    named = tuple(columns)
    return [{key: text(pseudonymiser, value) if key in named else value for key, value in row.items()} for row in table]


CODING_TEXTS = ("transcript", "participant", "memo", "text")  # of `codings export`'s rows
FRAGMENT_TEXTS = ("transcript", "participant", "speaker", "text")  # of `fragments -o`'s rows
