"""The chapter as the researcher's own files, with live placeholders that qcode fills on every report.

Each theme's own-text file (`exports/tekst/<code>.md`) is the whole body of its section, and
`_inleiding.md`, `_resultaten.md` and `_conclusie.md` are the introduction, the opening of the results
and the conclusion. qcode writes a draft into a file that is not there yet and never touches it
again. A line that holds only `[[name arguments]]` is a placeholder (`[[telling]]`, `[[citaten CODE]]`,
`[[citaat ID]]`, `[[verdeling ATTRIBUUT]]`, `[[methode]]`, `[[rangorde]]`, `[[tabel]]`); everything
else is the researcher's Markdown, kept as written. A placeholder that cannot be filled becomes a
visible marker in the report and a warning with its file and line; nothing is dropped silently.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qcode.errors import Problem, UsageError
from qcode.render.markdown_text import Markdown, escape

# Dutch names first; the English ones are aliases (and what an English draft writes).
NAMES = {"telling": "telling", "count": "telling", "citaten": "citaten", "quotes": "citaten",
         "citaat": "citaat", "quote": "citaat", "verdeling": "verdeling", "spread": "verdeling",
         "methode": "methode", "method": "methode", "rangorde": "rangorde", "ranking": "rangorde",
         "tabel": "tabel", "table": "tabel", "woorden": "woorden", "words": "woorden",
         "samenvatting": "samenvatting", "summary": "samenvatting"}
ENGLISH = {"telling": "count", "citaten": "quotes", "citaat": "quote", "verdeling": "spread", "methode": "method",
           "rangorde": "ranking", "tabel": "table", "woorden": "words", "samenvatting": "summary"}
_PLACEHOLDER = re.compile(r"^\s*\[\[\s*(?P<body>[^\[\]\n]*?)\s*\]\]\s*$")
_INLINE = re.compile(r"\[\[\s*(?P<name>[A-Za-z]+)\b[^\[\]\n]*\]\]")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^(#{1,6})\s")
# A file qcode drafted carries this in its first comment; a file without it and without any
# placeholder is an own text from before placeholders existed (prose that went before the counts).
DRAFT_MARK = "qcode-tekst"
_DRAFT_MARK = re.compile(r"<!--\s*" + DRAFT_MARK)

INTRO, OPENING, CONCLUSION = "_inleiding", "_resultaten", "_conclusie"


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str  # the Dutch name, whichever was written
    args: tuple[str, ...]
    line: int
    raw: str  # as written, for messages and --check


@dataclass(slots=True)
class Use:
    """One placeholder and what it became, for `qcode report --check`."""
    path: Path
    line: int
    placeholder: str
    result: str
    ok: bool = True


@dataclass
class Expanded:
    text: Markdown
    uses: list[Use] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    old_style: bool = False  # a file from before placeholders: the defaults were added after its text


class PlaceholderError(Exception):
    """A placeholder that cannot be filled; its message is the warning (English) and the marker's reason."""

    def __init__(self, message: str, marker: str) -> None:
        super().__init__(message)
        self.marker = marker  # Dutch, for the document


@dataclass(slots=True)
class Filled:
    markdown: str  # '' when there is nothing to show
    summary: str  # what it resolved to, for --check


# -- reading ------------------------------------------------------------------------------------
def read_text(path: Path) -> str | None:
    """The researcher's file as text; None while it is not there. A folder or an undecodable file is refused."""
    from qcode.readers import ReadError
    from qcode.readers.decoding import decode

    if not (path.exists() or path.is_symlink()):
        return None
    if not path.is_file():
        raise UsageError("your own text for this part of the report should be a file", path=path,
                         hint="remove or rename what is there; qcode makes the file on the next report")
    try:
        return decode(path.read_bytes(), path)
    except ReadError as error:
        raise UsageError(error.problem.message, path=path, hint="save the file as UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"cannot read your own text: {os.strerror(error.errno or 0)}", path=path,
                         hint="check the file's permissions") from None


def _without_comments(text: str) -> str:
    """Comments blanked out, line breaks kept, so line numbers still point into the file."""
    return _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text.replace("\r\n", "\n").replace("\r", "\n"))


def parse(text: str) -> list[str | Placeholder]:
    """The file's lines, each a line of text or a placeholder (numbered from 1)."""
    parsed: list[str | Placeholder] = []
    for number, line in enumerate(_without_comments(text).split("\n"), start=1):
        found = _PLACEHOLDER.match(line)
        words = found.group("body").split() if found else []
        if words:
            parsed.append(Placeholder(NAMES.get(words[0].lower(), words[0].lower()), tuple(words[1:]), number,
                                      line.strip()))
        else:
            parsed.append(line)
    return parsed


