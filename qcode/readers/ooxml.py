"""Checks on a Word or Excel file before python-docx or openpyxl may open it.

A .docx or .xlsx is a zip of XML parts. What is refused here, each with a message naming the file:
- anything that is not such a zip: a password-protected Office file (an encrypted OLE container),
  an old binary .doc/.xls, RTF, PDF, plain text, an OpenDocument file, a truncated download;
- a zip that would unpack to more than a real file ever does (see the limits below), or with
  more members than any real file has;
- an XML part with a DOCTYPE: Office never writes one, and it is where entity expansion
  ("billion laughs") and external entities live;
- a Word file given as Excel or the other way round, or one whose main part is missing.

Python's zipfile never yields more bytes than a member's declared size (it stops there and the CRC
check fails), so the declared sizes are true upper bounds on what the libraries can unpack; what is
read here is read in chunks and capped all the same.
"""
from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from qcode.readers.base import ReadError

Kind = Literal["docx", "xlsx"]

# Measured with benchmarks/office_sizes.py: a 3-hour transcript written the way Word writes it
# unpacks to 3 MB (document.xml 2 MB, packed 13.5 times), a 10,000-row survey sheet to 14 MB
# (packed 6.5 times); styles.xml, the most repetitive part, packs 32 times.
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 100_000_000
MAX_TOTAL_BYTES = 200_000_000
MAX_RATIO = 100  # for members above RATIO_FLOOR: small parts may pack as tightly as they like
RATIO_FLOOR = 1_000_000
PROLOG_BYTES = 1_000_000  # a real part's root element starts within its first few hundred bytes
SMALL_PART_BYTES = 10_000_000  # [Content_Types].xml and _rels/.rels are a few kilobytes

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
PROLOG_CHUNK = 256
DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))

NAMES = {"docx": ("Word", "Word Document (.docx)", "a Word"), "xlsx": ("Excel", "Excel Workbook (.xlsx)", "an Excel")}
MAIN_TYPES = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
             "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
             "application/vnd.ms-excel.template.macroEnabled.main+xml"),
}
FAMILIES = (("wordprocessingml", "a Word document"), ("ms-word", "a Word document"),
            ("spreadsheetml", "an Excel workbook"), ("ms-excel", "an Excel workbook"),
            ("presentationml", "a PowerPoint presentation"), ("ms-powerpoint", "a PowerPoint presentation"))
OFFICE_DOCUMENT = "/officeDocument"
ENCRYPTED_HINT = {
    "docx": "qcode cannot read encrypted files. Save an unprotected copy: in Word, File > Info > Protect "
            "Document > Encrypt with Password, clear the password, save; keep the copy as safe as the original",
    "xlsx": "qcode cannot read encrypted files. Save an unprotected copy: in Excel, File > Info > Protect "
            "Workbook > Encrypt with Password, clear the password, save; keep the copy as safe as the original",
}


def _resave(kind: Kind) -> str:
    app, format_name, _ = NAMES[kind]
    return f"open it in {app} or LibreOffice and save it as {format_name}"


def check_package(path: Path, kind: Kind) -> None:
    """Refuse `path` unless it is an Office Open XML package of `kind` that is safe to open."""
    head = _head(path, kind)
    if head.startswith(OLE_SIGNATURE):
        raise _ole_error(path, kind)
    if not head.startswith(ZIP_SIGNATURES):
        raise _not_a_zip_error(path, kind, head)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_sizes(path, kind, archive.infolist())
            _check_package(path, kind, archive)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise _damaged(path, kind, "its zip container is incomplete or damaged (a download cut short?)",
                       "copy or download it again, or " + _resave(kind)) from None
    except (NotImplementedError, RuntimeError):  # unknown compression, a zip password
        raise _damaged(path, kind, "it is packed in a way qcode cannot unpack (a zip password or an "
                       "unusual compression)", _resave(kind)) from None
    except MemoryError:
        raise
    except Exception:  # zipfile raises struct.error and others on some damaged headers
        raise _damaged(path, kind, "its zip container is damaged", _resave(kind)) from None


def _head(path: Path, kind: Kind) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(1024)
    except OSError as error:
        raise ReadError(f"cannot read the file ({error.strerror or error})", path=path,
                        hint="check that it exists and that you may read it") from None


