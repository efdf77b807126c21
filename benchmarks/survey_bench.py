"""A national consultation at scale: import, codings and the per-question counts, each beside its floor.

Usage:  .venv/bin/python benchmarks/survey_bench.py [--respondents 1200] [--questions 10] [--repeat 2]

The sheet: --respondents rows, 15 closed questions, --questions open questions (answers of 5–150
words built from benchmarks/consultation.py's sentences; about four in five answered), coded by one
coder as a consultation's coder codes: each answer with the categories it says, and with the
features a report also counts (own experience, speaking for the team, concrete figures, about
clients, about the organisation; a context theme added to the consultation codebook, told by the
answer's words): ~31,500 codings for 1,200 × 10. Each side runs in a fresh process, --repeat times,
best time counts (wall clock, and the process's CPU time: on a shared, busy machine the CPU ratio
is the steadier one); the spaCy pipeline is loaded before either side's clock starts, and qcode's lemma
tables are built once (in the user's cache folder, as on a user's first import) before any run.

import   qcode import of the sheet (every open question at once) | floor: reading the sheet with openpyxl,
         spaCy's nlp.pipe over the distinct texts (answers and questions) with spaCy's own Dutch
         lemmas (blank nl + sentencizer + lookup lemmatizer, or nl_core_news_sm where installed), each
         fragment row as qcode stores it (text, offsets, sentences, lemmas, words; a prompt and an
         answer per answered question) and one executemany of those rows in one transaction.
         qcode does more besides: transcripts, turns, participants, the FTS5 index, word forms
codings  qcode codings import of the coder's sheet              | floor: reading the CSV and one executemany
counts   qcode questions --counts (every question, the API)     | floor: one GROUP BY per question over the codings
report   qcode report of the survey (.md, a section per question) | floor: that GROUP BY per question, written as rows
         (the report's text as coded, --no-anonymise: finding identifiers is done once per answer and
         stored, and timed by benchmarks/anonymise_bench.py)
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from consultation import QUESTIONS, SENTENCES, build, write_codings, write_sheet  # noqa: E402

REPO = Path(__file__).parent.parent
CLOSED = 15


# A context theme a consultation's coder adds beside the categories: what an answer is also about,
# told by its words (as a coder reads them). Every answer can get several.
FEATURES = {
    "eigen-ervaring": ("Eigen ervaring", r"\b(ik|mijn|me|mij)\b"),
    "namens-het-team": ("Spreekt voor het team", r"\b(we|wij|ons|onze|collega's)\b"),
    "concreet": ("Concrete aantallen of duur", r"\d|\b(twee|drie|vijf|tien|half|jaar|jaren|elke|avond|dag)\b"),
    "over-clienten": ("Over cliënten", r"cliënt|gezin|mensen|jeugd"),
    "over-de-organisatie": ("Over de organisatie", r"gemeente|organisatie|management|leidinggevende|werkgever|financier"),
}


def bench_codebook(target: Path) -> Path:
    """The consultation codebook with the features theme added (kind: context)."""
    lines = ["", "  - id: kenmerken", "    label: Kenmerken van het antwoord", "    kind: context", "    codes:"]
    for code, (label, _) in FEATURES.items():
        lines += [f"      - id: {code}", f"        label: {label}"]
    text = (REPO / "codebooks" / "consultatie.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n".join(lines) + "\n"
    target.write_text(text, encoding="utf-8")
    return target


def features(text: str) -> list[str]:
    return [code for code, (_, pattern) in FEATURES.items() if re.search(pattern, text, re.IGNORECASE)]


def make_study(folder: Path, respondents: int, questions: int) -> dict:
    pools = list(SENTENCES.items())
    open_questions = {f"V{n:02d}": pools[(n - 1) % len(pools)][1] for n in range(1, questions + 1)}
    texts = {f"V{n:02d}": QUESTIONS[pools[(n - 1) % len(pools)][0]] for n in range(1, questions + 1)}
    rows, codings = build(respondents, open_questions, seed=3, answer_rate=0.8, longest=150)
    codings = [(respondent, question, text, [*chosen, *features(text)]) for respondent, question, text, chosen in codings]
    rng = random.Random(4)
    for row in rows:
        for k in range(1, CLOSED - 4):  # the consultation's own five and ten more closed questions
            row[f"K{k:02d}"] = rng.choice(["ja", "nee", "weet niet", "soms"])
    write_sheet(folder / "consultatie.xlsx", rows, list(open_questions), texts)
    write_codings(folder / "codings.csv", "consultatie.xlsx", codings, "anna")
    with (folder / "vragen.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("vraag", "tekst"), *texts.items()])
    codebook = bench_codebook(folder / "codeboek.yaml")
    return {"questions": list(open_questions), "codebook": str(codebook),
            "answers": [text for _, _, text, _ in codings], "codings": sum(len(c[3]) for c in codings)}


def run_qcode_import(folder: Path, study: dict) -> dict:
    from qcode import Project
    from qcode.segment import load_pipeline

    load_pipeline()  # as the floor's pipeline and openpyxl: loaded before the clock starts
    import openpyxl  # noqa: F401
    project = Project.init(folder / "project")
    project.load_codebook(study["codebook"])
    started, cpu = time.perf_counter(), time.process_time()
    report = project.import_paths([folder / "consultatie.xlsx"], id_column="respondent", text_column=study["questions"],
                                  questions=folder / "vragen.csv")
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "fragments": report.fragments}


def floor_pipeline():  # type: ignore[no-untyped-def]
    """spaCy's own way to Dutch sentences and lemmas: the model where installed, else the blank pipeline
    with the sentencizer and the lookup lemmatizer (spacy-lookups-data)."""
    import spacy

    try:
        return spacy.load("nl_core_news_sm", exclude=["ner"])
    except OSError:
        nlp = spacy.blank("nl")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        return nlp


def run_floor_import(folder: Path, study: dict) -> dict:
    from openpyxl import load_workbook
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, SENT_START

    nlp = floor_pipeline()
    strings = nlp.vocab.strings
    started, cpu = time.perf_counter(), time.process_time()
    book = load_workbook(folder / "consultatie.xlsx", read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = rows[0]
    with (folder / "vragen.csv").open(encoding="utf-8", newline="") as handle:
        question_texts = {row["vraag"]: row["tekst"] for row in csv.DictReader(handle)}
    columns = [(header.index(q), question_texts[q]) for q in study["questions"]]
    turns = [(respondent, turn, text) for respondent, row in enumerate(rows[1:], start=1)
             for turn, (column, question) in enumerate(columns) if row[column]
             for text in (question, str(row[column]))]
    texts = list(dict.fromkeys(text for _, _, text in turns))
    analysed = {}
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=256)):
        tokens = doc.to_array([LEMMA, IS_PUNCT, IS_SPACE, SENT_START, IDX, LENGTH]).tolist()
        lemmas = [strings[lemma].lower() for lemma, punct, space, *_ in tokens if not (punct or space)]
        firsts = [i for i, token in enumerate(tokens) if token[3] == 1 or i == 0]
        sentences = [(tokens[a][4], tokens[b - 1][4] + tokens[b - 1][5]) for a, b in zip(firsts, [*firsts[1:], len(tokens)])]
        analysed[text] = (" ".join(lemmas), len(lemmas), "[" + ",".join(f"[{a},{b}]" for a, b in sentences) + "]")
    stored = [(respondent, turn, idx, text, 0, len(text), *analysed[text])
              for idx, (respondent, turn, text) in enumerate(turns, start=1)]
    conn = sqlite3.connect(folder / "floor.db")
    conn.execute('CREATE TABLE fragments (id INTEGER PRIMARY KEY, transcript_id INTEGER, turn_id INTEGER, idx INTEGER, '
                 'text TEXT, start INTEGER, "end" INTEGER, lemmas TEXT, words INTEGER, sentences TEXT)')
    with conn:
        conn.executemany('INSERT INTO fragments (transcript_id, turn_id, idx, text, start, "end", lemmas, words, '
                         "sentences) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", stored)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "fragments": len(stored)}


def _imported(folder: Path, study: dict):  # type: ignore[no-untyped-def]
    from qcode import Project

    project = Project.init(folder / "project")
    project.load_codebook(study["codebook"])
    project.import_paths([folder / "consultatie.xlsx"], id_column="respondent", text_column=study["questions"],
                                  questions=folder / "vragen.csv")
    return project


def _codings_by_id(project, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    """The coder's sheet with each row's fragment id (answers contained in others make text ambiguous)."""
    ids = {(transcript, text): fid for fid, transcript, text in project.conn.execute(
        "SELECT f.id, tr.name, f.text FROM fragments f JOIN transcripts tr ON tr.id = f.transcript_id")}
    target = folder / "codings-ids.csv"
    with (folder / "codings.csv").open(encoding="utf-8", newline="") as source, \
            target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["fragment", "code", "coder"])
        for row in csv.DictReader(source):
            writer.writerow([ids[(row["transcript"], row["text"])], row["code"], row["coder"]])
    return target


def run_qcode_codings(folder: Path, study: dict) -> dict:
    project = _imported(folder, study)
    sheet = _codings_by_id(project, folder)
    started, cpu = time.perf_counter(), time.process_time()
    result = project.import_codings(sheet)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "codings": result.applied}


def run_floor_codings(folder: Path, study: dict) -> dict:
    project = _imported(folder, study)
    sheet = _codings_by_id(project, folder)
    project.close()
    conn = sqlite3.connect(folder / "project" / "qcode.db")
    started, cpu = time.perf_counter(), time.process_time()
    with sheet.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with conn:
        conn.execute("CREATE TABLE floor (fragment INTEGER, code TEXT, coder TEXT)")
        conn.executemany("INSERT INTO floor VALUES (:fragment, :code, :coder)", rows)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "codings": len(rows)}


def _coded(folder: Path, study: dict):  # type: ignore[no-untyped-def]
    project = _imported(folder, study)
    project.import_codings(_codings_by_id(project, folder), read_whole=True)
    return project


def run_qcode_counts(folder: Path, study: dict) -> dict:
    from qcode import survey_counts

    project = _coded(folder, study)
    started, cpu = time.perf_counter(), time.process_time()
    found = survey_counts.counts(project.conn, "anna", level="code")
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "rows": sum(len(q.categories) for q in found)}


def run_floor_counts(folder: Path, study: dict) -> dict:
    conn = _coded(folder, study).conn
    started, cpu = time.perf_counter(), time.process_time()
    rows = 0
    for question in study["questions"]:
        rows += len(conn.execute(
            "SELECT c.code_id, COUNT(DISTINCT f.transcript_id), COUNT(*) FROM codings c JOIN fragments f ON "
            "f.id = c.fragment_id JOIN turns t ON t.id = f.turn_id WHERE t.question = ? AND c.coder = 'anna' "
            "GROUP BY c.code_id", (question,)).fetchall())
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "rows": rows}


def run_qcode_report(folder: Path, study: dict) -> dict:
    from qcode.render.report import ReportOptions

    project = _coded(folder, study)
    started, cpu = time.perf_counter(), time.process_time()
    written = project.report(ReportOptions(coder="anna", start=4, attributes=("rol",)), "md",
                             folder / "project" / "exports" / "enquete.md", pseudonymiser=None)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "bytes": written.stat().st_size}


def run_floor_report(folder: Path, study: dict) -> dict:
    conn = _coded(folder, study).conn
    started, cpu = time.perf_counter(), time.process_time()
    lines = []
    for question in study["questions"]:
        for code, people, mentions in conn.execute(
                "SELECT c.code_id, COUNT(DISTINCT f.transcript_id), COUNT(*) FROM codings c JOIN fragments f ON "
                "f.id = c.fragment_id JOIN turns t ON t.id = f.turn_id WHERE t.question = ? AND c.coder = 'anna' "
                "GROUP BY c.code_id ORDER BY 2 DESC", (question,)):
            lines.append(f"| {code} | {people} | {mentions} |")
    target = folder / "floor.md"
    target.write_text("\n".join(lines), encoding="utf-8")
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "bytes": target.stat().st_size}


RUNS = {"import": (run_qcode_import, run_floor_import), "codings": (run_qcode_codings, run_floor_codings),
        "counts": (run_qcode_counts, run_floor_counts), "report": (run_qcode_report, run_floor_report)}


def measure(step: str, side: int, folder: Path, study_file: Path) -> dict:
    work = folder / f"{step}-{side}-{time.monotonic_ns()}"
    work.mkdir()
    for name in ("consultatie.xlsx", "codings.csv", "vragen.csv"):
        (work / name).symlink_to(folder / name)
    output = subprocess.run([sys.executable, __file__, "--worker", step, str(side), str(work), str(study_file)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=1200)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--steps", default="import,codings,counts,report", help="which steps, comma-separated")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        step, side, folder, study_file = args.worker
        study = json.loads(Path(study_file).read_text(encoding="utf-8"))
        print(json.dumps(RUNS[step][int(side)](Path(folder), study)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        study = make_study(folder, args.respondents, args.questions)
        study_file = folder / "study.json"
        study_file.write_text(json.dumps(study), encoding="utf-8")
        subprocess.run([sys.executable, "-c", "from qcode.lemma_tables import prepare; prepare()"], check=True)
        words = sum(len(a.split()) for a in study["answers"])
        print(f"synthetic consultation: {args.respondents:,} respondents, {args.questions} open and {CLOSED} closed "
              f"questions, {len(study['answers']):,} answers ({words:,} words), {study['codings']:,} codings")
        print(f"{'step':<9}{'qcode s':>9}{'floor s':>9}{'ratio':>7}{'qcode cpu':>11}{'floor cpu':>11}{'ratio':>7}   what")
        for step in [s for s in RUNS if s in args.steps.split(",")]:
            ours = [measure(step, 0, folder, study_file) for _ in range(args.repeat)]
            floor = [measure(step, 1, folder, study_file) for _ in range(args.repeat)]
            wall = [min(r["seconds"] for r in runs) for runs in (ours, floor)]
            cpu = [min(r["cpu"] for r in runs) for runs in (ours, floor)]
            what = ", ".join(f"{v:,} {k}" for k, v in ours[0].items() if k not in ("seconds", "cpu"))
            print(f"{step:<9}{wall[0]:>9.2f}{wall[1]:>9.2f}{wall[0] / wall[1]:>7.2f}"
                  f"{cpu[0]:>11.2f}{cpu[1]:>11.2f}{cpu[0] / cpu[1]:>7.2f}   {what}")


if __name__ == "__main__":
    main()
