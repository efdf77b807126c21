"""Settling a consensus in the coder (`qcode reconcile` without --rule): moving past a disputed
fragment never settles it; a key does (take one coder's codes, none, or as edited); the consensus
coder's own name is shown; and the summary counts what was settled and what is still open."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode import Project
from qcode.cli import app as cli_app

from coder_study import coder_study, coder_template, drive, notes, participant_fragments, shown  # noqa: F401


@pytest.fixture
def disputed(coder_study) -> Path:
    """anna and bram have both seen K01: they differ on its first two fragments and agree on the rest."""
    ids = participant_fragments(coder_study, "K01")
    with Project.open(coder_study) as project:
        project.assign(ids[0], ["passie-contact"], "anna", memo="energie uit gezinnen")
        project.assign(ids[1], ["werkdruk-caseload"], "anna", main=True)
        project.assign(ids[1], ["werkdruk-uitputting"], "bram")
        project.assign(ids[2], ["doorgroei-plafond"], "anna")
        project.assign(ids[2], ["doorgroei-plafond"], "bram")
        with project.conn:
            project.conn.executemany("INSERT OR IGNORE INTO seen (fragment_id, coder, at) VALUES (?, ?, '2026-01-01')",
                                     [(i, c) for i in ids for c in ("anna", "bram")])
    return coder_study


def consensus(study: Path, coder: str = "samen") -> tuple[dict[int, set[str]], set[int]]:
    with Project.open(study) as project:
        codes: dict[int, set[str]] = {}
        for c in project.codings(coder=coder):
            codes.setdefault(c.fragment, set()).add(c.code)
        seen = {row[0] for row in project.conn.execute("SELECT fragment_id FROM seen WHERE coder = ?", (coder,))}
    return codes, seen


def settle_in_coder(study: Path, script, into: str = "samen"):
    with Project.open(study) as project:
        result = project.reconcile(["anna", "bram"], into)

    def session(project):
        return project.reconcile_session(["anna", "bram"], result.into, result.open)
    return result, drive(study, script, session=session)


def test_moving_past_never_settles_and_number_keys_take_a_coders_codes(disputed):
    ids = participant_fragments(disputed, "K01")

    async def script(pilot, app):
        first = shown(app)
        await pilot.press("n", "n", "p", "p")                   # look around: nothing settled
        unsettled = consensus(disputed)
        await pilot.press("1")                                  # take anna's: Contact met gezinnen (and memo)
        moved_to = app.session.fragment_id
        await pilot.press("2")                                  # take bram's: Uitputting en burn-out
        return first, unsettled, moved_to, app.session.settled_here, app.session.open_count(), notes(app)
    result, (first, unsettled, moved_to, settled, still_open, said) = settle_in_coder(disputed, script)
    assert result.open == [ids[0], ids[1]] and result.agreed == 3
    assert "anna: Contact met gezinnen (memo: energie uit gezinnen)" in first and "bram: no code" in first
    assert "samen (open" in first and "consensus" not in first and "2 still to settle" in first
    assert ids[0] not in unsettled[1] and ids[1] not in unsettled[1]
    assert moved_to == ids[1]
    codes, seen = consensus(disputed)
    assert codes[ids[0]] == {"passie-contact"} and codes[ids[1]] == {"werkdruk-uitputting"}
    assert {ids[0], ids[1]} <= seen
    assert (settled, still_open) == (2, 0)
    assert any("Every fragment is settled" in note for note in said)
    with Project.open(disputed) as project:
        taken = [c for c in project.codings(coder="samen") if c.fragment == ids[0]][0]
    assert taken.memo == "energie uit gezinnen"


def test_none_edited_and_undo_of_a_settlement(disputed):
    ids = participant_fragments(disputed, "K01")

    async def script(pilot, app):
        await pilot.press("slash", *"caseload", "enter")        # edit the consensus: not settled yet
        await pilot.press("n")
        edited_unsettled = ids[0] not in consensus(disputed)[1]
        await pilot.press("p", "c")                             # settle as edited
        await pilot.press("0")                                  # the second: no code at all
        after_none = consensus(disputed)
        await pilot.press("z")                                  # open it again
        return edited_unsettled, after_none, consensus(disputed), app.session.open_count(), notes(app), shown(app)
    _, (edited_unsettled, after_none, after_undo, still_open, said, on_screen) = settle_in_coder(disputed, script)
    assert edited_unsettled
    codes, seen = after_none
    assert codes[ids[0]] == {"werkdruk-caseload"} and ids[1] not in codes and {ids[0], ids[1]} <= seen
    assert ids[1] not in after_undo[1] and ids[0] in after_undo[1]
    assert still_open == 1
    assert any(note == "Undone: fragment open again" for note in said)
    assert "samen (open" in on_screen


def test_running_reconcile_again_keeps_what_was_settled(disputed):
    ids = participant_fragments(disputed, "K01")

    async def settle_first(pilot, app):
        await pilot.press("1", "q")
    settle_in_coder(disputed, settle_first)
    with Project.open(disputed) as project:
        again = project.reconcile(["anna", "bram"], "samen")
    assert again.open == [ids[1]] and again.kept == 4


def test_the_help_and_the_key_bar_show_the_settling_keys_with_the_coders_names(disputed):
    async def script(pilot, app):
        svg = app.export_screenshot().replace("&#160;", " ")
        await pilot.press("question_mark")
        return svg, app.screen.text.plain
    _, (svg, help_shown) = settle_in_coder(disputed, script)
    for text in ("Take anna's", "Take bram's", "None", "As edited", "Next open"):
        assert text in help_shown
    assert "moving past a fragment leaves it open" in help_shown
    assert "Take anna" in svg and "As edited" in svg and "Next uncoded" not in help_shown


def test_cli_reconcile_without_the_coder_counts_what_is_open(disputed):
    runner = CliRunner()
    result = runner.invoke(cli_app, ["--project", str(disputed), "reconcile", "--coders", "anna,bram",
                                     "--into", "samen", "--no-interactive"])
    assert result.exit_code == 0, result.output
    assert "3 fragments agreed and copied" in result.output and "2 still to settle" in result.output


def test_a_coder_name_differing_only_in_case_asks_first(disputed):
    runner = CliRunner()
    base = ["--project", str(disputed)]
    refused = runner.invoke(cli_app, [*base, "code", "--coder", "Anna"], input="n\n")
    assert refused.exit_code == 1
    assert "There is already a coder anna" in refused.output and "--coder anna" in refused.output
    assert "Traceback" not in refused.output
    no_answer = runner.invoke(cli_app, [*base, "code", "--coder", " ANNA "])
    assert no_answer.exit_code == 1 and "only in case" in no_answer.output
    with Project.open(disputed) as project:
        assert project.similar_coders("anna") == [] and project.similar_coders("Anna") == ["anna"]
        assert project.similar_coders("bram") == [] and project.similar_coders("kees") == []
        coders = {row[0] for row in project.conn.execute("SELECT coder FROM seen UNION SELECT coder FROM codings")}
    assert coders == {"anna", "bram"}                       # nothing started for Anna

    runner.invoke(cli_app, [*base, "reconcile", "--coders", "anna,bram", "--into", "samen", "--rule", "union"])
    asked = runner.invoke(cli_app, [*base, "reconcile", "--coders", "anna,bram", "--into", "Samen", "--rule",
                                    "union"], input="n\n")
    assert asked.exit_code == 1 and "There is already a coder samen" in asked.output
    forced = runner.invoke(cli_app, [*base, "reconcile", "--coders", "anna,bram", "--into", "Samen", "--rule",
                                     "union", "--yes"])
    assert forced.exit_code == 0, forced.output
    confirmed = runner.invoke(cli_app, [*base, "reconcile", "--coders", "anna,bram", "--into", "SAMEN", "--rule",
                                        "union"], input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
