"""Numbered, forward-only schema migrations.

Each migration is a named step applied once, in order, inside one transaction, and recorded in
`schema_version`. Released steps are never edited: a change to the schema is a new step.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from qcode.db.connection import Database, transaction
from qcode.errors import NewerSchemaError

Step = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Step]] = []


def migration(name: str, *, rebuilds_tables: bool = False) -> Callable[[Step], Step]:
    """Register a step; one that rebuilds a table others refer to runs with foreign keys off.

    SQLite's way to change a table's definition (its "12 steps"): with enforcement off, dropping the
    old table neither cascades into the tables that refer to it nor fails; the references are checked
    with `PRAGMA foreign_key_check` before the step commits.
    """
    def register(step: Step) -> Step:
        step.rebuilds_tables = rebuilds_tables  # type: ignore[attr-defined]
        MIGRATIONS.append((name, step))
        return step
    return register


@migration("0001_initial")
def _initial(conn: sqlite3.Connection) -> None:
    for statement in _INITIAL_SQL.split(";\n\n"):
        conn.execute(statement)


_INITIAL_SQL = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE participants (
    id TEXT PRIMARY KEY,
    attributes TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE transcripts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    source_path TEXT NOT NULL,
    format TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants(id),
    text TEXT NOT NULL,
    preamble TEXT,
    words INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE turns (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    speaker TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('interviewer', 'participant')),
    timestamp REAL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    source_line INTEGER,
    UNIQUE (transcript_id, number)
);

CREATE TABLE fragments (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentences TEXT NOT NULL,
    lemmas TEXT NOT NULL,
    words INTEGER NOT NULL,
    UNIQUE (transcript_id, idx)
);

CREATE INDEX fragments_turn ON fragments(turn_id);

-- Filled by the importer, one INSERT … SELECT per transcript (index_fragments): several times
-- cheaper than a trigger per row. Deletions are kept in step by the trigger below.
CREATE VIRTUAL TABLE fragments_fts USING fts5(
    text, content='fragments', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);

CREATE TRIGGER fragments_ad AFTER DELETE ON fragments BEGIN
    INSERT INTO fragments_fts(fragments_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TABLE word_forms (
    form TEXT PRIMARY KEY,
    lemma TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX word_forms_lemma ON word_forms(lemma);

CREATE TABLE codebook_versions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    language TEXT NOT NULL,
    source_path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    yaml TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    note TEXT
);

CREATE TABLE codes (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES codes(id) ON UPDATE CASCADE,
    label TEXT NOT NULL,
    chapter TEXT,
    description TEXT,
    include TEXT,
    exclude TEXT,
    examples TEXT NOT NULL DEFAULT '[]',
    keywords TEXT NOT NULL DEFAULT '[]',
    color TEXT,
    role TEXT,
    position INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    version_id INTEGER NOT NULL REFERENCES codebook_versions(id)
);

CREATE TABLE codings (
    id INTEGER PRIMARY KEY,
    fragment_id INTEGER NOT NULL REFERENCES fragments(id),
    code_id TEXT NOT NULL REFERENCES codes(id) ON UPDATE CASCADE,
    coder TEXT NOT NULL,
    main INTEGER NOT NULL DEFAULT 0,
    star INTEGER NOT NULL DEFAULT 0,
    memo TEXT,
    span_start INTEGER,
    span_end INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (fragment_id, code_id, coder)
);

CREATE INDEX codings_code ON codings(code_id);

CREATE TABLE orphaned_codings (
    id INTEGER PRIMARY KEY,
    transcript TEXT NOT NULL,
    fragment_text TEXT NOT NULL,
    code_id TEXT NOT NULL,
    coder TEXT NOT NULL,
    main INTEGER NOT NULL,
    star INTEGER NOT NULL,
    memo TEXT,
    span_start INTEGER,
    span_end INTEGER,
    created_at TEXT NOT NULL,
    orphaned_at TEXT NOT NULL,
    reason TEXT NOT NULL
);

CREATE TABLE coding_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    coder TEXT NOT NULL,
    action TEXT NOT NULL,
    fragment_id INTEGER,
    code_id TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
)"""


