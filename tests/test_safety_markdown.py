"""Data in the report is text, never Markdown, HTML or template code (issue 11).

Participants' words, attribute values, code labels and memos full of Markdown and HTML go through the
real CLI into the .md, .docx and .html reports. The .md, read by a CommonMark parser, has no link,
image, raw HTML or heading that comes from data; Word and HTML show every character as it was said.
"""
from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

QUOTES = [
    "`code` *em* tekst en nog een __ding__",
    "Een backslash \\ en \\* en een pad C:\\werk\\map\\ aan het eind \\",
    "<img src=x onerror=alert(1)> kijk maar",
    "[klik](javascript:alert(1)) zei hij tegen mij",
    "![i](http://evil/track.png) daar keek ik naar",
    "</ul><h1>X</h1><script>alert(1)</script> zo ging het",
    "&lt;b&gt; vet &amp; &#42;zo&#42; &copy; gezegd",
    "# geen kop, 1. geen lijst, > geen citaat, --- geen lijn",
    "Een tabel | met | pipes \\| en meer",
    "Data is geen sjabloon: {{ 7*7 }} en {% if true %}ja{% endif %} en {# weg #}",
    "**vet** en ~~weg~~ en $x^2$ en @bron en www.evil.nl en http://evil.nl/x en <http://evil.nl>",
    "Hij zei \"nee\"... -- en 'dat' was het (c) [^1] <!-- commentaar -->",
]
ATTRIBUTES = [
    "jongerenwerker\n# Kop uit een cel\n1. lijst\n> citaat\n---",
    "<b>vet</b> & [link](javascript:alert(1)) | pijp",
    "{{ 7*7 }} {% raw %}x",
]
LABEL = "Werk<b>druk</b> --> <img src=y onerror=alert(2)> <!-- | *echt* [a](javascript:alert(1)) {{ 7*7 }} & ![p](http://evil/p.png)"
MEMO = "<img src=x onerror=alert(1)> [m](javascript:alert(1)) **memo**"
LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A project with one coded quote per hostile text, built and coded through the CLI."""
    from typer.testing import CliRunner

    from qcode.cli import app

    root = tmp_path_factory.mktemp("markdown")
    folder, source = root / "studie", root / "bron"
    source.mkdir()
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--project", str(folder), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    with (source / "participants.csv").open("w", encoding="utf-8", newline="") as sheet:
        writer = csv.writer(sheet)
        writer.writerow(["participant", "transcript", "functie"])
        for number in range(len(QUOTES)):
            writer.writerow([f"D{number:02}", f"d{number:02}.txt", ATTRIBUTES[number % len(ATTRIBUTES)]])
    for number, quote in enumerate(QUOTES):
        (source / f"d{number:02}.txt").write_text(f"I: Hoe was het werk?\n\nR: {quote}\n", encoding="utf-8")
    codebook = root / "codeboek.yaml"
    codebook.write_text(f"name: Uitstroom\nversion: 1\ncodes:\n  - id: werkdruk\n    label: {json.dumps(LABEL)}\n",
                        encoding="utf-8")
    runner.invoke(app, ["init", str(folder)], catch_exceptions=False)
    run("codebook", "load", str(codebook))
    run("import", str(source))
    fragments = json.loads(run("fragments", "--json", "--role", "participant"))
    assert sorted(f["text"] for f in fragments) == sorted(QUOTES)  # one fragment per quote, as written
    for fragment in fragments:
        run("assign", str(fragment["id"]), "werkdruk", "--coder", "anna", "--memo", MEMO)
    run("report", "--coder", "anna", "-o", str(root / "first.md"))  # makes the own-text files, with the label
    for fmt in ("md", "docx", "html"):
        run("report", "--coder", "anna", "--attribute", "functie", "--max-quotes", "20", "--format", fmt,
            "-o", str(root / f"r.{fmt}"), "--no-anonymise", "--yes")  # the data as it is: escaping is the test
    return root


def expected_lines() -> list[tuple[str, str]]:
    """Each quote as the default template shows it: in quotation marks, then its attribution."""
    return [(f"\u201c{quote}\u201d", f"\u2013 {LINE_BREAKS.sub(' ', ATTRIBUTES[n % len(ATTRIBUTES)])}")
            for n, quote in enumerate(QUOTES)]


def _inline_text(token) -> str:
    return "".join(child.content for child in token.children if child.type in ("text", "text_special", "softbreak"))


@pytest.mark.parametrize("preset", ["commonmark", "gfm-like"])
def test_markdown_has_no_markup_from_data_and_reads_back_exactly(hostile, preset):
    parser = MarkdownIt(preset).enable("table")
    if preset == "gfm-like":
        parser.options["typographer"] = True  # smart quotes, dashes, (c): none of it may touch the data
        parser.enable(["replacements", "smartquotes"])
    tokens = parser.parse((hostile / "r.md").read_text(encoding="utf-8"))
    flat = [t for token in tokens for t in [token, *(token.children or [])]]
    kinds = {t.type for t in flat}
    assert not kinds & {"link_open", "image", "html_inline", "html_block", "code_inline", "s_open",
                        "ordered_list_open", "hr", "fence", "code_block"}
    # the template puts each quote in a block quote of its own; data never opens one
    assert sum(t.type == "blockquote_open" for t in tokens) == len(QUOTES)
    assert not any(t.type == "strong_open" for t in flat)  # the template makes no bold; data may not either
    headings = [_inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["1 Resultaten", f"1.1 {LABEL}", "2 Conclusie"]
    inline = [_inline_text(t) for t in tokens if t.type == "inline"]
    for quote, attribution in expected_lines():
        assert quote in inline and attribution in inline
    cells = [_inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "td_open"]
    assert cells[:3] == [LABEL, "0", str(len(QUOTES))]


def test_docx_paragraphs_are_the_quotes_exactly(hostile):
    from docx import Document

    document = Document(str(hostile / "r.docx"))
    paragraphs = {p.text: p for p in document.paragraphs}
    for quote, (line, attribution) in zip(QUOTES, expected_lines()):
        assert line in paragraphs and paragraphs[line].style.name == "Quote", line
        italic = "".join(run.text for run in paragraphs[line].runs if run.italic)
        assert italic == f"\u201c{quote}\u201d"
        assert paragraphs[attribution].style.name == "Quote Attribution"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["1 Resultaten", f"1.1 {LABEL}", "2 Conclusie"]
    assert document.tables[0].rows[1].cells[0].text == LABEL


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.items: list[str] = []
        self.cells: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("li", "td", "h1", "h2", "blockquote"):
            self._open = []

    def handle_endtag(self, tag):
        if tag in ("li", "td", "h1", "h2", "blockquote") and self._open is not None:
            (self.items if tag in ("li", "blockquote") else self.cells).append("".join(self._open).strip())
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)


def test_html_shows_the_quotes_as_text(hostile):
    page = _Page()
    page.feed((hostile / "r.html").read_text(encoding="utf-8"))
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"img", "script", "a", "b", "h3", "iframe", "link"}
    assert all(not any(name.startswith("on") for name in attrs) for _, attrs in page.tags)
    assert sorted(" ".join(item.split()) for item in page.items) == sorted(f"{q} {a}" for q, a in expected_lines())
    assert f"1.1 {LABEL}" in page.cells and LABEL in page.cells


def test_quote_sheet_docx_keeps_quotes_and_memos_as_text(hostile, tmp_path):
    from docx import Document
    from typer.testing import CliRunner

    from qcode.cli import app

    target = tmp_path / "citaten.docx"
    result = CliRunner().invoke(app, ["--project", str(hostile / "studie"), "export", "quotes", "--coder", "anna",
                                      "--format", "docx", "-o", str(target), "--no-anonymise"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    texts = [p.text for p in Document(str(target)).paragraphs]
    for number, quote in enumerate(QUOTES):  # each quote, attributed as the report would (no --attribute: the id)
        assert f"\u201c{quote}\u201d \u2013 D{number:02}" in texts
    assert sum(f"Memo: {MEMO}" in text for text in texts) == len(QUOTES)


def test_own_text_stays_markdown(hostile, tmp_path):
    """The researcher's own text is Markdown on purpose: a link or emphasis there is kept live."""
    from typer.testing import CliRunner

    from qcode.cli import app

    own = hostile / "studie" / "exports" / "tekst" / "werkdruk.md"
    assert own.exists()
    original = own.read_text(encoding="utf-8")
    try:
        own.write_text("Zie *vooral* [de bijlage](bijlage.pdf).\n", encoding="utf-8")
        target = tmp_path / "eigen.md"
        result = CliRunner().invoke(app, ["--project", str(hostile / "studie"), "report", "--coder", "anna",
                                          "-o", str(target)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "Zie *vooral* [de bijlage](bijlage.pdf)." in target.read_text(encoding="utf-8")
    finally:
        own.write_text(original, encoding="utf-8")


def test_edited_template_cannot_let_data_through(hostile, tmp_path):
    """However the researcher writes a value — bare, with the old `md` filter, `safe`, joined — it is escaped."""
    from typer.testing import CliRunner

    from qcode.cli import app

    studie = hostile / "studie"
    template = studie / "templates" / "report.nl.md.j2"
    template.parent.mkdir(exist_ok=True)
    template.write_text(
        "{% macro said() %}Gezegd:{% endmacro %}# Citaten\n\n"
        "{% for section in report.sections %}{% for quote in section.quotes %}"
        "{{ quote.text }}\n\n{{ quote.attribution | md }}\n\n{{ quote.attribution | safe }}\n\n"
        "{{ section.title ~ ' en ' ~ quote.attribution }}\n\n{% set block %}{{ section.title }}{% endset %}"
        "{{ block }}\n\n{{ said() ~ ' ' ~ quote.attribution }}\n\n{{ [said(), quote.attribution] | join(' ') }}\n\n"
        "{% endfor %}{% endfor %}", encoding="utf-8")
    try:
        target = tmp_path / "eigen.md"
        result = CliRunner().invoke(app, ["--project", str(studie), "report", "--coder", "anna", "--attribute",
                                          "functie", "--max-quotes", "20", "-o", str(target), "--no-anonymise"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        tokens = MarkdownIt("commonmark").parse(target.read_text(encoding="utf-8"))
        flat = [t for token in tokens for t in [token, *(token.children or [])]]
        assert not {t.type for t in flat} & {"link_open", "image", "html_inline", "html_block", "code_inline",
                                             "em_open", "strong_open", "blockquote_open", "ordered_list_open",
                                             "hr", "bullet_list_open"}
        assert sum(t.type == "heading_open" for t in tokens) == 1
        inline = [_inline_text(t) for t in tokens if t.type == "inline"]
        assert set(QUOTES) <= set(inline) and LABEL in inline
        assert f"{LABEL} en {LINE_BREAKS.sub(' ', ATTRIBUTES[0])}" in inline
        assert f"Gezegd: {LINE_BREAKS.sub(' ', ATTRIBUTES[1])}" in inline
    finally:
        template.unlink()
