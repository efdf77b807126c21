"""Which quotes the report prints, in what order and in what words: the one place that decides.

By default, per code (its sub-codes included): each participant's best quote first — starred, then
a main reason, then whole sentences, then the shortest — one quote per participant before a second
from anyone, a fragment never twice, at most `limit` quotes. The researcher's decisions from the
quote sheet (`quote_decisions`, written by `import_decisions`) override that: a quote marked `nee`
is left out, one marked `ja` or given a place (`volgorde`) is always in, in that place; the free
places up to `limit` are filled by the default. An edited quote is printed as edited; the
fragment's own text is never changed.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from qcode.changelog import log_action, utc_now
from qcode.errors import UsageError
from qcode.quote_edits import EditProblem, verify_edit, word_count  # noqa: F401  (part of this module's API)

DEFAULT_LIMIT = 4
LONG_QUOTE = 120  # words; a longer printed quote gets a warning


@dataclass
class ChosenQuote:
    coding_id: int
    fragment_id: int
    code: str
    participant: str
    attributes: dict[str, Any]
    text: str  # as printed: the researcher's verified edit, else the span or fragment
    original: str  # the span or fragment, as coded
    star: bool
    main: bool
    words: int  # of the printed text
    included: bool = True
    order: int | None = None  # 1-based place among the quotes chosen for the code asked for
    coder: str = ""
    transcript: str = ""
    index: int = 0  # the fragment's place in its transcript
    whole_sentences: bool = True  # the original is whole sentences (no span, or one on sentence bounds)
    decided_include: bool | None = None  # the researcher's `opnemen`, None when not decided
    decided_order: int | None = None  # the researcher's `volgorde`
    edited: bool = False  # the printed text is the researcher's edit

    @property
    def rank(self) -> tuple:
        """The default preference: starred, main reason, whole sentences, short; then transcript order."""
        return (not self.star, not self.main, not self.whole_sentences, self.words, self.transcript,
                self.index, self.coding_id)


@dataclass(frozen=True)
class QuoteWarning:
    """Something the researcher should look at; never quotes the participant."""

    coding_id: int
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Decision:
    coding_id: int
    fragment_id: int
    code: str
    coder: str
    include: bool | None
    order: int | None
    text: str | None
    edited_by: str
    edited_at: str


# -- reading quotes and decisions ---------------------------------------------------------------
_BRANCH = """
WITH RECURSIVE branch(id) AS (
    SELECT id FROM codes WHERE id = ?
    UNION ALL
    SELECT c.id FROM codes c JOIN branch b ON c.parent_id = b.id
)
"""
_SELECT = """
SELECT c.id, c.fragment_id, c.code_id, c.coder, tr.participant_id, p.attributes, tr.name, f.idx, f.text,
       f.sentences, c.span_start, c.span_end, c.main, c.star
FROM codings c
JOIN fragments f ON f.id = c.fragment_id
JOIN turns t ON t.id = f.turn_id
JOIN transcripts tr ON tr.id = f.transcript_id
LEFT JOIN participants p ON p.id = tr.participant_id
"""
# The same, for one survey question's answers: from its turns (indexed by question), not from all codings.
_SELECT_ANSWERS = """
SELECT c.id, c.fragment_id, c.code_id, c.coder, tr.participant_id, p.attributes, tr.name, f.idx, f.text,
       f.sentences, c.span_start, c.span_end, c.main, c.star
FROM turns t
CROSS JOIN fragments f ON f.turn_id = t.id
CROSS JOIN codings c ON c.fragment_id = f.id
JOIN transcripts tr ON tr.id = f.transcript_id
LEFT JOIN participants p ON p.id = tr.participant_id
WHERE t.question = ? AND t.role = 'participant' AND c.coder = ?
"""
_PARTICIPANTS = " AND t.role = 'participant'"  # only a participant's words are quoted by code


def choose(conn: sqlite3.Connection, coder: str, code_id: str, *, limit: int | None = DEFAULT_LIMIT,
           skip_fragments: Collection[int] = frozenset(), sub_codes: bool = True) -> list[ChosenQuote]:
    """The quotes to print for a code (sub-codes included unless `sub_codes` is False), in order;
    `limit` None: no limit. See the module's text."""
    return [quote for quote in candidates(conn, coder, code_id, limit=limit, skip_fragments=skip_fragments,
                                          sub_codes=sub_codes) if quote.included]


