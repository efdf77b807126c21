"""How long commands that do not segment text take, beside a minimal Typer app (the floor).

Usage:  .venv/bin/python benchmarks/startup_bench.py [--repeat 7] [--only status,search]

The floor is the least a Typer command can cost on this machine: a two-command Typer app whose
command opens a SQLite file and prints a row, started as a fresh process (for `--help`, its help). Each qcode command runs
the same way (the installed `qcode` script, fresh process, on the example study imported and coded
by two coders). Floor and command run in turn, --repeat times each, and the best wall time counts
(on a shared machine the same process can run 50% slower from one run to the next); CPU time is
the best user+system time of the child process. The goal is a ratio of at most 2.

Listings are filtered as a researcher would filter them: printing thousands of rows costs Rich
about 0.7 ms a line on top of the start, which is output, not start-up.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).parent.parent
QCODE = Path(sys.executable).parent / "qcode"

FLOOR_APP = '''
import sqlite3
import typer

app = typer.Typer()


@app.command()
def row(database: str) -> None:
    """Print the first row of a table."""
    print(sqlite3.connect(database).execute("SELECT * FROM t LIMIT 1").fetchone())


@app.command()
def hello(name: str = "wereld") -> None:
    """Say hello."""
    print(f"hallo {name}")


if __name__ == "__main__":
    app()
'''

COMMANDS = [
    "--help",
    "status",
    "show U01",
    "fragments --participant U02 --role participant",
    "search werkdruk --limit 5",
    "codings --coder anna --code werkdruk-burn-out",
    "codebook show",
    "assign {fragment} werkdruk --coder carla",
    "coders",
    "agreement --coders anna,bram",
    "disagreements --coders anna,bram --code doorgroei-plafond",
    "matrix --coder anna",
]


def build_study(folder: Path) -> int:
    """The example study imported and coded by anna and bram; returns a participant's fragment id."""
    from qcode import Project

    shutil.copytree(REPO / "transcripts", folder / "transcripts")
    shutil.copytree(REPO / "codebooks", folder / "codebooks")
    with Project.init(folder) as project:
        project.load_codebook(folder / "codebooks" / "exitstudie.yaml")
        project.import_paths([folder / "transcripts"])
        for coder in ("anna", "bram"):
            project.import_codings(folder / "transcripts" / "codings" / f"{coder}.csv", read_whole=True)
        return project.fragments(participant="U02", role="participant")[0].id


def build_floor(folder: Path) -> tuple[Path, Path]:
    import sqlite3

    app = folder / "floor.py"
    app.write_text(FLOOR_APP, encoding="utf-8")
    database = folder / "floor.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES ('een rij')")
    return app, database


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command` in a fresh process; a failure stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "80"})
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command (the best counts)")
    parser.add_argument("--only", help="comma-separated command names, e.g. status,search")
    args = parser.parse_args()
    commands = [c for c in COMMANDS if not args.only or c.split()[0] in args.only.split(",")]

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        study = folder / "studie"
        fragment = build_study(study)
        floor_app, floor_db = build_floor(folder)
        floors = {"help": [sys.executable, str(floor_app), "--help"],
                  "row": [sys.executable, str(floor_app), "row", str(floor_db)]}

        print(f"{'command':<48} {'qcode s':>8} {'floor s':>8} {'ratio':>6} {'qcode CPU':>10} {'floor CPU':>10} "
              f"{'CPU ratio':>9}")
        for command in commands:
            ours = [str(QCODE), *command.format(fragment=fragment).split()]
            floor = floors["help" if command == "--help" else "row"]  # help beside help: Rich formats both
            runs: dict[str, list[tuple[float, float]]] = {"ours": [], "floor": []}
            timed(ours, study)  # warm the page cache for both before timing
            timed(floor, folder)
            for _ in range(args.repeat):
                runs["ours"].append(timed(ours, study))
                runs["floor"].append(timed(floor, folder))
            wall = {side: min(w for w, _ in found) for side, found in runs.items()}
            cpu = {side: min(c for _, c in found) for side, found in runs.items()}
            print(f"{'qcode ' + command.format(fragment=fragment):<48} {wall['ours']:>8.3f} {wall['floor']:>8.3f} "
                  f"{wall['ours'] / wall['floor']:>6.2f} {cpu['ours']:>10.3f} {cpu['floor']:>10.3f} "
                  f"{cpu['ours'] / cpu['floor']:>9.2f}")


if __name__ == "__main__":
    main()
