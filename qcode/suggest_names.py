"""“Did you mean …?” for a name typed wrong: a code id, looked up among ids and labels."""
from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Iterable

from qcode.errors import UsageError

CUTOFF = 0.6  # difflib's similarity ratio: `werkdruk-burnout` finds `werkdruk-burn-out`, `xyz` nothing


def closest(given: str, names: Iterable[str], labels: dict[str, str] | None = None, limit: int = 3) -> list[str]:
    """The names most like `given` (case aside), also where `given` is like a name's label."""
    names = list(names)
    typed = given.strip().lower()
    by_lower = {name.lower(): name for name in names}
    found = [by_lower[n] for n in difflib.get_close_matches(typed, list(by_lower), n=limit, cutoff=CUTOFF)]
    if labels:
        by_label = {label.lower(): name for name, label in labels.items() if label}
        found += [by_label[m] for m in difflib.get_close_matches(typed, list(by_label), n=limit, cutoff=CUTOFF)]
    found += [name for name in names if typed and len(typed) >= 4 and typed in name.lower()]
    return list(dict.fromkeys(found))[:limit]


def did_you_mean(given: str, names: Iterable[str], labels: dict[str, str] | None = None) -> str:
    """' (did you mean werkdruk-burn-out?)', or '' when nothing is close."""
    found = closest(given, names, labels)
    return f" (did you mean {' or '.join(found)}?)" if found else ""


def code_hint(conn: sqlite3.Connection, given: str) -> str:
    """A code id's hint: the closest ids of the project's codebook, then where to see them all."""
    codes = dict(conn.execute("SELECT id, label FROM codes").fetchall())
    found = closest(given, codes, codes)
    return (f"did you mean {' or '.join(found)}? " if found else "") + "see the ids with 'qcode codebook show --ids'"


def unknown_code(conn: sqlite3.Connection, given: str, where: str = "in the project's codebook") -> UsageError:
    return UsageError(f"there is no code {given!r} {where}", hint=code_hint(conn, given))
