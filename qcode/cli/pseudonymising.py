"""What every exporting command shares about pseudonymising: its options, the scan's progress, the one-line note.

Documents for readers are pseudonymised unless `--no-anonymise` (then a warning); files exchanged with the team
or another tool carry the original text unless `--anonymise`. Either way the command says which it did.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from qcode.cli.common import console, err_console

if TYPE_CHECKING:
    from qcode.anonymise import Pseudonymiser
    from qcode.project import Project

NoAnonymise = Annotated[bool, typer.Option(
    "--no-anonymise", help="Write names, places and organisations as they were said (a warning is printed); "
                           "by default every identifier is replaced (docs/anonymise.md).")]
Anonymise = Annotated[bool, typer.Option(
    "--anonymise", help="Replace names, places and organisations as reports do (default: the original text, "
                        "which round-trips onto the transcripts).")]

RAW_WARNING = ("[yellow]! Not pseudonymised:[/] names, places and organisations are written as they were said; "
               "do not hand this file to anyone outside the project.")


def pseudonymiser(project: Project, fragment_ids: Iterable[int] | None) -> Pseudonymiser:
    """The replacer for one export, scanning `fragment_ids` never scanned before with a progress bar on stderr."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("Looking for names and places"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("scan", total=None)

        class _Progress:
            def __call__(self, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            def message(self, text: str) -> None:  # the detector's first-time set-up (deduce's cache)
                bar.console.print(escape(text))

        return project.pseudonymiser(fragment_ids=fragment_ids, progress=_Progress())


class Deferred:
    """The export's replacer, built when the export asks for it (after it checked its arguments): `built`."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.built: Pseudonymiser | None = None

    def __call__(self, fragment_ids: Iterable[int] | None) -> Pseudonymiser:
        self.built = pseudonymiser(self.project, fragment_ids)
        return self.built


def say(found: Pseudonymiser | None, *, exchange: bool = False) -> None:
    """One line: what was replaced, or that the file holds the original text."""
    if found is not None:
        console.print(f"[dim]{escape(found.note())}[/]")
    elif exchange:
        console.print("[dim]original text, not pseudonymised (--anonymise replaces names, places and "
                      "organisations)[/]")
    else:
        console.print(RAW_WARNING)


def refuse_raw_document(fmt: str, yes: bool) -> None:
    """A Word or HTML report with the raw text is made only when the researcher confirms it."""
    from qcode.errors import UsageError

    if yes:
        return
    if sys.stdin.isatty() and console.is_terminal and typer.confirm(
            f"Write the {fmt} report with names, places and organisations as they were said?", default=False,
            err=True):
        return
    raise UsageError(f"a {fmt} report is for readers: it is not written with the raw text unless you confirm",
                     hint="add --yes to write it anyway, or leave out --no-anonymise (docs/anonymise.md)")
