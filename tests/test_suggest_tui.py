"""The coder's suggestion bar through the pilot: three suggestions with reasons above the tree; `a`
applies the first, `1`–`3` each; nothing is coded without a key; it learns the coder's new codings
in the background; quiet lines where there is nothing to suggest."""
from __future__ import annotations

import asyncio
import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode import Project
from qcode.cli import app as cli
from qcode.session import code_entries
from qcode.suggest.data import participant_fragments
from qcode.suggest.suggester import MIN_CODED_FRAGMENTS, Suggester
from qcode.tui import CoderApp
from qcode.tui.suggestions import NO_KEYWORDS_HINT, SuggestionBar

from coder_study import coder_study, coder_template, notes  # noqa: F401 (fixtures)
from conftest import REPO

WAIT_STEPS = 2400  # × 0.05 s: a cap on waiting for the suggester's process, so a broken one fails, never hangs


@pytest.fixture(scope="module")
def example_template(tmp_path_factory) -> Path:
    """Three interviews of the example study with its codebook (keywords and examples); anna's codings
    of them in a sheet beside it, not imported."""
    root = tmp_path_factory.mktemp("suggest-tui") / "studie"
    (root / "transcripts").mkdir(parents=True)
    names = ["U01.txt", "U02.txt", "U04.txt"]
    for name in names:
        shutil.copy(REPO / "transcripts" / name, root / "transcripts" / name)
    _copy_rows(REPO / "transcripts" / "participants.csv", root / "transcripts" / "participants.csv",
               lambda row: any(str(value) in names for value in row.values()))
    _copy_rows(REPO / "transcripts" / "codings" / "anna.csv", root / "anna.csv",
               lambda row: row["transcript"] + ".txt" in names)
    with Project.init(root) as project:
        project.load_codebook(REPO / "codebooks" / "exitstudie.yaml")
        project.import_paths([root / "transcripts"])
    return root


