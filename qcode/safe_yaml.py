"""YAML that people edit (codebooks, front matter), within bounds, checked before any tree is built.

A few hundred bytes of YAML can expand to gigabytes through aliases (the "billion laughs"), and
nesting a few hundred levels deep exhausts Python's stack in the loaders and validators. `check`
walks the parser's events — flat, nothing recursive, nothing built — and counts what the document
would expand to, so a bad file is refused with its line before it can cost memory or a crash.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent,
                                ScalarEvent)

MAX_DEPTH = 40  # nested mappings and lists (a codebook theme → sub-code → sub-sub-code is 7)
MAX_NODES = 100_000  # scalars, mappings and lists, aliases expanded


# What YAML does not allow in a file: C0 controls but tab, LF and CR; DEL; C1 but NEL; surrogates; U+FFFE/F.
_NOT_YAML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


class YamlFileError(ValueError):
    """A YAML file a researcher edits could not be read: `problem` names the file and the line."""

    def __init__(self, problem: Any) -> None:
        super().__init__(problem.message)
        self.problem = problem


def load_edited(text: str, path: Path, yaml: YAML, *, what: str) -> Any:
    """The document of an edited YAML file (a codebook, anonimiseren.yaml), checked within bounds first;
    a control character, a bound or a YAML error raises YamlFileError naming `what` ("the codebook"),
    the file and the line."""
    from qcode.errors import Problem

    found = _NOT_YAML.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise YamlFileError(Problem(f"{what} holds a control character (U+{ord(found.group()):04X}) that YAML "
                                    "does not allow", path, line,
                                    hint="remove it; an editor that shows invisible characters helps"))
    try:
        check(text)
        return yaml.load(text)
    except YamlLimitError as error:
        raise YamlFileError(Problem(error.message, path, error.line, hint=error.hint)) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        opened = ""
        if error.context_mark and error.problem_mark and error.context_mark.line != error.problem_mark.line:
            snippet = error.context_mark.buffer[error.context_mark.index] if error.context_mark.buffer else "?"
            opened = f" (the '{snippet}' of line {error.context_mark.line + 1})"
        raise YamlFileError(Problem(f"invalid YAML: {error.problem or error.context}{opened}", path,
                                    mark.line + 1 if mark else None,
                                    hint="check the indentation and the quoting on this line")) from None


class YamlLimitError(ValueError):
    """The YAML exceeds a bound; `line` is 1-based (None when unknown), `hint` says what to do."""

    def __init__(self, message: str, line: int | None, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


ALIAS_HINT = "write the values out instead of repeating them with YAML anchors and aliases (&name, *name)"
DEPTH_HINT = "flatten the file: nothing qcode reads needs more than a few levels"


def check(text: str, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> None:
    """Refuse YAML nested deeper than `max_depth` or expanding to more than `max_nodes` nodes.

    Raises YamlLimitError; YAML syntax errors surface as ruamel's MarkedYAMLError, as from a load.
    """
    sizes: dict[str, int] = {}  # anchor → nodes it expands to
    open_collections: list[tuple[int, str | None]] = []  # (nodes counted before it, its anchor)
    nodes = 0
    for event in YAML(typ="safe", pure=True).parse(text):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, AliasEvent):
            if any(anchor == event.anchor for _, anchor in open_collections):
                raise YamlLimitError(f"the alias *{event.anchor} refers to a part of itself", line, ALIAS_HINT)
            nodes += sizes.get(event.anchor, 1)
        elif isinstance(event, CollectionStartEvent):
            open_collections.append((nodes, event.anchor))
            nodes += 1
            if len(open_collections) > max_depth:
                raise YamlLimitError(f"the YAML is nested more than {max_depth} levels deep", line, DEPTH_HINT)
        elif isinstance(event, CollectionEndEvent) and open_collections:
            before, anchor = open_collections.pop()
            if anchor:
                sizes[anchor] = nodes - before
        elif isinstance(event, ScalarEvent):
            nodes += 1
            if event.anchor:
                sizes[event.anchor] = 1
        if nodes > max_nodes and isinstance(event, NodeEvent):
            raise YamlLimitError(f"the YAML expands to more than {max_nodes:,} values "
                                 "(aliases such as *name repeat what they refer to)", line, ALIAS_HINT)
