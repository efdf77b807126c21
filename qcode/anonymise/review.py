"""`qcode anonymise --review`: one researcher's walk through the detected identifiers.

`Review` is to the review screen what `CodingSession` is to the coder: the queue (grouped by text,
most frequent first), the position, each decision through `decide` with its before-image kept for
undo, and the context the screen shows. Nothing here knows about Textual or Rich.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qcode.anonymise import CATEGORIES, Identifier, decide, identifiers
from qcode.errors import UsageError

if TYPE_CHECKING:
    from qcode.project import Project

DECISIONS = ("replace", "keep", "always", "never")
CONTEXT_CHARS = 70  # shown on either side of an identifier
MAX_LABEL = 60


@dataclass(frozen=True)
class Context:
    """Where an identifier stands: a window of one fragment, with the identifier's offsets in it."""
    fragment_id: int
    participant: str
    transcript: str
    text: str
    hits: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Decided:
    """One decision made in this review, with what it replaced, for undo and the closing summary."""
    text: str
    decision: str | None
    replacement: str | None
    before: tuple[str | None, str | None]
    position: int


class Review:
    def __init__(self, project: Project, *, everything: bool = False, by: str) -> None:
        if not by or not by.strip():
            raise UsageError("the review needs to know who decides", hint="give --coder NAME")
        self.project = project
        self.by = by.strip()
        self.everything = everything
        self.items: list[Identifier] = identifiers(project, unreviewed_only=not everything)
        self.position = 0
        self.done: list[Decided] = []

    # -- where we are ---------------------------------------------------------------------------
    @property
    def current(self) -> Identifier:
        if not self.items:
            raise UsageError("there is nothing to review")
        return self.items[self.position]

    def __len__(self) -> int:
        return len(self.items)

    def next(self) -> bool:
        if self.position + 1 >= len(self.items):
            return False
        self.position += 1
        return True

    def previous(self) -> bool:
        if self.position == 0:
            return False
        self.position -= 1
        return True

    def still_open(self) -> int:
        return sum(1 for item in self.items if item.decision is None)

    # -- deciding -------------------------------------------------------------------------------
    def decide(self, decision: str, replacement: str | None = None) -> bool:
        """Store the decision on the current identifier, then move on; False when it was the last one."""
        if decision not in DECISIONS:
            raise UsageError(f"unknown decision {decision!r}", hint="one of " + ", ".join(DECISIONS))
        item = self.current
        if replacement is None and decision in ("replace", "always"):
            replacement = item.replacement  # a label the researcher gave earlier stays
        self._store(item, decision, replacement)
        return self.next()

    def relabel(self, label: str) -> str:
        """The researcher's own replacement for the current identifier ('' = the category's label again);
        the identifier is then replaced (or stays 'always'). Returns the label as it will print."""
        item = self.current
        label = replacement_label(label)
        decision = item.decision if item.decision in ("replace", "always") else "replace"
        self._store(item, decision, label or None)
        return label or category_label(item.category)

    def undo(self) -> Decided | None:
        """Put the last decision of this review back as it was, and go to its identifier."""
        if not self.done:
            return None
        last = self.done.pop()
        decision, replacement = last.before
        if decision is None:
            forget(self.project, last.text, by=self.by)
        else:
            decide(self.project, last.text, decision, by=self.by, replacement=replacement)
        self._set(last.position, decision, replacement)
        self.position = last.position
        return last

    def _store(self, item: Identifier, decision: str, replacement: str | None) -> None:
        decide(self.project, item.text, decision, by=self.by, replacement=replacement)
        self.done.append(Decided(item.text, decision, replacement, (item.decision, item.replacement), self.position))
        self._set(self.position, decision, replacement)

    def _set(self, position: int, decision: str | None, replacement: str | None) -> None:
        self.items[position] = replace(self.items[position], decision=decision, replacement=replacement)

    def summary(self) -> Counter[str]:
        """Decisions made in this review and still standing: the latest per identifier."""
        latest = {d.text: d.decision for d in self.done}
        return Counter(d for d in latest.values() if d is not None)

    # -- what the screen shows ------------------------------------------------------------------
    def contexts(self, limit: int = 4) -> list[Context]:
        """The current identifier in up to `limit` of the fragments it was found in."""
        item = self.current
        return contexts(self.project, item.text, item.fragment_ids[:limit])

    def printed_as(self) -> str:
        item = self.current
        return item.replacement or category_label(item.category)


