"""Writing rows of plain values as .csv (for Excel, English or Dutch), .json or .xlsx.

Every file is written whole or not at all (`outputs.writing`), and every text cell stays text: a
string cell in .xlsx, a neutralised cell in .csv (see `qcode.outputs`). Every .xlsx is made the same
way (`write_workbook`): named sheets, a bold header that stays in view, filters, column widths from
the content, long text wrapped.
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode.errors import UsageError
from qcode.outputs import Guard, check_target, csv_cell, format_for, plain_value, writing, xlsx_row

FORMATS = ("csv", "json", "xlsx")


@dataclass(frozen=True)
class CsvDialect:
    """How a .csv is written for a spreadsheet: Excel opens a .csv with its own locale's separators."""
    name: str
    delimiter: str
    decimal: str
    description: str


DIALECTS = {d.name: d for d in (
    CsvDialect("excel", ",", ".", "comma-separated, decimal point (Excel in English, most other programs)"),
    CsvDialect("excel-nl", ";", ",", "semicolon-separated, decimal comma (Excel in Dutch)"),
)}
DEFAULT_DIALECT = "excel"


def dialect(name: str | None) -> CsvDialect:
    found = DIALECTS.get((name or DEFAULT_DIALECT).lower())
    if found is None:
        raise UsageError(f"unknown CSV dialect {name!r}", hint=f"use one of: {', '.join(DIALECTS)}")
    return found


def format_of(path: Path, given: str | None = None) -> str:
    if given is not None and given.lower() in FORMATS:
        format_for(path, given, FORMATS, given)  # a --format the extension contradicts is refused
    fmt = (given or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UsageError(f"cannot write {fmt or 'extension-less'} files", path=path,
                         hint=f"use one of: {', '.join('.' + f for f in FORMATS)}")
    return fmt


def write_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], path: Path, fmt: str | None = None,
               guard: Guard | None = None, *, sheet: str | None = None, csv_dialect: str | None = None,
               frozen_columns: int = 0) -> Path:
    """One table as .json, .csv (in `csv_dialect`) or .xlsx (one sheet, named `sheet` or after the file)."""
    check_target(path, guard)  # a protected file is refused as such, whatever its extension
    fmt = format_of(path, fmt)
    chosen = dialect(csv_dialect)
    with writing(path, guard) as temporary:
        if fmt == "json":
            temporary.write_text(json.dumps([{k: plain_value(v) for k, v in row.items()} for row in rows],
                                            ensure_ascii=False, indent=2), encoding="utf-8", errors="replace")
        elif fmt == "csv":
            write_csv(rows, columns, temporary, chosen.name)
        else:
            write_workbook([Sheet(sheet or path.stem, columns, rows, frozen_columns=frozen_columns)], temporary)
    return path


def write_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str], path: Path,
              csv_dialect: str | None = None) -> None:
    """UTF-8 with a BOM (so Excel reads it as UTF-8), separators and decimal mark of the dialect."""
    chosen = dialect(csv_dialect)
    with path.open("w", encoding="utf-8-sig", errors="replace", newline="") as handle:
        writer = csv.writer(handle, delimiter=chosen.delimiter)
        writer.writerow([csv_cell(c) for c in columns])
        writer.writerows([number_text(csv_cell(row.get(c)), chosen) for c in columns] for row in rows)


def number_text(value: Any, chosen: CsvDialect) -> Any:
    """A fraction with the dialect's decimal mark (0.25 → 0,25 for Dutch Excel); anything else as it is."""
    if isinstance(value, float) and chosen.decimal != ".":
        return repr(value).replace(".", chosen.decimal)
    return value


# -- .xlsx ---------------------------------------------------------------------------------------
SHEET_NAME_MAX = 31  # Excel's limit
WIDTH_MIN, WIDTH_MAX = 6, 60  # column widths in characters; longer text wraps
MEASURED_ROWS = 500  # widths are measured on the first rows: a big export is not read twice
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass
class Sheet:
    """One worksheet: its (tab) name, columns and rows; widths where the content should not decide."""
    name: str
    columns: Sequence[str]
    rows: Sequence[dict[str, Any]]
    widths: dict[str, float] = field(default_factory=dict)
    hidden: Sequence[str] = ()
    frozen_columns: int = 0  # label columns kept in view beside the header (a matrix's row labels)


def write_workbook(sheets: Sequence[Sheet], path: Path) -> None:
    """Sheets into one .xlsx: bold shaded header frozen in view, filters, widths, wrapped long text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F2")
    wrapped = Alignment(wrap_text=True, vertical="top")
    for found in sheets:
        sheet = workbook.create_sheet(sheet_name(found.name, used))
        sheet.append(xlsx_row(sheet, found.columns))
        for row in found.rows:
            sheet.append(xlsx_row(sheet, (row.get(c) for c in found.columns)))
        for cell in sheet[1]:
            cell.font, cell.fill, cell.alignment = header_font, header_fill, wrapped
        for index, column in enumerate(found.columns, start=1):
            letter = get_column_letter(index)
            width, longest = _width(column, found)
            sheet.column_dimensions[letter].width = found.widths.get(column, width)
            sheet.column_dimensions[letter].hidden = column in found.hidden
            if longest > sheet.column_dimensions[letter].width:  # text longer than the column wraps
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.alignment = wrapped
        sheet.freeze_panes = f"{get_column_letter(found.frozen_columns + 1)}2"
        sheet.auto_filter.ref = sheet.dimensions
    if not sheets:
        workbook.create_sheet("leeg")
    workbook.save(path)


def _width(column: str, found: Sheet) -> tuple[float, int]:
    """(the column's width, its longest line) from the header and the first rows."""
    lines = [len(line) for row in found.rows[:MEASURED_ROWS]
             for line in str(plain_value(row.get(column)) if row.get(column) is not None else "").splitlines() or [""]]
    longest = max([len(str(column)), *lines])
    return float(min(max(longest + 2, WIDTH_MIN), WIDTH_MAX)), longest


def sheet_name(title: str, used: set[str]) -> str:
    """A tab name Excel accepts, unique in the workbook (case aside), shortened at a word with … .

    Excel refuses `[]:*?/\\`, more than 31 characters, a name starting or ending with `'`, and
    'History'; two names differing only in case are the same name to it.
    """
    name = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", str(title)).split()).strip("'") or "blad"
    if len(name) > SHEET_NAME_MAX:
        name = _shortened(name, SHEET_NAME_MAX)
    if name.lower() == "history":  # a name Excel keeps for itself
        name = "History (blad)"
    candidate, number = name, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = _shortened(name, SHEET_NAME_MAX - len(suffix)) + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _shortened(name: str, limit: int) -> str:
    """`name` in at most `limit` characters: cut at a word where one is near enough, marked with …"""
    if len(name) <= limit:
        return name
    cut = name[:limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" '-,.") + "…"
