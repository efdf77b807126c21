"""`qcode report`, `qcode export quotes`, `qcode matrix` and `qcode chart`: from codings to the study."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from qcode.aggregate import Matrix
from qcode.cli.common import console, open_project, print_json
from qcode.errors import UsageError

CoderOption = Annotated[Optional[str], typer.Option(
    help="Whose codings (needed when several coders have coded; e.g. consensus).")]
Attributes = Annotated[Optional[str], typer.Option(
    "--attribute", help="Participant attributes for the attribution line, comma-separated: former_role,age.")]

export_app = typer.Typer(help="Export quote sheets for report writing.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.add_typer(export_app, name="export")
    app.command("matrix")(matrix)
    app.command("chart")(chart)


def _attributes(value: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (value or "").split(",") if a.strip())


def report(ctx: typer.Context, coder: CoderOption = None,
           fmt: Annotated[str, typer.Option("--format", help="md, docx or html.")] = "md",
           output: Annotated[Optional[Path], typer.Option("-o", "--output", help="The file to write "
                                                          "(default exports/rapport.FORMAT).")] = None,
           start: Annotated[int, typer.Option(help="Chapter number of the results: --start 2 gives 2.1, 2.2, …")] = 1,
           max_quotes: Annotated[Optional[int], typer.Option(help="At most this many quotes per sub-theme.")] = None,
           attribute: Attributes = None,
           lang: Annotated[str, typer.Option(help="nl (default) or en.")] = "nl",
           charts: Annotated[bool, typer.Option("--charts", help="Include the bar chart of themes.")] = False,
           init_templates: Annotated[bool, typer.Option(
               "--init-templates", help="Copy the report templates into the project's templates/ to edit them, "
                                        "then stop.")] = False) -> None:
    """Write the results chapters: one section per theme with counts in words and quotes.

    Your own text per theme lives in exports/tekst/<code>.md (made empty the first time) and is never
    overwritten. Wording and layout come from templates/report.nl.md.j2 once you run --init-templates.

    Example:  qcode report --coder anna --start 2 --format docx --attribute former_role,age --max-quotes 3
    """
    project = open_project(ctx)
    if init_templates:
        written = project.init_templates()
        for path in written:
            console.print(f"[green]✓[/] {escape(str(path))}")
        console.print("Templates are in templates/; edit them and run qcode report again."
                      if written else "The project already has its templates; nothing copied.")
        return
    chart_path = (output.parent if output else project.root / "exports") / "themas.png" if charts else None
    from qcode.render.report import ReportOptions  # Jinja2 loads only for the report

    options = ReportOptions(coder=coder, start=start, max_quotes=max_quotes, attributes=_attributes(attribute),
                            lang=lang, chart=chart_path)
    written = project.report(options, fmt, output)
    console.print(f"[green]✓[/] Wrote {escape(str(written))}")


@export_app.command("quotes")
def quotes(ctx: typer.Context, coder: CoderOption = None,
           code: Annotated[Optional[list[str]], typer.Option(help="Only these codes or themes (repeatable).")] = None,
           fmt: Annotated[Optional[str], typer.Option("--format", help="xlsx, csv or docx (default: from -o, "
                                                                       "else xlsx).")] = None,
           output: Annotated[Optional[Path], typer.Option("-o", "--output", help="The file to write "
                                                          "(default exports/citaten.FORMAT).")] = None,
           attribute: Attributes = None) -> None:
    """One row per coded fragment: theme, code, participant, attributes, place, text or span, flags, memo.

    In xlsx one sheet per theme and an 'alle' sheet, each with a frozen header and filters.

    Example:  qcode export quotes --coder anna --attribute former_role,age -o exports/citaten.xlsx
    """
    project = open_project(ctx)
    fmt = (fmt or (output.suffix.lstrip(".") if output else "xlsx")).lower()
    output = output or project.root / "exports" / f"citaten.{fmt}"
    count = project.export_quotes(output, coder=coder, codes=code or (), attributes=_attributes(attribute),
                                  fmt=fmt)
    console.print(f"[green]✓[/] Wrote {count} quotes to {escape(str(output))}")


def matrix(ctx: typer.Context, coder: CoderOption = None,
           by: Annotated[Optional[str], typer.Option(help="Count participants per value of this attribute "
                                                          "(numbers, like age, in bins of ten).")] = None,
           cooccurrence: Annotated[bool, typer.Option("--cooccurrence", help="Codes together within fragments "
                                                                              "and within participants.")] = False,
           level: Annotated[str, typer.Option(help="theme or code.")] = "theme",
           fmt: Annotated[str, typer.Option("--format", help="table, csv, xlsx or json.")] = "table",
           output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File for csv/xlsx/json.")] = None,
           ) -> None:
    """Code × participant (mentioned / main reason), code by attribute, or co-occurrence.

    Example:  qcode matrix --coder anna --by former_role --format xlsx -o exports/matrix.xlsx
    """
    project = open_project(ctx)
    matrices = project.matrices(coder=coder, by=by, cooccurrence=cooccurrence, level=level)
    if fmt == "table":
        for found in matrices:
            console.print(_table(found))
        return
    if fmt == "json":
        data = [{"title": m.title, "rows": m.row_ids, "labels": m.rows, "columns": m.columns, "cells": m.cells}
                for m in matrices]
        if output is None:
            print_json(data)
            return
    if output is None:
        raise UsageError(f"--format {fmt} needs a file", hint="add -o exports/matrix." + fmt)
    targets = [output if number == 0 else output.with_stem(f"{output.stem}-{number + 1}")
               for number in range(len(matrices))]
    project.write_tables([(found.as_rows(), [found.corner, *found.columns], target)
                          for found, target in zip(matrices, targets)], fmt)
    for found, target in zip(matrices, targets):
        console.print(f"[green]✓[/] {escape(found.title)} → {escape(str(target))}")


def _table(found: Matrix) -> Table:
    table = Table(title=escape(found.title), title_justify="left")
    table.add_column(escape(found.corner), no_wrap=True, max_width=32, overflow="ellipsis")
    for column in found.columns:
        table.add_column(escape(column), justify="right")
    for label, values in zip(found.rows, found.cells):
        table.add_row(escape(label), *[_cell(v, found) for v in values])
    return table


def _cell(value: int, found: Matrix) -> str:
    if found.title.startswith("code × participant"):
        return {0: "", 1: "✓", 2: "[bold red]H[/]"}[value]
    return str(value) if value else "[dim]0[/]"


def chart(ctx: typer.Context, coder: CoderOption = None,
          output: Annotated[Path, typer.Option("-o", "--output", help="A .png or .svg file.")] = Path(
              "exports/themas.png"),
          lang: Annotated[str, typer.Option(help="nl or en labels.")] = "nl") -> None:
    """A horizontal bar chart of themes by participants mentioning them, main reason stacked.

    Example:  qcode chart --coder anna -o exports/themas.svg
    """
    written = open_project(ctx).chart(output, coder=coder, lang=lang)
    console.print(f"[green]✓[/] Wrote {escape(str(written))}")
