"""Open survey answers: each respondent one document, each answered open question a prompt and an answer.

A questionnaire export (LimeSurvey, Qualtrics, Microsoft Forms, Google Forms, a hand-made sheet) is a
header row of column names — short codes (`V12`) or whole question texts — sometimes a second header
row with the question texts, then one row per respondent. The open questions chosen become turns:
the question as an interviewer's prompt, the answer as the respondent's turn, so the coder shows the
question above each answer. Every other column is an attribute of the respondent (a closed answer).
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qcode.errors import cell
from qcode.readers.base import ParsedDocument, ReadError, Turn
from qcode.readers.sheets import read_rows

PROMPT = "Vraag"
SHORT_ID = re.compile(r"^[\w.\-]{1,40}$")
IMPORT_ID_ROW = re.compile(r'^\{"ImportId"')  # Qualtrics' third header row


@dataclass(frozen=True)
class Question:
    id: str  # what --question takes: the column name when it is short, else Q<column number>
    column: str
    text: str
    position: int  # the column's place in the sheet, from 1


@dataclass
class Survey:
    questions: list[Question]
    documents: list[ParsedDocument]
    respondents: dict[str, dict[str, Any]]  # every respondent with their closed answers, answered or not


def read_survey(path: Path, id_column: str, text_columns: list[str] | str, *, earlier: list[str] = (),
                question_texts: dict[str, str] | None = None, header_rows: int = 1) -> Survey:
    """The chosen open questions (and those imported before, `earlier`) of a sheet, as documents."""
    header, rows = read_rows(path)
    wanted = [text_columns] if isinstance(text_columns, str) else list(text_columns)
    _check_column(path, header, id_column, "--id-column")
    columns = choose_columns(path, header, wanted, id_column)
    columns = [c for c in header if c in set(columns) | set(earlier)]  # in the sheet's order
    texts, rows = _header_texts(rows, id_column, header_rows)
    texts.update(question_texts or {})
    questions = [Question(_question_id(column, header.index(column) + 1), column,
                          " ".join(str(texts.get(column) or column).split()), header.index(column) + 1)
                 for column in columns]
    prompts = {question.column: f"{PROMPT} {question.id}" for question in questions}
    documents, respondents, first_row = [], {}, {}
    for number, record in rows:
        respondent = _respondent(record.get(id_column), path, number, id_column)
        if respondent in first_row:
            raise ReadError(f"respondent id {respondent!r} appears twice (first in row {first_row[respondent]})",
                            path=path, line=number, unit="row", hint="make the respondent ids unique")
        first_row[respondent] = number
        attributes = {k: v for k, v in record.items() if k != id_column and k not in columns and v is not None}
        respondents[respondent] = attributes
        turns = []
        for question in questions:
            paragraphs = _paragraphs(record.get(question.column))
            if paragraphs:
                turns.append(Turn(speaker=prompts[question.column], paragraphs=[question.text], location=number,
                                  question=question.id))
                turns.append(Turn(speaker=respondent, paragraphs=paragraphs, location=number, question=question.id))
        if turns:
            documents.append(ParsedDocument(
                name=f"{path.name}#{respondent}", source_path=path, format="survey", turns=turns,
                attributes=attributes, participant=respondent, unit="row",
                known_roles={respondent: "participant", **{p: "interviewer" for p in prompts.values()}}))
    if not documents:
        raise ReadError(f"no answers in {'column' if len(columns) == 1 else 'columns'} "
                        f"{', '.join(repr(c) for c in columns)}", path=path,
                        hint="check --text-column, or that this is the right sheet")
    return Survey(questions, documents, respondents)


def choose_columns(path: Path, header: list[str], wanted: list[str], id_column: str) -> list[str]:
    """Column names, comma lists and patterns (`V1*`, `Q?_text`) as the sheet's columns, in its order."""
    chosen: list[str] = []
    for item in (part.strip() for value in wanted for part in value.split(",")):
        if not item:
            continue
        if item in header:
            found = [item]
        elif any(char in item for char in "*?["):
            found = [c for c in header if c and c != id_column and fnmatch.fnmatchcase(c, item)]
        else:
            found = [c for c in header if c and c.casefold() == item.casefold()]
        if not found:
            _check_column(path, header, item, "--text-column")
        chosen += [c for c in found if c not in chosen]
    if id_column in chosen:
        raise ReadError(f"column {id_column!r} is the respondent id, not an open question", path=path, line=1,
                        unit="row", hint="leave it out of --text-column")
    return chosen


def _check_column(path: Path, header: list[str], column: str, option: str) -> None:
    if column in header:
        return
    names = [cell(h, words=4) for h in header if h]  # a long text there is an answer: no header row
    looks_like_data = any(name.startswith("(a text") for name in names)
    raise ReadError(f"no column {cell(column, words=6)} (the columns are: {', '.join(names)})",
                    path=path, line=1, unit="row",
                    hint="the first row does not look like column names: give the sheet a header row"
                    if looks_like_data else f"name an existing column with {option} (a pattern such as 'V1*' "
                                            "works too)")


def _header_texts(rows: list, id_column: str, header_rows: int) -> tuple[dict[str, str], list]:
    """Question texts from a second header row (Qualtrics, some LimeSurvey exports); Qualtrics'
    `{"ImportId": …}` row is skipped wherever it is. A second header row is also recognised without
    `--header-rows 2`: it comes right before an ImportId row, or its id cell names the id column
    ("Response ID" under `ResponseId`), so it never becomes a respondent."""
    texts: dict[str, str] = {}
    rest = list(rows)
    second_header = header_rows > 1 or (rest and _is_second_header(rest, id_column))
    for _ in range(max(header_rows - 1, 1 if second_header else 0)):
        if rest:
            _, record = rest.pop(0)
            texts.update({k: str(v) for k, v in record.items() if v is not None})
    rest = [(n, r) for n, r in rest if not _is_import_id_row(r)]
    return texts, rest


def _is_import_id_row(record: dict[str, Any]) -> bool:
    return any(isinstance(v, str) and IMPORT_ID_ROW.match(v) for v in record.values())


def _is_second_header(rows: list, id_column: str) -> bool:
    first = rows[0][1]
    if _is_import_id_row(first):
        return False
    if len(rows) > 1 and _is_import_id_row(rows[1][1]):
        return True
    letters = lambda text: "".join(ch for ch in str(text).casefold() if ch.isalnum())  # noqa: E731
    return first.get(id_column) is not None and letters(first[id_column]) == letters(id_column)


def _question_id(column: str, position: int) -> str:
    return column if SHORT_ID.match(column) else f"Q{position}"


def _respondent(value: Any, path: Path, number: int, id_column: str) -> str:
    if value is None or str(value).strip() == "":
        raise ReadError(f"the {id_column!r} cell is empty", path=path, line=number, unit="row",
                        hint="give every respondent an id")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps numbers as floats: 1017.0 is respondent 1017
    return str(value).strip()


def _paragraphs(answer: Any) -> list[str]:
    if answer is None:
        return []
    text = str(answer)
    if "\n" not in text and "\r" not in text:  # most answers: one paragraph
        return [" ".join(text.split())] if text and not text.isspace() else []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
