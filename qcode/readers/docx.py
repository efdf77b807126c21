"""Word transcripts: one paragraph per block, a (possibly bold) speaker label opening a turn."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.text.paragraph import Paragraph

from qcode.readers.base import ParsedDocument, ReadError
from qcode.readers.labels import LabelMatch, accepted_labels, match_label
from qcode.readers.turns import TurnBuilder


def read_docx(path: Path, extra_labels: set[str] = frozenset()) -> ParsedDocument:
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ReadError("not a readable Word (.docx) file", path=path,
                        hint="open it in Word or LibreOffice and save it again as .docx") from None
    paragraphs = [(p, " ".join(p.text.split())) for p in document.paragraphs]
    if not any(text for _, text in paragraphs):
        raise ReadError("the document is empty", path=path,
                        hint="check that this is the right file, or leave it out")
    candidates = {i: m for i, (_, text) in enumerate(paragraphs) if (m := match_label(text))}
    bold_labels = {m.label.lower() for i, m in candidates.items() if _label_is_bold(paragraphs[i][0], m)}
    labels = accepted_labels(candidates.values(), extra_labels | bold_labels)
    builder = TurnBuilder()
    for i, (_, text) in enumerate(paragraphs):
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
                 "'Interviewer:', or a name such as 'Sanne:'",
        )
    return ParsedDocument(name=path.name, source_path=path, format="docx", turns=turns,
                          preamble=builder.preamble, unit="paragraph")


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
