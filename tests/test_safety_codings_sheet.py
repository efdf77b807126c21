"""Codings sheets never code the wrong words: ids checked against text, conflicting rows, bad ids (issue 11)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcode import Project
from qcode.errors import InputError

from conftest import database_dump

CODEBOOK = ("name: Vertrek\nversion: 1\nlanguage: nl\ncodes:\n"
            "  - id: werkdruk\n    label: Werkdruk\n  - id: steun\n    label: Steun\n")
TRANSCRIPT = ("Interviewer: Waarom ben je gestopt?\n\n"
              "Petra: De werkdruk werd me te veel.\n\n"
              "Interviewer: Wat had je nodig gehad?\n\n"
              "Petra: Een collega die meedacht.\n\n"
              "Interviewer: Nog iets?\n\n"
              "Petra: Nee, dat was het.\n\n")


@pytest.fixture
def study(project: Project, tmp_path: Path) -> Project:
    (tmp_path / "vertrek.yaml").write_text(CODEBOOK, encoding="utf-8")
    project.load_codebook(tmp_path / "vertrek.yaml")
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "petra.txt").write_text(TRANSCRIPT, encoding="utf-8")
    project.import_paths([folder / "petra.txt"], interviewer=["Interviewer"])
    return project


def _answers(project: Project) -> list:
    return project.fragments(role="participant")


def _sheet(tmp_path: Path, lines: list[str], name: str = "codering.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _refused(project: Project, sheet: Path) -> list[str]:
    before = database_dump(project)
    with pytest.raises(InputError) as raised:
        project.import_codings(sheet, coder="anna")
    assert database_dump(project) == before
    return [str(p).split("\n")[0] for p in raised.value.problems]


def test_an_id_whose_fragment_has_other_text_is_a_row_error(study, tmp_path):
    first, second, _ = _answers(study)
    sheet = _sheet(tmp_path, ["fragment;text;code",
                              f'{second.id};"De werkdruk werd me te veel.";steun',
                              f'{first.id};"De   werkdruk werd\nme te veel.";werkdruk'])  # spacing does not matter
    assert _refused(study, sheet) == [
        f"{sheet} (row 2): fragment {second.id}'s text is not this row's text — the transcript was re-imported "
        "since the sheet was written?"]
    study.import_codings(sheet, coder="anna", skip_bad=True)
    assert [(c.fragment, c.code) for c in study.codings()] == [(first.id, "werkdruk")]


def test_a_sheet_written_before_a_reimport_never_codes_other_words(study, tmp_path):
    first, second, third = _answers(study)
    study.assign(third.id, ["steun"], "anna")
    sheet = tmp_path / "export.csv"
    from qcode.tables import write_rows
    from qcode.codings_io import EXPORT_COLUMNS
    write_rows(study.export_codings(), EXPORT_COLUMNS, sheet, "csv")
    study.unassign(third.id, ["steun"], "anna")
    path = tmp_path / "transcripts/petra.txt"
    path.write_text(TRANSCRIPT.replace("Nee, dat was het.", "Nee.") + "Interviewer: Dank je.\n\nPetra: Graag.\n\n",
                    encoding="utf-8")
    study.import_paths([path], interviewer=["Interviewer"])
    assert [f.id for f in _answers(study)][:2] == [first.id, second.id]
    assert _refused(study, sheet) == [f"{sheet} (row 2): there is no fragment {third.id}"]


def test_conflicting_duplicate_rows_name_both_rows_and_neither_is_applied(study, tmp_path):
    first, second, third = _answers(study)
    sheet = _sheet(tmp_path, ["fragment,code,coder,main,star,memo",
                              f"{first.id},werkdruk,anna,1,0,hoofdreden",
                              f"{second.id},steun,anna,0,0,",
                              f"{first.id},werkdruk,anna,0,0,hoofdreden",
                              f"{second.id},steun,anna,0,0,",  # the same again: fine
                              f"{third.id},steun,anna,0,0,eerste lezing",
                              f"{third.id},steun,bram,0,1,",  # another coder: not a duplicate
                              f"{third.id},steun,anna,0,0,tweede lezing"])
    assert _refused(study, sheet) == [
        f"{sheet} (row 4): rows 2 and 4 both code fragment {first.id} with 'werkdruk' for anna, with a different main",
        f"{sheet} (row 8): rows 6 and 8 both code fragment {third.id} with 'steun' for anna, with a different memo"]
    result = study.import_codings(sheet, coder="anna", skip_bad=True)
    assert (result.applied, result.unchanged, len(result.skipped)) == (2, 1, 2)
    assert sorted((c.fragment, c.coder) for c in study.codings()) == [(second.id, "anna"), (third.id, "bram")]


@pytest.mark.parametrize("cell", ["10000000000000000000000", "-3", "1.5", "12abc", "1e22", "0", " 7x"])
def test_a_fragment_id_that_is_not_one_is_a_row_error(study, tmp_path, cell):
    first = _answers(study)[0]
    sheet = _sheet(tmp_path, ["fragment,code", f"{first.id},steun", f"{cell},werkdruk"])
    [message] = _refused(study, sheet)
    assert message.startswith(f"{sheet} (row 3): ")
    assert "is not a fragment id" in message or "there is no fragment" in message


def test_xlsx_numbers_that_are_not_fragment_ids(study, tmp_path):
    from openpyxl import Workbook

    first = _answers(study)[0]
    book = Workbook()
    for row in (["fragment", "code"], [float(first.id), "steun"], [1.5, "steun"], [1e22, "steun"], [10**22, "steun"]):
        book.active.append(row)
    book.save(tmp_path / "codering.xlsx")
    messages = _refused(study, tmp_path / "codering.xlsx")
    assert [m.split(": ")[0].rsplit(" ", 1)[-1] for m in messages] == ["3)", "4)", "5)"]


def test_spans_come_back_from_an_exported_sheet_and_are_checked(study, tmp_path):
    first, second, _ = _answers(study)
    study.assign(first.id, ["werkdruk"], "anna", span=(3, 11))
    from qcode.tables import write_rows
    from qcode.codings_io import EXPORT_COLUMNS
    write_rows(study.export_codings(), EXPORT_COLUMNS, tmp_path / "export.csv", "csv")
    study.unassign(first.id, ["werkdruk"], "anna")
    study.import_codings(tmp_path / "export.csv")
    assert [(c.span_start, c.span_end) for c in study.codings()] == [(3, 11)]
    assert study.import_codings(tmp_path / "export.csv").applied == 0
    sheet = _sheet(tmp_path, ["fragment,code,span_start,span_end", f"{second.id},steun,0,999",
                              f"{second.id},werkdruk,4,"])
    assert [m.split(": ", 1)[1] for m in _refused(study, sheet)] == [
        f"span 0–999 lies outside fragment {second.id} (0–{len(second.text)})",
        "span_start and span_end must both be whole numbers, or both empty"]


@pytest.mark.parametrize("command", ["assign", "unassign"])
def test_assign_and_unassign_with_an_id_too_big_for_the_database(cli, command):
    assert cli("init", str(cli.folder), project=False).exit_code == 0
    result = cli(command, "10000000000000000000000", "steun", "--coder", "anna")
    assert result.exit_code == 1
    assert "there is no fragment 10000000000000000000000" in result.output and "Traceback" not in result.output


def test_codings_import_through_the_cli_lists_bad_ids_and_writes_nothing(cli, tmp_path):
    assert cli("init", str(cli.folder), project=False).exit_code == 0
    (tmp_path / "vertrek.yaml").write_text(CODEBOOK, encoding="utf-8")
    cli("codebook", "load", str(tmp_path / "vertrek.yaml"))
    (tmp_path / "petra.txt").write_text(TRANSCRIPT, encoding="utf-8")
    cli("import", str(tmp_path / "petra.txt"), "--interviewer", "Interviewer")
    ids = [f["id"] for f in json.loads(cli("fragments", "--role", "participant", "--json").output)]
    sheet = _sheet(tmp_path, ["fragment,code,coder", f"{ids[0]},steun,anna", "10000000000000000000000,steun,anna",
                              "1.5,steun,anna"])
    result = cli("codings", "import", str(sheet))
    assert result.exit_code == 1 and "row 3" in result.output and "row 4" in result.output
    assert "Traceback" not in result.output
    assert json.loads(cli("codings", "--json").output) == []


def test_an_id_in_another_transcript_than_the_rows_is_a_row_error(study, tmp_path):
    first = _answers(study)[0]
    other = tmp_path / "transcripts/sanne.txt"
    other.write_text(TRANSCRIPT.replace("Petra", "Sanne"), encoding="utf-8")
    study.import_paths([other], interviewer=["Interviewer"], allow_duplicate=True)
    sheet = _sheet(tmp_path, ["fragment,transcript,code", f"{first.id},petra,steun", f"{first.id},sanne.txt,werkdruk",
                              f"{first.id},niemand,werkdruk"])
    assert [m.split(": ", 1)[1] for m in _refused(study, sheet)] == [
        f"fragment {first.id} is in petra.txt, not in this row's transcript sanne.txt",
        "no transcript 'niemand' in this project"]


@pytest.mark.parametrize("limit, shown", [("100000000000000000000000", "1 hit"), ("0", "the limit must be 1 or more")])
def test_search_limit_out_of_range(cli, tmp_path, limit, shown):
    assert cli("init", str(cli.folder), project=False).exit_code == 0
    (tmp_path / "petra.txt").write_text(TRANSCRIPT, encoding="utf-8")
    cli("import", str(tmp_path / "petra.txt"), "--interviewer", "Interviewer")
    result = cli("search", "werkdruk", "--limit", limit)
    assert shown in result.output and "Traceback" not in result.output
    assert result.exit_code == (0 if shown == "1 hit" else 1)
