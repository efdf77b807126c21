"""Import: files and folders → parsed documents → stored transcripts, turns and fragments.

One pass, one document at a time (the corpus is streamed, never held in memory), all inside the
caller's transaction. After the first bad input nothing more is segmented or written, but every
remaining file is still read and checked, so that all problems are reported together; the caller's
transaction then rolls back and the database is exactly as it was.
"""
from __future__ import annotations

import gc
import hashlib
import json
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode.changelog import utc_now
from qcode.errors import InputError, Problem, ProblemsError, QcodeError
from qcode.readers import (
    SHEET_SUFFIXES, ParsedDocument, ParticipantRow, ReadError, assign_roles,
    find_sheet, is_participants_sheet, read_participants, read_survey, read_transcript,
)
from qcode.readers.sheets import is_codings_sheet
from qcode.relocate import refragment
from qcode.segment import Unit, segment
from qcode.stored_text import render

Progress = Callable[[int, int, str], None]
PROJECT_FILES = frozenset({"qcode.db", "qcode.db-wal", "qcode.db-shm", "qcode.db-journal"})


@dataclass(frozen=True)
class ImportOptions:
    interviewer: tuple[str, ...] = ()
    id_column: str | None = None
    text_columns: tuple[str, ...] = ()  # names, comma lists or patterns
    skip_bad: bool = False
    no_interviewer: bool = False  # where no interviewer is found, that is right (a group talk, a monologue)
    allow_duplicate: bool = False  # import a transcript whose words another transcript already holds
    questions: Path | None = None  # a sheet of question ids and texts
    header_rows: int = 1

    @property
    def text_column(self) -> str | None:
        return ",".join(self.text_columns) or None


@dataclass(frozen=True)
class Unsettled:
    """A transcript read without an interviewer although it has several speakers (or names none)."""

    name: str
    path: Path
    speakers: tuple[str, ...]  # empty: the file names no speaker
    named: tuple[str, ...] = ()  # interviewer names given for it that match no speaker


@dataclass
class ImportReport:
    files: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    turns: int = 0
    fragments: int = 0
    words: int = 0
    codings_moved: int = 0
    codings_orphaned: int = 0
    skipped: list[Problem] = field(default_factory=list)
    left_alone: list[Path] = field(default_factory=list)
    codings_sheets: list[Path] = field(default_factory=list)  # met while walking a folder, left alone
    unsettled: list[Unsettled] = field(default_factory=list)


@dataclass
class _Deferred:
    """Work done once at the end of an import instead of once per document: indexing the new fragments
    for search (FTS5 builds one segment instead of one per transcript) and storing the word forms."""

    first_new: int  # every fragment with a higher id is new in this import
    forms: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def start(cls, conn: sqlite3.Connection) -> _Deferred:
        issued = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'fragments'").fetchone()
        return cls(issued[0] if issued else 0)

    def finish(self, conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO fragments_fts (rowid, text) SELECT id, text FROM fragments WHERE id > ?",
                     (self.first_new,))
        conn.executemany("INSERT OR IGNORE INTO word_forms (form, lemma) VALUES (?, ?)", sorted(self.forms))


@dataclass
class _Planned:
    """One document that passed the first pass, with what is needed to write it."""

    name: str
    path: Path
    participant: str
    attributes: dict[str, Any]
    interviewer: set[str]
    content_hash: str
    text_column: str | None = None  # a survey document: the sheet column its text came from
    settled: str | None = "one speaker"  # how the interviewer was settled (see `settlement`); None: not yet
    unsettled: Unsettled | None = None
    words_hash: str | None = None  # the stored text's hash, to find the same interview under another name
    participant_stored: bool = False  # a survey's respondents are stored with the sheet


