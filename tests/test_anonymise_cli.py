"""`qcode anonymise --scan|--review|--report` through Typer's runner, on a study with identifiers the
pattern detectors and anonimiseren.yaml catch (never depending on deduce finding a particular name)."""
from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from qcode import Project
from qcode.anonymise import decide, identifiers
from qcode.cli import app

from anonymise_study import DATA, anon_study, anon_template, fragment_with  # noqa: F401 (fixtures)


def run(study, *args: str):
    return CliRunner().invoke(app, ["--project", str(study), "anonymise", *args], catch_exceptions=False)


def coded(study, *words: str, coder: str = "anna") -> None:
    """`coder` coded the fragments holding these words."""
    with Project.open(study) as project:
        for text in words:
            project.assign(fragment_with(project, text), ["werkdruk"], coder)


@pytest.mark.parametrize("args, says", [
    ((), "say what to do: --review, --report, --scan or --accept-attribution"),
    (("--review", "--report"), "--review and --report cannot be combined"),
    (("--scan", "--accept-attribution", "jongerenwerker, 29 jaar"), "--scan and --accept-attribution cannot be"),
    (("--report", "--all"), "--all goes with --review, not with --report"),
    (("--review", "--json"), "--json goes with --report or --scan, not with --review"),
    (("--scan", "--attribute", "age"), "--attribute goes with --report, not with --scan"),
], ids=["nothing", "two modes", "scan and accept", "all", "json", "attribute"])
def test_a_wrong_combination_is_refused_before_anything_is_done(anon_study, args, says):
    result = run(anon_study, *args)
    assert result.exit_code == 1 and says in result.output and "Traceback" not in result.output
    with Project.open(anon_study) as project:  # nothing was scanned
        assert sum(item.count for item in identifiers(project)) == 0


def test_a_project_without_fragments_says_to_import_first(tmp_path):
    Project.init(tmp_path / "leeg").close()
    for mode in ("--scan", "--report", "--review"):
        result = run(tmp_path / "leeg", mode)
        assert result.exit_code == 1, mode
        assert "no participants' fragments" in result.output and "qcode import" in result.output


def test_scan_scans_once_and_counts_what_it_found(anon_study):
    first = run(anon_study, "--scan")
    assert first.exit_code == 0, first.output
    assert "16 fragments scanned" in first.output and "without a decision" in first.output
    again = json.loads(run(anon_study, "--scan", "--json").output)
    assert again["scanned"] == 0 and again["identifiers"] == again["unreviewed"] + 1 >= 4  # Ingrid is in altijd
    assert "Nothing new to scan" in run(anon_study, "--scan").output


def test_the_report_names_identifiers_per_export_and_never_the_exported_text(anon_study):
    coded(anon_study, "zes jaar lang", "aanbesteding uit")
    result = run(anon_study, "--report")
    assert result.exit_code == 0, result.output
    out = result.output
    report = out.split("report (md/docx/html)")[1].split("disagreements sheet")[0]
    assert "2 coded fragments they quote from" in report
    assert re.search(r"Stichting Welzijn Oost +organisatie +→ \[organisatie\] +3× +•", report)
    assert "gemeente Almere" in report and "06-12345678" not in report  # the phone number is in no coded fragment
    assert re.search(r"06-12345678 +telefoon +→ \[telefoonnummer\] +1×", out.split("word counts and word cloud")[1])
    assert "Not reviewed yet" in out and "qcode anonymise --review" in out
    for words in ("buurthuizen", "aanbesteding", "jongerenlijn", "moestuin"):  # the participants' own words
        assert words not in out


def test_the_report_as_json_has_the_documented_shape(anon_study):
    coded(anon_study, "zes jaar lang")
    with Project.open(anon_study) as project:
        from qcode.anonymise import scan
        scan(project)
        decide(project, "gemeente Almere", "keep", by="lies")
    data = json.loads(run(anon_study, "--report", "--json").output)
    assert set(data) == {"scanned", "identifiers", "exports", "not_replaced", "unreviewed", "attribution_risk"}
    exports = {e["export"]: e for e in data["exports"]}
    assert list(exports) == ["report", "disagreements", "matrix", "words", "exchange"]
    assert set(exports["report"]) == {"export", "name", "covers", "pseudonymised_by_default", "items", "replaced"}
    assert exports["report"]["items"] == 1
    assert {"text": "Stichting Welzijn Oost", "category": "organisatie", "replacement": "[organisatie]",
            "count": 2, "decision": None} in exports["report"]["replaced"]
    assert exports["exchange"]["pseudonymised_by_default"] is False
    assert all(r["text"] != "gemeente Almere" for e in data["exports"] for r in e["replaced"])  # kept
    assert [i["text"] for i in data["not_replaced"]] == ["gemeente Almere"]
    assert "gemeente Almere" not in [i["text"] for i in data["unreviewed"]]
    assert data["attribution_risk"] is None  # no --attribute given


