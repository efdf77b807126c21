"""The report and the matrices on a large coded project, each beside its floor.

Usage:  .venv/bin/python benchmarks/report_bench.py [--transcripts 1000] [--fragments 300000] [--codings 100000]

Floors: for the report, reading every coded fragment's text with one SELECT and writing it to a
file (the least any report of all quotes must do); for the matrix, one GROUP BY over the codings.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic_project import build  # noqa: E402

from qcode import Project, coding  # noqa: E402
from qcode.db import transaction  # noqa: E402
from qcode.render.report import ReportOptions  # noqa: E402


def add_codings(project: Project, count: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    fragments = [row[0] for row in project.conn.execute(
        "SELECT f.id FROM fragments f JOIN turns t ON t.id = f.turn_id WHERE t.role = 'participant'")]
    codes = [row[0] for row in project.conn.execute("SELECT id FROM codes WHERE parent_id IS NOT NULL")]
    chosen = sorted({(rng.choice(fragments), rng.choice(codes)) for _ in range(count * 2)})[:count]
    rows = [(fragment, code, "anna", rng.random() < 0.01, rng.random() < 0.03, None) for fragment, code in chosen]
    with transaction(project.db) as conn:
        coding.apply_checked(conn, rows)


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--fragments", type=int, default=300_000)
    parser.add_argument("--codings", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        project = build(Path(scratch) / "project", args.transcripts, args.fragments)
        add_codings(project, args.codings)
        print(f"synthetic project: {args.transcripts:,} transcripts, {args.fragments:,} fragments, "
              f"{args.codings:,} codings")
        out = Path(scratch) / "out"
        out.mkdir()  # outside the project qcode makes no missing folders

        def floor_report() -> None:
            out.mkdir(exist_ok=True)
            texts = project.conn.execute("SELECT f.text FROM codings c JOIN fragments f ON f.id = c.fragment_id")
            (out / "floor.md").write_text("\n".join(row[0] for row in texts), encoding="utf-8")

        def floor_matrix() -> None:
            project.conn.execute("SELECT code_id, fragment_id, MAX(main) FROM codings GROUP BY code_id, "
                                 "fragment_id").fetchall()

        figures = [
            ("report --format md", timed(lambda: project.report(ReportOptions(coder="anna"), "md", out / "r.md")),
             timed(floor_report)),
            ("report --format md --max-quotes 5",
             timed(lambda: project.report(ReportOptions(coder="anna", max_quotes=5), "md", out / "r5.md")),
             timed(floor_report)),
            ("matrix", timed(lambda: project.matrices(coder="anna")), timed(floor_matrix)),
            ("matrix --by age", timed(lambda: project.matrices(coder="anna", by="age")), timed(floor_matrix)),
            ("matrix --cooccurrence", timed(lambda: project.matrices(coder="anna", cooccurrence=True)),
             timed(floor_matrix)),
        ]
        print(f"{'command':<36} {'qcode s':>8} {'floor s':>8} {'ratio':>6}")
        for name, ours, floor in figures:
            print(f"{name:<36} {ours:>8.2f} {floor:>8.2f} {ours / floor:>6.1f}")
        project.close()


if __name__ == "__main__":
    main()