def import_paths(conn: sqlite3.Connection, paths: list[Path], unit: Unit, nlp_loader: Callable,
                 options: ImportOptions = ImportOptions(), progress: Progress | None = None) -> ImportReport:
    """Import `paths` into the database behind `conn`, inside the caller's transaction."""
    report = ImportReport()
    sources, problems = _discover(paths, options, report)
    existing = {nfc(row[0]): (row[1], row[2], row[3]) for row in
                conn.execute("SELECT name, id, content_hash, text_column FROM transcripts")}
    chosen_none = {nfc(row[0]) for row in conn.execute("SELECT name FROM transcripts WHERE interviewer_settled = 'none'")}
    sheets: dict[Path, dict[str, ParticipantRow] | None] = {}
    seen: dict[str, Path] = {}
    twins: dict[str, str] = {}  # words hash → the first transcript of this import with those words
    load = _freezing(nlp_loader)
    deferred = _Deferred.start(conn)
    collecting = gc.isenabled()
    with _collector_spared():
        for done, (path, is_survey) in enumerate(sources):
            if collecting:  # a survey sheet is read, analysed and stored with the collector paused
                (gc.disable if is_survey else gc.enable)()
            if progress:
                progress(done, len(sources), path.name)
            try:
                if is_survey:
                    planned = _read_survey(conn, path, options)
                    from qcode.segment import prime
                    prime([p for _, d in planned for turn in d.turns for p in turn.paragraphs], load())
                else:
                    planned = [_read_transcript(path, sheets, options)]
            except BesideBadSheet:
                continue  # the sheet's problem, reported once, says these transcripts wait for it
            except ReadError as error:
                problems.append(error.problem)
                continue
            except QcodeError as error:  # any other refusal while reading is this input's problem too
                problems.extend(error.problems if isinstance(error, ProblemsError) else [error.problem])
                continue
            except Exception as error:  # a reader's bug on a hostile file: that file's problem, no traceback
                problems.append(unreadable(path, error))
                continue
            report.files += 1
            for plan, document in planned:
                if seen.setdefault(plan.name, path) != path:
                    problems.append(Problem(f"another file with this name is imported too ({seen[plan.name]})",
                                            path, hint="rename one of them: transcripts are known by file name"))
                elif (twin := _twin(conn, plan, twins, existing, options)) is not None:
                    problems.append(Problem(
                        f"the same interview as {twin} (the same words under another file name)", path,
                        hint="leave one of them out (a renamed file keeps its old name in the project); "
                             "import it anyway with --allow-duplicate"))
                elif not problems or options.skip_bad:
                    if plan.settled is None and plan.name in chosen_none:  # said before: nobody interviews
                        plan.settled, plan.unsettled = "none", None
                    _store(conn, plan, document, existing.get(plan.name), unit, load, report, deferred)
                    if plan.unsettled is not None:
                        report.unsettled.append(plan.unsettled)
            if is_survey:
                from qcode.segment import forget_primed
                forget_primed()
    deferred.finish(conn)
    if progress:
        progress(len(sources), len(sources), "")
    if problems and not options.skip_bad:
        raise InputError(problems)
    report.skipped = problems
    return report


def unreadable(path: Path, error: Exception) -> Problem:
    """The problem for a file a reader failed on unexpectedly: its type only, the message may quote the file."""
    return Problem(f"could not read this file (internal error: {type(error).__name__})", path,
                   hint="check that the file opens in its own program and save a fresh copy; leave it out "
                        "with --skip-bad; please report the file's kind so the reader can be fixed")


