"""Attribution risk: which attributions fit fewer than three participants, the coarsening every export prints
instead, and the attributions the researcher accepts as they are."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest

from qcode import Project
from qcode.anonymise.attribution_risk import (accept_attribution, accepted_attributions, attribution_risks,
                                              coarsening, withdraw_acceptance)
from qcode.db import MIGRATIONS, schema_version
from qcode.errors import UsageError
from qcode.render.attribution import Attributor
from qcode.render.report import ReportOptions

from conftest import DATA

# Seventeen leavers: role and age. P17's age is not on file.
SHEET = [("P01", "jongerenwerker", 29), ("P02", "jongerenwerker", 31), ("P03", "jongerenwerker", 27),
         ("P04", "jongerenwerker", 29), ("P05", "maatschappelijk werker", 29), ("P06", "maatschappelijk werker", 42),
         ("P07", "maatschappelijk werker", 42), ("P08", "maatschappelijk werker", 42),
         ("P09", "maatschappelijk werker", 38), ("P10", "maatschappelijk werker", 36), ("P11", "opbouwwerker", 51),
         ("P12", "opbouwwerker", 55), ("P13", "opbouwwerker", 58), ("P14", "schoolmaatschappelijk werker", 33),
         ("P15", "schoolmaatschappelijk werker", 47), ("P16", "sociaal raadslid", 44), ("P17", "jongerenwerker", None)]
ANSWERS = ["Ik kon nergens meer naartoe groeien, er was geen functie boven de mijne.",
           "De registratie kostte me de helft van de week, dat was niet waarvoor ik het vak koos.",
           "Elk jaar een nieuwe aanbesteding, en dan maar afwachten of je team blijft bestaan.",
           "Mijn leidinggevende had geen idee wat jongerenwerk eigenlijk inhoudt.",
           "Na de derde bedreiging in een maand ben ik gaan solliciteren."]
CODEBOOK = """name: Uitstroom
version: "1"
codes:
  - {id: doorgroei, label: Doorgroeimogelijkheden}
  - {id: werkdruk, label: Werkdruk}
