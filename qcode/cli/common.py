"""What every command shares: consoles, opening the project, JSON output, error display."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape

from qcode.errors import ProblemsError, QcodeError
from qcode.project import Project

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def open_project(ctx: typer.Context) -> Project:
    project = Project.open(ctx.obj.get("project") if ctx.obj else None, on_wait=waiting_notice())
    ctx.call_on_close(project.close)
    return project


def waiting_notice() -> Callable[[bool], None]:
    """Say once that a write waits for another command's lock (transaction() keeps retrying)."""
    said = False

    def notice(waiting: bool) -> None:
        nonlocal said
        if waiting and not said:
            said = True
            err_console.print("[yellow]Waiting for another qcode command to finish writing (an import?)…[/]")
    return notice


def print_json(data: Any) -> None:
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    elif isinstance(data, list):
        data = [d.model_dump(mode="json") if isinstance(d, BaseModel) else d for d in data]
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def show_error(error: QcodeError) -> None:
    problems = error.problems if isinstance(error, ProblemsError) else [error.problem]
    if isinstance(error, ProblemsError):
        err_console.print(f"[bold red]Error:[/] {escape(error.summary)}")
    for problem in problems:
        prefix = f"[bold]{escape(problem.where)}[/]: " if problem.where else ""
        lead = "  • " if isinstance(error, ProblemsError) else "[bold red]Error:[/] "
        err_console.print(f"{lead}{prefix}{escape(problem.message)}")
        if problem.hint:
            err_console.print(f"    [dim]→ {escape(problem.hint)}[/]")

