"""The interactive coder: a Textual app over `qcode.session.CodingSession`."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcode.tui.app import CoderApp

__all__ = ["CoderApp"]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    """`CoderApp` on first use: the suggester's process imports `qcode.tui.suggestion_worker` without Textual."""
    if name == "CoderApp":
        from qcode.tui.app import CoderApp
        return CoderApp
    raise AttributeError(name)