def candidates(conn: sqlite3.Connection, coder: str, code_id: str, *, limit: int | None = DEFAULT_LIMIT,
               skip_fragments: Collection[int] = frozenset(), sub_codes: bool = True) -> list[ChosenQuote]:
    """Every quote of the code's branch: the chosen ones first in their order (`included`, `order`),
    then the rest in default order."""
    if conn.execute("SELECT 1 FROM codes WHERE id = ?", (code_id,)).fetchone() is None:
        raise UsageError(f"unknown code {code_id!r}", hint="see 'qcode codebook show --ids'")
    if sub_codes:
        rows = conn.execute(_BRANCH + _SELECT + "JOIN branch b ON b.id = c.code_id WHERE c.coder = ?" + _PARTICIPANTS,
                            (code_id, coder)).fetchall()
    else:
        rows = conn.execute(_SELECT + "WHERE c.code_id = ? AND c.coder = ?" + _PARTICIPANTS, (code_id, coder)).fetchall()
    pieces = _pieces(conn, [row[0] for row in rows])
    quotes = [_quote(row, pieces.get(row[0])) for row in rows]
    _apply_decisions(conn, quotes, coder)
    return _arrange(quotes, limit, set(skip_fragments))


class QuotePool:
    """Every quotable coding of one coder among one survey question's answers, read in one query, for the
    many `[[citaten CODE]]` of the question's section: each asks `candidates` of its code's branch, with
    the same result as `quote_choice.candidates` restricted to the question's answers."""

    def __init__(self, conn: sqlite3.Connection, coder: str, question: str) -> None:
        self.conn, self.coder = conn, coder
        self.rows: dict[str, list[tuple]] = {}  # code → its codings' rows, made into quotes when asked for
        for row in conn.execute(_SELECT_ANSWERS, (question, coder)):
            self.rows.setdefault(row[2], []).append(row)
        self.quotes: dict[str, list[ChosenQuote]] = {}
        self.attributes: dict[str | None, dict[str, Any]] = {}
        self.words: dict[str, int] = {}
        self.children: dict[str | None, list[str]] = {}
        for code, parent in conn.execute("SELECT id, parent_id FROM codes"):
            self.children.setdefault(parent, []).append(code)
        self.known = {code for codes in self.children.values() for code in codes}

    def _quotes(self, code: str) -> list[ChosenQuote]:
        if code not in self.quotes:
            rows = self.rows.get(code, [])
            pieces = _pieces(self.conn, [row[0] for row in rows])
            made = [_quote(row, pieces.get(row[0]), self.attributes, self.words) for row in rows]
            _apply_decisions(self.conn, made, self.coder)
            self.quotes[code] = made
        return self.quotes[code]

    def candidates(self, code_id: str, *, limit: int | None = DEFAULT_LIMIT,
                   skip_fragments: Collection[int] = frozenset(), sub_codes: bool = True) -> list[ChosenQuote]:
        if code_id not in self.known:
            raise UsageError(f"unknown code {code_id!r}", hint="see 'qcode codebook show --ids'")
        branch, queue = {code_id}, [code_id]
        while sub_codes and queue:
            for child in self.children.get(queue.pop(), []):
                if child not in branch:
                    branch.add(child)
                    queue.append(child)
        # _arrange marks every quote it is given (included, order), so each call's answer is its own
        return _arrange([quote for code in branch for quote in self._quotes(code)], limit, set(skip_fragments))

    def choose(self, code_id: str, *, limit: int | None = DEFAULT_LIMIT, skip_fragments: Collection[int] = frozenset(),
               sub_codes: bool = True) -> list[ChosenQuote]:
        return [q for q in self.candidates(code_id, limit=limit, skip_fragments=skip_fragments, sub_codes=sub_codes)
                if q.included]


def by_coding(conn: sqlite3.Connection, coding_id: int) -> ChosenQuote | None:
    """One quote by its coding id, as it would be printed (whatever the sheet says about including it, and
    also of an interviewer's words: the researcher asked for it by name); None when there is no such coding."""
    row = conn.execute(_SELECT + "WHERE c.id = ?", (coding_id,)).fetchone()
    if row is None:
        return None
    quote = _quote(row, _pieces(conn, [coding_id]).get(coding_id))
    _apply_decisions(conn, [quote], quote.coder)
    quote.included = quote.decided_include is not False
    return quote


