"""The researcher's decisions read back from a quote sheet: `opnemen`, `volgorde` and `citaat` per coding.

Every row is checked before anything is written: the coding still exists, `opnemen` is ja or nee,
`volgorde` a whole number from 1, `citaat` a verified edit of the participant's words, the `text`
column untouched (edits belong in `citaat`). Every problem is listed with its sheet and row, and
then nothing is written. Each row carries `export_check`, a short digest of its three columns as qcode wrote them, so a
changed row is told from an unchanged one. An .xlsx quote sheet holds each quote twice (on `alle`
and on its theme's sheet): every worksheet is read, and the changed row counts. Only codes with a
changed row are touched (then every row of that code is the researcher's decision), so an older
sheet imported again never undoes later choices, and importing the same sheet twice changes nothing.

An empty cell is a decision too: `opnemen` or `volgorde` left empty lets qcode decide, an empty
`citaat` prints the coded words. A column left out of the sheet changes nothing.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode import quote_choice
from qcode.errors import InputError, Problem, UsageError, cell
from qcode.outputs import same_text
from qcode.quote_edits import Replacements, restore_replacements
from qcode.readers import ReadError
from qcode.readers.sheets import read_rows, worksheet_titles

COLUMNS = ("opnemen", "volgorde", "citaat")
YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x"}
NO = {"nee", "n", "no", "0", "false", "onwaar"}
_ABSENT = object()  # a column the sheet does not have: keep what is stored


@dataclass
class QuotesImport:
    rows: int = 0  # rows read (an .xlsx quote sheet has each quote on two worksheets)
    quotes: int = 0  # codings the sheet has a row for
    changed: int = 0  # codings whose decision changed
    unchanged: int = 0
    edits: int = 0  # codings whose printed words are now an edit
    warnings: list[quote_choice.QuoteWarning] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    sheet: str  # the worksheet's title when an .xlsx has several, else ""
    number: int
    coding: int
    include: Any  # True, False, None (qcode decides) or _ABSENT
    order: Any  # int, None or _ABSENT
    text: Any  # str, None (the coded words) or _ABSENT
    edited: bool  # changed since qcode wrote it (its `export_check` no longer fits), or no way to tell

    @property
    def says(self) -> tuple:
        return self.include, self.order, self.text


def import_decisions(conn: sqlite3.Connection, path: Path, by: str | None = None,
                     pseudonymiser: Replacements | None = None) -> QuotesImport:
    """Check every row, then store the decisions inside the caller's transaction (all or nothing).
    A sheet written pseudonymised reads back as the participant's words: `pseudonymiser` (a
    `qcode.anonymise.Pseudonymiser`) tells its labels ("[naam 1]") from brackets the researcher typed.

    Only codes the researcher changed something about are touched: for such a code every row of the
    sheet becomes the researcher's decision (what they saw is what the report prints); the quotes of
    codes left as qcode wrote them keep following qcode's default."""
    sheets = _read(path)
    problems: list[Problem] = []
    rows: list[_Row] = []
    for title, records in sheets:
        sheet = title if len(sheets) > 1 else ""
        for number, record in records:
            try:
                row = _row(conn, sheet, number, record, pseudonymiser)
            except UsageError as error:
                problems.append(_problem(path, number, sheet, error))
                continue
            if row is not None:
                rows.append(row)
    result = QuotesImport(rows=len(rows), quotes=len({row.coding for row in rows}))
    wanted = _merged(rows, path, problems)
    touched = {_code(conn, row.coding) for row, _ in wanted.values() if row.edited}
    in_sheet = list(wanted)
    wanted = {coding: found for coding, found in wanted.items() if _code(conn, coding) in touched}
    places = _renumbered(conn, wanted)
    checked: dict[int, tuple] = {}
    for coding, (row, (include, order, text)) in wanted.items():
        order = places.get(coding, order)
        try:
            checked[coding] = _checked(conn, row, include, order, text)
        except UsageError as error:
            problems.append(_problem(path, row.number, row.sheet, error))
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.line or 0, p.message)))
    for coding, (include, order, text, coder) in checked.items():
        if quote_choice.decide(conn, coding, include=include, order=order, text=text, by=by or coder):
            result.changed += 1
        else:
            result.unchanged += 1
    result.unchanged += result.quotes - len(checked)
    result.edits = conn.execute("SELECT COUNT(*) FROM quote_decisions WHERE text IS NOT NULL AND coding_id IN "
                                f"({', '.join('?' for _ in in_sheet)})", in_sheet).fetchone()[0]
    result.warnings = quote_choice.stale_decisions(conn)
    return result


def _renumbered(conn: sqlite3.Connection, wanted: dict[int, tuple[_Row, tuple]]) -> dict[int, int]:
    """The places of each code's numbered quotes as 1, 2, 3 …: by the sheet's volgorde, a row the researcher
    changed before an unchanged one with the same number (writing 1 puts a quote first)."""
    by_code: dict[str, list[tuple]] = {}
    for coding, (row, (include, order, _)) in wanted.items():
        if isinstance(order, int) and include is not False:
            by_code.setdefault(_code(conn, coding), []).append((order, not row.edited, row.number, coding))
    return {coding: place for numbered in by_code.values()
            for place, (*_, coding) in enumerate(sorted(numbered), start=1)}


def _code(conn: sqlite3.Connection, coding: int) -> str:
    return conn.execute("SELECT code_id FROM codings WHERE id = ?", (coding,)).fetchone()[0]


