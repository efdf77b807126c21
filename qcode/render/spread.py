"""How participants are spread over an attribute ([[verdeling ATTRIBUUT]]), as one sentence.

Values are grouped as written; a value ending in a part in brackets ("docent hbo (onderwijs)")
counts under that part, so a sheet can keep the detail and still group by sector. Known
attributes (where they went, their former role, the organisation, the interview mode) get a
sentence of their own; any other attribute a plain one naming it.
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter

from qcode.render import dutch, english

_GROUP = re.compile(r"\(([^()]+)\)\s*$")
# attribute → (opening for a spread, how one group reads), Dutch
FRAMES_NL = {
    "destination": ("Na hun vertrek kwamen de deelnemers terecht in", "kwamen na hun vertrek terecht in"),
    "bestemming": ("Na hun vertrek kwamen de deelnemers terecht in", "kwamen na hun vertrek terecht in"),
    "sector": ("Na hun vertrek kwamen de deelnemers terecht in", "kwamen na hun vertrek terecht in"),
    "former_role": ("Voor hun vertrek werkten de deelnemers als", "werkten voor hun vertrek als"),
    "functie": ("Voor hun vertrek werkten de deelnemers als", "werkten voor hun vertrek als"),
    "organisation_type": ("De deelnemers werkten bij", "werkten bij"),
    "year_left": ("De deelnemers vertrokken in", "vertrokken in"),
}


def groups(conn: sqlite3.Connection, attribute: str) -> Counter | None:
    """Participants (with a transcript) per group of the attribute; None when nobody has it."""
    found: Counter = Counter()
    known = False
    for (values,) in conn.execute("SELECT attributes FROM participants WHERE id IN "
                                  "(SELECT participant_id FROM transcripts)"):
        value = json.loads(values or "{}").get(attribute)
        if value in (None, ""):
            continue
        known = True
        text = str(value).strip()
        bracket = _GROUP.search(text)
        found[(bracket.group(1) if bracket else text).strip()] += 1
    return found if known else None


def spread_sentence(conn: sqlite3.Connection, attribute: str, lang: str = "nl") -> str | None:
    """'Opvallend veel deelnemers (vijf) kwamen na hun vertrek terecht in onderwijs; verder …'; None when no
    participant has the attribute."""
    found = groups(conn, attribute)
    if found is None:
        return None
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0].lower()))
    return _dutch(attribute, ranked) if lang == "nl" else _english(attribute, ranked)


def _dutch(attribute: str, ranked: list[tuple[str, int]]) -> str:
    opening, verb = FRAMES_NL.get(attribute.lower(), (f"Naar {attribute.replace('_', ' ')} waren de deelnemers "
                                                      "zo verdeeld:", None))
    total = sum(n for _, n in ranked)
    if len(ranked) == 1 and verb:
        everyone = {1: "De enige deelnemer", 2: "Beide deelnemers"}.get(total, f"Alle {dutch.number(total)} deelnemers")
        return f"{everyone} {verb} {ranked[0][0]}."
    first, count = ranked[0]
    if all(n == count for _, n in ranked):
        names = [name for name, _ in ranked]
        listing = ", ".join(names[:-1]) + " en " + names[-1]
        return f"{opening} {listing} (elk {dutch.number(count)})."
    stands_out = count >= 3 and count > ranked[1][1] and count * 4 >= total
    if stands_out and verb:
        rest = _listing(ranked[1:])
        return f"Opvallend veel deelnemers ({dutch.number(count)}) {verb} {first}; verder {rest}."
    return f"{opening} {_listing(ranked)}."


def _listing(ranked: list[tuple[str, int]]) -> str:
    """'onderwijs (drie), gemeente (twee) en een andere sector (één)'."""
    items = [f"{name} ({dutch.number(n)})" for name, n in ranked]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _english(attribute: str, ranked: list[tuple[str, int]]) -> str:
    items = [f"{name} ({english.number(n)})" for name, n in ranked]
    listing = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return f"By {attribute.replace('_', ' ')}, the participants were spread as follows: {listing}."
