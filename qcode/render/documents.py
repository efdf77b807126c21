"""The report's Markdown as a Word document or one HTML page, made by pandoc.

pandoc runs as a program (the `pypandoc-binary` wheel carries it) with a time limit, reading the
Markdown from stdin and writing the file the caller names (a temporary file of `outputs.writing`).
What qcode adds, in `pandoc/report.lua`: block quotes become Word's Quote style with their
attribution under them, lists take List Number / List Bullet, "Tabel 2.1 …" and "Figuur 2.1 …"
become captions, and nothing in the document can reach outside it (no remote image is fetched, no
`javascript:` link is kept).

Safety: data in the Markdown is escaped by qcode (`markdown_text.escape`), so it is text. The
researcher's own text is Markdown on purpose, but pandoc reads it without raw HTML, raw TeX and raw
blocks, so a `<script>` in it stays text in Word and HTML alike. pandoc's messages are never shown
(they can quote the document); a failure is reported by what was being made.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

from qcode.errors import UsageError
from qcode.outputs import OutputError

FORMATS = {"docx": "docx", "html": "html5"}
READER = "markdown-raw_html-raw_tex-raw_attribute-native_divs-native_spans"
LANGUAGE_TAGS = {"nl": "nl-NL", "en": "en-US"}
TIMEOUT_SECONDS = 300
_FILES = resources.files("qcode.render") / "pandoc"


def convert(markdown: str, target: Path, fmt: str, *, output: Path, lang: str = "nl", title: str = "",
            reference_doc: Path | None = None) -> None:
    """Write `markdown` as `fmt` ('docx' or 'html') to `target`; images are found beside `output`."""
    if fmt not in FORMATS:
        raise UsageError(f"pandoc writes docx or html here, not {fmt!r}")
    pandoc = _pandoc()
    with tempfile.TemporaryDirectory(prefix="qcode-pandoc-") as empty:
        arguments = [pandoc, "--from", READER, "--to", FORMATS[fmt], "--output", str(target),
                     "--data-dir", empty,  # never a user's own pandoc templates or defaults
                     "--resource-path", str(output.resolve().parent),
                     "--lua-filter", str(_FILES / "report.lua"),
                     "--metadata", f"lang={LANGUAGE_TAGS.get(lang, lang)}"]
        if fmt == "docx":
            house_style = _with_our_styles(reference_doc, Path(empty) / "stijl") if reference_doc else None
            arguments += ["--reference-doc", str(house_style or default_reference_doc())]
        else:
            arguments += ["--standalone", "--embed-resources", "--wrap=none", "--css", str(_FILES / "report.css"),
                          "--metadata", f"pagetitle={title or 'Rapport'}"]
        _run(arguments, markdown, output, fmt, reference_doc)


def default_reference_doc() -> Path:
    return Path(str(resources.files("qcode.render") / "templates" / "referentie.docx"))


def check_reference_doc(path: Path) -> Path:
    """Refuse a house-style file that is not a safe, readable .docx, naming it; return it resolved."""
    from qcode.readers.base import ReadError
    from qcode.readers.ooxml import check_package

    try:
        check_package(path, "docx")
    except ReadError as error:
        raise UsageError(f"the house-style Word file cannot be used: {error.problem.message}", path=path,
                         hint=error.problem.hint or "give a Word document (.docx) saved by Word or LibreOffice"
                         ) from None
    return path.resolve()


# Styles the report uses that a house-style file made in Word often lacks (Word keeps a built-in style
# out of styles.xml until it is used): without them pandoc would add bare ones, and quotes would not be
# indented. They are taken from qcode's reference document, based on the house style's Normal.
OUR_STYLES = ("Quote", "QuoteAttribution", "ListNumber", "ListBullet", "TableCaption", "ImageCaption")


def _with_our_styles(reference: Path, folder: Path) -> Path:
    """`reference`, or a copy in `folder` with the styles of `OUR_STYLES` it does not define added."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(reference) as package:
        if "word/styles.xml" not in package.namelist():
            return reference  # pandoc then uses its own styles
        parts = {info.filename: package.read(info) for info in package.infolist()}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    theirs = etree.fromstring(parts["word/styles.xml"], parser)
    known = {style.get(f"{w}styleId") for style in theirs.findall(f"{w}style")}
    known |= {name.get(f"{w}val").replace(" ", "") for name in theirs.findall(f"{w}style/{w}name")}
    with zipfile.ZipFile(default_reference_doc()) as package:
        ours = etree.fromstring(package.read("word/styles.xml"), parser)
    missing = [style for style in ours.findall(f"{w}style")
               if style.get(f"{w}styleId") in OUR_STYLES and style.get(f"{w}styleId") not in known]
    if not missing:
        return reference
    for style in missing:
        based = style.find(f"{w}basedOn")
        if based is not None and based.get(f"{w}val") not in known | {style.get(f"{w}styleId") for style in missing}:
            based.set(f"{w}val", "Normal")
        theirs.append(style)
    parts["word/styles.xml"] = etree.tostring(theirs, xml_declaration=True, encoding="UTF-8", standalone=True)
    folder.mkdir()
    completed = folder / "huisstijl.docx"
    with zipfile.ZipFile(completed, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return completed


def _pandoc() -> str:
    try:
        import pypandoc
    except ImportError:
        raise UsageError("Word and HTML reports need pandoc, which comes with the pypandoc-binary package",
                         hint="pip install pypandoc-binary, or write --format md") from None
    try:
        return pypandoc.get_pandoc_path()
    except OSError:
        raise UsageError("pandoc was not found", hint="pip install pypandoc-binary, or write --format md") from None


def _run(arguments: list[str], markdown: str, output: Path, fmt: str, reference_doc: Path | None) -> None:
    what = "Word document" if fmt == "docx" else "HTML page"
    environment = {key: value for key, value in os.environ.items() if not key.lower().endswith("_proxy")}
    try:
        done = subprocess.run(arguments, input=markdown.encode("utf-8", errors="replace"), capture_output=True,
                              timeout=TIMEOUT_SECONDS, env=environment, check=False)
    except subprocess.TimeoutExpired:
        raise OutputError(f"pandoc took longer than {TIMEOUT_SECONDS} seconds to make the {what}; nothing "
                          "was written", path=output, hint="try --format md, and report it") from None
    except OSError as error:
        raise OutputError(f"pandoc could not be started ({error.strerror or type(error).__name__}); nothing was "
                          "written", path=output, hint="reinstall qcode (pip install --force-reinstall "
                                                       "pypandoc-binary)") from None
    if done.returncode != 0:  # stderr is not shown: it can quote the report's text
        hint = ("check that the house-style file opens in Word, and save it again as .docx"
                if reference_doc is not None else "try --format md, and report it")
        raise OutputError(f"pandoc could not make the {what} (exit code {done.returncode}); nothing was written",
                          path=output, hint=hint)
