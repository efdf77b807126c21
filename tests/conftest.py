from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode import Project
from qcode.cli import app

os.environ["COLUMNS"] = "200"  # Rich wraps at the terminal width; keep test output on one line

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Build deduce's lookup tables (~150 s, once per machine) in the controller, before any xdist
    worker starts, so no two workers build them and no test pays for it."""
    if hasattr(config, "workerinput"):
        return
    from qcode.anonymise.deduce_detector import ensure_cache

    ensure_cache(progress_message=lambda message: print(f"\n{message}", flush=True))


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def project(tmp_path: Path) -> Project:
    with Project.init(tmp_path / "studie") as opened:
        yield opened


@pytest.fixture
def awkward(tmp_path: Path) -> Path:
    """A private copy of the awkward-transcripts folder, free to change."""
    return Path(shutil.copytree(DATA / "awkward", tmp_path / "awkward"))


@pytest.fixture
def cli(tmp_path: Path):
    """Run `qcode` through Typer's runner on a project folder in tmp_path."""
    runner = CliRunner()
    folder = tmp_path / "cli-project"

    def invoke(*args: str, project: bool = True):
        full = ["--project", str(folder), *args] if project else list(args)
        return runner.invoke(app, full, catch_exceptions=False)

    invoke.folder = folder
    return invoke


def database_dump(project: Project) -> list[str]:
    """Everything in the database, to check that a failed command changed nothing."""
    return list(project.conn.iterdump())


def add_coding(project: Project, fragment_id: int, code_id: str, coder: str = "anna", memo: str | None = None) -> None:
    """A coding as the coding commands will write it (they come with the coder, issue 4)."""
    project.conn.execute(
        "INSERT INTO codings (fragment_id, code_id, coder, memo, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, '2026-11-22T10:00:00', '2026-11-22T10:00:00')", (fragment_id, code_id, coder, memo))
