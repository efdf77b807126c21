"""The real `qcode` command line through Typer's runner."""
from __future__ import annotations

import json

import pytest
import typer

from qcode.cli import app
from qcode.db import MIGRATIONS


def all_commands(group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if hasattr(command, "commands"):
            yield from all_commands(command, prefix + (name,))


COMMANDS = list(all_commands(typer.main.get_command(app)))


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path, command):
    assert command.help and len(command.help) > 20
    if not hasattr(command, "commands"):
        assert "Example" in command.help
        for parameter in command.params:
            if parameter.param_type_name == "option" and parameter.name != "help":
                assert parameter.help, f"{' '.join(path)} {parameter.name} has no help"


def test_init_import_status_round(cli, awkward):
    result = cli("init", str(cli.folder), project=False)
    assert result.exit_code == 0 and "Made a qcode project" in result.output
    result = cli("import", str(awkward))
    assert result.exit_code == 0, result.output
    assert "Import" in result.output and "32" in result.output  # turns in the summary table
    status = json.loads(cli("status", "--json").output)
    assert (status["transcripts"], status["participants"], status["turns"]) == (7, 7, 32)
    assert cli("init", str(cli.folder), project=False).output.startswith("A qcode project already exists")


def test_fragments_json_has_the_documented_fields(cli, awkward):
    cli("init", str(cli.folder), project=False)
    cli("import", str(awkward))
    rows = json.loads(cli("fragments", "--transcript", "wrapped", "--json").output)
    assert set(rows[0]) >= {"id", "transcript", "participant", "role", "turn", "index", "timestamp", "start",
                            "end", "text"}
    assert [(r["turn"], r["index"], r["role"], r["timestamp"]) for r in rows] == [
        (1, 1, "interviewer", 4.0), (2, 2, "participant", 11.0), (2, 3, "participant", 11.0),
        (3, 4, "interviewer", 62.0), (4, 5, "participant", 69.0)]
    only = json.loads(cli("fragments", "--participant", "W04", "--role", "interviewer", "--json").output)
    assert [r["index"] for r in only] == [1, 4]


def test_fragments_to_csv_file(cli, awkward, tmp_path):
    cli("init", str(cli.folder), project=False)
    cli("import", str(awkward))
    target = tmp_path / "uit" / "fragmenten.csv"
    missing = cli("fragments", "-o", str(target))  # outside the project a typo must not make folders
    assert missing.exit_code == 1 and "does not exist" in missing.output and not target.parent.exists()
    target.parent.mkdir()
    assert cli("fragments", "-o", str(target)).exit_code == 0
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "id,transcript,participant,role,speaker,turn,index,timestamp,start,end,text,question"
    assert len(lines) == 1 + json.loads(cli("status", "--json").output)["fragments"] == 39


def test_show_prints_turns_with_roles_and_fragment_ids(cli, awkward):
    cli("init", str(cli.folder), project=False)
    cli("import", str(awkward / "teams.vtt"), "--interviewer", "Marieke de Vries")
    output = cli("show", "teams").output
    assert "[00:00:07] Karin Jansen (participant, turn 2)" in output
    assert "Marieke de Vries (interviewer, turn 1)" in output
    assert "#2 Ja, ik ben vijftien jaar" in output


def test_search_highlights_filters_and_finds_other_word_forms(cli, awkward):
    cli("init", str(cli.folder), project=False)
    cli("import", str(awkward))
    hits = json.loads(cli("search", "registratiedruk", "--json").output)
    assert [h["transcript"] for h in hits] == ["teams.vtt"]
    assert "[registratiedruk]" in hits[0]["highlighted"]
    # 'gesolliciteerd' is found through its lemma 'solliciteren'
    assert json.loads(cli("search", "solliciteren", "--json").output)[0]["participant"] == "W04"
    assert json.loads(cli("search", "cliënten", "--participant", "W02", "--json").output) == []
    by_participant = json.loads(cli("search", "cliënten", "--role", "participant", "--json").output)
    assert sorted(h["participant"] for h in by_participant) == ["W01", "W01", "W03"]  # W03 said "cliënten"
    result = cli("search", "registratiedruk")
    assert "1 hit" in result.output


