"""Open survey answers: each row one document holding one participant turn."""
from __future__ import annotations

from pathlib import Path

from qcode.errors import cell
from qcode.readers.base import ParsedDocument, ReadError, Turn
from qcode.readers.sheets import read_rows


def read_survey(path: Path, id_column: str, text_column: str) -> list[ParsedDocument]:
    header, rows = read_rows(path)
    for column, option in ((id_column, "--id-column"), (text_column, "--text-column")):
        if column not in header:
            names = [cell(h, words=4) for h in header if h]  # a long text there is an answer: no header row
            looks_like_data = any(name.startswith("(a text") for name in names)
            raise ReadError(f"no column {column!r} (the columns are: {', '.join(names)})",
                            path=path, line=1, unit="row",
                            hint="the first row does not look like column names: give the sheet a header row"
                            if looks_like_data else f"name an existing column with {option}")
    documents: list[ParsedDocument] = []
    first_row: dict[str, int] = {}
    for number, record in rows:
        respondent = record.get(id_column)
        if respondent is None:
            raise ReadError(f"the {id_column!r} cell is empty", path=path, line=number, unit="row",
                            hint="give every answer a respondent id")
        respondent = str(respondent)
        if respondent in first_row:
            raise ReadError(f"respondent id {respondent!r} appears twice (first in row {first_row[respondent]})",
                            path=path, line=number, unit="row", hint="make the respondent ids unique")
        first_row[respondent] = number
        answer = record.get(text_column)
        if answer is None:
            continue
        paragraphs = [" ".join(p.split()) for p in str(answer).replace("\r", "").split("\n\n") if p.strip()]
        attributes = {k: v for k, v in record.items() if k not in (id_column, text_column) and v is not None}
        documents.append(ParsedDocument(
            name=f"{path.name}#{respondent}", source_path=path, format="survey",
            turns=[Turn(speaker=respondent, paragraphs=paragraphs, location=number)],
            attributes=attributes, participant=respondent, unit="row",
            known_roles={respondent: "participant"},
        ))
    if not documents:
        raise ReadError(f"no answers in column {text_column!r}", path=path,
                        hint="check --text-column, or that this is the right sheet")
    return documents

