"""Pop-up screens of the coder: a one-line prompt, a code's definition, and the help overlay."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static

from qcode.display import visible, visible_line
from qcode.records import CodeEntry


class Prompt(ModalScreen[str | None]):
    """Ask for one line (memo, sentences, transcript); Enter answers, Escape cancels with None."""

    AUTO_FOCUS = "*"  # the app focuses its tree; a pop-up its own first field

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

    AUTO_FOCUS = "*"  # the app focuses its tree; a pop-up its own first field

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


def help_text(bindings: list[tuple[str, str]], settling: bool = False) -> Text:
    text = Text("Keys of the coder\n\n", style="bold")
    for keys, description in bindings:
        text.append(f"{keys:>14}  ", style="bold cyan")
        text.append(description + "\n")
    if settling:
        text.append("\nSettling a consensus: moving past a fragment leaves it open. A number takes that coder's "
                    "codes, 0 settles it with no code, c settles it as you edited it; z opens it again.\n",
                    style="dim")
    else:
        text.append("\nEvery change is saved at once. Moving past a fragment marks it as seen, coded or not.\n",
                    style="dim")
    text.append("The star marks the fragment as a key quote, for every code you applied to it.\n", style="dim")
    return text


class MainReasonChoice(ModalScreen[str | None]):
    """One main reason per participant: a second one is moved here (`m`), kept beside the first (`k`),
    or not marked (Escape)."""

    AUTO_FOCUS = "*"  # the app focuses its tree; a pop-up its own first field

    BINDINGS = [Binding("m,enter", "choose('move')", "Move it here"), Binding("k", "choose('keep')", "Keep both"),
                Binding("escape", "choose(None)", "Cancel")]
    DEFAULT_CSS = """
    MainReasonChoice { align: center middle; }
    MainReasonChoice > Vertical { width: 90%; max-width: 90; height: auto; border: thick $warning;
                                  padding: 1 2; background: $panel; }
    """

    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.text)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


def main_reason_question(participant: str, code_label: str, others: list) -> Text:
    """The question when a coder marks a second main reason for the same participant."""
    text = Text(f"{visible_line(participant)} already has a main reason from you:\n", style="bold")
    for other in others:
        where = f"fragment {other.position}" if other.position else f"fragment #{other.fragment_id}"
        text.append(f"  • {visible_line(other.label)} ({visible_line(other.code)}, {where})\n")
    text.append(f"\nMake {visible_line(code_label)} the main reason instead?\n\n")
    text.append("  m / Enter", style="bold cyan")
    text.append("  move it here (the other mark is removed)\n")
    text.append("  k        ", style="bold cyan")
    text.append("  keep both (the report then counts both)\n")
    text.append("  Escape   ", style="bold cyan")
    text.append("  cancel\n")
    return text


class TranscriptPicker(ModalScreen[str | None]):
    """`g`: every transcript with this coder's progress; type to narrow, ↑/↓ and Enter to go."""

    AUTO_FOCUS = "*"  # the app focuses its tree; a pop-up its own first field

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("down", "move(1)", show=False),
                Binding("up", "move(-1)", show=False)]
    DEFAULT_CSS = """
    TranscriptPicker { align: center middle; }
    TranscriptPicker > Vertical { width: 80%; max-width: 80; height: 80%; border: thick $accent;
                                  padding: 0 1; background: $panel; }
    TranscriptPicker OptionList { height: 1fr; }
    """

    def __init__(self, choices: list, current: str) -> None:
        super().__init__()
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Go to transcript: type to narrow, ↑/↓ and Enter to go, Escape to stay")
            yield Input(placeholder="name or participant", id="narrow")
            yield OptionList(id="transcripts")

    def on_mount(self) -> None:
        self._show("")
        options = self.query_one("#transcripts")
        for index, choice in enumerate(self.shown):
            if choice.name == self.current:
                options.highlighted = index
        self.query_one("#narrow", Input).focus()

    def _show(self, typed: str) -> None:
        typed = typed.strip().casefold()
        self.shown = [c for c in self.choices if typed in c.name.casefold() or typed in c.participant.casefold()]
        options = self.query_one("#transcripts", OptionList)
        options.clear_options()
        width = max((len(visible_line(c.name)) for c in self.choices), default=0)
        options.add_options([Text(f"{visible_line(c.name):<{width}}  {visible_line(c.participant):<8} "
                                  f"{c.seen}/{c.fragments} seen") for c in self.shown])
        if self.shown:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one("#transcripts")
        if self.shown and options.highlighted is not None:
            self.dismiss(self.shown[options.highlighted].name)
        else:
            self.dismiss(event.value.strip() or None)  # the session says why it does not exist

    def on_option_list_option_selected(self, event) -> None:
        self.dismiss(self.shown[event.option_index].name)

    def action_move(self, step: int) -> None:
        options = self.query_one("#transcripts")
        if self.shown:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)
