"""`qcode anonymise --report`: which identifiers each export would replace, and how often.

Each export is described by the participants' text it can print (the coded fragments for the report
and the quote sheets, disputed fragments for the disagreements sheet, participant ids and attribute
values for matrices and charts, every fragment for word counts and the exchange files). That text is
run through one Pseudonymiser per export, as the export itself does, and only what it counted is
kept: identifier texts and counts, never the exported text.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qcode.anonymise import CATEGORIES, Identifier, Pseudonymiser, identifiers, pseudonymiser

if TYPE_CHECKING:
    from qcode.project import Project

CODED = "SELECT fragment_id FROM codings"
# a fragment two or more coders judged (coded, or seen and left uncoded) with different codes
DISPUTED = """
WITH judged AS (SELECT fragment_id, coder FROM seen UNION SELECT fragment_id, coder FROM codings),
     chosen AS (SELECT j.fragment_id, j.coder,
                       COALESCE((SELECT group_concat(code_id, ' ') FROM (SELECT code_id FROM codings c
                                 WHERE c.fragment_id = j.fragment_id AND c.coder = j.coder ORDER BY code_id)), '')
                       AS codes
                FROM judged j)
SELECT fragment_id FROM chosen GROUP BY fragment_id HAVING COUNT(*) >= 2 AND COUNT(DISTINCT codes) > 1
"""
PARTICIPANTS = "SELECT f.id FROM fragments f JOIN turns t ON t.id = f.turn_id WHERE t.role = 'participant'"
# each export's fragments as the ring around the export before it (SQLite allows WITH inside IN (…))
RINGS = (("disagreements", f"id IN ({DISPUTED})"),
         ("report", f"id IN ({CODED}) AND id NOT IN ({DISPUTED})"),
         ("words", f"id IN ({PARTICIPANTS}) AND id NOT IN ({CODED})"),
         ("exchange", f"id NOT IN ({PARTICIPANTS})"))
EXPORTS = (  # export, what it is called, what of the project it prints, pseudonymised by default
    ("report", "report (md/docx/html) and quote sheets (xlsx/csv/docx)", "{coded fragment} they quote from", True),
    ("disagreements", "disagreements sheet", "{fragment} coders judged differently", True),
    ("matrix", "matrices and charts", "{participant id and attribute value}", True),
    ("words", "word counts and word cloud", "{participant fragment}", True),
    ("exchange", "codings export, fragments -o, refi export, merge", "{fragment}, the interviewers' too", False),
)


@dataclass(frozen=True)
class Replaced:
    text: str
    category: str | None
    replacement: str
    count: int
    decision: str | None

    def as_json(self) -> dict:
        return {"text": self.text, "category": self.category, "replacement": self.replacement,
                "count": self.count, "decision": self.decision}


@dataclass(frozen=True)
class ExportExposure:
    """What one export (or group of exports printing the same text) would replace."""
    export: str
    name: str
    covers: str
    pseudonymised_by_default: bool
    items: int
    replaced: tuple[Replaced, ...]

    def as_json(self) -> dict:
        return {"export": self.export, "name": self.name, "covers": self.covers,
                "pseudonymised_by_default": self.pseudonymised_by_default, "items": self.items,
                "replaced": [r.as_json() for r in self.replaced]}


@dataclass(frozen=True)
class Exposure:
    exports: tuple[ExportExposure, ...]
    not_replaced: tuple[Identifier, ...]
    unreviewed: tuple[Identifier, ...]
    identifiers: int
    extra: dict = field(default_factory=dict)


def exposure(project: Project) -> Exposure:
    """What every kind of export would replace now (from the stored findings: call `scan` first).

    The fragment sets nest (disputed ⊂ coded ⊂ participants' ⊂ all), so one Pseudonymiser reads each
    fragment once, ring by ring, and its counts after each ring are the counts of that export."""
    conn = project.conn
    found = identifiers(project)
    by_text = {item.text: item for item in found}
    replacer = pseudonymiser(project)
    counted: dict[str, tuple[int, tuple[Replaced, ...]]] = {}
    items = 0
    for export, ring in RINGS:
        items += _apply(replacer, _fragment_texts(conn, ring))
        counted[export] = (items, _replaced(replacer.replaced, by_text))
    labels = pseudonymiser(project)
    counted["matrix"] = (_apply(labels, _participant_labels(conn)), _replaced(labels.replaced, by_text))
    exports = tuple(ExportExposure(export, name, _counted(covers, counted[export][0]) if counted[export][0]
                                   else "nothing yet", default, *counted[export])
                    for export, name, covers, default in EXPORTS)
    not_replaced = tuple(item for item in found if item.decision in ("keep", "never"))
    unreviewed = tuple(item for item in found if item.decision is None)
    return Exposure(exports, not_replaced, unreviewed, len(found))


def _apply(replacer: Pseudonymiser, texts: Iterable[str]) -> int:
    """Run the texts through the replacer (in chunks, one regex pass each); how many there were."""
    items = 0
    for chunk in _chunks(texts):
        items += len(chunk)
        replacer.apply("\n\n".join(chunk))
    return items


def _counted(covers: str, count: int) -> str:
    """'{coded fragment} they quote from' → '2 coded fragments they quote from' (the last word plural)."""
    start, end = covers.index("{"), covers.index("}")
    words = covers[start + 1:end]
    if count != 1:
        head, _, last = words.rpartition(" ")
        words = f"{head} {last}s".strip() if " and " not in words else words.replace(" and ", "s and ") + "s"
    return f"{covers[:start]}{count} {words}{covers[end + 1:]}"


def _fragment_texts(conn, where: str) -> Iterable[str]:  # type: ignore[no-untyped-def]
    for (text,) in conn.execute(f"SELECT text FROM fragments WHERE {where}"):
        yield text


def _participant_labels(conn) -> Iterable[str]:  # type: ignore[no-untyped-def]
    for participant, attributes in conn.execute("SELECT id, attributes FROM participants WHERE id IN "
                                                "(SELECT participant_id FROM transcripts) ORDER BY id"):
        yield participant
        for value in json.loads(attributes or "{}").values():
            if value not in (None, ""):
                yield str(value)


def _chunks(texts: Iterable[str], size: int = 2000) -> Iterable[list[str]]:
    chunk: list[str] = []
    for text in texts:
        chunk.append(text)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _replaced(counts: dict[str, int], by_text: dict[str, Identifier]) -> tuple[Replaced, ...]:
    found = []
    for text, count in counts.items():
        item = by_text.get(text)
        category = item.category if item else None
        label = (item.replacement if item else None) or (CATEGORIES.get(category, "") if category else "")
        found.append(Replaced(text, category, label, count, item.decision if item else None))
    return tuple(sorted(found, key=lambda r: (-r.count, r.text.casefold())))
