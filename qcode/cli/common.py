"""What every command shares: consoles, opening the project, JSON output, error display."""
from __future__ import annotations

import errno
import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console, ConsoleOptions, RenderableType
from rich.markup import escape
from rich.segment import Segment
from rich.text import Text

from qcode.db.checks import explain
from qcode.display import is_visible, json_text, visible, visible_line
from qcode.errors import Problem, ProblemsError, QcodeError

if TYPE_CHECKING:
    from qcode.project import Project


class SafeConsole(Console):
    """A Rich console that never passes a control character of the data on to the terminal.

    Strings are made visible before markup is parsed (so tables measure what is shown), and every
    rendered segment once more, as the net under any Text built from data without `visible`.
    Rich's own control segments (cursor moves of the progress bar) pass unchanged. Emoji codes
    (`:x:`) are off so that data prints as it is; markup in data is escaped at each call (`shown`).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(highlight=False, emoji=False, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:  # type: ignore[override]
        return super().render_str(visible(text), **kwargs)

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None):  # type: ignore[override]
        for segment in super().render(renderable, options):
            if segment.control or is_visible(segment.text):
                yield segment
            else:
                yield Segment(visible(segment.text), segment.style)


console = SafeConsole()
err_console = SafeConsole(stderr=True)


def shown(value: object) -> str:
    """Data for a markup string: control characters made visible and Rich markup escaped."""
    return escape(visible(str(value)))


def shown_name(value: object) -> str:
    """A name, id or file name for a markup string: on one line, visible, markup escaped."""
    return escape(visible_line(str(value)))


def open_project(ctx: typer.Context) -> Project:
    from qcode.project import Project

    project = Project.open(ctx.obj.get("project") if ctx.obj else None, on_wait=waiting_notice())
    ctx.call_on_close(project.close)
    project.csv_dialect_choice = (ctx.obj or {}).get("csv_dialect")
    return project


def waiting_notice() -> Callable[[bool], None]:
    """Say once that a write waits for another command's lock (transaction() keeps retrying)."""
    said = False

    def notice(waiting: bool) -> None:
        nonlocal said
        if waiting and not said:
            said = True
            err_console.print("[yellow]Waiting for another qcode command to finish writing (an import?)…[/]")
    return notice


def print_json(data: Any) -> None:
    if _is_model(data):
        data = data.model_dump(mode="json")
    elif isinstance(data, list):
        data = [d.model_dump(mode="json") if _is_model(d) else d for d in data]
    sys.stdout.write(json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")


def problem_text(problem: Problem) -> str:
    """A problem as markup: where (on one line), what, and the hint on a line of its own."""
    where = f"{shown_name(problem.where)}: " if problem.where else ""
    hint = f"\n    [dim]→ {shown(problem.hint)}[/]" if problem.hint else ""
    return f"{where}{shown(problem.message)}{hint}"


def show_error(error: QcodeError) -> None:
    problems = error.problems if isinstance(error, ProblemsError) else [error.problem]
    if isinstance(error, ProblemsError):
        err_console.print(f"[bold red]Error:[/] {shown(error.summary)}")
    for problem in problems:
        prefix = f"[bold]{shown_name(problem.where)}[/]: " if problem.where else ""
        lead = "  • " if isinstance(error, ProblemsError) else "[bold red]Error:[/] "
        err_console.print(f"{lead}{prefix}{shown(problem.message)}")
        if problem.hint:
            err_console.print(f"    [dim]→ {shown(problem.hint)}[/]")


NOT_SAVED = "Database writes are all-or-nothing: the one under way was not saved."


def show_unexpected(error: BaseException, command: str) -> None:
    """One line for an error qcode did not foresee: its type, never its text (which may quote data)."""
    for cause in _chain(error):  # SQLite's own trouble, also behind a follow-up error, said as such
        explained = explain(cause, Path("qcode.db")) if isinstance(cause, sqlite3.Error) else None
        if explained is not None:
            show_error(explained)
            return
    message, hint = describe_unexpected(error, command)
    err_console.print(f"[bold red]Error:[/] {shown(message)}")
    err_console.print(f"    [dim]→ {shown(hint)}[/]")


def describe_unexpected(error: BaseException, command: str) -> tuple[str, str]:
    """(message, hint) for an unexpected error: the real cause where it is known, else the type."""
    if isinstance(error, KeyboardInterrupt):
        return f"interrupted. {NOT_SAVED}", "run the command again when you are ready"
    for cause in _chain(error):
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return f"the disk is full. {NOT_SAVED}", "free some space on the disk and run the command again"
    if isinstance(error, MemoryError):
        return (f"qcode ran out of memory in {command}. {NOT_SAVED}",
                "close other programs, or import fewer or smaller files at a time")
    return (f"qcode stopped on an unexpected error ({type(error).__name__}) in {command}. {NOT_SAVED}",
            "run again with QCODE_DEBUG=1 to see the details, and please report it")


def _chain(error: BaseException) -> list[BaseException]:
    """The error and the ones it was raised from or during, innermost last."""
    chain: list[BaseException] = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return chain


def confirm_new_coder(project: Project, coder: str, yes: bool) -> None:
    """A coder name differing only in case or spacing from an existing one (`Anna` beside `anna`) would
    start a second coder: ask first; refuse where nobody can answer, unless --yes."""
    similar = project.similar_coders(coder)
    if not similar or yes:
        return
    from rich.markup import escape

    from qcode.errors import UsageError
    names = ", ".join(similar)
    console.print(f"[yellow]There is already a coder {escape(names)}[/]; {escape(coder.strip())} would be a "
                  "second coder, with codings of their own.")
    hint = f"to go on as {similar[0]}: --coder {similar[0]}; to start a second coder: add --yes"
    try:
        if typer.confirm(f"Start a second coder {coder.strip()!r}?", default=False):
            return
    except typer.Abort:  # no answer (a script, or Ctrl-D)
        pass
    raise UsageError(f"not started: {coder.strip()!r} differs from the coder {similar[0]!r} only in case", hint=hint)


def _is_model(value: object) -> bool:
    """A Pydantic record (checked without importing Pydantic, which a command may never need)."""
    return hasattr(value, "model_dump") and hasattr(type(value), "model_fields")
