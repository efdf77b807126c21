"""Markdown → Word and HTML through pandoc, beside a floor, on a report the size of a finished study.

Usage:  .venv/bin/python benchmarks/report_formats.py [--sections 12] [--quotes 40]

The report is synthetic Dutch: per theme a heading, own prose with a footnote, numbered and bulleted
lists, block quotes with attributions, and a ranking table. The floor is python-docx writing the same
paragraphs as plain Word paragraphs (no styles, lists, footnotes or captions): the least a .docx costs.
(For the record, on the example study's 13,700-word report on a loaded 2-core machine: qcode's old
hand-written converter 1.1 s, pandoc 1.5 s.)
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from qcode.render import documents

QUOTE = ("Ik had gewoon geen tijd meer voor de mensen zelf; alles ging op aan registreren en overleggen "
         "over de registratie [in het nieuwe systeem]. … Dat was voor mij het moment om te zeggen: tot hier.")


def report(sections: int, quotes: int) -> str:
    parts = ["# 2 Resultaten\n", "Dit hoofdstuk beschrijft wat de deelnemers vertellen.[^1]\n",
             "[^1]: Bron: eigen onderzoek.\n"]
    for number in range(1, sections + 1):
        parts.append(f"## 2.{number} Thema {number}\n")
        parts.append("Ruim een derde van de deelnemers noemt dit de belangrijkste reden om te vertrekken. "
                     "De deelnemers vertellen er het volgende over:\n")
        parts.append("1. eerste overweging\n2. tweede overweging\n   - met een nuance\n")
        for quote in range(quotes):
            parts.append(f"> *“{QUOTE}”*\n>\n> – jongerenwerker, {25 + quote % 30} jaar\n")
    parts.append("Tabel 3.1 Thema's naar aantal deelnemers\n\n| Thema | Noemen dit | Belangrijkste reden |\n"
                 "| --- | ---: | ---: |\n" + "".join(f"| Thema {n} | {n} | {n // 2} |\n" for n in range(sections)))
    return "\n".join(parts)


def floor(markdown: str, target: Path) -> None:
    from docx import Document

    document = Document()
    for paragraph in markdown.split("\n\n"):
        document.add_paragraph(paragraph)
    document.save(str(target))


def best(action, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", type=int, default=12)
    parser.add_argument("--quotes", type=int, default=40)
    args = parser.parse_args()
    markdown = report(args.sections, args.quotes)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        base = best(lambda: floor(markdown, out / "floor.docx"))
        word = best(lambda: documents.convert(markdown, out / "r.docx", "docx", output=out / "r.docx"))
        page = best(lambda: documents.convert(markdown, out / "r.html", "html", output=out / "r.html"))
    print(f"report of {len(markdown.split()):,} words, {args.sections} sections × {args.quotes} quotes")
    print(f"floor (python-docx, plain paragraphs): {base:.2f} s")
    print(f"pandoc .docx: {word:.2f} s  ({word / base:.1f}× the floor)")
    print(f"pandoc .html: {page:.2f} s  ({page / base:.1f}× the floor)")


if __name__ == "__main__":
    main()
