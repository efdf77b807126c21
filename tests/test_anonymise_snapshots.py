"""Snapshots of the identifier review at 80×24 (pytest-textual-snapshot), like the coder's.

The study is fixed (tests/data/anonymise); after a deliberate change, look at the report, then:
pytest tests/test_anonymise_snapshots.py --snapshot-update
"""
from __future__ import annotations

import re

from textual.widgets import Footer

from qcode import Project
from qcode.anonymise import scan
from qcode.anonymise.review import Review
from qcode.tui.anonymise_review import ReviewApp

from anonymise_study import anon_study, anon_template  # noqa: F401 (fixtures)


def steady(*keys: str):
    """Press the keys, then wait until two screenshots in a row agree (see test_tui_snapshots.steady)."""
    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        for screen in pilot.app.screen_stack:
            for footer in screen.query(Footer):
                footer.call_later(footer.recompose)
        await pilot.pause()
        previous = None
        for _ in range(100):
            await pilot.pause(0.05)
            await pilot.wait_for_scheduled_animations()
            shot = re.sub(r"terminal-\d+-", "terminal-", pilot.app.export_screenshot())
            if shot == previous:
                return
            previous = shot
    return run_before


def review_app(study) -> ReviewApp:
    project = Project.open(study)
    scan(project)
    return ReviewApp(Review(project, by="lies"))


def test_the_review_of_an_identifier(snap_compare, anon_study):
    assert snap_compare(review_app(anon_study), terminal_size=(80, 24), run_before=steady())


def test_the_review_after_a_decision(snap_compare, anon_study):
    assert snap_compare(review_app(anon_study), terminal_size=(80, 24), run_before=steady("r", "left"))


def test_the_review_help(snap_compare, anon_study):
    assert snap_compare(review_app(anon_study), terminal_size=(80, 24), run_before=steady("question_mark"))
