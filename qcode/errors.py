"""Domain errors: what went wrong, where, and what to do.

Only the CLI/TUI edge turns these into a short message and an exit code; the core raises them.
Messages never quote transcript text: transcripts are personal data.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Problem:
    """One thing wrong with one input, located as precisely as we can."""

    message: str
    path: Path | str | None = None
    line: int | None = None
    hint: str | None = None
    unit: str = "line"  # "line", "paragraph", "row" or "cue": what `line` counts

    @property
    def where(self) -> str:
        if self.path is None:
            return ""
        if self.line is None:
            return str(self.path)
        if self.unit == "line":
            return f"{self.path}:{self.line}"
        return f"{self.path} ({self.unit} {self.line})"

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text}\n  → {self.hint}" if self.hint else text


class QcodeError(Exception):
    """Base of every error qcode reports to a user."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None,
                 hint: str | None = None, unit: str = "line") -> None:
        self.problem = Problem(message, path, line, hint, unit)
        super().__init__(str(self.problem))


class NotAProjectError(QcodeError):
    pass


class ProjectExistsError(QcodeError):
    pass


class ProblemsError(QcodeError):
    """Several problems found in one go, so the user can fix them all at once."""

    summary = "the input is invalid"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.problem = problems[0]
        Exception.__init__(self, str(self))

    def __str__(self) -> str:
        body = "\n".join(str(p) for p in self.problems)
        return f"{self.summary}:\n{body}"


class InputError(ProblemsError):
    """One or more input files are bad; nothing was written."""

    summary = "bad input; nothing was imported"


class CodebookError(ProblemsError):
    """A codebook file is invalid."""

    summary = "the codebook is invalid"


class AnonymiseSettingsError(ProblemsError):
    """The project's anonimiseren.yaml is invalid."""

    summary = "anonimiseren.yaml is invalid"


class UsageError(QcodeError):
    """The request itself does not make sense (unknown code, unknown transcript...)."""


class DatabaseError(QcodeError):
    """The project database cannot be used as it is (damaged, read-only, newer, full, busy)."""


class DamagedDatabaseError(DatabaseError):
    reason: str = ""  # what is wrong with the file, without "the project database is damaged" around it


class ReadOnlyDatabaseError(DatabaseError):
    pass


class NewerSchemaError(DatabaseError):
    pass


class DiskFullError(DatabaseError):
    pass


class DatabaseBusyError(DatabaseError):
    pass


def cell(value: object, longest: int = 40, words: int = 1) -> str:
    """A cell value for a message: quoted when it looks like an id, number, flag or (with `words`) a
    column name, else only its length.

    A sheet with its columns mixed up puts participants' words where an id belongs; those never go
    into a message.
    """
    text = str(value)
    if len(text) <= longest and len(text.split()) <= words and text == text.strip():
        return repr(value)
    return f"(a text of {len(text)} characters)"
