"""The team workflow: who has coded what, where coders differ, and settling a consensus coding."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from qcode import coding
from qcode.agreement import check_coders, common_fragments
from qcode.changelog import log_action, utc_now
from qcode.codebook_db import branch
from qcode.errors import UsageError
from qcode.queries import preceding_question

RULES = ("union", "intersection", "majority")


@dataclass
class CoderProgress:
    coder: str
    transcript: str
    fragments: int  # the participants' fragments in the transcript
    seen: int
    coded: int


def coder_progress(conn: sqlite3.Connection) -> list[CoderProgress]:
    """Per coder and transcript: participants' fragments seen and coded."""
    rows = conn.execute("""
        WITH participant_fragments AS (
            SELECT f.id, tr.name FROM fragments f JOIN turns t ON t.id = f.turn_id AND t.role = 'participant'
            JOIN transcripts tr ON tr.id = f.transcript_id),
        coders AS (SELECT coder FROM seen UNION SELECT coder FROM codings),
        totals AS (SELECT name, COUNT(*) AS n FROM participant_fragments GROUP BY name)
        SELECT k.coder, pf.name, totals.n,
               COUNT(DISTINCT s.fragment_id), COUNT(DISTINCT c.fragment_id)
        FROM coders k CROSS JOIN participant_fragments pf JOIN totals ON totals.name = pf.name
        LEFT JOIN seen s ON s.fragment_id = pf.id AND s.coder = k.coder
        LEFT JOIN codings c ON c.fragment_id = pf.id AND c.coder = k.coder
        GROUP BY k.coder, pf.name HAVING COUNT(s.fragment_id) + COUNT(c.fragment_id) > 0
        ORDER BY k.coder, pf.name""").fetchall()
    return [CoderProgress(*row) for row in rows]


@dataclass
class Choice:
    applied: bool
    main: bool = False
    memo: str | None = None


@dataclass
class Disagreement:
    code: str
    label: str
    fragment: int
    transcript: str
    participant: str
    turn: int
    question: str | None
    text: str
    choices: dict[str, Choice]


def _unit_codes(conn: sqlite3.Connection, coders: list[str], fragments: set[int]) -> dict[int, dict[str, dict]]:
    """fragment → coder → code → its state, for the named coders on the given fragments."""
    marks = ", ".join("?" for _ in coders)
    found: dict[int, dict[str, dict]] = {}
    for fragment, coder, code, main, star, memo in conn.execute(
            f"SELECT fragment_id, coder, code_id, main, star, memo FROM codings WHERE coder IN ({marks})", coders):
        if fragment in fragments:
            found.setdefault(fragment, {}).setdefault(coder, {})[code] = {"main": bool(main), "star": bool(star),
                                                                           "memo": memo}
    return found


def disagreements(conn: sqlite3.Connection, coders: list[str], code: str | None = None) -> list[Disagreement]:
    """Every (fragment, code) on which the coders differ, sorted by code and place: the meeting's agenda."""
    coders = check_coders(conn, coders)
    fragments = common_fragments(conn, coders)
    order = {f: i for i, f in enumerate(fragments)}
    wanted = set(branch(conn, code)) if code else None
    labels = dict(conn.execute("SELECT id, label FROM codes").fetchall())
    positions = dict(conn.execute("SELECT id, position FROM codes").fetchall())
    result = []
    for fragment, by_coder in _unit_codes(conn, coders, set(fragments)).items():
        used = set().union(*(set(codes) for codes in by_coder.values()))
        for code_id in used:
            if wanted is not None and code_id not in wanted:
                continue
            choices = {c: Choice(code_id in by_coder.get(c, {}), **{k: v for k, v in by_coder.get(c, {}).get(
                code_id, {}).items() if k != "star"}) for c in coders}
            if len({choice.applied for choice in choices.values()}) > 1:
                result.append((positions[code_id], order[fragment], code_id, fragment, choices))
    result.sort(key=lambda item: item[:2])
    return [_disagreement(conn, code_id, labels[code_id], fragment, choices)
            for _, _, code_id, fragment, choices in result]


