"""Scriptable coding: assign, unassign, seen-marks and the change log, through the API and the CLI."""
from __future__ import annotations

import json
import textwrap

import pytest

from qcode.errors import UsageError

CODEBOOK = textwrap.dedent("""\
    name: Klein
    version: "1"
    codes:
      - id: doorgroei
        label: Doorgroeimogelijkheden
        codes:
          - id: doorgroei-sollicitatie
            label: Interne sollicitatie mislukt
      - id: steun
        label: Steun
    """)


@pytest.fixture
def coded(project, awkward, tmp_path):
    (tmp_path / "klein.yaml").write_text(CODEBOOK, encoding="utf-8")
    project.load_codebook(tmp_path / "klein.yaml")
    project.import_paths([awkward / "wrapped.txt"])
    return project


def answers(project):
    return project.fragments(role="participant")


def test_assign_records_the_coding_the_seen_mark_and_the_log(coded):
    first = answers(coded)[0]
    coded.assign(first.id, ["doorgroei-sollicitatie", "steun"], "anna", main=True, memo="de druppel")
    records = coded.codings(coder="anna")
    assert [(r.fragment, r.code, r.main, r.star, r.memo) for r in records] == [
        (first.id, "doorgroei-sollicitatie", True, False, "de druppel"), (first.id, "steun", True, False, "de druppel")]
    assert records[0].text.startswith("De belangrijkste reden was dat ik niet verder kon groeien.")
    assert coded.conn.execute("SELECT fragment_id, coder FROM seen").fetchall() == [(first.id, "anna")]
    log = coded.conn.execute("SELECT coder, action, fragment_id, code_id FROM coding_log ORDER BY id").fetchall()
    assert log == [("anna", "assign", first.id, "doorgroei-sollicitatie"), ("anna", "assign", first.id, "steun")]


def test_assigning_again_updates_flags_and_keeps_one_row(coded):
    first = answers(coded)[0]
    coded.assign(first.id, ["steun"], "anna", memo="eerste lezing")
    coded.assign(first.id, ["steun"], "anna", star=True)
    [record] = coded.codings()
    assert (record.star, record.memo) == (True, "eerste lezing")


def test_coders_are_kept_apart_and_unassign_removes_only_ones_own(coded):
    first = answers(coded)[0]
    coded.assign(first.id, ["steun"], "anna")
    coded.assign(first.id, ["steun"], "bram")
    coded.unassign(first.id, ["steun"], "anna")
    assert [(r.coder, r.code) for r in coded.codings()] == [("bram", "steun")]
    with pytest.raises(UsageError, match="anna has not coded fragment"):
        coded.unassign(first.id, ["steun"], "anna")


def test_bad_requests_are_refused_and_write_nothing(coded):
    interviewer = coded.fragments(role="interviewer")[0]
    first = answers(coded)[0]
    for call, message in [
        (lambda: coded.assign(interviewer.id, ["steun"], "anna"), "interviewer's turn"),
        (lambda: coded.assign(99999, ["steun"], "anna"), "no fragment 99999"),
        (lambda: coded.assign(first.id, ["steun", "bestaat-niet"], "anna"), "no code 'bestaat-niet'"),
        (lambda: coded.assign(first.id, ["steun"], "  "), "a coder name is needed"),
        (lambda: coded.assign(first.id, ["steun"], "anna", span=(10, 5000)), "outside fragment"),
    ]:
        with pytest.raises(UsageError, match=message):
            call()
    assert coded.codings() == []
    assert coded.conn.execute("SELECT COUNT(*) FROM coding_log").fetchone()[0] == 0


def test_cli_assign_list_and_unassign(cli, awkward, tmp_path):
    cli("init", str(cli.folder), project=False)
    (tmp_path / "klein.yaml").write_text(CODEBOOK, encoding="utf-8")
    cli("codebook", "load", str(tmp_path / "klein.yaml"))
    cli("import", str(awkward / "wrapped.txt"))
    fragment = json.loads(cli("fragments", "--role", "participant", "--json").output)[1]["id"]
    result = cli("assign", str(fragment), "doorgroei", "--coder", "anna", "--star")
    assert result.exit_code == 0 and f"fragment {fragment} coded with 1 code" in result.output
    listed = json.loads(cli("codings", "--coder", "anna", "--json").output)
    assert [(r["fragment"], r["code"], r["star"]) for r in listed] == [(fragment, "doorgroei", True)]
    assert "Toen dacht ik" in cli("codings").output
    tree = json.loads(cli("codebook", "show", "--json").output)
    assert tree[0]["counts"] == {"anna": 1}
    assert cli("unassign", str(fragment), "doorgroei", "--coder", "anna").exit_code == 0
    assert json.loads(cli("codings", "--json").output) == []
    result = cli("assign", str(fragment), "onbekend", "--coder", "anna")
    assert result.exit_code == 1 and "no code 'onbekend'" in result.output


def test_search_and_fragments_filter_by_code_including_sub_codes(coded):
    first, second, _ = answers(coded)
    coded.assign(first.id, ["doorgroei-sollicitatie"], "anna")
    coded.assign(second.id, ["steun"], "anna")
    assert [f.id for f in coded.fragments(code="doorgroei")] == [first.id]
    assert [h.fragment.id for h in coded.search("ik", code="doorgroei")] == [first.id]
    assert [h.fragment.id for h in coded.search("ik", code="steun")] == [second.id]
    status = coded.status()
    assert [(c.coder, c.coded_fragments) for c in status.coders] == [("anna", 2)]
