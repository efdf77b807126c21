"""A coding session: one coder walking through fragments, toggling codes, with undo.

The interactive coder (`qcode.tui`) is a thin layer over this class, and scripts or tests can
drive it the same way. Every change is written at once in its own short transaction, so a killed
terminal loses nothing and a second coder working in the same project never waits long.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from qcode import coding
from qcode.changelog import log_action
from qcode.db import Database, transaction
from qcode.db.connection import OnWait, prepare_to_write, set_on_wait
from qcode.errors import UsageError
from qcode.queries import (FRAGMENT_SELECT, fragment_filters, fragment_record, preceding_question,
                           resolve_transcript)
from qcode.records import AppliedCoding, CodeEntry, FragmentContext, FragmentRecord, Progress


@dataclass(frozen=True)
class _Change:
    """What one coding looked like before an action changed it."""
    fragment_id: int
    code: str
    before: dict | None


@dataclass(frozen=True)
class _Step:
    """One action, as undo needs it: the codings it changed and the fragment it settled, if any."""
    changes: list[_Change]
    settled: int | None = None


@dataclass(frozen=True)
class MainReason:
    """A coding marked as the participant's main reason, elsewhere than the coding about to be marked."""
    fragment_id: int
    code: str
    label: str
    position: int | None  # its place in this session's queue (1-based), None when outside it


@dataclass(frozen=True)
class TranscriptChoice:
    """A transcript as the `g` picker lists it."""
    name: str
    participant: str
    fragments: int  # participants' fragments
    seen: int  # of those, seen by this coder


def code_entries(conn: sqlite3.Connection) -> list[CodeEntry]:
    """The active codes in codebook order, each with a short key: "3" for a theme, "3.2" below it."""
    entries: list[CodeEntry] = []
    keys: dict[str | None, str] = {None: ""}
    children: dict[str | None, int] = {}
    colours: dict[str | None, str | None] = {None: None}
    for code_id, parent, label, role, description, include, exclude, examples, colour in conn.execute(
            "SELECT id, parent_id, label, role, description, include, exclude, examples, color FROM codes "
            "WHERE active = 1 ORDER BY position"):
        children[parent] = children.get(parent, 0) + 1
        prefix = keys.get(parent, "")
        keys[code_id] = f"{prefix}.{children[parent]}" if prefix else str(children[parent])
        colours[code_id] = colour or colours.get(parent)  # a sub-code without a colour of its own takes its theme's
        entries.append(CodeEntry(id=code_id, key=keys[code_id], label=label, depth=keys[code_id].count("."),
                                 parent=parent, role=role, description=description, include=include,
                                 exclude=exclude, examples=json.loads(examples or "[]"), color=colours[code_id]))
    return entries


