"""Commands that do not segment text start without the heavy libraries (no timing: sys.modules).

Each command runs in a fresh Python process, as `qcode` runs, which then reports the modules it
loaded. benchmarks/startup_bench.py measures the time this saves.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qcode import Project

REPO = Path(__file__).parent.parent
HEAVY = ("spacy", "openpyxl", "docx", "matplotlib", "textual", "sklearn", "pypandoc", "lxml", "sqlite_utils")
NOT_FOR_READING = ("jinja2", "numpy", "krippendorff", "rapidfuzz")  # the report and the coder need them

RUN_AND_LIST_MODULES = """
import json, sys
from qcode.cli import main
sys.argv = ["qcode", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as end:
    code = end.code or 0
else:
    code = 0
with open({listing!r}, "w") as out:
    json.dump({{"code": code, "modules": sorted(sys.modules)}}, out)
"""


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> tuple[Path, int]:
    """The example study imported and coded by two coders, as a researcher has it after a day."""
    root = tmp_path_factory.mktemp("startup") / "studie"
    shutil.copytree(REPO / "transcripts", root / "transcripts")
    shutil.copytree(REPO / "codebooks", root / "codebooks")
    with Project.init(root) as project:
        project.load_codebook(root / "codebooks" / "exitstudie.yaml")
        project.import_paths([root / "transcripts" / name for name in ("U01.txt", "U02.txt", "U11.vtt")])
        for coder in ("anna", "bram"):
            project.import_codings(root / "transcripts" / "codings" / f"{coder}.csv", skip_bad=True)
        fragment = project.fragments(participant="U02", role="participant")[0].id
    return root, fragment


def loaded_modules(folder: Path, *args: str) -> set[str]:
    listing = folder.parent / "modules.json"
    script = RUN_AND_LIST_MODULES.format(listing=str(listing))
    result = subprocess.run([sys.executable, "-c", script, json.dumps(list(args))], cwd=folder,
                            capture_output=True, text=True, timeout=120)
    found = json.loads(listing.read_text())
    assert found["code"] == 0, result.stdout + result.stderr
    return {name.split(".")[0] for name in found["modules"]}


def test_importing_the_cli_loads_no_heavy_library():
    script = "import json, sys; import qcode.cli; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    top = {name.split(".")[0] for name in json.loads(result.stdout)}
    assert not top & {*HEAVY, *NOT_FOR_READING}


@pytest.mark.parametrize("args", [
    ("--help",), ("status",), ("status", "--json"), ("show", "U01"), ("fragments", "--participant", "U02"),
    ("codebook", "show"), ("codings", "--coder", "anna"), ("coders",), ("import", "--help"), ("search", "werkdruk"),
    ("matrix", "--coder", "anna"), ("settings",), ("--version",),
    ("assign", "{fragment}", "werkdruk", "--coder", "carla"),
    ("agreement", "--coders", "anna,bram"), ("agreement", "--coders", "anna,bram", "--level", "participant"),
], ids=" ".join)
def test_a_command_that_does_not_segment_loads_no_heavy_library(study, args):
    folder, fragment = study
    args = tuple(arg.format(fragment=fragment) for arg in args)
    top = loaded_modules(folder, *args)
    assert not top & {*HEAVY, *NOT_FOR_READING}, f"qcode {' '.join(args)} loaded {sorted(top & {*HEAVY, *NOT_FOR_READING})}"


@pytest.mark.parametrize("args", [("agreement", "--coders", "anna,bram"), ("disagreements", "--coders", "anna,bram")],
                         ids=" ".join)
def test_the_team_commands_load_numpy_but_nothing_heavier(study, args):
    top = loaded_modules(study[0], *args)
    assert not top & set(HEAVY), f"qcode {' '.join(args)} loaded {sorted(top & set(HEAVY))}"
