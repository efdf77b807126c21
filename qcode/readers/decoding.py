"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1252; tidy line ends."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from qcode.readers.base import ReadError

_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)


def decode(data: bytes, path: Path) -> str:
    """Decode a text file the way Dutch transcription services deliver them."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _decode_cp1252(data, path)
    if "\x00" in text:
        raise ReadError("the file contains NUL bytes: it is not a text file", path=path,
                        hint="export the transcript as UTF-8 text (.txt) or Word (.docx)")
    return tidy(text)


def _decode_cp1252(data: bytes, path: Path) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ReadError(
            f"byte 0x{data[error.start]:02x} is neither UTF-8 nor Windows-1252 text",
            path=path, line=line,
            hint="open the file in a text editor and save it as UTF-8",
        ) from None


def tidy(text: str) -> str:
    """Unify line ends and drop trailing whitespace on every line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _TRAILING_SPACE.sub("", text)
