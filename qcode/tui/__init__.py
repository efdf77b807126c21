"""The interactive coder: a Textual app over `qcode.session.CodingSession`."""
from qcode.tui.app import CoderApp

__all__ = ["CoderApp"]
