"""Writing what qcode makes: whole or not at all, never over the project's own files, cells as text.

Every file qcode writes goes through `writing` (or `write_text`): the target is checked against a
`Guard` (the project database and its side files, every file the project imported, its templates
and own texts; a folder; a device), the content goes to a temporary file in the same folder, and only
a complete file is renamed into place. A failure leaves the old file as it was, removes the
temporary one, and ends in one `OutputError` that never quotes the content.

Spreadsheet cells from data are text, never formulas (OWASP, "CSV injection"): `csv_cell` puts a
single quote before text a spreadsheet would evaluate, `xlsx_text` escapes what Excel cannot store
the way Excel does itself (`_xHHHH_`); `from_csv_cell` and `from_xlsx_text` undo both when qcode reads
a sheet, so its own exports read back to the original text.
"""
from __future__ import annotations

import errno
import math
import os
import re
import sqlite3
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode import inputs
from qcode.errors import QcodeError


class OutputError(QcodeError):
    """A file could not, or may not, be written; nothing was changed."""


# -- spreadsheet cells --------------------------------------------------------------------------
# A cell opening with one of these is a formula (or DDE) in Excel, LibreOffice or Google Sheets. OWASP
# lists = + - @ TAB CR; ASVS adds NUL; LF and the full-width forms are read the same way by some.
FORMULA_OPENERS = frozenset("=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20")
_LEADING_BLANKS = " \u00a0\u3000"
_XLSX_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]|^[\t\n]|[\t\n]$")
_XLSX_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


_CAREFUL = FORMULA_OPENERS | frozenset("'" + _LEADING_BLANKS)  # first characters worth a closer look


def _opens_formula(text: str) -> bool:
    stripped = text.lstrip(_LEADING_BLANKS)
    return bool(stripped) and stripped[0] in FORMULA_OPENERS


def csv_cell(value: Any) -> Any:
    """A value for a .csv cell: text a spreadsheet would evaluate gets a leading single quote.

    Text already opening with quotes before such a character gets one more, so `from_csv_cell`
    can tell qcode's quote from the writer's own. (Write the file with errors="replace".)"""
    if not isinstance(value, str):
        return plain_value(value)
    if "\0" in value:
        value = value.replace("\0", "\ufffd")
    if value[:1] in _CAREFUL and _opens_formula(value.lstrip("'")):
        return "'" + value
    return value


def from_csv_cell(value: Any) -> Any:
    """The text `csv_cell` was given: one leading quote before a formula opener is qcode's own."""
    if isinstance(value, str) and value[:1] == "'" and _opens_formula(value.lstrip("'")):
        return value[1:]
    return value


XLSX_CELL_LIMIT = 32_767  # characters in one Excel cell
CUT_MARK = " …[afgekapt: een Excel-cel houdt 32.767 tekens]"
# What is left of a cut cell even when every character was a control written as `_x001B_`: a shorter
# text with the mark was not cut by qcode, and must match its fragment whole.
_SHORTEST_CUT = (XLSX_CELL_LIMIT - len(CUT_MARK)) // len("_x0000_") - 1
_PARTIAL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{0,4})?$")


def xlsx_text(text: str) -> str:
    """Text an .xlsx string cell can hold: control characters and a literal `_xHHHH_` escaped as Excel does;
    a TAB or line break at either end too, so that a reader trimming cells keeps it. Text longer than
    a cell holds is cut visibly (`CUT_MARK`), never silently as openpyxl would."""
    escaped = _XLSX_ESCAPED.sub(_xlsx_escape, text)
    if len(escaped) <= XLSX_CELL_LIMIT:
        return escaped
    return _PARTIAL_ESCAPE.sub("", escaped[:XLSX_CELL_LIMIT - len(CUT_MARK)]) + CUT_MARK


def uncut(cell: str) -> str:
    """A cell's text without qcode's mark of a cut."""
    return cell[:-len(CUT_MARK)] if cell.endswith(CUT_MARK) else cell


