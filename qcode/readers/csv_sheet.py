"""CSV files as rows of cells: the delimiter found from the header, quotes checked strictly.

Excel writes ',' or ';' (Dutch settings) and, as "Unicode text", TAB-separated UTF-16. A quote
that is never closed would swallow the rows after it into one cell; Python's csv module in strict
mode stops at the end of the file inside a quote, and a closed-too-late quote is caught by its
shape: a cell holding lines that start like the rows around it.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

from qcode.readers.base import ReadError
from qcode.readers.decoding import decode, read_bytes

DELIMITERS = ("\t", ";", ",", "|")  # in order of preference when several fit equally well
DELIMITER_NAMES = {"\t": "TAB", ";": "';'", ",": "','", "|": "'|'"}
MAX_CELL = 16 * 1024 * 1024  # characters; csv's own default (128 KiB) is smaller than a long answer
SNIFF_RECORDS = 50
_QUOTE_HINT = "close the quote (\"), and write a quote inside a cell as two quotes (\"\")"
_ID_LIKE = re.compile(r"[^\s\"]{1,32}")

CsvRow = tuple[int, list[str]]  # the line the row starts on, and its cells


def csv_rows(path: Path) -> tuple[list[str], list[CsvRow]]:
    """The header cells and the rows after it, each with the line it starts on."""
    text = decode(read_bytes(path), path)
    delimiter = sniff_delimiter(text)
    rows = _parse(text, delimiter, path)
    if not rows:
        return [], []
    header = rows[0][1]
    for line, cells in rows[1:]:
        _check_not_merged(cells, line, len(header), delimiter, path)
    return header, rows[1:]


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header into most columns that the first rows agree with.

    csv.Sniffer guesses from character frequencies and misfires on answers full of commas; here
    each candidate must give the header at least two columns, and the one the rows fit best wins.
    """
    best, best_score = ",", (-1.0, 0)
    with _cell_limit():
        for preference, delimiter in enumerate(DELIMITERS):
            try:
                records = [r for r in islice(csv.reader(io.StringIO(text), delimiter=delimiter),
                                             SNIFF_RECORDS) if r]
            except csv.Error:
                continue
            if not records or len(records[0]) < 2:
                continue
            width, rows = len(records[0]), records[1:]
            fit = sum(len(r) == width for r in rows) / len(rows) if rows else 1.0
            score = (fit, -preference)
            if score > best_score:
                best, best_score = delimiter, score
    return best


def _parse(text: str, delimiter: str, path: Path) -> list[CsvRow]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows: list[CsvRow] = []
    with _cell_limit():
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return rows
            except csv.Error as error:
                raise _csv_problem(str(error), start, reader.line_num, path) from None
            rows.append((start, cells))


def _csv_problem(reason: str, start: int, line: int, path: Path) -> ReadError:
    if "end of data" in reason:
        return ReadError("a quoted cell is never closed: the rows after it would be read as one cell",
                         path=path, line=start, hint=_QUOTE_HINT)
    if "expected after" in reason:
        return ReadError("a quoted cell goes on after its closing quote", path=path, line=line, hint=_QUOTE_HINT)
    if "field limit" in reason:
        return ReadError(f"a cell is larger than {MAX_CELL // 1024 // 1024} MB", path=path, line=start,
                         hint="check that this is the right file; shorten the cell or split it over rows")
    return ReadError(f"not a readable CSV file ({reason})", path=path, line=line,
                     hint="open it in Excel or LibreOffice and save it again as CSV")


def _check_not_merged(cells: list[str], start: int, width: int, delimiter: str, path: Path) -> None:
    """Refuse a cell whose later lines start like new rows: a quote closed rows too late."""
    if width < 2 or not any("\n" in cell for cell in cells):
        return
    own_shape = _shape(cells[0].strip())
    newlines_before = 0
    for cell in cells:
        for offset, line in enumerate(cell.split("\n")[1:], start=1):
            first, _, _ = line.partition(delimiter)
            first = first.strip()
            if (line.count(delimiter) >= width - 1 and _ID_LIKE.fullmatch(first)
                    and any(c.isdigit() for c in first) and _shape(first) == own_shape):
                raise ReadError(
                    f"line {start + newlines_before + offset} is inside a quoted cell but starts like a "
                    "new row: a quote before it is probably not closed", path=path, line=start,
                    hint=_QUOTE_HINT)
        newlines_before += cell.count("\n")


def _shape(text: str) -> str:
    """'R12' → 'a9', '1042' → '9', 'U-03' → 'a-9': what ids of one column share."""
    return re.sub(r"\d+", "9", re.sub(r"[^\W\d_]+", "a", text))


@contextmanager
def _cell_limit() -> Iterator[None]:
    previous = csv.field_size_limit(MAX_CELL)
    try:
        yield
    finally:
        csv.field_size_limit(previous)
