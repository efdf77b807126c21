"""Showing data on a terminal: every character that could steer the terminal made visible.

Transcripts, codebooks, sheets and file names come from outside; printed raw, an ESC sequence in
them could retitle the window, hide or clear text, and a bidi override or a carriage return could
make a line read differently from what is stored. Everything qcode shows passes through `visible`
(the CLI's consoles and the coder do it as a last step too); the data itself is never changed.

What is replaced, each by something one sees:
- C0 controls and DEL (ESC, BEL, BS, CR, …) by their Unicode control pictures: ESC → ␛, CR → ␍;
- C1 controls (U+0080–U+009F) by `\\x9b` notation;
- bidi and other direction controls (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069), the line and
  paragraph separators (U+2028/9), deprecated format controls (U+206A–U+206F) and lone surrogates
  (undecodable bytes in file names) by `\\u202e` notation.
Newline and tab are kept by `visible` (layout needs them) and shown as ␊ and ␉ by `visible_line`,
for what must stay on one line: names, ids, file names.
"""
from __future__ import annotations

import re

_OTHER = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u206f\ud800-\udfff"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHER}]")
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f{_OTHER}]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character shown as a symbol; newlines and tabs kept."""
    return _UNSAFE.sub(_picture, text)


def visible_line(text: str) -> str:
    """`text` on one line: like `visible`, and newlines and tabs shown as ␊ and ␉ too."""
    return _UNSAFE_IN_LINE.sub(_picture, text)


def is_visible(text: str) -> bool:
    """True when `text` holds nothing `visible` would replace."""
    return _UNSAFE.search(text) is None


_UNESCAPED_IN_JSON = re.compile(f"[{_OTHER}]")


def json_text(dumped: str) -> str:
    """JSON from `json.dumps(..., ensure_ascii=False)` with the controls it leaves raw escaped as well.

    json.dumps escapes C0 controls itself; C1, bidi and the other characters above it leaves raw. They
    can only stand inside strings, so `\\u` escapes keep the JSON valid and the data identical.
    """
    return _UNESCAPED_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


HIT_START, HIT_END = "\x02", "\x03"  # what search puts around a hit, for the screen to highlight