@contextmanager
def _collector_spared() -> Iterator[None]:
    """Keep Python's cyclic garbage collector from re-scanning long-lived objects during an import.

    Every full collection walks all tracked objects, the spaCy pipeline's ~110,000 among them, and
    a long import triggers many: measured in one process, 2M words took 10.6 s instead of 6.6 s,
    slowing as the import went on. Frozen objects are skipped; unfreezing at the end gives them back.

    A survey sheet is imported with the collector paused (`import_paths`): its rows, documents and
    analyses are made at once and live until the sheet is stored, and the collector went over them
    again and again (6% of a 1,200-respondent sheet's import). A sheet leaves no cyclic garbage but
    openpyxl's few objects, collected when the collector runs again.
    """
    enabled = gc.isenabled()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _freezing(nlp_loader: Callable) -> Callable:
    """The loader, freezing the pipeline's objects too when it is first loaded during the import."""
    loaded = []

    def load():  # type: ignore[no-untyped-def]
        if not loaded:
            loaded.append(nlp_loader())
            gc.freeze()
        return loaded[0]
    return load


def _store(conn: sqlite3.Connection, plan: _Planned, document: ParsedDocument, known: tuple[int, str, str | None] | None,
           unit: Unit, nlp_loader: Callable, report: ImportReport, deferred: _Deferred) -> None:
    if not plan.participant_stored:
        _upsert_participant(conn, plan.participant, plan.attributes)
    if known and known[1] == plan.content_hash:
        if known[2] != plan.text_column:  # imported by a qcode that did not record the column
            conn.execute("UPDATE transcripts SET text_column = ? WHERE id = ?", (plan.text_column, known[0]))
        # '--no-interviewer' or the sheet may settle an unchanged transcript; the words hash may be missing
        conn.execute("UPDATE transcripts SET interviewer_settled = ?, words_hash = ? WHERE id = ?",
                     (plan.settled, plan.words_hash, known[0]))
        report.unchanged += 1
        return
    _write(conn, plan, document, known[0] if known else None, unit, nlp_loader(), report, deferred)


def _discover(paths: list[Path], options: ImportOptions,
              report: ImportReport) -> tuple[list[tuple[Path, bool]], list[Problem]]:
    """The files to read, each flagged True for a survey sheet; and the problems found already.

    A file named twice (twice over, inside a folder also named, or through a link) is read once.
    """
    sources: list[tuple[Path, bool]] = []
    problems: list[Problem] = []
    taken: set[tuple[int, int]] = set()

    def add(path: Path, is_survey: bool) -> None:
        identity = _identity(path)
        if identity not in taken:
            taken.add(identity)
            sources.append((path, is_survey))

    for path in paths:
        if not path.exists():
            problems.append(Problem("no such file or folder", path, hint="check the path"))
        elif path.is_dir():
            for child in _walk(path):
                if is_participants_sheet(child):
                    continue
                if child.suffix.lower() in SHEET_SUFFIXES:  # survey or codings sheets are named explicitly
                    (report.codings_sheets if is_codings_sheet(child) else report.left_alone).append(child)
                else:
                    add(child, False)
        elif not path.is_file():
            problems.append(Problem("not a regular file (a device or a pipe?)", path,
                                    hint="name transcript files or folders that hold them"))
        elif is_participants_sheet(path):
            continue  # read with the transcripts beside it
        elif path.suffix.lower() in SHEET_SUFFIXES:
            if not (options.text_columns and options.id_column) and is_codings_sheet(path):
                problems.append(Problem("this is a codings sheet, not transcripts or survey answers", path,
                                        hint=f"import it with: qcode codings import {path}"))
            elif options.text_columns and options.id_column:
                add(path, True)
            else:
                problems.append(Problem(
                    "a spreadsheet is imported as survey answers, which needs the columns to use",
                    path, hint="add --id-column COLUMN --text-column COLUMN"))
        else:
            add(path, False)
    return sources, problems


def _identity(path: Path) -> tuple[int, int]:
    """The same file whatever path leads to it: its device and inode (links followed)."""
    status = path.stat()
    return status.st_dev, status.st_ino


def nfc(name: str) -> str:
    """A file name in Unicode NFC: macOS writes names decomposed (NFD), most other places composed."""
    return unicodedata.normalize("NFC", name)


