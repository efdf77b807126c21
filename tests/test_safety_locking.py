"""A writer that finds the database locked (a long import) waits visibly and retries, within bounds."""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from qcode.cli import common
from qcode.db import connection

from conftest import DATA

CODEBOOK = DATA.parent.parent / "codebooks" / "exitstudie.yaml"


@pytest.fixture
def study(cli, awkward) -> Path:
    cli("init", str(cli.folder), project=False)
    cli("codebook", "load", str(CODEBOOK))
    assert cli("import", str(awkward)).exit_code == 0
    return cli.folder / "qcode.db"


@pytest.fixture(autouse=True)
def quick_announcement(monkeypatch):
    monkeypatch.setattr(connection, "ANNOUNCE_AFTER_MS", 200)


class Writer(threading.Thread):
    """Another qcode command: a second connection holding the write lock until told to let go."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.holding = threading.Event()
        self.release = threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO settings (key, value) VALUES ('import-bezig', 'ja')")
        self.holding.set()
        self.release.wait(60)
        conn.execute("COMMIT")
        conn.close()

    def __enter__(self) -> Writer:
        self.start()
        assert self.holding.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.join(10)


def participant_fragment(cli) -> str:
    return str(json.loads(cli("fragments", "--role", "participant", "--json").output)[0]["id"])


def release_once_waiting(monkeypatch, writer: Writer) -> None:
    """The "import" finishes a moment after the waiting writer has said it waits (the real notice)."""
    real = common.waiting_notice

    def notice_then_release():
        say = real()

        def notice(waiting: bool) -> None:
            say(waiting)
            if waiting:
                threading.Timer(0.3, writer.release.set).start()
        return notice
    monkeypatch.setattr(common, "waiting_notice", notice_then_release)


def test_assign_waits_for_an_import_and_then_succeeds(cli, study, monkeypatch):
    fragment = participant_fragment(cli)
    with Writer(study) as writer:
        release_once_waiting(monkeypatch, writer)
        result = cli("assign", fragment, "werkdruk", "--coder", "anna")
    assert result.exit_code == 0, result.output
    assert result.output.count("Waiting for another qcode command to finish writing") == 1
    assert [c["code"] for c in json.loads(cli("codings", "--json").output)] == ["werkdruk"]


def test_a_wait_is_bounded_and_then_says_what_to_do(cli, study, monkeypatch):
    monkeypatch.setattr(connection, "WAIT_LIMIT_S", 1)
    fragment = participant_fragment(cli)
    with Writer(study):
        result = cli("assign", fragment, "werkdruk", "--coder", "anna")
    assert result.exit_code == 1, result.output
    assert "Waiting for another qcode command" in result.output
    assert "locked too long" in result.output and "nothing was written" in result.output
    assert cli("codings", "--json").output.strip() == "[]"


def test_the_coding_session_waits_and_says_so(cli, study):
    from qcode import Project
    told: list[bool] = []
    writer = Writer(study)

    def on_wait(waiting: bool) -> None:
        told.append(waiting)
        if waiting:
            threading.Timer(0.3, writer.release.set).start()
    with Project.open(cli.folder, on_wait=on_wait) as project:
        session = project.coding_session("anna")
        with writer:
            assert session.toggle("werkdruk") is True
        assert told == [True, False]
        assert [c.code for c in project.codings(coder="anna")] == ["werkdruk"]


def test_the_coder_keeps_every_key_pressed_while_waiting_and_says_it_waits(cli, study):
    """Keys pressed while an "import" holds the lock: the screen says so, then all apply, in order."""
    import asyncio
    import time

    from qcode import Project
    from qcode.tui import CoderApp

    writer = Writer(study)
    shown: list[str] = []

    def release_once_the_screen_says_so(info) -> None:
        for _ in range(600):
            if "Waiting for another qcode command" in info.text.plain:
                shown.append(info.text.plain)
                break
            time.sleep(0.05)
        time.sleep(0.3)
        writer.release.set()

    async def scenario():
        with Project.open(cli.folder) as project:
            session = project.coding_session("anna")
            app = CoderApp(session)
            first = session.fragment_id
            async with app.run_test(size=(150, 50)) as pilot:
                await pilot.pause()
                with writer:
                    threading.Thread(target=release_once_the_screen_says_so, args=(app.query_one("#info"),),
                                     daemon=True).start()
                    await pilot.press("slash", "1", ".", "1", "enter")  # waits for the lock
                    await pilot.press("n", "slash", "2", ".", "1", "enter")  # pressed while waiting
                    for _ in range(200):
                        if len(project.codings(coder="anna")) == 2:
                            break
                        await pilot.pause(0.05)
                await pilot.pause()
                second = session.fragment_id
                assert "Waiting" not in app.query_one("#info").text.plain  # the fragment's info is back
            codes = {entry.key: entry.id for entry in session.codes}
            return first, second, codes, [(c.fragment, c.code) for c in project.codings(coder="anna")]

    first, second, codes, applied = asyncio.run(scenario())
    assert shown, "the coder never said it was waiting"
    assert second != first
    assert sorted(applied) == sorted([(first, codes["1.1"]), (second, codes["2.1"])])
