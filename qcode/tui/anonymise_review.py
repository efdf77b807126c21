"""`qcode anonymise --review`: decide, one key per identifier, what exports replace.

Like the coder, the app only turns keys into calls on `qcode.anonymise.review.Review` and shows the
result: the identifier with its category and counts, where it stands in the participants' words
(highlighted), and the decision. Participants' words are shown on the researcher's own screen,
with every control character made visible.
"""
from __future__ import annotations

import asyncio

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from qcode.db.connection import set_on_wait
from qcode.anonymise.review import Context, Review, category_label
from qcode.display import visible, visible_line
from qcode.errors import QcodeError
from qcode.tui.app import crash_report
from qcode.tui.dialogs import Prompt, TextScreen
from qcode.tui.fragment_view import InfoBar

SHOWN_CONTEXTS = 4
DECISION_WORDS = {"replace": "replace", "keep": "keep (never replaced)", "always": "always replace (anonimiseren.yaml)",
                  "never": "never replace (anonimiseren.yaml)"}
DECISION_STYLES = {"replace": "bold green", "always": "bold green", "keep": "bold yellow", "never": "bold yellow"}
KEYS_EXPLAINED = [
    ("r", "replace it in every export"),
    ("k", "keep it: it identifies nobody here"),
    ("a", "always: added to altijd in anonimiseren.yaml"),
    ("n", "never: added to nooit in anonimiseren.yaml"),
    ("e", "your own replacement label, e.g. [naam collega]"),
    ("z, Ctrl+z", "undo the last decision of this review"),
    ("→ ↓ space", "next identifier, deciding nothing"),
    ("← ↑ p", "previous identifier"),
    ("?", "these keys"),
    ("q", "quit, with a summary of what you decided"),
]


