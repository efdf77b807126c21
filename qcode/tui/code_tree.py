"""The codebook beside the fragment: a tree with short keys, narrowed by a fuzzy filter."""
from __future__ import annotations

from rapidfuzz import fuzz
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree

from qcode.display import visible_line
from qcode.records import CodeEntry

MATCH_THRESHOLD = 70


def match_codes(codes: list[CodeEntry], query: str) -> list[CodeEntry]:
    """Codes matching what was typed, best first: a short key ("3.2"), else fuzzy on label and id."""
    query = query.strip().lower()
    if not query:
        return list(codes)
    by_key = [entry for entry in codes if entry.key == query or entry.key.startswith(query + ".")]
    if by_key:
        return by_key
    scored = []
    for order, entry in enumerate(codes):
        score = max(fuzz.partial_ratio(query, entry.label.lower()), fuzz.partial_ratio(query, entry.id))
        if score >= MATCH_THRESHOLD:
            scored.append((-score, order, entry))
    return [entry for _, _, entry in sorted(scored, key=lambda item: item[:2])]


class CodeTree(Tree[str]):
    """Enter or space applies/removes the highlighted code; `d` in the app shows its definition."""

    BINDINGS = [Binding("space", "select_cursor", "Toggle code", show=False),
                Binding("right", "app.next", "Next", show=False),  # not scrolling sideways: the app's keys
                Binding("left", "app.previous", "Previous", show=False)]

    def __init__(self, codes: list[CodeEntry], **kwargs) -> None:
        super().__init__("Codebook", **kwargs)
        self.codes = codes
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self.nodes_by_code: dict[str, object] = {}
        self.marked: set[str] = set()

    def fill(self, shown: list[CodeEntry], applied: set[str]) -> None:
        """Show `shown` (with the themes above them, for context), marking the applied codes."""
        by_id = {entry.id: entry for entry in self.codes}
        visible = {entry.id for entry in shown}
        for entry in shown:
            parent = entry.parent
            while parent:
                visible.add(parent)
                parent = by_id[parent].parent if parent in by_id else None
        cursor = self.cursor_node.data if self.cursor_node else None
        self.clear()
        self.nodes_by_code = {}
        self.marked = set(applied)
        nodes = {None: self.root}
        for entry in self.codes:
            if entry.id not in visible:
                continue
            parent_node = nodes.get(entry.parent, self.root)
            node = parent_node.add(self._label(entry, entry.id in applied), data=entry.id, expand=True,
                                   allow_expand=False)
            nodes[entry.id] = node
            self.nodes_by_code[entry.id] = node
        target = shown[0].id if shown and len(shown) < len(self.codes) else cursor
        self.select_code(target or (shown[0].id if shown else None))

    def mark(self, applied: set[str]) -> None:
        """Update the ✓ marks for another fragment, relabelling only the codes whose mark changes."""
        by_id = {entry.id: entry for entry in self.codes}
        for code in applied ^ self.marked:
            node = self.nodes_by_code.get(code)
            if node is not None:
                node.set_label(self._label(by_id[code], code in applied))
        self.marked = set(applied)

    def select_code(self, code: str | None) -> None:
        for line in range(self.last_line + 1):
            node = self.get_node_at_line(line)
            if node is not None and node.data == code:
                self.move_cursor(node)
                return

    @staticmethod
    def _label(entry: CodeEntry, applied: bool) -> Text:
        label = Text("✓ " if applied else "  ", style="bold green")
        label.append(f"{visible_line(entry.key):>5} ", style="cyan")
        label.append(visible_line(entry.label), style="bold" if applied else "")
        if entry.role == "recommendations":
            label.append(" (aanbevelingen)", style="dim")
        return label