def _copy_rows(source: Path, target: Path, keep) -> None:
    with open(source, encoding="utf-8", newline="") as sheet:
        rows = list(csv.DictReader(sheet))
    with open(target, "w", encoding="utf-8", newline="") as sheet:
        writer = csv.DictWriter(sheet, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(row for row in rows if keep(row))


@pytest.fixture
def example(example_template, tmp_path) -> Path:
    return Path(shutil.copytree(example_template, tmp_path / "studie"))


def drive(study: Path, script, *, coder: str = "carla", size=(100, 30), session=None, suggestions: bool = True):
    async def scenario():
        with Project.open(study) as project:
            opened = session(project) if session else project.coding_session(coder)
            app = CoderApp(opened, suggestions=suggestions)
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                return await script(pilot, app)
    return asyncio.run(scenario())


async def until(pilot, condition) -> None:
    for _ in range(WAIT_STEPS):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("the suggestion bar never got there")


def expected_for(study: Path, coder: str, fragment: int):
    with Project.open(study) as project:
        return Suggester.build(project.conn, coder).suggest(participant_fragments(project.conn, ids=[fragment]), 3)[0]


def codings(study: Path, coder: str) -> set[tuple[int, str]]:
    with Project.open(study) as project:
        return {(c.fragment, c.code) for c in project.codings(coder=coder)}


def keyword_fragment(study: Path) -> tuple[int, int]:
    """The first participant fragment whose best suggestion from the codebook is a keyword's, with its
    place in the session (1-based), and three suggestions."""
    with Project.open(study) as project:
        ids = [f.id for f in project.fragments(role="participant")]
        found = Suggester.build(project.conn, None).suggest(participant_fragments(project.conn, ids=ids), 3)
    for position, row in enumerate(found, start=1):
        if len(row) == 3 and row[0].keywords:
            return row[0].fragment, position
    raise AssertionError("no fragment of the example matches a keyword")


def test_the_bar_shows_three_suggestions_with_reasons_and_keys_apply_exactly_those(example):
    fragment, position = keyword_fragment(example)
    expected = expected_for(example, "carla", fragment)
    assert [s.rank for s in expected] == [1, 2, 3] and expected[0].keywords

    async def script(pilot, app):
        app.session.go(position - 1)
        app.show_fragment()
        bar = app.query_one(SuggestionBar)
        await until(pilot, lambda: bar.ready)
        shown, codes = bar.text, list(bar.codes)
        untouched = codings(example, "carla")
        await pilot.press("a")
        await until(pilot, lambda: expected[0].code in app.session.applied())
        after_a = codings(example, "carla")
        await pilot.press("2")
        await until(pilot, lambda: expected[1].code in app.session.applied())
        await pilot.press("a")  # applied already: said, never removed
        await pilot.pause()
        return shown, codes, untouched, after_a, bar.text, notes(app)

    shown, codes, untouched, after_a, marked, said = drive(example, script)
    assert codes == [s.code for s in expected]
    lines = shown.splitlines()
    assert len(lines) == 6  # each suggestion: its label, then its reason
    with Project.open(example) as project:
        labels = {entry.id: entry.label for entry in code_entries(project.conn)}
    for suggestion, (label_line, reason_line) in zip(expected, zip(lines[::2], lines[1::2])):
        assert label_line.startswith(str(suggestion.rank)) and labels[suggestion.code] in label_line
        for keyword in suggestion.keywords:
            assert f"keyword '{keyword}'" in reason_line
    assert untouched == set()  # showing suggestions coded nothing
    assert after_a == {(fragment, expected[0].code)}
    assert codings(example, "carla") == {(fragment, expected[0].code), (fragment, expected[1].code)}
    assert [line[:3] for line in marked.splitlines()[::2]] == ["1 ✓", "2 ✓", "3  "]  # applied ones are ticked
    assert said[-1].endswith("is applied already.")


def test_nothing_is_coded_without_a_key(example):
    async def script(pilot, app):
        bar = app.query_one(SuggestionBar)
        await until(pilot, lambda: bar.ready)
        for _ in range(4):
            await pilot.press("n")
            await until(pilot, lambda: bar.ready)
        await pilot.press("slash", "a", "1", "2")  # typed into the filter: no suggestion is applied
        await pilot.pause()
        return app.query_one("#filter").value, bar.codes

    typed, codes = drive(example, script)
    assert typed == "a12"
    assert codes  # there were suggestions to apply
    assert codings(example, "carla") == set()


def test_undo_takes_back_an_applied_suggestion(example):
    async def script(pilot, app):
        bar = app.query_one(SuggestionBar)
        await until(pilot, lambda: bar.ready and bar.codes)
        first = bar.codes[0]
        await pilot.press("1")
        await until(pilot, lambda: first in app.session.applied())
        await pilot.press("z")
        await until(pilot, lambda: first not in app.session.applied())
        return bar.text

    text = drive(example, script)
    assert codings(example, "carla") == set()
    assert "✓" not in text


def test_the_coders_new_codings_are_learned_in_the_background(example):
    """From the MIN_CODED_FRAGMENTS-th coded fragment on the coder's own model takes over: the coding
    applied with a key is the labelled example that tips it."""
    with Project.open(example) as project:
        project.import_codings(example / "anna.csv")
        anna = sorted({(c.fragment, c.code) for c in project.codings(coder="anna")})
        fragments = sorted({f for f, _ in anna})[:MIN_CODED_FRAGMENTS - 1]
        for fragment in fragments:
            project.assign(fragment, [c for f, c in anna if f == fragment], "dirk")
        assert len({c for f, c in anna if f in fragments}) >= 2
        uncoded = [f.id for f in project.fragments(role="participant") if f.id not in fragments]

    async def script(pilot, app):
        app.session.go(app.session.queue.index(uncoded[0]))
        app.show_fragment()
        bar = app.query_one(SuggestionBar)
        await until(pilot, lambda: bar.ready and bar.codes)
        before = bar.source, bar.trainings
        await pilot.press("a")
        await until(pilot, lambda: bar.trainings > before[1])
        await pilot.press("n")
        await until(pilot, lambda: bar.ready)
        return before[0], bar.source, bar.text

    before, after, text = drive(example, script, coder="dirk")
    assert (before, after) == ("codebook", "model")
    assert "you coded" in text or "keyword" in text  # reasons now point at the coder's own fragments too


def test_a_codebook_without_keywords_gives_a_quiet_hint(coder_study):
    with Project.open(coder_study) as project:
        assert project.codings() == []

    async def script(pilot, app):
        bar = app.query_one(SuggestionBar)
        await until(pilot, lambda: bar.ready)
        shown = bar.text
        if not bar.codes:
            await pilot.press("a")
            await pilot.pause()
        return shown, bar.codes, notes(app)

    shown, codes, said = drive(coder_study, script, coder="anna", size=(80, 24))
    assert NO_KEYWORDS_HINT in shown or "No suggestions for this fragment." in shown
    if codes:
        assert NO_KEYWORDS_HINT in shown and len(shown.splitlines()) == len(codes) + 1
    else:
        assert said == ["There is no suggestion for this fragment (yet)."]
    assert codings(coder_study, "anna") == set()


def test_no_suggestions_while_learning_and_keys_say_so(example, monkeypatch):
    """A suggester that never answers (here: one that cannot start) leaves the bar quiet and the keys harmless."""
    monkeypatch.setattr("qcode.tui.suggestions.sys.executable", str(example / "no-such-python"))

    async def script(pilot, app):
        bar = app.query_one(SuggestionBar)
        await until(pilot, lambda: bar.ready)
        await pilot.press("a", "3", "n")
        await pilot.pause()
        return bar.text, notes(app)

    shown, said = drive(example, script)
    assert shown.startswith("No suggestions: the suggester could not start")
    assert said == ["There is no suggestion for this fragment (yet).", "There is no suggestion 3 for this fragment (yet)."]
    assert codings(example, "carla") == set()


def test_settling_a_consensus_keeps_its_number_keys(coder_study):
    with Project.open(coder_study) as project:
        ids = [f.id for f in project.fragments(transcript="K01", role="participant")]
        project.assign(ids[0], ["passie-contact"], "anna")
        project.assign(ids[0], ["werkdruk-caseload"], "bram")
        with project.conn:
            project.conn.executemany("INSERT OR IGNORE INTO seen (fragment_id, coder, at) VALUES (?, ?, 'x')",
                                     [(i, c) for i in ids for c in ("anna", "bram")])
        result = project.reconcile(["anna", "bram"], "samen")

    async def script(pilot, app):
        await pilot.press("2")
        await pilot.pause()
        return len(app.query(SuggestionBar))

    bars = drive(coder_study, script, size=(100, 30), suggestions=True,
                 session=lambda project: project.reconcile_session(["anna", "bram"], result.into, result.open))
    assert bars == 0
    assert (ids[0], "werkdruk-caseload") in codings(coder_study, "samen")  # 2 took bram's codes


def test_no_suggestions_option_and_setting(coder_study, monkeypatch):
    opened = []
    monkeypatch.setattr(CoderApp, "run", lambda app: opened.append(app.suggesting))
    monkeypatch.chdir(coder_study)
    runner = CliRunner()
    assert runner.invoke(cli, ["code", "--coder", "anna"]).exit_code == 0
    assert runner.invoke(cli, ["code", "--coder", "anna", "--no-suggestions"]).exit_code == 0
    result = runner.invoke(cli, ["settings", "--coder-suggestions", "off"])
    assert result.exit_code == 0 and "coder-suggestions  off" in result.output
    assert runner.invoke(cli, ["code", "--coder", "anna"]).exit_code == 0
    assert runner.invoke(cli, ["code", "--coder", "anna", "--suggestions"]).exit_code == 0
    assert opened == [True, False, False, True]
    wrong = runner.invoke(cli, ["settings", "--coder-suggestions", "maybe"])
    assert wrong.exit_code == 1 and "on or off" in wrong.output
    with Project.open(coder_study) as project:
        assert project.coder_suggestions is False
