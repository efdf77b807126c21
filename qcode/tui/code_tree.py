"""The codebook beside the fragment: a tree with short keys, narrowed by a fuzzy filter."""
from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree

from qcode.display import visible_line
from qcode.records import CodeEntry

MATCH_THRESHOLD = 70


def _folded(text: str) -> str:
    """Lower case without accents, hyphens or spaces: "burn-out" and "burnout", "cliënt" and "client" meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def _words(text: str) -> list[str]:
    return [_folded(word) for word in re.split(r"[^\w]+", text) if word]


def match_codes(codes: list[CodeEntry], query: str) -> list[CodeEntry]:
    """Codes matching what was typed, best first: a short key ("3.2"), else by how the label matches.

    Best is a label or id equal to the query, then a label starting with it ("praktijk" →
    Praktijkschok before Aansluiting opleiding en praktijk), then a word of the label starting with
    it, then the query anywhere in the label or id, then a fuzzy match for typing errors.
    """
    query = query.strip().lower()
    if not query:
        return list(codes)
    by_key = [entry for entry in codes if entry.key == query or entry.key.startswith(query + ".")]
    if by_key:
        return by_key
    wanted = _folded(query)
    if not wanted:
        return []
    scored = []
    for order, entry in enumerate(codes):
        label, ident = _folded(entry.label), _folded(entry.id)
        if wanted in (label, ident):
            tier = 0
        elif label.startswith(wanted):
            tier = 1
        elif any(word.startswith(wanted) for word in _words(entry.label)):
            tier = 2
        elif wanted in label or wanted in ident:
            tier = 3
        else:
            score = max(fuzz.partial_ratio(query, entry.label.lower()), fuzz.partial_ratio(query, entry.id))
            if score < MATCH_THRESHOLD:
                continue
            scored.append((4, -score, order, entry))
            continue
        scored.append((tier, 0, order, entry))
    return [entry for *_, entry in sorted(scored, key=lambda item: item[:3])]


class CodeTree(Tree[str]):
    """Enter or space applies/removes the highlighted code; `d` in the app shows its definition."""

    BINDINGS = [Binding("space", "select_cursor", "Toggle code", show=False),
                Binding("right", "app.next", "Next", show=False),  # not scrolling sideways: the app's keys
                Binding("left", "app.previous", "Previous", show=False)]

    def __init__(self, codes: list[CodeEntry], **kwargs) -> None:
        super().__init__("Codebook", **kwargs)
        self.codes = codes
        self.by_id = {entry.id: entry for entry in codes}
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self.nodes_by_code: dict[str, object] = {}
        self.marked: set[str] = set()
        self.matching: set[str] = set()  # the codes the filter matched (the rest are shown for context)
        self.key_width = max((len(visible_line(entry.key)) for entry in codes), default=1)

    def fill(self, shown: list[CodeEntry], applied: set[str]) -> None:
        """Show `shown` (with the themes above them, dimmed, for context), marking the applied codes;
        a narrowed tree puts the cursor on the best match, a full one keeps it where it was."""
        visible = {entry.id for entry in shown}
        self.matching = set(visible)
        for entry in shown:
            parent = entry.parent
            while parent:
                visible.add(parent)
                parent = self.by_id[parent].parent if parent in self.by_id else None
        cursor = self.cursor_node.data if self.cursor_node else None
        filtered = len(shown) < len(self.codes)
        self.clear()
        self.nodes_by_code = {}
        self.marked = set(applied)
        nodes = {None: self.root}
        for entry in self.codes:
            if entry.id not in visible:
                continue
            parent_node = nodes.get(entry.parent, self.root)
            node = parent_node.add(self._label(entry, entry.id in applied, entry.id in self.matching), data=entry.id,
                                   expand=True, allow_expand=False)
            nodes[entry.id] = node
            self.nodes_by_code[entry.id] = node
        target = shown[0].id if shown and filtered else cursor
        self.select_code(target or (shown[0].id if shown else None))

    def mark(self, applied: set[str]) -> None:
        """Update the ✓ marks for another fragment, relabelling only the codes whose mark changes."""
        for code in applied ^ self.marked:
            node = self.nodes_by_code.get(code)
            if node is not None:
                node.set_label(self._label(self.by_id[code], code in applied, code in self.matching))
        self.marked = set(applied)

    def select_code(self, code: str | None) -> None:
        for line in range(self.last_line + 1):
            node = self.get_node_at_line(line)
            if node is not None and node.data == code:
                self.move_cursor(node)
                return

    def to_top(self) -> None:
        """The cursor on the first code and the tree scrolled to it (a new fragment starts here)."""
        self.move_cursor_to_line(0)
        self.scroll_home(animate=False)

    def move_among_matches(self, step: int) -> None:
        """↓/↑ while filtering: to the next or previous matching code, skipping the themes shown for context."""
        lines = [line for line in range(self.last_line + 1)
                 if (node := self.get_node_at_line(line)) is not None and node.data in self.matching]
        if not lines:
            return
        here = self.cursor_line
        later = [line for line in lines if (line > here if step > 0 else line < here)]
        if later:
            self.move_cursor_to_line(later[0] if step > 0 else later[-1])

    def _label(self, entry: CodeEntry, applied: bool, matching: bool = True) -> Text:
        """`✓■ 3.2 Plafond bereikt`: applied, the codebook's colour, the short key, the label."""
        label = Text("✓" if applied else " ", style="bold green")
        label.append("■" if entry.color else " ", style=entry.color or "")
        label.append(f" {visible_line(entry.key):>{self.key_width}} ", style="cyan" if matching else "dim cyan")
        label.append(visible_line(entry.label), style="bold" if applied else "" if matching else "dim")
        if entry.role == "recommendations":
            label.append(" (aanbevelingen)", style="dim")
        return label