def _walk(folder: Path) -> Iterator[Path]:
    for child in sorted(folder.rglob("*")):
        relative = child.relative_to(folder).parts
        if child.is_file() and not any(p.startswith(".") for p in relative) and child.name not in PROJECT_FILES:
            yield child


def _read_survey(conn: sqlite3.Connection, path: Path, options: ImportOptions) -> list[tuple[_Planned, ParsedDocument]]:
    """The sheet's chosen questions, with every question of it imported before (never replaced, never dropped)."""
    earlier = earlier_questions(conn, path)
    texts = read_question_texts(options.questions) if options.questions else None
    survey = read_survey(path, options.id_column or "", list(options.text_columns), earlier=list(earlier),
                         question_texts=texts, header_rows=options.header_rows)
    ids = {q.id: earlier.get(q.column, q.id) for q in survey.questions}  # an id given before is kept
    for document in survey.documents:
        for turn in document.turns:
            if turn.question in ids and ids[turn.question] != turn.question:
                turn.question = ids[turn.question]
    _store_questions(conn, path, [(ids[q.id], q) for q in survey.questions])
    columns = ",".join(q.column for q in survey.questions)
    planned = [(_Planned(nfc(d.name), path, d.participant or "", d.attributes, set(),
                         _content_hash(d, d.participant or "", set()), columns, participant_stored=True), d)
               for d in survey.documents]
    for respondent, attributes in survey.respondents.items():  # answered or not, each counts among all respondents
        _upsert_participant(conn, respondent, attributes)
    conn.executemany("INSERT OR IGNORE INTO survey_respondents (sheet, participant_id) VALUES (?, ?)",
                     [(nfc(path.name), respondent) for respondent in survey.respondents])
    return planned


def earlier_questions(conn: sqlite3.Connection, path: Path) -> dict[str, str]:
    """The columns of this sheet imported before, with their question ids."""
    sheet = nfc(path.name)
    found = {column: qid for qid, column in conn.execute(
        "SELECT id, column_name FROM questions WHERE sheet = ? ORDER BY position", (sheet,))}
    for (columns,) in conn.execute("SELECT DISTINCT text_column FROM transcripts WHERE substr(name, 1, ?) = ? "
                                   "AND text_column IS NOT NULL", (len(sheet) + 1, sheet + "#")):
        for column in columns.split(","):
            found.setdefault(column, column)
    return found


def _store_questions(conn: sqlite3.Connection, path: Path, questions: list) -> None:  # type: ignore[type-arg]
    sheet = nfc(path.name)
    for qid, question in questions:
        other = conn.execute("SELECT sheet, column_name FROM questions WHERE id = ?", (qid,)).fetchone()
        if other and tuple(other) != (sheet, question.column):
            raise ReadError(f"question id {qid!r} is taken by column {other[1]!r} of {other[0]}", path=path,
                            line=1, unit="row", hint="rename the column, or import this sheet into a project of its own")
        conn.execute("INSERT INTO questions (id, sheet, column_name, text, position) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT (id) DO UPDATE SET text = excluded.text, position = excluded.position",
                     (qid, sheet, question.column, question.text, question.position))


_QUESTION_ID_COLUMNS = ("vraag", "question", "kolom", "column", "id", "code")
_QUESTION_TEXT_COLUMNS = ("tekst", "text", "vraagtekst", "question text", "label")


def _question_columns(header: list[str]) -> tuple[str | None, str | None]:
    lower = {name.casefold(): name for name in header if name}
    return (next((lower[k] for k in _QUESTION_ID_COLUMNS if k in lower), None),
            next((lower[k] for k in _QUESTION_TEXT_COLUMNS if k in lower), None))


def is_questions_sheet(path: Path) -> bool:
    """Whether a sheet is a questions sheet (two or three columns: question ids and their texts)."""
    from qcode.readers.sheets import read_rows

    try:
        header, _ = read_rows(path)
    except Exception:  # noqa: BLE001 - only a guess for a message; using the sheet reports its problems
        return False
    id_column, text_column = _question_columns(header)
    named = [name for name in header if name]  # 'id' or 'code' beside 'tekst' may be a survey's respondent
    return len(named) <= 3 and text_column is not None and id_column is not None and \
        id_column.casefold() in ("vraag", "question", "kolom", "column")


