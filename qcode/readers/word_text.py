"""The text a reader of a Word document sees, walked from the document's XML.

python-docx's `paragraph.text` reads only the runs directly in a paragraph (and hyperlinks): it
drops tracked insertions, content controls, smart tags, custom XML and field results. Here one
walk over the body yields paragraphs and tables in reading order, with every tracked change
accepted: insertions kept, deletions and moved-away text left out. Content controls (block, row,
cell and inline), smart tags, custom XML, hyperlinks and simple fields are read through; of a
complex field only the result shows (not the instruction between `begin` and `separate`). Text in
a text box becomes paragraphs after the paragraph it is anchored in, read once (of Word's two
copies in `mc:AlternateContent` only the first choice). Left out, as a reader does not see them in
the body or nobody wrote them: comments, footnotes and endnotes, headers and footers, hidden text
(`w:vanish`), and content controls still showing their placeholder.
Each piece of text carries whether it is bold, for speaker-label detection.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
FALSE_VALUES = frozenset({"0", "false", "off", "none"})

# Elements whose content a reader never sees in the body: revisions taken away, properties,
# references to other parts, ruby guide text, field instructions.
SKIPPED = frozenset(W + tag for tag in (
    "del", "moveFrom", "delText", "delInstrText", "instrText", "rPr", "pPr", "sdtPr", "sdtEndPr",
    "customXmlPr", "smartTagPr", "rt", "tblPr", "tblGrid", "trPr", "tcPr", "tblPrEx", "sectPr",
    "commentReference", "footnoteReference", "endnoteReference", "annotationRef", "footnoteRef",
    "endnoteRef", "separator", "continuationSeparator", "lastRenderedPageBreak",
))
SPACES = frozenset({W + "tab", W + "ptab"})
BREAKS = frozenset({W + "br", W + "cr"})


@dataclass(frozen=True)
class Piece:
    text: str
    bold: bool


@dataclass
class Paragraph:
    pieces: list[Piece] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The visible text, whitespace collapsed."""
        return " ".join("".join(piece.text for piece in self.pieces).split())

    def lines(self) -> list[Paragraph]:
        """The paragraph split at its line breaks (Shift+Enter), each line a Paragraph of its own."""
        lines = [Paragraph()]
        for piece in self.pieces:
            for number, part in enumerate(piece.text.split("\n")):
                if number:
                    lines.append(Paragraph())
                if part:
                    lines[-1].pieces.append(Piece(part, piece.bold))
        return lines


@dataclass
class Table:
    rows: list[list[list[Paragraph]]]  # rows of cells of paragraphs (a nested table's cells flattened)


Block = Paragraph | Table


class Styles:
    """Whether a paragraph or character style makes text bold, following `basedOn`."""

    def __init__(self, styles_element: Any | None) -> None:
        self._bold: dict[str, bool | None] = {}
        self._based_on: dict[str, str] = {}
        for style in [] if styles_element is None else styles_element.iter(W + "style"):
            style_id = style.get(W + "styleId")
            if not style_id:
                continue
            self._bold[style_id] = _toggle(style.find(f"{W}rPr/{W}b"))
            based_on = style.find(W + "basedOn")
            if based_on is not None and based_on.get(W + "val"):
                self._based_on[style_id] = based_on.get(W + "val")

    def bold(self, style_id: str | None) -> bool | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if self._bold.get(style_id) is not None:
                return self._bold[style_id]
            style_id = self._based_on.get(style_id)
        return None


def _toggle(element: Any | None) -> bool | None:
    if element is None:
        return None
    return (element.get(W + "val") or "true").lower() not in FALSE_VALUES


def _local(element: Any) -> str:
    return element.tag if isinstance(element.tag, str) else ""


