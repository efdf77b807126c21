"""Word and HTML made by pandoc from the report's Markdown, read back: page, language, styles, quotes,
lists, footnotes, captions, tables; the format from -o; the researcher's house style; own text kept safe."""
from __future__ import annotations

import io
import re
import struct
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from docx.shared import Mm

from qcode.render import documents, reference_doc

from test_report import coded, coded_template  # noqa: F401 - the coded example project, as fixtures

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

CHAPTER = """# 2 Resultaten

In 2023 verlieten ruim vijftienduizend sociaal werkers het vak.[^1] Wij spraken twaalf van hen.

[^1]: Arbeidsmarktcijfers sociaal werk, peiljaar 2023.

## 2.1 Een plafond in de loopbaan

De vragen in het interview waren:

1. Waarom koos je voor het sociaal werk?
2. Wat deed je besluiten te vertrekken?
   - de aanleiding
   - de druppel
3. Wat had je kunnen houden?

Over het plafond vertelt een jongerenwerker:

> *“Na acht jaar wist ik het wel. Er was geen functie boven de mijne \\[behalve teamleider\\], en dat wilde ik niet.”*
>
> – jongerenwerker, 34 jaar

> *“Ik heb drie keer intern gesolliciteerd. … Drie keer nee.”*

– maatschappelijk werker, 41 jaar

Tabel 2.1 Thema's naar aantal deelnemers

| Thema | Noemen dit | Belangrijkste reden |
| --- | ---: | ---: |
| Doorgroeimogelijkheden en loopbaanperspectief | 7 | 4 |
| Werkdruk | 9 | 2 |

![Figuur 2.1 Thema's naar aantal deelnemers](themas.png)
"""

HOSTILE_OWN_TEXT = """Eigen tekst met <script>alert(1)</script> en <img src=x onerror=alert(2)>.

```{=html}
<script>alert(3)</script>
```

Een [link](javascript:alert(4)) en een ![pixel](http://voorbeeld.invalid/pixel.png) en `<b>`{=html}.
"""


def png(path: Path, width: int = 60, height: int = 30) -> Path:
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x1f\x38\x64" * width for _ in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("documents")
    png(folder / "themas.png")
    documents.convert(CHAPTER, folder / "hoofdstuk.docx", "docx", output=folder / "hoofdstuk.docx")
    documents.convert(CHAPTER, folder / "hoofdstuk.html", "html", output=folder / "hoofdstuk.html", title="Resultaten")
    return folder


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read(name).decode("utf-8")