def newer_schema(db: Database, version: int) -> NewerSchemaError:
    return NewerSchemaError(
        f"the project database was made by a newer qcode (schema {version}, this qcode knows "
        f"{len(MIGRATIONS)}); nothing was changed", path=getattr(db.conn, "path", None),
        hint="upgrade qcode (e.g. 'pip install --upgrade qcode') and run the command again")


def schema_version(db: Database) -> int:
    if "schema_version" not in db.table_names():
        return 0
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return row[0] or 0


def migrate(db: Database) -> list[str]:
    """Apply every step newer than the database; return the names applied.

    Every write goes through `transaction`, so a damaged file (quick_check) or a read-only one
    is refused before anything is written; a newer schema is never touched.
    """
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise newer_schema(db, current)
    applied = []
    for number, (name, step) in enumerate(MIGRATIONS, start=1):
        if number <= current:
            continue
        rebuilds = getattr(step, "rebuilds_tables", False)
        if rebuilds:
            db.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set before BEGIN
        try:
            with transaction(db) as conn:
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version "
                             "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
                step(conn)
                if rebuilds and conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise sqlite3.IntegrityError(f"migration {name} would break a reference between tables")
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, datetime.now(timezone.utc).isoformat(timespec="seconds")),
                )
        finally:
            if rebuilds:
                db.execute("PRAGMA foreign_keys = ON")
        applied.append(name)
    return applied


@migration("0002_seen")
def _seen(conn: sqlite3.Connection) -> None:
    """Which fragments each coder has looked at: agreement counts a seen, uncoded fragment as 'no'."""
    conn.execute(
        "CREATE TABLE seen ("
        " fragment_id INTEGER NOT NULL REFERENCES fragments(id) ON DELETE CASCADE,"
        " coder TEXT NOT NULL,"
        " at TEXT NOT NULL,"
        " PRIMARY KEY (fragment_id, coder)"
        ") WITHOUT ROWID")
    conn.execute("CREATE INDEX codings_coder ON codings(coder, fragment_id)")


