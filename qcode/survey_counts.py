"""Counting a survey per open question: who answered, who mentioned each code, how often, what share.

A consultation report gives per question n (the respondents who answered it), per category the
respondents mentioning it and their share of n (and of all respondents of the sheet, labelled as
such), and the times it was mentioned (several categories per answer, so mentions add up to more
than n). All counting is SQL over one coder's codings of participants' answers.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from qcode.aggregate import LINEAGE, require_codings
from qcode.errors import UsageError
from qcode.queries import resolve_question


# A question's codings, reached from its turns (an index on the question) rather than from all of a
# coder's codings: CROSS JOIN keeps SQLite to that order, a few times faster on a large survey.
ANSWER_CODINGS = ("turns t CROSS JOIN fragments f ON f.turn_id = t.id "
                  "CROSS JOIN codings c ON c.fragment_id = f.id")


@dataclass
class CategoryCount:
    id: str
    label: str
    respondents: int  # respondents whose answer to the question was coded with it
    mentions: int  # codings on the question's answer fragments
    share_answered: float  # respondents / those who answered the question
    share_all: float  # respondents / every respondent of the sheet


@dataclass
class QuestionCounts:
    id: str
    text: str
    sheet: str
    answered: int  # n
    respondents: int  # everyone in the sheet, answered or not
    mentions: int  # all categories' mentions together
    categories: list[CategoryCount] = field(default_factory=list)  # most mentioned first


@dataclass
class GroupShare:
    group: str
    answered: int  # n of the group
    respondents: int  # of them mentioning the code
    share: float


def questions(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return conn.execute("SELECT id, text, sheet FROM questions ORDER BY sheet, position, id").fetchall()


def counts(conn: sqlite3.Connection, coder: str | None, question: str | None = None,
           level: str = "auto") -> list[QuestionCounts]:
    """Per question (or the one named), the categories with respondents, shares and mentions.

    `level`: `theme` counts the codebook's themes, `code` every code; `auto` counts a question's themes,
    unless all its answers are coded under one theme (a theme per question, its categories below it):
    then the categories under that theme."""
    if level not in ("theme", "code", "auto"):
        raise UsageError(f"level must be auto, theme or code, not {level!r}")
    coder = require_codings(conn, coder)
    wanted = [resolve_question(conn, question)] if question else [row[0] for row in questions(conn)]
    if not wanted:
        raise UsageError("this project has no survey questions", hint="import a survey sheet with --text-column")
    result = []
    for qid in wanted:
        text, sheet = conn.execute("SELECT text, sheet FROM questions WHERE id = ?", (qid,)).fetchone()
        answered = _answered(conn, qid)
        everyone = conn.execute("SELECT COUNT(*) FROM survey_respondents WHERE sheet = ?", (sheet,)).fetchone()[0]
        everyone = max(everyone, answered)
        column = {"theme": "l.theme", "code": "l.id"}.get(level) or _auto_level(conn, coder, qid)
        rows = conn.execute(
            LINEAGE + f"SELECT {column}, COUNT(DISTINCT tr.participant_id), COUNT(*) FROM {ANSWER_CODINGS} "
            "JOIN lineage l ON l.id = c.code_id JOIN transcripts tr ON tr.id = f.transcript_id "
            f"WHERE t.question = ? AND t.role = 'participant' AND c.coder = ? GROUP BY {column}",
            (qid, coder)).fetchall()
        labels = dict(conn.execute("SELECT id, label FROM codes"))
        categories = [CategoryCount(code, labels.get(code, code), people, mentions,
                                    people / answered if answered else 0.0, people / everyone if everyone else 0.0)
                      for code, people, mentions in rows]
        categories.sort(key=lambda c: (-c.respondents, -c.mentions, c.label))
        result.append(QuestionCounts(qid, text, sheet, answered, everyone, sum(c.mentions for c in categories),
                                     categories))
    return result


def _auto_level(conn: sqlite3.Connection, coder: str, qid: str) -> str:
    themes = conn.execute(LINEAGE + f"SELECT COUNT(DISTINCT l.theme) FROM {ANSWER_CODINGS} "
                          "JOIN lineage l ON l.id = c.code_id WHERE t.question = ? AND c.coder = ?",
                          (qid, coder)).fetchone()[0]
    return "l.sub" if themes == 1 else "l.theme"


def _answered(conn: sqlite3.Connection, qid: str) -> int:
    return conn.execute("SELECT COUNT(DISTINCT tr.participant_id) FROM turns t JOIN transcripts tr "
                        "ON tr.id = t.transcript_id WHERE t.question = ? AND t.role = 'participant'",
                        (qid,)).fetchone()[0]


def breakdown(conn: sqlite3.Connection, coder: str | None, question: str, code: str,
              attribute: str) -> list[GroupShare]:
    """Per value of an attribute: the respondents who answered the question, and the share mentioning `code`."""
    coder = require_codings(conn, coder)
    qid = resolve_question(conn, question)
    from qcode.codebook_db import branch
    codes = branch(conn, code)
    answered: dict[str, set[str]] = {}
    mentioning: dict[str, set[str]] = {}
    attributes = {pid: json.loads(values) for pid, values in conn.execute("SELECT id, attributes FROM participants")}
    if not any(attribute in values for values in attributes.values()):
        known = sorted({key for values in attributes.values() for key in values})
        raise UsageError(f"no attribute {attribute!r}", hint=f"the attributes are: {', '.join(known)}")
    for (pid,) in conn.execute("SELECT DISTINCT tr.participant_id FROM turns t JOIN transcripts tr ON tr.id = "
                               "t.transcript_id WHERE t.question = ? AND t.role = 'participant'", (qid,)):
        answered.setdefault(_group(attributes.get(pid, {}).get(attribute)), set()).add(pid)
    marks = ", ".join("?" for _ in codes)
    for (pid,) in conn.execute(
            "SELECT DISTINCT tr.participant_id FROM codings c JOIN fragments f ON f.id = c.fragment_id JOIN turns t "
            f"ON t.id = f.turn_id AND t.question = ? AND t.role = 'participant' JOIN transcripts tr ON tr.id = "
            f"f.transcript_id WHERE c.coder = ? AND c.code_id IN ({marks})", (qid, coder, *codes)):
        mentioning.setdefault(_group(attributes.get(pid, {}).get(attribute)), set()).add(pid)
    shares = [GroupShare(group, len(people), len(mentioning.get(group, set())),
                         len(mentioning.get(group, set())) / len(people)) for group, people in answered.items()]
    return sorted(shares, key=lambda s: (-s.answered, s.group))


def _group(value: object) -> str:
    return "(onbekend)" if value in (None, "") else str(value)
