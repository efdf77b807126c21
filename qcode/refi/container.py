"""A .qdpx as the tools write it: one .qde at the root (any name, any case) and its sources.

Opening checks the zip before anything is read: no entry that climbs out (`..`, an absolute path, a
drive letter), no more members or bytes than a project needs, no member packed like a zip bomb.
Writing is deterministic: the same project gives the same bytes.
"""
from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from qcode.errors import InputError, Problem

MAX_MEMBERS = 100_000
MAX_MEMBER_BYTES = 500_000_000
MAX_TOTAL_BYTES = 2_000_000_000
MAX_RATIO = 200
RATIO_FLOOR = 1_000_000
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class Archive:
    path: Path
    zip: zipfile.ZipFile
    qde: str  # the project member's name
    by_name: dict[str, zipfile.ZipInfo]  # file name (no folder), lower-cased → member

    def read(self, member: zipfile.ZipInfo) -> bytes:
        with self.zip.open(member) as handle:
            data = handle.read(member.file_size + 1)
        if len(data) > member.file_size:
            raise _refused(self.path, f"{member.filename} holds more than its header says",
                           "the file is damaged or crafted; export the project again")
        return data

    def source(self, reference: str) -> zipfile.ZipInfo | None:
        """The member a source path names: internal://, relative://, absolute:// or bare, any folder and case."""
        name = reference.replace("\\", "/").rsplit("/", 1)[-1].strip()
        return self.by_name.get(name.lower()) if name else None

    def close(self) -> None:
        self.zip.close()


def open_qdpx(path: Path) -> Archive:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError([Problem("the file is not there", path, hint="check the path")]) from None
    except (zipfile.BadZipFile, OSError):
        raise InputError([Problem("this is not a .qdpx project (not a zip file)", path,
                                  hint="export the project again as REFI-QDA (.qdpx) from its program")]) from None
    try:
        members = archive.infolist()
        _check_members(path, members)
        qdes = [m for m in members if not m.is_dir() and "/" not in m.filename.strip("/")
                and m.filename.lower().endswith(".qde")]
        if len(qdes) != 1:
            what = "no project file (.qde)" if not qdes else f"{len(qdes)} project files (.qde)"
            raise InputError([Problem(f"the .qdpx holds {what} at its root; a REFI-QDA project has exactly one",
                                      path, hint="export the project again as REFI-QDA (.qdpx)")])
        by_name: dict[str, zipfile.ZipInfo] = {}
        for member in members:
            if not member.is_dir() and member is not qdes[0]:
                by_name.setdefault(PurePosixPath(member.filename).name.lower(), member)
        return Archive(path, archive, qdes[0].filename, by_name)
    except BaseException:
        archive.close()
        raise


def _check_members(path: Path, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise _refused(path, f"the .qdpx holds {len(members):,} files, more than a project needs",
                       "export the project again")
    total = 0
    for member in members:
        name = member.filename.replace("\\", "/")
        if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in PurePosixPath(name).parts \
                or posixpath.normpath(name).startswith(".."):
            raise _refused(path, "the .qdpx holds an entry with a path outside the project (.. or absolute)",
                           "this is not how a QDA program writes a project; do not use this file")
        if member.flag_bits & 0x1:
            raise _refused(path, "the .qdpx is encrypted", "export it again without a password")
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise _refused(path, "the .qdpx unpacks to more than a project's size (a zip bomb?)",
                           "export the project again; leave out large media")
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise _refused(path, f"{member.filename} is packed {member.file_size // max(member.compress_size, 1)}"
                                 " times smaller than it unpacks (a zip bomb?)", "do not use this file")


def _refused(path: Path, message: str, hint: str) -> InputError:
    return InputError([Problem(message, path, hint=hint)])


def write_qdpx(target: Path, qde: bytes, sources: dict[str, bytes]) -> None:
    """Write `project.qde` and `sources/<name>` into `target` (an open temporary file's path)."""
    with zipfile.ZipFile(target, "w") as archive:
        _add(archive, "project.qde", qde)
        for name in sorted(sources):
            _add(archive, f"sources/{name}", sources[name])


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    archive.writestr(info, data)