class CodingSession:
    """The fragments one coder works through, the position in them and the undo history."""

    def __init__(self, db: Database, coder: str, *, transcript: str | None = None,
                 participant: str | None = None, code: str | None = None, uncoded: bool = False,
                 fragment_ids: list[int] | None = None, compare: tuple[str, ...] = (),
                 settling: bool = False, question: str | None = None) -> None:
        coder = coder.strip()
        if not coder:
            raise UsageError("a coder name is needed", hint="pass --coder NAME, e.g. --coder anna")
        self.db = db
        self.coder = coder
        self.codes = code_entries(self.conn)
        if not self.codes:
            raise UsageError("the project has no codebook yet", hint="load one: qcode codebook load codes.yaml")
        self._code_ids = {entry.id for entry in self.codes}
        self.seen = self._coder_fragments("SELECT fragment_id FROM seen WHERE coder = ?")
        self.coded = self._coder_fragments("SELECT DISTINCT fragment_id FROM codings WHERE coder = ?")
        self.project_total = self.conn.execute(
            "SELECT COUNT(*) FROM fragments f JOIN turns t ON t.id = f.turn_id WHERE t.role = 'participant'"
        ).fetchone()[0]
        self.compare = compare
        # Settling a consensus: moving past a fragment never settles it, only `settle` does.
        self.settling = settling
        self.settled_here = 0
        self.queue = list(fragment_ids) if fragment_ids is not None else self._queue(transcript, participant, code,
                                                                                     uncoded, question)
        if not self.queue:
            raise UsageError("no fragments to code with these options",
                             hint="drop --uncoded or a filter; 'qcode fragments' lists what is there")
        unseen = (i for i, fragment_id in enumerate(self.queue) if fragment_id not in self.seen)
        self.position = next(unseen, 0)
        self.history: list[_Step] = []
        prepare_to_write(db)  # a read-only or damaged project is refused now, not at the first key

    def when_waiting(self, on_wait: OnWait | None) -> None:
        """Whom to tell when a write waits for another command's lock (it keeps retrying meanwhile)."""
        set_on_wait(self.db, on_wait)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def _coder_fragments(self, sql: str) -> set[int]:
        return {row[0] for row in self.conn.execute(sql, (self.coder,))}

    def _queue(self, transcript: str | None, participant: str | None, code: str | None,
               uncoded: bool, question: str | None = None) -> list[int]:
        where, params = fragment_filters(self.conn, transcript, participant, "participant", code, question)
        sql = ("SELECT f.id FROM fragments f JOIN turns t ON t.id = f.turn_id "
               "JOIN transcripts tr ON tr.id = f.transcript_id WHERE " + " AND ".join(where) +
               " ORDER BY tr.name, f.idx")
        ids = [row[0] for row in self.conn.execute(sql, params)]
        return [i for i in ids if i not in self.coded] if uncoded else ids

    # -- where we are --------------------------------------------------------------------------
    @property
    def fragment_id(self) -> int:
        return self.queue[self.position]

    def context(self) -> FragmentContext:
        fragment = self._fragment("f.id = ?", self.fragment_id)
        assert fragment is not None
        transcript_id, idx, attributes = self.conn.execute(
            "SELECT f.transcript_id, f.idx, p.attributes FROM fragments f "
            "JOIN transcripts tr ON tr.id = f.transcript_id JOIN participants p ON p.id = tr.participant_id "
            "WHERE f.id = ?", (fragment.id,)).fetchone()
        question = preceding_question(self.conn, transcript_id, fragment.turn)
        before = self._fragment("f.transcript_id = ? AND f.idx = ?", transcript_id, idx - 1)
        after = self._fragment("f.transcript_id = ? AND f.idx = ?", transcript_id, idx + 1)
        return FragmentContext(
            fragment=fragment, attributes=json.loads(attributes), question=question,
            before=before if before and before.role == "participant" else None, after=after,
            sentences=self.sentences(),
            codings=self._applied_by(fragment.id, self.coder),
            progress=self._progress(transcript_id),
            others={coder: self._applied_by(fragment.id, coder) for coder in self.compare})

    def _applied_by(self, fragment_id: int, coder: str) -> list[AppliedCoding]:
        return [AppliedCoding(code=code, **{k: v for k, v in state.items() if k != "created_at"})
                for code, state in coding.fragment_codings(self.conn, fragment_id, coder).items()]

    def _fragment(self, where: str, *params: object) -> FragmentRecord | None:
        row = self.conn.execute(FRAGMENT_SELECT + " WHERE " + where, params).fetchone()
        return fragment_record(row) if row else None

    def _progress(self, transcript_id: int) -> Progress:
        total, seen = self.conn.execute(
            "SELECT COUNT(*), COUNT(s.fragment_id) FROM fragments f JOIN turns t ON t.id = f.turn_id "
            "LEFT JOIN seen s ON s.fragment_id = f.id AND s.coder = ? "
            "WHERE f.transcript_id = ? AND t.role = 'participant'", (self.coder, transcript_id)).fetchone()
        return Progress(position=self.position + 1, total=len(self.queue), transcript_seen=seen,
                        transcript_total=total, project_seen=len(self.seen), project_total=self.project_total)

    def sentences(self) -> list[tuple[int, int]]:
        """The current fragment's sentences as offsets inside its text."""
        start, sentences = self.conn.execute("SELECT start, sentences FROM fragments WHERE id = ?",
                                             (self.fragment_id,)).fetchone()
        return [(first - start, last - start) for first, last in json.loads(sentences)]

    def applied(self) -> dict[str, dict]:
        return coding.fragment_codings(self.conn, self.fragment_id, self.coder)

    # -- moving ---------------------------------------------------------------------------------
    def _leave(self) -> None:
        """Moving past a fragment counts as having seen it, coded or not (agreement needs that)."""
        if self.fragment_id not in self.seen and not self.settling:
            with transaction(self.db) as conn:
                coding.mark_seen(conn, self.fragment_id, self.coder)
            self.seen.add(self.fragment_id)

    def go(self, position: int) -> None:
        position = max(0, min(position, len(self.queue) - 1))
        if position != self.position:
            self._leave()
            self.position = position

    def next(self) -> bool:
        """Step to the next fragment; False at the end of the queue."""
        if self.position + 1 >= len(self.queue):
            self._leave()
            return False
        self.go(self.position + 1)
        return True

    def previous(self) -> bool:
        if self.position == 0:
            return False
        self.go(self.position - 1)
        return True

    def next_uncoded(self) -> bool:
        """Step to the next fragment this coder has not coded, wrapping around; False if there is none."""
        count = len(self.queue)
        for step in range(1, count):
            position = (self.position + step) % count
            if self.queue[position] not in self.coded:
                self.go(position)
                return True
        return False

    def transcripts(self) -> list[TranscriptChoice]:
        """Every transcript with participants' words, for the `g` picker, with this coder's progress."""
        return [TranscriptChoice(*row) for row in self.conn.execute(
            "SELECT tr.name, tr.participant_id, COUNT(*), COUNT(s.fragment_id) FROM fragments f "
            "JOIN turns t ON t.id = f.turn_id AND t.role = 'participant' JOIN transcripts tr ON tr.id = f.transcript_id "
            "LEFT JOIN seen s ON s.fragment_id = f.id AND s.coder = ? GROUP BY tr.id ORDER BY tr.name",
            (self.coder,))]

    def jump(self, transcript: str) -> None:
        """Go to a transcript (by file name, name without extension, or participant): to the first of its
        fragments this coder has not seen, else its first. A transcript outside a session opened with
        --transcript/--participant/--code/--uncoded joins the session."""
        name = resolve_transcript(self.conn, transcript)
        ids = [r[0] for r in self.conn.execute(
            "SELECT f.id FROM fragments f JOIN turns t ON t.id = f.turn_id JOIN transcripts tr "
            "ON tr.id = f.transcript_id WHERE tr.name = ? AND t.role = 'participant' ORDER BY f.idx", (name,))]
        if not ids:
            raise UsageError(f"{name} has no participants' fragments to code")
        in_queue = [i for i in ids if i in set(self.queue)]
        if not in_queue:
            if self.settling:
                raise UsageError(f"{name} has no fragments still to settle",
                                 hint="reconcile shows only the fragments the coders disagree on")
            self._add_to_queue(ids)
            in_queue = ids
        target = next((i for i in in_queue if i not in self.seen), in_queue[0])
        self.go(self.queue.index(target))

    def _add_to_queue(self, ids: list[int]) -> None:
        current = self.fragment_id
        wanted = set(self.queue) | set(ids)
        order = [r[0] for r in self.conn.execute(
            "SELECT f.id FROM fragments f JOIN transcripts tr ON tr.id = f.transcript_id ORDER BY tr.name, f.idx")]
        self.queue = [i for i in order if i in wanted]
        self.position = self.queue.index(current)

    # -- coding ---------------------------------------------------------------------------------
    def entry(self, code: str) -> CodeEntry:
        for entry in self.codes:
            if code in (entry.id, entry.key):
                return entry
        raise UsageError(f"there is no code {code!r} in the codebook", hint="press ? for help")

    def toggle(self, code: str) -> bool:
        """Apply the code to the current fragment, or remove it if applied; True when now applied."""
        code = self.entry(code).id
        fragment_id = self.fragment_id
        with transaction(self.db) as conn:
            before = coding.coding_state(conn, fragment_id, code, self.coder)
            if before is None:
                coding.assign(conn, fragment_id, [code], self.coder, mark_seen=not self.settling)
            else:
                coding.unassign(conn, fragment_id, [code], self.coder)
        self._remember([_Change(fragment_id, code, before)])
        if not self.settling:
            self.seen.add(fragment_id)
        self._refresh_coded(fragment_id)
        return before is None

    def other_main_reasons(self, code: str) -> list[MainReason]:
        """This coder's other main reasons for the current fragment's participant: what marking `code`
        as the main reason would make a second one (empty when unmarking)."""
        code = self.entry(code).id
        if self._require(code)["main"]:
            return []
        participant = coding.fragment_participant(self.conn, self.fragment_id)
        labels = {entry.id: entry.label for entry in self.codes}
        places = {fragment_id: i + 1 for i, fragment_id in enumerate(self.queue)}
        return [MainReason(fragment_id, other, labels.get(other, other), places.get(fragment_id))
                for fragment_id, other in coding.main_reasons(self.conn, participant, self.coder)
                if (fragment_id, other) != (self.fragment_id, code)]

    def toggle_main(self, code: str, *, move: bool = False) -> bool:
        """Mark the coding as the participant's main reason for leaving (or unmark it).

        One main reason per participant per coder: with `move` the mark leaves the participant's other
        main reasons (one undo puts them all back); without it a second main reason is kept, as chosen.
        """
        state = self._require(code)
        code = self.entry(code).id
        if state["main"] or not move:
            return self._update(code, main=not state["main"])
        others = self.other_main_reasons(code)
        with transaction(self.db) as conn:
            changes = [_Change(self.fragment_id, code, coding.coding_state(conn, self.fragment_id, code, self.coder))]
            coding.update(conn, self.fragment_id, code, self.coder, main=True)
            for other in others:
                changes.append(_Change(other.fragment_id, other.code,
                                       coding.coding_state(conn, other.fragment_id, other.code, self.coder)))
                coding.update(conn, other.fragment_id, other.code, self.coder, main=False)
        self._remember(changes)
        return True

    def toggle_star(self) -> bool:
        """Star all of this coder's codings of the fragment as a key quote (or unstar them)."""
        applied = self.applied()
        if not applied:
            raise UsageError("apply a code before starring the fragment")
        starred = not all(state["star"] for state in applied.values())
        with transaction(self.db) as conn:
            for code in applied:
                coding.update(conn, self.fragment_id, code, self.coder, star=starred)
        self._remember([_Change(self.fragment_id, code, state) for code, state in applied.items()])
        return starred

    def starred(self) -> bool:
        """Whether this coder starred the current fragment (the star belongs to the fragment)."""
        return coding.fragment_starred(self.conn, self.fragment_id, self.coder)

    def set_memo(self, code: str, memo: str | None) -> None:
        self._require(code)
        self._update(code, memo=memo)

    def set_span(self, code: str, first: int | None, last: int | None = None) -> tuple[int, int] | None:
        """Narrow the quote to sentences `first`…`last` (1-based, inclusive); None: the whole fragment."""
        self._require(code)
        if first is None:
            self._update(code, span=None)
            return None
        sentences = self.sentences()
        last = first if last is None else last
        if not 1 <= first <= last <= len(sentences):
            raise UsageError(f"sentences {first}–{last} do not exist: this fragment has {len(sentences)}",
                             hint="type e.g. 2 or 2-3, or leave it empty for the whole fragment")
        span = (sentences[first - 1][0], sentences[last - 1][1])
        self._update(code, span=span)
        return span

    def undo(self) -> str | None:
        """Put back what the last action changed, go to its fragment, and say exactly what was undone
        ("main reason removed from werkdruk-burn-out", "werkdruk removed", "memo restored on …")."""
        if not self.history:
            return None
        step = self.history.pop()
        said = []
        with transaction(self.db) as conn:
            for change in step.changes:
                now = coding.coding_state(conn, change.fragment_id, change.code, self.coder)
                said.extend(_undone(change.code, change.before, now))
                coding.restore(conn, change.fragment_id, change.code, self.coder, change.before)
            if step.settled is not None:
                conn.execute("DELETE FROM seen WHERE fragment_id = ? AND coder = ?", (step.settled, self.coder))
                log_action(conn, self.coder, "undo", fragment_id=step.settled, settled=False)
        if step.settled is not None:
            self.seen.discard(step.settled)
            self.settled_here -= 1
            said.append("fragment open again")
        fragment_id = step.changes[0].fragment_id if step.changes else step.settled
        assert fragment_id is not None
        for changed in {c.fragment_id for c in step.changes}:
            self._refresh_coded(changed)
        if fragment_id in self.queue:
            self.position = self.queue.index(fragment_id)
        return ", ".join(dict.fromkeys(said)) or "nothing changed"

    # -- settling a consensus (reconcile) -----------------------------------------------------
    def settled(self) -> bool:
        """Whether the consensus coder has settled the current fragment."""
        return self.fragment_id in self.seen

    def open_count(self) -> int:
        """Fragments of this session still to settle."""
        return sum(1 for fragment_id in self.queue if fragment_id not in self.seen)

    def settle(self, take: str | None = None, *, as_edited: bool = False) -> None:
        """Settle the current fragment: take one coder's codings (`take`), none (neither), or what the
        consensus coder applied here (`as_edited`). One undo opens it again with its codings as before."""
        if not self.settling:
            raise UsageError("settling is for a consensus: qcode reconcile --coders anna,bram")
        if take is not None and take not in self.compare:
            raise UsageError(f"{take} is not one of the coders being reconciled ({', '.join(self.compare)})")
        fragment_id = self.fragment_id
        with transaction(self.db) as conn:
            current = coding.fragment_codings(conn, fragment_id, self.coder)
            wanted = (current if as_edited else
                      coding.fragment_codings(conn, fragment_id, take) if take is not None else {})
            changes = []
            for code in set(current) | set(wanted):
                if code in current and code in wanted and (as_edited or _same(current[code], wanted[code])):
                    continue
                changes.append(_Change(fragment_id, code, current.get(code)))
                if code in current:
                    coding.unassign(conn, fragment_id, [code], self.coder)
                if code in wanted:
                    state = wanted[code]
                    coding.apply_checked(conn, [(fragment_id, code, self.coder, state["main"], state["star"],
                                                 state["memo"], (state["span_start"], state["span_end"])
                                                 if state["span_start"] is not None else None)], mark_seen=False)
            newly = fragment_id not in self.seen
            coding.mark_seen(conn, fragment_id, self.coder)
            how = "edited" if as_edited else f"took {take}" if take is not None else "none"
            log_action(conn, self.coder, "reconcile", fragment_id=fragment_id, rule="by hand", chose=how,
                              coders=list(self.compare))
        self.history.append(_Step(changes, fragment_id if newly else None))
        if newly:
            self.seen.add(fragment_id)
            self.settled_here += 1
        self._refresh_coded(fragment_id)

    def next_open(self) -> bool:
        """Step to the next fragment still to settle, wrapping around; False if every one is settled."""
        count = len(self.queue)
        for step in range(1, count + 1):
            position = (self.position + step) % count
            if self.queue[position] not in self.seen:
                self.go(position)
                return True
        return False

    def _require(self, code: str) -> dict:
        code = self.entry(code).id
        state = self.applied().get(code)
        if state is None:
            raise UsageError(f"{code} is not applied to this fragment", hint="apply it first (Enter on the code)")
        return state

    def _update(self, code: str, **changes: object) -> bool:
        code = self.entry(code).id
        with transaction(self.db) as conn:
            before = coding.coding_state(conn, self.fragment_id, code, self.coder)
            coding.update(conn, self.fragment_id, code, self.coder, **changes)
        self._remember([_Change(self.fragment_id, code, before)])
        return bool(next(iter(changes.values())))

    def _remember(self, changes: list[_Change]) -> None:
        self.history.append(_Step(changes))

    def _refresh_coded(self, fragment_id: int) -> None:
        if coding.fragment_codings(self.conn, fragment_id, self.coder):
            self.coded.add(fragment_id)
        else:
            self.coded.discard(fragment_id)


_COMPARED = ("main", "star", "memo", "span_start", "span_end")


def _same(one: dict, other: dict) -> bool:
    return all(one[field] == other[field] for field in _COMPARED)


def _undone(code: str, before: dict | None, now: dict | None) -> list[str]:
    """What putting `before` back over `now` does to one coding, in words."""
    if before is None:
        return [f"{code} removed"] if now is not None else []
    if now is None:
        return [f"{code} restored"]
    said = []
    if before["main"] != now["main"]:
        said.append(f"main reason {'restored on' if before['main'] else 'removed from'} {code}")
    if before["star"] != now["star"]:  # the star belongs to the fragment
        said.append(f"star {'restored on' if before['star'] else 'removed from'} the fragment")
    if before["memo"] != now["memo"]:
        said.append(f"memo {'restored on' if before['memo'] else 'removed from'} {code}")
    if (before["span_start"], before["span_end"]) != (now["span_start"], now["span_end"]):
        said.append(f"quote span {'restored on' if before['span_start'] is not None else 'removed from'} {code}")
    return said
