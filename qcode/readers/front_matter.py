"""YAML front matter of a text transcript: participant attributes as flat `key: value` lines.

The YAML is read as a stream of parser events and built here, never by a YAML constructor, so
that what a small file may expand to is bounded: anchors, aliases and tags are refused, values
nest at most one list deep, and the front matter has a size limit. Values keep the text the
researcher wrote (a date stays "2025-03-14", "0123" keeps its zero), whole numbers become ints
and decimals floats, as in a participants sheet; a list of values is joined with ", ".
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent, DocumentEndEvent, DocumentStartEvent, Event, MappingEndEvent,
    MappingStartEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent,
    StreamStartEvent,
)

from qcode.readers.base import ReadError

MAX_CHARACTERS = 64 * 1024
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}")
_BLANK = " \t\n\r\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u200c\u200d\u2060\u202f\u205f\u3000\ufeff"
_HINT = "write one 'key: value' per line, for example 'participant: U03' and 'leeftijd: 34'"


def parse_front_matter(text: str, path: Path, first_line: int) -> dict[str, Any]:
    """The attributes in `text`, which starts at line `first_line` of the file."""
    if len(text) > MAX_CHARACTERS:
        raise ReadError(f"the front matter is longer than {MAX_CHARACTERS // 1024} KB", path=path,
                        line=first_line - 1,
                        hint="close the participant attributes with a line '---'; keep them short")
    builder = _Builder(path, first_line)
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            builder.feed(event)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ReadError(f"front matter is not valid YAML ({error.problem or 'cannot be read'})", path=path,
                        line=first_line + (mark.line if mark else 0), hint=_HINT) from None
    except YAMLError:
        raise ReadError("front matter is not valid YAML", path=path, line=first_line, hint=_HINT) from None
    return {key: value for key, value in builder.attributes.items() if value is not None}


class _Builder:
    """Turns parser events into one flat mapping, refusing anything that is not attribute-shaped."""

    def __init__(self, path: Path, first_line: int) -> None:
        self.path, self.first_line = path, first_line
        self.attributes: dict[str, Any] = {}
        self.opened = False  # the top-level mapping has started
        self.key: str | None = None  # the key waiting for its value
        self.key_line = 0
        self.items: list[str] | None = None  # the list being read as the current key's value

    def feed(self, event: Event) -> None:
        if isinstance(event, (StreamStartEvent, StreamEndEvent, DocumentStartEvent, DocumentEndEvent)):
            return
        line = self.first_line + event.start_mark.line
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            self._refuse("YAML anchors and aliases (&name, *name) are not allowed in front matter", line)
        if getattr(event, "tag", None):
            self._refuse("YAML tags (!name) are not allowed in front matter", line)
        if not self.opened:
            if not isinstance(event, MappingStartEvent):
                self._refuse("front matter must be 'key: value' lines", line)
            self.opened = True
        elif isinstance(event, MappingEndEvent) and self.key is None:
            return
        elif self.items is not None:
            self._list_item(event, line)
        elif self.key is None:
            self._take_key(event, line)
        elif isinstance(event, SequenceStartEvent):
            if self.key == "participant":
                self._refuse("the participant is a list; give one pseudonymous id", line)
            self.items = []
        elif isinstance(event, ScalarEvent):
            self._store(_scalar(event))
        else:
            self._refuse(f"the value of {self.key!r} is a nested mapping; front matter holds flat "
                         "'key: value' lines", line)

    def _take_key(self, event: Event, line: int) -> None:
        if not isinstance(event, ScalarEvent) or not event.value.strip():
            self._refuse("each front matter key must be a plain name", line)
        key = event.value.strip()
        if key in self.attributes:
            self._refuse(f"key {key!r} appears twice in the front matter", line)
        self.key, self.key_line = key, line

    def _list_item(self, event: Event, line: int) -> None:
        assert self.items is not None
        if isinstance(event, SequenceEndEvent):
            items, self.items = self.items, None
            self._store(", ".join(items) or None)
        elif isinstance(event, ScalarEvent):
            value = _scalar(event)
            if value is not None:
                self.items.append(str(value))
        else:
            self._refuse(f"the list under {self.key!r} holds lists or mappings; give plain values", line)

    def _store(self, value: Any) -> None:
        assert self.key is not None
        if self.key == "participant" and isinstance(value, str):
            value = value.strip(_BLANK)
            if not value:  # quoted spaces, or invisible characters only: no id at all
                raise ReadError("the participant id is empty (only spaces)", path=self.path, line=self.key_line,
                                hint="give a pseudonymous id, for example 'participant: U03', or remove the line")
        self.attributes[self.key] = value
        self.key = None

    def _refuse(self, message: str, line: int) -> None:
        raise ReadError(message, path=self.path, line=line, hint=_HINT)


def _scalar(event: ScalarEvent) -> Any:
    """A plain scalar's number or null; otherwise the text as written (dates stay ISO text)."""
    text = event.value
    if event.style:  # quoted or block text is text
        return text
    text = text.strip()
    if text in _NULLS:
        return None
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    return text