def same_text(cell: str, text: str) -> bool:
    """Whether a sheet's cell holds `text` (whitespace aside), or its start when qcode cut it to fit."""
    if cell.endswith(CUT_MARK) and len(uncut(cell)) >= _SHORTEST_CUT:
        return " ".join(text.split()).startswith(" ".join(uncut(cell).split()))
    return " ".join(cell.split()) == " ".join(text.split())


def _xlsx_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else f"_x{code:04X}_"  # a lone surrogate has no escape


def from_xlsx_text(value: Any) -> Any:
    """The text of an .xlsx string cell with Excel's `_xHHHH_` escapes undone."""
    if isinstance(value, str) and "_x" in value:
        return _XLSX_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def plain_value(value: Any) -> Any:
    """A cell value a sheet can hold: numbers and text as they are, anything else as its text."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple, dict)):
        import json
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Cells for `sheet.append`: every text a string cell (never a formula or an error value)."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        value = plain_value(value)
        cell = Cell(sheet, value=xlsx_text(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def xml_text(text: str) -> str:
    """Text a Word or HTML document can hold: control characters shown as their symbols (␛, ␇)."""
    if not _NOT_XML.search(text):
        return text
    return _NOT_XML.sub(lambda m: chr(0x2400 + ord(m.group())) if m.group() < " " else "\ufffd", text)


# -- where not to write -------------------------------------------------------------------------
_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def _key(path: Path | str, folders: dict[Path, str] | None = None) -> str:
    """A path as compared: absolute, links resolved, case and Unicode form folded.

    With `folders`, each folder is resolved once (a project's transcripts share a few); a protected
    file that is itself a link is still caught by `Guard.refusal`'s same-file check."""
    path = Path(path)
    if folders is None:
        return unicodedata.normalize("NFC", _resolved(path)).casefold()
    if path.parent not in folders:
        folders[path.parent] = _resolved(path.parent)
    return unicodedata.normalize("NFC", os.path.join(folders[path.parent], path.name)).casefold()


_SQLITE_HEADER = b"SQLite format 3\x00"


def _is_database(target: Path) -> bool:
    """An SQLite database, or a side file of one: no output of qcode is either."""
    for suffix in _SIDE_FILES[1:]:
        if target.name.lower().endswith(suffix):
            target = target.with_name(target.name[:-len(suffix)])
            break
    try:
        with open(target, "rb") as handle:
            return handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def _resolved(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # a link loop, or a folder we may not look into
        return os.path.abspath(path)


@dataclass(frozen=True)
class Guard:
    """Files that must never be written over, and the folder in which missing folders may be made."""

    root: Path | None = None
    protected: dict[str, tuple[Path, str]] = field(default_factory=dict)  # key → (path, what it is)
    input_trees: frozenset[str] = frozenset()  # folders whose existing input files, subfolders too, are kept
    input_folders: frozenset[str] = frozenset()  # folders whose own existing input files are kept

    @classmethod
    def of_project(cls, conn: sqlite3.Connection, root: Path) -> Guard:
        """The project's database and side files, every file it read (see `qcode.inputs`), its
        templates and own texts; and existing input files beside the transcripts it imported."""
        database = next((Path(row[2]) for row in conn.execute("PRAGMA database_list")
                         if row[1] == "main" and row[2]), root / "qcode.db")
        trees, folders = inputs.input_folders(conn, root)
        guard = cls(root.resolve(), input_trees=frozenset(map(_key, trees)), input_folders=frozenset(map(_key, folders)))
        guard = guard.protect([database.with_name(database.name + suffix) for suffix in _SIDE_FILES],
                              "the project database")
        for paths, what in inputs.project_inputs(conn, root):
            guard = guard.protect(paths, what)
        guard = guard.protect(root.glob("templates/*.j2"), "a report template")
        return guard.protect(root.glob("exports/tekst/*.md"), "your own text for the report")

    def protect(self, paths: Iterable[Path], what: str) -> Guard:
        protected, folders = dict(self.protected), {}
        for path in paths:
            protected.setdefault(_key(path, folders), (path, what))
        return Guard(self.root, protected, self.input_trees, self.input_folders)

    def refusal(self, target: Path) -> str | None:
        """What `target` is, when it may not be written; else None."""
        found = self.protected.get(_key(target))
        if found is not None:
            return found[1]
        try:
            written = target.stat()
        except OSError:
            return None
        for path, what in self.protected.values():  # a hard link, or a name spelled otherwise
            try:
                other = path.stat()
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == (written.st_dev, written.st_ino):
                return what
        if self._beside_inputs(target):
            return "a file among the transcripts the project imported (perhaps another project's input)"
        if _is_database(target):
            return "a database (perhaps another project's qcode.db)"
        return None

    def _beside_inputs(self, target: Path) -> bool:
        """An existing file of a kind qcode reads, in a folder of imported transcripts (see `qcode.inputs`)."""
        if not (self.input_trees or self.input_folders):
            return False
        real = Path(_resolved(target))  # a link is written through: what counts is the file it leads to
        if real.suffix.lower() not in inputs.INPUT_SUFFIXES or (self.root and inputs.exempt(real.parent, self.root)):
            return False
        return (_key(real.parent) in self.input_folders
                or any(_key(folder) in self.input_trees for folder in (real.parent, *real.parent.parents)))

    def may_make(self, folder: Path) -> bool:
        """Missing folders are made inside the project only; elsewhere a typo should not make folders."""
        if self.root is None:
            return True
        folder = folder.resolve()
        return folder == self.root or self.root in folder.parents


# -- writing ------------------------------------------------------------------------------------
_MESSAGES = {
    errno.ENOSPC: ("the disk is full", "free some space, or write the file somewhere else"),
    errno.EDQUOT: ("the disk is full (your quota is used up)", "free some space, or write the file somewhere else"),
    errno.EACCES: ("no permission to write here", "choose a folder you can write to"),
    errno.EPERM: ("no permission to write here", "choose a folder you can write to"),
    errno.EROFS: ("this place is read-only", "choose a folder you can write to"),
    errno.ENAMETOOLONG: ("the file name is too long", "choose a shorter name"),
    errno.EFBIG: ("the file is too large for this place", "write it somewhere else"),
    errno.EISDIR: ("this is a folder", "give a file name, for example exports/out.xlsx"),
    errno.ENOTDIR: ("part of this path is a file, not a folder", "check the path"),
    errno.ENOENT: ("the folder does not exist", "create it first, or choose another place"),
}


def _failure(error: OSError, path: Path) -> OutputError:
    message, hint = _MESSAGES.get(error.errno or 0, (f"could not write the file: "
                                                       f"{os.strerror(error.errno) if error.errno else 'error'}",
                                                       "choose another place"))
    return OutputError(f"{message}; nothing was written", path=path, hint=hint)


def check_target(path: Path, guard: Guard | None = None, make_folder: bool = False) -> Path:
    """The file to replace (`path` with links followed) once it is known `path` may be written;
    its missing folder is made when asked (inside the project only)."""
    try:
        return _checked(path, guard or Guard(), make_folder)
    except (OSError, RuntimeError) as error:  # a folder we may not look into, a name too long, a link loop
        if isinstance(error, OSError):
            raise _failure(error, path) from None
        raise OutputError("this path is a loop of links", path=path, hint="choose another file name") from None


def check_targets(paths: Iterable[Path], guard: Guard | None = None) -> None:
    """Check every file a command will write before it writes the first: all of them, or none.

    Two outputs on one file are refused too (the second would replace the first)."""
    seen: dict[str, Path] = {}
    for path in paths:
        path = Path(path)
        check_target(path, guard)
        earlier = seen.setdefault(_key(path), path)
        if earlier is not path:
            raise OutputError(f"this file would be written twice (also as {earlier}); nothing was written", path=path,
                              hint="choose another file name")


def _checked(path: Path, guard: Guard, make_folder: bool) -> Path:
    if path.is_dir():
        raise OutputError("this is a folder, not a file", path=path,
                          hint="give a file name, for example exports/out.xlsx")
    reason = guard.refusal(path)
    if reason:
        raise OutputError(f"this is {reason}; qcode never writes over it", path=path,
                          hint="choose another file name, for example in exports/")
    target = path.resolve() if path.is_symlink() else path.absolute()
    if target.exists():
        mode = target.stat().st_mode
        if not stat.S_ISREG(mode):
            raise OutputError("this is not an ordinary file", path=path, hint="choose a file name in a folder")
        if not mode & 0o222:
            raise OutputError("this file is read-only; it was left as it was", path=path,
                              hint="choose another name, or make the file writable first")
    _prepare_folder(target.parent, path, guard, make_folder)
    return target


def _prepare_folder(folder: Path, path: Path, guard: Guard, make: bool) -> None:
    if folder.is_dir():
        if not folder.stat().st_mode & 0o222:
            raise OutputError("the folder is read-only; nothing was written", path=path,
                              hint="choose a folder you can write to")
        return
    if folder.exists() or any(parent.exists() and not parent.is_dir() for parent in folder.parents):
        raise OutputError("part of this path is a file, not a folder", path=path, hint="check the path")
    if not guard.may_make(folder):
        raise OutputError(f"the folder {folder} does not exist", path=path,
                          hint="create it first, or choose another place")
    existing = next((parent for parent in folder.parents if parent.is_dir()), None)
    if existing is not None and not existing.stat().st_mode & 0o222:
        raise OutputError("the folder is read-only; nothing was written", path=path,
                          hint="choose a folder you can write to")
    if not make:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _failure(error, path) from None


@contextmanager
def writing(path: Path, guard: Guard | None = None) -> Iterator[Path]:
    """Yield a temporary file (same folder, same suffix) to write; on success it becomes `path`.

    Any failure removes the temporary file, leaves `path` as it was, and raises an `OutputError`."""
    target = check_target(Path(path), guard, make_folder=True)
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.stem[:80]}.", suffix=f".qcode-tmp{target.suffix[:16]}",
                                        dir=target.parent)
    except OSError as error:
        raise _failure(error, Path(path)) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _failure(error, Path(path)) from None
        if isinstance(error, (QcodeError, KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise OutputError(f"could not write the file (an unexpected {type(error).__name__}); nothing was written",
                          path=path, hint="run again with QCODE_DEBUG=1 for the details, and report it") from error


def write_text(path: Path, text: str, guard: Guard | None = None) -> Path:
    with writing(path, guard) as temporary:
        temporary.write_text(text, encoding="utf-8", errors="replace")
    return Path(path)


def create_text(path: Path, text: str, guard: Guard | None = None) -> bool:
    """Write `text` to `path` only if nothing is there yet; True when written."""
    if path.exists() or path.is_symlink():
        return False
    write_text(path, text, guard)
    return True


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


# -- the format of an output --------------------------------------------------------------------
# Extensions that name a format: a file so named gets that format, and a --format saying otherwise is
# refused before anything is written (a Word file holding Markdown would open as garbage).
NAMED_FORMATS = {".md": "md", ".markdown": "md", ".docx": "docx", ".html": "html", ".htm": "html", ".csv": "csv",
                 ".xlsx": "xlsx", ".json": "json", ".png": "png", ".svg": "svg", ".pdf": "pdf", ".odt": "odt",
                 ".doc": "doc", ".xls": "xls", ".rtf": "rtf"}


def format_for(path: Path | None, given: str | None, formats: Sequence[str], default: str) -> str:
    """The format to write `path` in: `given`, else its extension's, else `default`. A `given` format
    the extension contradicts, or an extension naming a format not among `formats`, is refused."""
    from qcode.errors import UsageError

    named = NAMED_FORMATS.get(path.suffix.lower()) if path is not None else None
    choices = ", ".join(formats)
    if given is not None:
        given = given.lower()
        if given not in formats:
            raise UsageError(f"--format must be one of {choices}, not {given!r}")
        if named is not None and named != given:
            raise UsageError(f"--format {given} does not match the file's extension {path.suffix}; nothing was "
                             "written", path=path, hint=f"name the file .{given}, or leave out --format"
                                                        + (f" to write {named}" if named in formats else ""))
        return given
    if named is None:
        return default
    if named not in formats:
        raise UsageError(f"qcode cannot write {path.suffix} files here", path=path,
                         hint=f"name the file with one of: {', '.join('.' + f for f in formats)}")
    return named