@migration("0003_stable_fragment_ids", rebuilds_tables=True)
def _stable_fragment_ids(conn: sqlite3.Connection) -> None:
    """Fragment ids are never issued twice; a survey document knows the column its text came from.

    Without AUTOINCREMENT SQLite hands out max(id) + 1, so after a re-import deleted the last
    fragments their ids went to other words, and a codings sheet written earlier coded those. The
    table is rebuilt with AUTOINCREMENT (same ids, same rows); the counter starts above every id the
    change log has ever named. The full-text index is keyed on the id and stays as it is.
    """
    conn.execute(_FRAGMENTS_AUTOINCREMENT)
    conn.execute('INSERT INTO fragments_autoincrement (id, transcript_id, turn_id, idx, text, start, "end", '
                 'sentences, lemmas, words) SELECT id, transcript_id, turn_id, idx, text, start, "end", '
                 "sentences, lemmas, words FROM fragments")
    conn.execute("DROP TABLE fragments")
    conn.execute("ALTER TABLE fragments_autoincrement RENAME TO fragments")
    conn.execute("CREATE INDEX fragments_turn ON fragments(turn_id)")
    conn.execute("CREATE TRIGGER fragments_ad AFTER DELETE ON fragments BEGIN "
                 "INSERT INTO fragments_fts(fragments_fts, rowid, text) VALUES ('delete', old.id, old.text); END")
    conn.execute("DELETE FROM sqlite_sequence WHERE name = 'fragments'")
    conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('fragments', max("
                 "(SELECT coalesce(max(id), 0) FROM fragments), "
                 "(SELECT coalesce(max(fragment_id), 0) FROM coding_log)))")
    conn.execute("ALTER TABLE transcripts ADD COLUMN text_column TEXT")


_FRAGMENTS_AUTOINCREMENT = """
CREATE TABLE fragments_autoincrement (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentences TEXT NOT NULL,
    lemmas TEXT NOT NULL,
    words INTEGER NOT NULL,
    UNIQUE (transcript_id, idx)
)"""


@migration("0004_codebook_path_in_project")
def _codebook_path_in_project(conn: sqlite3.Connection) -> None:
    """A codebook file inside the project folder is remembered relative to it, so a copy edits its own.

    Before, the absolute path was stored, and `codebook rename` in a copied project rewrote the
    original project's YAML. Files outside the project keep their absolute path.
    """
    database = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    if not database:
        return
    root = Path(database).resolve().parent
    for version_id, source in conn.execute("SELECT id, source_path FROM codebook_versions").fetchall():
        path = Path(source)
        if path.is_absolute() and path.is_relative_to(root):
            conn.execute("UPDATE codebook_versions SET source_path = ? WHERE id = ?",
                         (path.relative_to(root).as_posix(), version_id))


@migration("0005_imported_sheets")
def _imported_sheets(conn: sqlite3.Connection) -> None:
    """The sheets (codings, and whatever else qcode reads besides transcripts and codebooks) the project imported.

    An output must never be written over a file the project read; transcripts and codebooks are known
    from their own tables, a codings sheet left no trace before. Paths inside the project are stored
    relative to it, others absolute. Sheets imported before this step cannot be known.
    """
    conn.execute("CREATE TABLE imported_files ("
                 " path TEXT PRIMARY KEY,"
                 " kind TEXT NOT NULL,"
                 " imported_at TEXT NOT NULL"
                 ")")


@migration("0006_coding_spans")
def _coding_spans(conn: sqlite3.Connection) -> None:
    """Every span of a coding that covers several stretches of its fragment (NVivo codes phrases, and
    two phrases of one code in one paragraph are two selections). The coding's own span is their union;
    a coding with one span has no rows here. Spans are relative to the fragment, like the coding's."""
    conn.execute("CREATE TABLE IF NOT EXISTS coding_spans ("
                 " coding_id INTEGER NOT NULL REFERENCES codings(id) ON DELETE CASCADE,"
                 " start INTEGER NOT NULL,"
                 ' "end" INTEGER NOT NULL,'
                 ' PRIMARY KEY (coding_id, start, "end")'
                 ") WITHOUT ROWID")


@migration("0007_search_lemmas")
def _search_lemmas(conn: sqlite3.Connection) -> None:
    """Search lemmas from `qcode.lemmas`, several a form, derived again for the fragments already stored.

    Before, `word_forms` held one lemma a form from spaCy's lookup table, which missed most past
    tenses and participles (`search stoppen` did not find gestopt or stopte). The table gets a
    (form, lemma) key, and it and the fragments' lemmas are derived again from the fragments' text,
    so search on an existing project is right without importing it again.
    """
    from qcode.segment import lemmatise_texts, load_pipeline

    conn.execute("DROP TABLE word_forms")
    conn.execute("CREATE TABLE word_forms (form TEXT NOT NULL, lemma TEXT NOT NULL, PRIMARY KEY (form, lemma)) "
                 "WITHOUT ROWID")
    conn.execute("CREATE INDEX word_forms_lemma ON word_forms(lemma)")
    rows = conn.execute("SELECT id, text FROM fragments ORDER BY id").fetchall()
    forms: set[tuple[str, str]] = set()
    updates = []
    for (fragment_id, _), (lemmas, pairs) in zip(rows, lemmatise_texts([text for _, text in rows], load_pipeline())):
        updates.append((lemmas, fragment_id))
        forms.update(pairs)
    conn.executemany("UPDATE fragments SET lemmas = ? WHERE id = ?", updates)
    conn.executemany("INSERT INTO word_forms (form, lemma) VALUES (?, ?)", sorted(forms))


@migration("0008_code_kinds")
def _code_kinds(conn: sqlite3.Connection) -> None:
    """What kind of theme a code is: `reason` (a reason to leave: mentions and main reasons) or `context`
    (a positive or background theme: mentions only, never ranked as a reason).

    The stored kind is the effective one (a sub-code's own, else its theme's). Codebooks before this step
    could not say: their codes become reasons, the recommendations branch context, as a load would make them.
    """
    conn.execute("ALTER TABLE codes ADD COLUMN kind TEXT NOT NULL DEFAULT 'reason'")
    conn.execute("WITH RECURSIVE advice(id) AS (SELECT id FROM codes WHERE role = 'recommendations' "
                 "UNION SELECT c.id FROM codes c JOIN advice a ON c.parent_id = a.id) "
                 "UPDATE codes SET kind = 'context' WHERE id IN (SELECT id FROM advice)")


@migration("0009_interviewer_settled")
def _interviewer_settled(conn: sqlite3.Connection) -> None:
    """How each transcript's interviewer was settled, and a hash of its words alone.

    `interviewer_settled`: 'label' (a known interviewer label), 'named' (--interviewer or the
    participants sheet), 'none' (chosen: nobody interviews), 'one speaker', or NULL while a transcript
    with several speakers has no interviewer and nobody said why: `status` lists those. Transcripts
    imported before are settled by what their turns show ('label' for any interviewer turn: whether it
    was named is not known). `words_hash` finds the same interview imported under another file name.
    """
    import hashlib

    columns = {row[1] for row in conn.execute("PRAGMA table_info(transcripts)")}
    for column in ("interviewer_settled", "words_hash"):
        if column not in columns:  # a test that rolls a project back to an older step may leave them
            conn.execute(f"ALTER TABLE transcripts ADD COLUMN {column} TEXT")
    conn.execute(
        "UPDATE transcripts SET interviewer_settled = CASE "
        "WHEN EXISTS (SELECT 1 FROM turns WHERE transcript_id = transcripts.id AND role = 'interviewer') THEN 'label' "
        "WHEN (SELECT COUNT(DISTINCT speaker) FROM turns WHERE transcript_id = transcripts.id) < 2 THEN 'one speaker' "
        "END")
    for transcript_id, text in conn.execute("SELECT id, text FROM transcripts WHERE format != 'survey'").fetchall():
        digest = hashlib.sha256()  # as importer.words_hash: each paragraph of each turn, whitespace collapsed
        for start, end in conn.execute('SELECT start, "end" FROM turns WHERE transcript_id = ? ORDER BY number',
                                       (transcript_id,)):
            for paragraph in text[start:end].split("\n\n"):
                digest.update(" ".join(paragraph.split()).encode() + b"\x1f")
        conn.execute("UPDATE transcripts SET words_hash = ? WHERE id = ?", (digest.hexdigest(), transcript_id))
    conn.execute("CREATE INDEX IF NOT EXISTS transcripts_words_hash ON transcripts(words_hash)")


@migration("0010_quote_decisions")
def _quote_decisions(conn: sqlite3.Connection) -> None:
    """The researcher's decisions from the quote sheet: include (ja/nee), order within its code, the printed text.

    Keyed by coding id, with the coding's fragment, code and coder beside it; no foreign key, so a
    decision outlives its coding (removed, or orphaned by a re-import) and is reported as stale
    instead of vanishing. `text` is the verified edit (NULL: print the coded words as they are); the
    fragment's own text is never changed.
    """
    conn.execute("CREATE TABLE quote_decisions ("
                 " coding_id INTEGER PRIMARY KEY,"
                 " fragment_id INTEGER NOT NULL,"
                 " code_id TEXT NOT NULL,"
                 " coder TEXT NOT NULL,"
                 " include INTEGER,"
                 " position INTEGER,"
                 " text TEXT,"
                 " edited_by TEXT NOT NULL,"
                 " edited_at TEXT NOT NULL"
                 ")")
    conn.execute("CREATE INDEX quote_decisions_coder ON quote_decisions(coder, fragment_id, code_id)")


@migration("0011_survey_questions")
def _survey_questions(conn: sqlite3.Connection) -> None:
    """A survey's open questions, first-class: each answer's turn (and the prompt before it) names its question.

    Survey answers imported before held one column per sheet (`transcripts.text_column`): that column
    becomes the sheet's question, so `--question` works on them at once; the next import of the sheet
    adds the question as a prompt before each answer and keeps every coding.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS questions ("
                 " id TEXT PRIMARY KEY,"
                 " sheet TEXT NOT NULL,"
                 " column_name TEXT NOT NULL,"
                 " text TEXT NOT NULL,"
                 " position INTEGER NOT NULL,"
                 " UNIQUE (sheet, column_name)"
                 ")")
    conn.execute("CREATE TABLE IF NOT EXISTS survey_respondents ("
                 " sheet TEXT NOT NULL,"
                 " participant_id TEXT NOT NULL REFERENCES participants(id),"
                 " PRIMARY KEY (sheet, participant_id)"
                 ") WITHOUT ROWID")  # every respondent of a sheet, also those who answered no open question
    if "question" not in {row[1] for row in conn.execute("PRAGMA table_info(turns)")}:  # safe to run twice
        conn.execute("ALTER TABLE turns ADD COLUMN question TEXT")
    conn.execute("CREATE INDEX IF NOT EXISTS turns_question ON turns(question) WHERE question IS NOT NULL")
    sheets = conn.execute("SELECT DISTINCT substr(name, 1, instr(name, '#') - 1), text_column FROM transcripts "
                          "WHERE format = 'survey' AND text_column IS NOT NULL AND instr(name, '#') > 0").fetchall()
    for sheet, column in sheets:
        if conn.execute("SELECT 1 FROM questions WHERE id = ?", (column,)).fetchone():
            continue
        conn.execute("INSERT INTO questions (id, sheet, column_name, text, position) VALUES (?, ?, ?, ?, 0)",
                     (column, sheet, column, column))
        conn.execute("INSERT OR IGNORE INTO survey_respondents (sheet, participant_id) SELECT ?, participant_id "
                     "FROM transcripts WHERE format = 'survey' AND substr(name, 1, ?) = ?", (sheet, len(sheet) + 1, sheet + "#"))
        conn.execute("UPDATE turns SET question = ? WHERE role = 'participant' AND transcript_id IN (SELECT id FROM "
                     "transcripts WHERE format = 'survey' AND text_column = ? AND substr(name, 1, ?) = ?)",
                     (column, column, len(sheet) + 1, sheet + "#"))


@migration("0012_anonymise")
def _anonymise(conn: sqlite3.Connection) -> None:
    """What the identifier detectors found per fragment, and the researcher's decisions per text.

    `anonymise_scans` says which detector version scanned a fragment; a fragment whose text changes
    (a re-import) loses its scan through the trigger, so it is scanned again, and its findings go with
    the fragment. Decisions are keyed by the identifier's text, so they hold for every fragment and
    every later import. Nothing here changes a fragment's text.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS anonymise_scans ("
                 " fragment_id INTEGER PRIMARY KEY REFERENCES fragments(id) ON DELETE CASCADE,"
                 " detector TEXT NOT NULL,"
                 " scanned_at TEXT NOT NULL"
                 ")")
    conn.execute("CREATE TABLE IF NOT EXISTS anonymise_findings ("
                 " id INTEGER PRIMARY KEY,"
                 " fragment_id INTEGER NOT NULL REFERENCES fragments(id) ON DELETE CASCADE,"
                 " start INTEGER NOT NULL,"
                 ' "end" INTEGER NOT NULL,'
                 " text TEXT NOT NULL,"
                 " category TEXT NOT NULL,"
                 " source TEXT NOT NULL"
                 ")")
    conn.execute("CREATE INDEX IF NOT EXISTS anonymise_findings_fragment ON anonymise_findings(fragment_id)")
    conn.execute("CREATE INDEX IF NOT EXISTS anonymise_findings_text ON anonymise_findings(text)")
    conn.execute("CREATE TABLE IF NOT EXISTS anonymise_decisions ("
                 " text TEXT PRIMARY KEY,"
                 " decision TEXT NOT NULL CHECK (decision IN ('replace', 'keep', 'always', 'never')),"
                 " replacement TEXT,"
                 " decided_by TEXT NOT NULL,"
                 " decided_at TEXT NOT NULL"
                 ")")
    conn.execute("CREATE TRIGGER IF NOT EXISTS anonymise_text_changed AFTER UPDATE OF text ON fragments "
                 "WHEN old.text IS NOT new.text BEGIN "
                 "DELETE FROM anonymise_scans WHERE fragment_id = old.id; "
                 "DELETE FROM anonymise_findings WHERE fragment_id = old.id; END")


