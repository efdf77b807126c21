"""`qcode fragments`, `qcode show` and `qcode search`: looking at what was imported."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from qcode.cli import pseudonymising
from qcode.cli.common import console, open_project, print_json, shown, shown_name
from qcode.display import HIT_END, HIT_START, visible

Transcript = Annotated[Optional[str], typer.Option(help="Only this transcript (file name, or name without extension).")]
Participant = Annotated[Optional[str], typer.Option(help="Only this participant id.")]
Role = Annotated[Optional[str], typer.Option(help="Only 'participant' or 'interviewer' turns.")]
Code = Annotated[Optional[str], typer.Option(help="Only fragments coded with this code (or its sub-codes).")]
JSON = Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")]
Question = Annotated[Optional[str], typer.Option(
    metavar="ID", help="Survey projects: only the answers to (and prompts of) this question (id or column name).")]


def register(app: typer.Typer) -> None:
    app.command("fragments")(fragments)
    app.command("show")(show)
    app.command("search")(search)


def fragments(
    ctx: typer.Context, transcript: Transcript = None, participant: Participant = None, role: Role = None,
    code: Code = None, question: Question = None, as_json: JSON = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to a .csv, .json or .xlsx file.")] = None,
    anonymise: pseudonymising.Anonymise = False,
) -> None:
    """List fragments with their ids, participant, role, turn and text.

    The text is the transcripts' own; --anonymise replaces names, places and organisations.

    Examples:
      qcode fragments --participant U03 --role participant
      qcode fragments --json > fragmenten.json
      qcode fragments -o exports/fragmenten.csv
      qcode fragments --question V12 --role participant
    """
    project = open_project(ctx)
    records = project.fragments(transcript=transcript, participant=participant, role=role, code=code,
                                question=question)
    chosen = pseudonymising.pseudonymiser(project, [r.id for r in records]) if anonymise else None
    if chosen is not None:
        from qcode.pseudonymised import FRAGMENT_TEXTS, text

        records = [r.model_copy(update={key: text(chosen, getattr(r, key)) for key in FRAGMENT_TEXTS})
                   for r in records]
    if output is not None:
        from qcode.records import FragmentRecord

        project.write_table([r.model_dump(mode="json") for r in records], list(FragmentRecord.model_fields), output)
        console.print(f"Wrote {len(records)} fragments to [bold]{shown_name(output)}[/]")
        pseudonymising.say(chosen, exchange=True)
    elif as_json:
        print_json(records)
    else:
        table = Table("id", "transcript", "participant", "role", "turn", "#", "text")
        for r in records:
            table.add_row(str(r.id), shown_name(r.transcript), shown_name(r.participant), r.role, str(r.turn),
                          str(r.index), shown(_short(r.text)))
        console.print(table)
        console.print(f"[dim]{len(records)} fragments[/]")


def show(ctx: typer.Context,
         transcript: Annotated[str, typer.Argument(help="File name, name without extension, or participant id.")],
         as_json: JSON = False) -> None:
    """Show one transcript as turns: speaker, role, timestamp, and each fragment with its id.

    Example:  qcode show U01
    """
    view = open_project(ctx).transcript(transcript)
    if as_json:
        print_json(view)
        return
    attributes = ", ".join(f"{k}: {v}" for k, v in view.attributes.items())
    console.print(f"[bold]{shown_name(view.name)}[/] — participant [bold]{shown_name(view.participant)}[/]"
                  f"{' (' + shown(attributes) + ')' if attributes else ''}, {view.words} words")
    for turn in view.turns:
        style = "dim" if turn.role == "interviewer" else "bold cyan"
        from qcode.records import seconds_as_clock

        clock = f"[{seconds_as_clock(turn.timestamp)}] " if turn.timestamp is not None else ""
        console.print(f"\n[{style}]{escape(clock)}{shown_name(turn.speaker)}[/] [dim]({turn.role}, turn {turn.number})[/]")
        for fragment in turn.fragments:
            line = Text(f"  #{fragment.id} ", style="dim")
            line.append(visible(fragment.text), style="dim" if turn.role == "interviewer" else "")
            console.print(line)


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to find; a word also finds its other forms via lemmas.")],
    transcript: Transcript = None, participant: Participant = None, role: Role = None, code: Code = None,
    question: Question = None,
    limit: Annotated[int, typer.Option(help="At most this many hits.")] = 50, as_json: JSON = False,
) -> None:
    """Full-text search over fragments, best hits first, matches highlighted.

    Plain words must all occur; "quotes" search a phrase; FTS5 syntax (OR, NOT, prefix*) works too.

    Examples:
      qcode search registratiedruk
      qcode search "agressie" --role participant
      qcode search "doorgroei*" --participant U03
    """
    hits = open_project(ctx).search(query, transcript=transcript, participant=participant, role=role,
                                    code=code, limit=limit, question=question)
    if as_json:
        print_json([{**h.fragment.model_dump(mode="json"), "rank": h.rank,
                     "highlighted": h.highlighted.replace(HIT_START, "[").replace(HIT_END, "]")} for h in hits])
        return
    for hit in hits:
        f = hit.fragment
        console.print(f"[dim]#{f.id}[/] [bold]{shown_name(f.participant)}[/] [dim]{shown_name(f.transcript)}, "
                      f"turn {f.turn}, {f.role}[/]")
        console.print(highlight(hit.highlighted), "\n")
    console.print(f"[dim]{len(hits)} hit{'s' if len(hits) != 1 else ''}[/]")


def highlight(marked: str) -> Text:
    text = Text("  ")
    for i, piece in enumerate(marked.replace(HIT_END, HIT_START).split(HIT_START)):
        text.append(visible(piece), style="bold black on yellow" if i % 2 else "")
    return text


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
