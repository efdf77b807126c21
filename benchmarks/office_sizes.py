"""How big real Office inputs unpack to: the yardstick for the limits in qcode/readers/ooxml.py.

Usage:  .venv/bin/python benchmarks/office_sizes.py [--hours 3] [--rows 10000]

Writes, in a temporary folder, the heaviest realistic inputs qcode expects and prints each zip
member's compressed and uncompressed size and ratio, then times qcode's reader on them:
- a Word transcript of `--hours` of talk (150 words a minute) written the way Word writes it: every
  run with its own formatting (font, size, language), revision ids on every paragraph and run, a
  bold label and a timestamp per turn, and the words split over many runs (spelling marks, edits);
- the same transcript as a table (Tijd | Spreker | Tekst), one row per turn;
- a survey sheet of `--rows` respondents with an id, six attribute columns, a date and two answers
  of 20-120 words.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import sentence  # noqa: E402

RUN_PROPERTIES = ('<w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/>{bold}'
                  '<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="nl-NL"/></w:rPr>')


def _rsid(rng: random.Random) -> str:
    return f"{rng.getrandbits(32):08X}"


def _runs(rng: random.Random, text: str, bold: bool = False) -> str:
    """Text split into runs of 1-6 words, as Word leaves it after editing and spell-checking."""
    words, runs = text.split(" "), []
    while words:
        take = words[:rng.randint(1, 6)]
        words = words[len(take):]
        chunk = " ".join(take) + (" " if words else "")
        props = RUN_PROPERTIES.format(bold='<w:b/><w:bCs/>' if bold else "")
        runs.append(f'<w:r w:rsidR="{_rsid(rng)}">{props}<w:t xml:space="preserve">{chunk}</w:t></w:r>')
        if rng.random() < 0.1:
            runs.append('<w:proofErr w:type="spellStart"/>')
    return "".join(runs)


def _paragraph(rng: random.Random, body: str) -> str:
    return (f'<w:p w:rsidR="{_rsid(rng)}" w:rsidRDefault="{_rsid(rng)}" w:rsidP="{_rsid(rng)}">'
            f'<w:pPr><w:spacing w:after="160" w:line="259" w:lineRule="auto"/></w:pPr>{body}</w:p>')


def _turns(rng: random.Random, words: int):
    said, minute = 0, 0.0
    while said < words:
        speaker = "Interviewer" if rng.random() < 0.4 else "Respondent"
        paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(1, 5)))
                      for _ in range(1 if speaker == "Interviewer" else rng.randint(1, 3))]
        said += sum(len(p.split()) for p in paragraphs)
        minute += sum(len(p.split()) for p in paragraphs) / 150
        yield f"{int(minute // 60):02d}:{int(minute % 60):02d}:{int(minute * 60 % 60):02d}", speaker, paragraphs


def word_body(rng: random.Random, words: int, table: bool) -> str:
    blocks = []
    for stamp, speaker, paragraphs in _turns(rng, words):
        if table:
            cells = [_paragraph(rng, _runs(rng, stamp)), _paragraph(rng, _runs(rng, speaker)),
                     "".join(_paragraph(rng, _runs(rng, p)) for p in paragraphs)]
            blocks.append("<w:tr>" + "".join(f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{c}</w:tc>'
                                             for c in cells) + "</w:tr>")
        else:
            first, *rest = paragraphs
            blocks.append(_paragraph(rng, _runs(rng, f"[{stamp}] ") + _runs(rng, f"{speaker}:", bold=True)
                                     + _runs(rng, " " + first)))
            blocks.extend(_paragraph(rng, _runs(rng, p)) for p in rest)
    body = "".join(blocks)
    return f"<w:tbl><w:tblPr/><w:tblGrid/>{body}</w:tbl><w:p/>" if table else body


def write_docx(path: Path, words: int, table: bool, seed: int = 11) -> None:
    import docx

    document = docx.Document()
    document.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts["word/document.xml"].decode()
    start, end = xml.index("<w:body>") + len("<w:body>"), xml.index("<w:sectPr")
    parts["word/document.xml"] = (xml[:start] + word_body(random.Random(seed), words, table) + xml[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def write_xlsx(path: Path, rows: int, seed: int = 13) -> None:
    import datetime

    import openpyxl

    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Antwoorden")
    sheet.append(["respondent", "leeftijd", "geslacht", "regio", "sector", "jaren", "functie", "ingevuld",
                  "vraag 1: waarom vertrokken?", "vraag 2: wat zou helpen?"])
    for number in range(1, rows + 1):
        answers = [" ".join(sentence(rng) for _ in range(rng.randint(1, 6))) for _ in range(2)]
        sheet.append([f"R{number:05d}", rng.randint(21, 67), rng.choice(["v", "m", "x"]),
                      rng.choice(["Noord", "Oost", "Zuid", "West", "Randstad"]),
                      rng.choice(["jeugdzorg", "wijkteam", "opbouwwerk", "maatschappelijk werk"]),
                      rng.randint(0, 40) + 0.5 * rng.randint(0, 1), rng.choice(["coördinator", "senior", "junior"]),
                      datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 300)), *answers])
    workbook.save(path)


def describe(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        print(f"\n{path.name}: {path.stat().st_size / 1e6:.2f} MB on disk, {len(members)} members, "
              f"{total / 1e6:.1f} MB unpacked")
        for member in sorted(members, key=lambda m: -m.file_size)[:4]:
            ratio = member.file_size / max(member.compress_size, 1)
            print(f"  {member.filename:32} {member.compress_size / 1e6:8.2f} MB → "
                  f"{member.file_size / 1e6:8.2f} MB  ratio {ratio:5.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=float, default=3)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    from qcode.readers.docx import read_docx
    from qcode.readers.sheets import read_rows

    with tempfile.TemporaryDirectory() as folder:
        words = int(args.hours * 60 * 150)
        for name, table in (("transcript.docx", False), ("transcript-tabel.docx", True)):
            path = Path(folder) / name
            write_docx(path, words, table)
            describe(path)
            began = time.perf_counter()
            turns = read_docx(path).turns
            print(f"  read: {len(turns)} turns in {time.perf_counter() - began:.2f} s")
        path = Path(folder) / "enquete.xlsx"
        write_xlsx(path, args.rows)
        describe(path)
        began = time.perf_counter()
        _, rows = read_rows(path)
        print(f"  read: {len(rows)} rows in {time.perf_counter() - began:.2f} s")


if __name__ == "__main__":
    main()