def is_old_style(text: str, parsed: list[str | Placeholder]) -> bool:
    return not any(isinstance(item, Placeholder) for item in parsed) and not _DRAFT_MARK.search(text)


# -- expanding ----------------------------------------------------------------------------------
Resolve = Callable[[Placeholder], Filled]


def expand(path: Path, text: str, resolve: Resolve, defaults: str = "") -> Expanded:
    """The file with every placeholder filled. A file with no placeholder and no draft mark is an own text
    from before placeholders: `defaults` (the draft's placeholders) are filled after its prose."""
    parsed = parse(text)
    expanded = Expanded(Markdown())
    for number, item in enumerate(parsed, start=1):
        inline = _INLINE.search(item) if isinstance(item, str) else None
        if inline and inline.group("name").lower() in NAMES:
            expanded.warnings.append(Problem("a placeholder inside a line of text is not filled", path, number,
                                             hint="put it on a line of its own"))
    if defaults and is_old_style(text, parsed):
        expanded.old_style = True
        expanded.warnings.append(Problem(
            "this own text has no placeholders, so the counts and quotes follow it as before", path,
            hint="put [[telling]] and [[citaten CODE]] where you want them (see docs/report.md)"))
        parsed += ["", *(Placeholder(item.name, item.args, 0, item.raw) if isinstance(item, Placeholder) else item
                         for item in parse(defaults))]
    pieces = [(item.rstrip(), False) if isinstance(item, str) else (_fill(item, path, resolve, expanded), True)
              for item in parsed]
    kept = _drop_empty_headings(pieces)
    expanded.text = Markdown(_tidy("\n".join(kept)))
    return expanded


def _fill(item: Placeholder, path: Path, resolve: Resolve, expanded: Expanded) -> str:
    line = item.line or None
    try:
        if item.name not in ENGLISH:
            raise PlaceholderError(f"unknown placeholder [[{item.name}]]", "onbekende plaatsaanduiding")
        filled = resolve(item)
    except PlaceholderError as error:
        expanded.warnings.append(Problem(str(error), path, line, hint=_HINTS.get(item.name, _HINTS[""])))
        expanded.uses.append(Use(path, item.line, item.raw, str(error), ok=False))
        where = f"{path.name}, regel {item.line}" if item.line else path.name
        return f"**\\[qcode: {escape(item.raw)} – {escape(error.marker)} ({escape(where)})\\]**"
    expanded.uses.append(Use(path, item.line, item.raw, filled.summary))
    return filled.markdown


_HINTS = {
    "": "known placeholders: [[telling]], [[citaten CODE]], [[citaat ID]], [[verdeling ATTRIBUUT]], [[methode]], "
        "[[rangorde]], [[tabel]]",
    "citaten": "use a code id from 'qcode codebook show --ids'",
    "telling": "use a code id from 'qcode codebook show --ids', or no code in a theme's own file",
    "citaat": "use a coding id from 'qcode report --check' or the quote sheet",
    "verdeling": "use an attribute from the participants sheet",
}


def _drop_empty_headings(pieces: list[tuple[str, bool]]) -> list[str]:
    """A heading with nothing under it but placeholders that came out empty is left out (a sub-theme nobody
    mentions yet); a heading the researcher wrote with their own text under it always stays."""
    kept: list[str] = []
    for index, (text, _) in enumerate(pieces):
        heading = _HEADING.match(text)
        if heading:
            level = len(heading.group(1))
            under = []
            for following, placeholder in pieces[index + 1:]:
                other = _HEADING.match(following)
                if other and len(other.group(1)) <= level:
                    break
                under.append((following, placeholder))
            if any(placeholder for _, placeholder in under) and not any(t.strip() for t, _ in under):
                continue
        kept.append(text)
    return kept


