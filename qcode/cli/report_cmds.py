"""`qcode report`, `qcode export quotes`, `qcode matrix` and `qcode chart`: from codings to the study."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from qcode.cli import matrix_view, pseudonymising
from qcode.cli.common import console, open_project, print_json, shown
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
           fmt: Annotated[Optional[str], typer.Option("--format", help="md, docx or html (default: from the "
                                                                       "extension of -o, else md).")] = None,
           output: Annotated[Optional[Path], typer.Option("-o", "--output", help="The file to write "
                                                          "(default exports/rapport.FORMAT).")] = None,
           reference_doc: Annotated[Optional[str], typer.Option(
               "--reference-doc", metavar="DOCX", help="Your house style: take Word styles, fonts and page layout "
                                                       "from this .docx ('default': qcode's own).")] = None,
           keep_style: Annotated[bool, typer.Option(
               "--keep-style", help="Remember --reference-doc for every later report of this project.")] = False,
           start: Annotated[int, typer.Option(help="Chapter number of the results: --start 2 gives 2.1, 2.2, …")] = 1,
           max_quotes: Annotated[Optional[int], typer.Option(
               help="Quotes per [[citaten CODE]] placeholder unless it says (default 4).")] = None,
           attribute: Attributes = None,
           lang: Annotated[str, typer.Option(help="nl (default) or en.")] = "nl",
           counts: Annotated[str, typer.Option(
               help="Count sentences in soft words (default: 'ruim een derde') or exact ('zeven van de "
                    "zeventien'); [[telling exact]] or [[telling zacht]] decides per placeholder.")] = "soft",
           charts: Annotated[bool, typer.Option("--charts", help="Include the bar chart of themes.")] = False,
           text_dir: Annotated[Optional[Path], typer.Option(
               "--text-dir", help="Folder of your own text files (default exports/tekst).")] = None,
           check: Annotated[bool, typer.Option(
               "--check", help="List every placeholder, what it becomes, and every warning; write nothing.")] = False,
           as_json: Annotated[bool, typer.Option("--json", help="With --check: as JSON.")] = False,
           init_templates: Annotated[bool, typer.Option(
               "--init-templates", help="Copy the report templates into the project's templates/ to edit them, "
                                        "then stop.")] = False,
           no_anonymise: pseudonymising.NoAnonymise = False,
           yes: Annotated[bool, typer.Option("--yes", "-y", help="With --no-anonymise: write a Word or HTML report "
                                                                 "with the raw text without asking.")] = False) -> None:
    """Write the results chapter: your own text per theme, with counts and quotes filled in.

    Each theme's section is your file exports/tekst/<code>.md (a draft the first time, never overwritten):
    write prose anywhere and place [[telling]], [[citaten CODE]], [[citaat ID]], [[verdeling ATTRIBUTE]]
    and [[methode]] on lines of their own. _inleiding.md, _resultaten.md and _conclusie.md work the same.

    The format follows -o (.md, .docx, .html). Word is A4 and Dutch in qcode's styles;
    --reference-doc huisstijl.docx uses yours (--keep-style: for every report).

    Names, places and organisations are replaced ([naam 1], [organisatie]) in quotes, attributions and
    your own text; --no-anonymise writes them as said (Word and HTML only with --yes).

    Example:  qcode report --coder consensus --start 2 -o exports/rapport.docx --attribute former_role,age
    Example:  qcode report --coder consensus --check
    """
    project = open_project(ctx)
    if init_templates:
        written = project.init_templates()
        for path in written:
            console.print(f"[green]✓[/] {escape(str(path))}")
        console.print("Templates are in templates/; edit them and run qcode report again."
                      if written else "The project already has its templates; nothing copied.")
        return
    if as_json and not check:
        raise UsageError("--json goes with --check", hint="qcode report --check --json")
    if keep_style and reference_doc is None:
        raise UsageError("--keep-style keeps the house style given with --reference-doc",
                         hint="qcode report --reference-doc huisstijl.docx --keep-style")
    chosen = None if reference_doc in (None, "default") else Path(reference_doc)
    if reference_doc is not None and fmt is None and output is None:
        fmt = "docx"  # a house style is for Word
    chart_path = (output.parent if output else project.root / "exports") / "themas.png" if charts else None
    from qcode.render import documents
    from qcode.render.report import ReportOptions  # Jinja2 loads only for the report

    options = ReportOptions(coder=coder, start=start, max_quotes=max_quotes, attributes=_attributes(attribute),
                            lang=lang, chart=chart_path, text_dir=text_dir, counts=counts,
                            reference_doc=chosen or (documents.default_reference_doc() if reference_doc else None),
                            coarsen_attributions=not no_anonymise)
    if check:
        _show_check(project.check_report(options), project.root, as_json)
        return
    replacer = _report_pseudonymiser(project, coder, fmt, output, no_anonymise, yes)
    written = project.write_report(options, fmt, output, pseudonymiser=replacer)  # a contradicting --format: refused
    _show_warnings(written.report.warnings, project.root)
    console.print(f"[green]✓[/] Wrote {escape(str(written.path))}")
    pseudonymising.say(replacer and replacer.built)
    if written.report.attribution_note:
        console.print(f"[dim]{escape(written.report.attribution_note)}[/]")
    if keep_style:
        project.set_reference_doc(chosen)
        console.print(f"[green]✓[/] Word reports now use {escape(str(chosen)) if chosen else 'qcode’s own styles'}")


def _report_pseudonymiser(project, coder: str | None, fmt: str | None, output: Path | None,  # type: ignore[no-untyped-def]
                          raw: bool, yes: bool):
    """The report's replacer; None (the raw text) only when asked, and for Word or HTML only when confirmed."""
    if not raw:
        return pseudonymising.Deferred(project)
    from qcode.outputs import format_for
    from qcode.render.report import FORMATS

    final = format_for(output, fmt, FORMATS, "md")
    if final in ("docx", "html"):
        pseudonymising.refuse_raw_document(final, yes)
    return None