def test_search_by_code_needs_a_known_code(cli, awkward):
    cli("init", str(cli.folder), project=False)
    result = cli("search", "werk", "--code", "onbekend")
    assert result.exit_code == 1 and "no code 'onbekend'" in result.output


def test_bad_import_exits_non_zero_without_traceback(cli, data):
    cli("init", str(cli.folder), project=False)
    result = cli("import", str(data / "bad/nolabels"), str(data / "bad/empty"))
    assert result.exit_code == 1
    assert "zonder.txt:1: no speaker labels found" in result.output
    assert "leeg.txt: the file is empty" in result.output
    assert "Traceback" not in result.output
    assert json.loads(cli("status", "--json").output)["transcripts"] == 0


def test_outside_a_project_is_a_clear_error(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("status", project=False)
    assert result.exit_code == 1
    assert "no qcode project in" in result.output and "qcode init" in result.output


def test_project_from_environment_variable(cli, awkward, monkeypatch, tmp_path):
    cli("init", str(cli.folder), project=False)
    monkeypatch.setenv("QCODE_PROJECT", str(cli.folder))
    monkeypatch.chdir(tmp_path)
    assert cli("import", str(awkward / "bom.txt"), project=False).exit_code == 0
    assert json.loads(cli("status", "--json", project=False).output)["transcripts"] == 1


def test_codebook_commands(cli, tmp_path):
    cli("init", str(cli.folder), project=False)
    path = cli.folder / "codes.yaml"
    path.write_text("name: Klein\nversion: 1\ncodes:\n  - id: werkdruk\n    label: Werkdruk\n    codes:\n"
                    "      - id: werkdruk-extra\n        label: Extra taken\n", encoding="utf-8")
    assert "1 themes, 1 sub-codes — valid" in cli("codebook", "check", str(path), project=False).output
    assert "codebook version 1" in cli("codebook", "load", str(path)).output
    shown = cli("codebook", "show", "--ids").output
    assert "Werkdruk werkdruk" in shown and "Extra taken werkdruk-extra" in shown
    assert cli("codebook", "rename", "werkdruk-extra", "werkdruk-taken").exit_code == 0
    tree = json.loads(cli("codebook", "show", "--json").output)
    assert tree[0]["codes"][0]["id"] == "werkdruk-taken"
    assert cli("codebook", "merge", "werkdruk-taken", "into", "werkdruk").exit_code == 0
    assert json.loads(cli("codebook", "show", "--json").output)[0]["codes"] == []
    path.write_text("name: Klein\nversion: 1\ncodes:\n  - id: Werk druk\n", encoding="utf-8")
    result = cli("codebook", "check", str(path), project=False)
    assert result.exit_code == 1 and f"{path}:4: code id 'Werk druk' is not a valid id" in result.output
    assert "field 'label' is missing" in result.output  # every problem at once


def test_doctor_reports_the_pipeline(cli):
    cli("init", str(cli.folder), project=False)
    info = json.loads(cli("doctor", "--json").output)
    assert info["pipeline"].startswith(("nl_core_news_sm", "spacy.blank('nl')"))
    assert info["lemmas"].startswith("simplemma")
    assert info["fts5"] == "available" and info["schema_version"] == str(len(MIGRATIONS))


def test_doctor_works_outside_a_project(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("doctor", "--json", project=False)
    assert result.exit_code == 0 and json.loads(result.output)["fts5"] == "available"


def test_an_explicit_project_folder_is_not_walked_up_from(cli, awkward):
    cli("init", str(cli.folder), project=False)
    inner = cli.folder / "exports" / "enquete"
    inner.mkdir(parents=True)
    result = cli("--project", str(inner), "import", str(awkward / "bom.txt"), project=False)
    assert result.exit_code == 1 and f"no qcode project in {inner}" in result.output
    assert json.loads(cli("status", "--json").output)["transcripts"] == 0
