"""Project: a folder with one `qcode.db`; one method per thing a researcher does."""
from __future__ import annotations

import os
import platform
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qcode import lazy
from qcode.db import Database, create_database, open_database, schema_version, transaction
from qcode.db.checks import integrity
from qcode.db.connection import OnWait
from qcode.errors import NotAProjectError, ProjectExistsError, UsageError
from qcode.records import CodingRecord, FragmentRecord, SearchHit, Status, TranscriptView
from qcode.units import UNITS, Unit

if TYPE_CHECKING:
    from qcode import aggregate, codebook_db, coding, codings_io, outputs, queries, tables, team
    from qcode import agreement as agreement_mod
    from qcode import codebook as cb
    from qcode import merge as merge_mod
    from qcode.importer import ImportReport, Progress
    from qcode.render import chart as chart_render
    from qcode import pseudonymised, quote_choice, quote_import
    from qcode.anonymise import Pseudonymiser
    from qcode.render import attribution, quote_sheets
    from qcode.render import report as report_render
    from qcode.session import CodingSession
else:  # loaded on first use, so that a command pays only for what it needs (spaCy, numpy, Jinja2 …)
    aggregate = lazy.module("qcode.aggregate")
    codebook_db = lazy.module("qcode.codebook_db")
    coding = lazy.module("qcode.coding")
    codings_io = lazy.module("qcode.codings_io")
    outputs = lazy.module("qcode.outputs")
    queries = lazy.module("qcode.queries")
    tables = lazy.module("qcode.tables")
    team = lazy.module("qcode.team")
    agreement_mod = lazy.module("qcode.agreement")
    cb = lazy.module("qcode.codebook")
    merge_mod = lazy.module("qcode.merge")
    chart_render = lazy.module("qcode.render.chart")
    quote_sheets = lazy.module("qcode.render.quote_sheets")
    attribution = lazy.module("qcode.render.attribution")
    quote_choice = lazy.module("qcode.quote_choice")
    quote_import = lazy.module("qcode.quote_import")
    pseudonymised = lazy.module("qcode.pseudonymised")
    report_render = lazy.module("qcode.render.report")

DB_NAME = "qcode.db"
ENV_PROJECT = "QCODE_PROJECT"


