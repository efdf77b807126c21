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


def write_csv(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_codings_import_by_id_or_by_text_and_twice_changes_nothing(coded, tmp_path):
    first, second, third = answers(coded)
    sheet = write_csv(tmp_path / "anna.csv", f"""\
        fragment,transcript,text,code,coder,main,star,memo
        {first.id},,,doorgroei-sollicitatie,anna,1,0,de druppel
        ,wrapped,"waar doe ik   het nog voor",steun,,0,1,
        ,wrapped.txt,volgend jaar,doorgroei,bram,,,
        """)
    result = coded.import_codings(sheet, coder="anna")
    assert (result.applied, result.unchanged) == (3, 0)
    rows = [(r.fragment, r.code, r.coder, r.main, r.star, r.memo) for r in coded.codings()]
    assert sorted(rows) == sorted([(first.id, "doorgroei-sollicitatie", "anna", True, False, "de druppel"),
                                   (second.id, "steun", "anna", False, True, None),
                                   (third.id, "doorgroei", "bram", False, False, None)])
    log_size = coded.conn.execute("SELECT COUNT(*) FROM coding_log").fetchone()[0]
    again = coded.import_codings(sheet, coder="anna")
    assert (again.applied, again.unchanged) == (0, 3)
    assert coded.conn.execute("SELECT COUNT(*) FROM coding_log").fetchone()[0] == log_size


def test_codings_import_reports_every_bad_row_and_writes_nothing(coded, tmp_path, data):
    from qcode.errors import InputError
    from conftest import database_dump

    first = answers(coded)[0]
    interviewer = coded.fragments(role="interviewer")[0]
    sheet = write_csv(tmp_path / "fout.csv", f"""\
        fragment,transcript,text,code,coder,main
        {first.id},,,steun,anna,1
        {first.id},,,bestaat-niet,anna,0
        ,wrapped,dit staat er niet,steun,anna,0
        ,wrapped,ik,steun,anna,0
        {interviewer.id},,,steun,anna,0
        {first.id},,,steun,,0
        {first.id},,,steun,anna,misschien
        """)
    before = database_dump(coded)
    with pytest.raises(InputError) as raised:
        coded.import_codings(sheet)
    messages = [str(p).split("\n")[0] for p in raised.value.problems]
    assert messages == [
        f"{sheet} (row 3): unknown code 'bestaat-niet'",
        f"{sheet} (row 4): the text matches no participant fragments of wrapped.txt",
        f"{sheet} (row 5): the text matches 2 participant fragments of wrapped.txt "
        f"({first.id}, {answers(coded)[1].id})",
        f"{sheet} (row 6): fragment {interviewer.id} is an interviewer's turn; only participants' words are coded",
        f"{sheet} (row 7): no coder in this row",
        f"{sheet} (row 8): main must be yes or no, not 'misschien'",
    ]
    assert database_dump(coded) == before
    result = coded.import_codings(sheet, skip_bad=True)
    assert result.applied == 1 and len(result.skipped) == 6


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_codings_export_then_import_gives_the_same_codings(cli, awkward, tmp_path, suffix):
    cli("init", str(cli.folder), project=False)
    (tmp_path / "klein.yaml").write_text(CODEBOOK, encoding="utf-8")
    cli("codebook", "load", str(tmp_path / "klein.yaml"))
    cli("import", str(awkward / "wrapped.txt"))
    ids = [f["id"] for f in json.loads(cli("fragments", "--role", "participant", "--json").output)]
    cli("assign", str(ids[0]), "doorgroei", "steun", "--coder", "anna", "--main", "--memo", "twee redenen")
    cli("assign", str(ids[2]), "steun", "--coder", "bram", "--star")
    target = tmp_path / f"codings.{suffix}"
    assert cli("codings", "export", "-o", str(target)).exit_code == 0
    before = json.loads(cli("codings", "--json").output)
    for row in before:
        cli("unassign", str(row["fragment"]), row["code"], "--coder", row["coder"])
    assert json.loads(cli("codings", "--json").output) == []
    result = cli("codings", "import", str(target))
    assert result.exit_code == 0 and "3 codings applied" in result.output
    after = json.loads(cli("codings", "--json").output)
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("id", "updated_at")} for r in rows]  # noqa: E731
    assert strip(after) == strip(before)


def test_codings_import_read_whole_marks_every_answer_of_the_transcript_seen(coded, tmp_path):
    first = answers(coded)[0]
    sheet = tmp_path / "een.csv"
    sheet.write_text(f"fragment,code,coder\n{first.id},steun,anna\n", encoding="utf-8")
    coded.import_codings(sheet)
    seen = coded.conn.execute("SELECT COUNT(*) FROM seen WHERE coder = 'anna'").fetchone()[0]
    assert seen == 1
    result = coded.import_codings(sheet, read_whole=True)
    seen = coded.conn.execute("SELECT COUNT(*) FROM seen WHERE coder = 'anna'").fetchone()[0]
    assert seen == len(answers(coded)) and result.seen_added == seen - 1