"""


def write_study(folder: Path, sheet=SHEET) -> Path:
    """Transcripts of a question and an answer each, and the participants sheet beside them."""
    folder.mkdir(parents=True)
    lines = ["participant,transcript,rol,leeftijd"]
    for number, (pid, role, age) in enumerate(sheet):
        answer = ANSWERS[number % len(ANSWERS)]
        (folder / f"{pid}.txt").write_text(f"I: Waarom ben je vertrokken?\n\nR: {answer} Dat zeg ik als {role}, "
                                           f"na {number + 2} jaar in het vak.\n", encoding="utf-8")
        lines.append(f"{pid},{pid}.txt,{role},{'' if age is None else age}")
    (folder / "deelnemers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """The seventeen, every answer coded by anna: doorgroei for P01, P02, P11; werkdruk for the rest."""
    root = tmp_path_factory.mktemp("risico")
    (root / "codeboek.yaml").write_text(CODEBOOK, encoding="utf-8")
    with Project.init(root / "studie") as project:
        project.load_codebook(root / "codeboek.yaml")
        project.import_paths([write_study(root / "interviews")])
        for fragment in project.fragments(role="participant"):
            code = "doorgroei" if fragment.participant in ("P01", "P02", "P11") else "werkdruk"
            project.assign(fragment.id, [code], "anna")
            project.mark_seen(fragment.id, "anna")
    return root / "studie"


@pytest.fixture
def study(made, tmp_path) -> Project:
    with Project.open(shutil.copytree(made, tmp_path / "studie")) as project:
        yield project


ATTRIBUTES = ("rol", "leeftijd")


def test_the_risks_counted_by_hand(study):
    risks = attribution_risks(study, ATTRIBUTES)
    # every role-and-age pair but 'maatschappelijk werker, 42 jaar' (three) fits fewer than three; P17's bare
    # 'jongerenwerker' fits all five jongerenwerkers, since a reader cannot tell whose age is not on file
    assert [(r.text, r.participants, r.participant_ids) for r in risks] == [
        ("jongerenwerker, 27 jaar", 1, ("P03",)), ("jongerenwerker, 31 jaar", 1, ("P02",)),
        ("maatschappelijk werker, 29 jaar", 1, ("P05",)), ("maatschappelijk werker, 36 jaar", 1, ("P10",)),
        ("maatschappelijk werker, 38 jaar", 1, ("P09",)), ("opbouwwerker, 51 jaar", 1, ("P11",)),
        ("opbouwwerker, 55 jaar", 1, ("P12",)), ("opbouwwerker, 58 jaar", 1, ("P13",)),
        ("schoolmaatschappelijk werker, 33 jaar", 1, ("P14",)), ("schoolmaatschappelijk werker, 47 jaar", 1, ("P15",)),
        ("sociaal raadslid, 44 jaar", 1, ("P16",)), ("jongerenwerker, 29 jaar", 2, ("P01", "P04"))]
    assert not any(r.accepted for r in risks)
    # the role alone: only 'sociaal raadslid' (one) and 'schoolmaatschappelijk werker' (two)
    assert [(r.text, r.participants) for r in attribution_risks(study, ["rol"])] == [
        ("sociaal raadslid", 1), ("schoolmaatschappelijk werker", 2)]
    assert attribution_risks(study, ["rol"], k=2) == attribution_risks(study, ["rol"], k=2)[:1]
    with pytest.raises(UsageError, match="no participant has the attribute 'functie'"):
        attribution_risks(study, ["functie"])


def test_the_coarsening_widens_until_every_attribution_fits_three(study):
    # Worked out by hand. No combination keeping both attributes fits with exact roles or with only the rare
    # roles grouped (smw 33 stays alone in every age band); grouping roles of fewer than six participants
    # (all but maatschappelijk werker) with ages in bands of 20 is the first that fits.
    plan = coarsening(study, ATTRIBUTES)
    assert [level.kind for level in plan.levels] == ["grouped", "bands"]
    assert plan.describe() == "rol values of fewer than 6 participants grouped, ages in bands of 20"
    people = {pid: {"rol": role, "leeftijd": str(age) if age else None} for pid, role, age in SHEET}
    printed = {pid: ", ".join(plan.printed(values)) for pid, values in people.items()}
    assert printed["P05"] == printed["P06"] == "maatschappelijk werker, 25–44 jaar"
    assert printed["P01"] == printed["P14"] == printed["P16"] == "andere functie, 25–44 jaar"
    assert printed["P11"] == printed["P15"] == "andere functie, 45–64 jaar"
    assert printed["P17"] == "andere functie"
    counts = {text: list(printed.values()).count(text) for text in printed.values()}
    assert counts == {"andere functie, 25–44 jaar": 6, "maatschappelijk werker, 25–44 jaar": 6,
                      "andere functie, 45–64 jaar": 4, "andere functie": 1}  # the last fits all eleven others
    assert [r.coarsened for r in attribution_risks(study, ATTRIBUTES)][-1] == "andere functie, 25–44 jaar"
    # the ages alone: ten-year bands, the few from 45 up as one open band
    ages = coarsening(study, ["leeftijd"])
    assert [ages.printed({"leeftijd": a})[0] for a in ("27", "34", "36", "44", "47", "58")] == [
        "25–34 jaar", "25–34 jaar", "35–44 jaar", "35–44 jaar", "45 jaar of ouder", "45 jaar of ouder"]


def test_a_rare_role_joins_the_smallest_other_and_a_survey_role_is_grouped(tmp_path):
    """A consultation attributes to the respondent's role: one school social worker among twelve."""
    roles = ["Jongerenwerker"] * 4 + ["Opbouwwerker"] * 4 + ["Wijkwerker"] * 3 + ["Schoolmaatschappelijk werker"]
    lines = ["respondent;rol;V1"] + [f"R{n:02};{role};Antwoord nummer {n} over de werkdruk in de wijk."
                                     for n, role in enumerate(roles, start=1)]
    (tmp_path / "enquete.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Project.init(tmp_path / "enquete") as project:
        project.import_paths([tmp_path / "enquete.csv"], id_column="respondent", text_column="V1")
        [risk] = attribution_risks(project, ["rol"])
        assert (risk.text, risk.participants, risk.coarsened) == ("Schoolmaatschappelijk werker", 1, "Andere functie")
        attribute = Attributor(project.conn, ["rol"])
        assert [attribute({"rol": role}, "R") for role in ("Jongerenwerker", "Wijkwerker")] == [
            "Jongerenwerker", "Andere functie"]  # the wijkwerkers (three) join the one to make a group of four
        assert Attributor(project.conn, ["rol"], coarsen=False)({"rol": "Wijkwerker"}, "R") == "Wijkwerker"


def test_an_accepted_attribution_is_stored_logged_and_printed_as_it_is(study):
    accepted = accept_attribution(study, "Jongerenwerker,  29 jaar", by="sanne")
    assert (accepted.text, accepted.accepted_by) == ("Jongerenwerker, 29 jaar", "sanne")
    assert accept_attribution(study, "jongerenwerker, 29 jaar", by="bram") == accepted  # once is enough
    assert [a.text for a in accepted_attributions(study)] == ["Jongerenwerker, 29 jaar"]
    [(coder, detail)] = study.conn.execute("SELECT coder, detail FROM coding_log WHERE action = "
                                           "'attribution accepted'").fetchall()
    assert coder == "sanne" and json.loads(detail) == {"attribution": "Jongerenwerker, 29 jaar"}
    risks = {r.text: r for r in attribution_risks(study, ATTRIBUTES)}
    assert risks["jongerenwerker, 29 jaar"].accepted
    assert risks["jongerenwerker, 29 jaar"].coarsened == "jongerenwerker, 29 jaar"
    attribute = Attributor(study.conn, ATTRIBUTES)
    assert attribute({"rol": "jongerenwerker", "leeftijd": "29"}, "P01") == "jongerenwerker, 29 jaar"
    english = Attributor(study.conn, ATTRIBUTES, lang="en")
    assert english({"rol": "jongerenwerker", "leeftijd": "29"}, "P01") == "jongerenwerker, 29 years"
    # the others still fit three or more, counted without the two accepted ones
    others = [attribute({"rol": role, "leeftijd": str(age) if age else None}, pid) for pid, role, age in SHEET
              if pid not in ("P01", "P04")]
    assert all(others.count(text) >= 3 or text == "andere functie" for text in others)
    report = study.report(ReportOptions(coder="anna", attributes=ATTRIBUTES), "md").read_text(encoding="utf-8")
    assert "> – jongerenwerker, 29 jaar" in report  # P01's quote
    assert withdraw_acceptance(study, "jongerenwerker, 29 jaar", by="sanne")
    assert not withdraw_acceptance(study, "jongerenwerker, 29 jaar", by="sanne")
    assert Attributor(study.conn, ATTRIBUTES)({"rol": "jongerenwerker", "leeftijd": "29"}, "P01") != \
        "jongerenwerker, 29 jaar"


def test_an_attribution_no_participant_has_is_refused(study):
    before = list(study.conn.iterdump())
    for text in ("jongerenwerker, 30 jaar", "opbouwwerker, 29 jaar", ""):
        with pytest.raises(UsageError) as refused:
            accept_attribution(study, text, by="sanne")
        assert "qcode anonymise --report" in refused.value.problem.hint
    with pytest.raises(UsageError, match="who accepts"):
        accept_attribution(study, "jongerenwerker, 29 jaar", by=" ")
    assert list(study.conn.iterdump()) == before


def test_the_report_and_the_quote_sheet_print_coarsened_attributions_by_default(study, tmp_path):
    options = ReportOptions(coder="anna", attributes=ATTRIBUTES)
    study.report(options, "docx", tmp_path / "rapport.docx")
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "rapport.docx")).paragraphs]
    said = [p for p in paragraphs if p.startswith("– ")]
    assert "– andere functie, 25–44 jaar" in said and "– andere functie, 45–64 jaar" in said
    assert not any(p.endswith(" jaar") and p.split(", ")[-1][0].isdigit() and "–" not in p[2:] for p in said)
    assert "– jongerenwerker, 29 jaar" not in said and "– opbouwwerker, 51 jaar" not in said

    study.export_quotes(tmp_path / "citaten.xlsx", coder="anna", attributes=ATTRIBUTES)
    header, *rows = [[c.value for c in row] for row in openpyxl.load_workbook(tmp_path / "citaten.xlsx")["alle"].iter_rows()]
    by = {row[header.index("participant")]: dict(zip(header, row)) for row in rows}
    assert by["P01"]["attribution"] == "andere functie, 25–44 jaar"
    assert (by["P01"]["rol"], by["P01"]["leeftijd"]) == ("andere functie", "25–44 jaar")  # the columns alike
    assert by["P06"]["attribution"] == "maatschappelijk werker, 25–44 jaar" and by["P06"]["rol"] == "maatschappelijk werker"
    assert by["P17"]["attribution"] == "andere functie" and by["P17"]["leeftijd"] in ("", None)

    # as they are, when the researcher asks for it (--no-anonymise)
    study.export_quotes(tmp_path / "ruw.xlsx", coder="anna", attributes=ATTRIBUTES, coarsen_attributions=False)
    header, *rows = [[c.value for c in row] for row in openpyxl.load_workbook(tmp_path / "ruw.xlsx")["alle"].iter_rows()]
    by = {row[header.index("participant")]: dict(zip(header, row)) for row in rows}
    assert by["P01"]["attribution"] == "jongerenwerker, 29 jaar" and by["P01"]["leeftijd"] == "29"
    raw = study.report(ReportOptions(coder="anna", attributes=ATTRIBUTES, coarsen_attributions=False), "md",
                       tmp_path / "ruw.md").read_text(encoding="utf-8")
    assert "> – opbouwwerker, 51 jaar" in raw


