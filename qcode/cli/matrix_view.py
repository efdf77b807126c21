"""A matrix on the terminal: in parts that each fit the width, so that no mark is ever squeezed out.

Rich shrinks a table that is too wide by narrowing its columns, down to nothing: at 80 columns a
code × participant matrix of twelve participants lost half its marks without a word. Here the
columns are measured first and split over as many tables as needed, each repeating the row labels.
"""
from __future__ import annotations

from collections.abc import Iterator

from rich.table import Table
from rich.text import Text

from qcode.aggregate import MAIN, MENTIONED, Matrix
from qcode.cli.common import shown
from qcode.display import visible
from qcode.errors import UsageError

LABEL_MAX = 32  # a longer row label ends in …
LABEL_MIN = 12
HEADER_MAX = 12  # a longer column header wraps onto more lines
MARKS = {0: "[dim]·[/]", MENTIONED: "✓", MAIN: "[bold red]H[/]"}
LEGEND = "✓ mentioned   [bold red]H[/] main reason   [dim]·[/] not mentioned"


def is_marks(found: Matrix) -> bool:
    """A code × participant matrix holds marks (mentioned, main reason), the others counts."""
    return found.title.startswith("code × participant")


def title(found: Matrix) -> str:
    """The title without the sheet's legend of its numbers: the screen shows symbols instead."""
    return found.title.split(" (1 mentioned")[0] if is_marks(found) else found.title


def cell(value: int, marks: bool) -> str:
    if marks:
        return MARKS[value]
    return str(value) if value else "[dim]0[/]"


def tables(found: Matrix, width: int) -> tuple[list[Table], list[str]]:
    """The matrix as tables that fit `width`, and the key to numbered column headers (or none).

    Long column headers (theme labels, attribute values) that do not fit side by side are
    numbered, with a key below; columns that still do not fit go to a second part, and so on.
    """
    headers = list(found.columns)
    parts, widths, label = _layout(found, headers, width)
    key: list[str] = []
    if len(parts) > 1 and max(map(len, headers), default=0) > 4:
        key = [f"{number:>2}  {header}" for number, header in enumerate(headers, start=1)]
        headers = [str(number) for number in range(1, len(headers) + 1)]
        parts, widths, label = _layout(found, headers, width)
    rows = list(found.rows)
    if key and found.rows == found.columns:  # co-occurrence: rows numbered like the columns
        rows = [f"{number} {label}" for number, label in enumerate(rows, start=1)]
    return ([_table(found, rows, headers, columns, widths, label,
                    f" — part {n} of {len(parts)}" if len(parts) > 1 else "")
             for n, columns in enumerate(parts, start=1)], key)


def _layout(found: Matrix, headers: list[str], width: int) -> tuple[list[list[int]], list[int], int]:
    marks = is_marks(found)
    widths = [_column_width(header, [row[i] for row in found.cells], marks) for i, header in enumerate(headers)]
    label = _label_width(found, widths, width)
    return list(_parts(widths, width - (label + 4))), widths, label


def _column_width(header: str, values: list[int], marks: bool) -> int:
    """Room for the widest value, and for the header up to HEADER_MAX (then it wraps, by word or within one)."""
    values_width = 1 if marks else max((len(str(v)) for v in values), default=1)
    longest_word = max((len(word) for word in header.split()), default=1)
    header_width = len(header) if len(header) <= HEADER_MAX else min(longest_word, HEADER_MAX)
    return max(values_width, header_width, 1)


def _label_width(found: Matrix, widths: list[int], width: int) -> int:
    longest = max([len(found.corner), *(len(label) for label in found.rows)], default=LABEL_MIN)
    label = min(longest, LABEL_MAX)
    narrowest = min(widths, default=1) + 3
    if label + 4 + narrowest > width:  # give the row labels less room before giving up
        label = max(min(longest, LABEL_MIN), width - 4 - narrowest)
    if label + 4 + narrowest > width:
        raise UsageError(f"the terminal is too narrow ({width} columns) to show this matrix",
                         hint="widen the window, or write it to a sheet: add --format xlsx -o exports/matrix.xlsx")
    return label


def _parts(widths: list[int], room: int) -> Iterator[list[int]]:
    """Column indexes in runs that fit `room` characters, each column taking its width + 3 (padding, border)."""
    part: list[int] = []
    used = 0
    for index, width in enumerate(widths):
        if part and used + width + 3 > room:
            yield part
            part, used = [], 0
        part.append(index)
        used += width + 3
    if part or not widths:
        yield part


def _table(found: Matrix, rows: list[str], headers: list[str], columns: list[int], widths: list[int], label: int,
           part: str) -> Table:
    marks = is_marks(found)
    table = Table(title=shown(title(found)) + part, title_justify="left")
    table.add_column(shown(found.corner), no_wrap=True, width=label, overflow="ellipsis")
    for index in columns:
        table.add_column(Text(visible(headers[index]), overflow="fold"), justify="right", width=widths[index])
    for name, values in zip(rows, found.cells):
        table.add_row(shown(name), *[cell(values[i], marks) for i in columns])
    return table