def forget(project: Project, text: str, *, by: str) -> None:
    """Take the decision on `text` back: it is unreviewed again, and out of anonimiseren.yaml's lists.

    `decide` knows no "no decision"; this mirrors it (database row, change log and file together)."""
    from qcode import outputs
    from qcode.anonymise import settings as settings_mod
    from qcode.changelog import log_action
    from qcode.db import transaction

    path = settings_mod.settings_path(project.root)
    loaded, document = settings_mod.read_settings(path)
    listed = text in loaded.altijd or text in loaded.nooit
    new_text = settings_mod.with_decision(document, text, "replace", None) if listed else None
    with transaction(project.db) as conn:
        conn.execute("DELETE FROM anonymise_decisions WHERE text = ?", (text,))
        log_action(conn, by, "anonymise", text=text, decision=None, undone=True)
        if new_text is not None:
            outputs.write_text(path, new_text)


def category_label(category: str) -> str:
    return CATEGORIES.get(category, f"[{category}]")


def replacement_label(typed: str) -> str:
    """What the researcher typed as a replacement, as exports print it: on one line, in brackets."""
    label = " ".join(typed.split())
    if not label:
        return ""
    if not (label.startswith("[") and label.endswith("]")):
        label = f"[{label.strip('[]').strip()}]"
    if label == "[]" or len(label) > MAX_LABEL or any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in label):
        raise UsageError("a replacement is a short label on one line, like [naam collega]",
                         hint=f"at most {MAX_LABEL} characters, without control characters")
    return label


def contexts(project: Project, text: str, fragment_ids: tuple[int, ...]) -> list[Context]:
    if not fragment_ids:
        return []
    marks = ",".join("?" * len(fragment_ids))
    rows = project.conn.execute(
        f"SELECT f.id, f.text, t.name, t.participant_id FROM fragments f JOIN transcripts t ON t.id = f.transcript_id "
        f"WHERE f.id IN ({marks})", fragment_ids).fetchall()
    by_id = {row[0]: row for row in rows}
    pattern = occurrence_pattern(text)
    found = []
    for fragment_id in fragment_ids:  # in the order the core gave them
        if fragment_id not in by_id:
            continue
        _, fragment, transcript, participant = by_id[fragment_id]
        window, hits = _window(fragment, [m.span() for m in pattern.finditer(fragment)])
        found.append(Context(fragment_id, participant, transcript, window, hits))
    return found


def occurrence_pattern(text: str) -> re.Pattern[str]:
    """The identifier as a whole word (or as it stands, where it starts or ends with a non-word character)."""
    start = r"(?<!\w)" if text[:1].isalnum() else ""
    end = r"(?!\w)" if text[-1:].isalnum() else ""
    return re.compile(start + re.escape(text) + end, re.IGNORECASE)


def _window(fragment: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The part of `fragment` around its first occurrence, cut at spaces, with '…' where it was cut."""
    if not spans:
        return _cut(fragment, 0, min(len(fragment), 2 * CONTEXT_CHARS)), ()
    first_start, first_end = spans[0]
    start = max(0, first_start - CONTEXT_CHARS)
    end = min(len(fragment), first_end + CONTEXT_CHARS)
    if start > 0:
        space = fragment.find(" ", start, first_start)
        start = space + 1 if space != -1 else start
    if end < len(fragment):
        space = fragment.rfind(" ", first_end, end)
        end = space if space != -1 else end
    window = _cut(fragment, start, end)
    shift = len("… ") if start > 0 else 0
    hits = tuple((s - start + shift, e - start + shift) for s, e in spans if s >= start and e <= end)
    return window, hits


def _cut(fragment: str, start: int, end: int) -> str:
    return ("… " if start > 0 else "") + fragment[start:end] + (" …" if end < len(fragment) else "")
