"""Spreadsheets (.csv with ',' or ';', .xlsx) as rows of named cells, with their row numbers."""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from qcode.outputs import from_csv_cell, from_xlsx_text
from qcode.readers.base import ReadError
from qcode.readers.decoding import decode

SHEET_SUFFIXES = (".csv", ".xlsx")
Row = tuple[int, dict[str, Any]]


def read_rows(path: Path) -> tuple[list[str], list[Row]]:
    """Header names and the non-empty rows (row number as shown in Excel, header is row 1)."""
    if path.suffix.lower() == ".xlsx":
        header, rows = _xlsx_rows(path)
        unescape = from_xlsx_text  # what qcode (or Excel) escaped in writing, undone
    else:
        header, rows = _csv_rows(path)
        unescape = from_csv_cell
    header = [unescape(str(name).strip()) if name is not None else "" for name in header]
    if not any(header):
        raise ReadError("the sheet has no header row", path=path, line=1, unit="row",
                        hint="put the column names in the first row")
    duplicates = sorted({n for n in header if n and header.count(n) > 1})
    if duplicates:
        raise ReadError(f"column {duplicates[0]!r} appears twice in the header", path=path, line=1,
                        unit="row", hint="give every column a unique name")
    records = []
    for number, cells in rows:
        record = {name: _clean(value, unescape) for name, value in zip(header, cells) if name}
        if any(value is not None for value in record.values()):
            records.append((number, record))
    return header, records


def _csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    text = decode(path.read_bytes(), path)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    return header, ((reader.line_num, cells) for cells in reader)


def _xlsx_rows(path: Path) -> tuple[list[Any], Iterator[tuple[int, list[Any]]]]:
    import openpyxl  # only needed for Excel files

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ReadError("not a readable Excel (.xlsx) file", path=path,
                        hint="open it in Excel or LibreOffice and save it again as .xlsx") from None
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    if not rows:
        return [], iter(())
    return list(rows[0]), ((i, list(cells)) for i, cells in enumerate(rows[1:], start=2))


def _clean(value: Any, unescape: Callable[[str], str] = str) -> Any:
    """Cell values as a researcher means them: trimmed text, whole numbers as int, '' as None."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        return _number(unescape(value))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _number(text: str) -> Any:
    if text.isdigit() and not (len(text) > 1 and text.startswith("0")):
        return int(text)
    return text
