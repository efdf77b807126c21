"""`qcode anonymise`: find identifiers, review them one key per decision, and report what exports replace."""
from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from qcode.cli.common import console, err_console, open_project, print_json, shown, shown_name
from qcode.errors import UsageError

if TYPE_CHECKING:
    from rich.padding import Padding

    from qcode.anonymise.exposure import Exposure
    from qcode.project import Project

LISTED = 15  # identifiers listed per export in the text report; --json lists all
MODES = ("--scan", "--review", "--report", "--accept-attribution")
NO_FRAGMENTS_HINT = "import transcripts or a survey first: qcode import transcripts/"


def register(app: typer.Typer) -> None:
    app.command("anonymise")(anonymise)


def anonymise(
    ctx: typer.Context,
    review: Annotated[bool, typer.Option("--review", help="Decide per identifier, one key each, in a full-screen "
                                                          "app: r replace, k keep, a always, n never.")] = False,
    everything: Annotated[bool, typer.Option("--all", help="With --review: every identifier, also the ones "
                                                           "decided before (default: those without a decision).")
                          ] = False,
    report: Annotated[bool, typer.Option("--report", help="What each export would replace, what is not "
                                                          "reviewed yet, and which attributions fit few participants.")
                      ] = False,
    scan_only: Annotated[bool, typer.Option("--scan", help="Only look for identifiers in fragments not "
                                                           "scanned yet.")] = False,
    accept: Annotated[Optional[str], typer.Option(
        "--accept-attribution", metavar="TEXT",
        help="Let exports print this attribution as it is, e.g. \"jongerenwerker, 29 jaar\".")] = None,
    attribute: Annotated[Optional[str], typer.Option(
        help="With --report: the attributes your exports print with a quote, comma-separated, as given "
             "to report and export quotes: former_role,age.")] = None,
    coder: Annotated[Optional[str], typer.Option(
        help="Who decides (recorded with each decision and in the change log); default: your login name.")
                     ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="With --report or --scan: print JSON, for scripts.")
                       ] = False,
) -> None:
    """Find names, places, organisations and numbers in the participants' words, and decide what \
exports replace.

    Exports meant for readers (report, quote sheets, disagreements, matrices, charts, word counts) \
replace every identifier found unless you decided to keep it; each decision holds for every later \
export. Fragments imported later are scanned the next time, and their new identifiers come up for review.

    --review opens a full-screen review, most frequent first, showing where each identifier stands \
in the transcripts: r replace, k keep (not an identifier here), a always / n never (also written to \
anonimiseren.yaml), e edit the replacement label, z undo, arrows to move, ? help, q quit.

    Examples:
      qcode anonymise --review
      qcode anonymise --review --all --coder lies
      qcode anonymise --report --attribute former_role,age
      qcode anonymise --report --json > anonimisering.json
      qcode anonymise --accept-attribution "jongerenwerker, 29 jaar"
    """
    mode = _mode(review=review, report=report, scan_only=scan_only, accept=accept)
    _check_combination(mode, everything=everything, as_json=as_json, attribute=attribute)
    project = open_project(ctx)
    if mode == "--accept-attribution":
        _accept(project, accept or "", _decider(coder))
        return
    scanned = _scan(project, quiet=as_json)
    if mode == "--scan":
        _show_scan(project, scanned, as_json)
    elif mode == "--review":
        _review(project, everything, _decider(coder))
    else:
        _report(project, attribute, as_json, scanned)


def _mode(*, review: bool, report: bool, scan_only: bool, accept: str | None) -> str:
    chosen = [name for name, given in zip(MODES, (scan_only, review, report, accept is not None)) if given]
    if not chosen:
        raise UsageError("say what to do: --review, --report, --scan or --accept-attribution TEXT",
                         hint="start with: qcode anonymise --review   (qcode anonymise --help for more)")
    if len(chosen) > 1:
        raise UsageError(f"{' and '.join(chosen)} cannot be combined: choose one",
                         hint="e.g. qcode anonymise --review, then qcode anonymise --report")
    return chosen[0]


def _check_combination(mode: str, *, everything: bool, as_json: bool, attribute: str | None) -> None:
    if everything and mode != "--review":
        raise UsageError(f"--all goes with --review, not with {mode}", hint="qcode anonymise --review --all")
    if as_json and mode not in ("--report", "--scan"):
        raise UsageError(f"--json goes with --report or --scan, not with {mode}",
                         hint="qcode anonymise --report --json")
    if attribute is not None and mode != "--report":
        raise UsageError(f"--attribute goes with --report, not with {mode}",
                         hint="qcode anonymise --report --attribute former_role,age")


def _decider(coder: str | None) -> str:
    name = (coder or os.environ.get("USER") or os.environ.get("USERNAME") or _login_name()).strip()
    if not name:
        raise UsageError("qcode cannot tell who decides: no --coder and no login name",
                         hint="give --coder NAME")
    return name


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no entry in the password database
        return ""


def _has_fragments(project: Project) -> bool:
    return project.conn.execute("SELECT 1 FROM fragments f JOIN turns t ON t.id = f.turn_id "
                                "WHERE t.role = 'participant' LIMIT 1").fetchone() is not None


