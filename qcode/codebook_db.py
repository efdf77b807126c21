"""The codebook in the database: versions, the codes table, counts, renames and merges."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qcode.changelog import log_action, utc_now
from qcode.errors import UsageError

if TYPE_CHECKING:  # the YAML side (ruamel) loads only when a codebook is read or written
    from qcode.codebook import LoadedCodebook

_CODE_COLUMNS = ("id", "parent_id", "label", "chapter", "description", "include", "exclude", "examples",
                 "keywords", "color", "role", "kind", "position", "active", "version_id")


@dataclass
class LoadResult:
    version_id: int
    changed: bool
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # gone from the file but kept for their codings


@dataclass
class CodeNode:
    id: str
    label: str
    depth: int
    role: str | None
    active: bool
    counts: dict[str, int]  # codings per coder on this code itself
    description: str | None = None
    kind: str = "reason"
    children: list[CodeNode] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + sum(child.total for child in self.children)


def store(conn: sqlite3.Connection, loaded: LoadedCodebook, text: str | None = None,
          note: str | None = None, source: str | None = None) -> LoadResult:
    """Make `loaded` the project's codebook; a changed one is recorded as a new version.

    `source`: where the file is, as the project remembers it (relative to the project folder when
    it lies inside it); by default its absolute path.
    """
    codebook = loaded.codebook
    digest = codebook.content_hash()
    latest = conn.execute("SELECT id, content_hash FROM codebook_versions ORDER BY id DESC LIMIT 1").fetchone()
    if latest and latest[1] == digest:
        return LoadResult(version_id=latest[0], changed=False)
    version_id = conn.execute(
        "INSERT INTO codebook_versions (name, version, language, source_path, content_hash, yaml, loaded_at, "
        "note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (codebook.name, codebook.version, codebook.language, source or str(loaded.path.resolve()), digest,
         text if text is not None else loaded.text, utc_now(), note)).lastrowid
    before = {row[0] for row in conn.execute("SELECT id FROM codes")}
    from qcode.codebook import code_rows

    rows = code_rows(codebook, version_id)
    placeholders = ", ".join("?" for _ in _CODE_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _CODE_COLUMNS[1:])
    conn.executemany(
        f"INSERT INTO codes ({', '.join(_CODE_COLUMNS)}) VALUES ({placeholders}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}", [tuple(r[c] for c in _CODE_COLUMNS) for r in rows])
    now_ids = {r["id"] for r in rows}
    result = LoadResult(version_id=version_id, changed=True, added=sorted(now_ids - before))
    _retire_absent(conn, before - now_ids, result)
    return result


def _retire_absent(conn: sqlite3.Connection, absent: set[str], result: LoadResult) -> None:
    """Codes no longer in the file: deleted, unless codings use them (or a kept sub-code)."""
    used = {row[0] for row in conn.execute("SELECT DISTINCT code_id FROM codings")}
    used |= {row[0] for row in conn.execute("SELECT DISTINCT code_id FROM orphaned_codings")}
    parents = dict(conn.execute("SELECT id, parent_id FROM codes").fetchall())
    keep = set()
    for code in absent & used:
        while code in absent and code not in keep:
            keep.add(code)
            code = parents.get(code)
    conn.executemany("UPDATE codes SET active = 0 WHERE id = ?", [(c,) for c in sorted(keep)])
    doomed = absent - keep
    order = {row[0]: row[1] for row in conn.execute("SELECT id, position FROM codes")}
    for code in sorted(doomed, key=lambda c: -order[c]):
        conn.execute("DELETE FROM codes WHERE id = ?", (code,))
    result.retired = sorted(keep)
    result.removed = sorted(doomed)


def code_tree(conn: sqlite3.Connection) -> list[CodeNode]:
    counts: dict[str, dict[str, int]] = {}
    for code_id, coder, n in conn.execute(
            "SELECT code_id, coder, COUNT(*) FROM codings GROUP BY code_id, coder ORDER BY coder"):
        counts.setdefault(code_id, {})[coder] = n
    nodes: dict[str, CodeNode] = {}
    roots: list[CodeNode] = []
    for code_id, parent_id, label, role, active, description, kind in conn.execute(
            "SELECT id, parent_id, label, role, active, description, kind FROM codes ORDER BY position"):
        parent = nodes.get(parent_id) if parent_id else None
        node = CodeNode(code_id, label, parent.depth + 1 if parent else 0, role, bool(active),
                        counts.get(code_id, {}), description, kind)
        nodes[code_id] = node
        (parent.children if parent else roots).append(node)
    return roots


def require_code(conn: sqlite3.Connection, code_id: str) -> None:
    if conn.execute("SELECT 1 FROM codes WHERE id = ?", (code_id,)).fetchone() is None:
        from qcode.suggest_names import unknown_code

        raise unknown_code(conn, code_id)


def branch(conn: sqlite3.Connection, code_id: str) -> list[str]:
    """A code and all codes below it (a theme with its sub-codes)."""
    require_code(conn, code_id)
    return [row[0] for row in conn.execute(
        "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT c.id FROM codes c JOIN sub ON c.parent_id = sub.id) "
        "SELECT id FROM sub", (code_id,))]


def rename_code(conn: sqlite3.Connection, loaded: LoadedCodebook, new_text: str, old: str, new: str,
                source: str | None = None) -> LoadResult:
    """Give code `old` the id `new`; codings and sub-codes follow through ON UPDATE CASCADE."""
    conn.execute("UPDATE codes SET id = ? WHERE id = ?", (new, old))
    conn.execute("UPDATE orphaned_codings SET code_id = ? WHERE code_id = ?", (new, old))
    log_action(conn, "", "renamed", code_id=old, to=new)
    return _store_rewritten(conn, loaded, new_text, f"renamed {old} to {new}", source)


def merge_codes(conn: sqlite3.Connection, loaded: LoadedCodebook, new_text: str, source: str,
                target: str, file: str | None = None) -> LoadResult:
    """Move every coding of `source` onto `target`, combining where a coder used both."""
    for coding_id, fragment_id, coder, main, star, memo in conn.execute(
            "SELECT id, fragment_id, coder, main, star, memo FROM codings WHERE code_id = ?", (source,)).fetchall():
        twin = conn.execute("SELECT id, memo FROM codings WHERE fragment_id = ? AND code_id = ? AND coder = ?",
                            (fragment_id, target, coder)).fetchone()
        if twin is None:
            conn.execute("UPDATE codings SET code_id = ? WHERE id = ?", (target, coding_id))
            continue
        memos = " / ".join(m for m in (twin[1], memo) if m) or None
        conn.execute("UPDATE codings SET main = MAX(main, ?), star = MAX(star, ?), memo = ?, updated_at = ? "
                     "WHERE id = ?", (main, star, memos, utc_now(), twin[0]))
        conn.execute("DELETE FROM codings WHERE id = ?", (coding_id,))
    conn.execute("UPDATE codes SET parent_id = ? WHERE parent_id = ?", (target, source))
    conn.execute("UPDATE orphaned_codings SET code_id = ? WHERE code_id = ?", (target, source))
    conn.execute("DELETE FROM codes WHERE id = ?", (source,))
    log_action(conn, "", "merged", code_id=source, into=target)
    return _store_rewritten(conn, loaded, new_text, f"merged {source} into {target}", file)


def _store_rewritten(conn: sqlite3.Connection, loaded: LoadedCodebook, new_text: str, note: str,
                     source: str | None) -> LoadResult:
    from qcode.codebook import parse_text

    rewritten = loaded.model_copy(update={"codebook": parse_text(new_text), "text": new_text})
    return store(conn, rewritten, new_text, note, source)

