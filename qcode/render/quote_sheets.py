"""Quote sheets for report writers: one row per coded fragment, as .xlsx, .csv or .docx.

Besides what was coded, each row says how the report prints it — `opnemen` (ja/nee), `volgorde`
(its place among its code's quotes) and `citaat` (the printed words) — and its `coding` id, so that
`qcode quotes import` can read the researcher's decisions back (`qcode.quote_import`).
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from qcode import pseudonymised
from qcode.aggregate import Quote
from qcode.quote_choice import SheetColumns
from qcode.errors import UsageError
from qcode.outputs import Guard, writing, xlsx_row, xml_text
from qcode.records import seconds_as_clock
from qcode.render.attribution import Attributor
from qcode.tables import write_csv

if TYPE_CHECKING:
    from qcode.anonymise import Pseudonymiser

FORMATS = ("xlsx", "csv", "docx")
BASE_COLUMNS = ("theme", "code", "code_label", "participant")
ATTRIBUTION = "attribution"  # who said it, as the report prints it ('jongerenwerker, 29 jaar')
DECISION_COLUMNS = ("opnemen", "volgorde", "citaat")
TAIL_COLUMNS = ("transcript", "turn", "timestamp", "text", "main", "star", "memo", "coder", "coding",
                "export_check")
WIDTHS = {"theme": 28, "code": 24, "code_label": 28, "text": 90, "citaat": 90, "memo": 40, "opnemen": 10,
          "volgorde": 10}


def attribute_column(attribute: str) -> str:
    """An attribute's column; one named like a column of the sheet itself (`code`, `text`) is set apart,
    so it can never stand in for the real one."""
    own = (*BASE_COLUMNS, ATTRIBUTION, *DECISION_COLUMNS, *TAIL_COLUMNS)
    return f"{attribute} (attribute)" if attribute in own else attribute


def rows(quotes: list[Quote], labels: dict[str, str], attributor: Attributor,
         decisions: list[SheetColumns], pseudonymiser: Pseudonymiser | None = None) -> list[dict]:
    """The attribute columns and the attribution as `attributor` prints them (coarsened alike, and pseudonymised
    when it was given the export's pseudonymiser); `pseudonymiser` replaces identifiers in everything else a
    participant said or is known by (and in memos). `export_check` is of the citaat as written, so an untouched
    row reads back unchanged."""
    shown = partial(pseudonymised.text, pseudonymiser)
    table = []
    for q, d in zip(quotes, decisions, strict=True):
        d = replace(d, citaat=shown(d.citaat))
        table.append({"theme": labels.get(q.theme, q.theme), "code": q.code, "code_label": labels.get(q.code, q.code),
                      "participant": shown(q.participant),
                      **{attribute_column(a): value for a, value in attributor.columns(q.attributes).items()},
                      ATTRIBUTION: attributor(q.attributes, q.participant),
                      "opnemen": d.opnemen, "volgorde": d.volgorde, "citaat": d.citaat,
                      "transcript": shown(q.transcript), "turn": q.turn, "timestamp": seconds_as_clock(q.timestamp),
                      "text": shown(q.text), "main": int(q.main), "star": int(q.star), "memo": shown(q.memo or ""),
                      "coder": q.coder, "coding": d.coding, "export_check": d.export_check,
                      "vraag": q.question or ""})
    return table


def write(quotes: list[Quote], labels: dict[str, str], attributor: Attributor, path: Path, fmt: str,
          guard: Guard | None = None, decisions: list[SheetColumns] | None = None,
          pseudonymiser: Pseudonymiser | None = None) -> int:
    """`decisions`: each quote's `opnemen`, `volgorde`, `citaat` and coding (`quote_choice.sheet_columns`);
    `attributor`: who said each quote, coarsened or not, over the attributes it was made for;
    `pseudonymiser`: identifiers replaced (None: the raw text)."""
    if fmt not in FORMATS:
        raise UsageError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not quotes:
        raise UsageError("no coded fragments match", hint="check --coder and --code with 'qcode codings'")
    attributes = attributor.chosen  # checked by the caller (`attribution.check_attributes`)
    columns = [*BASE_COLUMNS, *map(attribute_column, attributes), ATTRIBUTION, *DECISION_COLUMNS, *TAIL_COLUMNS]
    if any(q.question for q in quotes):  # a survey: each answer's question, and no main reasons to mark
        columns = ["vraag", *(c for c in columns if c != "main")]
    table = rows(quotes, labels, attributor, decisions if decisions is not None else
                 [SheetColumns(0, "", None, q.text) for q in quotes], pseudonymiser)
    with writing(path, guard) as temporary:
        if fmt == "csv":
            write_csv(table, columns, temporary)
        elif fmt == "xlsx":
            _xlsx(table, columns, temporary)
        else:
            _docx(table, temporary)
    return len(table)


def _xlsx(table: list[dict], columns: list[str], path: Path) -> None:
    """An 'alle' sheet and one per theme: frozen header, auto-filter, wrapped text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    by_theme: dict[str, list[dict]] = {}
    for row in table:
        by_theme.setdefault(row["theme"], []).append(row)
    used: set[str] = set()
    for title, sheet_rows in [("alle", table), *by_theme.items()]:
        sheet = workbook.create_sheet(_sheet_name(title, used))
        sheet.append(xlsx_row(sheet, columns))
        for row in sheet_rows:
            sheet.append(xlsx_row(sheet, (row[c] for c in columns)))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DCE6F2")
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column, 14)
            sheet.column_dimensions[get_column_letter(index)].hidden = column == "export_check"
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path)


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\\x00-\x1f\ufffe\uffff\ud800-\udfff]", "", str(title))[:31].strip("' ") or "thema"
    if name.lower() == "history":  # a name Excel keeps for itself
        name = "History (thema)"
    candidate, number = name, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = name[:31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _docx(table: list[dict], path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_heading("Citaten", level=1)
    theme = None
    for row in table:
        if row["theme"] != theme:
            theme = row["theme"]
            document.add_heading(xml_text(str(theme)), level=2)
        quote = document.add_paragraph(style="List Bullet")
        quote.add_run(xml_text(f"\u201c{row['citaat']}\u201d")).italic = True
        quote.add_run(xml_text(f" \u2013 {row[ATTRIBUTION]}"))
        chosen = f"volgorde {row['volgorde']}" if row["opnemen"] == "ja" else "niet opnemen"
        flags = [f for f, on in (("hoofdreden", row["main"]), ("★", row["star"]), (chosen, row["opnemen"]),
                                 (f"[[citaat {row['coding']}]]", row["coding"])) if on]
        where = f"{row['transcript']}, beurt {row['turn']}" + (f" [{row['timestamp']}]" if row["timestamp"] else "")
        meta = " · ".join(str(part) for part in [row["participant"], row["code_label"], where, *flags, row["coder"]])
        document.add_paragraph(xml_text(meta + (f"\nMemo: {row['memo']}" if row["memo"] else "")))
    document.save(str(path))
