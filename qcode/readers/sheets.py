"""Spreadsheets (.csv with ',' or ';', .xlsx) as rows of named cells, with their row numbers."""
from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from qcode.outputs import from_csv_cell, from_xlsx_text
from qcode.readers.base import ReadError
from qcode.readers.csv_sheet import csv_rows
from qcode.readers.ooxml import check_package, library_failure

SHEET_SUFFIXES = (".csv", ".xlsx")
Row = tuple[int, dict[str, Any]]
# A codings sheet: qcode's own export (`codings export`) or one made by hand, known by a code column
# beside a fragment, transcript or coder column ('code' and 'tekst' alone may be a survey's respondent
# code and answer).
_CODE_COLUMNS = frozenset({"code", "codes", "code id", "code_id", "codering", "coderingen"})
_PLACE_COLUMNS = frozenset({"fragment", "fragment id", "fragment_id", "fragment nr", "transcript", "transcriptie",
                            "coder", "codeur"})


def is_codings_sheet(path: Path) -> bool:
    """Whether a sheet's header is a codings sheet's; an unreadable sheet is not one."""
    try:
        header, _ = read_rows(path)
    except Exception:  # noqa: BLE001 - only a guess for a message; the sheet's own import reports problems
        return False
    names = {" ".join(str(name).lower().split()) for name in header}
    return bool(names & _CODE_COLUMNS) and bool(names & _PLACE_COLUMNS)


def read_rows(path: Path, worksheet: int = 0) -> tuple[list[str], list[Row]]:
    """Header names and the non-empty rows (row number as shown in Excel, header is row 1;
    for .csv the line the row starts on); of an .xlsx, its first worksheet or the one numbered."""
    if path.suffix.lower() == ".xlsx":
        header, rows = _xlsx_rows(path, worksheet)
        unescape = from_xlsx_text  # what qcode (or Excel) escaped in writing, undone
    else:
        header, rows = csv_rows(path)
        unescape = from_csv_cell
    header = [unicodedata.normalize("NFC", unescape(str(name).strip())) if name is not None else ""
              for name in header]
    if not any(header):
        raise ReadError("the sheet has no header row", path=path, line=1, unit="row",
                        hint="put the column names in the first row")
    duplicates = sorted({n for n in header if n and header.count(n) > 1})
    if duplicates:
        raise ReadError(f"column {duplicates[0]!r} appears twice in the header", path=path, line=1,
                        unit="row", hint="give every column a unique name")
    records = []
    named = len(header) if all(header) else header.index("")  # cells before this column all have a name
    for number, cells in rows:
        if len(cells) > named:
            _check_cells_have_names(header, cells, number, path)
        record = {name: _clean(value, unescape) for name, value in zip(header, cells) if name}
        if any(value is not None for value in record.values()):
            records.append((number, record))
    return header, records


def _check_cells_have_names(header: list[str], cells: list[Any], number: int, path: Path) -> None:
    """A value under no column name would be lost: refuse it."""
    for column, value in enumerate(cells, start=1):
        if _clean(value) is None or (column <= len(header) and header[column - 1]):
            continue
        if column > len(header):
            message = f"the row has {len(cells)} cells but the header names only {len(header)} columns"
            hint = "a delimiter inside an answer must be in a quoted cell; or name the extra column"
        else:
            message = f"column {column} has no name in the header but holds a value in this row"
            hint = "give the column a name in the first row, or empty it"
        raise ReadError(message, path=path, line=number, unit="row", hint=hint)


def worksheet_titles(path: Path) -> list[str]:
    """The titles of an .xlsx file's worksheets, in order (for `read_rows(path, worksheet=i)`)."""
    check_package(path, "xlsx")
    try:
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True)
            try:
                return [sheet.title for sheet in workbook.worksheets]
            finally:
                workbook.close()
    except (ReadError, MemoryError):
        raise
    except Exception as error:  # openpyxl raises many types on a damaged file; none may escape
        raise library_failure(path, "xlsx", error) from None


