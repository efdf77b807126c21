"""`qcode agreement`, `qcode disagreements`, `qcode reconcile`, `qcode merge`, `qcode coders`: the team."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from qcode.agreement import Agreement, Figures
from qcode.cli.common import console, open_project, print_json

Coders = Annotated[str, typer.Option(help="Two or more coders, comma-separated: anna,bram.")]
RED, AMBER = 0.667, 0.800


def register(app: typer.Typer) -> None:
    app.command("agreement")(agreement)


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
    table = Table(title=f"Agreement of {', '.join(result.coders)} at the {result.level} level", title_justify="left")
    for column, justify in (("code", "left"), ("units", "right"), ("used", "right"), ("% agree", "right"),
                            ("kappa", "right"), ("alpha", "right")):
        table.add_column(column, justify=justify)
    for code, figures in result.codes.items():
        table.add_row(escape(result.labels.get(code, code)), *_cells(figures))
    table.add_section()
    table.add_row("[bold]overall[/]", *_cells(result.overall))
    return table


def _cells(f: Figures) -> list[str]:
    return [f"{f.units:,}", f"{f.used:,}", "–" if f.percent is None else f"{f.percent:.1%}", _number(f.kappa),
            _coloured(f.alpha)]


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _coloured(value: float | None) -> str:
    if value is None:
        return "[dim]–[/]"
    colour = "red" if value < RED else "yellow" if value < AMBER else "green"
    return f"[{colour}]{value:.3f}[/]"


def _figures_line(title: str, f: Figures) -> str:
    return (f"{title}: {f.units} participants, {'–' if f.percent is None else f'{f.percent:.1%}'} agree, "
            f"kappa {_number(f.kappa)}, alpha {_coloured(f.alpha)}")
