"""The team workflow: coders, disagreements, reconciling into a consensus, merging copies."""
from __future__ import annotations

import asyncio
import json
import shutil

import pytest

from qcode import Project
from qcode.errors import UsageError
from qcode.render.report import ReportOptions
from qcode.tui import CoderApp

from conftest import REPO, database_dump


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("team") / "studie"
    with Project.init(folder) as project:
        project.load_codebook(REPO / "codebooks/exitstudie.yaml")
        project.import_paths([REPO / "transcripts/U01.txt", REPO / "transcripts/U07.txt",
                              REPO / "transcripts/participants.csv"])
    return folder


def copy(base, target) -> Project:
    return Project.open(shutil.copytree(base, target))


def ids(project, participant="U01"):
    return [f.id for f in project.fragments(participant=participant, role="participant")]


@pytest.fixture
def coded(base, tmp_path):
    """Three coders on U01's first six answers:

    fragment 0: all three werkdruk                      → agreed
    fragment 1: anna+bram doorgroei-plafond, carla none → majority plafond, intersection nothing
    fragment 2: anna erkenning-salaris only             → union salaris, majority nothing
    fragments 3–5: seen by all, coded by none           → agreed (nothing)
    """
    project = copy(base, tmp_path / "studie")
    f = ids(project)
    for coder in ("anna", "bram", "carla"):
        project.assign(f[0], ["werkdruk"], coder)
        for fragment in f[:6]:
            project.mark_seen(fragment, coder)
    project.assign(f[1], ["doorgroei-plafond"], "anna", main=True, memo="plafond na vier jaar")
    project.assign(f[1], ["doorgroei-plafond"], "bram", main=True)
    project.assign(f[2], ["erkenning-salaris"], "anna")
    yield project
    project.close()


def consensus(project, coder="consensus"):
    return {(c.fragment, c.code): c for c in project.codings(coder=coder)}


def test_coders_lists_seen_and_coded_per_transcript(coded):
    rows = {(r.coder, r.transcript): r for r in coded.coders()}
    assert (rows[("anna", "U01.txt")].seen, rows[("anna", "U01.txt")].coded) == (6, 3)
    assert (rows[("carla", "U01.txt")].seen, rows[("carla", "U01.txt")].coded) == (6, 1)
    assert rows[("anna", "U01.txt")].fragments == len(ids(coded))


def test_disagreements_show_who_chose_what(coded):
    found = coded.disagreements(["anna", "bram", "carla"])
    assert [(d.code, d.fragment) for d in found] == [("doorgroei-plafond", ids(coded)[1]),
                                                     ("erkenning-salaris", ids(coded)[2])]
    plafond = found[0]
    assert plafond.choices["anna"].applied and plafond.choices["anna"].main
    assert plafond.choices["anna"].memo == "plafond na vier jaar"
    assert not plafond.choices["carla"].applied
    assert plafond.question and plafond.participant == "U01"
    assert coded.disagreements(["anna", "bram"], code="erkenning")[0].code == "erkenning-salaris"
    assert coded.disagreements(["anna", "bram"], code="werkdruk") == []


@pytest.mark.parametrize("rule, expected", [
    ("union", {0: {"werkdruk"}, 1: {"doorgroei-plafond"}, 2: {"erkenning-salaris"}}),
    ("intersection", {0: {"werkdruk"}}),
    ("majority", {0: {"werkdruk"}, 1: {"doorgroei-plafond"}}),
])
def test_reconcile_rules(coded, rule, expected):
    result = coded.reconcile(["anna", "bram", "carla"], "consensus", rule, by="sanne")
    assert (result.agreed, result.settled, result.open) == (4, 2, [])
    f = ids(coded)
    got: dict[int, set] = {}
    for fragment, code in consensus(coded):
        got.setdefault(f.index(fragment), set()).add(code)
    assert got == expected
    if rule != "intersection":
        assert consensus(coded)[(f[1], "doorgroei-plafond")].main   # two of three marked it as main reason
    logged = coded.conn.execute("SELECT detail FROM coding_log WHERE action = 'reconcile' AND coder = 'consensus'")
    details = [json.loads(row[0]) for row in logged]
    assert len(details) == 6 and all(d["by"] == "sanne" for d in details)
    assert sorted(d["rule"] for d in details).count(rule) == 2


def test_reconcile_keeps_settled_decisions_and_leaves_the_rest_open(coded):
    first = coded.reconcile(["anna", "bram", "carla"], "consensus")
    assert first.agreed == 4 and first.open == ids(coded)[1:3]
    coded.assign(ids(coded)[2], ["steun-gebrek"], "consensus")           # settled by hand, differently
    coded.assign(ids(coded)[6], ["werkdruk"], "anna")                     # more coding since
    for coder in ("anna", "bram", "carla"):
        coded.mark_seen(ids(coded)[6], coder)
    again = coded.reconcile(["anna", "bram", "carla"], "consensus", "union")
    assert again.kept == 5 and again.settled == 2 and again.agreed == 0
    codes = consensus(coded)
    assert (ids(coded)[2], "steun-gebrek") in codes and (ids(coded)[2], "erkenning-salaris") not in codes
    assert (ids(coded)[6], "werkdruk") in codes


