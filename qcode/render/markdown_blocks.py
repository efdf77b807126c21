"""The small Markdown the report templates write, as blocks, and those blocks as Word or HTML.

Headings (#, ##, ###), paragraphs, block quotes (> , one line each), bullet lists (- ), pipe tables, images (![alt](path)), and
inline *italic* and **bold** with backslash escapes. That is all a report needs, and keeping the
reader this small keeps one template in charge of all three formats.
"""
from __future__ import annotations

import base64
import html
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path

from qcode.render.markdown_text import ESCAPABLE, link_target, unescape

_IMAGE = re.compile(r"^!\[(?P<alt>(?:\\.|[^\]\\])*)\]\((?P<path>(?:\\.|[^)\\])+)\)$")
# An escape is one unit everywhere, so an escaped `*` or `|` inside a quote never ends it.
_ESCAPE = rf"\\{ESCAPABLE}"
_PLAIN = rf"(?:{_ESCAPE}|[^*\\]|\\(?!{ESCAPABLE}))"
_BOLD = rf"\*\*(?P<bold>(?:{_PLAIN}|\*(?!\*))+?)\*\*"
_ITALIC = rf"\*(?P<italic>(?:{_PLAIN}|\*\*{_PLAIN}+?\*\*)+?)\*"
_INLINE = re.compile(rf"\\(?P<escaped>{ESCAPABLE})|{_BOLD}|{_ITALIC}")
_CELL_TOKEN = re.compile(r"\\.|[^|\\]+|\\|\|")


@dataclass
class Block:
    kind: str  # heading, paragraph, quote, bullets, table, caption, image
    text: str = ""
    level: int = 0
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def parse(markdown: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for raw in markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        image = _IMAGE.match(line)
        if heading:
            flush()
            blocks.append(Block("heading", heading.group(2).strip(), level=len(heading.group(1))))
        elif image:
            flush()
            blocks.append(Block("image", unescape(image.group("alt")), items=[link_target(image.group("path"))]))
        elif line.startswith("Table: ") and blocks and blocks[-1].kind == "table" and not paragraph:
            blocks.append(Block("caption", line[len("Table: "):].strip()))
        elif line.startswith(">"):
            flush()
            blocks.append(Block("quote", line[1:].strip()))
        elif line.startswith("- "):
            flush()
            if not blocks or blocks[-1].kind != "bullets":
                blocks.append(Block("bullets"))
            blocks[-1].items.append(line[2:].strip())
        elif line.startswith("|"):
            flush()
            cells = _cells(line)
            if all(re.fullmatch(r":?-{3,}:?", cell) for cell in cells):
                continue
            if not blocks or blocks[-1].kind != "table":
                blocks.append(Block("table"))
            blocks[-1].rows.append(cells)
        elif blocks and blocks[-1].kind == "bullets" and raw.startswith("  ") and not paragraph:
            blocks[-1].items[-1] += " " + line
        else:
            paragraph.append(line)
    flush()
    return blocks


def _cells(line: str) -> list[str]:
    """A table row's cells, split at the pipes that are not escaped (`\\|` is a pipe in a cell)."""
    cells, current = [], []
    for token in _CELL_TOKEN.findall(line):
        if token == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(token)
    cells.append("".join(current))
    if not cells[-1].strip():  # the row's closing pipe
        cells.pop()
    return [cell.strip() for cell in cells[1:]]


def runs(text: str) -> list[tuple[str, bool, bool]]:
    """Inline text as (text, bold, italic) pieces, escapes resolved."""
    pieces: list[tuple[str, bool, bool]] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            pieces.append((text[position:match.start()], False, False))
        if match.group("escaped") is not None:
            pieces.append((match.group("escaped"), False, False))
        elif match.group("bold") is not None:
            pieces.extend((t, True, i) for t, _, i in runs(match.group("bold")))
        else:
            pieces.extend((t, b, True) for t, b, _ in runs(match.group("italic")))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False, False))
    merged: list[tuple[str, bool, bool]] = []
    for piece in pieces:
        if merged and merged[-1][1:] == piece[1:]:
            merged[-1] = (merged[-1][0] + piece[0], *piece[1:])
        else:
            merged.append(piece)
    return merged


