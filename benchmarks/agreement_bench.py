"""Agreement of three coders over 300,000 fragments and 40 codes, beside its floor.

Usage:  .venv/bin/python benchmarks/agreement_bench.py [--units 300000] [--codes 40] [--codings 60000]

Every participant fragment is seen by all three coders; each coder applies --codings codes, mostly
the same ones with some differences. The floor is only fetching the rows agreement needs (the
fragments all coders saw, and their codings) from SQLite.
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

from qcode import coding  # noqa: E402
from qcode.agreement import common_fragments  # noqa: E402
from qcode.db import transaction  # noqa: E402

CODERS = ["anna", "bram", "carla"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=300_000, help="participant fragments")
    parser.add_argument("--codes", type=int, default=40)
    parser.add_argument("--codings", type=int, default=60_000, help="per coder")
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as scratch:
        project = build(Path(scratch) / "project", 1000, args.units * 3 // 2)  # two of three are answers
        fragments = [row[0] for row in project.conn.execute(
            "SELECT f.id FROM fragments f JOIN turns t ON t.id = f.turn_id WHERE t.role = 'participant'")]
        codes = [row[0] for row in project.conn.execute(
            f"SELECT id FROM codes WHERE active = 1 ORDER BY position LIMIT {args.codes}")]
        shared = [(rng.choice(fragments), rng.choice(codes)) for _ in range(args.codings)]
        with transaction(project.db) as conn:
            for coder in CODERS:
                own = [pair if rng.random() < 0.8 else (rng.choice(fragments), rng.choice(codes)) for pair in shared]
                coding.apply_checked(conn, [(f, c, coder, False, False, None) for f, c in sorted(set(own))])
                conn.executemany("INSERT OR IGNORE INTO seen (fragment_id, coder, at) VALUES (?, ?, 'x')",
                                 [(f, coder) for f in fragments])
        print(f"synthetic project: {len(fragments):,} participant fragments seen by {len(CODERS)} coders, "
              f"{len(codes)} codes, ~{args.codings:,} codings each")

        began = time.perf_counter()
        common_fragments(project.conn, CODERS)
        project.conn.execute("SELECT fragment_id, code_id, coder FROM codings").fetchall()
        floor = time.perf_counter() - began

        began = time.perf_counter()
        result = project.agreement(CODERS, "code")
        ours = time.perf_counter() - began
        began = time.perf_counter()
        project.agreement(CODERS, "theme")
        theme = time.perf_counter() - began
        print(f"{'agreement':<26} {'qcode s':>8} {'floor s':>8} {'ratio':>6}")
        print(f"{'--level code':<26} {ours:>8.2f} {floor:>8.2f} {ours / floor:>6.1f}")
        print(f"{'--level theme':<26} {theme:>8.2f} {floor:>8.2f} {theme / floor:>6.1f}")
        print(f"overall alpha {result.overall.alpha:.3f} over {result.overall.units:,} decisions")
        project.close()


if __name__ == "__main__":
    main()
