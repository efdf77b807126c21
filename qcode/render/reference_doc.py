"""qcode's own reference document: the Word styles and page a report gets when the researcher has none.

It is pandoc's default reference.docx made into a Dutch report: A4 with 2.5 cm margins and page
numbers, language nl-NL (spelling, hyphenation), Calibri, a real Quote style (indented; a quote's
words are italic by their own `*…*`, so the attribution after them stays upright), Quote
Attribution, List Number and List Bullet, a table style with a ruled header, and captions that keep
with their table. The result is committed as `templates/referentie.docx`;
after changing this file or upgrading pandoc, make it again with

    python -m qcode.render.reference_doc

(tests/test_documents.py checks that the committed file is what this module makes). The zip is
written with fixed dates and order, so the same inputs give the same bytes.
"""
from __future__ import annotations

import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

DEFAULT = resources.files("qcode.render") / "templates" / "referentie.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
A4 = (11906, 16838)  # twentieths of a point
MARGIN = 1417  # 2.5 cm
FONT = "Calibri"

_NEW_STYLES = f"""<w:styles xmlns:w="{W}">
<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="BodyText"/>
 <w:next w:val="BodyText"/><w:uiPriority w:val="29"/><w:qFormat/>
 <w:pPr><w:keepLines/><w:spacing w:before="120" w:after="40"/><w:ind w:left="567" w:right="567"/></w:pPr>
 <w:rPr><w:color w:val="404040"/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="QuoteAttribution"><w:name w:val="Quote Attribution"/>
 <w:basedOn w:val="Quote"/><w:next w:val="BodyText"/><w:qFormat/>
 <w:pPr><w:spacing w:before="0" w:after="200"/></w:pPr>
 <w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="ListNumber"><w:name w:val="List Number"/><w:basedOn w:val="BodyText"/>
 <w:uiPriority w:val="99"/><w:qFormat/>
 <w:pPr><w:spacing w:before="0" w:after="60"/><w:contextualSpacing/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="BodyText"/>
 <w:uiPriority w:val="99"/><w:qFormat/>
 <w:pPr><w:spacing w:before="0" w:after="60"/><w:contextualSpacing/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>
 <w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>
</w:styles>"""

