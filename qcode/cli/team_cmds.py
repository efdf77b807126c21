"""`qcode agreement`, `qcode disagreements`, `qcode reconcile`, `qcode merge`, `qcode coders`: the team."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from qcode.cli import pseudonymising
from qcode.cli.common import confirm_new_coder, console, open_project, print_json
from qcode.errors import UsageError

if TYPE_CHECKING:
    from qcode.agreement import Agreement, Figures

Coders = Annotated[str, typer.Option(help="Two or more coders, comma-separated: anna,bram.")]
RED, AMBER = 0.667, 0.800


def register(app: typer.Typer) -> None:
    app.command("coders")(coders_cmd)
    app.command("agreement")(agreement)
    app.command("disagreements")(disagreements)
    app.command("reconcile")(reconcile)
    app.command("merge")(merge)


def coders_cmd(ctx: typer.Context,
               as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")] = False) -> None:
    """Each coder, per transcript: participants' fragments seen and coded.

    Example:  qcode coders
    """
    rows = open_project(ctx).coders()
    if as_json:
        print_json([vars(r) for r in rows])
        return
    if not rows:
        console.print("Nobody has coded or seen a fragment yet.")
        return
    table = Table(title="Coders", title_justify="left")
    for column, justify in (("coder", "left"), ("transcript", "left"), ("seen", "right"), ("coded", "right")):
        table.add_column(column, justify=justify)
    for row in rows:
        table.add_row(escape(row.coder), escape(row.transcript), f"{row.seen}/{row.fragments}",
                      f"{row.coded}/{row.fragments}")
    console.print(table)


def _coders(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def agreement(ctx: typer.Context, coders: Coders,
              level: Annotated[str, typer.Option(help="code, theme or participant.")] = "code",
              as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")] = False) -> None:
    """How far coders agree: per code and overall, percentage, Cohen's kappa and Krippendorff's alpha.

    Units are the fragments all named coders have seen (moving past a fragment counts as seen).
    Alpha below .667 is red, below .800 amber. --level participant asks whether the coders agree
    that a participant mentions a theme at all, and on each participant's main reason.

    Example:  qcode agreement --coders anna,bram --level theme
    """
    result = open_project(ctx).agreement(_coders(coders), level)
    if as_json:
        print_json(result.as_json())
        return
    console.print(_table(result))
    if result.main_reason is not None:
        console.print(_figures_line("Main reason for leaving", result.main_reason))


def _table(result: Agreement) -> Table:
    table = Table(title=f"Agreement of {escape(', '.join(result.coders))} at the {result.level} level", title_justify="left")
    for column, justify in (("code", "left"), ("units", "right"), ("used", "right"), ("% agree", "right"),
                            ("kappa", "right"), ("alpha", "right")):
        table.add_column(column, justify=justify)
    for code, figures in result.codes.items():
        table.add_row(Text(result.labels.get(code, code)), *_cells(figures))
    table.add_section()
    table.add_row(Text("overall", style="bold"), *_cells(result.overall))
    return table


def _cells(f: Figures) -> list[Text]:
    """Text, not markup: Rich draws a long table of these without parsing every cell."""
    alpha = Text("–", style="dim") if f.alpha is None else Text(f"{f.alpha:.3f}", style=_colour(f.alpha))
    return [Text(f"{f.units:,}"), Text(f"{f.used:,}"), Text("–" if f.percent is None else f"{f.percent:.1%}"),
            Text(_number(f.kappa)), alpha]


def _colour(value: float) -> str:
    return "red" if value < RED else "yellow" if value < AMBER else "green"


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _coloured(value: float | None) -> str:
    if value is None:
        return "[dim]–[/]"
    return f"[{_colour(value)}]{value:.3f}[/]"


def _figures_line(title: str, f: Figures) -> str:
    return (f"{title}: {f.units} participants, {'–' if f.percent is None else f'{f.percent:.1%}'} agree, "
            f"kappa {_number(f.kappa)}, alpha {_coloured(f.alpha)}")


def disagreements(ctx: typer.Context, coders: Coders,
                  code: Annotated[Optional[str], typer.Option(
                      help="Only this code (or theme, with its sub-codes).")] = None,
                  fmt: Annotated[str, typer.Option("--format", help="table or xlsx.")] = "table",
                  output: Annotated[Optional[Path], typer.Option("-o", "--output", help="The .xlsx file "
                                                                 "(default exports/verschillen.xlsx).")] = None,
                  no_anonymise: pseudonymising.NoAnonymise = False) -> None:
    """Every fragment and code on which the coders differ, with text, question and who chose what.

    The agenda of the consensus meeting, sorted by code. The sheet has names, places and organisations
    replaced ([naam 1]) unless --no-anonymise; the table on screen shows the text as it is.

    Example:  qcode disagreements --coders anna,bram --format xlsx
    """
    project = open_project(ctx)
    names = _coders(coders)
    found = project.disagreements(names, code)
    if fmt == "xlsx":
        from functools import partial

        from qcode.outputs import check_target
        from qcode.pseudonymised import text as replaced

        target = output or project.root / "exports" / "verschillen.xlsx"
        check_target(target, project.output_guard())  # refused before a scan stores anything
        chosen = None if no_anonymise else pseudonymising.pseudonymiser(project, [d.fragment for d in found])
        shown = partial(replaced, chosen)
        rows = [{"code": d.code, "label": d.label, "fragment": d.fragment, "transcript": shown(d.transcript),
                 "participant": shown(d.participant), "turn": d.turn, "question": shown(d.question or ""),
                 "text": shown(d.text),
                 **{c: ("ja" if d.choices[c].applied else "nee") + (" (hoofdreden)" if d.choices[c].main else "")
                    for c in names},
                 **{f"memo {c}": shown(d.choices[c].memo or "") for c in names}} for d in found]
        columns = ["code", "label", "fragment", "transcript", "participant", "turn", "question", "text", *names,
                   *[f"memo {c}" for c in names]]
        project.write_table(rows, columns, target, "xlsx")
        console.print(f"[green]✓[/] {len(found)} disagreements → {escape(str(target))}")
        pseudonymising.say(chosen)
        return
    if fmt != "table":
        raise UsageError(f"format must be table or xlsx, not {fmt!r}")
    if not found:
        console.print(f"{escape(', '.join(names))} agree on every fragment they have all seen.")
        return
    table = Table(title=f"{len(found)} disagreements between {escape(', '.join(names))}", title_justify="left",
                  show_lines=True)
    table.add_column("code")
    table.add_column("fragment")
    table.add_column("text", ratio=3)
    for name in names:
        table.add_column(escape(name))
    for d in found:
        context = f"[dim]I: {escape(d.question)}[/]\n" if d.question else ""
        table.add_row(escape(d.label), f"#{d.fragment} {escape(d.participant)}", context + escape(d.text),
                      *[("✓" if d.choices[n].applied else "—") + (" H" if d.choices[n].main else "")
                        + (f"\n[italic]{escape(d.choices[n].memo)}[/]" if d.choices[n].memo else "") for n in names])
    console.print(table)


def reconcile(ctx: typer.Context, coders: Coders,
              into: Annotated[str, typer.Option(help="The coder name of the consensus.")] = "consensus",
              rule: Annotated[Optional[str], typer.Option(help="Settle every disagreement at once: union, "
                                                               "intersection or majority.")] = None,
              by: Annotated[Optional[str], typer.Option(help="Who settles (recorded in the change log); "
                                                             "default: your login name.")] = None,
              interactive: Annotated[bool, typer.Option(help="Open the coder on what is left to settle.")] = True,
              yes: Annotated[bool, typer.Option("--yes", "-y", help="Use --into even when it differs from an "
                                                                    "existing coder only in case.")] = False,
              ) -> None:
    """Build a consensus coding: agreed decisions are copied, the rest settled by a rule or by hand.

    Without --rule the coder opens on each fragment still in dispute, showing every coder's choices
    and memos. Moving past a fragment leaves it open; a key settles it: 1 takes the first coder's
    codes, 2 the second's, 0 none, c what you applied there. Fragments settled before are never
    touched, so run it again after more coding. Then: qcode report --coder consensus.

    Example:  qcode reconcile --coders anna,bram --into consensus --rule majority
    """
    project = open_project(ctx)
    names = _coders(coders)
    confirm_new_coder(project, into, yes)
    result = project.reconcile(names, into, rule, by or os.environ.get("USER") or os.environ.get("USERNAME"))
    console.print(f"[green]✓[/] {escape(result.into)}: {result.agreed} fragments agreed and copied, "
                  f"{result.settled} settled by {rule or 'rule'}, {result.kept} settled earlier and kept, "
                  f"{len(result.open)} still to settle")
    if result.open and interactive:
        from qcode.tui import CoderApp  # Textual loads only when the coder is opened
        session = project.reconcile_session(names, result.into, result.open)
        app = CoderApp(session)
        app.run()
        if app.return_code:  # the app crashed and said so
            raise typer.Exit(1)
        left = session.open_count()
        console.print(f"[green]✓[/] {escape(result.into)}: {session.settled_here} fragments settled in the coder, "
                      f"{left} still to settle" + (" (run the same command again to go on)" if left else ""))
    elif result.open:
        console.print(f"Settle them in the coder: qcode reconcile --coders {escape(coders)} --into "
                      f"{escape(result.into)}, or give --rule.")


def merge(ctx: typer.Context,
          other: Annotated[Path, typer.Argument(help="The other copy's project folder or its qcode.db.")],
          as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")] = False,
          anonymise: pseudonymising.Anonymise = False) -> None:
    """Bring another copy's codings, memos, seen-marks and change log into this project.

    Transcripts are matched by content, fragments by their text, codes by id; what cannot be
    matched is listed, and nothing here is overwritten. Merging the same copy twice changes nothing.
    Both copies keep the original text; --anonymise replaces names in what this command prints.

    Example:  qcode merge ../studie-bram
    """
    project = open_project(ctx)
    result = project.merge(other)
    chosen = pseudonymising.pseudonymiser(project, None) if anonymise else None
    if chosen is not None:
        from qcode.pseudonymised import texts

        result.unmatched_transcripts = texts(chosen, result.unmatched_transcripts)
        result.conflicts = texts(chosen, result.conflicts)
    if as_json:
        print_json({**vars(result), "pseudonymised": chosen is not None})
        return
    console.print(f"[green]✓[/] from {escape(str(other))}: {result.codings_added} codings added, "
                  f"{result.codings_same} already here, {result.seen_added} seen-marks and "
                  f"{result.log_added} change-log entries added")
    for title, items in (("conflicts (ours kept)", result.conflicts),
                         ("transcripts not in this project", result.unmatched_transcripts),
                         ("codes not in this codebook", result.unknown_codes)):
        if items:
            console.print(f"[yellow]{title}:[/] " + escape(", ".join(items)))
    if result.unmatched_fragments:
        console.print(f"[yellow]{result.unmatched_fragments} codings or marks on fragments this project does "
                      "not have[/] (a transcript changed in one copy?)")
    pseudonymising.say(chosen, exchange=True)
