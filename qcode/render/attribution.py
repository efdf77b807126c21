"""Who said a quote, as every output prints it: 'jongerenwerker, 29 jaar' from the chosen attributes.

The report and the quote sheets (xlsx, csv, docx) call the same two functions, so a quote is
attributed the same way everywhere and an unknown attribute is refused the same way everywhere.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from qcode.errors import UsageError

AGE_KEYS = {"age", "leeftijd"}
YEARS = {"nl": "jaar", "en": "years"}


def known_attributes(conn: sqlite3.Connection) -> list[str]:
    """Every attribute some participant with a transcript has, sorted."""
    names: set[str] = set()
    for (values,) in conn.execute("SELECT attributes FROM participants WHERE id IN "
                                  "(SELECT participant_id FROM transcripts)"):
        names.update(json.loads(values or "{}"))
    return sorted(names)


def check_attributes(conn: sqlite3.Connection, attributes: Iterable[str]) -> tuple[str, ...]:
    """The chosen attributes without repeats; one no participant has is refused, naming the known ones."""
    chosen = tuple(dict.fromkeys(a for a in attributes if a))
    known = known_attributes(conn)
    unknown = [a for a in chosen if a not in known]
    if unknown:
        raise UsageError(f"no participant has the attribute {unknown[0]!r}",
                         hint=f"known attributes: {', '.join(known)}" if known else
                         "this project has no participant attributes; add a participants sheet")
    return chosen


def attribution(attributes: Mapping[str, Any], chosen: Iterable[str], participant: str, lang: str = "nl") -> str:
    """'jongerenwerker, 29 jaar': the chosen attributes that have a value, in the order chosen; the participant
    id when none are chosen or none has a value."""
    chosen = tuple(chosen)
    if not chosen:
        return participant
    parts = []
    for key in chosen:
        value = attributes.get(key)
        if value in (None, ""):
            continue
        text = str(value).strip()
        if key.lower() in AGE_KEYS and text.isdigit():
            text = f"{text} {YEARS.get(lang, YEARS['nl'])}"
        parts.append(text)
    return ", ".join(parts) or participant
