"""Writing rows of plain values as .csv (UTF-8 with BOM, for Excel), .json or .xlsx."""
from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qcode.errors import UsageError

FORMATS = ("csv", "json", "xlsx")


def format_of(path: Path, given: str | None = None) -> str:
    fmt = (given or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UsageError(f"cannot write {fmt or 'extension-less'} files", path=path,
                         hint=f"use one of: {', '.join('.' + f for f in FORMATS)}")
    return fmt


def write_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], path: Path, fmt: str | None = None) -> None:
    fmt = format_of(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        path.write_text(json.dumps(list(rows), ensure_ascii=False, indent=2), encoding="utf-8")
    elif fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns))
            writer.writeheader()
            writer.writerows(rows)
    else:
        import openpyxl
        from openpyxl.styles import Font

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(c) for c in columns])
        sheet.freeze_panes = "A2"
        workbook.save(path)