@migration("0013_attribution_acceptances")
def _attribution_acceptances(conn: sqlite3.Connection) -> None:
    """Attributions the researcher accepted as they are ('jongerenwerker, 29 jaar'), which exports then
    print uncoarsened (`qcode.anonymise.attribution_risk`). Keyed by the text as compared (case, spaces and
    dashes folded), with the text as typed beside it."""
    conn.execute("CREATE TABLE IF NOT EXISTS attribution_acceptances ("
                 " key TEXT PRIMARY KEY,"
                 " text TEXT NOT NULL,"
                 " accepted_by TEXT NOT NULL,"
                 " accepted_at TEXT NOT NULL"
                 ") WITHOUT ROWID")


@migration("0014_stable_coding_ids", rebuilds_tables=True)
def _stable_coding_ids(conn: sqlite3.Connection) -> None:
    """Coding ids are never issued twice, as fragment ids are not (0003).

    A chapter's `[[citaat 512]]` and a quote sheet's decisions name a coding by its id; without
    AUTOINCREMENT SQLite gave a removed last coding's id to the next one, so the placeholder quoted
    other words without a warning. The table is rebuilt with AUTOINCREMENT (same ids, same rows); the
    counter starts above every coding id a quote decision has named. Safe to run twice.
    """
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'codings' AND sql LIKE '%AUTOINCREMENT%'").fetchone():
        return
    conn.execute(_CODINGS_AUTOINCREMENT)
    columns = "id, fragment_id, code_id, coder, main, star, memo, span_start, span_end, created_at, updated_at"
    conn.execute(f"INSERT INTO codings_autoincrement ({columns}) SELECT {columns} FROM codings")
    conn.execute("DROP TABLE codings")
    conn.execute("ALTER TABLE codings_autoincrement RENAME TO codings")
    conn.execute("CREATE INDEX codings_code ON codings(code_id)")
    conn.execute("CREATE INDEX codings_coder ON codings(coder, fragment_id)")
    conn.execute("DELETE FROM sqlite_sequence WHERE name = 'codings'")
    conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('codings', max("
                 "(SELECT coalesce(max(id), 0) FROM codings), "
                 "(SELECT coalesce(max(coding_id), 0) FROM quote_decisions)))")


_CODINGS_AUTOINCREMENT = """
CREATE TABLE codings_autoincrement (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    fragment_id INTEGER NOT NULL REFERENCES fragments(id),
    code_id TEXT NOT NULL REFERENCES codes(id) ON UPDATE CASCADE,
    coder TEXT NOT NULL,
    main INTEGER NOT NULL DEFAULT 0,
    star INTEGER NOT NULL DEFAULT 0,
    memo TEXT,
    span_start INTEGER,
    span_end INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (fragment_id, code_id, coder)
)"""
