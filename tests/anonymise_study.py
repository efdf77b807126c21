"""A small study with identifiers the pattern detectors and anonimiseren.yaml surely catch (tests/data/
anonymise: three exit interviews written for these tests), and a helper to drive the review app."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from qcode import Project

DATA = Path(__file__).parent / "data" / "anonymise"


def make_study(folder: Path) -> Path:
    with Project.init(folder) as project:
        project.load_codebook(DATA / "codes.yaml")
        project.import_paths([DATA / "A01.txt", DATA / "A02.txt", DATA / "A03.txt", DATA / "participants.csv"])
    shutil.copy(DATA / "anonimiseren.yaml", folder / "anonimiseren.yaml")
    return folder


def fragment_with(project: Project, words: str) -> int:
    return next(f.id for f in project.fragments(role="participant") if words in f.text)


@pytest.fixture(scope="module")
def anon_template(tmp_path_factory) -> Path:
    return make_study(tmp_path_factory.mktemp("anonymise") / "studie")


@pytest.fixture
def anon_study(anon_template, tmp_path) -> Path:
    return Path(shutil.copytree(anon_template, tmp_path / "studie"))


def drive_review(study: Path, script, *, everything: bool = False, by: str = "lies", size=(100, 30)):
    """Open the review on `study`, run `script(pilot, app)`, return its result."""
    from qcode.anonymise import scan
    from qcode.anonymise.review import Review
    from qcode.tui.anonymise_review import ReviewApp

    async def scenario():
        with Project.open(study) as project:
            scan(project)
            app = ReviewApp(Review(project, everything=everything, by=by))
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                return await script(pilot, app)
    return asyncio.run(scenario())


def shown(app) -> str:
    return "\n".join(app.query_one(f"#{part}").text.plain for part in ("info", "contexts", "decision"))