class _Story:
    """The walk of one story (the body, or a text box): field nesting carries across paragraphs."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.fields: list[str] = []  # per open complex field: "code" until separate, then "result"

    def blocks(self, container: Any) -> Iterator[Block]:
        carried: list[Piece] = []  # a paragraph whose mark was deleted joins the next one
        for element in container:
            tag = _local(element)
            if tag == W + "p":
                paragraph, boxes = self.paragraph(element)
                paragraph.pieces[:0] = carried
                carried = []
                if _mark_removed(element):
                    carried = paragraph.pieces
                else:
                    yield paragraph
                yield from boxes
            elif tag == W + "tbl":
                if carried:
                    yield Paragraph(carried)
                    carried = []
                yield self.table(element)
            elif tag == MC + "AlternateContent":
                yield from self.blocks(_chosen(element))
            elif tag and tag not in SKIPPED and not _placeholder(element):  # sdt, customXml, ins…
                yield from self.blocks(element)
        if carried:
            yield Paragraph(carried)

    def table(self, tbl: Any) -> Table:
        rows = []
        for tr in _find(tbl, W + "tr", stop=W + "tbl"):
            if _has(tr, W + "trPr", W + "del"):
                continue
            cells = []
            for tc in _find(tr, W + "tc", stop=W + "tbl"):
                if _has(tc, W + "tcPr", W + "cellDel"):
                    continue
                cells.append(list(self.paragraphs(tc)))
            rows.append(cells)
        return Table(rows)

    def paragraphs(self, container: Any) -> Iterator[Paragraph]:
        """A cell's (or any container's) blocks as paragraphs, nested tables cell by cell."""
        for block in self.blocks(container):
            if isinstance(block, Paragraph):
                yield block
            else:
                for row in block.rows:
                    for cell in row:
                        yield from cell

    def paragraph(self, p: Any) -> tuple[Paragraph, list[Block]]:
        style = p.find(f"{W}pPr/{W}pStyle")
        paragraph_bold = self.styles.bold(style.get(W + "val") if style is not None else None) or False
        paragraph, boxes = Paragraph(), []
        self._inline(p, paragraph_bold, paragraph.pieces, boxes)
        # A field instruction ends with its paragraph: a `begin` never separated (a damaged file)
        # must not hide the rest of the document.
        self.fields = ["result"] * len(self.fields)
        return paragraph, boxes

    def _inline(self, element: Any, bold: bool, pieces: list[Piece], boxes: list[Block]) -> None:
        for child in element:
            tag = _local(child)
            if tag == W + "r":
                self._run(child, bold, pieces, boxes)
            elif tag == MC + "AlternateContent":
                self._inline(_chosen(child), bold, pieces, boxes)
            elif tag == M + "t":  # the text of an equation (m:oMath), as Word shows it in the line
                pieces.append(Piece(child.text or "", bold))
            elif tag and tag not in SKIPPED and not _placeholder(child):  # ins, moveTo, hyperlink, sdt, …
                self._inline(child, bold, pieces, boxes)

    def _run(self, run: Any, paragraph_bold: bool, pieces: list[Piece], boxes: list[Block]) -> None:
        properties = run.find(W + "rPr")
        if properties is not None and _toggle(properties.find(W + "vanish")):
            self._fields_only(run)
            return
        bold = _toggle(properties.find(W + "b")) if properties is not None else None
        if bold is None and properties is not None and (style := properties.find(W + "rStyle")) is not None:
            bold = self.styles.bold(style.get(W + "val"))
        bold = paragraph_bold if bold is None else bold
        for child in run:
            tag = _local(child)
            if tag == W + "fldChar":
                self._field_char(child)
            elif self.fields and "code" in self.fields:
                continue
            elif tag == W + "t":
                pieces.append(Piece(child.text or "", bold))
            elif tag in SPACES:
                pieces.append(Piece(" ", bold))
            elif tag in BREAKS:
                pieces.append(Piece("\n", bold))
            elif tag == W + "noBreakHyphen":
                pieces.append(Piece("-", bold))
            elif tag == W + "sym":
                pieces.append(Piece(_symbol(child), bold))
            elif tag == W + "ruby":  # the base text is what one reads; the guide text above it (w:rt) is not
                for base in child.iter(W + "rubyBase"):
                    self._inline(base, bold, pieces, boxes)
            elif tag == MC + "AlternateContent":
                boxes.extend(self._text_boxes(_chosen(child)))
            elif tag and tag not in SKIPPED:  # drawing, pict, object: text boxes inside
                boxes.extend(self._text_boxes(child))

    def _fields_only(self, run: Any) -> None:
        """A hidden run shows nothing, but may still open or close a field."""
        for child in run.iter(W + "fldChar"):
            self._field_char(child)

    def _field_char(self, element: Any) -> None:
        kind = element.get(W + "fldCharType")
        if kind == "begin":
            self.fields.append("code")
        elif kind == "separate" and self.fields:
            self.fields[-1] = "result"
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _text_boxes(self, element: Any) -> list[Block]:
        blocks: list[Block] = []
        for content in _find(element, W + "txbxContent", stop=W + "txbxContent"):
            blocks.extend(_Story(self.styles).blocks(content))
        return blocks


def _chosen(element: Any) -> list[Any]:
    """Of mc:AlternateContent (Word writes a drawing twice, a choice and a fallback) the one copy read:
    the first choice, or the fallback when there is no choice."""
    for child in element:
        if _local(child) in (MC + "Choice", MC + "Fallback"):
            return [child]
    return []


def _find(element: Any, tag: str, stop: str) -> Iterator[Any]:
    """Descendants with `tag`, not looking inside `stop` (a nested table or text box), nor inside
    the second copy in an mc:AlternateContent."""
    for child in element:
        child_tag = _local(child)
        if child_tag == tag:
            yield child
        elif child_tag == MC + "AlternateContent":
            for chosen in _chosen(child):
                yield from _find(chosen, tag, stop)
        elif child_tag and child_tag != stop and child_tag not in SKIPPED:
            yield from _find(child, tag, stop)


def _placeholder(element: Any) -> bool:
    """A content control still showing its placeholder ("Klik of tik om tekst in te voeren."): nobody wrote it."""
    return element.tag == W + "sdt" and _has(element, W + "sdtPr", W + "showingPlcHdr")


def _has(element: Any, properties: str, mark: str) -> bool:
    found = element.find(properties)
    return found is not None and found.find(mark) is not None


def _mark_removed(p: Any) -> bool:
    """Whether the paragraph mark is a tracked deletion (or moved away): the paragraph joins the next."""
    mark = p.find(f"{W}pPr/{W}rPr")
    return mark is not None and (mark.find(W + "del") is not None or mark.find(W + "moveFrom") is not None)


def _symbol(element: Any) -> str:
    """A w:sym character; symbol fonts' private-use code points show as nothing useful, so are dropped."""
    try:
        code = int(element.get(W + "char") or "", 16)
    except ValueError:
        return ""
    return "" if 0xE000 <= code <= 0xF8FF or not 0 < code < 0x110000 else chr(code)


def body_blocks(body: Any, styles_element: Any | None) -> list[Block]:
    """The body's paragraphs and tables in reading order, as a reader of the document sees them."""
    return list(_Story(Styles(styles_element)).blocks(body))
