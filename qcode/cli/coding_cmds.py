"""`qcode assign`, `qcode unassign` and `qcode codings`: coding from a script."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from qcode.cli import pseudonymising
from qcode.cli.common import console, open_project, print_json, problem_text
from qcode.errors import UsageError, cell

Coder = Annotated[str, typer.Option(help="Who codes (each coder's codings are kept apart).")]
Codes = Annotated[list[str], typer.Argument(help="One or more code ids.")]
FragmentId = Annotated[str, typer.Argument(help="The fragment's id (see qcode fragments).", show_default=False)]

codings_app = typer.Typer(help="List, import and export codings.", invoke_without_command=True)


def register(app: typer.Typer) -> None:
    app.command("assign")(assign)
    app.command("unassign")(unassign)
    app.add_typer(codings_app, name="codings")


def assign(ctx: typer.Context, fragment: FragmentId, codes: Codes, coder: Coder,
           main: Annotated[bool, typer.Option("--main", help="The participant's main reason for leaving.")] = False,
           star: Annotated[bool, typer.Option("--star", help="A key quote.")] = False,
           memo: Annotated[Optional[str], typer.Option(help="A note with the coding.")] = None) -> None:
    """Code a fragment: apply one or more codes for a coder.

    Example:  qcode assign 298 agressie-spanning --coder anna --main --memo "hoofdreden"
    """
    number = fragment_argument(fragment)
    count = open_project(ctx).assign(number, codes, coder, main=main, star=star, memo=memo)
    console.print(f"[green]✓[/] {escape(coder)}: fragment {number} coded with {count} code"
                  f"{'s' if count != 1 else ''}: {escape(', '.join(codes))}")


def unassign(ctx: typer.Context, fragment: FragmentId, codes: Codes, coder: Coder) -> None:
    """Remove codes a coder applied to a fragment.

    Example:  qcode unassign 298 agressie-spanning --coder anna
    """
    number = fragment_argument(fragment)
    open_project(ctx).unassign(number, codes, coder)
    console.print(f"[green]✓[/] {escape(coder)}: removed {escape(', '.join(codes))} from fragment {number}")


def fragment_argument(given: str) -> int:
    """A fragment id as typed: digits only, the rule `codings import` applies to a cell, without its
    leniency for spaces. Python's int() also takes '1_0' (10), ' 7' and other scripts' digits."""
    if given != given.strip():
        raise UsageError("the fragment id has spaces around it", hint="give the whole number alone, like 298")
    try:
        from qcode.coding import fragment_id

        return fragment_id(given)
    except UsageError:
        raise UsageError(f"fragment {cell(given)} is not a fragment id",
                         hint="a fragment id is a whole number, like 298 (see qcode fragments)") from None


@codings_app.callback()
def codings(ctx: typer.Context,
            coder: Annotated[Optional[str], typer.Option(help="Only this coder's codings.")] = None,
            code: Annotated[Optional[str], typer.Option(help="Only this code.")] = None,
            participant: Annotated[Optional[str], typer.Option(help="Only this participant.")] = None,
            as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")] = False) -> None:
    """List codings with their fragment's text.

    Example:  qcode codings --coder anna --code werkdruk --json
    """
    if ctx.invoked_subcommand is not None:
        return
    records = open_project(ctx).codings(coder=coder, code=code, participant=participant)
    if as_json:
        print_json(records)
        return
    table = Table("fragment", "participant", "code", "coder", "main", "star", "text")
    for r in records:
        table.add_row(str(r.fragment), escape(r.participant), escape(r.code), escape(r.coder),
                      "●" if r.main else "", "★" if r.star else "", escape(r.text[:80]))
    console.print(table)
    console.print(f"[dim]{len(records)} codings[/]")


@codings_app.command("import")
def import_(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="A .csv or .xlsx sheet of codings.")],
            coder: Annotated[Optional[str], typer.Option(help="Coder for rows without one.")] = None,
            skip_bad: Annotated[bool, typer.Option(help="Apply the good rows and list the bad ones.")] = False,
            read_whole: Annotated[bool, typer.Option(
                "--read-whole", help="The coder read every transcript in the sheet in full: mark all its "
                                     "participant fragments as seen (uncoded ones count as 'no' in agreement).")
            ] = False,
            as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False) -> None:
    """Apply codings from a sheet: columns fragment (or transcript + text), code, coder, main, star, memo.

    Every bad row is reported with its number and nothing is written (unless --skip-bad).
    Importing the same sheet twice changes nothing.

    Example:  qcode codings import transcripts/codings/anna.csv --coder anna --read-whole
    """
    result = open_project(ctx).import_codings(file, coder=coder, skip_bad=skip_bad, read_whole=read_whole)
    if as_json:
        print_json({"applied": result.applied, "unchanged": result.unchanged, "seen_added": result.seen_added,
                    "skipped": [str(p) for p in result.skipped]})
        return
    console.print(f"[green]✓[/] {result.applied} codings applied, {result.unchanged} already there"
                  + (f", {result.seen_added} fragments marked seen." if read_whole else "."))
    for problem in result.skipped:
        console.print(f"[yellow]skipped[/] {problem_text(problem)}")


@codings_app.command("export")
def export(ctx: typer.Context,
           coder: Annotated[Optional[str], typer.Option(help="Only this coder's codings.")] = None,
           fmt: Annotated[Optional[str], typer.Option("--format", help="csv, xlsx or json (default: from -o).")] = None,
           output: Annotated[Optional[Path], typer.Option("--output", "-o", help="The file to write.")] = None,
           anonymise: pseudonymising.Anonymise = False) -> None:
    """Write codings to a sheet that `qcode codings import` reads back.

    The text is the transcripts' own, so the sheet reads back onto them; --anonymise replaces names,
    places and organisations (for a sheet that leaves the team; it no longer reads back by its text).

    Example:  qcode codings export --coder anna -o exports/codings-anna.xlsx
    """
    project = open_project(ctx)
    if output is None and fmt not in (None, "json"):
        raise UsageError(f"--format {fmt} needs a file", hint="add -o FILE")
    chosen = pseudonymising.pseudonymiser(project, project.coded_fragment_ids(coder)) if anonymise else None
    rows = project.export_codings(coder=coder, pseudonymiser=chosen)
    if output is None:
        print_json(rows)
        return
    from qcode.codings_io import EXPORT_COLUMNS

    columns = [*EXPORT_COLUMNS, *(["question"] if rows and "question" in rows[0] else [])]  # a survey's answers
    project.write_table(rows, columns, output, fmt)
    console.print(f"Wrote {len(rows)} codings to [bold]{escape(str(output))}[/]")
    pseudonymising.say(chosen, exchange=True)
