"""The coder's suggestion bar: does a key wait for it? Keys with the bar beside keys without it.

Usage:  .venv/bin/python benchmarks/coder_suggest_bench.py [--keys 20]

The example study (12 interviews, the exit codebook, anna's and bram's codings) in a temporary
folder; the coder opened for anna through Textual's pilot at 80×24. Each figure is the median time
from pressing `n` until the next fragment is shown, and until the app is idle again (drawn, with the
suggestions once they came), printed beside the floor — the same keys with the bar switched off —
and their ratio. Also: how long the first suggestions take
(the suggester's process starting and learning anna's codings), how long after a key the next
fragment's suggestions are on screen, and how long relearning takes after `a` applied one.
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from qcode import Project
from qcode.tui import CoderApp
from qcode.tui.suggestions import SuggestionBar

REPO = Path(__file__).resolve().parent.parent


def example(folder: Path) -> Path:
    root = folder / "studie"
    shutil.copytree(REPO / "transcripts", root / "transcripts")
    with Project.init(root) as project:
        project.load_codebook(REPO / "codebooks" / "exitstudie.yaml")
        project.import_paths([root / "transcripts"])
        for coder in ("anna", "bram"):
            project.import_codings(root / "transcripts" / "codings" / f"{coder}.csv", read_whole=True)
    return root


async def keys(pilot, count: int) -> tuple[float, float]:
    """Medians over `count` presses of n: until the next fragment is shown (the app has put it in
    its widgets), and until the app is idle again (drawn, with the suggestions if they came)."""
    app, marks = pilot.app, []
    show = app.show_fragment

    def timed_show() -> None:
        show()
        marks.append(time.perf_counter())
    app.show_fragment = timed_show
    shown, idle = [], []
    for _ in range(count):
        marks.clear()
        began = time.perf_counter()
        await pilot.press("n")
        await pilot.pause()
        idle.append(time.perf_counter() - began)
        shown.append(marks[0] - began)
    app.show_fragment = show
    return statistics.median(shown), statistics.median(idle)


async def until(pilot, condition, what: str) -> float:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    while not condition():
        if time.perf_counter() - began > 300:
            raise SystemExit(f"gave up waiting for {what}")
        await pilot.pause(0.01)
    return time.perf_counter() - began


async def run(study: Path, count: int, suggestions: bool) -> dict[str, float]:
    figures: dict[str, float] = {}
    with Project.open(study) as project:
        app = CoderApp(project.coding_session("anna"), suggestions=suggestions)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            began = time.perf_counter()
            figures["while learning"], figures["while learning, idle"] = await keys(pilot, count)
            if not suggestions:
                figures["after"], figures["after, idle"] = await keys(pilot, count)
                return figures
            bar = app.query_one(SuggestionBar)
            await until(pilot, lambda: bar.ready, "the first suggestions")
            figures["first suggestions"] = time.perf_counter() - began
            figures["after"], figures["after, idle"] = await keys(pilot, count)
            shown = []
            for _ in range(count):
                await pilot.press("n")
                shown.append(await until(pilot, lambda: bar.ready, "a fragment's suggestions"))
            figures["shown"] = statistics.median(shown)
            while not (fresh := [c for c in bar.codes if c not in app.session.applied()]):  # one anna has not applied
                await pilot.press("n")
                await until(pilot, lambda: bar.ready, "a fragment's suggestions")
            trainings = bar.trainings
            await pilot.press(str(bar.codes.index(fresh[0]) + 1))
            figures["relearned"] = await until(pilot, lambda: bar.trainings > trainings, "relearning")
            await pilot.press("z")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=20, help="presses of n per figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        study = example(Path(scratch))
        floor = asyncio.run(run(study, args.keys, False))
        ours = asyncio.run(run(study, args.keys, True))
    for name in ("while learning", "after"):
        for what, key in (("fragment shown", name), ("app idle again", f"{name}, idle")):
            print(f"n, {name:<14} → {what}:  with the bar {ours[key] * 1000:6.1f} ms   without "
                  f"{floor[key] * 1000:6.1f} ms   ratio {ours[key] / floor[key]:5.2f}")
    print(f"first suggestions on screen {ours['first suggestions']:6.2f} s after opening (learning anna's codings)")
    print(f"next fragment's suggestions {ours['shown'] * 1000:6.1f} ms after its key (median)")
    print(f"relearned after applying one {ours['relearned']:6.2f} s (in the background)")


if __name__ == "__main__":
    sys.exit(main())
