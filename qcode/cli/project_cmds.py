"""`qcode init`, `qcode status` and `qcode doctor`."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from qcode.cli.common import console, open_project, print_json
from qcode.db.checks import diagnose
from qcode.errors import DatabaseError, NotAProjectError

if TYPE_CHECKING:
    from qcode.records import Status
from qcode.units import UNITS

JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON, for scripts.")]


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("status")(status)


def register_doctor(app: typer.Typer) -> None:
    app.command("settings")(settings)
    app.command("doctor")(doctor)


def settings(ctx: typer.Context,
             csv_dialect: Annotated[Optional[str], typer.Option(
                 "--csv-dialect", help="excel (`,` and 0.5) or excel-nl (`;` and 0,5, for Dutch Excel): "
                                       "how every .csv of this project is written from now on.")] = None,
             coder_suggestions: Annotated[Optional[str], typer.Option(
                 "--coder-suggestions", metavar="on|off",
                 help="Whether qcode code shows three suggested codes above the codebook.")] = None,
             as_json: JSON = False) -> None:
    """Show the project's settings, or change one.

    Examples:
      qcode settings --csv-dialect excel-nl
      qcode settings --coder-suggestions off
    """
    project = open_project(ctx)
    project.csv_dialect_choice = None  # show and change what is stored, not this command's --csv-dialect
    if coder_suggestions is not None and coder_suggestions.strip().lower() not in ("on", "off"):
        from qcode.errors import UsageError
        raise UsageError(f"--coder-suggestions takes on or off, not {coder_suggestions!r}",
                         hint="qcode settings --coder-suggestions off")
    if csv_dialect is not None:
        project.set_csv_dialect(csv_dialect)
    if coder_suggestions is not None:
        project.set_coder_suggestions(coder_suggestions.strip().lower() == "on")
    found = {"unit": project.unit, "csv_dialect": project.csv_dialect,
             "coder_suggestions": "on" if project.coder_suggestions else "off"}
    if as_json:
        print_json(found)
        return
    console.print(f"unit               {found['unit']}  [dim](what a fragment is; chosen at qcode init)[/]")
    console.print(f"csv-dialect        {found['csv_dialect']}  "
                  "[dim](excel or excel-nl; qcode settings --csv-dialect)[/]")
    console.print(f"coder-suggestions  {found['coder_suggestions']}  "
                  "[dim](suggested codes in qcode code; qcode settings --coder-suggestions)[/]")


def init(
    ctx: typer.Context,
    directory: Annotated[Optional[Path], typer.Argument(
        help="Folder for the project (made if missing); default --project, else the current folder.")] = None,
    unit: Annotated[str, typer.Option(
        help=f"What a fragment is: {', '.join(UNITS)}. Chosen once per project.")] = "paragraph",
) -> None:
    """Make a qcode project: a folder with one database, qcode.db.

    Example:  qcode init mijn-exitstudie --unit paragraph
    """
    directory = directory or (ctx.obj or {}).get("project") or Path(".")
    existed = (directory / "qcode.db").exists()
    from qcode.project import Project

    project = Project.init(directory, unit)  # type: ignore[arg-type]
    with project:
        if existed:
            console.print(f"A qcode project already exists in [bold]{escape(str(project.root))}[/] (unchanged).")
        else:
            console.print(f"Made a qcode project in [bold]{escape(str(project.root))}[/], "
                          f"fragments by {project.unit}.")
            console.print("Next: [bold]qcode codebook load FILE.yaml[/] and [bold]qcode import FOLDER[/]")


def status(ctx: typer.Context, as_json: JSON = False) -> None:
    """What the project holds: transcripts, fragments, codebook, coding per coder, orphaned codings.

    Example:  qcode status --json
    """
    result = open_project(ctx).status()
    if as_json:
        print_json(result)
        return
    render_status(result)


def render_status(status: Status) -> None:
    table = Table(title=f"qcode project {escape(str(status.project))}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [("transcripts", status.transcripts), ("participants", status.participants),
            ("turns", status.turns), ("fragments", f"{status.fragments} ({status.participant_fragments} "
                                                   "by participants)"),
            ("words", f"{status.words:,}".replace(",", ".")), ("fragment unit", status.unit),
            ("codebook", status.codebook or "none loaded"), ("active codes", status.codes),
            ("codings", status.codings), ("schema version", status.schema_version)]
    for name, value in rows:
        table.add_row(name, escape(str(value)))
    for share in status.coders:
        table.add_row(f"coded by {escape(share.coder)}",
                      f"{share.coded_fragments} fragments ({share.share:.0%})")
    console.print(table)
    if status.questions:
        questions = Table("question", "answered by", "fragments", "text", title="Survey questions", title_justify="left")
        for question in status.questions:
            questions.add_row(escape(question.id), str(question.answered), str(question.fragments),
                              escape(question.text if len(question.text) <= 60 else question.text[:59] + "…"))
        console.print(questions)
    if status.unsettled:
        console.print(f"[bold yellow]{len(status.unsettled)} transcript{'s' if len(status.unsettled) > 1 else ''} "
                      "without an interviewer[/] (all words count as the participant's):")
        for item in status.unsettled:
            speakers = ", ".join(escape(s) for s in item.speakers) if len(item.speakers) > 1 else \
                "no speaker names in the file"
            console.print(f"  • {escape(item.transcript)}: {speakers}")
        console.print("  Name the interviewer with qcode import FILE --interviewer NAME (or the participants "
                      "sheet's interviewer column); if nobody interviews, import it with --no-interviewer.")
    if status.orphaned:
        console.print(f"[bold yellow]{len(status.orphaned)} orphaned codings[/] (their fragment changed "
                      "on re-import; kept, not placed):")
        for orphan in status.orphaned:
            console.print(f"  • {escape(orphan.transcript)}  {escape(orphan.code)}  by {escape(orphan.coder)}: "
                          f"[dim]{escape(orphan.text[:70])}[/]")


def doctor(ctx: typer.Context, as_json: JSON = False) -> None:
    """Report the spaCy pipeline in use, the versions behind it, and the project's schema.

    Example:  qcode doctor
    """
    from qcode.project import Project, environment

    try:
        project = open_project(ctx)
        info = project.doctor()
    except NotAProjectError:  # outside a project: still report the machine
        info = environment()
    except DatabaseError as error:  # damaged, read-only or newer: report the machine and the file
        info = environment()
        explicit = (ctx.obj or {}).get("project")
        database = Project.find(Path(explicit or ".").resolve(), walk_up=not explicit) / "qcode.db"
        info.update({"database": str(database), "problem": error.problem.message,
                     "integrity check": diagnose(database)})
        if error.problem.hint:
            info["what to do"] = error.problem.hint
    if as_json:
        print_json(info)
        return
    table = Table(show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in info.items():
        table.add_row(key, escape(value))
    console.print(table)
    if "fallback" in info.get("pipeline", ""):
        console.print("[dim]The Dutch model nl_core_news_sm is not installed: sentences come from punctuation "
                      "rules (lemmas do not depend on it). See docs/segmentation.md to install the model.[/]")
