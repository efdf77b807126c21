"""The coder's keys as a researcher expects them (issue 13 §4), through Textual's pilot on a small
fixed study: filtering, the cursor per fragment, undo's words, one main reason, the layout at 80×24,
going to any transcript, the star, the command palette and the codebook's colours."""
from __future__ import annotations

from qcode import Project
from qcode.tui.code_tree import match_codes

from coder_study import (codings_of, coder_study, coder_template, drive, notes,  # noqa: F401 (fixtures)
                         participant_fragments, shown)


async def type_filter(pilot, text: str, *then: str) -> None:
    await pilot.press("slash", *text, *then)


# -- filtering ------------------------------------------------------------------------------------
def test_filter_enter_applies_the_highlighted_best_match_not_the_theme_above_it(coder_study):
    async def script(pilot, app):
        await type_filter(pilot, "praktijk")
        highlighted = app.query_one("#tree").cursor_node.data
        await pilot.press("enter")
        return highlighted, set(app.session.applied())
    highlighted, applied = drive(coder_study, script)
    assert highlighted == "aansluiting-praktijkschok"
    assert applied == {"aansluiting-praktijkschok"}


def test_arrows_while_filtering_move_through_the_matches_only(coder_study):
    async def script(pilot, app):
        tree = app.query_one("#tree")
        await type_filter(pilot, "salaris")
        first = tree.cursor_node.data
        await pilot.press("down")
        second = tree.cursor_node.data
        await pilot.press("down")                  # no match below: stays
        still = tree.cursor_node.data
        await pilot.press("up", "up")              # "Salaris" itself matches too
        top = tree.cursor_node.data
        await pilot.press("down", "enter")
        return first, second, still, top, set(app.session.applied()), app.focused is tree
    first, second, still, top, applied, tree_focused = drive(coder_study, script)
    assert first == "salaris" and second == "salaris-te-laag" and still == "salaris-schaal"
    assert top == "salaris"
    assert applied == {"salaris-te-laag"} and tree_focused


def test_arrows_skip_the_themes_shown_only_for_context(coder_study):
    async def script(pilot, app):
        tree = app.query_one("#tree")
        await type_filter(pilot, "burn")
        first = tree.cursor_node.data
        await pilot.press("up")                    # Werkdruk is shown above it, but does not match
        return first, tree.cursor_node.data, set(tree.nodes_by_code), tree.matching
    first, after_up, listed, matching = drive(coder_study, script)
    assert first == after_up == "werkdruk-uitputting"
    assert "werkdruk" in listed and matching == {"werkdruk-uitputting"}


def test_match_ranking_prefers_a_label_that_starts_with_what_was_typed(coder_study):
    with Project.open(coder_study) as project:
        codes = project.coding_session("anna").codes
    assert [c.id for c in match_codes(codes, "praktijk")][:2] == ["aansluiting-praktijkschok",
                                                                   "aansluiting-opleiding-praktijk"]
    assert match_codes(codes, "burnout")[0].id == "werkdruk-uitputting"      # hyphen and space ignored
    assert match_codes(codes, "nazrog")[0].id == "agressie-nazorg"           # a typing error
    assert match_codes(codes, "2.1")[0].id == "agressie-bedreiging"
    assert match_codes(codes, "xqzw") == []


# -- the cursor per fragment ----------------------------------------------------------------------
def test_the_tree_cursor_starts_at_the_top_for_each_new_fragment(coder_study):
    async def script(pilot, app):
        tree = app.query_one("#tree")
        await pilot.press("down", "down", "down")
        moved = tree.cursor_line
        await pilot.press("n")
        at_new = tree.cursor_line
        await pilot.press("down", "down", "enter")     # the third code from the top, on this fragment
        return moved, at_new, app.session.fragment_id, set(app.session.applied())
    moved, at_new, fragment_id, applied = drive(coder_study, script)
    assert moved == 3 and at_new == 0
    assert fragment_id == participant_fragments(coder_study)[1]
    assert applied == {"werkdruk-uitputting"}          # Werkdruk, Te hoge caseload, Uitputting en burn-out


