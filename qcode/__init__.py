"""qcode: qualitative coding of Dutch interview transcripts, from the terminal or from Python.

    from qcode import Project
    project = Project.open("mijn-studie")
    project.import_paths(["transcripts/"])
    for fragment in project.fragments(participant="U01", role="participant"):
        print(fragment.id, fragment.text)
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qcode.errors import QcodeError

if TYPE_CHECKING:
    from qcode.project import Project
    from qcode.records import FragmentRecord, SearchHit, Status, TranscriptView

__all__ = ["Project", "QcodeError", "FragmentRecord", "SearchHit", "Status", "TranscriptView"]
_LATER = {"Project": "qcode.project", "FragmentRecord": "qcode.records", "SearchHit": "qcode.records",
          "Status": "qcode.records", "TranscriptView": "qcode.records"}


def __getattr__(name: str) -> Any:
    """`from qcode import Project` loads the project (and Pydantic) then, not when any qcode module is imported:
    every command starts faster (issue 13)."""
    if name in _LATER:
        import importlib

        return getattr(importlib.import_module(_LATER[name]), name)
    raise AttributeError(f"module 'qcode' has no attribute {name!r}")
