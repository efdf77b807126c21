"""Snapshots of the coder's main screens at 80×24 and 160×45 (pytest-textual-snapshot).

The study is fixed (tests/data/coder) and nothing time- or path-dependent is on screen, so the SVGs
in tests/__snapshots__/ only change when the coder's look does. After a deliberate change, look at
the report, then: pytest tests/test_tui_snapshots.py --snapshot-update
"""
from __future__ import annotations

import re

import pytest

from textual.widgets import Footer, Input

from qcode import Project
from qcode.tui import CoderApp
from qcode.tui.suggestions import SuggestionBar

from coder_study import DATA, coder_study, coder_template, participant_fragments  # noqa: F401 (fixtures)

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])


def steady(*keys: str):
    """Press the keys, draw the key bar for what is focused now, and wait until two screenshots in a
    row agree: on a busy machine a pushed screen or the key bar of a newly focused widget can be drawn
    a moment after the keys were handled."""
    async def run_before(pilot) -> None:
        await pilot.pause()
        pilot.app.query_one("#filter", Input).cursor_blink = False  # a blinking cursor is there or not by the clock
        await pilot.press(*keys)
        await pilot.pause()
        for screen in pilot.app.screen_stack:  # Textual redraws a key bar "after the next refresh": do it now
            for box in screen.query(Input):
                box.cursor_blink = False
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


def _coded(study) -> None:
    """anna has coded the first two fragments of K01, with a main reason, a memo and a star."""
    ids = participant_fragments(study)
    with Project.open(study) as project:
        project.assign(ids[0], ["passie-contact"], "anna", star=True)
        project.assign(ids[1], ["werkdruk-caseload"], "anna", main=True, memo="elke week nieuwe gezinnen")
        project.assign(ids[1], ["werkdruk-uitputting"], "anna")
        with project.conn:
            project.conn.execute("INSERT OR IGNORE INTO seen (fragment_id, coder, at) VALUES (?, 'anna', 'x')",
                                 (ids[0],))


@SIZES
def test_the_coder_on_a_coded_fragment(snap_compare, coder_study, size):
    _coded(coder_study)
    with Project.open(coder_study) as project:
        session = project.coding_session("anna")
        session.go(1)
        assert snap_compare(CoderApp(session), terminal_size=size, run_before=steady())


@SIZES
def test_filtering_the_codebook(snap_compare, coder_study, size):
    with Project.open(coder_study) as project:
        assert snap_compare(CoderApp(project.coding_session("anna")), terminal_size=size,
                            run_before=steady("slash", *"salaris", "down"))


@SIZES
def test_the_help(snap_compare, coder_study, size):
    with Project.open(coder_study) as project:
        assert snap_compare(CoderApp(project.coding_session("anna")), terminal_size=size,
                            run_before=steady("question_mark"))


@SIZES
def test_a_second_main_reason_asks(snap_compare, coder_study, size):
    _coded(coder_study)
    with Project.open(coder_study) as project:
        session = project.coding_session("anna")
        session.go(2)
        session.toggle("doorgroei-plafond")
        assert snap_compare(CoderApp(session), terminal_size=size, run_before=steady("m"))


@SIZES
def test_settling_a_consensus(snap_compare, coder_study, size):
    ids = participant_fragments(coder_study, "K01")
    with Project.open(coder_study) as project:
        project.assign(ids[0], ["passie-contact"], "anna", memo="energie uit gezinnen")
        project.assign(ids[1], ["werkdruk-caseload"], "anna", main=True)
        project.assign(ids[1], ["werkdruk-uitputting"], "bram")
        with project.conn:
            project.conn.executemany("INSERT OR IGNORE INTO seen (fragment_id, coder, at) VALUES (?, ?, 'x')",
                                     [(i, c) for i in ids for c in ("anna", "bram")])
        result = project.reconcile(["anna", "bram"], "samen")
        app = CoderApp(project.reconcile_session(["anna", "bram"], result.into, result.open))
        assert snap_compare(app, terminal_size=size, run_before=steady())


KEYWORDS = {"werkdruk-caseload": ["caseload", "nieuwe gezinnen"], "werkdruk-uitputting": ["slapen", "leeg", "moe"],
            "doorgroei-plafond": ["doorgroeien", "senior", "stap"], "passie-contact": ["contact", "moeder"],
            "aansluiting-praktijkschok": ["opleiding", "inwerken", "theorie"]}


def _with_keywords(study) -> None:
    """The same codebook with keywords for five codes, loaded as its next version."""
    text = (DATA / "codes.yaml").read_text(encoding="utf-8").replace('version: "1"', 'version: "2"')
    for code, words in KEYWORDS.items():
        text = re.sub(rf"^( *)- id: {code}\n", lambda m: f"{m.group(0)}{m.group(1)}  keywords: {words}\n", text,
                      flags=re.M)
    target = study / "codes-keywords.yaml"
    target.write_text(text, encoding="utf-8")
    with Project.open(study) as project:
        project.load_codebook(target)


def with_suggestions(*keys: str):
    """As `steady`, once the suggestion bar has the fragment's suggestions (its own process learns first)."""
    async def run_before(pilot) -> None:
        bar = pilot.app.query_one(SuggestionBar)
        for _ in range(2400):  # a cap, so a broken suggester fails the test instead of hanging it
            if bar.ready:
                break
            await pilot.pause(0.05)
        await steady(*keys)(pilot)
    return run_before


@SIZES
def test_the_coder_with_suggestions(snap_compare, coder_study, size):
    _with_keywords(coder_study)
    _coded(coder_study)
    with Project.open(coder_study) as project:
        session = project.coding_session("anna")
        session.go(1)
        assert snap_compare(CoderApp(session, suggestions=True), terminal_size=size, run_before=with_suggestions())


def test_suggestions_from_a_codebook_without_keywords(snap_compare, coder_study):
    with Project.open(coder_study) as project:
        assert snap_compare(CoderApp(project.coding_session("anna"), suggestions=True), terminal_size=(80, 24),
                            run_before=with_suggestions())
