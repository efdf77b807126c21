"""Pseudonymised exports (issue 15): the detector's cold and warm start, and pseudonymising reports.

Usage:  .venv/bin/python benchmarks/anonymise_bench.py [--cold] [--fragments 300000] [--codings 100000]

- cold (with --cold; minutes): a fresh process with an empty cache folder scans the example study,
  so deduce builds its lookup tables first (what a researcher's very first scan costs, once);
- warm: a fresh process with the cache on disk scans the example study (deduce loaded from the cache);
- the example study's report (12 interviews, anna's coding), fragments already scanned: the report as
  exports make it (pseudonymised: its Pseudonymiser built from the stored findings, every quote,
  attribution and own text through it) beside the same report with `pseudonymiser=None` (what
  `--no-anonymise` writes), as a ratio; goal under 2 s;
- the same on a synthetic 300,000-fragment project with 100,000 codings and ~40,000 stored findings
  of ~7,000 identifier texts planted in its fragments; goal under 10 s.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from report_bench import add_codings  # noqa: E402
from synthetic_project import build  # noqa: E402

from qcode import Project  # noqa: E402
from qcode.anonymise import pseudonymiser, scan  # noqa: E402
from qcode.anonymise.store import detector_version  # noqa: E402
from qcode.db import transaction  # noqa: E402
from qcode.render.report import ReportOptions  # noqa: E402

REPO = Path(__file__).parent.parent
FIRST = ["Petra", "Yvonne", "Dirk", "Karin", "Mehmet", "Fatima", "Joost", "Ilse", "Sanne", "Bram", "Noor", "Daan",
         "Lotte", "Youssef", "Anouk", "Gert-Jan", "Marloes", "Sven", "Hanneke", "Thijs", "Esra", "Wouter", "Lieke",
         "Ruben", "Naima", "Jeroen", "Femke", "Kees", "Ayla", "Bas"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos", "Peters",
        "Hendriks", "van Dijk", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Kaya", "Yilmaz", "El Amrani"]
PLACES = ["Lelystad", "Dronten", "Zwolle", "Deventer", "Amersfoort", "Zoetermeer", "Almelo", "Hengelo", "Emmen",
          "Assen", "Heerlen", "Venlo", "Roosendaal", "Gouda", "Schiedam", "Vlaardingen", "Purmerend", "Hoorn"]

EXAMPLE_SCAN = """
import sys, time
from pathlib import Path
from qcode import Project
from qcode.anonymise import scan
project = Project.open(sys.argv[1])
began = time.perf_counter()
count = scan(project)
print(f"{count} {time.perf_counter() - began:.2f}")
"""


def example_project(folder: Path, coded: bool = True) -> Project:
    for part in ("codebooks", "transcripts"):
        shutil.copytree(REPO / part, folder / part)
    project = Project.init(folder / "studie")
    project.load_codebook(folder / "codebooks" / "exitstudie.yaml")
    project.import_paths([p for p in (folder / "transcripts").iterdir() if p.suffix in (".txt", ".md", ".docx", ".vtt")
                          or p.name == "participants.csv"])
    if coded:
        project.import_codings(folder / "transcripts" / "codings" / "anna.csv", read_whole=True)
    return project


def scan_in_a_fresh_process(folder: Path, cache: Path | None) -> tuple[int, float, float]:
    """(fragments scanned, the scan's own time, the whole process's time)."""
    env = dict(os.environ)
    if cache is not None:
        env["QCODE_CACHE_DIR"] = str(cache)
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", EXAMPLE_SCAN, str(folder)], env=env, check=True,
                          capture_output=True, text=True)
    whole = time.perf_counter() - began
    count, seconds = done.stdout.split()
    return int(count), float(seconds), whole


def report_pseudonymised(project: Project, options: ReportOptions, out: Path) -> tuple[float, float]:
    """(the report as it was, `pseudonymiser=None` / `--no-anonymise`; the report as exports make it, with
    its own Pseudonymiser for the fragments it can quote, all scanned before): the floor and ours."""
    built = []

    def replacer(fragment_ids):
        built.append(project.pseudonymiser(fragment_ids=fragment_ids))
        return built[-1]

    project.report(options, "md", out / "warm-up.md", pseudonymiser=None)
    floor = min(_timed(lambda: project.report(options, "md", out / "floor.md", pseudonymiser=None)) for _ in range(2))
    ours = min(_timed(lambda: project.report(options, "md", out / "ours.md", pseudonymiser=replacer))
               for _ in range(2))
    print(f"  {built[-1].note()}")
    return floor, ours


def _timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def plant_identifiers(project: Project, fragments: int, seed: int = 7) -> int:
    """Append a sentence naming a person, an organisation and a municipality to `fragments` random
    participant fragments, and store those findings as a scan would; every fragment counts as scanned."""
    rng = random.Random(seed)
    people = [f"{first} {last}" for first in FIRST for last in LAST] + FIRST
    organisations = [f"Stichting Welzijn {place}" for place in PLACES] + [f"wijkteam {place}-Noord" for place in PLACES]
    conn = project.conn
    ids = [row[0] for row in conn.execute("SELECT f.id FROM fragments f JOIN turns t ON t.id = f.turn_id "
                                          "WHERE t.role = 'participant'")]
    chosen = rng.sample(ids, min(fragments, len(ids)))
    texts = dict(conn.execute(f"SELECT id, text FROM fragments WHERE id IN ({','.join(map(str, chosen))})"))
    updates, findings = [], []
    for fragment_id in chosen:
        person, organisation, place = rng.choice(people), rng.choice(organisations), rng.choice(PLACES)
        text = texts[fragment_id] + f" Ik sprak {person} van {organisation} in de gemeente {place}."
        updates.append((text, fragment_id))
        for found, category in ((person, "persoon"), (organisation, "organisatie"), (f"gemeente {place}", "gemeente"),
                                (place, "gemeente")):
            start = text.rindex(found)
            findings.append((fragment_id, start, start + len(found), found, category, "deduce"))
    with transaction(project.db) as write:
        write.executemany("UPDATE fragments SET text = ? WHERE id = ?", updates)
        write.executemany('INSERT INTO anonymise_findings (fragment_id, start, "end", text, category, source) '
                          "VALUES (?, ?, ?, ?, ?, ?)", findings)
        write.execute("INSERT OR REPLACE INTO anonymise_scans (fragment_id, detector, scanned_at) "
                      "SELECT id, ?, '2026-11-25T00:00:00+00:00' FROM fragments", (detector_version(),))
    return len({f[3] for f in findings})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold", action="store_true", help="also measure the first scan ever (builds deduce's cache)")
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--fragments", type=int, default=300_000)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--planted", type=int, default=10_000, help="fragments given a sentence with identifiers")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        example = example_project(scratch / "voorbeeld")
        fragments = example.status().fragments
        example.close()
        if args.cold:
            cold = scratch / "cold-cache"
            count, scan_s, whole = scan_in_a_fresh_process(scratch / "voorbeeld" / "studie", cold)
            print(f"cold: first scan ever of the example ({count} fragments), cache built: {scan_s:.1f} s "
                  f"(process {whole:.1f} s)")
            rows.append(("scan, cold (builds the cache)", scan_s, None))
            with Project.open(scratch / "voorbeeld" / "studie") as project, transaction(project.db) as conn:
                conn.execute("DELETE FROM anonymise_scans")
        count, scan_s, whole = scan_in_a_fresh_process(scratch / "voorbeeld" / "studie", None)
        print(f"warm: scan of the example ({count} of {fragments} fragments) in a fresh process: {scan_s:.1f} s "
              f"(deduce loaded from its cache; process {whole:.1f} s)")
        rows.append(("scan, warm (cache on disk)", scan_s, None))

        out = scratch / "out"
        out.mkdir()
        with Project.open(scratch / "voorbeeld" / "studie") as project:
            options = ReportOptions(coder="anna", attributes=("former_role", "age"), max_quotes=4)
            floor, ours = report_pseudonymised(project, options, out)
            rows.append(("example report, pseudonymised", ours, floor))

        project = build(scratch / "groot", args.transcripts, args.fragments)
        add_codings(project, args.codings)
        texts = plant_identifiers(project, args.planted)
        print(f"synthetic project: {args.fragments:,} fragments, {args.codings:,} codings, "
              f"{texts:,} identifier texts in {args.planted:,} fragments")
        floor, ours = report_pseudonymised(project, ReportOptions(coder="anna"), out)
        rows.append((f"{args.fragments:,}-fragment report, pseudonymised", ours, floor))
        project.close()
    print(f"\n{'what':<42} {'qcode s':>8} {'floor s':>8} {'ratio':>6}")
    for name, ours, floor in rows:
        floor_text = f"{floor:>8.2f} {ours / floor:>6.2f}" if floor else f"{'':>8} {'':>6}"
        print(f"{name:<42} {ours:>8.2f} {floor_text}")


if __name__ == "__main__":
    main()