class ReviewApp(App[None]):
    TITLE = "qcode anonymise"
    CSS = """
    InfoBar { height: 2; padding: 0 1; background: $boost; text-wrap: nowrap; text-overflow: ellipsis; }
    #reading { height: 1fr; padding: 0 1; }
    #decision { height: auto; padding: 0 1; border-top: solid $accent; }
    """
    BINDINGS = [
        Binding("r", "decide('replace')", "Replace"),
        Binding("k", "decide('keep')", "Keep"),
        Binding("a", "decide('always')", "Always"),
        Binding("n", "decide('never')", "Never"),
        Binding("e", "edit", "Edit label"),
        Binding("z,ctrl+z", "undo", "Undo"),
        Binding("right,down,space", "next", "Next", key_display="→"),
        Binding("left,up,p", "previous", "Previous", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, review: Review) -> None:
        super().__init__()
        self.review = review
        self.sub_title = f"reviewed by {visible_line(review.by)}"
        self._lock = asyncio.Lock()

    def _handle_exception(self, error: Exception) -> None:
        """Never Textual's crash screen, which prints local variables (participants' words): see CoderApp."""
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._exit_renderables.append(crash_report(error))
        self._close_messages_no_wait()

    def compose(self) -> ComposeResult:
        yield InfoBar(id="info")
        with VerticalScroll(id="reading"):
            yield ContextView(id="contexts")
        yield DecisionView(id="decision")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        set_on_wait(self.review.project.db, self._waiting_for_lock)
        self.show_identifier()

    def show_identifier(self) -> None:
        review = self.review
        self.query_one(InfoBar).show(identifier_line(review))
        self.query_one(ContextView).show(contexts_text(review.current.text, review.contexts(SHOWN_CONTEXTS),
                                                      len(review.current.fragment_ids)))
        self.query_one(DecisionView).show(decision_text(review))
        self.query_one("#reading", VerticalScroll).scroll_home(animate=False)

    async def _run(self, action, *args) -> object:
        """Call the review in a thread (a write may wait for an import's lock), then redraw."""
        try:
            async with self._lock:
                result = await asyncio.to_thread(action, *args)
        except QcodeError as error:
            hint = f" — {error.problem.hint}" if error.problem.hint else ""
            self.notify(visible(error.problem.message + hint), severity="error", markup=False)
            return None
        self.show_identifier()
        return result

    def _waiting_for_lock(self, waiting: bool) -> None:
        message = ("Waiting for another qcode command to finish writing (an import?)… your keys are kept."
                   if waiting else "Saved.")
        try:
            self.call_from_thread(self.notify, message, timeout=2, markup=False)
        except RuntimeError:
            self.notify(message, timeout=2, markup=False)

    async def action_decide(self, decision: str) -> None:
        moved = await self._run(self.review.decide, decision)
        if moved is False:
            self._at_the_end()

    def _at_the_end(self) -> None:
        left = self.review.still_open()
        self.notify("That was the last identifier. " + (f"{left} still without a decision: ← to go back, "
                    "q to quit." if left else "Every identifier has a decision: q to quit."), markup=False)

    def action_edit(self) -> None:
        item = self.review.current

        async def answer(label: str | None) -> None:
            if label is None:
                return
            printed = await self._run(self.review.relabel, label)
            if printed is not None:
                self.notify(visible_line(f"Printed as {printed}."), timeout=2, markup=False)
        self.push_screen(Prompt(f"Replacement for {visible_line(item.text)}:", item.replacement or "",
                                placeholder=f"e.g. [naam collega]; empty: {category_label(item.category)}"), answer)

    async def action_undo(self) -> None:
        undone = await self._run(self.review.undo)
        if undone is None:
            self.notify("Nothing to undo.", timeout=1.5, markup=False)
        else:
            self.notify(visible_line(f"Undone: {undone.decision} on {undone.text}"), timeout=1.5, markup=False)

    async def action_next(self) -> None:
        if await self._run(self.review.next) is False:
            self._at_the_end()

    async def action_previous(self) -> None:
        await self._run(self.review.previous)

    def action_help(self) -> None:
        self.push_screen(TextScreen(help_text()))


def identifier_line(review: Review) -> Text:
    """`Stichting Welzijn Oost  organisatie · 5× in 3 fragments · patroon` over `identifier 1/14 · …`."""
    item = review.current
    line = Text(visible_line(item.text), style="bold reverse", no_wrap=True, overflow="ellipsis")
    fragments = len(item.fragment_ids)
    line.append(f"  {item.category} · {item.count}× in {fragments} fragment{'s' * (fragments != 1)}")
    if item.sources:
        line.append(f" · found by {', '.join(item.sources)}", style="dim")
    line.append(f"\nidentifier {review.position + 1}/{len(review)} · ")
    left = review.still_open()
    line.append(f"{left} without a decision" if left else "every one decided",
                style="bold yellow" if left else "bold green")
    return line


def contexts_text(identifier: str, found: list[Context], fragments: int) -> Text:
    """Each fragment's window, under who said it, with the identifier highlighted."""
    text = Text()
    for context in found:
        text.append(visible_line(f"{context.participant} · {context.transcript} · fragment #{context.fragment_id}"),
                    style="dim bold")
        text.append("\n")
        text.append_text(highlighted(context))
        text.append("\n\n")
    if fragments > len(found):
        more = fragments - len(found)
        text.append(f"… and {more} more fragment{'s' * (more != 1)}.", style="dim")
    if not found:
        text.append(f"{visible_line(identifier)} is a name qcode knows (a speaker, interviewer or participant "
                    "from the transcripts or the participants sheet), or is listed in anonimiseren.yaml.",
                    style="dim")
    text.rstrip()
    return text


def highlighted(context: Context) -> Text:
    line = Text()
    last = 0
    for start, end in context.hits:
        line.append(visible(context.text[last:start]))
        line.append(visible(context.text[start:end]), style="bold black on yellow")
        last = end
    line.append(visible(context.text[last:]))
    return line


def decision_text(review: Review) -> Text:
    item = review.current
    printed = review.printed_as()
    text = Text("Decision: ", style="bold")
    if item.decision is None:
        text.append("none yet", style="bold magenta")
        text.append(f" — exports replace it meanwhile, as {visible_line(printed)}")
    elif item.decision in ("keep", "never"):
        text.append(DECISION_WORDS[item.decision], style=DECISION_STYLES[item.decision])
        text.append(" — exports print it as it is")
    else:
        text.append(DECISION_WORDS[item.decision], style=DECISION_STYLES[item.decision])
        text.append(f" — exports print {visible_line(printed)}")
    return text


def help_text() -> Text:
    text = Text("Keys of the review\n\n", style="bold")
    for keys, description in KEYS_EXPLAINED:
        text.append(f"{keys:>10}  ", style="bold cyan")
        text.append(description + "\n")
    text.append("\nEach decision is saved at once and holds for every later export. Exports replace an "
                "identifier without a decision too (safe by default). A decision is made per text: it holds "
                "wherever the text appears.\n", style="dim")
    return text


class ContextView(Static):
    """Where the identifier stands; `text` keeps what is shown, for tests."""

    def show(self, text: Text) -> None:
        self.text = text
        self.update(text)


class DecisionView(Static):
    def show(self, text: Text) -> None:
        self.text = text
        self.update(text)
