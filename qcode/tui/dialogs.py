"""Pop-up screens of the coder: a one-line prompt, a code's definition, and the help overlay."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from qcode.display import visible, visible_line
from qcode.records import CodeEntry


class Prompt(ModalScreen[str | None]):
    """Ask for one line (memo, sentences, transcript); Enter answers, Escape cancels with None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    Prompt { align: center middle; }
    Prompt > Vertical { width: 80%; height: auto; border: thick $accent; padding: 1 2; background: $panel; }
    """

    def __init__(self, question: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(visible(self.question)))
            yield Input(value=self.value, placeholder=self.placeholder, id="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def definition_text(entry: CodeEntry) -> Text:
    text = Text(visible_line(entry.label), style="bold")
    text.append(f"  {visible_line(entry.id)} · key {visible_line(entry.key)}\n\n", style="dim")
    for title, body in (("Definition", entry.description), ("Use when", entry.include),
                        ("Do not use when", entry.exclude)):
        if body:
            text.append(f"{title}\n", style="bold underline")
            text.append(visible(body.strip()) + "\n\n")
    if entry.examples:
        text.append("Examples\n", style="bold underline")
        for example in entry.examples:
            text.append(f"• {visible(example)}\n", style="italic")
    return text


class TextScreen(ModalScreen[None]):
    """A scrollable text (a definition, the help) closed with Escape, q or ?."""

    BINDINGS = [Binding("escape,q,question_mark,d", "close", "Close")]
    DEFAULT_CSS = """
    TextScreen { align: center middle; }
    TextScreen > VerticalScroll { width: 85%; height: 85%; border: thick $accent; padding: 1 2; background: $panel; }
    """

    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text)

    def action_close(self) -> None:
        self.dismiss(None)


def help_text(bindings: list[tuple[str, str]]) -> Text:
    text = Text("Keys of the coder\n\n", style="bold")
    for keys, description in bindings:
        text.append(f"{keys:>14}  ", style="bold cyan")
        text.append(description + "\n")
    text.append("\nEvery change is saved at once. Moving past a fragment marks it as seen, coded or not.\n",
                style="dim")
    return text