def _ole_error(path: Path, kind: Kind) -> ReadError:
    """An OLE compound file: an encrypted Office file, or the old binary .doc/.xls format."""
    if _contains_utf16_name(path, ("EncryptionInfo", "EncryptedPackage")):
        return ReadError("the file is protected with a password (encrypted)", path=path, hint=ENCRYPTED_HINT[kind])
    old = "Word 97-2003 document (.doc)" if kind == "docx" else "Excel 97-2003 workbook (.xls)"
    if _contains_utf16_name(path, ("WordDocument",)):
        old = "Word 97-2003 document (.doc)"
    elif _contains_utf16_name(path, ("Workbook", "Book")):
        old = "Excel 97-2003 workbook (.xls)"
    return ReadError(f"this is an old binary {old}, not .{kind}", path=path, hint=_resave(kind))


def _contains_utf16_name(path: Path, names: tuple[str, ...]) -> bool:
    """Whether an OLE directory entry of one of `names` is in the file (entry names are UTF-16LE)."""
    needles = [name.encode("utf-16-le") + b"\x00\x00" for name in names]
    overlap = max(len(n) for n in needles)
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            window = tail + chunk
            if any(needle in window for needle in needles):
                return True
            tail = window[-overlap:]
    return False


def _not_a_zip_error(path: Path, kind: Kind, head: bytes) -> ReadError:
    app = NAMES[kind][0]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        return ReadError("the file is empty", path=path, hint="check that this is the right file, or leave it out")
    if stripped.startswith(b"{\\rtf"):
        what = "an RTF file"
    elif stripped.startswith(b"%pdf"):
        what = "a PDF file"
    elif stripped.startswith((b"<html", b"<!doctype html", b"mime-version", b"<?xml")):
        what = f"a web page or XML file saved from {app}"
    elif _looks_like_text(head):
        suffix = ".txt" if kind == "docx" else ".csv"
        return ReadError(f"this is a plain-text file, not {NAMES[kind][2]} file", path=path,
                         hint=f"if it holds {'a transcript' if kind == 'docx' else 'comma-separated rows'}, "
                              f"rename it to {suffix}; otherwise {_resave(kind)}")
    else:
        what = "some other kind of file"
    return ReadError(f"this is not {NAMES[kind][2]} .{kind} file: it looks like {what}", path=path, hint=_resave(kind))


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:  # a multi-byte character cut at the end of the sample
        if error.start < len(head) - 3:
            return False
    return b"\x00" not in head


def _damaged(path: Path, kind: Kind, why: str, hint: str) -> ReadError:
    return ReadError(f"cannot read this {NAMES[kind][0]} file: {why}", path=path, hint=hint)


def _check_sizes(path: Path, kind: Kind, members: list[zipfile.ZipInfo]) -> None:
    why = ""
    if len(members) > MAX_MEMBERS:
        why = f"it holds {len(members):,} parts (a real file holds a few dozen; the limit is {MAX_MEMBERS:,})"
    elif (total := sum(m.file_size for m in members)) > MAX_TOTAL_BYTES:
        why = f"it unpacks to {total / 1e6:,.0f} MB (the limit is {MAX_TOTAL_BYTES / 1e6:,.0f} MB)"
    for member in members:
        if why:
            break
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MAX_MEMBER_BYTES:
            why = (f"its part {member.filename} unpacks to {member.file_size / 1e6:,.0f} MB "
                   f"(the limit is {MAX_MEMBER_BYTES / 1e6:,.0f} MB per part)")
        elif member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            why = (f"its part {member.filename} unpacks to {ratio:,.0f} times its packed size "
                   f"(the limit is {MAX_RATIO} times)")
    if why:
        size = "a 3-hour transcript unpacks to about 3 MB" if kind == "docx" else \
            "a 10,000-row survey unpacks to about 14 MB"
        raise ReadError(f"refused: {why}; {size}, so this file is damaged or made to exhaust memory",
                        path=path, hint="if it is a real file, " + _resave(kind) + "; otherwise leave it out")