def _read(path: Path) -> list[tuple[str, list]]:
    """(title, rows) of every worksheet with a `coding` column (of a .csv: the file itself)."""
    try:
        titles = worksheet_titles(path) if path.suffix.lower() == ".xlsx" else [path.name]
        sheets, headers = [], []
        for index, title in enumerate(titles):
            header, records = read_rows(path, index)
            headers.append(header)
            if "coding" in header:
                sheets.append((title, header, records))
    except ReadError as error:
        raise InputError([error.problem]) from None
    if not sheets:
        raise InputError([Problem("the sheet has no 'coding' column", path, 1,
                                  "import a sheet written by 'qcode export quotes' (its last column is 'coding')",
                                  unit="row")])
    if not any(name in header for _, header, _ in sheets for name in COLUMNS):
        raise InputError([Problem("the sheet has none of the columns opnemen, volgorde and citaat", path, 1,
                                  "export the quote sheet again with this version of qcode", unit="row")])
    return [(title, records) for title, _, records in sheets]


def _problem(path: Path, number: int, sheet: str, error: UsageError) -> Problem:
    where = f"on sheet {sheet!r}: " if sheet else ""
    return Problem(where + error.problem.message, path, number, error.problem.hint, unit="row")


def _where(row: _Row) -> str:
    return f"row {row.number}" + (f" of sheet {row.sheet!r}" if row.sheet else "")


def _row(conn: sqlite3.Connection, sheet: str, number: int, record: dict[str, Any],
         pseudonymiser: Replacements | None = None) -> _Row | None:
    """A checked row; None for an unchanged row whose coding is gone (it carries no decision)."""
    coding = record.get("coding")
    if not isinstance(coding, int) or isinstance(coding, bool) or coding < 1:
        raise UsageError(f"the coding column holds {cell(coding)}, not a coding id",
                         hint="keep the 'coding' column as qcode wrote it")
    include, order = _include(record), _order(record)
    text = _ABSENT if "citaat" not in record else _text(record["citaat"])
    check = record.get("export_check")
    edited = _ABSENT in (include, order, text) or check is None or str(check) != quote_choice.sheet_check(
        include, order, text)
    found = conn.execute("SELECT f.text, c.span_start, c.span_end FROM codings c JOIN fragments f "
                         "ON f.id = c.fragment_id WHERE c.id = ?", (coding,)).fetchone()
    if found is None:
        if not edited:
            return None
        raise UsageError(f"coding {coding} no longer exists (removed, or its transcript re-imported, since the "
                         "sheet was written)", hint="export the quotes again and copy your decisions over")
    fragment_text, start, end = found
    coded = fragment_text if start is None else fragment_text[start:end]
    if pseudonymiser is not None and isinstance(text, str):
        text = restore_replacements(fragment_text, text, pseudonymiser)
    written = record.get("text")
    if written is not None and pseudonymiser is not None:
        written = restore_replacements(coded, str(written), pseudonymiser)
    if written is not None and not same_text(str(written), coded.strip()):
        raise UsageError(f"the 'text' column of coding {coding} is not the coded words",
                         hint="leave 'text' as it is: an edited quote goes in the 'citaat' column")
    return _Row(sheet, number, coding, include, order, text, edited)


def _include(record: dict[str, Any]) -> Any:
    if "opnemen" not in record:
        return _ABSENT
    value = record["opnemen"]
    if value is None:
        return None
    word = str(value).strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise UsageError(f"opnemen must be ja or nee, not {cell(value)}", hint="write ja or nee, or leave it empty")


def _order(record: dict[str, Any]) -> Any:
    if "volgorde" not in record:
        return _ABSENT
    value = record["volgorde"]
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise UsageError(f"volgorde must be a whole number from 1, not {cell(value)}",
                     hint="number the quotes of a code 1, 2, 3 …, or leave it empty")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _merged(rows: list[_Row], path: Path, problems: list[Problem]) -> dict[int, tuple[_Row, tuple]]:
    """One row per coding: the one the researcher changed (an .xlsx has each quote on two worksheets);
    two changed rows of one coding must say the same."""
    by_coding: dict[int, list[_Row]] = {}
    for row in rows:
        by_coding.setdefault(row.coding, []).append(row)
    merged = {}
    for coding, found in by_coding.items():
        changed = [row for row in found if row.edited] or found[:1]
        distinct = list(dict.fromkeys(row.says for row in changed))
        if len(distinct) > 1:
            first, other = (next(r for r in changed if r.says == says) for says in distinct[:2])
            problems.append(Problem(f"{_where(first)} and {_where(other)} say different things about coding {coding}",
                                    path, other.number, "make the two rows agree, or undo one of them", unit="row"))
            continue
        merged[coding] = (changed[0], distinct[0])
    return merged


def _checked(conn: sqlite3.Connection, row: _Row, include: Any, order: Any, text: Any) -> tuple:
    """The decision to store (a column not in the sheet keeps what is stored), with the edit verified."""
    coder, fragment_id, fragment_text = conn.execute(
        "SELECT c.coder, c.fragment_id, f.text FROM codings c JOIN fragments f ON f.id = c.fragment_id "
        "WHERE c.id = ?", (row.coding,)).fetchone()
    stored = conn.execute("SELECT include, position, text FROM quote_decisions WHERE coding_id = ?",
                          (row.coding,)).fetchone() or (None, None, None)
    if include is _ABSENT:
        include = None if stored[0] is None else bool(stored[0])
    if order is _ABSENT:
        order = stored[1]
    if text is _ABSENT:
        text = stored[2]
    text = quote_choice.edit_to_store(text, fragment_text, quote_choice.by_coding(conn, row.coding).original,
                                      fragment_id)
    return include, order, text, coder
