"""Read-side queries: fragments, one transcript, full-text search, status."""
from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable

from qcode.codebook_db import branch
from qcode.errors import UsageError
from qcode.records import (
    CoderShare, FragmentRecord, OrphanRecord, QuestionCount, SearchHit, TranscriptView, TurnView, UnsettledRecord,
)

from qcode.display import HIT_END, HIT_START  # noqa: E402  (the marks search puts around a hit)
FRAGMENT_SELECT = """
SELECT f.id, tr.name, tr.participant_id, t.role, t.speaker, t.number, f.idx, t.timestamp,
       f.start, f."end", f.text, t.question
FROM fragments f JOIN turns t ON t.id = f.turn_id JOIN transcripts tr ON tr.id = f.transcript_id
"""
_FRAGMENT_FIELDS = ("id", "transcript", "participant", "role", "speaker", "turn", "index", "timestamp",
                    "start", "end", "text", "question")
ROLES = ("interviewer", "participant")


def fragment_record(row: tuple) -> FragmentRecord:
    return FragmentRecord(**dict(zip(_FRAGMENT_FIELDS, row)))


def resolve_transcript(conn: sqlite3.Connection, name: str) -> str:
    """A transcript's stored name from its file name, its name without extension, or its participant."""
    names = [row[0] for row in conn.execute("SELECT name FROM transcripts ORDER BY name")]
    if name in names:
        return name
    wanted = unicodedata.normalize("NFC", name)  # a name typed on macOS may come decomposed
    matches = [n for n in names if unicodedata.normalize("NFC", n) == wanted]
    if not matches:
        matches = [n for n in names if unicodedata.normalize("NFC", n.rsplit(".", 1)[0]) == wanted]
    if not matches:
        matches = [row[0] for row in conn.execute(
            "SELECT name FROM transcripts WHERE participant_id IN (?, ?) ORDER BY name", (name, wanted))]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UsageError(f"{name!r} could mean {', '.join(matches)}", hint="give the full file name")
    raise UsageError(f"no transcript {name!r} in this project",
                     hint="'qcode status' counts them; 'qcode fragments' lists what is there")


def resolve_question(conn: sqlite3.Connection, question: str) -> str:
    """A survey question's id from its id or its column name (any case)."""
    rows = conn.execute("SELECT id, column_name FROM questions ORDER BY position, id").fetchall()
    for exact in (True, False):
        for qid, column in rows:
            if (question in (qid, column)) if exact else question.casefold() in (qid.casefold(), column.casefold()):
                return qid
    known = ", ".join(qid for qid, _ in rows[:20])
    raise UsageError(f"no question {question!r} in this project",
                     hint=f"the questions are: {known}" if rows else "import survey answers with --text-column first")


def fragment_filters(conn: sqlite3.Connection, transcript: str | None, participant: str | None,
             role: str | None, code: str | None, question: str | None = None) -> tuple[list[str], list]:
    where, params = [], []
    if question:
        where.append("t.question = ?")
        params.append(resolve_question(conn, question))
    if transcript:
        where.append("tr.name = ?")
        params.append(resolve_transcript(conn, transcript))
    if participant:
        participant = unicodedata.normalize("NFC", participant)
        if conn.execute("SELECT 1 FROM participants WHERE id = ?", (participant,)).fetchone() is None:
            raise UsageError(f"no participant {participant!r} in this project")
        where.append("tr.participant_id = ?")
        params.append(participant)
    if role:
        if role not in ROLES:
            raise UsageError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        where.append("t.role = ?")
        params.append(role)
    if code:
        codes = branch(conn, code)
        where.append(f"f.id IN (SELECT fragment_id FROM codings WHERE code_id IN ({', '.join('?' for _ in codes)}))")
        params.extend(codes)
    return where, params


def fragments(conn: sqlite3.Connection, transcript: str | None = None, participant: str | None = None,
              role: str | None = None, code: str | None = None, question: str | None = None) -> list[FragmentRecord]:
    where, params = fragment_filters(conn, transcript, participant, role, code, question)
    sql = FRAGMENT_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY tr.name, f.idx"
    return [fragment_record(row) for row in conn.execute(sql, params)]


def preceding_question(conn: sqlite3.Connection, transcript_id: int, turn: int) -> str | None:
    """The interviewer's last turn before turn number `turn`: the question a fragment answers."""
    return conn.execute(
        "SELECT group_concat(f.text, ' ') FROM fragments f WHERE f.turn_id = (SELECT t.id FROM turns t "
        "WHERE t.transcript_id = ? AND t.role = 'interviewer' AND t.number < ? ORDER BY t.number DESC "
        "LIMIT 1)", (transcript_id, turn)).fetchone()[0]


def transcript_view(conn: sqlite3.Connection, name: str) -> TranscriptView:
    name = resolve_transcript(conn, name)
    transcript_id, participant, fmt, words, attributes = conn.execute(
        "SELECT tr.id, tr.participant_id, tr.format, tr.words, p.attributes FROM transcripts tr "
        "JOIN participants p ON p.id = tr.participant_id WHERE tr.name = ?", (name,)).fetchone()
    by_turn: dict[int, list[FragmentRecord]] = {}
    for record in fragments(conn, transcript=name):
        by_turn.setdefault(record.turn, []).append(record)
    turns = [TurnView(number=n, speaker=s, role=r, timestamp=ts, fragments=by_turn.get(n, []))
             for n, s, r, ts in conn.execute(
                 "SELECT number, speaker, role, timestamp FROM turns WHERE transcript_id = ? ORDER BY number",
                 (transcript_id,))]
    return TranscriptView(name=name, participant=participant, attributes=json.loads(attributes), format=fmt,
                          words=words, turns=turns)


