"""What a report can honestly claim: how much of the interviews its coder has seen, and main reasons that clash.

A report for a coder who has not seen every participant fragment opens with a draft note, so a
half-coded chapter never passes for a finished one. "Seen" is what the coder looked at (coded or
moved past, or settled by `reconcile`), as `qcode coders` counts it.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from qcode.render import dutch


@dataclass(frozen=True)
class Coverage:
    coder: str
    seen: int
    fragments: int
    interviews_seen: int
    interviews: int

    @property
    def complete(self) -> bool:
        return self.seen >= self.fragments

    def message(self) -> str:
        return (f"{self.coder} has seen {self.seen} of {self.fragments} participant fragments, in "
                f"{self.interviews_seen} of {self.interviews} interviews: counts cover only those")

    def note(self, lang: str) -> str:
        if lang == "en":
            return (f"Draft: {self.message()}. This report is not finished until all interviews are coded.")
        interviews = "interview" if self.interviews == 1 else "interviews"
        return (f"Concept: {self.coder} heeft {dutch.number(self.seen)} van de {dutch.number(self.fragments)} "
                f"fragmenten van deelnemers gezien, in {dutch.number(self.interviews_seen)} van de "
                f"{dutch.number(self.interviews)} {interviews}. De tellingen en citaten gaan alleen daarover; "
                f"dit rapport is pas af als alles gecodeerd is.")


def coverage(conn: sqlite3.Connection, coder: str) -> Coverage:
    """The participants' fragments, and those the coder has seen or coded, overall and by interview."""
    fragments, seen, interviews, interviews_seen = conn.execute("""
        WITH pf AS (SELECT f.id, f.transcript_id FROM fragments f JOIN turns t ON t.id = f.turn_id
                    AND t.role = 'participant'),
             looked AS (SELECT fragment_id FROM seen WHERE coder = ?1
                        UNION SELECT fragment_id FROM codings WHERE coder = ?1)
        SELECT COUNT(*), COUNT(looked.fragment_id), COUNT(DISTINCT pf.transcript_id),
               COUNT(DISTINCT CASE WHEN looked.fragment_id IS NOT NULL THEN pf.transcript_id END)
        FROM pf LEFT JOIN looked ON looked.fragment_id = pf.id""", (coder,)).fetchone()
    return Coverage(coder, seen, fragments, interviews_seen, interviews)


def double_main_reasons(conn: sqlite3.Connection, coder: str) -> list[str]:
    """One message per participant with main-reason codings (by this coder) on more than one code."""
    rows = conn.execute("""
        SELECT tr.participant_id, group_concat(DISTINCT c.code_id), COUNT(DISTINCT c.code_id)
        FROM codings c JOIN fragments f ON f.id = c.fragment_id
        JOIN turns t ON t.id = f.turn_id AND t.role = 'participant' JOIN transcripts tr ON tr.id = f.transcript_id
        WHERE c.coder = ? AND c.main = 1 GROUP BY tr.participant_id HAVING COUNT(DISTINCT c.code_id) > 1
        ORDER BY tr.participant_id""", (coder,)).fetchall()
    return [f"{participant} has {count} main reasons in {coder}'s codings: {', '.join(sorted(codes.split(',')))}"
            for participant, codes, count in rows]