def _pieces(conn: sqlite3.Connection, coding_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """The separate stretches of codings that cover more than one (`coding_spans`, from another QDA tool)."""
    found: dict[int, list[tuple[int, int]]] = {}
    for start in range(0, len(coding_ids), 500):
        chunk = coding_ids[start:start + 500]
        for coding, begin, end in conn.execute(
                f'SELECT coding_id, start, "end" FROM coding_spans WHERE coding_id IN ({", ".join("?" * len(chunk))}) '
                "ORDER BY coding_id, start", chunk):
            found.setdefault(coding, []).append((begin, end))
    return found


def _quote(row: tuple, pieces: list[tuple[int, int]] | None = None,
           attributes_read: dict[str | None, dict[str, Any]] | None = None,
           words_counted: dict[str, int] | None = None) -> ChosenQuote:
    (coding_id, fragment_id, code, coder, participant, attributes, transcript, index, text, sentences,
     span_start, span_end, main, star) = row
    original = (text if span_start is None else text[span_start:span_end]).strip()
    if pieces and len(pieces) > 1:  # several selections in one fragment: printed with a cut between them
        original = " […] ".join(text[begin:end].strip() for begin, end in pieces)
    if attributes_read is None:
        read = json.loads(attributes or "{}")
    elif (read := attributes_read.get(attributes)) is None:  # a participant's attributes, read once
        read = attributes_read[attributes] = json.loads(attributes or "{}")
    if words_counted is None:
        words = word_count(original)
    elif (words := words_counted.get(original)) is None:  # a fragment coded with several codes: counted once
        words = words_counted[original] = word_count(original)
    return ChosenQuote(coding_id, fragment_id, code, participant, read, original,
                       original, bool(star), bool(main), words, coder=coder,
                       transcript=transcript, index=index,
                       whole_sentences=_whole_sentences(text, sentences, span_start, span_end))


def _whole_sentences(text: str, sentences: str, start: int | None, end: int | None) -> bool:
    if start is None or end is None:
        return True
    bounds = json.loads(sentences or "[]") or [[0, len(text)]]
    starts = {len(text[:s]) + len(text[s:]) - len(text[s:].lstrip()) for s, _ in bounds}
    ends = {len(text[:e].rstrip()) for _, e in bounds}
    first = start + len(text[start:end]) - len(text[start:end].lstrip())
    last = len(text[:end].rstrip())
    return first in starts and last in ends


def decisions(conn: sqlite3.Connection, coder: str | None = None) -> list[Decision]:
    sql = ("SELECT coding_id, fragment_id, code_id, coder, include, position, text, edited_by, edited_at "
           "FROM quote_decisions" + (" WHERE coder = ?" if coder is not None else "") + " ORDER BY coding_id")
    return [Decision(r[0], r[1], r[2], r[3], None if r[4] is None else bool(r[4]), r[5], r[6], r[7], r[8])
            for r in conn.execute(sql, () if coder is None else (coder,))]


def _apply_decisions(conn: sqlite3.Connection, quotes: list[ChosenQuote], coder: str) -> None:
    """A decision belongs to its coding id while that coding is of the same fragment and coder; a coding
    re-made with a new id (an undo) finds its decision by fragment, code and coder."""
    if not quotes:
        return
    found = decisions(conn, coder)
    by_id = {d.coding_id: d for d in found}
    by_key = {(d.fragment_id, d.code, d.coder): d for d in found}
    for quote in quotes:
        decision = by_id.get(quote.coding_id)
        if decision is None or decision.fragment_id != quote.fragment_id:
            decision = by_key.get((quote.fragment_id, quote.code, quote.coder))
        if decision is None:
            continue
        quote.decided_include, quote.decided_order = decision.include, decision.order
        if decision.text is not None:
            quote.text, quote.edited = decision.text, True
            quote.words = word_count(decision.text)


def _arrange(quotes: list[ChosenQuote], limit: int | None, skip: set[int]) -> list[ChosenQuote]:
    """Set `included` and `order`: the researcher's places first, then the default fills up to `limit`."""
    out = [q for q in quotes if q.fragment_id in skip or q.decided_include is False]
    left_out = {id(q) for q in out}
    default = _default_order([q for q in quotes if id(q) not in left_out]) + _default_order(out)
    place = {id(quote): number for number, quote in enumerate(default, start=1)}
    decided = [q for q in default if q.decided_include is True or
               (q.decided_order is not None and q.decided_include is not False)]
    free = [q for q in default if q.decided_include is None and q.decided_order is None]
    room = len(free) if limit is None else max(0, limit - len(decided))
    filled: list[ChosenQuote] = []
    used = set(skip) | {q.fragment_id for q in decided}
    for quote in free:
        if len(filled) >= room:
            break
        if quote.fragment_id not in used:
            used.add(quote.fragment_id)
            filled.append(quote)
    # a default quote's place is its position among the defaults, so a researcher's `volgorde` of 1
    # puts a quote before the first default one and 10 after the fourth
    by_default = {id(q): n for n, q in enumerate(filled, start=1)}
    chosen = sorted(decided + filled, key=lambda q: (
        q.decided_order if q.decided_order is not None else by_default.get(id(q), place[id(q)]),
        q.decided_order is None, place[id(q)]))
    printed: list[ChosenQuote] = []
    seen = set(skip)
    for quote in chosen:  # a fragment once, even when the researcher chose it under two codes
        if quote.fragment_id not in seen:
            seen.add(quote.fragment_id)
            printed.append(quote)
    for quote in quotes:
        quote.included, quote.order = False, None
    for number, quote in enumerate(printed, start=1):
        quote.included, quote.order = True, number
    rest = [q for q in default if not q.included]
    return printed + rest


def _default_order(quotes: Iterable[ChosenQuote]) -> list[ChosenQuote]:
    """Each participant's best quote, then each one's second best, …; each round best first. A fragment
    coded with two codes of the branch stands once, by its best coding; the other comes last."""
    primary, repeats, fragments = [], [], set()
    for quote in sorted(quotes, key=lambda q: q.rank):
        (repeats if quote.fragment_id in fragments else primary).append(quote)
        fragments.add(quote.fragment_id)
    rounds: list[list[ChosenQuote]] = []
    taken: dict[str, int] = {}
    for quote in primary:  # in rank order, so every round is too
        number = taken.get(quote.participant, 0)
        taken[quote.participant] = number + 1
        if number == len(rounds):
            rounds.append([])
        rounds[number].append(quote)
    return [quote for round_ in rounds for quote in round_] + repeats


# -- the quote sheet's columns ------------------------------------------------------------------
@dataclass(frozen=True)
class SheetColumns:
    """What the quote sheet shows of one coding: `opnemen` (ja/nee), `volgorde` and `citaat`."""

    coding: int
    opnemen: str
    volgorde: int | None
    citaat: str

    @property
    def export_check(self) -> str:
        return sheet_check(self.opnemen == "ja", self.volgorde, self.citaat)


def sheet_check(include: Any, order: Any, text: Any) -> str:
    """A short digest of a row's opnemen, volgorde and citaat, so an import can tell a row the researcher
    changed from one left as qcode wrote it (whitespace in the text aside)."""
    import hashlib

    words = " ".join(str(text or "").split())
    return hashlib.sha1(f"{include}|{order}|{words}".encode()).hexdigest()[:10]


def sheet_columns(conn: sqlite3.Connection, coder: str, quotes: Iterable[Any]) -> list[SheetColumns]:
    """For each quote of the sheet (anything with transcript, index, code and coder, as `aggregate.Quote`),
    its coding and how the report would print it: chosen or not and its place among its code's quotes
    (the researcher's decisions, else qcode's default of four), in the printed words."""
    ids = {(name, index, code): coding for coding, name, index, code in conn.execute(
        "SELECT c.id, tr.name, f.idx, c.code_id FROM codings c JOIN fragments f ON f.id = c.fragment_id "
        "JOIN transcripts tr ON tr.id = f.transcript_id WHERE c.coder = ?", (coder,))}
    by_code: dict[str, dict[int, ChosenQuote]] = {}
    columns = []
    for quote in quotes:
        if quote.code not in by_code:
            by_code[quote.code] = {q.coding_id: q for q in candidates(conn, coder, quote.code)}
        chosen = by_code[quote.code][ids[(quote.transcript, quote.index, quote.code)]]
        columns.append(SheetColumns(chosen.coding_id, "ja" if chosen.included else "nee", chosen.order,
                                    chosen.text))
    return columns


# -- writing decisions --------------------------------------------------------------------------
def decide(conn: sqlite3.Connection, coding_id: int, *, include: bool | None, order: int | None,
           text: str | None, by: str) -> bool:
    """Store the researcher's decision on one quote (inside the caller's transaction); False when it was
    so already. `text` is checked against the fragment (`verify_edit`); the coded words themselves, or
    an empty text, store no edit. An order without inclusion is kept only for an included quote."""
    row = conn.execute("SELECT c.fragment_id, c.code_id, c.coder, f.text, c.span_start, c.span_end FROM codings c "
                       "JOIN fragments f ON f.id = c.fragment_id WHERE c.id = ?", (coding_id,)).fetchone()
    if row is None:
        raise UsageError(f"there is no coding {coding_id}", hint="export the quote sheet again")
    fragment_id, code, coder, fragment_text, _, _ = row
    text = edit_to_store(text, fragment_text, _printed_original(conn, coding_id), fragment_id)
    if include is False:
        order = None
    if order is not None and order < 1:
        raise UsageError(f"an order must be 1 or more, not {order}")
    before = conn.execute("SELECT include, position, text FROM quote_decisions WHERE coding_id = ? AND "
                          "fragment_id = ? AND coder = ?", (coding_id, fragment_id, coder)).fetchone()
    after = (None if include is None else int(include), order, text)
    if tuple(before or (None, None, None)) == after:
        return False
    if after == (None, None, None):
        conn.execute("DELETE FROM quote_decisions WHERE coding_id = ?", (coding_id,))
    else:
        conn.execute("INSERT OR REPLACE INTO quote_decisions (coding_id, fragment_id, code_id, coder, include, "
                     "position, text, edited_by, edited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (coding_id, fragment_id, code, coder, *after, by, utc_now()))
    old = before or (None, None, None)
    changes: dict[str, Any] = {"coding": coding_id, "of": coder}
    for name, was, now in (("include", old[0], after[0]), ("order", old[1], after[1])):
        if was != now:
            changes[name] = [None if was is None else was, now]
    if old[2] != after[2]:  # the words stay in the table; the log says only what happened to them
        changes["text"] = "restored" if after[2] is None else ("edited" if old[2] is None else "re-edited")
    log_action(conn, by, "quote decision", fragment_id=fragment_id, code_id=code, **changes)
    return True


def _printed_original(conn: sqlite3.Connection, coding_id: int) -> str:
    quote = by_coding(conn, coding_id)
    return quote.original if quote is not None else ""


def edit_to_store(text: str | None, fragment_text: str, coded: str, fragment_id: int) -> str | None:
    """The edit as stored: None for no edit (empty, or the coded words themselves, whitespace aside);
    a refused edit raises UsageError naming the fragment and the first difference. The edit is checked
    against the whole fragment, so it may reach beyond the coded span."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if " ".join(text.split()) == " ".join(coded.split()):
        return None
    problem = verify_edit(fragment_text, text)
    if problem is not None:
        raise UsageError(f"the edited quote of fragment {fragment_id} is refused: {problem}",
                         hint="only add words in [square brackets] and mark cuts with … or […]")
    return text


# -- warnings -----------------------------------------------------------------------------------
def long_quotes(quotes: Iterable[Any], longest: int = LONG_QUOTE) -> list[QuoteWarning]:
    """Printed quotes over `longest` words; any quote with coding_id, participant, code and text will do."""
    found = []
    for quote in quotes:
        words = getattr(quote, "words", None) or word_count(quote.text)
        if words > longest:
            found.append(QuoteWarning(quote.coding_id, f"quote {quote.coding_id} ({quote.participant}, {quote.code}) "
                                                       f"has {words} words, more than {longest}: cut it in the "
                                                       "quote sheet's 'citaat' column"))
    return found


def stale_decisions(conn: sqlite3.Connection, coder: str | None = None) -> list[QuoteWarning]:
    """Decisions whose coding is gone (removed, or orphaned by a re-import): they no longer apply."""
    live_ids = {row[0]: (row[1], row[2]) for row in conn.execute("SELECT id, fragment_id, coder FROM codings")}
    live_keys = {tuple(row) for row in conn.execute("SELECT fragment_id, code_id, coder FROM codings")}
    found = []
    for d in decisions(conn, coder):
        if live_ids.get(d.coding_id) == (d.fragment_id, d.coder) or (d.fragment_id, d.code, d.coder) in live_keys:
            continue
        found.append(QuoteWarning(d.coding_id, f"the quote decision for coding {d.coding_id} (fragment "
                                               f"{d.fragment_id}, code {d.code}, coder {d.coder}) points at a "
                                               "coding that no longer exists; it is ignored"))
    return found


def warnings(conn: sqlite3.Connection, coder: str, quotes: Iterable[ChosenQuote] = ()) -> list[QuoteWarning]:
    """Stale decisions of this coder, and every quote of `quotes` over 120 words."""
    return stale_decisions(conn, coder) + long_quotes(quotes)