_OPERATORS = re.compile(r'["*()^:]|\b(AND|OR|NOT|NEAR)\b')


def fts_query(conn: sqlite3.Connection, query: str, lemmatise: Callable[[str], Iterable[str]]) -> str:
    """Plain words: each must occur in any form sharing one of its lemmas. FTS5 syntax passes through."""
    if _OPERATORS.search(query):
        return query
    words = [w for w in (_word(part) for part in query.split()) if w]
    if not words:
        raise UsageError("the search query is empty", hint='for example: qcode search "registratiedruk"')
    parts = []
    for word in words:
        quoted = sorted('"' + v.replace('"', "") + '"' for v in expand_word(conn, word, lemmatise))
        parts.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    return " AND ".join(parts)


def expand_word(conn: sqlite3.Connection, word: str, lemmatise: Callable[[str], Iterable[str]]) -> set[str]:
    """The word and every form in the project sharing one of its lemmas.

    A word seen at import has its lemmas in `word_forms` (the same lemmatizer made them); any other
    word is lemmatised now, so a form the project lacks still finds the forms it has.
    """
    word = _word(word)
    lemmas = {row[0] for row in conn.execute("SELECT lemma FROM word_forms WHERE form = ?", (word,))}
    if not lemmas:
        lemmas = set(lemmatise(word))
    lemmas.add(word)
    marks = ", ".join("?" for _ in lemmas)
    forms = {row[0] for row in conn.execute(f"SELECT form FROM word_forms WHERE lemma IN ({marks})", sorted(lemmas))}
    return {word} | lemmas | forms


def _word(text: str) -> str:
    """A query word as word_forms holds it: NFC, lower case, without the punctuation around it."""
    return unicodedata.normalize("NFC", text).strip(_PUNCTUATION).lower()


_PUNCTUATION = ".,;!?…'‘’`()[]{}<>«»„“”-–—/\\"


def search(conn: sqlite3.Connection, query: str, lemmatise: Callable[[str], list[str]],
           transcript: str | None = None, participant: str | None = None, role: str | None = None,
           code: str | None = None, limit: int = 50, question: str | None = None) -> list[SearchHit]:
    if limit < 1:
        raise UsageError(f"the limit must be 1 or more, not {limit}", hint="e.g. --limit 50")
    limit = min(limit, 2**63 - 1)  # SQLite's largest integer
    where, params = fragment_filters(conn, transcript, participant, role, code, question)
    sql = (FRAGMENT_SELECT.replace("SELECT f.id", f"SELECT highlight(fragments_fts, 0, '{HIT_START}', "
                                    f"'{HIT_END}'), bm25(fragments_fts), f.id")
           + " JOIN fragments_fts ON fragments_fts.rowid = f.id WHERE fragments_fts MATCH ?"
           + "".join(f" AND {w}" for w in where) + " ORDER BY bm25(fragments_fts) LIMIT ?")
    try:
        rows = conn.execute(sql, [fts_query(conn, query, lemmatise), *params, limit]).fetchall()
    except sqlite3.OperationalError as error:
        raise UsageError(f"cannot search for {query!r}: {error}",
                         hint='plain words search as written; quote a phrase: "doorgroei mogelijk"') from None
    return [SearchHit(fragment=fragment_record(row[2:]), highlighted=row[0], rank=row[1]) for row in rows]


def coder_shares(conn: sqlite3.Connection) -> list[CoderShare]:
    total = conn.execute("SELECT COUNT(*) FROM fragments f JOIN turns t ON t.id = f.turn_id "
                         "WHERE t.role = 'participant'").fetchone()[0]
    return [CoderShare(coder=coder, coded_fragments=n, share=n / total if total else 0.0)
            for coder, n in conn.execute(
                "SELECT coder, COUNT(DISTINCT fragment_id) FROM codings GROUP BY coder ORDER BY coder")]


def unsettled(conn: sqlite3.Connection) -> list[UnsettledRecord]:
    """Transcripts whose interviewer nobody has named yet (see migration 0009), with their speakers."""
    rows = conn.execute(
        "SELECT t.name, (SELECT json_group_array(speaker) FROM (SELECT speaker, MIN(number) AS first FROM turns "
        "WHERE transcript_id = t.id GROUP BY speaker ORDER BY first)) FROM transcripts t "
        "WHERE t.interviewer_settled IS NULL ORDER BY t.name").fetchall()
    return [UnsettledRecord(transcript=name, speakers=json.loads(speakers)) for name, speakers in rows]


def orphans(conn: sqlite3.Connection) -> list[OrphanRecord]:
    return [OrphanRecord(transcript=t, code=c, coder=k, text=x, orphaned_at=a) for t, c, k, x, a in conn.execute(
        "SELECT transcript, code_id, coder, fragment_text, orphaned_at FROM orphaned_codings ORDER BY id")]


def question_counts(conn: sqlite3.Connection) -> list[QuestionCount]:
    """Each survey question with the respondents who answered it and its answer fragments."""
    return [QuestionCount(id=row[0], text=row[1], sheet=row[2], answered=row[3], fragments=row[4]) for row in conn.execute(
        "SELECT q.id, q.text, q.sheet, COUNT(DISTINCT tr.participant_id), COUNT(f.id) FROM questions q "
        "LEFT JOIN turns t ON t.question = q.id AND t.role = 'participant' "
        "LEFT JOIN fragments f ON f.turn_id = t.id LEFT JOIN transcripts tr ON tr.id = t.transcript_id "
        "GROUP BY q.id ORDER BY q.sheet, q.position, q.id")]
