"""Numbered forward migrations, on a blank database and on a project made by the first schema."""
from __future__ import annotations

import shutil

from qcode import Project
from qcode.db import MIGRATIONS, connect, migrate, schema_version, transaction

from conftest import DATA


def test_blank_database_gets_every_migration(tmp_path):
    db = connect(tmp_path / "qcode.db")
    assert migrate(db) == [name for name, _ in MIGRATIONS]
    assert schema_version(db) == len(MIGRATIONS)
    assert migrate(db) == []
    assert {"transcripts", "participants", "turns", "fragments", "codes", "codings", "coding_log",
            "codebook_versions", "orphaned_codings", "fragments_fts"} <= set(db.table_names())
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_project_made_by_the_first_schema_opens_without_loss(tmp_path):
    """tests/data/schema-0001/qcode.db was written by qcode with only 0001_initial; never regenerate it."""
    folder = tmp_path / "oud"
    shutil.copytree(DATA / "schema-0001", folder)
    with Project.open(folder) as project:
        assert schema_version(project.db) == len(MIGRATIONS)
        fragments = project.fragments(role="participant")
        assert [f.text for f in fragments][:1] == ["Ja, ik ben vijftien jaar maatschappelijk werker geweest. "
                                                   "Eerst in een wijkteam, later bij het algemeen maatschappelijk "
                                                   "werk. De registratiedruk werd steeds groter."]
        assert project.conn.execute("SELECT code_id, coder FROM codings").fetchall() == [("registratie", "anna")]
        assert project.search("registratiedruk")[0].fragment.id == fragments[0].id


def test_a_project_made_before_quote_decisions_gets_the_table_and_keeps_its_codings(tmp_path):
    folder = tmp_path / "oud"
    shutil.copytree(DATA / "schema-0001", folder)
    with Project.open(folder) as project:
        from qcode import quote_choice

        assert "quote_decisions" in project.db.table_names()
        [quote] = quote_choice.choose(project.conn, "anna", "registratie")
        assert quote.included and quote.text.startswith("Ja, ik ben vijftien jaar") and not quote.edited
        assert quote_choice.stale_decisions(project.conn) == []


def test_a_project_made_before_anonymising_gets_its_tables_and_can_be_scanned(tmp_path):
    folder = tmp_path / "oud"
    shutil.copytree(DATA / "schema-0001", folder)
    with Project.open(folder) as project:
        from qcode.anonymise import identifiers, scan
        from qcode.db.migrations import _anonymise

        assert {"anonymise_scans", "anonymise_findings", "anonymise_decisions"} <= set(project.db.table_names())
        _anonymise(project.conn)  # safe to run twice
        fragments = project.conn.execute("SELECT COUNT(*) FROM fragments").fetchone()[0]
        assert scan(project) == fragments and scan(project) == 0
        assert "wijkteam" not in {i.text for i in identifiers(project)}  # "in een wijkteam" names none
        project.conn.execute("UPDATE fragments SET text = text || ' Bij Stichting Buurtzorg Oost.' WHERE id = "
                             "(SELECT MIN(id) FROM fragments)")
        assert scan(project) == 1
        assert "Stichting Buurtzorg Oost" in {i.text for i in identifiers(project)}


def test_coding_ids_are_never_issued_twice_also_in_a_project_made_before(tmp_path):
    """A removed last coding's id stays its own: a chapter's [[citaat ID]] never quotes other words."""
    folder = tmp_path / "oud"
    shutil.copytree(DATA / "schema-0001", folder)
    with Project.open(folder) as project:
        [(kept, fragment)] = project.conn.execute("SELECT id, fragment_id FROM codings").fetchall()
        other = next(f.id for f in project.fragments(role="participant") if f.id != fragment)
        with transaction(project.db):
            project.conn.execute("INSERT INTO codings (fragment_id, code_id, coder, created_at, updated_at) "
                                 "VALUES (?, 'registratie', 'anna', 'nu', 'nu')", (other,))
        [removed] = [row[0] for row in project.conn.execute("SELECT id FROM codings WHERE fragment_id = ?", (other,))]
        assert removed > kept
        with transaction(project.db):
            project.conn.execute("DELETE FROM codings WHERE id = ?", (removed,))
            project.conn.execute("INSERT INTO codings (fragment_id, code_id, coder, created_at, updated_at) "
                                 "VALUES (?, 'registratie', 'bram', 'nu', 'nu')", (other,))
        [new] = [row[0] for row in project.conn.execute("SELECT id FROM codings WHERE coder = 'bram'")]
        assert new > removed
        assert project.conn.execute("SELECT id FROM codings WHERE coder = 'anna'").fetchall() == [(kept,)]
    assert migrate(connect(folder / "qcode.db")) == []
