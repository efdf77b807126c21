"""Writing rows of plain values as .csv (UTF-8 with BOM, for Excel), .json or .xlsx.

Every file is written whole or not at all (`outputs.writing`), and every text cell stays text: a
string cell in .xlsx, a neutralised cell in .csv (see `qcode.outputs`).
"""
from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qcode.errors import UsageError
from qcode.outputs import Guard, check_target, csv_cell, format_for, plain_value, writing, xlsx_row

FORMATS = ("csv", "json", "xlsx")


def format_of(path: Path, given: str | None = None) -> str:
    if given is not None and given.lower() in FORMATS:
        format_for(path, given, FORMATS, given)  # a --format the extension contradicts is refused
    fmt = (given or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UsageError(f"cannot write {fmt or 'extension-less'} files", path=path,
                         hint=f"use one of: {', '.join('.' + f for f in FORMATS)}")
    return fmt


def write_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], path: Path, fmt: str | None = None,
               guard: Guard | None = None) -> Path:
    check_target(path, guard)  # a protected file is refused as such, whatever its extension
    fmt = format_of(path, fmt)
    with writing(path, guard) as temporary:
        if fmt == "json":
            temporary.write_text(json.dumps([{k: plain_value(v) for k, v in row.items()} for row in rows],
                                            ensure_ascii=False, indent=2), encoding="utf-8", errors="replace")
        elif fmt == "csv":
            write_csv(rows, columns, temporary)
        else:
            _xlsx(rows, columns, temporary)
    return path


def write_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", errors="replace", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([csv_cell(c) for c in columns])
        writer.writerows([csv_cell(row.get(c)) for c in columns] for row in rows)


def _xlsx(rows: Sequence[dict[str, Any]], columns: Sequence[str], path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(xlsx_row(sheet, columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, (row.get(c) for c in columns)))
    sheet.freeze_panes = "A2"
    workbook.save(path)