def _tidy(text: str) -> str:
    """At most one blank line in a row, none at the ends."""
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# -- drafts -------------------------------------------------------------------------------------
_HINT = {
    "nl": ("<!-- " + DRAFT_MARK + ": {what}. Dit bestand is van jou: schrijf je tekst waar je wilt en verplaats, "
           "herhaal of verwijder de plaatsaanduidingen. Elk staat op een eigen regel:\n"
           "     [[telling]] de telling van dit thema ([[telling exact]], [[telling CODE]] voor een subcode)\n"
           "     [[citaten CODE]] de citaten bij een code, [[citaten CODE 2]] hoogstens twee\n"
           "     [[citaat ID]] één citaat (de id's staan in 'qcode report --check')\n"
           "     [[verdeling ATTRIBUUT]] hoe de deelnemers verdeeld zijn, [[methode]] de werkwijze\n"
           "     qcode vult ze bij elk rapport opnieuw en overschrijft dit bestand nooit. -->\n"),
    "en": ("<!-- " + DRAFT_MARK + ": {what}. This file is yours: write your text anywhere and move, repeat or "
           "remove the placeholders. Each stands on a line of its own:\n"
           "     [[count]] this theme's count ([[count exact]], [[count CODE]] for a sub-code)\n"
           "     [[quotes CODE]] the quotes of a code, [[quotes CODE 2]] at most two\n"
           "     [[quote ID]] one quote (ids are listed by 'qcode report --check')\n"
           "     [[spread ATTRIBUTE]] how participants are spread, [[method]] the method\n"
           "     qcode fills them on every report and never overwrites this file. -->\n"),
}


def _hint(what: str, lang: str) -> str:
    # no '--' from a label: it would end the comment and leave the rest live in the researcher's text
    return _HINT[lang].format(what=re.sub(r"-{2,}", "-", what))


def _name(name: str, lang: str) -> str:
    return ENGLISH[name] if lang == "en" else name


def theme_defaults(theme_id: str, subs: list[tuple[str, str]], lang: str, level: int, survey: bool) -> str:
    """The placeholders that reproduce qcode's standard section: the count, the theme's own quotes, then
    each sub-code's quotes under its label as a heading (no counts under sub-themes)."""
    lines = [f"[[{_name('telling', lang)}]]", ""]
    if survey and subs:
        lines += [f"[[{_name('tabel', lang)}]]", ""]
    only = "alleen" if lang == "nl" else "only"
    lines += [f"[[{_name('citaten', lang)} {theme_id} {only}]]", ""]
    for sub_id, label in subs:
        lines += [f"{'#' * level} {escape(label)}", "", f"[[{_name('citaten', lang)} {sub_id}]]", ""]
    return "\n".join(lines)


def theme_draft(label: str, defaults: str, lang: str) -> str:
    what = (f"de tekst van het thema '{label}'" if lang == "nl" else f"the text of the theme '{label}'")
    return _hint(what, lang) + "\n" + defaults


INTRO_DRAFT = {
    "nl": ("Dit onderzoek gaat over professionals die het sociaal werk hebben verlaten: waarom vertrokken ze, "
           "en wat had hen kunnen behouden?\n\n[[methode]]\n"),
    "en": "This study is about professionals who left social work: why did they leave, and what could have "
          "kept them?\n\n[[method]]\n",
}
OPENING_DRAFT = {
    "nl": "In dit hoofdstuk beschrijven we per thema wat de deelnemers vertellen over hun vertrek, met citaten.\n",
    "en": "This chapter describes, theme by theme, what the participants say about leaving, with quotes.\n",
}
CONCLUSION_DRAFT = {
    "nl": ("<!-- Schrijf de conclusie als genummerde overwegingen, de zwaarste reden eerst, bijvoorbeeld:\n"
           "     1. **Doorgroeien.** Voor de meeste deelnemers was er geen volgende stap.\n"
           "        - een eerste punt\n"
           "     De tabel hieronder ([[rangorde]]) mag blijven of weg. -->\n\n"
           "De redenen om te vertrekken, gerangschikt naar het aantal deelnemers voor wie ze de "
           "belangrijkste reden waren:\n\n[[rangorde]]\n"),
    "en": ("<!-- Write the conclusion as numbered considerations, the heaviest reason first, e.g.:\n"
           "     1. **Growth.** For most participants there was no next step.\n"
           "     The table below ([[ranking]]) may stay or go. -->\n\n"
           "The reasons for leaving, ranked by the number of participants for whom each was the main reason:\n\n"
           "[[ranking]]\n"),
}
PART_NAMES = {"nl": {INTRO: "de inleiding", OPENING: "de opening van de resultaten", CONCLUSION: "de conclusie"},
              "en": {INTRO: "the introduction", OPENING: "the opening of the results", CONCLUSION: "the conclusion"}}


def part_draft(part: str, lang: str) -> str:
    body = {INTRO: INTRO_DRAFT, OPENING: OPENING_DRAFT, CONCLUSION: CONCLUSION_DRAFT}[part][lang]
    return _hint(PART_NAMES[lang][part], lang) + "\n" + body
