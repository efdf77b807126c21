"""The coder and the codings import on a large project, each beside its floor.

Usage:  .venv/bin/python benchmarks/coding_bench.py [--transcripts 1000] [--fragments 300000]
                                                     [--keys 40] [--codings 100000]

1. The interactive coder, driven through Textual's pilot: moving to the next fragment (n) and
   toggling the highlighted code (Enter), per key. Every pilot key press also waits for the app to
   fall idle, which costs time in any app, so the same presses are timed on a floor app (one
   Static updated per key), and qcode's own share is the difference.
2. `qcode codings import` of a CSV of --codings rows (fragment ids), against the floor of reading
   the same CSV with the csv module and one executemany INSERT.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from textual.app import App
from textual.widgets import Static

sys.path.insert(0, str(Path(__file__).parent))
from synthetic_project import build  # noqa: E402

from qcode import Project  # noqa: E402
from qcode.tui import CoderApp  # noqa: E402

SIZE = (150, 50)


class FloorApp(App[None]):
    BINDINGS = [("n", "bump", ""), ("enter", "bump", "")]

    def compose(self):
        yield Static("0", id="counter")

    def action_bump(self) -> None:
        counter = self.query_one("#counter", Static)
        counter.update(str(int(str(counter.content)) + 1))


async def time_keys(app: App, keys: list[str]) -> tuple[float, float]:
    """Milliseconds per key, wall and CPU, pressing each key and waiting for the screen."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        wall, cpu = time.perf_counter(), time.process_time()
        for key in keys:
            await pilot.press(key)
        return ((time.perf_counter() - wall) * 1000 / len(keys), (time.process_time() - cpu) * 1000 / len(keys))


def coder_figures(project: Project, keys: int) -> None:
    began = time.perf_counter()
    session = project.coding_session("bench")
    opened = time.perf_counter() - began
    print(f"coder opens on {len(session.queue):,} participant fragments in {opened * 1000:.0f} ms")
    print(f"{'key':<22} {'qcode ms':>9} {'floor ms':>9} {'qcode−floor':>12} {'qcode cpu':>10} {'floor cpu':>10}")
    for name, pressed in (("n (next fragment)", ["n"] * keys), ("Enter (toggle code)", ["enter"] * keys)):
        ours = asyncio.run(time_keys(CoderApp(project.coding_session("bench")), pressed))
        floor = asyncio.run(time_keys(FloorApp(), pressed))
        print(f"{name:<22} {ours[0]:>9.1f} {floor[0]:>9.1f} {ours[0] - floor[0]:>12.1f} {ours[1]:>10.1f} "
              f"{floor[1]:>10.1f}")
    calls = 500
    session = project.coding_session("bench-api")
    began = time.perf_counter()
    for _ in range(calls):
        session.next()
        session.context()
    moved = (time.perf_counter() - began) * 1000 / calls
    began = time.perf_counter()
    for _ in range(calls):
        session.toggle("werkdruk")
    toggled = (time.perf_counter() - began) * 1000 / calls
    print(f"API alone: next + context {moved:.2f} ms, toggle {toggled:.2f} ms")


def import_figures(project: Project, count: int, scratch: Path) -> None:
    rng = random.Random(3)
    fragment_ids = [row[0] for row in project.conn.execute(
        "SELECT f.id FROM fragments f JOIN turns t ON t.id = f.turn_id WHERE t.role = 'participant'")]
    codes = [row[0] for row in project.conn.execute("SELECT id FROM codes WHERE active = 1")]
    rows = {(rng.choice(fragment_ids), rng.choice(codes)) for _ in range(count * 2)}
    rows = sorted(rows)[:count]
    sheet = scratch / "codings.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["fragment", "code", "coder", "main", "star", "memo"])
        writer.writerows((fragment, code, "importer", 0, int(i % 50 == 0), "") for i, (fragment, code)
                         in enumerate(rows))
    began = time.perf_counter()
    result = project.import_codings(sheet)
    ours = time.perf_counter() - began
    floor_db = sqlite3.connect(scratch / "floor.db")
    floor_db.execute("CREATE TABLE codings (fragment_id INTEGER, code_id TEXT, coder TEXT, main INTEGER, "
                     "star INTEGER, memo TEXT, UNIQUE (fragment_id, code_id, coder))")
    began = time.perf_counter()
    with sheet.open(newline="", encoding="utf-8") as handle, floor_db:
        reader = csv.reader(handle)
        next(reader)
        floor_db.executemany("INSERT INTO codings VALUES (?, ?, ?, ?, ?, ?)", reader)
    floor = time.perf_counter() - began
    again = time.perf_counter()
    repeat = project.import_codings(sheet)
    twice = time.perf_counter() - again
    print(f"codings import of {count:,} rows: qcode {ours:.2f} s ({result.applied:,} applied), floor {floor:.2f} s, "
          f"ratio {ours / floor:.1f}; the same file again {twice:.2f} s ({repeat.unchanged:,} unchanged)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--fragments", type=int, default=300_000)
    parser.add_argument("--keys", type=int, default=40, help="key presses timed per key")
    parser.add_argument("--codings", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        began = time.perf_counter()
        project = build(Path(scratch) / "project", args.transcripts, args.fragments)
        print(f"synthetic project: {args.transcripts:,} transcripts, {args.fragments:,} fragments "
              f"(built in {time.perf_counter() - began:.1f} s)")
        coder_figures(project, args.keys)
        import_figures(project, args.codings, Path(scratch))
        project.close()


if __name__ == "__main__":
    main()
