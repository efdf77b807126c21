"""The codebook's `kind`: reason or context themes, inherited by sub-codes, stored, shown and used in the ranking."""
from __future__ import annotations

import json
import shutil
import textwrap

import pytest

from conftest import DATA, REPO
from qcode import Project
from qcode.aggregate import ranked
from qcode.db import MIGRATIONS, schema_version
from qcode.errors import CodebookError

KINDS = textwrap.dedent("""\
    name: Exitstudie soorten
    version: "1"
    codes:
      - id: passie
        label: Passie voor het vak
        kind: context
        codes:
          - id: passie-contact
            label: Contact met cliënten
          - id: passie-gemis
            label: Wat ze nu missen
            kind: reason
      - id: werkdruk
        label: Werkdruk
        codes:
          - id: werkdruk-burn-out
            label: Burn-out
          - id: werkdruk-collegas
            label: Collega's die het opvingen
            kind: context
      - id: erkenning
        label: Erkenning
        kind: reason
      - id: aanbevelingen
        label: Aanbevelingen
        role: recommendations
        codes:
          - id: aanbeveling-inwerken
            label: Inwerken
    """)


def write(tmp_path, text, name="soorten.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_kind_is_inherited_unless_a_sub_code_sets_its_own(tmp_path):
    codebook = Project.check_codebook(write(tmp_path, KINDS))
    assert codebook.effective_kinds() == {
        "passie": "context", "passie-contact": "context", "passie-gemis": "reason",
        "werkdruk": "reason", "werkdruk-burn-out": "reason", "werkdruk-collegas": "context",
        "erkenning": "reason", "aanbevelingen": "context", "aanbeveling-inwerken": "context"}


@pytest.mark.parametrize("value, line", [("reden", 6), ("Context", 6), ("[reason, context]", 6)])
def test_a_bad_kind_is_named_with_its_line_and_the_choices(tmp_path, value, line):
    path = write(tmp_path, KINDS.replace("kind: context", f"kind: {value}", 1))
    with pytest.raises(CodebookError) as raised:
        Project.check_codebook(path)
    [problem] = raised.value.problems
    assert problem.line == line and problem.path == path
    assert problem.message.startswith("code 'passie': kind ") and "is not a kind of theme" in problem.message
    assert "kind: reason" in problem.hint and "kind: context" in problem.hint


def test_a_bad_kind_deep_in_the_tree_names_its_code_and_line(tmp_path):
    path = write(tmp_path, KINDS.replace("kind: reason", "kind: oorzaak", 1))
    with pytest.raises(CodebookError) as raised:
        Project.check_codebook(path)
    [problem] = raised.value.problems
    assert (problem.line, problem.message) == (12, "code 'passie-gemis': kind 'oorzaak' is not a kind of theme")


def test_kinds_are_stored_and_changed_by_a_new_load(project, tmp_path):
    path = write(tmp_path, KINDS)
    project.load_codebook(path)
    stored = dict(project.conn.execute("SELECT id, kind FROM codes"))
    assert stored == Project.check_codebook(path).effective_kinds()
    tree = {node.id: node for node in project.codebook_tree()}
    assert (tree["passie"].kind, tree["werkdruk"].kind) == ("context", "reason")

    edited = KINDS.replace("label: Erkenning\n    kind: reason", "label: Erkenning\n    kind: context")
    assert edited != KINDS
    changed = write(tmp_path, edited, "soorten-2.yaml")
    result = project.load_codebook(changed)
    assert result.changed  # a kind alone is a change of the codebook
    assert project.conn.execute("SELECT kind FROM codes WHERE id = 'erkenning'").fetchone() == ("context",)


def test_codebook_show_marks_context_themes_and_differing_sub_codes(cli, tmp_path):
    path = write(tmp_path, KINDS)
    cli("init", str(cli.folder), project=False)
    assert cli("codebook", "load", str(path)).exit_code == 0
    shown = cli("codebook", "show", "--ids").output
    lines = {line.split("(")[0].split()[-1]: line for line in shown.splitlines()[1:]}  # by code id
    assert "(context)" in lines["passie"] and "(context)" not in lines["passie-contact"]  # inherited: not repeated
    assert "(reason)" in lines["passie-gemis"]  # differs from its theme
    assert "(context)" in lines["werkdruk-collegas"]
    assert "(" not in lines["werkdruk"] and "(" not in lines["erkenning"]  # a reason is the default
    assert "(recommendations)" in lines["aanbevelingen"] and "context" not in lines["aanbevelingen"]
    tree = json.loads(cli("codebook", "show", "--json").output)
    assert [(node["id"], node["kind"]) for node in tree] == [("passie", "context"), ("werkdruk", "reason"),
                                                              ("erkenning", "reason"), ("aanbevelingen", "context")]


def test_a_project_from_before_kinds_gets_them_on_opening(tmp_path):
    """tests/data/schema-0001 was made before `kind`: its codes become reasons and its codebook keeps its hash."""
    folder = tmp_path / "oud"
    shutil.copytree(DATA / "schema-0001", folder)
    with Project.open(folder) as project:
        assert schema_version(project.db) == len(MIGRATIONS)
        assert "0008_code_kinds" in [name for name, _ in MIGRATIONS]
        assert project.conn.execute("SELECT id, kind FROM codes").fetchall() == [("registratie", "reason")]
        assert [t.kind for t in project.themes("anna")] == ["reason"]
        versions = project.conn.execute("SELECT COUNT(*) FROM codebook_versions").fetchone()[0]
        stored = project.conn.execute("SELECT yaml FROM codebook_versions ORDER BY id DESC").fetchone()[0]
        again = write(tmp_path, stored, "zelfde.yaml")
        assert not project.load_codebook(again).changed  # the same file, loaded again: no new version
        assert project.conn.execute("SELECT COUNT(*) FROM codebook_versions").fetchone()[0] == versions


def test_the_migration_makes_an_old_recommendations_branch_context(tmp_path):
    """An old project whose codebook has a recommendations branch: the step makes that branch context."""
    import sqlite3

    folder = tmp_path / "oud"
    shutil.copytree(DATA / "schema-0001", folder)
    old = sqlite3.connect(folder / "qcode.db")
    with old:
        version = old.execute("SELECT MAX(id) FROM codebook_versions").fetchone()[0]
        old.executemany("INSERT INTO codes (id, parent_id, label, role, position, active, version_id) "
                        "VALUES (?, ?, ?, ?, ?, 1, ?)",
                        [("advies", None, "Aanbevelingen", "recommendations", 1, version),
                         ("advies-inwerken", "advies", "Inwerken", None, 2, version)])
    old.close()
    with Project.open(folder) as project:
        assert dict(project.conn.execute("SELECT id, kind FROM codes")) == {
            "registratie": "reason", "advies": "context", "advies-inwerken": "context"}


def fragment(project: Project, participant: str, words: str) -> int:
    [found] = [f.id for f in project.fragments(participant=participant, role="participant") if words in f.text]
    return found


def test_ranking_holds_reasons_only_by_main_reason_then_mentions(project):
    """Passion (context) is mentioned by all four; it is never ranked as a reason to leave."""
    project.load_codebook(REPO / "codebooks/exitstudie.yaml")
    project.import_paths([REPO / "transcripts" / name for name in ("U01.txt", "U05.txt", "U06.txt", "U07.txt",
                                                                  "participants.csv")])
    for participant in ("U01", "U05", "U06", "U07"):
        first = project.fragments(participant=participant, role="participant")[0].id
        project.assign(first, ["passie-contact-clienten"], "anna")
    project.assign(fragment(project, "U01", "De belangrijkste reden was dat ik niet verder kon groeien"),
                   ["doorgroei-plafond"], "anna", main=True)
    project.assign(fragment(project, "U05", "stond er een man aan de balie te schreeuwen"), ["agressie-spanning"],
                   "anna")
    project.assign(fragment(project, "U07", "voortdurende spanning en agressie op straat"), ["agressie-spanning"],
                   "anna")
    project.assign(fragment(project, "U05", "Ik zat in schaal 8"), ["erkenning-salaris"], "anna")
    themes = {t.id: t for t in project.themes("anna")}
    assert (themes["passie-voor-het-vak"].kind, themes["passie-voor-het-vak"].count.participants) == ("context", 4)
    assert themes["passie-voor-het-vak"].count.kind == "context"
    assert all(sub.kind == "context" for sub in themes["passie-voor-het-vak"].subs)
    assert themes["werkdruk"].kind == "reason" and themes["aanbevelingen"].kind == "context"
    order = [count.id for count in ranked(list(themes.values()))]
    assert order[:3] == ["doorgroeimogelijkheden", "agressie-en-spanning", "erkenning"]  # main 1; then 2 and 1 mentions
    assert not {"passie-voor-het-vak", "eigen-acties", "gras-bij-de-buren", "aanbevelingen"} & set(order)
    assert "werkdruk" in order  # a reason nobody mentioned is still a reason


def test_the_example_codebook_marks_its_context_themes():
    codebook = Project.check_codebook(REPO / "codebooks/exitstudie.yaml")
    context = [code.id for code in codebook.codes if codebook.effective_kinds()[code.id] == "context"]
    assert context == ["passie-voor-het-vak", "eigen-acties", "gras-bij-de-buren", "aanbevelingen"]
