"""`qcode code`: code a whole interview from the keyboard.

The app only turns keys into calls on `CodingSession` and shows the result; every rule about
coding lives in the session and in `qcode.coding`.
"""
from __future__ import annotations

import asyncio
import dataclasses
import os

from rich.console import RenderableType
from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Tree

from qcode.display import visible, visible_line
from qcode.errors import QcodeError, UsageError
from qcode.session import CodingSession
from qcode.tui.code_tree import CodeTree, match_codes
from qcode.tui.dialogs import (MainReasonChoice, Prompt, TextScreen, TranscriptPicker, definition_text, help_text,
                               main_reason_question)
from qcode.tui.fragment_view import (DecisionsView, FragmentView, InfoBar, decisions_text, fragment_text,
                                     info_line)
from qcode.tui.suggestions import SuggestionBar, database_file

TREE_KEYS = [("Enter / space", "apply or remove the highlighted code"), ("↑ ↓", "move in the codebook"),
             ("/", "filter the codebook: type part of a label or a key like 3.2; the best match is highlighted, "
                   "↑ ↓ move through the matches, Enter applies the highlighted one"),
             ("Escape", "leave the filter")]
MAX_COMPARED = 9  # coders that a consensus session can take from by number (keys 1–9)


class CoderApp(App[None]):
    TITLE = "qcode"
    AUTO_FOCUS = "#tree"  # focused from the start: the key bar never shows the filter box's keys first
    CSS = """
    InfoBar { height: 2; padding: 0 1; background: $boost; text-wrap: nowrap; text-overflow: ellipsis; }
    #main { height: 1fr; }
    #left { width: 3fr; }
    #reading { height: 1fr; padding: 0 1; }
    #decisions { height: auto; max-height: 45%; padding: 0 1; border-top: solid $accent; }
    #codes { width: 2fr; border-left: solid $accent; }
    #filter { margin: 0 1; }
    CodeTree { height: 1fr; }
    """
    BINDINGS = [
        Binding("n,right", "next", "Next"),
        Binding("p,left", "previous", "Previous"),
        Binding("u", "next_uncoded", "Next uncoded", show=False),
        Binding("u", "next_open", "Next open"),
        Binding("slash", "filter", "Filter"),
        Binding("m", "main", "Main reason"),
        Binding("s", "star", "Star"),
        Binding("e", "memo", "Memo"),
        Binding("x", "span", "Quote span", show=False),
        Binding("z,ctrl+z", "undo", "Undo"),
        Binding("d", "definition", "Definition", show=False),
        Binding("g", "goto", "Go to transcript", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, session: CodingSession, *, suggestions: bool = False) -> None:
        super().__init__()
        self.session = session
        self.suggesting = suggestions and not session.settling  # settling takes one coder's codes, by number
        if self.suggesting:  # not in the key bar: the suggestion bar's title names these keys
            for keys, rank, which in (("a,1", 1, "first"), ("2", 2, "second"), ("3", 3, "third")):
                self.bind(keys, f"suggestion({rank})", description=f"Apply the {which} suggestion", show=False)
        self.codes_by_id = {entry.id: entry for entry in session.codes}
        self.sub_title = f"coder {visible_line(session.coder)}"
        self._shown_fragment: int | None = None
        self._session_lock = asyncio.Lock()
        if session.settling:
            for number, coder in enumerate(session.compare[:MAX_COMPARED], start=1):
                self.bind(str(number), f"settle_take({number})", description=f"Take {visible_line(coder)}'s")
            self.bind("0", "settle_none", description="None")
            self.bind("c", "settle_edited", description="As edited")
            self._settling_keys_first({"filter", "main", "star", "memo", "previous", "quit"})

    def _settling_keys_first(self, hidden: set[str]) -> None:
        """The key bar when settling: the settling keys first, some coding keys left to the help (80 columns)."""
        keys = self._bindings.key_to_bindings  # its lists are shared with the class: replaced, never changed
        settling = [key for key, bindings in keys.items() if bindings[0].action.startswith("settle_")]
        reordered = {key: [dataclasses.replace(b, show=False) if b.action in hidden else b for b in keys[key]]
                     for key in [*settling, *(k for k in keys if k not in settling)]}
        keys.clear()
        keys.update(reordered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`u` is the next uncoded fragment when coding, the next open one when settling a consensus."""
        if action == "next_uncoded":
            return not self.session.settling
        if action == "next_open":
            return self.session.settling
        return True

    def get_system_commands(self, screen: Screen):
        """The command palette (Ctrl+P) holds the coder's own actions, each with its key; and quit."""
        keys = self._keys()
        for description, action in self._actions():
            key = keys.get(action, "")
            yield SystemCommand(description, f"key {key}" if key else description,
                                lambda action=action: self.run_action(action))

    def _actions(self) -> list[tuple[str, str]]:
        actions = [(binding.description, binding.action) for _, binding in self._bindings
                   if binding.description and binding.action != "command_palette"
                   and self.check_action(binding.action, ()) is not False]
        actions = list(dict.fromkeys(actions))
        return [a for a in actions if a[1] != "quit"] + [a for a in actions if a[1] == "quit"]

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error ends the app with one short line instead of Textual's crash screen.

        Textual's own handler prints a traceback with every local variable (transcript text, memos);
        there is no setting for it, so this replaces the handler, keeping its bookkeeping: exit code
        1 and the error kept for the pilot, which raises it again in tests.
        """
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._exit_renderables.append(crash_report(error))
        self._close_messages_no_wait()

    def compose(self) -> ComposeResult:
        yield InfoBar(id="info")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                with VerticalScroll(id="reading"):
                    yield FragmentView(id="fragment")
                yield DecisionsView(id="decisions")
            with Vertical(id="codes"):
                if self.suggesting:
                    yield SuggestionBar(database_file(self.session.conn), self.session.coder, self.codes_by_id,
                                        id="suggestions")
                yield FilterInput(placeholder="/ filter: part of a label, or a key like 3.2", id="filter")
                yield CodeTree(self.session.codes, id="tree")
        yield Footer(compact=True, show_command_palette=False)  # Ctrl+P is in the help

    def on_mount(self) -> None:
        self.session.when_waiting(self._waiting_for_lock)
        tree = self.query_one(CodeTree)
        tree.fill(self.session.codes, set())
        tree.focus()
        self.show_fragment()

    # -- showing ----------------------------------------------------------------------------------
    @property
    def tree(self) -> CodeTree:
        return self.query_one(CodeTree)

    def show_fragment(self) -> None:
        context = self.session.context()
        applied = {c.code for c in context.codings}
        if context.fragment.id != self._shown_fragment:  # a new fragment: the codebook and text from the top
            self._shown_fragment = context.fragment.id
            self.tree.to_top()
            self.query_one("#reading", VerticalScroll).scroll_home(animate=False)
        target = self._target_code(applied, [c.code for c in context.codings])
        still_open = self.session.open_count() if self.session.settling else None
        self.query_one(InfoBar).show(info_line(context, self.session.coder, still_open))
        self.query_one(FragmentView).show(fragment_text(context, self.codes_by_id, target))
        settled = self.session.settled() if self.session.settling else None
        self.query_one(DecisionsView).show(decisions_text(context, self.codes_by_id, target, self.session.coder,
                                                          settled))
        self.tree.mark(applied)
        if self.suggesting:
            self.query_one(SuggestionBar).show(context.fragment.id, applied)

    def _target_code(self, applied: set[str], in_order: list[str]) -> str | None:
        """The coding that main/memo/span act on: the highlighted code if applied, else the latest one."""
        node = self.tree.cursor_node
        if node is not None and node.data in applied:
            return node.data
        return in_order[-1] if in_order else None

    def _current_target(self) -> str:
        applied = self.session.applied()
        target = self._target_code(set(applied), list(applied))
        if target is None:
            raise UsageError("apply a code to this fragment first", hint="Enter on a code in the tree")
        return target

    async def _run(self, action, *args) -> object:
        """Call the session, show a refusal as a message instead of a crash, and redraw.

        The call runs in a thread and is awaited: while a write waits for another command's lock
        (an import), the screen stays drawn and says so, and the keys pressed meanwhile wait in
        the app's queue and are applied in order once the lock is free.
        """
        try:
            async with self._session_lock:  # a dialog's answer and the next key never write at the same time
                result = await asyncio.to_thread(action, *args)
        except QcodeError as error:
            self._refuse(error)
            return None
        self.show_fragment()
        return result

    def _waiting_for_lock(self, waiting: bool) -> None:
        """Told by a session write (in its thread) when it starts or stops waiting for a lock."""
        try:
            self.call_from_thread(self._show_waiting, waiting)
        except RuntimeError:  # called from the app's own thread
            self._show_waiting(waiting)

    def _show_waiting(self, waiting: bool) -> None:
        """Say it on the info bar: the screen redraws it while the app itself waits for the write."""
        info = self.query_one(InfoBar)
        if waiting:
            self._info_before_waiting = info.text
            info.show(Text("Waiting for another qcode command to finish writing (an import?)…\n"
                           "The keys you press are kept, and applied in order once it has finished.",
                           style="bold yellow"))
        elif getattr(self, "_info_before_waiting", None) is not None:
            info.show(self._info_before_waiting)

    def _refuse(self, error: QcodeError) -> None:
        hint = f" — {error.problem.hint}" if error.problem.hint else ""
        self.notify(visible(error.problem.message + hint), severity="error", markup=False)

    def _target_or_refuse(self) -> str | None:
        try:
            return self._current_target()
        except QcodeError as error:
            self._refuse(error)
            return None

    # -- moving -----------------------------------------------------------------------------------
    async def action_next(self) -> None:
        if await self._run(self.session.next) is False:
            self.notify("That was the last fragment of this session.", markup=False)

    async def action_previous(self) -> None:
        await self._run(self.session.previous)

    async def action_next_uncoded(self) -> None:
        if await self._run(self.session.next_uncoded) is False:
            self.notify("Every fragment of this session has a code from you.", markup=False)

    def action_goto(self) -> None:
        async def answer(name: str | None) -> None:
            if name:
                await self._run(self.session.jump, name.strip())
        self.push_screen(TranscriptPicker(self.session.transcripts(), self.session.context().fragment.transcript),
                         answer)

    async def action_next_open(self) -> None:
        if await self._run(self.session.next_open) is False:
            self.notify("Every fragment of this session is settled.", markup=False)

    # -- settling a consensus -----------------------------------------------------------------------
    async def action_settle_take(self, number: int) -> None:
        await self._settle(self.session.compare[number - 1], f"took {self.session.compare[number - 1]}'s codes")

    async def action_settle_none(self) -> None:
        await self._settle(None, "no code")

    async def action_settle_edited(self) -> None:
        await self._settle(None, "as shown", as_edited=True)

    async def _settle(self, take: str | None, how: str, *, as_edited: bool = False) -> None:
        """Settle the fragment, then go to the next one still open (or say that none is)."""
        def settle_and_move() -> bool | None:
            self.session.settle(take, as_edited=as_edited)
            return self.session.next_open()
        moved = await self._run(settle_and_move)
        if moved is None:
            return
        left = self.session.open_count()
        self.notify(visible(f"Settled ({how}). " + (f"{left} still open." if left else "Every fragment is settled.")),
                    timeout=2, markup=False)

    # -- coding -----------------------------------------------------------------------------------
    async def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data:
            await self._toggle(event.node.data)

    async def _toggle(self, code: str) -> None:
        await self._run(self.session.toggle, code)  # the ✓ in the tree and the coding line show the result
        self._relearn()

    def _relearn(self) -> None:
        """The coder's codings changed: the suggester learns them in the background."""
        if self.suggesting:
            self.query_one(SuggestionBar).retrain()

    async def action_suggestion(self, rank: int) -> None:
        """Apply the suggested code of this rank: only ever on the coder's key, and never removing one."""
        codes = self.query_one(SuggestionBar).codes
        if rank > len(codes):
            self.notify(f"There is no suggestion {rank} for this fragment (yet)." if codes or rank > 1 else
                        "There is no suggestion for this fragment (yet).", markup=False)
        elif codes[rank - 1] in self.session.applied():
            entry = self.codes_by_id.get(codes[rank - 1])
            self.notify(visible(f"{entry.label if entry else codes[rank - 1]} is applied already."), markup=False)
        else:
            await self._toggle(codes[rank - 1])

    async def action_main(self) -> None:
        """Mark the main reason; a second one for the same participant asks: move it here or keep both."""
        target = self._target_or_refuse()
        if target is None:
            return
        others = self.session.other_main_reasons(target)
        if not others:
            await self._run(self.session.toggle_main, target)
            return

        async def answer(choice: str | None) -> None:
            if choice is not None:
                await self._run(lambda: self.session.toggle_main(target, move=choice == "move"))
                self.notify("Main reason moved here." if choice == "move" else "Both kept as main reasons.",
                            timeout=1.5, markup=False)
        participant = self.session.context().fragment.participant
        self.push_screen(MainReasonChoice(main_reason_question(participant, self.codes_by_id[target].label,
                                                               others)), answer)

    async def action_star(self) -> None:
        await self._run(self.session.toggle_star)

    def action_memo(self) -> None:
        target = self._target_or_refuse()
        if target is None:
            return
        current = self.session.applied()[target]["memo"] or ""
        shown = visible_line(current)  # a memo from a sheet may hold control characters: kept unless edited

        async def answer(memo: str | None) -> None:
            if memo is not None and memo != shown:
                await self._run(self.session.set_memo, target, memo)
        self.push_screen(Prompt(f"Memo on {self.codes_by_id[target].label}:", shown), answer)

    def action_span(self) -> None:
        target = self._target_or_refuse()
        if target is None:
            return
        count = len(self.session.sentences())

        async def answer(value: str | None) -> None:
            if value is None:
                return
            try:
                first, last = _sentence_range(value)
            except ValueError:
                self.notify(f"Type a sentence number or a range like 2-3 (1–{count}).", severity="error",
                            markup=False)
                return
            await self._run(self.session.set_span, target, first, last)
        self.push_screen(Prompt(f"Quote only sentences (1–{count}, e.g. 2-3; empty = whole fragment):",
                                placeholder="2-3"), answer)

    async def action_undo(self) -> None:
        undone = await self._run(self.session.undo)
        if undone:
            self._relearn()
        self.notify(f"Undone: {visible(str(undone))}" if undone else "Nothing to undo.", timeout=1.5, markup=False)

    # -- the codebook -----------------------------------------------------------------------------
    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.tree.fill(match_codes(self.session.codes, event.value), set(self.session.applied()))

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "filter":
            return
        matches = match_codes(self.session.codes, event.value)
        node = self.tree.cursor_node
        chosen = node.data if node is not None and node.data in self.tree.matching else None
        self._leave_filter(event.input)
        if event.value.strip() and matches:
            chosen = chosen or matches[0].id  # the highlighted match: the best one unless ↑/↓ moved
            self.tree.select_code(chosen)
            await self._toggle(chosen)
        elif event.value.strip():
            self.notify(f"No code matches {visible_line(repr(event.value))}.", severity="warning", markup=False)

    def action_match(self, step: int) -> None:
        self.tree.move_among_matches(step)

    def action_leave_filter(self) -> None:
        self._leave_filter(self.query_one("#filter", Input))

    def _leave_filter(self, box: Input) -> None:
        box.value = ""
        self.tree.fill(self.session.codes, set(self.session.applied()))
        self.tree.focus()

    def action_definition(self) -> None:
        node = self.tree.cursor_node
        if node is None or not node.data:
            self.notify("Highlight a code first.", markup=False)
            return
        self.push_screen(TextScreen(definition_text(self.codes_by_id[node.data])))

    def _keys(self) -> dict[str, str]:
        """Each action's keys as typed, e.g. next → "n, right"."""
        keys: dict[str, list[str]] = {}
        for _, binding in self._bindings:
            keys.setdefault(binding.action, []).append(
                binding.key.replace("question_mark", "?").replace("slash", "/").replace("ctrl+", "Ctrl+"))
        return {action: ", ".join(dict.fromkeys(found)) for action, found in keys.items()}

    def action_help(self) -> None:
        keys = self._keys()
        shown = [(keys[action], description) for description, action in self._actions()]
        shown.insert(-1, (keys.get("command_palette", "Ctrl+p"), "every action by name (the command palette)"))
        self.push_screen(TextScreen(help_text(shown + TREE_KEYS, settling=self.session.settling)))


class FilterInput(Input):
    """The codebook filter: ↓/↑ move among the matches, Enter applies the highlighted one, Escape leaves."""

    BINDINGS = [Binding("enter", "submit", "Apply highlighted"), Binding("down", "app.match(1)", "Next match"),
                Binding("up", "app.match(-1)", "Previous match"), Binding("escape", "app.leave_filter", "Leave filter")]


def crash_report(error: BaseException) -> RenderableType:
    """What is printed when the coder crashed: the error's type only, or with QCODE_DEBUG=1 the
    traceback without local variables."""
    if os.environ.get("QCODE_DEBUG") == "1":
        from rich.traceback import Traceback
        return Traceback.from_exception(type(error), error, error.__traceback__, show_locals=False)
    return Text(f"The coder stopped on an unexpected error ({type(error).__name__}). Each key is saved as "
                "you press it, so your coding up to the error is kept. Run again with QCODE_DEBUG=1 to see the details, "
                "and please report it.", style="bold red")


def _sentence_range(value: str) -> tuple[int | None, int | None]:
    """'' → whole fragment; '2' → (2, 2); '2-3' → (2, 3). Raises ValueError otherwise."""
    value = value.strip().replace("–", "-")
    if not value:
        return None, None
    first, _, last = value.partition("-")
    return int(first), int(last or first)
