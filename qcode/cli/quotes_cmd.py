"""`qcode quotes import`: the researcher's choices from the quote sheet (opnemen, volgorde, citaat) read back."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from qcode.cli.common import console, open_project, print_json

app = typer.Typer(help="The quotes the report prints: read back your choices from the quote sheet.",
                  no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="quotes")


@app.command("import")
def import_sheet(ctx: typer.Context,
                 sheet: Annotated[Path, typer.Argument(metavar="SHEET.xlsx|SHEET.csv",
                                                       help="A quote sheet written by 'qcode export quotes'.")],
                 by: Annotated[Optional[str], typer.Option(
                     "--by", metavar="NAME", help="Who made these choices, for the change log "
                                                  "(default: the coder whose quotes they are).")] = None,
                 as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False) -> None:
    """Read the columns opnemen (ja/nee), volgorde and citaat back; the report follows them.

    An edited citaat may differ from the participant's words only by insertions in \\[square brackets]
    and cuts marked … or […]; anything else is refused with its row and the first difference. Every
    row is checked first: one bad row and nothing is written. Importing the same sheet again changes
    nothing.

    Example:  qcode quotes import exports/citaten.xlsx --by lies
    """
    project = open_project(ctx)
    result = project.import_quotes(sheet, by=by)
    if as_json:
        print_json({**dataclasses.asdict(result), "warnings": [str(w) for w in result.warnings]})
        return
    plural = lambda n, word: f"{n} {word}" + ("" if n == 1 else "s")  # noqa: E731
    console.print(f"[green]✓[/] Read {plural(result.quotes, 'quote')} from {escape(str(sheet))}: "
                  f"{plural(result.changed, 'decision')} changed, {result.unchanged} as they were; "
                  f"{plural(result.edits, 'quote')} edited")
    for warning in result.warnings:
        console.print(f"[yellow]![/] {escape(str(warning))}")