def read_question_texts(path: Path) -> dict[str, str]:
    """A questions sheet: a column of question ids (or column names) and a column of their texts."""
    from qcode.readers.sheets import read_rows

    header, rows = read_rows(path)
    id_column, text_column = _question_columns(header)
    if not id_column or not text_column:
        raise ReadError("a questions sheet needs a column of ids ('vraag' or 'question') and one of texts "
                        "('tekst' or 'text')", path=path, line=1, unit="row",
                        hint="name the two columns in the first row")
    return {str(r[id_column]).strip(): str(r[text_column]).strip() for _, r in rows
            if r.get(id_column) is not None and r.get(text_column) is not None}


class BesideBadSheet(Exception):
    """A transcript beside a participants sheet already reported as bad: not imported, not reported again."""


_WAITING = "the transcripts beside it are not imported until it is fixed (they would get the wrong participant)"


def _sheet_for(folder: Path, cache: dict[Path, dict[str, ParticipantRow] | None]) -> dict[str, ParticipantRow]:
    """The participants sheet of a folder, read once; a bad sheet is reported once, with the first
    transcript that needs it, and every other transcript beside it waits silently."""
    if folder in cache:
        rows = cache[folder]
        if rows is None:
            raise BesideBadSheet()
        return rows
    cache[folder] = None
    sheet = find_sheet(folder)
    try:
        cache[folder] = read_participants(sheet) if sheet is not None else {}
    except ReadError as error:
        problem = error.problem
        raise ReadError(problem.message, path=problem.path, line=problem.line, unit=problem.unit,
                        hint=f"{problem.hint}; {_WAITING}" if problem.hint else _WAITING) from None
    except QcodeError:
        raise
    except Exception as error:  # a reader's bug: name the sheet, not the transcript that needed it
        problem = unreadable(sheet, error)
        raise ReadError(problem.message, path=problem.path, hint=f"{problem.hint}; {_WAITING}") from None
    return cache[folder]


def _read_transcript(path: Path, sheets: dict[Path, dict[str, ParticipantRow] | None],
                     options: ImportOptions) -> tuple[_Planned, ParsedDocument]:
    rows = _sheet_for(path.parent, sheets)
    name = nfc(path.name)
    row = rows.get(name)
    by_sheet = row is not None and (bool(row.interviewer) or row.no_interviewer)
    interviewer = set(row.interviewer if by_sheet else options.interviewer)
    none_chosen = row.no_interviewer if by_sheet else options.no_interviewer
    document = read_transcript(path, interviewer)
    if row is None:
        row = rows.get(document.participant or nfc(path.stem))
    participant = row.participant if row else (document.participant or nfc(path.stem))
    if row and document.participant and document.participant != row.participant:
        raise ReadError(f"front matter says participant {document.participant!r}, but {row.sheet.name} "
                        f"row {row.row} says {row.participant!r}", path=path, line=2,
                        hint="make the two agree")
    attributes = dict(document.attributes)
    for key, value in (row.attributes if row else {}).items():
        if key in attributes and str(attributes[key]) != str(value):
            raise ReadError(f"front matter gives {key} = {attributes[key]!r}, but {row.sheet.name} "
                            f"row {row.row} gives {value!r}", path=path, line=2,
                            hint="make the two agree, or keep the attribute in one place")
        attributes[key] = value
    roles = assign_roles(document, interviewer)
    settled = settlement(document, roles, interviewer, none_chosen)
    speakers = tuple(dict.fromkeys(turn.speaker for turn in document.turns)) if document.speakers_named else ()
    spoken = {speaker.lower() for speaker in speakers}
    unsettled = None if settled else Unsettled(
        name, path, speakers, tuple(sorted(n for n in interviewer if " ".join(n.split()).lower() not in spoken)))
    plan = _Planned(name, path, participant, attributes, interviewer,
                    _content_hash(document, participant, interviewer), settled=settled, unsettled=unsettled,
                    words_hash=words_hash(document))
    return plan, document


