"""The coder's suggester in a process of its own: `python -m qcode.tui.suggestion_worker DATABASE CODER`.

Training and ranking hold Python's interpreter lock for long stretches (scikit-learn, TF-IDF), so
in a thread of the coder they would make every key wait; here they cannot. The coder sends one JSON
object a line on stdin — `{"train": true}` (learn the coder's codings again) or `{"rank": ID}` (the
best three codes for that fragment) — and reads one a line from stdout:

    {"trained": "model"}                                 a suggester is ready ("model" or "codebook")
    {"ranked": ID, "suggestions": [...], "quiet": …, "hint": …}
    {"failed": "message"}                                no suggester can be built

Two threads, each with its own SQLite connection (read only), so a fragment's suggestions never
wait for a training: the trainer builds the suggester, the ranker uses the newest one. A request
waiting behind a newer one of its kind is dropped. The process ends when stdin closes.
"""
from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from qcode.errors import QcodeError

SHOWN = 3


class Latest:
    """The newest request for a background loop: older ones still waiting are dropped."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._request: object = None

    def put(self, request: object) -> None:
        with self._ready:
            self._request = request
            self._ready.notify()

    def take(self) -> object:
        with self._ready:
            while self._request is None:
                self._ready.wait()
            request, self._request = self._request, None
            return request


class SuggestionEngine:
    """Trains a coder's suggester and ranks codes for a fragment; tells `send` what it found."""

    def __init__(self, database: Path, coder: str, send: Callable[[dict], None]) -> None:
        self.database, self.coder, self.send = database, coder, send
        self.suggester = None
        self._training, self._ranking = Latest(), Latest()

    def start(self) -> None:
        for requests, handle in ((self._training, self._train), (self._ranking, self._rank)):
            threading.Thread(target=self._loop, args=(requests, handle), daemon=True).start()

    def retrain(self) -> None:
        self._training.put(True)

    def rank(self, fragment: int) -> None:
        self._ranking.put(fragment)

    def _loop(self, requests: Latest, handle: Callable[[object, object], None]) -> None:
        from qcode.db.connection import connect

        database = None
        while True:
            request = requests.take()
            try:
                if database is None:
                    database = connect(self.database)
                handle(database.conn, request)
            except QcodeError as error:  # the database cannot be read: said once, quietly
                self.send({"failed": f"No suggestions: {error.problem.message}"})
            except Exception as error:  # noqa: BLE001 — never a participant's words: the type only
                self.send({"failed": f"No suggestions ({type(error).__name__})."})

    def _train(self, conn, _request: object) -> None:  # type: ignore[no-untyped-def]
        from qcode.suggest.suggester import Suggester

        self.suggester = Suggester.for_coder(conn, self.coder)
        self.send({"trained": self.suggester.source})

    def _rank(self, conn, fragment: object) -> None:  # type: ignore[no-untyped-def]
        if self.suggester is not None:
            self.send(rank(conn, self.suggester, int(fragment)))  # type: ignore[call-overload]


def rank(conn, suggester, fragment: int) -> dict:  # type: ignore[no-untyped-def]
    """The best three codes for one fragment, or the quiet line that says why there are none."""
    from qcode.suggest.data import participant_fragments

    hint = suggester.model is None and not suggester.codebook.has_keywords_or_examples
    answer = {"ranked": fragment, "suggestions": [], "quiet": None, "hint": hint}
    try:
        rows = participant_fragments(conn, ids=[fragment])
        found = suggester.suggest(rows, SHOWN)[0] if rows else []
    except QcodeError as error:
        return {**answer, "quiet": f"No suggestions: {error.problem.message}"}
    except Exception as error:  # noqa: BLE001 — a failing suggester never stops the coding
        return {**answer, "quiet": f"No suggestions ({type(error).__name__})."}
    if not found:
        return {**answer, "quiet": "No suggestions for this fragment."}
    return {**answer, "suggestions": [s.as_json() for s in found[:SHOWN]]}


def main(database: str, coder: str) -> None:
    if hasattr(os, "nice"):
        os.nice(10)  # background work: on a busy machine the coder's own process goes first
    lock = threading.Lock()

    def send(answer: dict) -> None:
        with lock:
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()

    engine = SuggestionEngine(Path(database), coder, send)
    engine.start()
    engine.retrain()
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("train"):
            engine.retrain()
        if "rank" in request:
            engine.rank(int(request["rank"]))
    sys.stdout.flush()
    os._exit(0)  # stdin closed: the coder has quit; a training still running is of no use


if __name__ == "__main__":
    main(*sys.argv[1:3])
