"""`qcode export qdpx`, `qcode import X.qdpx`, `qcode codebook export|load X.qdc`: REFI-QDA exchange."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from qcode.cli import pseudonymising
from qcode.cli.common import console, open_project, print_json


def register(export_app: typer.Typer, codebook_app: typer.Typer) -> None:
    export_app.command("qdpx")(export_qdpx)
    codebook_app.command("export")(export_qdc)


def export_qdpx(ctx: typer.Context,
                output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="FILE.qdpx",
                                                               help="The file to write (default exports/project.qdpx).")] = None,
                coder: Annotated[Optional[str], typer.Option(metavar="NAME[,NAME…]",
                                                             help="Only these coders' codings (comma-separated).")] = None,
                as_json: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")] = False,
                anonymise: pseudonymising.Anonymise = False) -> None:
    """The whole project as a REFI-QDA project for ATLAS.ti, MAXQDA, NVivo or QualCoder.

    Coders, the codebook, transcripts (qcode's stored text, so offsets are exact), every coding with its
    span, memos, participants as cases with their attributes. A main reason or a star travels as the
    code 'qcode › hoofdreden' or 'qcode › kerncitaat' on the same selection. Exporting twice gives the
    same file. --anonymise replaces names, places and organisations (the selections move along).

    Example:  qcode export qdpx -o exports/exitstudie.qdpx --coder anna,bram
    """
    project = open_project(ctx)
    output = output or project.root / "exports" / "project.qdpx"
    coders = [c.strip() for c in coder.split(",") if c.strip()] if coder else None
    chosen = pseudonymising.pseudonymiser(project, _all_fragments(project)) if anonymise else None
    summary = project.export_qdpx(output, coders, pseudonymiser=chosen)
    if as_json:
        print_json({"file": str(output), "pseudonymised": chosen is not None, **dataclasses.asdict(summary)})
        return
    console.print(f"[green]✓[/] Wrote {escape(str(output))}: {summary.sources} transcripts, {summary.codes} codes, "
                  f"{summary.selections} coded selections by {summary.users} coders, {summary.notes} memos, "
                  f"{summary.cases} cases")
    pseudonymising.say(chosen, exchange=True)


def _all_fragments(project) -> list[int]:  # type: ignore[no-untyped-def]
    return [row[0] for row in project.conn.execute("SELECT id FROM fragments ORDER BY id")]


def export_qdc(ctx: typer.Context,
               file: Annotated[Path, typer.Argument(metavar="FILE.qdc", help="The codebook file to write.")]) -> None:
    """The codebook as a REFI-QDA codebook (.qdc) other QDA tools import.

    Definitions, include/exclude rules, examples and keywords go into each code's description.

    Example:  qcode codebook export exports/codeboek.qdc
    """
    count = open_project(ctx).export_qdc(file)
    console.print(f"[green]✓[/] Wrote {count} codes to {escape(str(file))}")


def import_qdpx(project, path: Path, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    with console.status("Importing the REFI-QDA project…"):
        report = project.import_qdpx(path)
    if as_json:
        print_json({**dataclasses.asdict(report), "codebook": str(report.codebook) if report.codebook else None})
        return
    console.print(f"[green]✓[/] Imported {escape(str(path))}: {report.sources} text sources "
                  f"({report.transcripts_new} new transcripts, {report.transcripts_changed} changed, "
                  f"{report.transcripts_unchanged} unchanged), "
                  f"{report.participants} participants, {report.codings} codings from {report.selections} selections "
                  f"by {', '.join(escape(c) for c in report.coders) or 'nobody'}, {report.memos} with a memo")
    console.print(f"  offsets read as {report.reading}" + (
        "" if len(set(report.readings.values())) <= 1 else
        " (selections on word boundaries and excerpts: " + ", ".join(f"{k} {v}" for k, v in report.readings.items()) + ")"))
    if report.codebook:
        console.print(f"  codebook written to {escape(str(report.codebook))} and loaded")
    for line in report.notes:
        console.print(f"  note: {escape(line)}")
    for line in report.not_imported:
        console.print(f"  [yellow]not imported:[/] {escape(line)}")