def _scan(project: Project, *, quiet: bool) -> int:
    """Scan what was never scanned, with a progress bar on the terminal (stderr, so --json stays clean)."""
    if not _has_fragments(project):
        raise UsageError("this project has no participants' fragments to look for identifiers in",
                         hint=NO_FRAGMENTS_HINT)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from qcode.anonymise import scan

    columns = (TextColumn("Looking for identifiers"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True, disable=quiet) as bar:
        task = bar.add_task("scan", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def message(text: str) -> None:  # the detector's own news, e.g. building its cache the first time
            if not quiet:
                bar.console.print(f"[dim]{shown(text)}[/]")
        progress.message = message  # type: ignore[attr-defined]
        return scan(project, progress=progress)


def _show_scan(project: Project, scanned: int, as_json: bool) -> None:
    from qcode.anonymise import identifiers

    found = identifiers(project)
    open_ = sum(1 for item in found if item.decision is None)
    if as_json:
        print_json({"scanned": scanned, "identifiers": len(found), "unreviewed": open_})
        return
    console.print((f"[green]✓[/] {_plural(scanned, 'fragment')} scanned" if scanned else
                   "Nothing new to scan (every fragment was scanned before)")
                  + f"; {_plural(len(found), 'identifier')} known, {open_} without a decision"
                  + (" → qcode anonymise --review" if open_ else ""))


def _review(project: Project, everything: bool, by: str) -> None:
    from qcode.anonymise.review import Review

    review = Review(project, everything=everything, by=by)
    if not len(review):
        decided = len(_identifiers(project))
        console.print("Nothing to review: " + ("every identifier has a decision "
                                              f"({_plural(decided, 'identifier')}); --all to go through them again."
                                              if decided else "no identifiers were found in the participants' words."))
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(f"the review needs a terminal to run in ({_plural(len(review), 'identifier')} to review)",
                         hint="run qcode anonymise --review in a terminal; for a script: qcode anonymise --report --json")
    from qcode.tui.anonymise_review import ReviewApp  # Textual loads only when the review opens

    app = ReviewApp(review)
    app.run()
    _show_summary(review)
    if app.return_code:  # the app crashed and said so
        raise typer.Exit(1)


def _identifiers(project: Project) -> list:
    from qcode.anonymise import identifiers
    return identifiers(project)


def _show_summary(review) -> None:  # type: ignore[no-untyped-def]
    made = review.summary()
    left = sum(1 for item in _identifiers(review.project) if item.decision is None)
    if made:
        words = ", ".join(f"{count} {decision}" for decision, count in sorted(made.items(), key=lambda kv: -kv[1]))
        console.print(f"[green]✓[/] {_plural(sum(made.values()), 'decision')} saved ({words}) by {shown(review.by)}.")
    else:
        console.print("No decisions made.")
    console.print(f"{left} identifiers still without a decision (exports replace them meanwhile)"
                  + (": qcode anonymise --review" if left else "."))


# -- the report ---------------------------------------------------------------------------------------
def _report(project: Project, attribute: str | None, as_json: bool, scanned: int) -> None:
    from qcode.anonymise.exposure import exposure

    found = exposure(project)
    risks = _attribution_risks(project, attribute)
    if as_json:
        print_json(_report_json(found, risks, attribute, scanned))
        return
    _show_exports(found)
    _show_unreviewed(found)
    _show_risks(risks, attribute)


def _attributes(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _attribution_risks(project: Project, attribute: str | None) -> list | None:
    """The attributions over the chosen attributes that fit too few participants; None when none were chosen."""
    chosen = _attributes(attribute)
    if not chosen:
        return None
    from qcode.anonymise.attribution_risk import attribution_risks

    return attribution_risks(project, chosen)


def _show_exports(found: Exposure) -> None:
    console.print(f"[bold]What exports would replace[/] ({_plural(found.identifiers, 'identifier')} known)")
    for export in found.exports:
        how = "" if export.pseudonymised_by_default else " [dim](original text unless --anonymise)[/]"
        console.print(f"\n[bold]{shown(export.name)}[/]{how}\n  [dim]{shown(export.covers)}[/]")
        if not export.replaced:
            console.print("  nothing to replace")
            continue
        total = sum(r.count for r in export.replaced)
        new = " ([magenta]•[/] not reviewed yet)" if any(r.decision is None for r in export.replaced) else ""
        console.print(f"  {_plural(len(export.replaced), 'identifier')}, {total}× in all{new}:")
        console.print(_replaced_table(export.replaced[:LISTED]))
        if len(export.replaced) > LISTED:
            console.print(f"    [dim]… and {len(export.replaced) - LISTED} more (--json lists all)[/]")
    if found.not_replaced:
        console.print(f"\n[bold]Printed as they are[/] (decided keep or never): "
                      + ", ".join(shown_name(item.text) for item in found.not_replaced[:LISTED])
                      + (f" … and {len(found.not_replaced) - LISTED} more" if len(found.not_replaced) > LISTED else ""))


def _replaced_table(replaced) -> Padding:  # type: ignore[no-untyped-def]
    """Identifier, category, what exports print, how often."""
    return _rows([(shown_name(r.text), f"[dim]{shown(r.category or '–')}[/]", "→ " + shown_name(r.replacement or "[…]"),
                   f"{r.count}×", "" if r.decision else "[magenta]•[/]") for r in replaced])


def _rows(rows: list[tuple[str, ...]]) -> Padding:
    """Markup rows as aligned columns, indented, without borders; the first column wraps when long."""
    from rich.padding import Padding
    from rich.table import Table

    table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
    for number in range(len(rows[0]) if rows else 0):
        table.add_column(max_width=34 if number == 0 else None,
                         justify="right" if rows and rows[0][number].endswith("×") else "left")
    for row in rows:
        table.add_row(*row)
    return Padding(table, (0, 0, 0, 4), expand=False)


def _show_unreviewed(found: Exposure) -> None:
    if not found.unreviewed:
        console.print("\n[green]✓[/] Every identifier has a decision.")
        return
    console.print(f"\n[bold]Not reviewed yet[/]: {_plural(len(found.unreviewed), 'identifier')} "
                  "(replaced meanwhile) → qcode anonymise --review")
    console.print(_rows([(shown_name(item.text), f"[dim]{shown(item.category)}[/]", f"{item.count}×",
                          f"in {_plural(len(item.fragment_ids), 'fragment')}") for item in found.unreviewed[:LISTED]]))
    if len(found.unreviewed) > LISTED:
        console.print(f"    [dim]… and {len(found.unreviewed) - LISTED} more (--json lists all)[/]")


def _show_risks(risks: list | None, attribute: str | None) -> None:
    if risks is None:
        console.print("\n[bold]Attribution risk[/]: give the attributes your exports print, e.g. "
                      "--attribute former_role,age, to see which attributions fit too few participants.")
        return
    from qcode.anonymise.attribution_risk import DEFAULT_K as K

    over = shown(", ".join(_attributes(attribute)))
    if not risks:
        console.print(f"\n[bold]Attribution risk[/] ({over}): [green]none[/], every attribution fits at least "
                      f"{K} participants.")
        return
    console.print(f"\n[bold]Attribution risk[/] ({over}): {_plural(len(risks), 'attribution')} "
                  f"{'fits' if len(risks) == 1 else 'fit'} fewer than {K} participants")
    lines = []
    for risk in risks:
        fits = f"fits {_plural(risk.participants, 'participant')}"
        printed = "[yellow]accepted[/], printed as it is" if risk.accepted else f"printed as '{shown_name(risk.coarsened)}'"
        lines.append(f"– {shown_name(risk.text)}: {fits} → {printed}")
    console.print(_hanging(lines))
    risky = [risk for risk in risks if not risk.accepted]
    if risky:
        console.print(f"  [dim]To print one as it is:\n    qcode anonymise --accept-attribution "
                      f"\"{shown_name(risky[0].text)}\"[/]")


def _hanging(lines: list[str]) -> Padding:
    """Markup lines indented by two; a line starting '– ' wraps under its text, not under the dash."""
    from rich.padding import Padding
    from rich.table import Table

    table = Table(box=None, show_header=False, padding=0, pad_edge=False)
    table.add_column(width=2, no_wrap=True)
    table.add_column()
    for line in lines:
        table.add_row(*(("– ", line[2:]) if line.startswith("– ") else ("", line)))
    return Padding(table, (0, 0, 0, 2), expand=False)


def _report_json(found: Exposure, risks: list | None, attribute: str | None, scanned: int) -> dict:
    from qcode.anonymise.attribution_risk import DEFAULT_K as K

    identifier = lambda item: {"text": item.text, "category": item.category, "count": item.count,  # noqa: E731
                               "fragments": len(item.fragment_ids), "sources": list(item.sources),
                               "decision": item.decision, "replacement": item.replacement}
    return {
        "scanned": scanned,
        "identifiers": found.identifiers,
        "exports": [export.as_json() for export in found.exports],
        "not_replaced": [identifier(item) for item in found.not_replaced],
        "unreviewed": [identifier(item) for item in found.unreviewed],
        "attribution_risk": None if risks is None else {
            "attributes": list(_attributes(attribute)), "k": K,
            "risks": [{"attribution": ", ".join(r.values), "values": list(r.values), "participants": r.participants,
                       "accepted": r.accepted, "printed_as": ", ".join(r.values) if r.accepted else r.coarsened}
                      for r in risks]},
    }


def _accept(project: Project, attribution: str, by: str) -> None:
    if not attribution.strip():
        raise UsageError("--accept-attribution needs the attribution as --report prints it",
                         hint='e.g. --accept-attribution "jongerenwerker, 29 jaar"')
    from qcode.anonymise.attribution_risk import accept_attribution

    accepted = accept_attribution(project, attribution, by=by)
    console.print(f"[green]✓[/] Exports print '{shown_name(accepted.text)}' as it is from now on "
                  f"(accepted by {shown(accepted.accepted_by)} on {shown(accepted.accepted_at[:10])}).")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