_FOOTER = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>
<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>
<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
</w:p></w:ftr>"""
_FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"


def pandoc_default() -> bytes:
    """pandoc's own reference.docx (the wheel's pandoc prints it; nothing is fetched)."""
    import pypandoc

    return subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                          capture_output=True, check=True, timeout=60).stdout


def build(source: bytes, target: Path) -> None:
    """Write qcode's reference document, made from pandoc's default `source`, to `target`."""
    import io

    with zipfile.ZipFile(io.BytesIO(source)) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    parts["word/styles.xml"] = _styles(parts["word/styles.xml"])
    parts["word/document.xml"] = _document(parts["word/document.xml"])
    parts["word/settings.xml"] = _settings(parts["word/settings.xml"])
    parts["word/theme/theme1.xml"] = _theme(parts["word/theme/theme1.xml"])
    parts["word/footer1.xml"] = _FOOTER.encode("utf-8")
    parts["word/_rels/document.xml.rels"] = _with_footer_rel(parts["word/_rels/document.xml.rels"])
    parts["[Content_Types].xml"] = _with_footer_type(parts["[Content_Types].xml"])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(zipfile.ZipInfo(name, _FIXED_DATE), data, zipfile.ZIP_DEFLATED)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _set(parent, tag: str, **attributes: str):
    """The child `tag` of `parent` (made when missing) with these w: attributes."""
    from lxml import etree

    child = parent.find(_w(tag))
    if child is None:
        child = etree.SubElement(parent, _w(tag))
    for name, value in attributes.items():
        child.set(_w(name), value)
    return child


def _serialise(root) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _styles(data: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(data)
    run_defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    _set(run_defaults, "sz", val="22")
    _set(run_defaults, "szCs", val="22")
    _set(run_defaults, "lang", val="nl-NL")
    paragraph_defaults = root.find(f"{_w('docDefaults')}/{_w('pPrDefault')}/{_w('pPr')}")
    _set(paragraph_defaults, "spacing", after="120", line="276", lineRule="auto")
    styles = {style.get(_w("styleId")): style for style in root.findall(_w("style"))}
    _set(styles["BodyText"].find(_w("pPr")), "spacing", before="0", after="160")
    for level, size in (("1", "32"), ("2", "26"), ("3", "24")):
        properties = styles[f"Heading{level}"].find(_w("rPr"))
        _set(properties, "sz", val=size)
        _set(properties, "szCs", val=size)
        _set(properties, "b")
    for name in ("TableCaption", "ImageCaption"):
        style = styles[name]
        properties = style.find(_w("rPr"))
        if properties is None:
            properties = etree.SubElement(style, _w("rPr"))
        _set(properties, "sz", val="20")
        _set(properties, "szCs", val="20")
    footnotes = styles["FootnoteText"]
    properties = footnotes.find(_w("rPr"))
    if properties is None:
        properties = etree.SubElement(footnotes, _w("rPr"))
    _set(properties, "sz", val="18")
    _set(properties, "szCs", val="18")
    _table_style(styles["Table"])
    for style in etree.fromstring(_NEW_STYLES.encode("utf-8")):
        old = styles.get(style.get(_w("styleId")))
        if old is not None:
            root.remove(old)
        root.append(style)
    return _serialise(root)


def _table_style(style) -> None:
    """Rules above and below the table and under its header row, the header bold."""
    from lxml import etree

    properties = style.find(_w("tblPr"))
    borders = _set(properties, "tblBorders")
    for edge in ("top", "bottom"):
        _set(borders, edge, val="single", sz="8", space="0", color="808080")
    margins = properties.find(_w("tblCellMar"))
    _set(margins, "top", w="40", type="dxa")
    _set(margins, "bottom", w="40", type="dxa")
    header = style.find(_w("tblStylePr"))
    run = header.find(_w("rPr"))
    if run is None:
        run = etree.Element(_w("rPr"))
        header.insert(0, run)
    _set(run, "b")


def _document(data: bytes) -> bytes:
    """An empty body with one A4 section: margins, page numbers in the footer."""
    from lxml import etree

    root = etree.fromstring(data)
    body = root.find(_w("body"))
    section = body.find(_w("sectPr"))
    for child in list(body):
        if child is not section:
            body.remove(child)
    footer = etree.Element(_w("footerReference"))
    footer.set(_w("type"), "default")
    footer.set(f"{{{R}}}id", "rIdQcodeFooter")
    section.insert(0, footer)
    _set(section, "pgSz", w=str(A4[0]), h=str(A4[1]))
    _set(section, "pgMar", top=str(MARGIN), right=str(MARGIN), bottom=str(MARGIN), left=str(MARGIN),
         header="708", footer="708", gutter="0")
    return _serialise(root)


def _settings(data: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(data)
    _set(root, "themeFontLang", val="nl-NL")
    _set(root, "autoHyphenation")  # Dutch words are long: hyphenate rather than stretch a line
    _set(root, "decimalSymbol", val=",")
    _set(root, "listSeparator", val=";")
    return _serialise(root)


def _theme(data: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(data)
    for latin in root.iter(f"{{{A}}}latin"):
        latin.set("typeface", FONT)
        latin.attrib.pop("panose", None)
    return _serialise(root)


def _with_footer_rel(data: bytes) -> bytes:
    text = data.decode("utf-8")
    relation = f'<Relationship Id="rIdQcodeFooter" Type="{_FOOTER_REL}" Target="footer1.xml"/>'
    return text.replace("</Relationships>", relation + "</Relationships>").encode("utf-8")


def _with_footer_type(data: bytes) -> bytes:
    text = data.decode("utf-8")
    override = f'<Override PartName="/word/footer1.xml" ContentType="{_FOOTER_TYPE}"/>'
    return text.replace("</Types>", override + "</Types>").encode("utf-8")


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(str(DEFAULT))
    build(pandoc_default(), out)
    print(f"wrote {out}")
