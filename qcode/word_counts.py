"""Which words respondents use, per question: lemmas counted over answers, Dutch stop words left out."""
from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from qcode.errors import UsageError
from qcode.queries import fragment_filters

EXTRA_STOP_WORDS = frozenset({"gewoon", "echt", "eigenlijk", "heel", "best", "nou", "hè", "ja", "nee", "oké", "ok",
                              "wel", "even", "soms", "vaak", "erg", "zo", "gaan", "komen", "zijn", "worden",
                              "hebben", "kunnen", "moeten", "willen", "zullen", "mogen", "doen", "krijgen", "tja", "hm", "eh",
                              "zeggen", "denken", "vinden", "weten", "ding", "beetje", "gewoon", "eens", "allemaal"})


@dataclass
class WordCount:
    word: str  # the lemma
    count: int  # times used
    respondents: int  # participants using it


def stop_words() -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | EXTRA_STOP_WORDS


def frequencies(conn: sqlite3.Connection, *, question: str | None = None, code: str | None = None,
                coder: str | None = None, top: int = 30, keep: Callable[[str], bool] | None = None) -> list[WordCount]:
    """The `top` lemmas of participants' fragments (of a question, of fragments coded with a code); `keep`
    leaves a word out before the top is taken (an identifier, when the words are exported pseudonymised)."""
    if top < 1:
        raise UsageError(f"--top must be 1 or more, not {top}")
    where, params = _counted(conn, question, code, coder)
    sql = ("SELECT tr.participant_id, f.lemmas FROM fragments f JOIN turns t ON t.id = f.turn_id "
           "JOIN transcripts tr ON tr.id = f.transcript_id WHERE " + " AND ".join(where))
    skip = stop_words()
    counts: Counter[str] = Counter()
    people: dict[str, set[str]] = {}
    for participant, lemmas in conn.execute(sql, params):
        for lemma in lemmas.split():
            word = lemma.strip(".,;:!?\"'()[]…-–").lower()
            if len(word) < 2 or not any(c.isalpha() for c in word) or word in skip:
                continue
            counts[word] += 1
            people.setdefault(word, set()).add(participant)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if keep is not None:
        ranked = (item for item in ranked if keep(item[0]))
    return [WordCount(word, count, len(people[word])) for word, count in islice(ranked, top)]


def counted_fragments(conn: sqlite3.Connection, *, question: str | None = None, code: str | None = None,
                      coder: str | None = None) -> list[int]:
    """The fragments `frequencies` counts the words of."""
    where, params = _counted(conn, question, code, coder)
    return [row[0] for row in conn.execute("SELECT f.id FROM fragments f JOIN turns t ON t.id = f.turn_id "
                                           "JOIN transcripts tr ON tr.id = f.transcript_id WHERE "
                                           + " AND ".join(where), params)]


def _counted(conn: sqlite3.Connection, question: str | None, code: str | None,
             coder: str | None) -> tuple[list[str], list]:
    where, params = fragment_filters(conn, None, None, "participant", None, question)
    if code:
        from qcode.codebook_db import branch
        codes = branch(conn, code)
        where.append(f"f.id IN (SELECT fragment_id FROM codings WHERE code_id IN ({', '.join('?' * len(codes))})"
                     + (" AND coder = ?" if coder else "") + ")")
        params += [*codes, *([coder] if coder else [])]
    return where, params


def cloud(words: list[WordCount], target: Path) -> None:
    """A word cloud of the counts, drawn the same way every time (PNG, 1600 × 900)."""
    from wordcloud import WordCloud

    if not words:
        raise UsageError("there are no words to draw", hint="check --question and that answers were imported")
    image = WordCloud(width=1600, height=900, background_color="white", prefer_horizontal=1.0, random_state=7,
                      colormap="viridis", max_words=len(words), collocations=False)
    image.generate_from_frequencies({w.word: w.count for w in words}).to_file(str(target))