def plain(text: str) -> str:
    return "".join(piece for piece, _, _ in runs(text))


# -- Word ---------------------------------------------------------------------------------------
def to_docx(blocks: list[Block], path: Path, base: Path) -> None:
    """Real Word headings (Heading 1–3), List Bullet paragraphs, and tables in a built-in style."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    for block in blocks:
        if block.kind == "heading":
            document.add_heading(plain(block.text), level=min(block.level, 9))
        elif block.kind == "paragraph":
            _add_runs(document.add_paragraph(), block.text)
        elif block.kind == "quote":
            _add_runs(document.add_paragraph(style="Quote"), block.text)
        elif block.kind == "caption":
            _add_runs(document.add_paragraph(style="Caption"), block.text)
        elif block.kind == "bullets":
            for item in block.items:
                _add_runs(document.add_paragraph(style="List Bullet"), item)
        elif block.kind == "table":
            header, *body = block.rows
            table = document.add_table(rows=1, cols=len(header))
            table.style = "Light Grid Accent 1"
            for cell, text in zip(table.rows[0].cells, header):
                cell.text = plain(text)
            for row in body:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = plain(text)
            document.add_paragraph()
        elif block.kind == "image":
            image = _resolve(block.items[0], base)
            if image.is_file():
                document.add_picture(str(image), width=Cm(15))
    document.save(str(path))


def _add_runs(paragraph, text: str) -> None:
    for piece, bold, italic in runs(text):
        run = paragraph.add_run(piece)
        run.bold, run.italic = bold or None, italic or None


# -- HTML ---------------------------------------------------------------------------------------
_STYLE = """body{font-family:Calibri,Arial,sans-serif;max-width:46em;margin:2em auto;line-height:1.5;color:#222}
h1,h2,h3{color:#1f3864}li{margin:.4em 0}table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #bbb;padding:.3em .7em;text-align:left}th{background:#dce6f2}img{max-width:100%}"""


def to_html(blocks: list[Block], title: str, base: Path) -> str:
    """One self-contained page: escaped text, inline CSS, images embedded as data URIs."""
    body = []
    for block in blocks:
        if block.kind == "heading":
            body.append(f"<h{block.level}>{_inline_html(block.text)}</h{block.level}>")
        elif block.kind == "paragraph":
            body.append(f"<p>{_inline_html(block.text)}</p>")
        elif block.kind == "caption":
            body.append(f'<p class="caption">{_inline_html(block.text)}</p>')
        elif block.kind == "quote":
            body.append(f"<blockquote><p>{_inline_html(block.text)}</p></blockquote>")
        elif block.kind == "bullets":
            body.append("<ul>" + "".join(f"<li>{_inline_html(i)}</li>" for i in block.items) + "</ul>")
        elif block.kind == "table":
            header, *rows = block.rows
            body.append("<table><thead><tr>" + "".join(f"<th>{_inline_html(c)}</th>" for c in header)
                        + "</tr></thead><tbody>" + "".join(
                            "<tr>" + "".join(f"<td>{_inline_html(c)}</td>" for c in row) + "</tr>" for row in rows)
                        + "</tbody></table>")
        elif block.kind == "image":
            image = _resolve(block.items[0], base)
            if image.is_file():
                kind = mimetypes.guess_type(image.name)[0] or "image/png"
                data = base64.b64encode(image.read_bytes()).decode("ascii")
                body.append(f'<p><img alt="{html.escape(block.text)}" src="data:{kind};base64,{data}"></p>')
    return (f'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n")


def _inline_html(text: str) -> str:
    out = []
    for piece, bold, italic in runs(text):
        piece = html.escape(piece)
        if italic:
            piece = f"<em>{piece}</em>"
        if bold:
            piece = f"<strong>{piece}</strong>"
        out.append(piece)
    return "".join(out)


def _resolve(target: str, base: Path) -> Path:
    path = Path(target)
    return path if path.is_absolute() else base / path
