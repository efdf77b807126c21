"""`qcode questions` and `qcode words`: a survey's open questions, their categories and their words."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from qcode.cli import pseudonymising
from qcode.cli.common import console, open_project, print_json

Question = Annotated[Optional[str], typer.Option(metavar="ID", help="Only this question (id or column name).")]
CoderOption = Annotated[Optional[str], typer.Option(metavar="NAME", help="Whose codings (needed when several coded).")]


def register(app: typer.Typer) -> None:
    app.command("questions")(questions)
    app.command("words")(words)


def questions(ctx: typer.Context, question: Question = None, coder: CoderOption = None,
              counts: Annotated[bool, typer.Option("--counts", help="Per question the categories: respondents, "
                                                                    "share and times mentioned.")] = False,
              level: Annotated[str, typer.Option(metavar="auto|theme|code", help="Count themes, every code, or "
                                                 "(auto) a question's themes, or the categories under its one theme.")] = "auto",
              by: Annotated[Optional[str], typer.Option(metavar="ATTRIBUTE", help="With --code: the share per group "
                                                                                 "of this attribute.")] = None,
              code: Annotated[Optional[str], typer.Option(metavar="CODE", help="The category for --by.")] = None,
              as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")] = False) -> None:
    """A survey's open questions: how many answered; with --counts the frequency table of each.

    n is the number of respondents who answered the question; a respondent can mention several
    categories, so mentions add up to more than n. Shares are of n, and of all respondents of the sheet.

    Examples:
      qcode questions
      qcode questions --counts --coder anna
      qcode questions --question V12 --counts --level code --json
      qcode questions --question V12 --code werkdruk --by rol
    """
    project = open_project(ctx)
    from qcode import survey_counts

    if by or code:
        if not (by and code and question):
            raise typer.BadParameter("--by needs --code and --question", param_hint="--by")
        shares = survey_counts.breakdown(project.conn, coder, question, code, by)
        if as_json:
            print_json([dataclasses.asdict(s) for s in shares])
            return
        table = Table(escape(by), "n", "mention it", "share", title=f"{escape(code)} in the answers to {escape(question)}",
                      title_justify="left")
        for share in shares:
            table.add_row(escape(share.group), str(share.answered), str(share.respondents), f"{share.share:.0%}")
        console.print(table)
        return
    if not counts:
        listed = [q for q in project.status().questions if not question or q.id == question]
        if as_json:
            print_json(listed)
            return
        table = Table("question", "answered", "fragments", "text")
        for q in listed:
            table.add_row(escape(q.id), str(q.answered), str(q.fragments), escape(q.text))
        console.print(table)
        return
    found = survey_counts.counts(project.conn, coder, question, level)
    if as_json:
        print_json([dataclasses.asdict(q) for q in found])
        return
    for q in found:
        table = Table("category", title_justify="left",
                      title=f"{escape(q.id)} {escape(q.text)}\n(n={q.answered} of {q.respondents} respondents, "
                            f"{q.mentions} mentions, several per answer possible)")
        for heading in ("respondents", "% of n", "% of all", "mentions"):
            table.add_column(heading, justify="right")
        for c in q.categories:
            table.add_row(escape(c.label), str(c.respondents), f"{c.share_answered:.0%}", f"{c.share_all:.0%}",
                          str(c.mentions))
        table.add_section()
        table.add_row("total", "", "", "", str(q.mentions))
        console.print(table)


def words(ctx: typer.Context, question: Question = None,
          code: Annotated[Optional[str], typer.Option(metavar="CODE", help="Only answers coded with this code.")] = None,
          coder: CoderOption = None,
          top: Annotated[int, typer.Option(metavar="N", help="How many words.")] = 30,
          cloud: Annotated[Optional[Path], typer.Option(metavar="FILE.png", help="Also draw a word cloud.")] = None,
          as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")] = False,
          no_anonymise: pseudonymising.NoAnonymise = False) -> None:
    """The words respondents use most, by lemma (werkte, werken → werken), Dutch stop words left out.

    Names, places and organisations are left out of the table and the cloud (--no-anonymise keeps them).

    Examples:
      qcode words --question V12 --top 20
      qcode words --question V12 --code werkdruk --cloud exports/woorden-v12.png
    """
    project = open_project(ctx)
    replacer = None if no_anonymise else pseudonymising.Deferred(project)
    found = project.word_frequencies(question=question, code=code, coder=coder, top=top, cloud=cloud,
                                     pseudonymiser=replacer)
    chosen = replacer and replacer.built
    if as_json:
        print_json([dataclasses.asdict(w) for w in found])
        return
    table = Table("word")
    table.add_column("times", justify="right")
    table.add_column("respondents", justify="right")
    for w in found:
        table.add_row(escape(w.word), str(w.count), str(w.respondents))
    console.print(table)
    if cloud:
        console.print(f"[green]✓[/] Wrote {escape(str(cloud))}")
    pseudonymising.say(chosen)
