"""The interactive coder, driven through Textual's pilot: keys in, database and screen checked."""
from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qcode import Project
from qcode.tui import CoderApp
from qcode.tui.code_tree import match_codes

from conftest import REPO

SIZE = (150, 50)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Two example interviews and the example codebook, imported once and copied for each test."""
    folder = tmp_path_factory.mktemp("template") / "studie"
    with Project.init(folder) as project:
        project.load_codebook(REPO / "codebooks" / "exitstudie.yaml")
        project.import_paths([REPO / "transcripts" / "U01.txt", REPO / "transcripts" / "U06.txt",
                              REPO / "transcripts" / "participants.csv"])
    return folder


@pytest.fixture
def study(template, tmp_path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "studie"))


def run(study: Path, coder: str, script, **options):
    """Open the coder on `study`, let `script(pilot, app)` press keys, and return what it returns."""
    async def scenario():
        with Project.open(study) as project:
            app = CoderApp(project.coding_session(coder, **options))
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                return await script(pilot, app)
    return asyncio.run(scenario())


def screen(app) -> str:
    return "\n".join(app.query_one(f"#{part}").text.plain for part in ("info", "fragment", "decisions"))


def codings(study: Path, coder: str) -> dict[tuple[int, str], dict]:
    with Project.open(study) as project:
        return {(c.fragment, c.code): c.model_dump() for c in project.codings(coder=coder)}


def log_actions(study: Path, coder: str) -> list[str]:
    with Project.open(study) as project:
        return [row[0] for row in project.conn.execute(
            "SELECT action FROM coding_log WHERE coder = ? ORDER BY id", (coder,))]


async def apply(pilot, key_or_label: str) -> None:
    await pilot.press("slash", *key_or_label, "enter")


def test_opens_at_the_first_fragment_with_its_question_and_attributes(study):
    async def script(pilot, app):
        return screen(app), app.session.fragment_id
    shown, fragment_id = run(study, "anna", script)
    with Project.open(study) as project:
        first = project.fragments(role="participant")[0]
    assert fragment_id == first.id
    assert "U01" in shown and "jongerenwerker" in shown
    assert "I: Fijn dat je mee wilt doen" in shown          # the interviewer's question before it
    assert "Ik ben negenentwintig" in shown                  # the fragment itself
    assert "fragment 1/" in shown and "project 0/" in shown
    assert "not coded yet" in shown


def test_apply_main_star_memo_span_and_undo(study):
    async def script(pilot, app):
        await pilot.press("n", "n")
        fragment_id = app.session.fragment_id
        await apply(pilot, "plafond")                         # fuzzy filter, Enter applies the best match
        await pilot.press("m", "s")
        await pilot.press("e", *"eerste signaal", "enter")
        await pilot.press("x", "1", "enter")
        return fragment_id, screen(app)
    fragment_id, shown = run(study, "anna", script)
    coding = codings(study, "anna")[(fragment_id, "doorgroei-plafond")]
    assert coding["main"] and coding["star"] and coding["memo"] == "eerste signaal"
    assert coding["span_start"] == 0 and 0 < coding["span_end"] < len(coding["text"])
    assert "✓ Plafond bereikt" in shown and "HOOFDREDEN" in shown and "★" in shown
    assert "memo: eerste signaal" in shown and "quote: sentence 1" in shown
    assert log_actions(study, "anna") == ["assign", "update", "update", "update", "update"]


def test_undo_within_a_session_restores_each_step(study):
    async def script(pilot, app):
        fragment_id = app.session.fragment_id
        states = []
        await apply(pilot, "plafond")
        await pilot.press("m", "e", *"memo", "enter")
        states.append(codings(study, "anna")[(fragment_id, "doorgroei-plafond")])
        await pilot.press("z")
        states.append(codings(study, "anna")[(fragment_id, "doorgroei-plafond")])
        await pilot.press("z")
        states.append(codings(study, "anna")[(fragment_id, "doorgroei-plafond")])
        await pilot.press("z")
        states.append(codings(study, "anna").get((fragment_id, "doorgroei-plafond")))
        await pilot.press("z")
        return states, screen(app)
    states, shown = run(study, "anna", script)
    assert (states[0]["main"], states[0]["memo"]) == (True, "memo")
    assert (states[1]["main"], states[1]["memo"]) == (True, None)
    assert (states[2]["main"], states[2]["memo"]) == (False, None)
    assert states[3] is None
    assert "not coded yet" in shown


def test_several_codes_and_toggling_off_from_the_tree(study):
    async def script(pilot, app):
        fragment_id = app.session.fragment_id
        await apply(pilot, "3.2")                              # a short key: theme 3, sub-code 2
        await apply(pilot, "contact met cliënten")
        both = set(app.session.applied())
        app.query_one("#tree").select_code("doorgroei-plafond")
        await pilot.press("enter")                             # Enter on the highlighted code removes it
        return fragment_id, both, set(app.session.applied()), screen(app)
    fragment_id, both, after, shown = run(study, "anna", script)
    assert both == {"doorgroei-plafond", "passie-contact-clienten"}
    assert after == {"passie-contact-clienten"}
    assert set(codings(study, "anna")) == {(fragment_id, "passie-contact-clienten")}
    assert "Plafond bereikt" not in shown.split("\n\n")[-1]


def test_filter_narrows_the_tree_and_escape_restores_it(study):
    async def script(pilot, app):
        tree = app.query_one("#tree")
        full = len(tree.nodes_by_code)
        await pilot.press("slash", *"agressie")
        narrowed = set(tree.nodes_by_code)
        await pilot.press("escape")
        return full, narrowed, len(tree.nodes_by_code), app.focused is tree
    full, narrowed, restored, tree_focused = run(study, "anna", script)
    assert {"agressie-en-spanning", "agressie-bedreiging"} <= narrowed
    assert "werkdruk" not in narrowed and len(narrowed) < full == restored
    assert tree_focused


def test_match_codes_fuzzy_and_by_key(study):
    with Project.open(study) as project:
        codes = project.coding_session("anna").codes
    assert match_codes(codes, "burnout")[0].id == "werkdruk-burn-out"
    assert match_codes(codes, "aanbesteding")[0].id in ("aanbesteding-en-politiek", "aanbesteding-cycli")
    assert [c.id for c in match_codes(codes, "3")][0] == "doorgroeimogelijkheden"
    assert match_codes(codes, "xqzw") == []


def test_moving_past_marks_seen_and_reopening_resumes(study):
    async def walk(pilot, app):
        await pilot.press("n", "n", "right", "p", "n")
        return app.session.fragment_id
    where = run(study, "bram", walk)
    with Project.open(study) as project:
        ids = [f.id for f in project.fragments(role="participant")]
        seen = {row[0] for row in project.conn.execute("SELECT fragment_id FROM seen WHERE coder = 'bram'")}
    assert where == ids[3] and seen == set(ids[:4])            # the one on screen is not yet seen

    async def reopen(pilot, app):
        return app.session.fragment_id, screen(app)
    resumed, shown = run(study, "bram", reopen)
    assert resumed == ids[4]                                   # the first one bram has not seen
    assert "project 4/" in shown


def test_next_uncoded_skips_coded_fragments(study):
    with Project.open(study) as project:
        ids = [f.id for f in project.fragments(role="participant")]
        project.assign(ids[1], ["werkdruk"], "anna")
        project.assign(ids[2], ["werkdruk"], "anna")

    async def script(pilot, app):
        await pilot.press("u")
        return app.session.fragment_id
    assert run(study, "anna", script) == ids[3]
    assert run(study, "anna", lambda pilot, app: _position(app), uncoded=True) not in (ids[1], ids[2])


async def _position(app):
    return app.session.fragment_id


def test_options_limit_the_fragments(study):
    async def script(pilot, app):
        return [app.session.queue[0], len(app.session.queue)]
    with Project.open(study) as project:
        u06 = [f.id for f in project.fragments(transcript="U06", role="participant")]
        project.assign(u06[5], ["agressie-bedreiging"], "anna")
    assert run(study, "bram", script, transcript="U06") == [u06[0], len(u06)]
    assert run(study, "bram", script, participant="U06") == [u06[0], len(u06)]
    assert run(study, "bram", script, code="agressie-en-spanning") == [u06[5], 1]   # sub-codes count


def test_go_to_transcript_and_errors_shown_not_raised(study):
    async def script(pilot, app):
        await pilot.press("g", *"U06", "enter")
        on_u06 = app.query_one("#info").text.plain
        await pilot.press("m")                                  # nothing applied: a message, no crash
        await pilot.press("g", *"U99", "enter")
        return on_u06, app.query_one("#info").text.plain
    on_u06, after = run(study, "anna", script)
    assert on_u06.startswith("U06") and after.startswith("U06")


def test_help_lists_every_key_and_d_shows_the_definition(study):
    async def script(pilot, app):
        await pilot.press("question_mark")
        help_shown = app.screen.text.plain
        await pilot.press("escape")
        app.query_one("#tree").select_code("agressie-nazorg")
        await pilot.press("d")
        definition = app.screen.text.plain
        await pilot.press("escape")
        return help_shown, definition
    help_shown, definition = run(study, "anna", script)
    for description in ("Next", "Previous", "Next uncoded", "Filter", "Main reason", "Star", "Memo",
                        "Quote span", "Undo", "Definition", "Go to transcript", "Quit", "apply or remove"):
        assert description in help_shown
    assert "Geen nazorg na incidenten" in definition
    assert "Use when" in definition and "Do not use when" in definition


def test_a_killed_coder_loses_nothing(study, tmp_path):
    """Each key press commits: a process killed mid-session leaves every coding it made."""
    script = tmp_path / "kill.py"
    script.write_text(textwrap.dedent(f"""
        import asyncio, os, signal
        from qcode import Project
        from qcode.tui import CoderApp
        async def main():
            app = CoderApp(Project.open({str(study)!r}).coding_session("anna"))
            async with app.run_test(size={SIZE!r}) as pilot:
                for _ in range(5):
                    await pilot.press("slash", "4", "enter", "n")   # key 4: werkdruk
                os.kill(os.getpid(), signal.SIGKILL)
        asyncio.run(main())
        """))
    subprocess.run([sys.executable, str(script)], cwd=REPO, timeout=120)
    assert len(codings(study, "anna")) == 5


def test_two_coders_in_two_processes_lose_nothing(study, tmp_path):
    script = tmp_path / "coder.py"
    script.write_text(textwrap.dedent(f"""
        import asyncio, sys
        from qcode import Project
        from qcode.tui import CoderApp
        async def main(coder, key):
            app = CoderApp(Project.open({str(study)!r}).coding_session(coder))
            async with app.run_test(size={SIZE!r}) as pilot:
                for _ in range(20):
                    await pilot.press("slash", key, "enter", "n")
        asyncio.run(main(sys.argv[1], sys.argv[2]))
        """))
    processes = [subprocess.Popen([sys.executable, str(script), coder, label], cwd=REPO)
                 for coder, label in (("anna", "4"), ("bram", "6"))]   # werkdruk, erkenning
    assert [p.wait(timeout=300) for p in processes] == [0, 0]
    anna, bram = codings(study, "anna"), codings(study, "bram")
    assert len(anna) == len(bram) == 20
    assert {code for _, code in anna} == {"werkdruk"} and {code for _, code in bram} == {"erkenning"}
    with Project.open(study) as project:
        seen = dict(project.conn.execute("SELECT coder, COUNT(*) FROM seen GROUP BY coder").fetchall())
        logged = dict(project.conn.execute(
            "SELECT coder, COUNT(*) FROM coding_log WHERE action = 'assign' GROUP BY coder").fetchall())
    assert seen == {"anna": 20, "bram": 20} and logged == {"anna": 20, "bram": 20}


def test_screenshot_shows_the_layout(study):
    async def script(pilot, app):
        await apply(pilot, "plafond")
        return app.export_screenshot()
    svg = run(study, "anna", script).replace("&#160;", " ")
    for text in ("U01", "Plafond bereikt", "Ik ben negenentwintig", "Main reason"):
        assert text in svg


def test_cli_code_refuses_clearly_before_opening(cli, study):
    from typer.testing import CliRunner

    from qcode.cli import app
    runner = CliRunner()
    empty = cli("init")
    assert empty.exit_code == 0
    no_codebook = cli("code", "--coder", "anna")
    assert no_codebook.exit_code == 1 and "no codebook" in no_codebook.output
    for arguments, message in ((["--coder", " "], "a coder name is needed"),
                               (["--coder", "anna", "--transcript", "U99"], "no transcript 'U99'"),
                               (["--coder", "anna", "--code", "bestaat-niet"], "no code 'bestaat-niet'")):
        result = runner.invoke(app, ["--project", str(study), "code", *arguments])
        assert result.exit_code == 1, arguments
        assert message in result.output and "Traceback" not in result.output
