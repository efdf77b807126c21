"""The `qcode` command line: thin Typer commands over the Python API."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from qcode.cli import (anonymise_cmd, browse, code_cmd, codebook_cmd, coding_cmds, import_cmd, project_cmds, quotes_cmd,
                       refi_cmds, report_cmds, suggest_cmd, survey_cmds, team_cmds)
from qcode.cli.common import show_error, show_unexpected
from qcode.errors import QcodeError


class QcodeGroup(TyperGroup):
    """Every failure ends in a short red message and an exit code (QCODE_DEBUG=1 re-raises).

    Domain errors print their message; anything else only its type and the command, never its text
    (an exception's message can carry a participant's words). Click's own exits and usage errors
    pass through to Click.
    """

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        words = [*getattr(ctx, "_protected_args", []), *ctx.args]  # Click empties them as it goes on
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # Typer's own: exits, usage errors
            raise
        except QcodeError as error:
            if os.environ.get("QCODE_DEBUG") == "1":
                raise
            show_error(error)
            raise typer.Exit(1) from None
        except (Exception, KeyboardInterrupt) as error:  # a damaged page met by a read is explained there
            if os.environ.get("QCODE_DEBUG") == "1":
                raise
            code = 130 if isinstance(error, KeyboardInterrupt) else 1
            show_unexpected(error, _command_path(ctx, self, words))
            raise typer.Exit(code) from None

    def list_commands(self, ctx):  # type: ignore[no-untyped-def]
        return list(self.commands)  # in the order of the workflow, not alphabetical

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        readable_metavars(self)


METAVARS = {"paths": "PATH", "directory": "FOLDER", "project": "FOLDER", "output": "FILE", "file": "FILE",
            "codebook": "FILE", "other": "FOLDER", "coder": "NAME", "coders": "NAMES", "interviewer": "NAME",
            "into": "NAME", "by": "ATTRIBUTE", "attribute": "NAMES", "id_column": "COLUMN",
            "text_column": "COLUMN", "fragment": "ID", "codes": "CODE", "code": "CODE", "fmt": "FORMAT",
            "memo": "TEXT", "csv_dialect": "DIALECT"}


def readable_metavars(command) -> None:  # type: ignore[no-untyped-def]
    """`--coder NAME` and `PATH...` in every --help, instead of Typer's `<str>` and `<list[Path]>`;
    a flag shows no value at all. A metavar given in the command's own definition is kept."""
    for param in command.params:
        if param.param_type_name == "argument":  # its name column says it; no second column of types
            param.display_type_rich = lambda ctx: None
        if param.metavar is not None:
            continue
        if getattr(param, "is_flag", False):
            param.metavar = ""
        elif param.type_descriptor.annotation in (int, float):
            param.metavar = "N"
        else:
            param.metavar = METAVARS.get(param.name, param.name.upper().replace("_", "-"))
    command.get_help_option = _without_type(command.get_help_option)
    for sub in getattr(command, "commands", {}).values():
        readable_metavars(sub)


def _without_type(get_help_option):  # type: ignore[no-untyped-def]
    """Click makes --help afresh for each help page: show it as the flag it is."""
    def made(ctx):  # type: ignore[no-untyped-def]
        option = get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option
    return made


def _command_path(ctx: typer.Context, group: TyperGroup, words: list[str]) -> str:
    """The command that was running, e.g. `qcode codebook load`: the leading words naming commands."""
    path, command = [ctx.command_path], group
    for word in words:
        if not hasattr(command, "get_command"):  # a command, not a group
            break
        command = command.get_command(ctx, word)
        if command is None:
            break
        path.append(word)
    return " ".join(path)


app = typer.Typer(
    cls=QcodeGroup,
    name="qcode",
    help="Qualitative coding of Dutch interview transcripts, from the terminal.\n\n"
         "A typical start:  qcode init  →  qcode codebook load codebooks/exitstudie.yaml  →  "
         "qcode import transcripts/  →  qcode status",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # transcripts are personal data: never print local variables
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(asked: bool) -> None:
    if asked:
        from importlib import metadata

        typer.echo(f"qcode {metadata.version('qcode')}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    project: Annotated[Optional[Path], typer.Option(
        "--project", "-P", envvar="QCODE_PROJECT", file_okay=False,
        help="The project folder (default: the current folder or one above it).")] = None,
    csv_dialect: Annotated[Optional[str], typer.Option(
        "--csv-dialect", envvar="QCODE_CSV_DIALECT",
        help="How .csv files are written this time: excel (`,` and 0.5) or excel-nl (`;` and 0,5, "
             "for Dutch Excel). Default: the project's setting (qcode settings), else excel.")] = None,
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_show_version, help="Print qcode's version and stop.")] = False,
) -> None:
    if csv_dialect is not None:
        from qcode.tables import dialect

        csv_dialect = dialect(csv_dialect).name  # an unknown name is refused before the command runs
    ctx.obj = {"project": project, "csv_dialect": csv_dialect}


project_cmds.register(app)
import_cmd.register(app)
browse.register(app)
app.add_typer(codebook_cmd.app, name="codebook")
code_cmd.register(app)
coding_cmds.register(app)
report_cmds.register(app)
anonymise_cmd.register(app)
quotes_cmd.register(app)
team_cmds.register(app)
suggest_cmd.register(app)
project_cmds.register_doctor(app)
refi_cmds.register(report_cmds.export_app, codebook_cmd.app)
survey_cmds.register(app)


def main() -> None:
    app()
