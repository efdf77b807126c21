"""qcode: qualitative coding of Dutch interview transcripts, from the terminal or from Python.

    from qcode import Project
    project = Project.open("mijn-studie")
    project.import_paths(["transcripts/"])
    for fragment in project.fragments(participant="U01", role="participant"):
        print(fragment.id, fragment.text)
"""
from qcode.errors import QcodeError
from qcode.project import Project
from qcode.records import FragmentRecord, SearchHit, Status, TranscriptView

__all__ = ["Project", "QcodeError", "FragmentRecord", "SearchHit", "Status", "TranscriptView"]
