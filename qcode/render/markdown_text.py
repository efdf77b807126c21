"""Data written into Markdown, and read back: one escaping rule both ways.

Everything a report shows from the project — participants' words, attribute values, code labels,
coder names, memos — is data, never Markdown: `escape` puts a backslash before every ASCII
punctuation character that any Markdown reader could take for markup (CommonMark's backslash
escapes cover them all, `\\<` and `\\&` included), and folds line breaks into spaces so data never
starts a line of its own (no heading, list, quote or rule). Every Markdown reader (pandoc, which
makes the .docx and .html, included) reverses exactly these escapes, so each format shows the
original characters.

Only `Markdown` values — the researcher's own text files, qcode's own numbers and image links — pass
through the templates unescaped.
"""
from __future__ import annotations

import re
from urllib.parse import quote, unquote

# ASCII punctuation but for the few no Markdown reader (CommonMark, GFM, pandoc) gives a meaning
# anywhere: , ; ? ! / — `!` only marks an image before `[`, which is always escaped. The backslash first.
_SPECIAL = [(mark, "\\" + mark) for mark in "\\`*_{}[]()<>#+-.|\"'&~^$@%:="]
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
ESCAPABLE = r"""[!-/:-@\[-`{-~]"""  # what CommonMark un-escapes after a backslash: all ASCII punctuation


class Markdown(str):
    """Text that is Markdown on purpose (the researcher's own text, qcode's own links)."""
    __slots__ = ()


def escape(value: object) -> Markdown:
    """`value` as Markdown that reads back as exactly its characters, on one line."""
    if isinstance(value, Markdown):
        return value
    text = str(value)
    if not text.isprintable():  # cheap test first: line breaks are not printable
        text = _LINE_BREAKS.sub(" ", text)
    for mark, escaped in _SPECIAL:  # `in` and `replace` per mark: several times faster than one regex here
        if mark in text:
            text = text.replace(mark, escaped)
    return Markdown(text)


_UNESCAPE = re.compile(r"\\(" + ESCAPABLE + ")")


def unescape(text: str) -> str:
    """Backslash escapes resolved as CommonMark does (a backslash before anything else stays)."""
    return _UNESCAPE.sub(r"\1", text) if "\\" in text else text


def link(path: str) -> Markdown:
    """A file path as a link or image destination: percent-encoded, so no character can end it."""
    return Markdown(quote(path.replace("\\", "/"), safe="/"))


def link_target(destination: str) -> str:
    """The path a `link` destination stands for."""
    return unquote(unescape(destination))