def test_the_report_refuses_an_attribute_no_participant_has(anon_study):
    result = run(anon_study, "--report", "--attribute", "former_role,leeftijd")
    assert result.exit_code == 1 and "no participant has the attribute 'leeftijd'" in result.output
    assert "age, destination, former_role" in result.output


def test_new_text_after_a_later_import_comes_up_for_review(anon_study):
    with Project.open(anon_study) as project:
        from qcode.anonymise import scan
        scan(project)
        for item in identifiers(project):
            decide(project, item.text, "replace", by="lies")
        assert identifiers(project, unreviewed_only=True) == []
    later = anon_study / "A04.txt"
    later.write_text("I: Waar werk je nu?\n\nR: Bij Stichting Jeugdhulp Zuid, als ambulant hulpverlener. "
                     "Bel me gerust op 020-7654321.\n", encoding="utf-8")
    with Project.open(anon_study) as project:
        project.import_paths([later])
    assert "2 fragments scanned" in run(anon_study, "--scan").output
    with Project.open(anon_study) as project:
        assert {i.text for i in identifiers(project, unreviewed_only=True)} == {"Stichting Jeugdhulp Zuid",
                                                                                  "020-7654321"}


def test_quitting_the_review_prints_what_was_decided(anon_study, capsys):
    from qcode.anonymise import scan
    from qcode.anonymise.review import Review
    from qcode.cli.anonymise_cmd import _show_summary

    with Project.open(anon_study) as project:
        scan(project)
        review = Review(project, by="lies")
        review.decide("replace")
        review.decide("keep")
        review.decide("never")
        review.undo()
        _show_summary(review)
    out = capsys.readouterr().out
    assert "2 decisions saved (1 replace, 1 keep) by lies." in out
    assert "2 identifiers still without a decision (exports replace them meanwhile): qcode anonymise --review" in out


def test_the_report_of_a_scanned_project_loads_no_heavy_library(anon_study):
    from qcode.anonymise import scan
    from test_startup import HEAVY, loaded_modules

    with Project.open(anon_study) as project:
        scan(project)
    top = loaded_modules(anon_study, "anonymise", "--report", "--json")
    assert not top & {*HEAVY, "deduce"}, sorted(top & {*HEAVY, "deduce"})


def test_the_report_shows_attributions_fitting_too_few_participants_until_one_is_accepted(anon_study):
    result = run(anon_study, "--report", "--attribute", "former_role,age")
    assert result.exit_code == 0, result.output
    risk = result.output.split("Attribution risk")[1]
    assert risk.startswith(" (former_role, age): 3 attributions fit fewer than 3 participants")
    assert re.search(r"– jongerenwerker, 29 jaar: fits 1 participant → printed as '[^']+'", risk)
    assert 'qcode anonymise --accept-attribution "' in risk
    accepted = run(anon_study, "--accept-attribution", "Jongerenwerker,  29 jaar", "--coder", "lies")
    assert accepted.exit_code == 0, accepted.output
    assert "Exports print 'Jongerenwerker, 29 jaar' as it is from now on (accepted by lies" in accepted.output
    again = run(anon_study, "--report", "--attribute", "former_role,age")
    assert "– jongerenwerker, 29 jaar: fits 1 participant → accepted, printed as it is" in again.output
    data = json.loads(run(anon_study, "--report", "--attribute", "former_role,age", "--json").output)
    risks = {r["attribution"]: r for r in data["attribution_risk"]["risks"]}
    assert data["attribution_risk"]["attributes"] == ["former_role", "age"] and data["attribution_risk"]["k"] == 3
    assert risks["jongerenwerker, 29 jaar"] == {"attribution": "jongerenwerker, 29 jaar",
                                                 "values": ["jongerenwerker", "29 jaar"], "participants": 1,
                                                 "accepted": True, "printed_as": "jongerenwerker, 29 jaar"}
    assert risks["opbouwwerker, 45 jaar"]["printed_as"] != "opbouwwerker, 45 jaar"


def test_an_attribution_no_participant_has_is_not_accepted(anon_study):
    result = run(anon_study, "--accept-attribution", "jongerenwerker, 99 jaar", "--coder", "lies")
    assert result.exit_code == 1 and "no participant has that attribution" in result.output
    empty = run(anon_study, "--accept-attribution", "  ")
    assert empty.exit_code == 1 and "needs the attribution as --report prints it" in empty.output


def test_the_review_without_a_terminal_says_so_instead_of_waiting(anon_study):
    result = run(anon_study, "--review", "--coder", "lies")  # the runner's input is no terminal
    assert result.exit_code == 1
    assert "the review needs a terminal to run in (4 identifiers to review)" in result.output
    assert "qcode anonymise --report --json" in result.output
