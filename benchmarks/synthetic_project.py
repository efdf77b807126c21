"""A large synthetic qcode project, written straight into SQLite (seeded, reproducible).

Segmenting 300,000 fragments with spaCy would take minutes and measures the importer, which
`import_bench.py` already does; the coding, report and agreement benchmarks need the rows only.
The project has the example codebook, so codes and keys are the real ones.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import _QUESTIONS, sentence  # noqa: E402

from qcode import Project  # noqa: E402
from qcode.db import transaction  # noqa: E402

REPO = Path(__file__).parent.parent
ROLES = ["jongerenwerker", "maatschappelijk werker", "opbouwwerker", "schuldhulpverlener", "wijkcoach"]


def build(folder: Path, transcripts: int = 1000, fragments: int = 300_000, seed: int = 1) -> Project:
    """`transcripts` interviews of `fragments / transcripts` fragments: one question, two answers per round."""
    rng = random.Random(seed)
    project = Project.init(folder)
    project.load_codebook(REPO / "codebooks" / "exitstudie.yaml")
    per_transcript = fragments // transcripts
    with transaction(project.db) as conn:
        for number in range(1, transcripts + 1):
            _transcript(conn, rng, number, per_transcript)
    return project


def _transcript(conn, rng: random.Random, number: int, fragments: int) -> None:
    participant = f"P{number:04d}"
    attributes = {"former_role": rng.choice(ROLES), "age": rng.randint(25, 60)}
    conn.execute("INSERT INTO participants (id, attributes) VALUES (?, ?)", (participant, json.dumps(attributes)))
    turns: list[tuple[str, str, list[str]]] = []
    while sum(len(t[2]) for t in turns) < fragments:
        turns.append(("I", "interviewer", [rng.choice(_QUESTIONS)]))
        answers = [" ".join(sentence(rng) for _ in range(rng.randint(1, 4))) for _ in range(2)]
        turns.append(("R", "participant", answers))
    text_parts, offset, rows = [], 0, []
    for turn_number, (speaker, role, paragraphs) in enumerate(turns, start=1):
        if text_parts:
            text_parts.append("\n\n")
            offset += 2
        label = f"{speaker}: "
        text_parts.append(label)
        offset += len(label)
        turn_start = offset
        for i, paragraph in enumerate(paragraphs):
            if i:
                text_parts.append("\n\n")
                offset += 2
            text_parts.append(paragraph)
            rows.append((turn_number, paragraph, offset))
            offset += len(paragraph)
        turns[turn_number - 1] = (speaker, role, paragraphs, turn_start, offset)  # type: ignore[assignment]
    text = "".join(text_parts)
    transcript_id = conn.execute(
        "INSERT INTO transcripts (name, source_path, format, content_hash, participant_id, text, words, "
        "imported_at) VALUES (?, ?, 'txt', ?, ?, ?, ?, '2026-11-23T00:00:00+00:00')",
        (f"T{number:04d}.txt", f"T{number:04d}.txt", f"hash{number}", participant, text, len(text.split()))
    ).lastrowid
    turn_ids = {}
    for turn_number, (speaker, role, _, start, end) in enumerate(turns, start=1):
        turn_ids[turn_number] = conn.execute(
            'INSERT INTO turns (transcript_id, number, speaker, role, start, "end") VALUES (?, ?, ?, ?, ?, ?)',
            (transcript_id, turn_number, speaker, role, start, end)).lastrowid
    conn.executemany(
        'INSERT INTO fragments (transcript_id, turn_id, idx, text, start, "end", sentences, lemmas, words) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?)",
        [(transcript_id, turn_ids[turn], idx, paragraph, start, start + len(paragraph),
          json.dumps(_sentences(paragraph, start)), len(paragraph.split()))
         for idx, (turn, paragraph, start) in enumerate(rows)])


def _sentences(paragraph: str, start: int) -> list[tuple[int, int]]:
    spans, position = [], 0
    for piece in paragraph.split(". "):
        end = position + len(piece) + (1 if not piece.endswith(".") else 0)
        spans.append((start + position, start + min(end, len(paragraph))))
        position = end + 1
    return spans


if __name__ == "__main__":
    import time
    target = Path(sys.argv[1])
    began = time.perf_counter()
    built = build(target)
    print(f"built {target} in {time.perf_counter() - began:.1f} s: {built.status().fragments:,} fragments")
