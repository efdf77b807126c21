"""Scanning fragments for identifiers, the stored findings grouped by text, and review decisions.

Findings are stored per fragment (`anonymise_findings`, with the detector version in
`anonymise_scans`), so an export reads them instead of running the detectors again; decisions are
stored per text (`anonymise_decisions`) and, for "always"/"never", also written to the project's
anonimiseren.yaml, where the researcher can read and edit them.
"""
from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qcode.anonymise import settings as settings_mod
from qcode.anonymise.detect import CATEGORIES, PATTERNS_VERSION, Finding, KnownNames, detect
from qcode.changelog import log_action, utc_now
from qcode.db import transaction
from qcode.errors import UsageError

if TYPE_CHECKING:
    from qcode.project import Project

Progress = Callable[[int, int], None]
DECISIONS = ("replace", "keep", "always", "never")
SOURCE_ORDER = ("bekend", "altijd", "patroon", "deduce")
BATCH = 500  # fragments detected between two progress calls


@dataclass(frozen=True)
class Identifier:
    """One identifier text as the review shows it: what it is, how often and where it was found,
    who found it, and the decision on it (None: not yet reviewed)."""

    text: str
    category: str
    count: int
    fragment_ids: tuple[int, ...]
    sources: tuple[str, ...]
    decision: str | None
    replacement: str | None


# -- the detectors ----------------------------------------------------------------------------------
def use_deduce() -> bool:
    """Whether deduce is part of the detectors (stage 2 of issue 15; absent until it is installed)."""
    try:
        from qcode.anonymise import deduce_detector
    except ImportError:
        return False
    return deduce_detector.available()


def detector_version() -> str:
    if use_deduce():
        from qcode.anonymise import deduce_detector

        return f"{PATTERNS_VERSION}+deduce-{deduce_detector.version()}"
    return PATTERNS_VERSION


# -- names qcode knows ------------------------------------------------------------------------------
_CODE_LIKE = re.compile(r"^[\W_]*[A-Za-z]{0,6}[\W_]*\d+[\W_]*[A-Za-z]?$|^[A-Z]{1,3}$")
_NAME_KEYS = ("naam", "name", "interviewer", "onderzoeker", "interviewster", "gespreksleider", "roepnaam",
              "voornaam", "achternaam", "contactpersoon", "leidinggevende")
_NOT_NAME_KEYS = ("organisatie", "organisation", "school", "werkgever", "employer", "type", "soort", "code",
                  "bestand", "file", "functie", "rol", "role", "team")
_PLACE_KEYS = {"woonplaats": "plaats", "plaats": "plaats", "stad": "plaats", "city": "plaats",
               "gemeente": "gemeente", "municipality": "gemeente", "wijk": "wijk", "buurt": "wijk",
               "werkgever": "organisatie", "employer": "organisatie", "organisatie": "organisatie",
               "organisation": "organisatie", "organization": "organisatie", "school": "school"}
_GENERIC_WORDS = frozenset({"spreker", "speaker", "onbekend", "unknown", "anoniem", "anonymous", "deelnemer",
                            "respondent", "interviewer", "onderzoeker", "man", "vrouw", "ja", "nee", "n.v.t.", "nvt"})


def known_names(conn: sqlite3.Connection) -> dict[str, str]:
    """Names qcode was told: speakers (transcript labels, VTT cues, the sheet's interviewers), participant
    ids that are names rather than codes, and name-like attributes (sheet columns, front matter);
    text → category."""
    from qcode.readers.labels import INTERVIEWER_LABELS, PARTICIPANT_LABELS

    labels = {label.lower() for label in INTERVIEWER_LABELS + PARTICIPANT_LABELS} | _GENERIC_WORDS
    names: dict[str, str] = {}

    def add_person(value: str) -> None:
        for name in _person_names(value, labels):
            names.setdefault(name, "persoon")

    for (speaker,) in conn.execute("SELECT DISTINCT speaker FROM turns"):
        add_person(speaker)
    for participant, attributes in conn.execute("SELECT id, attributes FROM participants"):
        add_person(participant)
        for key, value in _attributes(attributes).items():
            category = _attribute_category(key)
            if category == "persoon":
                for part in str(value).split(","):
                    add_person(part)
            elif category and _is_proper_name(str(value)):
                names.setdefault(_clean(str(value)), category)
    return names


def _attributes(text: str) -> dict:
    try:
        loaded = json.loads(text)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _attribute_category(key: str) -> str | None:
    key = " ".join(re.sub(r"[_\-]+", " ", key.lower()).split())
    if key in _PLACE_KEYS:
        return _PLACE_KEYS[key]
    if any(word in key for word in _NOT_NAME_KEYS):
        return None
    if any(word in key for word in _NAME_KEYS):
        return "persoon"
    return None


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _is_proper_name(value: str) -> bool:
    value = _clean(value)
    return (2 <= len(value) <= 80 and value[:1].isupper() and any(c.islower() for c in value)
            and not _CODE_LIKE.match(value))


