"""Code suggestions: latency per fragment, retraining after a coding, and a whole large project.

Usage:  .venv/bin/python benchmarks/suggest_bench.py [--fragments 300000] [--codings 2000]

A synthetic project (benchmarks/synthetic_project.py; lemmas stand in as the lower-cased text) with
one coder who coded --codings participant fragments, each with a code whose keyword it contains
(else a random one). Each figure is printed beside a floor: what the same step costs in SQLite alone
(reading the rows it needs), and the ratio; `cpu` is the processor time, which on a shared machine
is what an idle one's wall time would be. Goals: retraining after one more coding < 0.5 s, one
fragment < 20 ms, the whole project < 60 s.
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
from qcode.db import transaction  # noqa: E402
from qcode.suggest.data import coded_fragments, participant_fragments  # noqa: E402
from qcode.suggest.suggester import Suggester, suggestions_for  # noqa: E402


CPU: dict[str, float] = {}  # the processor time of the last timed step: on a shared machine, wall time waits


def timed(step):  # type: ignore[no-untyped-def]
    began, cpu = time.perf_counter(), time.process_time()
    result = step()
    CPU["last"] = time.process_time() - cpu
    return time.perf_counter() - began, result


def line(name: str, ours: float, floor: float, goal: str, cpu: float) -> None:
    print(f"{name:<44} ours {ours * 1000:9.1f} ms (cpu {cpu * 1000:8.1f})   floor {floor * 1000:8.1f} ms   "
          f"ratio {ours / floor:7.1f}   goal {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fragments", type=int, default=300_000, help="participant fragments")
    parser.add_argument("--codings", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as scratch:
        project = build(Path(scratch) / "project", max(10, args.fragments // 300), args.fragments * 3 // 2)
        conn = project.conn
        with transaction(project.db) as c:
            c.execute("UPDATE fragments SET lemmas = lower(replace(replace(replace(text, '.', ''), ',', ''), '?', ''))")
        fragments = participant_fragments(conn)
        print(f"{len(fragments):,} participant fragments, {args.codings:,} codings by one coder")
        books = Suggester.for_coder(conn, None)
        codebook = books.codebook
        sample = rng.sample(fragments, args.codings + 1)
        last, sample = sample[-1], sample[:-1]
        hits = books.scorer.weighting.keyword_hits(
            books.bank.counts([f.lemma_text for f in sample], [f.question for f in sample])).toarray()
        rows = []
        for fragment, row in zip(sample, hits):
            found = [j for j, n in enumerate(row) if n]
            code = codebook.ids[rng.choice(found)] if found else rng.choice(codebook.ids)
            rows.append((fragment.id, code, "anna", False, False, None))
        with transaction(project.db) as c:
            coding.apply_checked(c, rows)

        first, suggester = timed(lambda: Suggester.for_coder(conn, "anna"))
        cpu = CPU["last"]
        floor, _ = timed(lambda: coded_fragments(conn, "anna", set(codebook.ids)))
        line(f"first training on {args.codings:,} codings", first, floor, "(once per coder)", cpu)
        with transaction(project.db) as c:
            coding.apply_checked(c, [(last.id, codebook.ids[0], "anna", False, False, None)])
        retrain, suggester = timed(lambda: Suggester.for_coder(conn, "anna"))
        cpu = CPU["last"]
        assert suggester.model is not None and last.id in suggester.model.train_ids
        floor, _ = timed(lambda: coded_fragments(conn, "anna", set(codebook.ids)))
        line(f"retrain after a coding ({args.codings + 1:,} codings)", retrain, floor, "< 500 ms", cpu)

        picks = rng.sample(fragments, 200)
        ours, _ = timed(lambda: [suggester.suggest(participant_fragments(conn, ids=[f.id]), 3) for f in picks])
        cpu = CPU["last"]
        floor, _ = timed(lambda: [participant_fragments(conn, ids=[f.id]) for f in picks])
        line("one fragment (mean of 200)", ours / 200, floor / 200, "< 20 ms", cpu / 200)

        whole, found = timed(lambda: suggestions_for(conn, "anna", top=3))
        cpu = CPU["last"]
        floor, _ = timed(lambda: participant_fragments(conn, uncoded_by="anna"))
        line(f"qcode suggest over {len(fragments):,} fragments", whole, floor, "< 60,000 ms", cpu)
        project.close()


if __name__ == "__main__":
    main()