@dataclass(frozen=True)
class _ContentTypes:
    defaults: dict[str, str]  # extension (lower case) → content type
    overrides: dict[str, str]  # part name without the leading '/' → content type

    def of(self, name: str) -> str:
        return self.overrides.get(name) or self.defaults.get(posixpath.splitext(name)[1][1:].lower(), "")


def _check_package(path: Path, kind: Kind, archive: zipfile.ZipFile) -> None:
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        raise _not_office_error(path, kind, archive, names)
    types = _content_types(path, kind, archive)
    for member in archive.infolist():
        if _is_xml(member.filename, types):
            _check_prolog(path, kind, archive, member)
    main = _main_part(path, kind, archive, names)
    content_type = types.of(main)
    if content_type not in MAIN_TYPES[kind]:
        raise _wrong_kind_error(path, kind, content_type)
    if kind == "xlsx":  # openpyxl quietly skips a worksheet whose part is missing, and reads the next
        _check_targets(path, kind, archive, names, main, "/worksheet")


def _not_office_error(path: Path, kind: Kind, archive: zipfile.ZipFile, names: set[str]) -> ReadError:
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        mimetype = archive.read("mimetype")
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            return ReadError(f"this is an OpenDocument file (LibreOffice), not .{kind}", path=path,
                             hint="open it in LibreOffice and save it as " + NAMES[kind][1])
    return _damaged(path, kind, "it is a zip archive, but not an Office document", _resave(kind))


def _wrong_kind_error(path: Path, kind: Kind, content_type: str) -> ReadError:
    app = NAMES[kind][0]
    what = next((name for family, name in FAMILIES if family in content_type), None)
    if what is None:
        return _damaged(path, kind, "its main part is not a document qcode knows", _resave(kind))
    if "macroenabled" in content_type.lower() or "template" in content_type.lower() or "binary" in content_type:
        return ReadError(f"this is {what} in a form qcode cannot read (a template, a macro-enabled "
                         "or binary file)", path=path, hint=f"open it in {app} and save it as {NAMES[kind][1]}")
    suffix = {"a Word document": ".docx", "an Excel workbook": ".xlsx"}.get(what, ".pptx")
    return ReadError(f"this is {what}, not {'a Word document' if kind == 'docx' else 'an Excel workbook'}",
                     path=path, hint=f"give it the right extension ({suffix}), or check that this is the right file")


