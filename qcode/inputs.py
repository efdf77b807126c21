"""What a project read: every file it imported or loaded, in one place, so no output is written over one.

Transcripts and survey sheets are known from `transcripts.source_path`, codebooks from
`codebook_versions.source_path`, participants sheets by their name beside the transcripts, and every
other sheet (codings) from `imported_files`, where `record` puts it when its import commits.

A file another project read cannot be known from this database. So inside a folder that holds
transcripts this project imported, or a subfolder of it, an existing file of a kind qcode reads
(`INPUT_SUFFIXES`) is not written over either: that tree is somebody's inputs, never where exports
belong. The project folder itself and its exports/ are exempt, so yesterday's exports can always be
written again; a folder above the project counts without its subfolders.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from qcode.changelog import utc_now

INPUT_SUFFIXES = frozenset({".txt", ".md", ".docx", ".vtt", ".csv", ".xlsx", ".yaml", ".yml", ".qdc"})
KINDS = {"codings": "a codings sheet the project imported"}
_IMPORTED = "a file the project imported"


def record(conn: sqlite3.Connection, path: Path, kind: str) -> None:
    """Remember a sheet the project read (inside the caller's transaction): relative to the project when in it."""
    resolved = path.resolve()
    root = database_folder(conn)
    stored = resolved.relative_to(root).as_posix() if root and resolved.is_relative_to(root) else str(resolved)
    conn.execute("INSERT INTO imported_files (path, kind, imported_at) VALUES (?, ?, ?) ON CONFLICT (path) "
                 "DO NOTHING", (stored, kind, utc_now()))  # the same sheet again changes nothing


def database_folder(conn: sqlite3.Connection) -> Path | None:
    found = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main" and row[2]), "")
    return Path(found).resolve().parent if found else None


def project_inputs(conn: sqlite3.Connection, root: Path) -> Iterator[tuple[list[Path], str]]:
    """Every file the project read, in groups with what they are (paths as they may lie now)."""
    transcripts = list(anchored(_column(conn, "SELECT DISTINCT source_path FROM transcripts"), root))
    yield transcripts, _IMPORTED
    yield ([sheet for folder in {source.parent for source in transcripts} for sheet in participants_sheets(folder)],
           "the participants sheet the project imported")
    yield list(anchored(_column(conn, "SELECT DISTINCT source_path FROM codebook_versions"), root)), \
        "a codebook the project loaded"
    for kind in _column(conn, "SELECT DISTINCT kind FROM imported_files"):
        paths = _column(conn, "SELECT path FROM imported_files WHERE kind = ?", (kind,))
        yield list(anchored(paths, root)), KINDS.get(kind, _IMPORTED)


def input_folders(conn: sqlite3.Connection, root: Path) -> tuple[set[Path], set[Path]]:
    """Folders holding transcripts the project imported: those whose subfolders count too (the importer
    reads a folder with all its subfolders), and those holding the project, whose subfolders do not."""
    root = root.resolve()
    trees, folders = set(), set()
    for source in anchored(_column(conn, "SELECT DISTINCT source_path FROM transcripts"), root):
        try:
            folder = source.parent.resolve()
        except (OSError, RuntimeError):
            continue
        (folders if folder == root or folder in root.parents else trees).add(folder)
    return trees, folders


def exempt(folder: Path, root: Path) -> bool:
    """The project folder and its exports/ are where outputs belong, whatever was imported from there."""
    exports = root / "exports"
    return folder == root or folder == exports or exports in folder.parents


def _column(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> list[str]:
    try:
        return [value for (value,) in conn.execute(sql, params) if value]
    except sqlite3.OperationalError:  # a database from before the table (opened without upgrading)
        return []


def anchored(paths: Iterable[str], root: Path) -> Iterator[Path]:
    """Stored paths as files: relative ones from the project and from here; absolute ones as they
    are, and, for a project copied or moved since, the file at the same place under the project."""
    for path in map(Path, paths):
        if not path.is_absolute():
            yield root / path
            yield Path.cwd() / path
            continue
        yield path
        for depth in range(1, min(len(path.parts) - 1, 4) + 1):
            moved = root.joinpath(*path.parts[-depth:])
            if moved.exists():
                yield moved


def participants_sheets(folder: Path) -> list[Path]:
    from qcode.readers.participants import is_participants_sheet

    try:
        return [p for p in folder.iterdir() if is_participants_sheet(p)]
    except OSError:
        return []