class Project:
    def __init__(self, root: Path, db: Database) -> None:
        self.root = root
        self.db = db

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def init(cls, path: Path | str = ".", unit: Unit = "paragraph", on_wait: OnWait | None = None) -> Project:
        """Create a project in `path` (made if missing); an existing one is opened unchanged."""
        if unit not in UNITS:
            raise UsageError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
        root = _project_folder(Path(path))
        database = root / DB_NAME
        _refuse_a_non_file(database)
        if _left_empty_by_an_interrupted_init(database):
            database.unlink()
        if database.exists():
            project = cls.open(root, on_wait)
            if project.unit != unit:
                raise ProjectExistsError(
                    f"a project already exists here, segmented by {project.unit}", path=root / DB_NAME,
                    hint="the unit is chosen once; make a new project for another unit")
            return project
        try:
            db = create_database(database, on_wait)
            with transaction(db) as conn:
                conn.execute("INSERT INTO settings (key, value) VALUES ('unit', ?)", (unit,))
        except BaseException:  # a full disk: leave no half-made qcode.db that would later look damaged
            _remove_database_files(database)
            raise
        return cls(root, db)

    @classmethod
    def open(cls, path: Path | str | None = None, on_wait: OnWait | None = None) -> Project:
        """Open the project at `path`, else at $QCODE_PROJECT, else in the current folder or one above it.

        A folder named explicitly must hold the project itself: walking up from it could quietly
        open a different study (`--project exports/enquete` inside the main study's folder).
        A damaged, foreign or newer database is refused before anything is written (`open_database`);
        `on_wait` is told when a write has to wait for another command's lock.
        """
        explicit = path or os.environ.get(ENV_PROJECT)
        root = cls.find(Path(explicit or ".").resolve(), walk_up=not explicit)
        return cls(root, open_database(root / DB_NAME, on_wait))

    @staticmethod
    def find(start: Path, walk_up: bool = True) -> Path:
        if start.is_file() and start.name == DB_NAME:
            return start.parent
        for folder in (start, *start.parents) if walk_up else (start,):
            _refuse_a_non_file(folder / DB_NAME)
            if (folder / DB_NAME).is_file():
                return folder
        raise NotAProjectError(f"no qcode project in {start}" + (" or any folder above it" if walk_up else ""),
                               hint="run 'qcode init' to make one here, or pass --project DIR")

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @property
    def unit(self) -> Unit:
        return self.conn.execute("SELECT value FROM settings WHERE key = 'unit'").fetchone()[0]

    csv_dialect_choice: str | None = None
    """A CSV dialect for this session only (`qcode --csv-dialect`), over the project's setting."""

    @property
    def csv_dialect(self) -> str:
        """How .csv files are written: `excel` (`,` and 0.5) or `excel-nl` (`;` and 0,5)."""
        if self.csv_dialect_choice:
            return tables.dialect(self.csv_dialect_choice).name
        row = self.conn.execute("SELECT value FROM settings WHERE key = 'csv_dialect'").fetchone()
        return row[0] if row else tables.DEFAULT_DIALECT

    def set_csv_dialect(self, name: str) -> str:
        """Make `name` the project's CSV dialect for every .csv it writes from now on."""
        chosen = tables.dialect(name).name
        with transaction(self.db) as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('csv_dialect', ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (chosen,))
        return chosen

    @property
    def coder_suggestions(self) -> bool:
        """Whether `qcode code` shows suggested codes above the codebook (on unless switched off)."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = 'coder_suggestions'").fetchone()
        return row is None or row[0] != "off"

    def set_coder_suggestions(self, on: bool) -> bool:
        with transaction(self.db) as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('coder_suggestions', ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("on" if on else "off",))
        return on

    # -- import --------------------------------------------------------------------------------
    def import_paths(self, paths: Sequence[Path | str], *, interviewer: Sequence[str] = (),
                     id_column: str | None = None, text_column: str | Sequence[str] | None = None,
                     skip_bad: bool = False, no_interviewer: bool = False, allow_duplicate: bool = False,
                     progress: Progress | None = None, questions: Path | str | None = None,
                     header_rows: int = 1) -> ImportReport:
        """Import transcript files and folders (and survey sheets) in one transaction.

        `interviewer` names the interviewer's label or name (besides the known labels); `no_interviewer`
        settles transcripts where none is found as having none; `allow_duplicate` imports a transcript
        whose words another one already holds. Survey sheets: `text_column` names one or more open
        questions (names, comma lists or patterns such as 'V1*'); `questions` a sheet of question texts;
        `header_rows=2` when the second row of the sheet holds the question texts."""
        from qcode.importer import ImportOptions, import_paths
        from qcode.segment import load_pipeline

        columns = (text_column,) if isinstance(text_column, str) else tuple(text_column or ())
        options = ImportOptions(tuple(interviewer), id_column, columns, skip_bad, no_interviewer, allow_duplicate,
                                Path(questions) if questions else None, header_rows)
        with transaction(self.db) as conn:
            return import_paths(conn, [Path(p) for p in paths], self.unit, load_pipeline, options, progress)

    # -- codebook ------------------------------------------------------------------------------
    @staticmethod
    def check_codebook(path: Path | str) -> cb.Codebook:
        return cb.read_codebook(Path(path)).codebook

    def load_codebook(self, path: Path | str) -> codebook_db.LoadResult:
        loaded = cb.read_codebook(Path(path))
        with transaction(self.db) as conn:
            return codebook_db.store(conn, loaded, source=self._remembered(loaded.path))

    def codebook_tree(self) -> list[codebook_db.CodeNode]:
        return codebook_db.code_tree(self.conn)

    def rename_code(self, old: str, new: str, label: str | None = None,
                    codebook: Path | str | None = None) -> codebook_db.LoadResult:
        """Rename a code's id (and optionally its label) in the project and in its YAML file.

        The file is the one the codebook was loaded from, found relative to the project folder;
        `codebook` names another (a copy of it) to rewrite instead.
        """
        loaded = self._codebook_file(codebook)
        codebook_db.require_code(self.conn, old)
        if not cb.is_slug(new):
            raise UsageError(f"{new!r} is not a valid code id", hint=f"use {cb.ID_RULE}")
        if self.conn.execute("SELECT 1 FROM codes WHERE id = ?", (new,)).fetchone():
            raise UsageError(f"there is already a code {new!r}", hint=f"to combine them: qcode codebook merge {old} {new}")
        text = cb.rename_in_yaml(loaded, old, new, label)
        source = self._remembered(loaded.path)
        return self._rewrite(loaded, text,
                             lambda conn: codebook_db.rename_code(conn, loaded, text, old, new, source))

    def merge_codes(self, source: str, target: str, codebook: Path | str | None = None) -> codebook_db.LoadResult:
        """Fold code `source` into `target`: codings, sub-codes, examples and keywords move along."""
        loaded = self._codebook_file(codebook)
        codebook_db.require_code(self.conn, source)
        codebook_db.require_code(self.conn, target)
        if source == target or self._is_ancestor(source, target):
            raise UsageError(f"cannot merge {source!r} into {target!r}: {target!r} is part of it",
                             hint="merge into a code outside this branch")
        text = cb.merge_in_yaml(loaded, source, target)
        file = self._remembered(loaded.path)
        return self._rewrite(loaded, text,
                             lambda conn: codebook_db.merge_codes(conn, loaded, text, source, target, file))

    def _is_ancestor(self, ancestor: str, code: str) -> bool:
        parent = self.conn.execute("SELECT parent_id FROM codes WHERE id = ?", (code,)).fetchone()[0]
        return parent is not None and (parent == ancestor or self._is_ancestor(ancestor, parent))

    def _remembered(self, path: Path) -> str:
        """How the project remembers a codebook file: relative to the project folder when inside it."""
        resolved = path.resolve()
        return resolved.relative_to(self.root).as_posix() if resolved.is_relative_to(self.root) else str(resolved)

    def _codebook_file(self, codebook: Path | str | None = None) -> cb.LoadedCodebook:
        """The codebook file a rename or merge rewrites: `codebook`, or the one loaded, if inside the project."""
        row = self.conn.execute(
            "SELECT source_path, content_hash FROM codebook_versions ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            raise UsageError("the project has no codebook yet", hint="qcode codebook load codebooks/FILE.yaml")
        remembered, digest = row
        path = Path(codebook) if codebook is not None else self.root / remembered
        if codebook is None and not path.resolve().is_relative_to(self.root):
            raise UsageError(
                f"the codebook was loaded from this file, outside the project ({self.root}); qcode "
                "rewrites a file outside the project only when asked", path=path,
                hint="pass --codebook FILE to name the file to rewrite, or load the codebook from inside "
                     "the project first (e.g. copy it to codebooks/ and run 'qcode codebook load')")
        if not path.is_file():
            raise UsageError("the codebook file to rewrite is not there", path=path,
                             hint="pass --codebook FILE with the codebook's YAML file, or load it again")
        loaded = cb.read_codebook(path)
        if loaded.codebook.content_hash() != digest:
            raise UsageError("the codebook file was edited since it was loaded", path=path,
                             hint=f"load it first: qcode codebook load {path}")
        return loaded

    def _rewrite(self, loaded: cb.LoadedCodebook, text: str, change) -> codebook_db.LoadResult:
        """Change the database and rewrite the YAML file together: both or neither."""
        temporary = loaded.path.with_name(f".{loaded.path.name}.qcode-tmp")
        temporary.write_text(text, encoding="utf-8")
        try:
            with transaction(self.db) as conn:
                result = change(conn)
            os.replace(temporary, loaded.path)
        finally:
            temporary.unlink(missing_ok=True)
        return result

    # -- coding --------------------------------------------------------------------------------
    def assign(self, fragment_id: int, codes: Sequence[str], coder: str, *, main: bool = False,
               star: bool = False, memo: str | None = None, span: tuple[int, int] | None = None) -> int:
        """Apply codes to a fragment for a coder (flags and memo updated where already applied)."""
        with transaction(self.db) as conn:
            return coding.assign(conn, fragment_id, list(codes), coder, main=main, star=star, memo=memo, span=span)

    def unassign(self, fragment_id: int, codes: Sequence[str], coder: str) -> int:
        with transaction(self.db) as conn:
            return coding.unassign(conn, fragment_id, list(codes), coder)

    def mark_seen(self, fragment_id: int, coder: str) -> None:
        """Record that a coder looked at a fragment (and, if uncoded, chose no code for it)."""
        with transaction(self.db) as conn:
            coding.mark_seen(conn, fragment_id, coder)

    def codings(self, *, coder: str | None = None, code: str | None = None,
                participant: str | None = None) -> list[CodingRecord]:
        return coding.codings(self.conn, coder, code, participant)

    def import_codings(self, path: Path | str, *, coder: str | None = None, skip_bad: bool = False,
                       read_whole: bool = False) -> codings_io.CodingsImport:
        """Apply codings from a .csv/.xlsx sheet in one transaction; bad rows stop it (or are skipped).

        `read_whole`: the coders read the whole of each transcript they coded in, so its uncoded
        participant fragments are marked seen (agreement counts them as "no code").
        """
        with transaction(self.db) as conn:
            return codings_io.import_codings(conn, Path(path), coder, skip_bad, read_whole)

    def coding_session(self, coder: str, *, transcript: str | None = None, participant: str | None = None,
                       code: str | None = None, uncoded: bool = False, question: str | None = None) -> CodingSession:
        """A coder's walk through the participants' fragments, resuming at the first one not yet seen
        (a survey question's answers only, with `question`)."""
        from qcode.session import CodingSession

        return CodingSession(self.db, coder, transcript=transcript, participant=participant, code=code,
                             uncoded=uncoded, question=question)

    def export_codings(self, *, coder: str | None = None, pseudonymiser: Pseudonymiser | None = None) -> list[dict]:
        """Codings as sheet rows with the transcripts' own text, which `import_codings` reads back; a
        `pseudonymiser` replaces identifiers in names, memos and text (such a sheet no longer reads back by text)."""
        return pseudonymised.rows(pseudonymiser, codings_io.export_rows(self.conn, coder), pseudonymised.CODING_TEXTS)

    def coded_fragment_ids(self, coder: str | None = None) -> list[int]:
        """The participant fragments with a coding (of this coder), for scanning before an export."""
        if coder is not None:
            return pseudonymised.coded_fragments(self.conn, coder)
        return [row[0] for row in self.conn.execute(
            "SELECT DISTINCT c.fragment_id FROM codings c JOIN fragments f ON f.id = c.fragment_id "
            "JOIN turns t ON t.id = f.turn_id WHERE t.role = 'participant' ORDER BY 1")]

    # -- suggestions: from the codebook, then from the coder's own codings (docs/suggest.md) -----
    def suggestions(self, *, coder: str | None = None, transcript: str | None = None,
                    fragments: Sequence[int] = (), top: int = 3):  # type: ignore[no-untyped-def]
        """The best `top` codes for each participant fragment the coder has not coded (or the named ones)."""
        from qcode.suggest.suggester import suggestions_for

        if transcript is not None:
            transcript = queries.resolve_transcript(self.conn, transcript)
        return suggestions_for(self.conn, coder, transcript=transcript, fragment_ids=fragments, top=top)

    def apply_suggestions(self, into: str, *, learn_from: str | None = None, min_score: float = 0.4,
                          top: int = 3, transcript: str | None = None):  # type: ignore[no-untyped-def]
        """Suggestions written as the codings of a coder of their own (never a person's), in one transaction."""
        from qcode.suggest import apply

        if transcript is not None:
            transcript = queries.resolve_transcript(self.conn, transcript)
        with transaction(self.db) as conn:
            return apply.apply(conn, into, learn_from=learn_from, min_score=min_score, top=top, transcript=transcript)

    def evaluate_suggestions(self, coder: str, folds: int = 5):  # type: ignore[no-untyped-def]
        """Cross-validation over a coder's codings, grouped by transcript, beside the keyword baseline."""
        from qcode.suggest.evaluation import evaluate

        return evaluate(self.conn, coder, folds)

    # -- the team: agreement, disagreements, consensus, merging copies --------------------------
    def agreement(self, coders: Sequence[str], level: str = "code") -> agreement_mod.Agreement:
        """Percentage, Cohen's kappa and Krippendorff's alpha per code and overall."""
        return agreement_mod.agreement(self.conn, list(coders), level)

    def coders(self) -> list[team.CoderProgress]:
        """Each coder's participants' fragments seen and coded, per transcript."""
        return team.coder_progress(self.conn)

    def disagreements(self, coders: Sequence[str], code: str | None = None) -> list[team.Disagreement]:
        return team.disagreements(self.conn, list(coders), code)

    def reconcile(self, coders: Sequence[str], into: str = "consensus", rule: str | None = None,
                  by: str | None = None) -> team.Reconciliation:
        """Copy agreed decisions into `into`, settle the rest by a rule or leave them for the coder."""
        with transaction(self.db) as conn:
            return team.reconcile(conn, list(coders), into, rule, by)

    def reconcile_session(self, coders: Sequence[str], into: str, fragments: list[int]) -> CodingSession:
        """The coder on the fragments still to settle, showing each coder's choices; moving past a
        fragment leaves it open, only `session.settle` settles it."""
        from qcode.session import CodingSession

        return CodingSession(self.db, into, fragment_ids=fragments, compare=tuple(coders), settling=True)

    def similar_coders(self, coder: str) -> list[str]:
        """Existing coders whose name differs from `coder` only in case or spacing ("Anna" beside "anna")."""
        return coding.similar_coders(self.conn, coder)

    def merge(self, other: Path | str) -> merge_mod.MergeResult:
        """Bring another copy's codings, memos, seen-marks and change log in, in one transaction."""
        source = merge_mod.open_other(Path(other))
        try:
            with transaction(self.db) as conn:
                return merge_mod.merge(conn, source, str(other))
        finally:
            source.close()

    # -- the report and what it is made of ----------------------------------------------------
    # -- REFI-QDA exchange (ATLAS.ti, MAXQDA, NVivo, QualCoder) -----------------------------------
    def export_qdpx(self, path: Path | str, coders: Sequence[str] | None = None,  # type: ignore[no-untyped-def]
                    *, pseudonymiser: Pseudonymiser | None = None):
        """The whole project as a REFI-QDA .qdpx; only these coders' codings when named. The transcripts' own
        text unless a `pseudonymiser` is given (then every selection's offsets follow the replaced text)."""
        from qcode.refi import project_io
        return project_io.export_qdpx(self, Path(path), list(coders) if coders else None, pseudonymiser)

    def import_qdpx(self, path: Path | str):  # type: ignore[no-untyped-def]
        """A REFI-QDA .qdpx's sources, codes, codings, coders, memos and cases, in one transaction."""
        from qcode.refi import project_io
        return project_io.import_qdpx(self, Path(path))

    def export_qdc(self, path: Path | str) -> int:
        """The codebook as a REFI-QDA .qdc; returns the number of codes."""
        from qcode.refi import project_io
        return project_io.export_qdc(self, Path(path))

    def load_qdc(self, path: Path | str) -> tuple[Path, codebook_db.LoadResult]:
        """A REFI-QDA .qdc as qcode's YAML written next to it, loaded as the project's codebook."""
        from qcode.refi import project_io
        return project_io.load_qdc(self, Path(path))

    def report(self, options: report_render.ReportOptions | None = None, fmt: str | None = None,
               output: Path | str | None = None, *, pseudonymiser: pseudonymised.Choice = "auto") -> Path:
        """Write the results chapters (md, docx or html: `fmt`, else from the extension of `output`, else md);
        own texts in exports/tekst/ are kept. Word takes its styles from the project's house style, if set.
        Pseudonymised unless `pseudonymiser=None` (see `write_report`)."""
        return self.write_report(options, fmt, output, pseudonymiser=pseudonymiser).path

    def write_report(self, options: report_render.ReportOptions | None = None, fmt: str | None = None,
                     output: Path | str | None = None, *,
                     pseudonymiser: pseudonymised.Choice = "auto") -> report_render.Written:
        """Write the report and return it with what it said: placeholders filled and warnings. Every identifier
        is replaced ("auto": a `Pseudonymiser` for the fragments it can quote; or one of `self.pseudonymiser()`);
        None writes the raw text."""
        from dataclasses import replace

        options = options or report_render.ReportOptions()
        if options.reference_doc is None:
            options = replace(options, reference_doc=self.reference_doc)
        choice = pseudonymiser
        given = pseudonymiser if pseudonymiser is None or hasattr(pseudonymiser, "apply") else (
            lambda: self._chosen(choice, lambda: self.report_fragments(options.coder)))
        return report_render.write(self.conn, self.root, options, fmt, Path(output) if output else None,
                                   self.output_guard(), given)

    # -- pseudonymised exports (docs/anonymise.md) ------------------------------------------------
    def pseudonymiser(self, *, fragment_ids: Iterable[int] | None = None,
                      progress: Callable[[int, int], None] | None = None) -> Pseudonymiser:
        """One export's replacer of every identifier the project knows; `fragment_ids` never scanned are
        scanned first (None: nothing new is scanned)."""
        from qcode.anonymise import pseudonymiser

        return pseudonymiser(self, fragment_ids=fragment_ids, progress=progress)

    def report_fragments(self, coder: str | None = None) -> list[int]:
        """The fragments a report can print: the coder's coded participant fragments; of a survey every answer
        (its word tables count them all)."""
        who = aggregate.require_codings(self.conn, coder)
        if aggregate.is_survey(self.conn):
            return pseudonymised.participant_fragments(self.conn)
        return pseudonymised.coded_fragments(self.conn, who)

    def quote_fragments(self, coder: str | None = None) -> list[int]:
        """The fragments a quote sheet prints: the coder's coded participant fragments."""
        return pseudonymised.coded_fragments(self.conn, aggregate.require_codings(self.conn, coder))

    def _chosen(self, pseudonymiser: pseudonymised.Choice, fragments: Callable[[], Iterable[int] | None]
                ) -> Pseudonymiser | None:
        """The export's replacer: built for its fragments ("auto", or by a function given them), given, or None."""
        if isinstance(pseudonymiser, str) and pseudonymiser == pseudonymised.AUTO:
            return self.pseudonymiser(fragment_ids=fragments())
        if callable(pseudonymiser):
            return pseudonymiser(fragments())
        return pseudonymiser

    @property
    def reference_doc(self) -> Path | None:
        """The Word file whose styles, fonts and page layout every Word report takes (None: qcode's own)."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = 'reference_doc'").fetchone()
        return self.root / row[0] if row else None  # an absolute path stays as it is

    def set_reference_doc(self, path: Path | str | None) -> Path | None:
        """Remember a house-style Word file for every Word report (checked first), or forget it (None)."""
        from qcode.render import documents

        checked = documents.check_reference_doc(Path(path)) if path is not None else None
        with transaction(self.db) as conn:
            conn.execute("DELETE FROM settings WHERE key = 'reference_doc'")
            if checked is not None:
                root = self.root.resolve()
                stored = checked.relative_to(root).as_posix() if checked.is_relative_to(root) else str(checked)
                conn.execute("INSERT INTO settings (key, value) VALUES ('reference_doc', ?)", (stored,))
        return checked

    def check_report(self, options: report_render.ReportOptions | None = None) -> report_render.Report:
        """What the report would say, every placeholder and warning, without writing anything."""
        return report_render.check(self.conn, self.root, options or report_render.ReportOptions())

    def init_templates(self) -> list[Path]:
        """Copy the default report templates into the project's templates/ for editing."""
        return report_render.init_templates(self.root / "templates", self.output_guard())

    def output_guard(self) -> outputs.Guard:
        """What no output may overwrite: the database, imported files, templates, own texts, the house style."""
        guard = outputs.Guard.of_project(self.conn, self.root)
        house_style = self.reference_doc
        return guard.protect([house_style], "the house-style Word file") if house_style else guard

    def write_tables(self, written: Sequence[tuple[Sequence[dict], Sequence[str], Path]],
                     fmt: str | None = None, *, frozen_columns: int = 0) -> None:
        """Several tables, each (rows, columns, path): every path is checked before the first is written."""
        guard = self.output_guard()
        outputs.check_targets([Path(path) for _, _, path in written], guard)
        for _, _, path in written:
            tables.format_of(Path(path), fmt)
        for rows, columns, path in written:
            tables.write_rows(rows, columns, Path(path), fmt, guard, csv_dialect=self.csv_dialect,
                              frozen_columns=frozen_columns)

    def write_table(self, rows: Sequence[dict], columns: Sequence[str], path: Path | str,
                    fmt: str | None = None) -> Path:
        """Rows as .csv (in the project's dialect), .json or .xlsx, whole or not at all, never over a
        file of the project."""
        return tables.write_rows(rows, columns, Path(path), fmt, self.output_guard(), csv_dialect=self.csv_dialect)

    def themes(self, coder: str | None = None) -> list[aggregate.Theme]:
        return aggregate.themes(self.conn, aggregate.require_codings(self.conn, coder))

    def quotes(self, coder: str | None = None, codes: Sequence[str] = ()) -> list[aggregate.Quote]:
        return aggregate.quotes(self.conn, aggregate.require_codings(self.conn, coder), list(codes) or None)

    def export_quotes(self, path: Path | str, *, coder: str | None = None, codes: Sequence[str] = (),
                      attributes: Sequence[str] = (), fmt: str | None = None, question: str | None = None,
                      coarsen_attributions: bool = True, pseudonymiser: pseudonymised.Choice = "auto",
                      notes: list[str] | None = None) -> int:
        """Write the quote sheet (.xlsx/.csv/.docx); returns the number of quotes. Names, places and organisations
        are replaced unless `pseudonymiser=None`; an attribution (and its attribute columns) that fits fewer than
        three participants is coarsened unless `coarsen_attributions` is off (both: `--no-anonymise`); what was
        coarsened is said in `notes`, when given."""
        path, guard = Path(path), self.output_guard()
        outputs.check_target(path, guard)  # a protected file is refused as such, whatever its extension
        fmt = outputs.format_for(path, fmt, quote_sheets.FORMATS, path.suffix.lstrip(".").lower() or "xlsx")
        labels = dict(self.conn.execute("SELECT id, label FROM codes").fetchall())
        for code in codes:
            codebook_db.require_code(self.conn, code)
        who = aggregate.require_codings(self.conn, coder)
        attributes = attribution.check_attributes(self.conn, attributes)  # as the report does
        quotes = self.quotes(who, codes)
        if question is not None:
            wanted = queries.resolve_question(self.conn, question)
            quotes = [q for q in quotes if q.question == wanted]
        chosen = self._chosen(pseudonymiser, lambda: pseudonymised.coded_fragments(self.conn, who))
        attributor = attribution.Attributor(self.conn, attributes, coarsen=coarsen_attributions, pseudonymiser=chosen)
        count = quote_sheets.write(quotes, labels, attributor, path, fmt, guard,
                                   quote_choice.sheet_columns(self.conn, who, quotes), chosen)
        if notes is not None and attributor.note():
            notes.append(attributor.note())
        return count

    def import_quotes(self, path: Path | str, *, by: str | None = None) -> quote_import.QuotesImport:
        """Read the researcher's choices (opnemen, volgorde, citaat) back from a quote sheet, all or nothing;
        a sheet written pseudonymised reads back as the participants' words."""
        replacements = self.pseudonymiser()
        with transaction(self.db) as conn:
            return quote_import.import_decisions(conn, Path(path), by, replacements)

    def chosen_quotes(self, code: str, *, coder: str | None = None, limit: int | None = 4,
                      skip_fragments: Sequence[int] = ()) -> list[quote_choice.ChosenQuote]:
        """The quotes the report prints for a code (sub-codes included), in order."""
        who = aggregate.require_codings(self.conn, coder)
        return quote_choice.choose(self.conn, who, code, limit=limit, skip_fragments=set(skip_fragments))

    def matrices(self, *, coder: str | None = None, by: str | None = None, cooccurrence: bool = False,
                 level: str = "theme", question: str | None = None,
                 pseudonymiser: pseudonymised.Choice = "auto") -> list[aggregate.Matrix]:
        """Code × participant; or code by an attribute; or co-occurrence within fragments and participants.
        A survey `question` narrows the first two to its answers. Participants' and attribute values' labels
        are pseudonymised unless `pseudonymiser=None`."""
        found = self._matrices(coder, by, cooccurrence, level, question)
        chosen = self._chosen(pseudonymiser, lambda: None)
        return [pseudonymised.matrix(chosen, matrix) for matrix in found]

    def _matrices(self, coder: str | None, by: str | None, cooccurrence: bool, level: str,
                  question: str | None) -> list[aggregate.Matrix]:
        who = aggregate.require_codings(self.conn, coder)
        if question is not None:
            question = queries.resolve_question(self.conn, question)
            if cooccurrence:
                raise UsageError("--question narrows the participant and attribute matrices, not co-occurrence")
        if cooccurrence:
            return [aggregate.cooccurrence(self.conn, who, "fragment", level),
                    aggregate.cooccurrence(self.conn, who, "participant", level)]
        if by:
            return [aggregate.attribute_matrix(self.conn, who, by, level, question)]
        return [aggregate.participant_matrix(self.conn, who, level, question)]

    def chart(self, path: Path | str, *, coder: str | None = None, lang: str = "nl",
              pseudonymiser: pseudonymised.Choice = "auto") -> Path:
        """The bar chart of themes (.png or .svg); any identifier in a label replaced unless `pseudonymiser=None`."""
        path = Path(path)
        if path.suffix.lower() not in chart_render.FORMATS:
            raise UsageError(f"a chart is written as .png or .svg, not {path.suffix or 'no extension'}", path=path)
        return chart_render.theme_chart(aggregate.ranked(self.themes(coder)), path,
                                        aggregate.participant_total(self.conn), lang, self.output_guard(),
                                        chart_render.codebook_colours(self.conn), self._chosen(pseudonymiser, lambda: None))

    # -- looking at the data -------------------------------------------------------------------
    def fragments(self, *, transcript: str | None = None, participant: str | None = None,
                  role: str | None = None, code: str | None = None, question: str | None = None) -> list[FragmentRecord]:
        return queries.fragments(self.conn, transcript, participant, role, code, question)

    def transcript(self, name: str) -> TranscriptView:
        return queries.transcript_view(self.conn, name)

    def search(self, query: str, *, transcript: str | None = None, participant: str | None = None,
               role: str | None = None, code: str | None = None, limit: int = 50,
               question: str | None = None) -> list[SearchHit]:
        return queries.search(self.conn, query, _lemmatise, transcript, participant, role, code, limit, question)

    def word_frequencies(self, *, question: str | None = None, code: str | None = None, coder: str | None = None,
                         top: int = 30, cloud: Path | str | None = None,
                         pseudonymiser: pseudonymised.Choice = "auto"):  # type: ignore[no-untyped-def]
        """The most used lemmas of participants' answers (of a question, of a code), and a word cloud if asked;
        no identifier among them unless `pseudonymiser=None` (the answers counted are scanned first)."""
        from qcode import word_counts

        if top < 1:
            raise UsageError(f"--top must be 1 or more, not {top}")
        chosen = self._chosen(pseudonymiser, lambda: word_counts.counted_fragments(
            self.conn, question=question, code=code, coder=coder))
        found = word_counts.frequencies(self.conn, question=question, code=code, coder=coder, top=top,
                                        keep=lambda word: pseudonymised.keeps_word(chosen, word))
        if cloud is not None:
            with outputs.writing(Path(cloud), self.output_guard()) as temporary:
                word_counts.cloud(found, temporary)
        return found

    def status(self) -> Status:
        count = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        version = self.conn.execute(
            "SELECT name, version, id FROM codebook_versions ORDER BY id DESC LIMIT 1").fetchone()
        return Status(
            project=str(self.root), unit=self.unit, schema_version=schema_version(self.db),
            transcripts=count("SELECT COUNT(*) FROM transcripts"),
            participants=count("SELECT COUNT(*) FROM participants"),
            turns=count("SELECT COUNT(*) FROM turns"),
            fragments=count("SELECT COUNT(*) FROM fragments"),
            participant_fragments=count("SELECT COUNT(*) FROM fragments f JOIN turns t ON t.id = f.turn_id "
                                        "WHERE t.role = 'participant'"),
            words=count("SELECT COALESCE(SUM(words), 0) FROM transcripts"),
            codebook=f"{version[0]} {version[1]} (project version {version[2]})" if version else None,
            codes=count("SELECT COUNT(*) FROM codes WHERE active = 1"),
            codings=count("SELECT COUNT(*) FROM codings"),
            coders=queries.coder_shares(self.conn), orphaned=queries.orphans(self.conn),
            unsettled=queries.unsettled(self.conn),
            questions=queries.question_counts(self.conn),
        )

    def doctor(self) -> dict[str, str]:
        from importlib import metadata

        info = {"qcode": metadata.version("qcode"), "python": platform.python_version(),
                "sqlite": sqlite3.sqlite_version, "project": str(self.root),
                "schema_version": str(schema_version(self.db)), "unit": self.unit,
                "integrity check": integrity(self.conn)}
        info.update(environment())
        return info


def environment() -> dict[str, str]:
    """What qcode runs on, without a project: the spaCy pipeline and SQLite features."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        fts5 = "available"
    except sqlite3.OperationalError:
        fts5 = "MISSING (search will not work)"
    from qcode.segment import load_pipeline, pipeline_info

    info = {"sqlite": sqlite3.sqlite_version, "fts5": fts5}
    info.update(pipeline_info(load_pipeline()))
    return info


def _lemmatise(word: str) -> tuple[str, ...]:
    from qcode.lemmas import dutch_lemmas

    return dutch_lemmas().lemmas(word)


def _refuse_a_non_file(database: Path) -> None:
    if database.exists() and not database.is_file():
        kind = "a folder" if database.is_dir() else "not a regular file"
        raise NotAProjectError(f"{DB_NAME} here is {kind}, not a project database", path=database,
                               hint=f"move it away or rename it, then run the command again")


def _left_empty_by_an_interrupted_init(database: Path) -> bool:
    """A 0-byte qcode.db with no -wal beside it holds nothing: an init that failed (a full disk) left it."""
    wal = database.with_name(DB_NAME + "-wal")
    return (database.is_file() and database.stat().st_size == 0
            and not (wal.exists() and wal.stat().st_size))


def _remove_database_files(database: Path) -> None:
    for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal"):
        database.with_name(name).unlink(missing_ok=True)


def _project_folder(path: Path) -> Path:
    """The folder to make a project in, made if missing; an impossible place is said in one line."""
    try:
        root = path.resolve()
        if root.exists() and not root.is_dir():
            raise UsageError("this is a file, not a folder: a project is made in a folder", path=path,
                             hint="give a folder (new or existing) to 'qcode init'")
        root.mkdir(parents=True, exist_ok=True)
    except RuntimeError:  # a symbolic link loop, before Python 3.13
        raise UsageError("the path loops through symbolic links", path=path, hint="give a real folder") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(f"cannot make the project folder here ({reason})", path=path,
                         hint="choose a folder you may write to") from None
    return root