_BRACKETED = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_JOINERS = frozenset({"van", "de", "der", "den", "het", "ter", "te", "'t", "ten", "op", "in", "la", "le", "da", "du", "el"})


def _person_names(value: str, labels: set[str]) -> list[str]:
    """The names in a speaker label or name cell: 'Sanne de Vries' → itself, 'Sanne' and 'de Vries';
    'Onderzoeker (Sanne)' → 'Sanne'; 'Spreker 1', 'P07' and 'Interviewer' → nothing."""
    value = _clean(value)
    parts = [inner for inner in _BRACKETED.findall(value)] + [_BRACKETED.sub(" ", value)]
    found = []
    for part in parts:
        words = [w.strip(".,:;-–") for w in part.split()]
        words = [w for w in words if w and w.lower() not in labels and not _CODE_LIKE.match(w)]
        if not words or not words[0][:1].isupper() or not all(w[:1].isupper() or w.lower() in _JOINERS for w in words):
            continue
        full = " ".join(words)
        if not _is_proper_name(full) or len(full) < 2:
            continue
        found.append(full)
        if len(words) > 1:
            found.append(words[0])
            rest = " ".join(words[1:])
            if _is_proper_name(rest.capitalize()) and len(rest) > 2:
                found.append(rest)
    return [name for name in found if len(name) >= 2]


# -- scanning ---------------------------------------------------------------------------------------
def scan(project: Project, *, fragment_ids: Iterable[int] | None = None, progress: Progress | None = None) -> int:
    """Run the detectors over fragments not yet scanned by this detector version (all of them, or
    those among `fragment_ids`) and store their findings in one transaction; returns how many."""
    conn = project.conn
    version = detector_version()
    todo = _unscanned(conn, version, fragment_ids)
    if not todo:
        return 0
    with_deduce = use_deduce()
    if with_deduce:
        from qcode.anonymise import deduce_detector

        deduce_detector.prepare(progress_message=_message_through(progress))
    known = KnownNames(known_names(conn))
    rows: list[tuple] = []
    total = len(todo)
    if progress:
        progress(0, total)
    for start in range(0, total, BATCH):
        batch = todo[start:start + BATCH]
        placeholders = ",".join("?" * len(batch))
        for fragment_id, text in conn.execute(f"SELECT id, text FROM fragments WHERE id IN ({placeholders})", batch):
            for finding in detect(text, known, use_deduce=with_deduce):
                rows.append((fragment_id, finding.start, finding.end, finding.text, finding.category, finding.source))
        if progress:
            progress(min(start + BATCH, total), total)
    now = utc_now()
    with transaction(project.db) as write:
        for start in range(0, total, 500):
            batch = todo[start:start + 500]
            placeholders = ",".join("?" * len(batch))
            write.execute(f"DELETE FROM anonymise_findings WHERE fragment_id IN ({placeholders})", batch)
        write.executemany('INSERT INTO anonymise_findings (fragment_id, start, "end", text, category, source) '
                          "VALUES (?, ?, ?, ?, ?, ?)", rows)
        write.executemany("INSERT OR REPLACE INTO anonymise_scans (fragment_id, detector, scanned_at) VALUES (?, ?, ?)",
                          [(fragment_id, version, now) for fragment_id in todo])
    return total


def _message_through(progress: Progress | None) -> Callable[[str], None] | None:
    message = getattr(progress, "message", None)
    return message if callable(message) else None


def _unscanned(conn: sqlite3.Connection, version: str, fragment_ids: Iterable[int] | None) -> list[int]:
    query = ("SELECT f.id FROM fragments f LEFT JOIN anonymise_scans s ON s.fragment_id = f.id "
             "WHERE (s.fragment_id IS NULL OR s.detector != ?)")
    if fragment_ids is None:
        return [row[0] for row in conn.execute(query + " ORDER BY f.id", (version,))]
    wanted = sorted(set(fragment_ids))
    found = []
    for start in range(0, len(wanted), 500):
        batch = wanted[start:start + 500]
        found += [row[0] for row in conn.execute(query + f" AND f.id IN ({','.join('?' * len(batch))})",
                                                 (version, *batch))]
    return sorted(found)


# -- what was found, grouped by text ---------------------------------------------------------------
def stored_decisions(conn: sqlite3.Connection) -> dict[str, tuple[str, str | None]]:
    return {text: (decision, replacement) for text, decision, replacement
            in conn.execute("SELECT text, decision, replacement FROM anonymise_decisions")}