def _where(problem, root: Path) -> str:
    if problem.path is None:
        return ""
    path = Path(problem.path)
    try:
        path = path.resolve().relative_to(root.resolve())
    except ValueError:
        pass
    return f"{path}:{problem.line}" if problem.line else str(path)


def _show_warnings(warnings: list, root: Path) -> None:
    for problem in warnings:
        where = _where(problem, root)
        console.print(f"[yellow]![/] {escape(where + ': ' if where else '')}{escape(problem.message)}")
        if problem.hint:
            console.print(f"  [dim]→ {escape(problem.hint)}[/]")


def _show_check(found, root: Path, as_json: bool) -> None:
    """Every placeholder with what it becomes, by file and line; then the warnings."""
    def relative(path: Path) -> str:
        try:
            return str(Path(path).resolve().relative_to(root.resolve()))
        except ValueError:
            return str(path)

    if as_json:
        print_json({"coder": found.coder, "participants": found.participants,
                    "placeholders": [{"file": relative(u.path), "line": u.line or None, "placeholder": u.placeholder,
                                      "result": u.result, "ok": u.ok} for u in found.uses],
                    "warnings": [{"file": relative(p.path) if p.path else None, "line": p.line, "message": p.message,
                                  "hint": p.hint} for p in found.warnings],
                    "new_files": [relative(p) for p in found.missing_texts]})
        return
    current = None
    for use in found.uses:
        if use.path != current:
            current = use.path
            new = " [dim](new: written as a draft on the next report)[/]" if use.path in found.missing_texts else ""
            console.print(f"[bold]{escape(relative(use.path))}[/]{new}")
        line = f"{use.line:>4}" if use.line else "   +"
        mark = "[green]✓[/]" if use.ok else "[red]✗[/]"
        console.print(f"{mark} {line}  {escape(use.placeholder)} → {escape(use.result)}")
    if found.warnings:
        console.print()
        _show_warnings(found.warnings, root)
    else:
        console.print("\nNo warnings.")