def test_the_attributor_says_how_much_it_coarsened(study):
    attribute = Attributor(study.conn, ATTRIBUTES)
    assert attribute.note() is None
    for pid, role, age in SHEET:
        attribute({"rol": role, "leeftijd": str(age) if age else None}, pid)
    # fourteen distinct attributions among the seventeen (two jongerenwerkers of 29, three maatschappelijk werkers of 42)
    assert attribute.note() == ("attributions coarsened so that each fits at least 3 participants: 14 printed "
                                "otherwise (rol values of fewer than 6 participants grouped, ages in bands of 20); "
                                "see qcode anonymise --report")
    assert Attributor(study.conn, ()).coarsening is None
    assert Attributor(study.conn, ())({"rol": "jongerenwerker"}, "P01") == "P01"


def test_a_project_made_before_acceptances_gets_the_table(tmp_path):
    folder = tmp_path / "oud"
    shutil.copytree(DATA / "schema-0001", folder)
    with Project.open(folder) as project:
        assert schema_version(project.db) == len(MIGRATIONS)
        assert "attribution_acceptances" in project.db.table_names()
        assert accepted_attributions(project) == []
        [(name, step)] = [(n, s) for n, s in MIGRATIONS if n.endswith("_attribution_acceptances")]
        step(project.conn)  # safe to run twice
        assert project.conn.execute("SELECT count(*) FROM attribution_acceptances").fetchone() == (0,)


