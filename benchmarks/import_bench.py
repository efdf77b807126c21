"""qcode import against its floor: spaCy's nlp.pipe over the same paragraphs plus one executemany.

Usage:  .venv/bin/python benchmarks/import_bench.py [--sizes 20,200] [--words 10000]

For each size N it writes a synthetic corpus of N transcripts, then runs, each in a fresh process
(so peak memory is its own): `qcode import` through the Python API that the command calls, the
floor, and a second floor, in turn, --repeat times each, and keeps each side's best time (this
machine's speed wanders by ±30% from one run to the next). It prints words per second, the ratios
of the times, and peak memory (max RSS).

floor:  the issue's floor: the fallback pipeline (sentencizer + lookup lemmatizer) over every
        paragraph, the lemmas read from the tokens, one executemany.
floor*: the same with the lemmas looked up once per distinct word (spaCy's lemmatizer left out of
        nlp.pipe, its lookup table asked in the token pass and cached) — what the floor would cost
        with qcode's shortcut, so `ratio*` is qcode's own overhead: reading, stored text, turns,
        offsets, sentences, the search lemmas (qcode.lemmas: more sources than the floor's one
        table), the FTS index and the word-form table.
"""
from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus  # noqa: E402


def floor_pipeline():
    """The issue's fallback pipeline, as qcode had it: blank Dutch, sentencizer, lookup lemmatizer."""
    import spacy

    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def run_qcode(corpus: Path, work: Path) -> dict:
    from qcode import Project
    from qcode.lemmas import dutch_lemmas
    from qcode.segment import load_pipeline

    load_pipeline()  # both sides start with the pipeline and their lemma tables loaded
    dutch_lemmas().lemmas("werkte")
    project = Project.init(work / "project")
    started = time.perf_counter()
    report = project.import_paths([corpus])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "words": report.words, "fragments": report.fragments}


def run_floor(corpus: Path, work: Path) -> dict:
    nlp = floor_pipeline()
    started = time.perf_counter()
    rows, words = [], 0
    for doc in nlp.pipe(_paragraphs(corpus), batch_size=256):
        tokens = [t for t in doc if not (t.is_punct or t.is_space)]
        words += len(tokens)
        rows.append((doc.text, " ".join(t.lemma_ for t in tokens), len(tokens)))
    _store_rows(work, rows)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "words": words, "fragments": len(rows)}


def run_floor_with_lookup(corpus: Path, work: Path) -> dict:
    from spacy.attrs import ORTH

    nlp = floor_pipeline()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    cache: dict[int, str | None] = {}

    def lemma(orth: int, vocab) -> str | None:
        if orth not in cache:
            lexeme = vocab[orth]
            cache[orth] = None if lexeme.is_punct or lexeme.is_space else table.get(lexeme.orth_, lexeme.orth_).lower()
        return cache[orth]

    started = time.perf_counter()
    rows, words = [], 0
    for doc in nlp.pipe(_paragraphs(corpus), batch_size=256, disable=["lemmatizer"]):
        lemmas = [found for orth in doc.to_array(ORTH).tolist() if (found := lemma(orth, doc.vocab)) is not None]
        words += len(lemmas)
        rows.append((doc.text, " ".join(lemmas), len(lemmas)))
    _store_rows(work, rows)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "words": words, "fragments": len(rows)}


def _paragraphs(corpus: Path) -> Iterator[str]:
    return (p.strip().removeprefix("I: ").removeprefix("R: ")
            for path in sorted(corpus.glob("*.txt"))
            for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip())


def _store_rows(work: Path, rows: list[tuple[str, str, int]]) -> None:
    conn = sqlite3.connect(work / "floor.db")
    conn.execute("CREATE TABLE fragments (id INTEGER PRIMARY KEY, text TEXT, lemmas TEXT, words INTEGER)")
    with conn:
        conn.executemany("INSERT INTO fragments (text, lemmas, words) VALUES (?, ?, ?)", rows)


RUNS = {"qcode": run_qcode, "floor": run_floor, "floor*": run_floor_with_lookup}


def worker(kind: str, corpus: Path, work: Path) -> None:
    result = RUNS[kind](corpus, work)
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(kind: str, corpus: Path, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    output = subprocess.run([sys.executable, __file__, "--worker", kind, str(corpus), str(work)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20,200", help="numbers of transcripts, comma-separated")
    parser.add_argument("--words", type=int, default=10_000, help="words per transcript")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the best counts")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))
        return
    peaks = {}
    print(f"{'N':>5} {'words':>10} {'qcode w/s':>10} {'floor w/s':>10} {'floor* w/s':>10} {'ratio':>6} "
          f"{'ratio*':>6} {'qcode MB':>9} {'floor MB':>9}")
    with tempfile.TemporaryDirectory() as scratch:
        for size in [int(s) for s in args.sizes.split(",")]:
            corpus = Path(scratch) / f"corpus-{size}"
            write_corpus(corpus, size, args.words)
            runs: dict[str, list[dict]] = {kind: [] for kind in RUNS}
            for attempt in range(args.repeat):
                for kind in runs:
                    runs[kind].append(measure(kind, corpus, Path(scratch) / f"{kind}-{size}-{attempt}"))
            ours, floor, lookup = (min(runs[kind], key=lambda r: r["seconds"]) for kind in RUNS)
            peaks[size] = ours["max_rss_mb"]
            speeds = "".join(f"{r['words'] / r['seconds']:>11,.0f}" for r in (ours, floor, lookup))
            print(f"{size:>5} {ours['words']:>10,}{speeds} {ours['seconds'] / floor['seconds']:>6.2f} "
                  f"{ours['seconds'] / lookup['seconds']:>6.2f} {ours['max_rss_mb']:>9.0f} {floor['max_rss_mb']:>9.0f}")
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        print(f"peak memory of qcode import at N={large} is {peaks[large] / peaks[small]:.2f}× that at N={small}")


if __name__ == "__main__":
    main()