@export_app.command("quotes")
def quotes(ctx: typer.Context, coder: CoderOption = None,
           code: Annotated[Optional[list[str]], typer.Option(help="Only these codes or themes (repeatable).")] = None,
           fmt: Annotated[Optional[str], typer.Option("--format", help="xlsx, csv or docx (default: from -o, "
                                                                       "else xlsx).")] = None,
           output: Annotated[Optional[Path], typer.Option("-o", "--output", help="The file to write "
                                                          "(default exports/citaten.FORMAT).")] = None,
           attribute: Attributes = None,
           question: Annotated[Optional[str], typer.Option(
               metavar="ID", help="Surveys: only the answers to this question.")] = None,
           no_anonymise: pseudonymising.NoAnonymise = False) -> None:
    """One row per coded fragment: theme, code, participant, attributes, place, text or span, flags, memo.

    In xlsx one sheet per theme and an 'alle' sheet, each with a frozen header and filters. Names, places
    and organisations are replaced ([naam 1]); 'qcode quotes import' reads the sheet back all the same.

    Example:  qcode export quotes --coder anna --attribute former_role,age -o exports/citaten.xlsx
    """
    project = open_project(ctx)
    output = output or project.root / "exports" / f"citaten.{(fmt or 'xlsx').lower()}"
    replacer = None if no_anonymise else pseudonymising.Deferred(project)
    notes: list[str] = []
    count = project.export_quotes(output, coder=coder, codes=code or (), attributes=_attributes(attribute),
                                  fmt=fmt, question=question, pseudonymiser=replacer,
                                  coarsen_attributions=not no_anonymise, notes=notes)
    console.print(f"[green]✓[/] Wrote {count} quotes to {escape(str(output))}")
    pseudonymising.say(replacer and replacer.built)
    for note in notes:
        console.print(f"[dim]{escape(note)}[/]")


def matrix(ctx: typer.Context, coder: CoderOption = None,
           by: Annotated[Optional[str], typer.Option(help="Count participants per value of this attribute "
                                                          "(numbers, like age, in bins of ten).")] = None,
           cooccurrence: Annotated[bool, typer.Option("--cooccurrence", help="Codes together within fragments "
                                                                              "and within participants.")] = False,
           level: Annotated[str, typer.Option(help="theme or code.")] = "theme",
           fmt: Annotated[Optional[str], typer.Option("--format", help="table, csv, xlsx or json (default: from "
                                                                       "the extension of -o, else table).")] = None,
           output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File for csv/xlsx/json.")] = None,
           question: Annotated[Optional[str], typer.Option(
               metavar="ID", help="Surveys: only the answers to this question (its respondents as the groups' n).")] = None,
           no_anonymise: pseudonymising.NoAnonymise = False) -> None:
    """Code × participant (mentioned / main reason), code by attribute, or co-occurrence.

    Examples:
      qcode matrix --coder anna --by former_role --format xlsx -o exports/matrix.xlsx
      qcode matrix --question V12 --by rol --level code
    """
    if output is not None or fmt not in (None, "table"):
        from qcode.outputs import format_for

        fmt = format_for(output, fmt, ("csv", "xlsx", "json"), "xlsx")
    fmt = fmt or "table"
    project = open_project(ctx)
    replacer = None if no_anonymise else pseudonymising.Deferred(project)
    matrices = project.matrices(coder=coder, by=by, cooccurrence=cooccurrence, level=level, question=question,
                                pseudonymiser=replacer)
    chosen = replacer and replacer.built
    if fmt == "table":
        for found in matrices:
            parts, key = matrix_view.tables(found, console.width)
            for part in parts:
                console.print(part)
            for line in key:
                console.print(shown(line), overflow="fold")
            if matrix_view.is_marks(found):
                console.print(matrix_view.LEGEND)
        pseudonymising.say(chosen)
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
                          for found, target in zip(matrices, targets)], fmt, frozen_columns=1)
    for found, target in zip(matrices, targets):
        console.print(f"[green]✓[/] {escape(found.title)} → {escape(str(target))}")
    pseudonymising.say(chosen)


def chart(ctx: typer.Context, coder: CoderOption = None,
          output: Annotated[Path, typer.Option("-o", "--output", help="A .png or .svg file.")] = Path(
              "exports/themas.png"),
          lang: Annotated[str, typer.Option(help="nl or en labels.")] = "nl",
          no_anonymise: pseudonymising.NoAnonymise = False) -> None:
    """A horizontal bar chart of themes by participants mentioning them, main reason stacked.

    Example:  qcode chart --coder anna -o exports/themas.svg
    """
    project = open_project(ctx)
    replacer = None if no_anonymise else pseudonymising.Deferred(project)
    written = project.chart(output, coder=coder, lang=lang, pseudonymiser=replacer)
    console.print(f"[green]✓[/] Wrote {escape(str(written))}")
    pseudonymising.say(replacer and replacer.built)