def _disagreement(conn: sqlite3.Connection, code: str, label: str, fragment: int,
                  choices: dict[str, Choice]) -> Disagreement:
    transcript_id, name, participant, turn, text = conn.execute(
        "SELECT tr.id, tr.name, tr.participant_id, t.number, f.text FROM fragments f JOIN turns t ON t.id = f.turn_id "
        "JOIN transcripts tr ON tr.id = f.transcript_id WHERE f.id = ?", (fragment,)).fetchone()
    return Disagreement(code, label, fragment, name, participant, turn,
                        preceding_question(conn, transcript_id, turn), text, choices)


# -- consensus ----------------------------------------------------------------------------------
@dataclass
class Reconciliation:
    into: str
    agreed: int = 0  # fragments where the coders agreed, copied
    settled: int = 0  # fragments settled by the rule
    kept: int = 0  # fragments the consensus had settled before, left alone
    open: list[int] = field(default_factory=list)  # fragments still to settle by hand


def reconcile(conn: sqlite3.Connection, coders: list[str], into: str, rule: str | None = None,
              by: str | None = None) -> Reconciliation:
    """Copy agreed decisions into the consensus coder, settle the rest by `rule` or leave them open.

    A fragment the consensus coder has already seen is settled and never touched again, so running
    this after more coding keeps every earlier decision.
    """
    coders = check_coders(conn, coders)
    into = into.strip()
    if not into or into in coders:
        raise UsageError("the consensus needs a coder name of its own", hint="e.g. --into consensus")
    if rule is not None and rule not in RULES:
        raise UsageError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
    result = Reconciliation(into)
    fragments = common_fragments(conn, coders)
    settled = {row[0] for row in conn.execute("SELECT fragment_id FROM seen WHERE coder = ?", (into,))}
    decisions = _unit_codes(conn, coders, set(fragments))
    rows, logged = [], []
    for fragment in fragments:
        if fragment in settled:
            result.kept += 1
            continue
        by_coder = decisions.get(fragment, {})
        sets = [set(by_coder.get(c, {})) for c in coders]
        if all(s == sets[0] for s in sets):
            chosen, how = sets[0], "agreed"
            result.agreed += 1
        elif rule is not None:
            chosen, how = _apply_rule(rule, sets), rule
            result.settled += 1
        else:
            result.open.append(fragment)
            continue
        for code in sorted(chosen):
            states = [by_coder[c][code] for c in coders if code in by_coder.get(c, {})]
            rows.append((fragment, code, into, _main(how, [s["main"] for s in states], len(coders)),
                         any(s["star"] for s in states), None))
        logged.append((fragment, how))
    coding.apply_checked(conn, rows)
    now = utc_now()
    conn.executemany("INSERT OR IGNORE INTO seen (fragment_id, coder, at) VALUES (?, ?, ?)",
                     [(fragment, into, now) for fragment, _ in logged])
    for fragment, how in logged:
        log_action(conn, into, "reconcile", fragment_id=fragment, rule=how, coders=coders, by=by)
    return result


def _main(how: str, marks: list[bool], coders: int) -> bool:
    """Main reason in the consensus: union takes anyone's mark, intersection needs every coder's, and
    agreed or majority decisions need at least half of the coders to have marked it."""
    if how == "union":
        return any(marks)
    if how == "intersection":
        return len(marks) == coders and all(marks)
    return sum(marks) * 2 >= coders


def _apply_rule(rule: str, sets: list[set[str]]) -> set[str]:
    if rule == "union":
        return set().union(*sets)
    if rule == "intersection":
        return set.intersection(*sets)
    everything = set().union(*sets)
    return {code for code in everything if sum(code in s for s in sets) * 2 > len(sets)}
