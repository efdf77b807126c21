"""Bytes to text: UTF-8 (with or without BOM), UTF-16/32 (with or without BOM), Windows-1252;
tidy line ends.

A file that is UTF-8 except for a few lines pasted from an older program is decoded line by line,
each line as UTF-8 where it is valid and as Windows-1252 where not, so one such line does not
garble the whole file.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from qcode.readers.base import ReadError

MAX_BYTES = 200 * 1024 * 1024
_TRAILING_SPACE = " \t\u00a0"
_SAVE_AS_UTF8 = "open the file in a text editor and save it as UTF-8"
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Other formats renamed to .txt/.csv/.vtt, recognised by their first bytes.
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (a Word .docx or Excel .xlsx file?)",
     "give it its real extension (.docx or .xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Excel file (.doc/.xls)",
     "open it in Word or Excel and save it as .docx, .xlsx or UTF-8 text"),
    (b"%PDF", "a PDF file", None),  # the hint depends on what the file should be: see `save_as`
    (b"{\\rtf", "an RTF file", "open it in Word and save it as .docx"),
)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a ReadError saying why they cannot be had."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ReadError(f"the file is larger than {MAX_BYTES // 1024 // 1024} MB: not a transcript or sheet",
                            path=path, hint="check that this is the right file, or split it")
        return path.read_bytes()
    except OSError as error:
        raise ReadError(f"the file cannot be read ({error.strerror or type(error).__name__})", path=path,
                        hint="check that the file exists and that you may read it") from None


def decode(data: bytes, path: Path) -> str:
    """Decode a text file the way Dutch transcription services and Excel deliver them."""
    for signature, what, hint in _SIGNATURES:
        if data.startswith(signature):
            raise ReadError(f"this is {what}, not a text file", path=path,
                            hint=hint or f"qcode cannot read PDF: {save_as(path)}")
    encoding = _marked_encoding(data) or _utf16_without_bom(data)
    if encoding:
        text = _decode_wide(data, encoding, path)
    else:
        _refuse_nul(data, path)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _decode_per_line(data, path)
    if "\x00" in text:
        _refuse_nul(text.encode("utf-8", "surrogatepass"), path)
    return tidy(text.lstrip("\ufeff"))  # a second mark: a file saved with one by a program that adds another


def _marked_encoding(data: bytes) -> str | None:
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: text in Latin letters has a zero in every other byte."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    half = len(sample) // 2
    zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
    if zeros_odd > half * 0.4 and zeros_even < half * 0.05:
        return "utf-16-le"
    if zeros_even > half * 0.4 and zeros_odd < half * 0.05:
        return "utf-16-be"
    return None


def _decode_wide(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        name = "UTF-32" if "32" in encoding else "UTF-16"
        line = data[:error.start].decode(encoding, "replace").count("\n") + 1
        if error.reason == "truncated data":
            problem = f"the file is {name} but its length does not fit: it was cut off or is not {name} text"
        else:
            problem = f"the file is {name} but holds a broken character ({error.reason})"
        raise ReadError(problem, path=path, line=line,
                        hint="open it in Excel or a text editor and save it again as UTF-8") from None


def _decode_per_line(data: bytes, path: Path) -> str:
    """Each line as UTF-8 where it is valid, else as Windows-1252 (older Windows programs)."""
    lines = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(_decode_cp1252(raw, path, number))
    text = "\n".join(lines)
    return text[1:] if text.startswith("\ufeff") else text


def _decode_cp1252(raw: bytes, path: Path, line: int) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ReadError(f"byte 0x{raw[error.start]:02x} is neither UTF-8 nor Windows-1252 text: "
                        "is this a text file?", path=path, line=line, hint=_SAVE_AS_UTF8) from None


def _refuse_nul(data: bytes, path: Path) -> None:
    position = data.find(b"\x00")
    if position >= 0:
        raise ReadError("the file contains NUL bytes: it is not a text file", path=path,
                        line=data.count(b"\n", 0, position) + 1,
                        hint=save_as(path))


def save_as(path: Path) -> str:
    """How to make a text file of the kind `path` should be: a sheet, a codebook, subtitles or a transcript."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "save the sheet from Excel as 'CSV UTF-8' or as an Excel Workbook (.xlsx)"
    if suffix in (".yaml", ".yml"):
        return "save the codebook as UTF-8 text"
    if suffix == ".vtt":
        return "export the subtitles again as WebVTT (.vtt) in UTF-8"
    return "export the transcript as UTF-8 text (.txt) or Word (.docx)"


def tidy(text: str) -> str:
    """Unify line ends and drop trailing whitespace on every line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Line by line, not one regex over the text: '[ \t]+$' backtracks quadratically over long runs of spaces.
    return "\n".join(line.rstrip(_TRAILING_SPACE) for line in text.split("\n"))