def settlement(document: ParsedDocument, roles: list[str], interviewer: set[str], none_chosen: bool) -> str | None:
    """How a transcript's interviewer is settled: 'label' (a known interviewer label), 'named' (by
    --interviewer or the sheet), 'none' (chosen: nobody interviews), 'one speaker'; None while a
    transcript with several speakers, or none named, has no interviewer and nobody said why."""
    if "interviewer" in roles:
        named = {" ".join(n.split()).lower() for n in interviewer}
        asked = {turn.speaker.lower() for turn, role in zip(document.turns, roles) if role == "interviewer"}
        return "named" if asked & named else "label"
    if none_chosen:
        return "none"
    if document.speakers_named and len({turn.speaker for turn in document.turns}) < 2:
        return "one speaker"
    return None


def words_hash(document: ParsedDocument) -> str:
    """The interview's words alone (no speakers, roles or participant): the same interview under
    another file name, or with other labels, has the same."""
    digest = hashlib.sha256()
    for turn in document.turns:
        for paragraph in turn.paragraphs:
            digest.update(" ".join(paragraph.split()).encode() + b"\x1f")
    return digest.hexdigest()


def _twin(conn: sqlite3.Connection, plan: _Planned, twins: dict[str, str],
          existing: dict[str, tuple[int, str, str | None]], options: ImportOptions) -> str | None:
    """The transcript (imported before, or earlier in this import) that holds the same words under
    another name; None for a survey answer, a re-import of the same name, or when allowed."""
    if plan.words_hash is None:
        return None
    first = twins.setdefault(plan.words_hash, plan.name)
    if options.allow_duplicate:
        return None
    if first != plan.name:
        return first
    if plan.name in existing:
        return None
    row = conn.execute("SELECT name FROM transcripts WHERE words_hash = ? AND name != ? ORDER BY name LIMIT 1",
                       (plan.words_hash, plan.name)).fetchone()
    return row[0] if row else None


def _content_hash(document: ParsedDocument, participant: str, interviewer: set[str]) -> str:
    """What decides whether a stored transcript is still current: text, speakers, roles, participant."""
    roles = assign_roles(document, interviewer)
    digest = hashlib.sha256()
    digest.update(participant.encode())
    for turn, role in zip(document.turns, roles):
        digest.update(f"\x1e{turn.speaker}\x1f{role}\x1f{turn.timestamp}".encode())
        for paragraph in turn.paragraphs:
            digest.update(b"\x1f" + paragraph.encode())
    return digest.hexdigest()


def _upsert_participant(conn: sqlite3.Connection, participant: str, attributes: dict[str, Any]) -> None:
    row = conn.execute("SELECT attributes FROM participants WHERE id = ?", (participant,)).fetchone()
    if row is None:
        conn.execute("INSERT INTO participants (id, attributes) VALUES (?, ?)",
                     (participant, _json(attributes)))
    elif attributes:
        merged = {**json.loads(row[0]), **attributes}
        conn.execute("UPDATE participants SET attributes = ? WHERE id = ?", (_json(merged), participant))