# -- undo says what it undid ----------------------------------------------------------------------
async def until(pilot, condition, what: str) -> None:
    """Wait for the app to get there: on a loaded machine a box opens or closes some frames late."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"the coder never got there: {what}")


def test_undo_says_exactly_what_it_undid(coder_study):
    from qcode.tui.dialogs import Prompt

    async def script(pilot, app):
        await pilot.press("n")
        await type_filter(pilot, "burn", "enter")
        await pilot.press("m", "e")
        await until(pilot, lambda: isinstance(app.screen, Prompt), "the memo box open")
        await pilot.press(*"leeg op vrijdag", "enter")
        await until(pilot, lambda: len(app.screen_stack) == 1, "the memo box closed")
        await pilot.press("s", "x")
        await until(pilot, lambda: isinstance(app.screen, Prompt), "the span box open")
        await pilot.press("2", "enter")
        await until(pilot, lambda: any(state.get("span_start") is not None
                                       for state in app.session.applied().values()), "the span set")
        said = []
        for _ in range(7):
            await pilot.press("z")
            await pilot.pause()                      # each undo is written before the next key
            said.append(notes(app)[-1])              # read at once: a note disappears after 1.5 s
        return said
    said = drive(coder_study, script)
    assert said == ["Undone: quote span removed from werkdruk-uitputting",
                    "Undone: star removed from the fragment",
                    "Undone: memo removed from werkdruk-uitputting",
                    "Undone: main reason removed from werkdruk-uitputting",
                    "Undone: werkdruk-uitputting removed",
                    "Nothing to undo.", "Nothing to undo."]


def test_undo_of_a_removal_and_of_a_changed_memo(coder_study):
    with Project.open(coder_study) as project:
        session = project.coding_session("anna")
        session.toggle("werkdruk")
        session.set_memo("werkdruk", "eerste versie")
        session.set_memo("werkdruk", "tweede versie")
        session.toggle("werkdruk")
        assert session.undo() == "werkdruk restored"
        assert session.undo() == "memo restored on werkdruk"
        assert session.applied()["werkdruk"]["memo"] == "eerste versie"


# -- one main reason per participant --------------------------------------------------------------
def _main_reasons(study, coder="anna") -> set[tuple[int, str]]:
    with Project.open(study) as project:
        return {(c.fragment, c.code) for c in project.codings(coder=coder) if c.main}


def _mark_second_main_reason(choice: str):
    async def script(pilot, app):
        await pilot.press("n")                                   # K01: de werkdruk …
        await type_filter(pilot, "caseload", "enter")
        await pilot.press("m")                                   # the first main reason: no question
        first_screen = type(app.screen).__name__
        await pilot.press("n")                                   # K01: geen stap om door te groeien
        await type_filter(pilot, "plafond", "enter")
        await pilot.press("m")
        question = app.screen.text.plain if type(app.screen).__name__ == "MainReasonChoice" else ""
        await pilot.press(choice)
        return first_screen, question, shown(app)
    return script


def test_a_second_main_reason_asks_and_moving_it_leaves_one(coder_study):
    ids = participant_fragments(coder_study)
    first_screen, question, on_screen = drive(coder_study, _mark_second_main_reason("m"))
    assert first_screen == "Screen"
    assert "K01 already has a main reason from you" in question and "Te hoge caseload" in question
    assert "move it here" in question and "keep both" in question
    assert _main_reasons(coder_study) == {(ids[2], "doorgroei-plafond")}
    assert "HOOFDREDEN" in on_screen
    with Project.open(coder_study) as project:
        themes = {t.id: t.count.main for t in project.themes("anna")}
    assert themes["doorgroei"] == 1 and themes["werkdruk"] == 0      # the report counts what was chosen


def test_keeping_both_main_reasons_is_counted_for_both(coder_study):
    ids = participant_fragments(coder_study)
    drive(coder_study, _mark_second_main_reason("k"))
    assert _main_reasons(coder_study) == {(ids[1], "werkdruk-caseload"), (ids[2], "doorgroei-plafond")}
    with Project.open(coder_study) as project:
        themes = {t.id: t.count.main for t in project.themes("anna")}
    assert themes["doorgroei"] == 1 and themes["werkdruk"] == 1


def test_escape_marks_nothing_and_one_undo_puts_a_moved_main_reason_back(coder_study):
    ids = participant_fragments(coder_study)
    drive(coder_study, _mark_second_main_reason("escape"))
    assert _main_reasons(coder_study) == {(ids[1], "werkdruk-caseload")}

    with Project.open(coder_study) as project:
        session = project.coding_session("anna")
        session.go(2)
        assert [o.code for o in session.other_main_reasons("doorgroei-plafond")] == ["werkdruk-caseload"]
        session.toggle_main("doorgroei-plafond", move=True)
        assert _main_reasons(coder_study) == {(ids[2], "doorgroei-plafond")}
        assert session.undo() == ("main reason removed from doorgroei-plafond, "
                                  "main reason restored on werkdruk-caseload")
    assert _main_reasons(coder_study) == {(ids[1], "werkdruk-caseload")}


def test_another_participant_or_coder_does_not_count_as_a_second_main_reason(coder_study):
    ids = participant_fragments(coder_study)
    with Project.open(coder_study) as project:
        project.assign(ids[1], ["werkdruk-caseload"], "anna", main=True)
        project.assign(ids[6], ["agressie-bedreiging"], "bram", main=True)
        session = project.coding_session("bram")
        session.go(1)
        session.toggle("werkdruk")
        assert session.other_main_reasons("werkdruk") == []   # anna's mark on K01 is anna's; bram's is on K02
        session.go(5)
        session.toggle("aansluiting-praktijkschok")
        assert [o.code for o in session.other_main_reasons("aansluiting-praktijkschok")] == ["agressie-bedreiging"]


# -- 80×24: the decisions and the key bar stay in sight -----------------------------------------------
def test_at_80_by_24_the_codings_and_the_key_bar_stay_visible(coder_study):
    async def script(pilot, app):
        await pilot.press("n", "n", "n")                              # K01 with a long fragment after it
        for label in ("praktijkschok", "contact", "plafond"):
            await type_filter(pilot, label, "enter")
        await pilot.press("m", "e", *"school en wijk botsen", "enter")
        await pilot.pause()
        reading = app.query_one("#reading")
        decisions = app.query_one("#decisions")
        footer = app.query_one("Footer")
        return (reading.region, reading.max_scroll_y, decisions.region, footer.region,
                decisions.text.plain, app.screen.size)
    reading, scrollable, decisions, footer, decided, size = drive(coder_study, script, size=(80, 24))
    assert (size.width, size.height) == (80, 24)
    assert footer.y == 23 and footer.height == 1                      # the key bar on the last line
    assert decisions.bottom <= footer.y                               # the decisions above it, whole
    assert decisions.height >= decided.count("\n") + 2                # every line of them shown
    assert "Praktijkschok" in decided and "Contact met gezinnen" in decided and "Plafond bereikt" in decided
    assert "HOOFDREDEN" in decided and "memo: school en wijk botsen" in decided
    assert scrollable > 0                                             # the text scrolls, not the decisions


def test_the_key_bar_at_80_columns_shows_the_keys_used_most(coder_study):
    async def script(pilot, app):
        await until(pilot, lambda: "Quit" in app.export_screenshot().replace("&#160;", " "), "the key bar drawn")
        return app.export_screenshot()
    svg = drive(coder_study, script, size=(80, 24)).replace("&#160;", " ")
    for text in ("Next", "Previous", "Filter", "Main reason", "Star", "Memo", "Undo", "Help", "Quit"):
        assert text in svg


# -- g goes to any transcript -----------------------------------------------------------------------
def test_g_lists_every_transcript_and_goes_to_the_chosen_one(coder_study):
    k02 = participant_fragments(coder_study, "K02")

    async def script(pilot, app):
        await pilot.press("g")
        listed = [str(option.prompt) for option in app.screen.query_one("#transcripts").options]
        await pilot.press("down", "enter")
        return listed, app.session.fragment_id, type(app.screen).__name__
    listed, where, on = drive(coder_study, script)
    assert [line.split()[0] for line in listed] == ["K01.txt", "K02.txt"]
    assert "0/5 seen" in listed[0] and "0/3 seen" in listed[1]
    assert where == k02[0] and on == "Screen"


def test_g_reaches_a_transcript_outside_the_session_and_typing_narrows_the_list(coder_study):
    k02 = participant_fragments(coder_study, "K02")

    async def script(pilot, app):
        await pilot.press("g", *"k02")
        listed = [str(option.prompt) for option in app.screen.query_one("#transcripts").options]
        await pilot.press("enter")
        where = app.session.fragment_id
        await pilot.press("n")
        return listed, where, app.session.fragment_id, len(app.session.queue)
    listed, where, after, queue = drive(coder_study, script, transcript="K01")
    assert len(listed) == 1 and listed[0].startswith("K02.txt")
    assert where == k02[0] and after == k02[1] and queue == 8


def test_g_and_an_unknown_name_says_so_and_stays(coder_study):
    async def script(pilot, app):
        before = app.session.fragment_id
        await pilot.press("g", *"K99", "enter")
        return before, app.session.fragment_id, notes(app)
    before, after, said = drive(coder_study, script)
    assert before == after and any("no transcript 'K99'" in note for note in said)


# -- the star belongs to the fragment ----------------------------------------------------------------
def test_the_star_marks_the_fragment_for_every_code_applied_to_it(coder_study):
    ids = participant_fragments(coder_study)

    async def script(pilot, app):
        await pilot.press("n")
        await type_filter(pilot, "caseload", "enter")
        await pilot.press("s")
        await type_filter(pilot, "burn", "enter")                    # applied after starring: starred too
        return shown(app)
    on_screen = drive(coder_study, script)
    stars = {code: c["star"] for (fragment, code), c in codings_of(coder_study, "anna").items() if fragment == ids[1]}
    assert stars == {"werkdruk-caseload": True, "werkdruk-uitputting": True}
    assert on_screen.count("★") == 1 and "★ key quote" in on_screen
    with Project.open(coder_study) as project:                     # the same meaning in `qcode assign`
        project.assign(ids[1], ["werkdruk"], "anna")
        project.assign(ids[2], ["doorgroei"], "anna")
        project.assign(ids[2], ["doorgroei-plafond"], "anna", star=True)
        starred = {(c.fragment, c.code) for c in project.codings(coder="anna") if c.star}
    assert {(ids[1], "werkdruk"), (ids[2], "doorgroei"), (ids[2], "doorgroei-plafond")} <= starred


# -- the command palette --------------------------------------------------------------------------
def test_the_command_palette_holds_the_coders_own_actions(coder_study):
    async def script(pilot, app):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Go to transcript")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        return titles, type(app.screen).__name__
    titles, opened = drive(coder_study, script)
    for title in ("Next", "Previous", "Next uncoded", "Filter", "Main reason", "Star", "Memo", "Quote span", "Undo",
                  "Definition", "Go to transcript", "Help", "Quit"):
        assert title in titles
    assert not {"Theme", "Keys", "Screenshot", "Maximize", "Minimize"} & set(titles)
    assert titles[-1] == "Quit" and opened == "TranscriptPicker"


# -- colours from the codebook ----------------------------------------------------------------------
def test_codebook_colours_in_the_tree_a_sub_code_taking_its_themes(coder_study):
    async def script(pilot, app):
        tree = app.query_one("#tree")
        return {code: str(node.label) for code, node in tree.nodes_by_code.items()}, \
            {code: [str(span.style) for span in node.label.spans] for code, node in tree.nodes_by_code.items()}
    labels, styles = drive(coder_study, script)
    assert "#d62728" in styles["agressie"] and "#d62728" in styles["agressie-bedreiging"]
    assert "#1f77b4" in styles["doorgroei-plafond"]
    assert not any(style.startswith("#") for style in styles["salaris"])       # no colour in the codebook
    assert labels["agressie-bedreiging"].lstrip().startswith("■")


def test_the_chart_draws_each_theme_in_its_codebook_colour(coder_study, tmp_path):
    ids = participant_fragments(coder_study)
    with Project.open(coder_study) as project:
        project.assign(ids[1], ["werkdruk-caseload"], "anna", main=True)
        project.assign(ids[6], ["agressie-bedreiging"], "anna")
        project.assign(ids[7], ["salaris-te-laag"], "anna")
        chart = project.chart(tmp_path / "thema.svg", coder="anna")
    svg = chart.read_text()
    assert "#ff7f0e" in svg                   # werkdruk's main reason, in its colour
    assert "#ed9e9e" in svg                   # agressie's mention: its colour, lighter
    assert "#8faadc" in svg                   # salaris has no colour: the default
