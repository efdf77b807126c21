"""A small fixed study for the coder's tests and snapshots (tests/data/coder: two interviews written
for these tests, a codebook with colours), and helpers to drive the coder through Textual's pilot."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from qcode import Project
from qcode.tui import CoderApp

DATA = Path(__file__).parent / "data" / "coder"


def make_study(folder: Path) -> Path:
    with Project.init(folder) as project:
        project.load_codebook(DATA / "codes.yaml")
        project.import_paths([DATA / "K01.txt", DATA / "K02.txt", DATA / "participants.csv"])
    return folder


@pytest.fixture(scope="module")
def coder_template(tmp_path_factory) -> Path:
    return make_study(tmp_path_factory.mktemp("coder") / "studie")


@pytest.fixture
def coder_study(coder_template, tmp_path) -> Path:
    return Path(shutil.copytree(coder_template, tmp_path / "studie"))


def drive(study: Path, script, *, coder: str = "anna", size: tuple[int, int] = (100, 30), session=None, **options):
    """Open the coder on `study` (or on `session(project)`), run `script(pilot, app)`, return its result."""
    async def scenario():
        with Project.open(study) as project:
            opened = session(project) if session else project.coding_session(coder, **options)
            app = CoderApp(opened)
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                return await script(pilot, app)
    return asyncio.run(scenario())


def shown(app) -> str:
    """The info bar, the reading pane and the decisions, as plain text."""
    return "\n".join(app.query_one(f"#{part}").text.plain for part in ("info", "fragment", "decisions"))


def notes(app) -> list[str]:
    """The messages the coder showed (Textual's notifications), oldest first."""
    return [notification.message for notification in app._notifications]


def participant_fragments(study: Path, transcript: str | None = None) -> list[int]:
    with Project.open(study) as project:
        return [f.id for f in project.fragments(transcript=transcript, role="participant")]


def codings_of(study: Path, coder: str) -> dict[tuple[int, str], dict]:
    with Project.open(study) as project:
        return {(c.fragment, c.code): c.model_dump() for c in project.codings(coder=coder)}