def test_the_cli_reports_the_risks_and_accepts_one(study):
    from typer.testing import CliRunner

    from qcode.cli import app

    def run(*args: str):
        return CliRunner().invoke(app, ["--project", str(study.root), "anonymise", *args], catch_exceptions=False)

    shown = run("--report", "--attribute", "rol,leeftijd")
    assert shown.exit_code == 0, shown.output
    said = " ".join(shown.output.split())
    assert "jongerenwerker, 29 jaar: fits 2 participants → printed as 'andere functie, 25–44 jaar'" in said
    assert "opbouwwerker, 51 jaar: fits 1 participant → printed as 'andere functie, 45–64 jaar'" in said
    made = CliRunner().invoke(app, ["--project", str(study.root), "report", "--coder", "anna", "--attribute",
                                    "rol,leeftijd", "-o", str(study.root / "rapport.md")], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    assert re.search(r"attributions coarsened so that each fits at least 3 participants: \d+ printed otherwise "
                     r"\(rol values of fewer than 6 participants grouped, ages in bands of 20\)",
                     " ".join(made.output.split()))  # as many as the quotes the report prints
    assert made.output.count("attributions coarsened") == 1
    accepted = run("--accept-attribution", "jongerenwerker, 29 jaar", "--coder", "sanne")
    assert accepted.exit_code == 0, accepted.output
    data = json.loads(run("--report", "--attribute", "rol,leeftijd", "--json").output)["attribution_risk"]
    [risk] = [r for r in data["risks"] if r["attribution"] == "jongerenwerker, 29 jaar"]
    assert risk["accepted"] and risk["printed_as"] == "jongerenwerker, 29 jaar"
    refused = run("--accept-attribution", "jongerenwerker, 30 jaar", "--coder", "sanne")
    assert refused.exit_code == 1 and "no participant has that attribution" in refused.output


def test_english_reports_and_numbers_that_are_not_ages(study):
    ages = coarsening(study, ["leeftijd"], lang="en")
    assert [ages.printed({"leeftijd": a})[0] for a in ("27", "44", "58")] == ["25–34 years", "35–44 years",
                                                                             "45 years or older"]
    # years in the field: bands without 'jaar', the open end as 'of meer'
    with study.db.conn:
        for number, (pid, _, _) in enumerate(SHEET):
            values = json.loads(study.conn.execute("SELECT attributes FROM participants WHERE id = ?",
                                                   (pid,)).fetchone()[0])
            values["jaren"] = str([2, 3, 4, 6, 7, 8, 11, 12, 13, 16, 17, 19, 22, 23, 24, 33, 35][number])
            study.conn.execute("UPDATE participants SET attributes = ? WHERE id = ?", (json.dumps(values), pid))
    years = coarsening(study, ["jaren"])
    assert [level.kind for level in years.levels] == ["bands"]
    # bands of five fit once the two from 30 join the three of 20–24 (an open end band)
    assert [years.printed({"jaren": n})[0] for n in ("2", "8", "13", "24", "35")] == [
        "0–4", "5–9", "10–14", "20 of meer", "20 of meer"]
    assert coarsening(study, ["jaren"], lang="en").printed({"jaren": "24"}) == ("20 or more",)


def test_the_pseudonymiser_changes_the_participants_words_not_the_bands(study):
    """An age the detectors know ('25') is a whole word in '25–44 jaar' too: the band is qcode's own label."""
    from qcode.anonymise import pseudonymiser

    (study.root / "anonimiseren.yaml").write_text('altijd:\n  "25": "[leeftijd]"\n'
                                                  '  maatschappelijk werker: "[functie]"\n', encoding="utf-8")
    attribute = Attributor(study.conn, ATTRIBUTES, pseudonymiser=pseudonymiser(study))
    assert attribute({"rol": "maatschappelijk werker", "leeftijd": "29"}, "P05") == "[functie], 25–44 jaar"
    assert attribute({"rol": "jongerenwerker", "leeftijd": "25"}, "P99") == "andere functie, 25–44 jaar"
    assert attribute.columns({"rol": "maatschappelijk werker", "leeftijd": "29"}) == {
        "rol": "[functie]", "leeftijd": "25–44 jaar"}
    as_they_are = Attributor(study.conn, ATTRIBUTES, coarsen=False, pseudonymiser=pseudonymiser(study))
    assert as_they_are({"rol": "maatschappelijk werker", "leeftijd": "25"}, "P05") == "[functie], 25 jaar"
