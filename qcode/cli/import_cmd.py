"""`qcode import`: transcripts, folders and survey sheets into the project."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.table import Table

from qcode.errors import UsageError
from qcode.cli.common import console, open_project, print_json, problem_text, shown_name

if TYPE_CHECKING:
    from qcode.importer import ImportReport, Unsettled

PROGRESS_FROM = 4  # files; fewer finish before a bar is worth drawing


def register(app: typer.Typer) -> None:
    app.command("import")(import_)


def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Transcript files or folders (read recursively).")],
    interviewer: Annotated[Optional[list[str]], typer.Option(
        metavar="NAME", help="Speaker label or name of the interviewer (repeatable), besides the known labels "
                             "(Interviewer, Onderzoeker, I, … see docs/importing.md).")] = None,
    no_interviewer: Annotated[bool, typer.Option(
        help="Where no interviewer is found, that is right (a group talk, a monologue): stop asking.")] = False,
    allow_duplicate: Annotated[bool, typer.Option(
        help="Import a transcript even when another one (under another file name) has the same words.")] = False,
    id_column: Annotated[Optional[str], typer.Option(help="Survey sheets: the respondent id column.")] = None,
    text_column: Annotated[Optional[list[str]], typer.Option(
        "--text-column", "--text-columns", metavar="COLUMN",
        help="Survey sheets: an open question's column (repeatable; 'V12,V17' or a pattern 'V1*' work too).")] = None,
    questions: Annotated[Optional[Path], typer.Option(
        metavar="SHEET", help="Survey sheets: question texts, a sheet with columns 'vraag' and 'tekst'.")] = None,
    header_rows: Annotated[int, typer.Option(
        min=1, max=2, help="Survey sheets: 2 when the second row holds the question texts (Qualtrics).")] = 1,
    skip_bad: Annotated[bool, typer.Option(help="Import the good files and list the bad ones.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import transcripts (.txt, .md, .docx, .vtt, .srt) or open survey answers (.csv, .xlsx).

    A survey sheet: each respondent becomes a participant, each answered open question a turn under
    the question; every other column is an attribute (a closed answer). Importing more questions of a
    sheet later adds them; nothing imported before is replaced.

    A participants.csv/.xlsx (or deelnemers.csv/.xlsx) beside the transcripts gives each file its
    participant, interviewer and attributes. A transcript with several speakers and no interviewer is
    listed (here and by qcode status) until you name one or say there is none.
    Re-importing is safe: unchanged files are skipped, changed ones re-segmented with their codings kept.
    The same interview under another file name is refused. Nothing is written if any input is bad
    (unless --skip-bad).

    Examples:
      qcode import transcripts/
      qcode import interview3.docx --interviewer Marieke
      qcode import groepsgesprek.txt --no-interviewer
      qcode import enquete.xlsx --id-column respondent --text-column antwoord
      qcode import consultatie.xlsx --id-column id --text-column V12 --text-column V17
      qcode import consultatie.csv --id-column id --text-columns 'open_*' --questions vragen.csv
      qcode import exitstudie.qdpx          (a REFI-QDA project from ATLAS.ti, MAXQDA, NVivo, QualCoder)
    """
    project = open_project(ctx)
    if any(path.suffix.lower() == ".qdpx" for path in paths):
        from qcode.cli import refi_cmds
        if len(paths) != 1:
            raise UsageError("import a .qdpx project on its own", hint="one qcode import per .qdpx file")
        refi_cmds.import_qdpx(project, paths[0], as_json)
        return
    kwargs = dict(interviewer=interviewer or (), id_column=id_column, text_column=text_column or (),
                  skip_bad=skip_bad, no_interviewer=no_interviewer, allow_duplicate=allow_duplicate,
                  questions=questions, header_rows=header_rows)
    if as_json:
        report = project.import_paths(paths, **kwargs)
        print_json(_as_dict(report))
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]Importing[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, transient=True) as bar:
        task = bar.add_task("", total=None, visible=False)

        def step(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=shown_name(name),
                       visible=total >= PROGRESS_FROM)

        report = project.import_paths(paths, progress=step, **kwargs)
    render_report(report)


def _as_dict(report: ImportReport) -> dict:
    return {
        "files": report.files, "new": report.new, "changed": report.changed, "unchanged": report.unchanged,
        "turns": report.turns, "fragments": report.fragments, "words": report.words,
        "codings_moved": report.codings_moved, "codings_orphaned": report.codings_orphaned,
        "skipped": [str(p) for p in report.skipped], "left_alone": [str(p) for p in report.left_alone],
        "codings_sheets": [str(p) for p in report.codings_sheets],
        "no_interviewer_found": [{"transcript": u.name, "speakers": list(u.speakers), "named_but_absent": list(u.named)}
                                 for u in report.unsettled],
    }


def render_report(report: ImportReport) -> None:
    table = Table(title="Import", title_justify="left")
    for column in ("files", "new", "changed", "unchanged", "turns", "fragments", "words", "skipped"):
        table.add_column(column, justify="right")
    table.add_row(*(str(v) for v in (report.files, report.new, report.changed, report.unchanged, report.turns,
                                     report.fragments, f"{report.words:,}".replace(",", "."),
                                     len(report.skipped))))
    console.print(table)
    if report.codings_moved or report.codings_orphaned:
        console.print(f"Codings kept on changed transcripts: {report.codings_moved} moved to the same text, "
                      f"[yellow]{report.codings_orphaned} orphaned[/] (see qcode status).")
    for problem in report.skipped:
        console.print(f"[yellow]skipped[/] {problem_text(problem)}")
    for path in report.codings_sheets:
        console.print(f"[dim]left alone: {shown_name(path)} (a codings sheet: import it with "
                      f"qcode codings import {shown_name(path)})[/]")
    for path in report.left_alone:
        console.print(f"[dim]left alone: {shown_name(path)} ({_what_sheet(path)})[/]")
    render_unsettled(report.unsettled)


def _what_sheet(path: Path) -> str:
    from qcode.importer import is_questions_sheet

    if is_questions_sheet(path):
        return "a questions sheet: give it with --questions when importing the survey answers"
    return "a sheet: import survey answers with --id-column and --text-column"


def render_unsettled(unsettled: list[Unsettled]) -> None:
    """Which transcripts have no interviewer yet, their speakers, and how to settle them."""
    if not unsettled:
        return
    console.print(f"[bold yellow]No interviewer found in {len(unsettled)} transcript"
                  f"{'s' if len(unsettled) > 1 else ''}[/]: all their words count as the participant's until "
                  "you say who asks.")
    for item in unsettled:
        speakers = ", ".join(shown_name(s) for s in item.speakers) or "no speaker names in the file"
        absent = f"  [dim](--interviewer {', '.join(shown_name(n) for n in item.named)}: not a speaker here)[/]" \
            if item.named else ""
        console.print(f"  • {shown_name(item.name)}: {speakers}{absent}")
    named = next((item for item in unsettled if item.speakers), None)
    if named is not None:
        console.print(f"Name the interviewer: qcode import {shown_name(named.path)} --interviewer "
                      f"\"{shown_name(named.speakers[0])}\" (or the participants sheet's interviewer column).")
    if any(not item.speakers for item in unsettled):
        console.print("A file without speaker names: add labels ('I:', 'R:') to it and import it again.")
    console.print("If nobody interviews (a group talk, a monologue): import again with --no-interviewer, "
                  "or write 'geen' in the sheet's interviewer column.")
