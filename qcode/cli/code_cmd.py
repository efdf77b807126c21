"""`qcode code`: the interactive coder."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from qcode.cli.common import confirm_new_coder, open_project


def register(app: typer.Typer) -> None:
    app.command("code")(code)


def code(ctx: typer.Context,
         coder: Annotated[str, typer.Option(help="Who codes (each coder's codings are kept apart).")],
         transcript: Annotated[Optional[str], typer.Option(help="Only this transcript.")] = None,
         participant: Annotated[Optional[str], typer.Option(help="Only this participant's fragments.")] = None,
         code_id: Annotated[Optional[str], typer.Option(
             "--code", help="Review the fragments coded with this code (or its sub-codes).")] = None,
         uncoded: Annotated[bool, typer.Option("--uncoded", help="Only fragments you have not coded yet.")] = False,
         question: Annotated[Optional[str], typer.Option(
             metavar="ID", help="Surveys: only the answers to this question (the question shows above each).")] = None,
         suggestions: Annotated[Optional[bool], typer.Option(
             "--suggestions/--no-suggestions", help="Show three suggested codes above the codebook (a, 1-3 apply "
                                                    "them). Default: the project's setting (qcode settings), "
                                                    "else on.")] = None,
         yes: Annotated[bool, typer.Option("--yes", "-y", help="Start a new coder even when the name differs "
                                                               "from an existing one only in case (Anna, anna).")
                        ] = False,
         ) -> None:
    """Code fragments in a full-screen terminal app, without the mouse.

    Opens at the first fragment you have not seen yet. Every key press is saved at once; press ?
    in the app for all keys (n/p next/previous, Enter apply a code, / filter codes, m main reason,
    s star, e memo, x quote span, z undo, d definition, g go to transcript, q quit). A name that
    differs from an existing coder's only in case (Anna, anna) asks before starting a second coder.
    Above the codebook stand three suggested codes with their reasons; a applies the first, 1-3
    each, and nothing is coded without your key (--no-suggestions hides them).

    Examples:
      qcode code --coder anna --transcript U03
      qcode code --coder anna --question V12 --uncoded
      qcode code --coder anna --no-suggestions
    """
    from qcode.tui import CoderApp  # Textual loads only when the coder is opened

    project = open_project(ctx)
    confirm_new_coder(project, coder, yes)
    session = project.coding_session(coder, transcript=transcript, participant=participant, code=code_id,
                                     uncoded=uncoded, question=question)
    app = CoderApp(session, suggestions=project.coder_suggestions if suggestions is None else suggestions)
    app.run()
    if app.return_code:  # the app crashed and said so
        raise typer.Exit(1)
