"""Word transcripts: one paragraph per block, a (possibly bold) speaker label opening a turn.

Transcription services also deliver a table with a row per turn: [time |] speaker | text. A table
is read that way when at least two of its rows name a speaker shaped like a name and one speaker
recurs; a header row (Tijd | Spreker | Tekst) is skipped, a row without a speaker continues the turn
above, and any other table (e.g. interview details above the transcript) is read as paragraphs.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from docx.document import Document
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from qcode.readers.base import ParsedDocument, ReadError
from qcode.readers.labels import LabelMatch, accepted_labels, match_label, name_shaped, split_timestamp
from qcode.readers.turns import TurnBuilder

HEADER_WORDS = frozenset({"spreker", "speaker", "naam", "name", "wie", "tekst", "text", "transcript",
                          "transcriptie", "tijd", "time", "tijdcode", "timestamp", "begin", "start"})


@dataclass(frozen=True)
class Row:
    """One row of a transcript table: a turn (with a speaker) or its continuation (without)."""

    speaker: str | None
    timestamp: float | None
    paragraphs: list[str]


def read_docx(path: Path, extra_labels: set[str] = frozenset()) -> ParsedDocument:
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ReadError("not a readable Word (.docx) file", path=path,
                        hint="open it in Word or LibreOffice and save it again as .docx") from None
    blocks = list(_blocks(document))
    paragraphs = {i: (b, " ".join(b.text.split())) for i, b in enumerate(blocks) if isinstance(b, Paragraph)}
    if not any(text for _, text in paragraphs.values()) and not any(isinstance(b, Row) for b in blocks):
        raise ReadError("the document is empty", path=path,
                        hint="check that this is the right file, or leave it out")
    candidates = {i: m for i, (_, text) in paragraphs.items() if (m := match_label(text))}
    bold_labels = {m.label.lower() for i, m in candidates.items() if _label_is_bold(paragraphs[i][0], m)}
    labels = accepted_labels(candidates.values(), extra_labels | bold_labels)
    builder = TurnBuilder()
    for i, block in enumerate(blocks):
        if isinstance(block, Row):
            if block.speaker:
                builder.start_turn(block.speaker, block.timestamp, i + 1)
            for text in block.paragraphs:
                builder.add_paragraph(text)
            continue
        text = paragraphs[i][1]
        label = candidates.get(i)
        if label is not None and label.label.lower() in labels:
            builder.start_turn(label.label, label.timestamp, i + 1)
            builder.add_paragraph(label.rest)
        else:
            builder.add_paragraph(text)
    turns = builder.finish()
    if not turns:
        raise ReadError(
            "no speaker labels found", path=path, line=1, unit="paragraph",
            hint="start each turn's paragraph with a label and a colon, e.g. 'I:' and 'R:', "
                 "'Interviewer:', or a name such as 'Sanne:'; or put the transcript in a table "
                 "with a speaker column and a text column",
        )
    return ParsedDocument(name=path.name, source_path=path, format="docx", turns=turns,
                          preamble=builder.preamble, unit="paragraph")


def _blocks(document: Document) -> Iterator[Paragraph | Row]:
    """The body in reading order: paragraphs, and transcript tables as rows; other tables' cells
    become paragraphs."""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block
        elif rows := _transcript_rows(block):
            yield from rows
        else:
            for row in block.rows:
                for cell in _cells(row):
                    yield from cell.paragraphs


def _transcript_rows(table: Table) -> list[Row]:
    """The table's rows as turns, or [] when it is not laid out as a transcript."""
    rows = [row for row in (_row(r) for r in table.rows) if row is not None]
    speakers = Counter(row.speaker for row in rows if row.speaker)
    if sum(speakers.values()) < 2 or speakers.most_common(1)[0][1] < 2:
        return []
    return rows


def _row(row: _Row) -> Row | None:
    """[time |] speaker | text, the text in the last column; None for an empty or header row."""
    *front, text = [[" ".join(p.text.split()) for p in cell.paragraphs if p.text.strip()] for cell in _cells(row)]
    front_texts = [" ".join(cell).rstrip(":").strip() for cell in front if cell]
    if not text or all(cell.lower() in HEADER_WORDS for cell in [*front_texts, " ".join(text).rstrip(":")]):
        return None
    timestamp, names = None, []
    for cell in front_texts:
        name, stamp = split_timestamp(cell)
        timestamp = stamp if timestamp is None else timestamp
        if name:
            names.append(name)
    if names and not name_shaped(names[0]):  # not a speaker column: keep every cell's text
        return Row(None, None, [paragraph for cell in front if cell for paragraph in cell] + text)
    return Row(names[0] if names else None, timestamp, text)


def _cells(row: _Row) -> Iterator[_Cell]:
    """A row's cells, each once: a merged cell is repeated in every grid column it spans."""
    seen: set[int] = set()
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            yield cell


def _label_is_bold(paragraph: Paragraph, label: LabelMatch) -> bool:
    """Whether the runs holding the label are bold (directly or through the paragraph style)."""
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    covered = ""
    for run in paragraph.runs:
        if not run.text.strip() and not covered:
            continue
        bold = run.bold if run.bold is not None else style_bold
        if not bold:
            return False
        covered += run.text
        if ":" in covered:
            return True
    return False