def _xlsx_rows(path: Path, worksheet: int = 0) -> tuple[list[Any], Iterator[tuple[int, list[Any]]]]:
    """A worksheet's rows from its first non-empty one, numbered as Excel shows them."""
    check_package(path, "xlsx")
    try:
        with warnings.catch_warnings():  # openpyxl warns about features it drops; they are no concern here
            warnings.simplefilter("ignore")
            title, rows = _xlsx_values(path, data_only=True, worksheet=worksheet)
            if _has_formulas(path):
                _check_formula_values(path, title, rows, worksheet)
    except (ReadError, MemoryError):
        raise
    except Exception as error:  # openpyxl raises many types on a damaged file; none may escape
        raise library_failure(path, "xlsx", error) from None
    numbered = [(i, cells) for i, cells in enumerate(rows, start=1)]
    while numbered and all(_clean(value) is None for value in numbered[0][1]):
        numbered.pop(0)  # a header row below empty rows (a title above it is not cheap to tell apart)
    if not numbered:
        return [], iter(())
    return list(numbered[0][1]), iter(numbered[1:])


def _xlsx_values(path: Path, data_only: bool, worksheet: int = 0) -> tuple[str, list[tuple[Any, ...]]]:
    """A worksheet's title and its rows of cell values (or of cells, with formulas, when not
    `data_only`); the first worksheet unless another is numbered."""
    import openpyxl  # only needed for Excel files

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    try:
        if not workbook.worksheets:
            raise ReadError("the workbook has no worksheet", path=path,
                            hint="put the rows on a worksheet (not only a chart sheet)")
        sheet = workbook.worksheets[worksheet]
        sheet.reset_dimensions()  # a stored size is often wrong in files written by scripts: read every row
        return sheet.title, list(sheet.iter_rows(values_only=data_only))
    finally:
        workbook.close()


def _has_formulas(path: Path) -> bool:
    """Whether any part holds a formula element (a quick scan, to spare the second pass most files)."""
    pattern = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if not member.filename.lower().endswith(".xml"):
                continue
            tail = b""
            with archive.open(member) as handle:
                while chunk := handle.read(1 << 20):
                    if pattern.search(tail + chunk):
                        return True
                    tail = chunk[-64:]
    return False


def _check_formula_values(path: Path, title: str, values: list[tuple[Any, ...]], worksheet: int = 0) -> None:
    """Refuse formula cells without a saved value: openpyxl cannot compute them and reads them as empty."""
    from openpyxl.utils import get_column_letter

    _, cells = _xlsx_values(path, data_only=False, worksheet=worksheet)
    missing = [f"{get_column_letter(column)}{row}"
               for row, (cell_row, value_row) in enumerate(zip(cells, values), start=1)
               for column, cell in enumerate(cell_row, start=1)
               if getattr(cell, "data_type", None) == "f"
               and (column > len(value_row) or value_row[column - 1] is None)]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise ReadError(f"cell {missing[0]}{more} on sheet {title!r} holds a formula whose value was never "
                        "calculated (the file was written by a program, not saved by a spreadsheet)",
                        path=path, line=int(re.sub(r"[A-Z]", "", missing[0])), unit="row",
                        hint="open the file in Excel or LibreOffice and save it, so the values are stored; "
                             "or replace the formulas by their values")


def _clean(value: Any, unescape: Callable[[str], str] = str) -> Any:
    """Cell values as a researcher means them: trimmed text, whole numbers as int, '' as None."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        return _number(unescape(value))
    if isinstance(value, float):
        value = float(f"{value:.15g}")  # as Excel shows it: 0.1 + 0.2 is 0.3
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return _duration(value)
    return value


def _duration(value: timedelta) -> str:
    """A duration cell as Excel shows it, [h]:mm:ss."""
    seconds = round(value.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _number(text: str) -> Any:
    if text.isascii() and text.isdigit() and len(text) <= 18 and not (len(text) > 1 and text.startswith("0")):
        return int(text)
    return text