def finding_groups(conn: sqlite3.Connection) -> dict[str, tuple[str, int, set[str]]]:
    """text → (category, occurrences, sources): the category given most often, a known name's or a
    pattern's before deduce's on a tie."""
    scores: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    sources: dict[str, set[str]] = defaultdict(set)
    counts: Counter = Counter()
    for text, category, source, count in conn.execute(
            "SELECT text, category, source, COUNT(*) FROM anonymise_findings GROUP BY text, category, source"):
        rank = -SOURCE_ORDER.index(source) if source in SOURCE_ORDER else -9
        found, best = scores[text].get(category, (0, -9))
        scores[text][category] = (found + count, max(best, rank))
        sources[text].add(source)
        counts[text] += count
    return {text: (max(scores[text].items(), key=lambda item: item[1])[0], counts[text], sources[text])
            for text in counts}


def identifiers(project: Project, *, unreviewed_only: bool = False) -> list[Identifier]:
    """Every identifier text found, in anonimiseren.yaml's `altijd` or known to qcode, with its
    decision; most frequent first. Known names and `altijd` texts count as decided "always",
    `nooit` texts as "never"."""
    conn = project.conn
    settings = settings_mod.load_settings(project.root)
    groups = finding_groups(conn)
    decisions = stored_decisions(conn)
    known = known_names(conn)
    fragments: dict[str, list[int]] = defaultdict(list)
    for text, fragment_id in conn.execute("SELECT DISTINCT text, fragment_id FROM anonymise_findings "
                                          "ORDER BY fragment_id"):
        fragments[text].append(fragment_id)
    texts = list(groups) + [t for t in settings.altijd if t not in groups]
    result = []
    for text in texts:
        category, count, sources = groups.get(text, (known.get(text, "persoon"), 0, set()))
        if text in settings.altijd:
            sources = sources | {"altijd"}
        decision, replacement = decisions.get(text, (None, None))
        if text in settings.nooit:
            decision, replacement = "never", None
        elif text in settings.altijd:
            decision, replacement = "always", settings.altijd[text] or replacement
        elif decision is None and (text in known or "bekend" in sources):
            decision = "always"
        if unreviewed_only and decision is not None:
            continue
        result.append(Identifier(text=text, category=category, count=count,
                                 fragment_ids=tuple(fragments.get(text, ())),
                                 sources=tuple(s for s in SOURCE_ORDER if s in sources), decision=decision,
                                 replacement=replacement))
    return sorted(result, key=lambda i: (-i.count, i.text.casefold(), i.text))


# -- decisions ----------------------------------------------------------------------------------------
def decide(project: Project, text: str, decision: str, *, by: str, replacement: str | None = None) -> None:
    """Store the researcher's decision on an identifier text and log it; "always" and "never" also go
    into anonimiseren.yaml (`altijd`/`nooit`), and any decision takes the text out of the list it
    was in. The database and the file change together or not at all."""
    from qcode import outputs

    text = _clean(text or "")
    if decision not in DECISIONS:
        raise UsageError(f"unknown decision {decision!r}", hint=f"use one of {', '.join(DECISIONS)}")
    if not text:
        raise UsageError("the identifier's text is empty", hint="give the text as the review shows it")
    if not (by or "").strip():
        raise UsageError("who decides is not given", hint="pass by= the researcher's name")
    if replacement is not None and decision in ("keep", "never"):
        raise UsageError(f"a replacement makes no sense with {decision!r}",
                         hint="give a replacement only with 'replace' or 'always'")
    replacement = _clean(replacement) if replacement else None
    path = settings_mod.settings_path(project.root)
    loaded, document = settings_mod.read_settings(path)  # a broken file is refused before anything is written
    in_file = text in loaded.altijd or text in loaded.nooit
    new_text = None
    if decision in ("always", "never") or in_file:
        label = None if decision != "always" else replacement or _file_label(project.conn, text)
        new_text = settings_mod.with_decision(document, text, decision, label, new_file=not path.exists())
    with transaction(project.db) as conn:
        conn.execute("INSERT OR REPLACE INTO anonymise_decisions (text, decision, replacement, decided_by, decided_at) "
                     "VALUES (?, ?, ?, ?, ?)", (text, decision, replacement, by.strip(), utc_now()))
        log_action(conn, by.strip(), "anonymise", text=text, decision=decision, replacement=replacement)
        if new_text is not None:
            outputs.write_text(path, new_text)


def _file_label(conn: sqlite3.Connection, text: str) -> str | None:
    """What `altijd` says when the researcher gave no replacement: the category's label, or nothing
    for a person (numbered per export)."""
    group = finding_groups_for(conn, text)
    category = group or "persoon"
    return None if category == "persoon" else CATEGORIES[category]


def finding_groups_for(conn: sqlite3.Connection, text: str) -> str | None:
    row = conn.execute("SELECT category FROM anonymise_findings WHERE text = ? GROUP BY category "
                       "ORDER BY COUNT(*) DESC LIMIT 1", (text,)).fetchone()
    return row[0] if row else None


__all__ = ["Identifier", "Finding", "scan", "identifiers", "decide", "known_names", "detector_version"]
