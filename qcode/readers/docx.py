"""Word transcripts: one paragraph per block, a (possibly bold) speaker label opening a turn.

Transcription services also deliver a table with a row per turn: [time |] speaker | text. A table
is read that way when at least two of its rows name a speaker shaped like a name and one speaker
recurs; a header row (Tijd | Spreker | Tekst) is skipped, a row without a speaker continues the turn
above, and any other table (e.g. interview details above the transcript) is read as paragraphs.
What counts as the text (tracked changes accepted, content controls, fields) is in word_text.py.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qcode.readers.base import ParsedDocument, ReadError
from qcode.readers.labels import (
    LabelMatch, accepted_headings, accepted_labels, cue_headings, match_heading, match_label, name_shaped, split_timestamp,
)
from qcode.readers.ooxml import check_package, library_failure
from qcode.readers.turns import TurnBuilder
from qcode.readers.word_text import Block, Paragraph, Table, body_blocks

HEADER_WORDS = frozenset({"spreker", "speaker", "naam", "name", "wie", "tekst", "text", "transcript",
                          "transcriptie", "tijd", "time", "tijdcode", "timestamp", "begin", "start"})


@dataclass(frozen=True)
class Row:
    """One row of a transcript table: a turn (with a speaker) or its continuation (without)."""

    speaker: str | None
    timestamp: float | None
    paragraphs: list[str]


def read_docx(path: Path, extra_labels: set[str] = frozenset()) -> ParsedDocument:
    blocks = list(_blocks(_body(path)))
    if not any(block.text for block in blocks if isinstance(block, Paragraph)) \
            and not any(isinstance(b, Row) for b in blocks):
        raise ReadError("the document is empty", path=path,
                        hint="check that this is the right file, or leave it out")
    # A paragraph's lines (split at Shift+Enter breaks) may each open a turn, as lines of a text file do.
    lines = {i: block.lines() for i, block in enumerate(blocks) if isinstance(block, Paragraph)}
    candidates = {(i, j): m for i, paragraph in lines.items() for j, line in enumerate(paragraph)
                  if (m := match_label(line.text))}
    bold_labels = {m.label.lower() for (i, j), m in candidates.items() if _label_is_bold(lines[i][j], m)}
    labels = accepted_labels(candidates.values(), extra_labels | bold_labels)
    # Teams' Word export: 'Name   0:05' on a paragraph of its own, the words in the next one.
    headings = {(i, j): m for i, paragraph in lines.items() for j, line in enumerate(paragraph)
                if (i, j) not in candidates and (m := match_heading(line.text))}
    # Teams' older download: a cue's timing, the name and the words, in one paragraph or in three.
    keys = [(i, j) for i, paragraph in lines.items() for j in range(len(paragraph))]
    cued = {keys[k]: (m, keys[n]) for k, (m, n) in cue_headings([lines[i][j].text for i, j in keys]).items()}
    labels |= accepted_headings([*headings.values(), *(m for m, _ in cued.values())], extra_labels | labels)
    candidates |= headings
    skipped = {name_key for m, name_key in cued.values() if m.label.lower() in labels}
    builder = TurnBuilder()
    for i, block in enumerate(blocks):
        if isinstance(block, Row):
            if block.speaker:
                builder.start_turn(block.speaker, block.timestamp, i + 1)
            for text in block.paragraphs:
                builder.add_paragraph(text)
            continue
        builder.add_line("")  # a Word paragraph is a paragraph; its lines are joined, as wrapped lines are
        for j, line in enumerate(lines[i]):
            if (i, j) in cued and cued[(i, j)][0].label.lower() in labels:
                heading = cued[(i, j)][0]
                if builder.turns and builder.turns[-1].speaker == heading.label:
                    builder.continue_turn()
                else:
                    builder.start_turn(heading.label, heading.timestamp, i + 1)
                continue
            if (i, j) in skipped:
                continue
            label = candidates.get((i, j))
            if label is not None and label.label.lower() in labels:
                builder.start_turn(label.label, label.timestamp, i + 1)
                builder.add_line(label.rest)
            else:
                builder.add_line(line.text)
        builder.add_line("")
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


def _body(path: Path) -> list[Block]:
    """The document's visible blocks, after the package has been checked (see ooxml.py)."""
    check_package(path, "docx")
    import docx  # only needed for Word files

    try:
        document = docx.Document(str(path))
        if getattr(document.element, "body", None) is None:
            raise ReadError("cannot read this Word file: its main part has no document body in the usual "
                            "form (a Strict Open XML file?)", path=path,
                            hint="open it in Word or LibreOffice and save it as Word Document (.docx)")
        return body_blocks(document.element.body, document.styles.element)
    except ReadError:
        raise
    except MemoryError:
        raise
    except Exception as error:  # python-docx raises many types on a damaged file; none may escape
        raise library_failure(path, "docx", error) from None


def _blocks(blocks: list[Block]) -> Iterator[Paragraph | Row]:
    """The body in reading order: paragraphs, and transcript tables as rows; other tables' cells
    become paragraphs."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
        elif rows := _transcript_rows(block):
            yield from rows
        else:
            for row in block.rows:
                for cell in row:
                    yield from cell


def _transcript_rows(table: Table) -> list[Row]:
    """The table's rows as turns, or [] when it is not laid out as a transcript."""
    rows = [row for row in (_row(r) for r in table.rows) if row is not None]
    speakers = Counter(row.speaker for row in rows if row.speaker)
    if sum(speakers.values()) < 2 or speakers.most_common(1)[0][1] < 2:
        return []
    return rows


def _row(cells: list[list[Paragraph]]) -> Row | None:
    """[time |] speaker | text, the text in the last column; None for an empty or header row."""
    if not cells:
        return None
    *front, text = [[p.text for p in cell if p.text] for cell in cells]
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


def _label_is_bold(paragraph: Paragraph, label: LabelMatch) -> bool:
    """Whether the text holding the label is bold (directly, or through a character or paragraph style)."""
    covered = ""
    for piece in paragraph.pieces:
        if not piece.text.strip() and not covered:
            continue
        if not piece.bold:
            return False
        covered += piece.text
        if ":" in covered:
            return True
    return False