def _read_capped(path: Path, kind: Kind, archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _damaged(path, kind, f"its part {name} is far larger than it should be", _resave(kind))
    return data


def _parse_small(path: Path, kind: Kind, archive: zipfile.ZipFile, name: str):  # type: ignore[no-untyped-def]
    from lxml import etree

    data = _read_capped(path, kind, archive, name, SMALL_PART_BYTES)
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise _malformed(path, kind, name, error) from None
    if root.getroottree().docinfo.doctype:
        raise _doctype_error(path, kind, name)
    return root


def _content_types(path: Path, kind: Kind, archive: zipfile.ZipFile) -> _ContentTypes:
    root = _parse_small(path, kind, archive, "[Content_Types].xml")
    defaults, overrides = {}, {}
    for element in _elements(root):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "Default":
            defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
        elif tag == "Override":
            overrides[element.get("PartName", "").lstrip("/")] = element.get("ContentType", "")
    return _ContentTypes(defaults, overrides)


def _elements(root):  # type: ignore[no-untyped-def]
    """The root's child elements, without comments and processing instructions."""
    return [element for element in root if isinstance(element.tag, str)]


def _is_xml(name: str, types: _ContentTypes) -> bool:
    """The parts a library may parse as XML: by name, or by the content type the package gives them."""
    if name.endswith("/"):
        return False
    if name.lower().endswith((".xml", ".rels", ".vml")):
        return True
    content_type = types.of(name)
    return content_type.endswith("xml") and not content_type.startswith("image/")


def _check_prolog(path: Path, kind: Kind, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Parse `member` up to its root element, and refuse a DOCTYPE (the only place entities are declared).

    Fed in small pieces, so the parser stops at the root's start tag, before any entity is used."""
    from lxml import etree

    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, load_dtd=False, no_network=True)
    fed = b""
    with archive.open(member) as handle:
        while len(fed) <= PROLOG_BYTES:
            chunk = handle.read(PROLOG_CHUNK)
            fed += chunk
            try:
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
                events = list(parser.read_events())
            except etree.XMLSyntaxError as error:
                if any(marker in fed for marker in DOCTYPE_MARKERS):  # e.g. an entity used in the root tag
                    raise _doctype_error(path, kind, member.filename) from None
                raise _malformed(path, kind, member.filename, error) from None
            if events:
                if events[0][1].getroottree().docinfo.doctype:
                    raise _doctype_error(path, kind, member.filename)
                return
            if not chunk:
                return
    raise _doctype_error(path, kind, member.filename)


def _doctype_error(path: Path, kind: Kind, name: str) -> ReadError:
    return ReadError(f"refused: its part {name} has a DOCTYPE (entity declarations), which {NAMES[kind][0]} "
                     "never writes; such a file is made to attack the program reading it", path=path,
                     hint="if it is a real file, " + _resave(kind) + "; otherwise leave it out")


def _malformed(path: Path, kind: Kind, name: str, error: Exception) -> ReadError:
    line = getattr(error, "lineno", None) or getattr(error, "position", (None,))[0]
    where = f" (line {line} of that part)" if line else ""
    return _damaged(path, kind, f"its part {name} is not well-formed XML{where}", _resave(kind))


def _main_part(path: Path, kind: Kind, archive: zipfile.ZipFile, names: set[str]) -> str:
    if "_rels/.rels" not in names:
        raise _damaged(path, kind, "it has no _rels/.rels part, which says where the document is", _resave(kind))
    root = _parse_small(path, kind, archive, "_rels/.rels")
    for element in _elements(root):
        if (element.get("Type") or "").endswith(OFFICE_DOCUMENT) and element.get("TargetMode") != "External":
            target = posixpath.normpath(posixpath.join("/", element.get("Target") or "")).lstrip("/")
            if target not in names:
                raise _damaged(path, kind, f"its main part {target} is missing", _resave(kind))
            return target
    raise _damaged(path, kind, "it names no main document part", _resave(kind))


def _check_targets(path: Path, kind: Kind, archive: zipfile.ZipFile, names: set[str], source: str,
                   relationship: str) -> None:
    """Every part that `source` relates to with `relationship` must be in the package."""
    folder, name = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in names:
        raise _damaged(path, kind, f"its part {rels} is missing", _resave(kind))
    for element in _elements(_parse_small(path, kind, archive, rels)):
        if (element.get("Type") or "").endswith(relationship) and element.get("TargetMode") != "External":
            target = element.get("Target") or ""
            base = "/" if target.startswith("/") else "/" + folder
            part = posixpath.normpath(posixpath.join(base, target)).lstrip("/")
            if part not in names:
                raise _damaged(path, kind, f"its part {part} is missing", _resave(kind))


def library_failure(path: Path, kind: Kind, error: BaseException) -> ReadError:
    """What to tell the user when python-docx or openpyxl fails on a file that passed check_package."""
    from lxml import etree

    if isinstance(error, KeyError) and "archive" in str(error):  # zipfile: "There is no item named '…'"
        missing = str(error).split("'")[1] if str(error).count("'") >= 2 else "a part"
        return _damaged(path, kind, f"a part it refers to ({missing}) is missing", _resave(kind))
    if isinstance(error, (zipfile.BadZipFile, zlib.error, EOFError)):
        return _damaged(path, kind, "a part of its zip container is damaged", "copy or download it again, or "
                        + _resave(kind))
    try:
        with zipfile.ZipFile(path) as archive:
            types = _content_types(path, kind, archive)
            parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
            for member in archive.infolist():
                if _is_xml(member.filename, types):
                    try:
                        etree.fromstring(_read_capped(path, kind, archive, member.filename, MAX_MEMBER_BYTES),
                                         parser)
                    except etree.XMLSyntaxError as syntax:
                        return _malformed(path, kind, member.filename, syntax)
    except ReadError as found:
        return found
    except Exception:  # the file is worse than the library said: the plain message below will do
        pass
    return _damaged(path, kind, f"{'python-docx' if kind == 'docx' else 'openpyxl'} cannot make sense of it "
                    f"({type(error).__name__})", _resave(kind))