def _write(conn: sqlite3.Connection, plan: _Planned, document: ParsedDocument, transcript_id: int | None,
           unit: Unit, nlp, report: ImportReport, deferred: _Deferred) -> None:
    stored = render(document.turns)
    roles = assign_roles(document, plan.interviewer)
    fragments = list(segment(stored.paragraphs, unit, nlp))
    words = sum(f.words for f in fragments)
    now = utc_now()
    values = (str(plan.path), document.format, plan.content_hash, plan.participant, stored.text,
              document.preamble, now, plan.text_column, plan.settled, plan.words_hash, words)
    replacing = transcript_id is not None
    if transcript_id is None:
        transcript_id = conn.execute(
            "INSERT INTO transcripts (name, source_path, format, content_hash, participant_id, text, "
            "preamble, imported_at, text_column, interviewer_settled, words_hash, words) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (plan.name, *values),
        ).fetchone()[0]
        report.new += 1
    else:
        conn.execute(
            "UPDATE transcripts SET source_path = ?, format = ?, content_hash = ?, participant_id = ?, "
            "text = ?, preamble = ?, imported_at = ?, text_column = ?, interviewer_settled = ?, words_hash = ?, "
            "words = ? WHERE id = ?", (*values, transcript_id))
        # The old turns step aside (negative numbers) until their surviving fragments have moved to the new.
        conn.execute("UPDATE turns SET number = -number WHERE transcript_id = ?", (transcript_id,))
        report.changed += 1
    conn.executemany(
        'INSERT INTO turns (transcript_id, number, speaker, role, timestamp, start, "end", source_line, question) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(transcript_id, n, turn.speaker, role, turn.timestamp, span[0], span[1], turn.location, turn.question)
         for n, (turn, role, span) in enumerate(zip(document.turns, roles, stored.turn_spans), start=1)])
    turn_ids = [row[0] for row in conn.execute(
        "SELECT id FROM turns WHERE transcript_id = ? AND number > 0 ORDER BY number", (transcript_id,))]
    rows = [(transcript_id, turn_ids[f.turn], index, f.text, f.start, f.end, f.sentences_json(), f.lemmas,
             f.words) for index, f in enumerate(fragments, start=1)]
    to_insert = rows
    if replacing:
        relocation = refragment(conn, transcript_id, plan.name, rows, [roles[f.turn] for f in fragments])
        conn.execute("DELETE FROM turns WHERE transcript_id = ? AND number < 0", (transcript_id,))
        to_insert = relocation.to_insert
        report.codings_moved += relocation.codings_kept
        report.codings_orphaned += relocation.codings_orphaned
    _insert_fragments(conn, to_insert)
    for forms in {id(f.forms): f.forms for f in fragments}.values():  # a repeated paragraph's are one set
        deferred.forms |= forms
    report.turns += len(turn_ids)
    report.fragments += len(rows)
    report.words += words


def _insert_fragments(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Insert fragments: the ids are new, above every id ever issued (AUTOINCREMENT), so the import
    indexes them at its end (`_Deferred`)."""
    conn.executemany(
        'INSERT INTO fragments (transcript_id, turn_id, idx, text, start, "end", sentences, lemmas, words) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def store_documents(conn: sqlite3.Connection, documents: list[tuple[ParsedDocument, str, dict[str, Any], set[str]]],
                    unit: Unit, nlp_loader: Callable) -> ImportReport:
    """Store documents read elsewhere (a REFI-QDA project's sources), each with its participant, attributes
    and interviewer labels, as files are stored: unchanged ones left, changed ones re-segmented in place."""
    report = ImportReport()
    existing = {nfc(row[0]): (row[1], row[2], row[3]) for row in
                conn.execute("SELECT name, id, content_hash, text_column FROM transcripts")}
    load = _freezing(nlp_loader)
    deferred = _Deferred.start(conn)
    with _collector_spared():
        for document, participant, attributes, interviewer in documents:
            settled = settlement(document, assign_roles(document, interviewer), interviewer, False)
            plan = _Planned(document.name, document.source_path, participant, attributes, interviewer,
                            _content_hash(document, participant, interviewer), settled=settled,
                            words_hash=words_hash(document))
            _store(conn, plan, document, existing.get(nfc(plan.name)), unit, load, report, deferred)
            report.files += 1
    deferred.finish(conn)
    return report
