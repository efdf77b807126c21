"""Word and Excel files written by hand, part by part, for the tests of odd and hostile input."""
from __future__ import annotations

import zipfile
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PACKAGE_RELS = (
    DECLARATION + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="{target}"/></Relationships>'
)
WORD_TYPES = (
    DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.styles+xml"/></Types>'
)
DOCUMENT_RELS = (
    DECLARATION + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/></Relationships>'
)
STYLES = (
    DECLARATION + f'<w:styles xmlns:w="{W_NS}">'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="character" w:styleId="Zwaar"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>'
    '</w:styles>'
)


def document_xml(body: str, prolog: str = "") -> str:
    return f'{DECLARATION}{prolog}<w:document {NAMESPACES}><w:body>{body}<w:sectPr/></w:body></w:document>'


def word_parts(body: str, prolog: str = "") -> dict[str, str | bytes]:
    return {
        "[Content_Types].xml": WORD_TYPES,
        "_rels/.rels": PACKAGE_RELS.format(target="word/document.xml"),
        "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/styles.xml": STYLES,
        "word/document.xml": document_xml(body, prolog),
    }


def write_zip(path: Path, parts: dict[str, str | bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def write_docx(path: Path, body: str, prolog: str = "") -> Path:
    return write_zip(path, word_parts(body, prolog))


def p(*runs: str, properties: str = "") -> str:
    """A paragraph of runs, each a finished XML string or plain text for a plain run."""
    return f"<w:p>{properties}{''.join(r if r.startswith('<') else run(r) for r in runs)}</w:p>"


def run(text: str, bold: bool = False) -> str:
    properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{properties}<w:t xml:space="preserve">{text}</w:t></w:r>'


def labelled(label: str, text: str) -> str:
    """A paragraph opening with a bold speaker label."""
    return p(run(f"{label}:", bold=True), run(f" {text}"))