def test_reconcile_refuses_a_consensus_named_like_a_coder_and_bad_rules(coded):
    with pytest.raises(UsageError, match="name of its own"):
        coded.reconcile(["anna", "bram"], "anna")
    with pytest.raises(UsageError, match="rule must be one of"):
        coded.reconcile(["anna", "bram"], "consensus", "toss")


def test_settling_in_the_coder_shows_each_coders_choices(coded):
    result = coded.reconcile(["anna", "bram", "carla"], "consensus")

    async def scenario():
        app = CoderApp(coded.reconcile_session(["anna", "bram", "carla"], "consensus", result.open))
        async with app.run_test(size=(150, 50)) as pilot:
            await pilot.pause()
            shown = app.query_one("#decisions").text.plain
            await pilot.press("slash", *"plafond", "enter", "m", "c")
            return shown
    shown = asyncio.run(scenario())
    assert "anna: Plafond bereikt HOOFDREDEN (memo: plafond na vier jaar)" in shown
    assert "bram: Plafond bereikt HOOFDREDEN" in shown and "carla: no code" in shown
    assert consensus(coded)[(ids(coded)[1], "doorgroei-plafond")].main
    report = coded.report(ReportOptions(coder="consensus"), "md").read_text(encoding="utf-8")
    assert "Concept\\: consensus heeft" in report  # the consensus coding, partial: the draft note says so


def test_merge_brings_codings_seen_and_log_and_twice_changes_nothing(base, tmp_path):
    ours, theirs = copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")
    f = ids(theirs)
    theirs.assign(f[0], ["werkdruk"], "bram", memo="registratie")
    theirs.assign(f[1], ["doorgroei-plafond"], "bram", main=True)
    theirs.mark_seen(f[2], "bram")
    ours.assign(f[0], ["werkdruk"], "anna")
    theirs.close()
    result = ours.merge(tmp_path / "theirs")
    assert (result.codings_added, result.seen_added) == (2, 3)
    assert result.log_added == 2 and not result.conflicts and not result.unmatched_transcripts
    merged = {(c.fragment, c.code, c.coder): c for c in ours.codings()}
    assert merged[(f[0], "werkdruk", "bram")].memo == "registratie" and merged[(f[1], "doorgroei-plafond", "bram")].main
    dump = database_dump(ours)
    again = ours.merge(tmp_path / "theirs" / "qcode.db")
    assert not again.changed and again.codings_same == 2
    assert database_dump(ours) == dump


def test_merge_lists_what_cannot_be_matched_and_overwrites_nothing(base, tmp_path):
    ours, theirs = copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")
    theirs.import_paths([REPO / "transcripts/U06.txt"])                    # a transcript we do not have
    f = ids(theirs)
    theirs.assign(f[0], ["werkdruk"], "bram", memo="hun memo")
    theirs.assign(ids(theirs, "U06")[0], ["agressie-bedreiging"], "bram")
    theirs.conn.execute("INSERT INTO codes (id, label, position, version_id) VALUES ('eigen-code', 'Eigen', 999, 1)")
    theirs.conn.execute("INSERT INTO codings (fragment_id, code_id, coder, created_at, updated_at) "
                        "VALUES (?, 'eigen-code', 'bram', 'x', 'x')", (f[3],))
    theirs.close()
    ours.assign(f[0], ["werkdruk"], "bram", memo="onze memo")
    result = ours.merge(tmp_path / "theirs")
    assert result.unmatched_transcripts == ["U06.txt"]
    assert result.unknown_codes == ["eigen-code"]
    assert result.unmatched_fragments >= 1
    assert len(result.conflicts) == 1 and "werkdruk" in result.conflicts[0]
    assert {c.memo for c in ours.codings(coder="bram")} == {"onze memo"}


def test_merge_refuses_what_is_not_a_project(base, tmp_path, cli):
    shutil.copytree(base, cli.folder)
    missing = cli("merge", str(tmp_path / "nergens"))
    assert missing.exit_code == 1 and "no qcode project" in missing.output
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    refused = cli("merge", str(junk))
    assert refused.exit_code == 1 and "not a qcode project database" in refused.output


def test_cli_team_commands(base, cli, tmp_path):
    shutil.copytree(base, cli.folder)
    with Project.open(cli.folder) as project:
        f = ids(project)
        for coder in ("anna", "bram"):
            for fragment in f[:4]:
                project.mark_seen(fragment, coder)
        project.assign(f[0], ["werkdruk"], "anna")
    assert "anna" in cli("coders").output
    listed = cli("disagreements", "--coders", "anna,bram")
    assert listed.exit_code == 0 and "1 disagreements" in listed.output and "Werkdruk" in listed.output
    sheet = tmp_path / "v.xlsx"
    assert cli("disagreements", "--coders", "anna,bram", "--format", "xlsx", "-o", str(sheet)).exit_code == 0
    assert sheet.exists()
    settled = cli("reconcile", "--coders", "anna,bram", "--no-interactive")
    assert "3 fragments agreed" in settled.output and "1 still to settle" in settled.output
    assert "1 settled by union" in cli("reconcile", "--coders", "anna,bram", "--rule", "union").output
