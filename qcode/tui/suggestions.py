"""The three suggested codes above the code tree, with their reasons (docs/suggest.md, docs/coder.md).

The bar only shows: the app applies suggestion k when the coder presses its key. Learning and
ranking run in a process of their own (`suggestion_worker`), so no key ever waits for them; a
thread here only reads its answers and hands them to the app as messages.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from qcode.display import visible_line
from qcode.records import CodeEntry

LEARNING = "suggestions: learning…"
NO_KEYWORDS_HINT = "No keywords or examples in the codebook: these improve once you have coded."


@dataclass(frozen=True)
class Shown:
    """One suggestion as the bar shows it."""
    code: str
    rank: int
    reason: str


@dataclass(frozen=True)
class Ranked:
    """The suggestions for one fragment, or the quiet line saying why there are none."""
    fragment: int
    suggestions: tuple[Shown, ...] = ()
    quiet: str | None = None
    hint: bool = False  # from the codebook alone, and it has no keywords or examples

    @classmethod
    def from_answer(cls, answer: dict) -> Ranked:
        shown = tuple(Shown(str(s["code"]), int(s["rank"]), str(s["reason"])) for s in answer["suggestions"])
        return cls(int(answer["ranked"]), shown, answer.get("quiet"), bool(answer.get("hint")))


def database_file(conn: sqlite3.Connection) -> Path:
    """The file of the coder's database, for the suggester's own connection."""
    return Path(conn.execute("PRAGMA database_list").fetchone()[2])


class SuggestionProcess:
    """The suggester's process: requests written to it, answers read back in a thread of their own."""

    def __init__(self, database: Path, coder: str, found: Callable[[dict], None]) -> None:
        self.database, self.coder, self._found = database, coder, found
        self._process: subprocess.Popen | None = None
        self._stopped = False

    def start(self) -> None:
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "qcode.tui.suggestion_worker", str(self.database), self.coder],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                encoding="utf-8", bufsize=1)
        except OSError as error:
            self._found({"failed": f"No suggestions: the suggester could not start ({error.strerror})."})
            return
        threading.Thread(target=self._read, daemon=True, name="qcode-suggestions").start()

    def send(self, request: dict) -> None:
        process = self._process
        if process is None or process.stdin is None or self._stopped:
            return
        try:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
        except (OSError, ValueError):  # it has ended; the reader says so
            pass

    def stop(self) -> None:
        """End the process (it may be training): the coder is closing."""
        self._stopped = True
        process = self._process
        if process is not None:
            try:
                if process.stdin is not None:
                    process.stdin.close()
            except OSError:
                pass
            process.terminate()

    def _read(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        for line in process.stdout:
            try:
                self._found(json.loads(line))
            except (ValueError, KeyError, TypeError):
                continue
        process.wait()
        if not self._stopped:
            self._found({"failed": "No suggestions: the suggester stopped."})


class SuggestionBar(Vertical):
    """Shows the suggestions for the fragment on screen; never applies one (the app does, on a key)."""

    DEFAULT_CSS = """
    SuggestionBar { height: 7; padding: 0 1; border-top: solid $accent; border-title-color: $text-muted; }
    SuggestionBar #suggestion-list { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    SuggestionBar #suggestion-hint { height: 1fr; color: $text-muted; text-style: italic; }
    """

    class Found(Message):
        """An answer of the suggester's process."""

        def __init__(self, answer: dict) -> None:
            super().__init__()
            self.answer = answer

    def __init__(self, database: Path, coder: str, codes: dict[str, CodeEntry], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.codes_by_id = codes
        self.border_title = "Suggestions: a or 1–3 applies"
        self.suggester = SuggestionProcess(database, coder, lambda answer: self.post_message(self.Found(answer)))
        self.trained = False  # the process has a suggester
        self.source: str | None = None  # what it learned from: "codebook", or "model" (the coder's codings)
        self.trainings = 0  # suggesters it has built (at the start, and after the coder's codings changed)
        self.fragment: int | None = None  # the fragment on screen
        self.ranked: Ranked | None = None  # its suggestions, once found
        self.applied: set[str] = set()
        self.failed: str | None = None  # no suggester at all: said instead of suggestions
        self._shown, self._hint = Text(), ""

    def compose(self) -> ComposeResult:
        yield Static(id="suggestion-list")
        yield Static(id="suggestion-hint")

    @property
    def codes(self) -> list[str]:
        """The codes on screen now, best first: what keys 1–3 apply. Empty while still learning."""
        if self.failed is not None or self.ranked is None or self.ranked.fragment != self.fragment:
            return []
        return [s.code for s in self.ranked.suggestions]

    @property
    def ready(self) -> bool:
        """The fragment on screen has its suggestions (or a quiet line)."""
        return self.failed is not None or (self.ranked is not None and self.ranked.fragment == self.fragment)

    @property
    def text(self) -> str:
        """What the bar says, as plain text."""
        return "\n".join(filter(None, (self._shown.plain, self._hint)))

    def on_mount(self) -> None:
        self.suggester.start()  # it starts by learning the coder's codings
        self._draw()

    def on_unmount(self) -> None:
        self.suggester.stop()

    def show(self, fragment: int, applied: set[str]) -> None:
        """The fragment on screen and the codes applied to it. Its suggestions stay as first found
        while the coder is on it, so a key applies what the coder read."""
        self.applied = set(applied)
        if fragment != self.fragment:
            self.fragment = fragment
            if self.trained:
                self.suggester.send({"rank": fragment})
        self._draw()

    def retrain(self) -> None:
        """The coder's codings changed: learn them (in the background) for the next fragments."""
        self.suggester.send({"train": True})

    def on_suggestion_bar_found(self, message: Found) -> None:
        message.stop()
        answer = message.answer
        if "failed" in answer:
            self.failed = str(answer["failed"])
        elif "trained" in answer:
            self.trained, self.failed, self.source = True, None, str(answer["trained"])
            self.trainings += 1
            if self.fragment is not None and not self.ready:  # still learning when it came on screen
                self.suggester.send({"rank": self.fragment})
        elif "ranked" in answer:
            ranked = Ranked.from_answer(answer)
            if ranked.fragment == self.fragment and not self.ready:
                self.ranked = ranked
        self._draw()

    def _draw(self) -> None:
        ranked = self.ranked if self.ready and self.failed is None else None
        self._shown = bar_text(ranked, self.failed, self.codes_by_id, self.applied, learning=not self.trained,
                               coder=self.suggester.coder)
        self._hint = NO_KEYWORDS_HINT if ranked is not None and ranked.hint else ""
        self.query_one("#suggestion-list", Static).update(self._shown)
        self.query_one("#suggestion-hint", Static).update(self._hint)


def bar_text(ranked: Ranked | None, failed: str | None, codes: dict[str, CodeEntry], applied: set[str],
             *, learning: bool, coder: str) -> Text:
    """Each suggestion on two lines (its number, colour, short key and label; then the reason), or a
    quiet line; with a codebook that has no keywords or examples, one line each (the hint follows)."""
    if failed is not None:
        return Text(visible_line(failed), style="dim")
    if ranked is None:
        return Text(LEARNING if learning else "…", style="dim")
    if not ranked.suggestions:
        return Text(visible_line(ranked.quiet or "No suggestions for this fragment."), style="dim")
    lines = []
    for suggestion in ranked.suggestions:
        line = _label(suggestion, codes.get(suggestion.code), suggestion.code in applied)
        line.append("  " if ranked.hint else "\n    ")
        line.append(visible_line(short_reason(suggestion, coder)), style="dim")
        lines.append(line)
    return Text("\n").join(lines)


def short_reason(suggestion: Shown, coder: str) -> str:
    """The reason as said to the coder, without the code's id that the label above already names:
    `keyword 'wachtlijst'`, `like 4 fragments you coded`."""
    code = suggestion.code
    reason = suggestion.reason.replace(f" ({code})", "").replace(f" as {code}", "").replace(f" of {code}", "")
    return reason.replace(f"fragments {coder} coded", "fragments you coded").replace(
        f"fragment {coder} coded", "fragment you coded")


def _label(suggestion: Shown, entry: CodeEntry | None, applied: bool) -> Text:
    """`1 ✓■ 3.2 Plafond bereikt`, like the tree: applied, the codebook's colour, the short key, the label."""
    line = Text(f"{suggestion.rank} ", style="bold cyan")
    line.append("✓" if applied else " ", style="bold green")
    if entry is None:
        line.append(f"  {visible_line(suggestion.code)}", style="bold")
        return line
    line.append("■" if entry.color else " ", style=entry.color or "")
    line.append(f" {visible_line(entry.key)} ", style="cyan")
    line.append(visible_line(entry.label), style="bold" if applied else "")
    return line