def styled(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_word_is_a4_and_dutch(made):
    document = docx.Document(str(made / "hoofdstuk.docx"))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert re.search(r'<w:lang [^>]*w:val="nl-NL"', part(made / "hoofdstuk.docx", "word/styles.xml"))
    assert 'w:themeFontLang w:val="nl-NL"' in part(made / "hoofdstuk.docx", "word/settings.xml")


def test_word_has_headings_quotes_and_attributions(made):
    paragraphs = styled(docx.Document(str(made / "hoofdstuk.docx")))
    assert ("Heading 1", "2 Resultaten") in paragraphs and ("Heading 2", "2.1 Een plafond in de loopbaan") in paragraphs
    quotes = [text for style, text in paragraphs if style == "Quote"]
    assert quotes == ["“Na acht jaar wist ik het wel. Er was geen functie boven de mijne [behalve teamleider], en dat "
                      "wilde ik niet.”", "“Ik heb drie keer intern gesolliciteerd. … Drie keer nee.”"]
    # the attribution inside the block quote and the one right after it end up alike
    assert [text for style, text in paragraphs if style == "Quote Attribution"] == [
        "– jongerenwerker, 34 jaar", "– maatschappelijk werker, 41 jaar"]
    assert not any(style == "List Bullet" and "“" in text for style, text in paragraphs)


def test_word_lists_are_numbered_and_nested(made):
    document = docx.Document(str(made / "hoofdstuk.docx"))
    items = {p.text: p for p in document.paragraphs if p.style.name in ("List Number", "List Bullet")}
    assert [t for t, p in items.items() if p.style.name == "List Number"] == [
        "Waarom koos je voor het sociaal werk?", "Wat deed je besluiten te vertrekken?", "Wat had je kunnen houden?"]
    nested = items["de druppel"]
    assert nested.style.name == "List Bullet"
    assert nested._p.find(f"{W}pPr/{W}numPr/{W}ilvl").get(f"{W}val") == "1"
    numbering = items["Wat had je kunnen houden?"]._p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
    assert re.search(rf'<w:num w:numId="{numbering}"', part(made / "hoofdstuk.docx", "word/numbering.xml"))


def test_word_footnotes_captions_table_and_chart(made):
    path = made / "hoofdstuk.docx"
    document = docx.Document(str(path))
    assert "Arbeidsmarktcijfers sociaal werk, peiljaar 2023." in re.sub(r"<[^>]+>", "", part(path, "word/footnotes.xml"))
    assert "footnoteReference" in part(path, "word/document.xml")
    paragraphs = styled(document)
    assert ("Table Caption", "Tabel 2.1 Thema’s naar aantal deelnemers") in paragraphs
    assert ("Image Caption", "Figuur 2.1 Thema’s naar aantal deelnemers") in paragraphs
    assert not any(text.startswith("Tabel 2.1") for style, text in paragraphs if style != "Table Caption")
    [table] = document.tables
    assert [c.text for c in table.rows[1].cells] == ["Doorgroeimogelijkheden en loopbaanperspectief", "7", "4"]
    alignments = [c.paragraphs[0].alignment for c in table.rows[1].cells]
    assert alignments[0] is None and all(str(a).startswith("RIGHT") for a in alignments[1:])
    widths = [int(col.get(f"{W}w")) for col in table._tbl.tblGrid.findall(f"{W}gridCol")]
    # no column narrower than its longest word in a bold header (about 0.25 cm a letter at 11 pt, plus margins)
    for width, word in zip(widths, ("Doorgroeimogelijkheden", "Noemen", "Belangrijkste")):
        assert width / 567 >= 0.25 * len(word) + 0.4, (word, width)
    assert len(document.inline_shapes) == 1


def test_english_is_en_us(tmp_path):
    documents.convert("# 1 Results\n\nText.\n", tmp_path / "r.docx", "docx", output=tmp_path / "r.docx", lang="en")
    assert re.search(r'<w:lang [^>]*w:val="en-US"', part(tmp_path / "r.docx", "word/styles.xml"))


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: dict[str, list[str]] = {}
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in ("blockquote", "caption", "figcaption", "ol", "ul", "li", "section", "td", "th", "p", "script"):
            key = f"{tag}.{attributes['class']}" if attributes.get("class") else tag
            self._open.append((key, []))

    def handle_endtag(self, tag):
        for n in range(len(self._open) - 1, -1, -1):
            if self._open[n][0].split(".")[0] == tag:
                key, parts = self._open.pop(n)
                self.text.setdefault(key, []).append(" ".join("".join(parts).split()))
                break

    def handle_data(self, data):
        for _, parts in self._open:
            parts.append(data)


def test_html_has_the_same_shape(made):
    source = (made / "hoofdstuk.html").read_text(encoding="utf-8")
    page = Page()
    page.feed(source)
    assert source.startswith("<!DOCTYPE html>") and 'lang="nl-NL"' in source
    assert page.text["blockquote"][0].startswith("“Na acht jaar wist ik het wel.")
    assert any(t.endswith("– maatschappelijk werker, 41 jaar") for t in page.text["blockquote"])
    tags = [tag for tag, _ in page.tags]
    assert "ol" in tags and tags[tags.index("ol"):].index("ul") > 0  # the bullets inside the numbered list
    assert any("Arbeidsmarktcijfers sociaal werk" in t for t in page.text["li"])  # the footnote
    assert page.text["caption"] == ["Tabel 2.1 Thema’s naar aantal deelnemers"]
    assert page.text["figcaption"] == ["Figuur 2.1 Thema’s naar aantal deelnemers"]
    cells = [attrs for tag, attrs in page.tags if tag == "td"]
    assert "right" in cells[1].get("style", "") and "right" not in cells[0].get("style", "")
    images = [attrs["src"] for tag, attrs in page.tags if tag == "img"]
    assert len(images) == 1 and images[0].startswith("data:image/png;base64,")
    assert "<link" not in source and "<script" not in source


def test_own_text_can_not_make_html_live_or_reach_out(tmp_path):
    png(tmp_path / "themas.png")
    markdown = CHAPTER + "\n" + HOSTILE_OWN_TEXT
    documents.convert(markdown, tmp_path / "r.html", "html", output=tmp_path / "r.html")
    documents.convert(markdown, tmp_path / "r.docx", "docx", output=tmp_path / "r.docx")
    source = (tmp_path / "r.html").read_text(encoding="utf-8")
    page = Page()
    page.feed(source)
    assert not {tag for tag, _ in page.tags} & {"script", "iframe", "b", "object", "embed"}
    assert all(not name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert all(not attrs.get("href", "").lower().startswith("javascript") for _, attrs in page.tags)
    assert [attrs["src"][:22] for tag, attrs in page.tags if tag == "img"] == ["data:image/png;base64,"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source and "voorbeeld.invalid" not in source
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
    assert "javascript" not in part(tmp_path / "r.docx", "word/_rels/document.xml.rels")


def test_the_committed_reference_document_is_what_the_script_makes(tmp_path):
    reference_doc.build(reference_doc.pandoc_default(), tmp_path / "referentie.docx")
    with zipfile.ZipFile(tmp_path / "referentie.docx") as made, zipfile.ZipFile(documents.default_reference_doc()) as kept:
        assert {i.filename: made.read(i) for i in made.infolist()} == {i.filename: kept.read(i) for i in kept.infolist()}
    document = docx.Document(str(documents.default_reference_doc()))
    names = {style.name for style in document.styles}
    assert {"Quote", "Quote Attribution", "List Number", "List Bullet", "Heading 1", "Table Caption"} <= names
    assert abs(document.sections[0].page_width - Mm(210)) < Mm(1)


# -- through the CLI ------------------------------------------------------------------------------
def run(coded, *args: str):
    from typer.testing import CliRunner

    from qcode.cli import app

    return CliRunner().invoke(app, ["--project", str(coded.root), *args], catch_exceptions=False)


def said(result) -> str:
    return " ".join(result.output.split())


def test_the_format_comes_from_the_extension(coded):
    exports = coded.root / "exports"
    assert run(coded, "report", "--coder", "anna", "-o", str(exports / "rapport.docx")).exit_code == 0
    document = docx.Document(str(exports / "rapport.docx"))  # a real Word file, not Markdown in a .docx
    assert ("Heading 1", "1 Resultaten") in styled(document)
    assert run(coded, "report", "--coder", "anna", "-o", str(exports / "rapport.html")).exit_code == 0
    assert (exports / "rapport.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert run(coded, "report", "--coder", "anna", "-o", str(exports / "hoofdstuk.markdown")).exit_code == 0
    markdown = (exports / "hoofdstuk.markdown").read_text(encoding="utf-8")
    assert "\n# 1 Resultaten\n" in markdown and not markdown.startswith("PK")


def test_a_format_contradicting_the_extension_is_refused_before_anything_is_written(coded):
    exports = coded.root / "exports"
    result = run(coded, "report", "--coder", "anna", "--format", "md", "-o", str(exports / "rapport.docx"))
    assert result.exit_code == 1 and "--format md does not match the file's extension .docx" in said(result)
    assert "name the file .md, or leave out --format to write docx" in said(result)
    assert not exports.exists()  # not even the own-text files
    result = run(coded, "report", "--coder", "anna", "-o", str(coded.root / "rapport.pdf"))
    assert result.exit_code == 1 and "cannot write .pdf files" in said(result) and ".docx" in said(result)
    result = run(coded, "export", "quotes", "--coder", "anna", "--format", "csv", "-o", str(coded.root / "c.xlsx"))
    assert result.exit_code == 1 and "--format csv does not match" in said(result)
    result = run(coded, "matrix", "--coder", "anna", "--format", "xlsx", "-o", str(coded.root / "m.csv"))
    assert result.exit_code == 1 and "--format xlsx does not match" in said(result)
    assert sorted(p.name for p in coded.root.iterdir() if not p.name.startswith("qcode.db")) == []


def house_style(path: Path) -> Path:
    """A researcher's own Word file: A5 pages, Georgia, dark red headings."""
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(148), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    document.styles["Normal"].font.name = "Georgia"
    document.styles["Normal"].font.size = Pt(10)
    document.styles["Heading 1"].font.color.rgb = RGBColor(0x80, 0x00, 0x20)
    document.add_paragraph("Huisstijl van de organisatie")
    document.save(str(path))
    return path


def test_a_house_style_gives_its_page_fonts_and_styles(coded, tmp_path):
    style = house_style(tmp_path / "huisstijl.docx")
    before = style.read_bytes()
    target = coded.root / "exports" / "rapport.docx"
    assert run(coded, "report", "--coder", "anna", "--reference-doc", str(style), "-o", str(target)).exit_code == 0
    document = docx.Document(str(target))
    assert abs(document.sections[0].page_width - Mm(148)) < Mm(1)
    assert document.styles["Normal"].font.name == "Georgia"
    assert str(document.styles["Heading 1"].font.color.rgb) == "800020"
    assert ("Heading 1", "1 Resultaten") in styled(document)
    assert re.search(r'<w:lang [^>]*w:val="nl-NL"', part(target, "word/styles.xml"))
    assert style.read_bytes() == before
    assert coded.reference_doc is None  # used once, not remembered


def test_styles_a_house_style_lacks_come_from_qcode(tmp_path):
    """Word keeps a built-in style such as Quote out of a file until it is used: the quotes still get theirs."""
    from lxml import etree

    style = house_style(tmp_path / "huisstijl.docx")
    with zipfile.ZipFile(style) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    styles = etree.fromstring(parts["word/styles.xml"])
    for element in styles.findall(f"{W}style"):
        if element.get(f"{W}styleId") in ("Quote", "ListNumber", "BodyText"):
            styles.remove(element)
    parts["word/styles.xml"] = etree.tostring(styles)
    with zipfile.ZipFile(style, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    png(tmp_path / "themas.png")
    target = tmp_path / "r.docx"
    documents.convert(CHAPTER, target, "docx", output=target, reference_doc=style)
    document = docx.Document(str(target))
    quote = document.styles["Quote"]
    assert quote.paragraph_format.left_indent > 0
    assert quote.base_style.name == "Normal" and document.styles["Normal"].font.name == "Georgia"
    assert [p.text for p in document.paragraphs if p.style.name == "List Number"][0].startswith("Waarom koos")
    assert abs(document.sections[0].page_width - Mm(148)) < Mm(1)


def test_a_kept_house_style_is_used_by_every_report_and_protected(coded, tmp_path):
    style = house_style(coded.root / "huisstijl.docx")
    result = run(coded, "report", "--coder", "anna", "--reference-doc", str(style), "--keep-style")
    assert result.exit_code == 0 and (coded.root / "exports" / "rapport.docx").exists()  # a house style: Word
    assert coded.reference_doc == coded.root / "huisstijl.docx"
    assert coded.conn.execute("SELECT value FROM settings WHERE key = 'reference_doc'").fetchone()[0] == "huisstijl.docx"
    assert run(coded, "report", "--coder", "anna", "-o", str(coded.root / "later.docx")).exit_code == 0
    assert abs(docx.Document(str(coded.root / "later.docx")).sections[0].page_width - Mm(148)) < Mm(1)
    before = style.read_bytes()
    for command in (("report", "--coder", "anna"), ("export", "quotes", "--coder", "anna")):
        result = run(coded, *command, "-o", str(style))
        assert result.exit_code == 1 and "house-style Word file" in said(result), result.output
    assert style.read_bytes() == before
    assert run(coded, "report", "--coder", "anna", "--reference-doc", "default", "--keep-style").exit_code == 0
    assert coded.reference_doc is None
    assert abs(docx.Document(str(coded.root / "exports" / "rapport.docx")).sections[0].page_width - Mm(210)) < Mm(1)


def damaged(path: Path) -> Path:
    house_style(path)
    path.write_bytes(path.read_bytes()[:2000])
    return path


def encrypted(path: Path) -> Path:
    entries = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + struct.pack("<H", 2 * len(name) + 2)
                       + b"\x00" * 62 for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + entries + b"\x00" * 1024)
    return path


@pytest.mark.parametrize("make, said_", [
    (lambda p: p.write_text("Dit is geen Word-bestand.\n", encoding="utf-8") and p, "plain-text file"),
    (damaged, "damaged"),
    (encrypted, "protected with a password"),
    (lambda p: p, "cannot read the file"),  # not there at all
])
def test_a_bad_house_style_is_refused_and_nothing_written(coded, tmp_path, make, said_):
    style = make(tmp_path / "huisstijl.docx")
    for extra in ((), ("--keep-style",)):
        result = run(coded, "report", "--coder", "anna", "--reference-doc", str(style), *extra)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "house-style Word file cannot be used" in said(result) and said_ in said(result), result.output
        assert "huisstijl.docx" in said(result)
        assert not (coded.root / "exports").exists()
    assert coded.reference_doc is None


def test_a_pandoc_failure_is_one_message_without_the_document_text(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "READER", "markdown+geen_bestaande_extensie")  # pandoc refuses to start
    from qcode.outputs import OutputError

    with pytest.raises(OutputError) as raised:
        documents.convert("Geheime woorden van een deelnemer.", tmp_path / "r.docx", "docx", output=tmp_path / "r.docx")
    assert "pandoc could not make the Word document" in str(raised.value)
    assert "Geheime" not in str(raised.value) and "geen_bestaande" not in str(raised.value)
