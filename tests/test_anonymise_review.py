"""The review of identifiers: the `Review` walk and the full-screen app through Textual's pilot."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from qcode import Project
from qcode.anonymise import decide, identifiers, load_settings, scan
from qcode.anonymise.review import Context, Review, replacement_label
from qcode.cli import app as cli_app
from qcode.errors import UsageError
from qcode.tui.anonymise_review import contexts_text, highlighted

from anonymise_study import anon_study, anon_template, drive_review, shown  # noqa: F401 (fixtures)


def decisions(study) -> dict[str, tuple[str | None, str | None]]:
    with Project.open(study) as project:
        return {item.text: (item.decision, item.replacement) for item in identifiers(project)}


def notes(app) -> list[str]:
    return [notification.message for notification in app._notifications]


def test_the_review_opens_on_the_most_frequent_identifier_in_its_context(anon_study):
    async def script(pilot, app):
        return shown(app), app.query_one("#contexts").text
    screen, contexts = drive_review(anon_study, script)
    assert screen.startswith("Stichting Welzijn Oost  organisatie · 4× in 3 fragments")
    assert "identifier 1/" in screen and "without a decision" in screen
    assert "A01 · A01.txt · fragment #" in screen and "A02 · A02.txt" in screen
    assert "in dienst van Stichting Welzijn Oost. We organiseerden" in screen  # the participant's words around it
    assert "Decision: none yet — exports replace it meanwhile, as [organisatie]" in screen
    marked = {contexts.plain[span.start:span.end] for span in contexts.spans if "yellow" in str(span.style)}
    assert marked == {"Stichting Welzijn Oost"}


def test_one_key_per_decision_each_stored_at_once(anon_study):
    async def script(pilot, app):
        order = [item.text for item in app.review.items]
        await pilot.press("r", "k", "a")
        await pilot.pause()
        return order
    order = drive_review(anon_study, script)
    stored = decisions(anon_study)
    assert [stored[text][0] for text in order[:3]] == ["replace", "keep", "always"]
    assert all(stored[text][0] is None for text in order[3:])
    assert order[2] in load_settings(anon_study).altijd


def test_never_is_written_to_the_nooit_list(anon_study):
    async def script(pilot, app):
        text = app.review.current.text
        await pilot.press("n")
        await pilot.pause()
        return text
    text = drive_review(anon_study, script)
    assert decisions(anon_study)[text][0] == "never"
    listed = (anon_study / "anonimiseren.yaml").read_text(encoding="utf-8")
    assert load_settings(anon_study).nooit == ["Movisie", text]
    assert listed.startswith("# Wat exports altijd of nooit vervangen")  # the researcher's comment kept


def test_edit_gives_the_replacement_label_and_undo_takes_decisions_back(anon_study):
    async def script(pilot, app):
        first = app.review.current.text
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*"naam stichting", "enter")
        await pilot.pause()
        after_edit = shown(app)
        await pilot.press("right", "k")  # editing stays on the identifier; k keeps the second one
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        return first, after_edit, app.review.position, notes(app)
    first, after_edit, position, said = drive_review(anon_study, script)
    assert "Decision: replace — exports print [naam stichting]" in after_edit
    stored = decisions(anon_study)
    assert stored[first] == ("replace", "[naam stichting]")
    assert sum(1 for decision, _ in stored.values() if decision == "keep") == 0  # undone
    assert position == 1 and any(note.startswith("Undone: keep on ") for note in said)


def test_moving_decides_nothing_and_the_end_is_said(anon_study):
    async def script(pilot, app):
        total = len(app.review)
        await pilot.press(*["right"] * (total + 1))
        await pilot.pause()
        at_end = app.review.position
        await pilot.press("left", "p")
        await pilot.pause()
        return total, at_end, app.review.position, notes(app), [item.text for item in app.review.items]
    total, at_end, back, said, texts = drive_review(anon_study, script)
    assert at_end == total - 1 and back == total - 3
    assert any("That was the last identifier" in note for note in said)
    assert all(decisions(anon_study)[text] == (None, None) for text in texts)


def test_the_help_lists_every_key(anon_study):
    async def script(pilot, app):
        await pilot.press("question_mark")
        await pilot.pause()
        return str(app.screen.query_one("Static").render())
    helped = drive_review(anon_study, script)
    for key, words in (("r", "replace it"), ("k", "keep it"), ("a", "always: added to altijd"),
                       ("n", "never: added to nooit"), ("e", "replacement label"), ("z, Ctrl+z", "undo"), ("q", "quit")):
        assert key in helped and words in helped


def test_all_brings_back_decided_identifiers(anon_study):
    with Project.open(anon_study) as project:
        scan(project)
        for item in identifiers(project):
            decide(project, item.text, "replace", by="lies")
        assert len(Review(project, by="lies")) == 0
        everything = Review(project, everything=True, by="lies")
        assert len(everything) == len(identifiers(project)) and everything.current.decision == "replace"
    result = CliRunner().invoke(cli_app, ["--project", str(anon_study), "anonymise", "--review", "--coder", "lies"])
    assert result.exit_code == 0 and "Nothing to review: every identifier has a decision" in result.output


def test_a_decision_is_recorded_with_who_made_it(anon_study):
    with Project.open(anon_study) as project:
        scan(project)
        review = Review(project, by="  lies ")
        review.decide("keep")
        assert review.by == "lies" and review.summary() == {"keep": 1}
        with pytest.raises(UsageError, match="who decides"):
            Review(project, by=" ")


def test_terminal_escapes_in_the_participants_words_are_shown_harmless():
    context = Context(7, "A01", "A01.txt", "bij \x1b]0;weg\x07Stichting Welzijn Oost\x1b[2J en \u202edaar",
                      ((14, 36),))
    text = highlighted(context)
    assert "\x1b" not in text.plain and "\x07" not in text.plain and "\u202e" not in text.plain
    assert "␛]0;weg␇" in text.plain and "\\u202e" in text.plain
    whole = contexts_text("Stichting\x1b[2J", [context], 1)
    assert "\x1b" not in whole.plain


@pytest.mark.parametrize("typed, label", [("naam collega", "[naam collega]"), ("[organisatie]", "[organisatie]"),
                                          ("  [ wijk ] ", "[ wijk ]"), ("", "")])
def test_a_typed_label_prints_in_brackets(typed, label):
    assert replacement_label(typed) == label


def test_a_label_that_is_too_long_is_refused():
    with pytest.raises(UsageError, match="short label"):
        replacement_label("x" * 80)
