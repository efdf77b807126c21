"""[[methode]] and [[verdeling ATTRIBUUT]]: sentences written from a small real project, with and without
participant attributes."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from qcode import Project
from qcode.render.methods import method_paragraph
from qcode.render.report import ReportOptions
from qcode.render.spread import spread_sentence

CODEBOOK = """name: Uitstroom
version: "1"
codes:
  - id: werkdruk
    label: Werkdruk
    codes:
      - id: werkdruk-productie
        label: Sturen op productie
  - id: doorgroei
    label: Doorgroeimogelijkheden
    codes:
      - id: doorgroei-plafond
        label: Plafond bereikt
      - id: doorgroei-sollicitatie
        label: Interne sollicitatie mislukt
"""
ANSWERS = {
    "P1": ["Ik zat na zes jaar aan het plafond van mijn schaal.", "De caseload werd elk jaar groter."],
    "P2": ["Er kwam steeds meer registratie bij, elk gesprek een formulier.", "Ik heb gesolliciteerd en werd afgewezen."],
    "P3": ["Mijn teamleider stuurde alleen op aantallen.", "Doorgroeien kon eigenlijk niet bij ons."],
}
SHEET = ("participant,transcript,age,years_in_field,mode,length_min,interview_date,sector\n"
         "P1,p1.txt,31,7,Teams,52,2026-02-10,het onderwijs\n"
         "P2,p2.txt,46,19,telefonisch,71,12-03-2026,het onderwijs\n"
         "P3,p3.txt,28,4,Teams,45,2026-03-02,een eigen praktijk\n")


def _study(folder: Path, with_sheet: bool) -> Path:
    source = folder / "bron"
    source.mkdir(parents=True)
    for participant, answers in ANSWERS.items():
        turns = "".join(f"I: Kun je daar meer over vertellen?\n\nR: {answer}\n\n" for answer in answers)
        (source / f"{participant.lower()}.txt").write_text(turns, encoding="utf-8")
    if with_sheet:
        (source / "participants.csv").write_text(SHEET, encoding="utf-8")
    (folder / "codeboek.yaml").write_text(CODEBOOK, encoding="utf-8")
    return source


def _code(project: Project, coder: str, decisions: dict[str, list[str]]) -> None:
    for found in project.fragments(role="participant"):
        codes = [code for words, codes in decisions.items() if words in found.text for code in codes]
        if codes:
            project.assign(found.id, codes, coder)
        project.mark_seen(found.id, coder)


@pytest.fixture
def studie(tmp_path) -> Project:
    def make(with_sheet: bool = True, coders: int = 2, reconcile: bool = True) -> Project:
        source = _study(tmp_path, with_sheet)
        project = Project.init(tmp_path / "studie")
        project.load_codebook(tmp_path / "codeboek.yaml")
        project.import_paths([source])
        _code(project, "anna", {"plafond": ["doorgroei-plafond"], "caseload": ["werkdruk"],
                                "aantallen": ["werkdruk-productie"], "afgewezen": ["doorgroei-sollicitatie"]})
        if coders > 1:
            _code(project, "bram", {"plafond": ["doorgroei-plafond"], "registratie": ["werkdruk"],
                                    "aantallen": ["werkdruk-productie"], "Doorgroeien": ["doorgroei"]})
        if reconcile:
            project.reconcile(["anna", "bram"], "consensus", "union")
        return project
    return make


def test_method_paragraph_from_every_attribute(studie):
    project = studie()
    text = method_paragraph(project.conn, "consensus")
    assert text.startswith("Voor dit onderzoek zijn drie interviews gehouden")
    # ISO and Dutch dates alike
    assert ("De gesprekken vonden plaats tussen februari en maart 2026, de meeste (twee) via Teams, één telefonisch; "
            "ze duurden 45 tot 71 minuten.") in text
    assert "De deelnemers waren 28 tot 46 jaar oud en hadden vier tot negentien jaar in het sociaal werk gewerkt." in text
    assert "het onderwijs (twee)" in text and "een eigen praktijk (één)" in text
    assert "codeboek gebruikt met twee thema’s en drie codes" in text
    assert re.search(r"Twee onderzoekers hebben de interviews onafhankelijk van elkaar gecodeerd; hun overeenstemming "
                     r"over welke thema’s elke deelnemer noemt, was (goed|voldoende|beperkt) "
                     r"\(Krippendorffs alfa = −?\d,\d\d\)\.", text)
    assert "consensusronde" in text
    assert "anna" not in text and "bram" not in text  # the coders are counted, not named
    project.close()


def test_method_paragraph_leaves_out_what_the_project_does_not_know(studie):
    project = studie(with_sheet=False, coders=1, reconcile=False)
    text = method_paragraph(project.conn, "anna")
    assert text == ("Voor dit onderzoek zijn drie interviews gehouden met professionals die het sociaal werk hebben "
                    "verlaten. Voor de analyse is een codeboek gebruikt met twee thema’s en drie codes. Eén onderzoeker "
                    "heeft de interviews gecodeerd.")
    project.close()


def test_two_coders_without_a_consensus_round(studie):
    project = studie(reconcile=False)
    text = method_paragraph(project.conn, "anna")
    assert "Krippendorffs alfa = " in text and "consensusronde" not in text
    project.close()


def test_methode_placeholder_in_the_introduction(studie):
    project = studie()
    project.report(ReportOptions(coder="consensus", start=2), "md")
    intro = project.root / "exports" / "tekst" / "_inleiding.md"
    assert "[[methode]]" in intro.read_text(encoding="utf-8")
    text = (project.root / "exports" / "rapport.md").read_text(encoding="utf-8")
    chapter_one = text.split("# 2 Resultaten")[0]
    assert chapter_one.startswith("# 1 Inleiding") and "drie interviews gehouden" in chapter_one
    project.close()


def test_spread_sentences(studie):
    project = studie()
    assert spread_sentence(project.conn, "sector") == ("Na hun vertrek kwamen de deelnemers terecht in het onderwijs "
                                                       "(twee) en een eigen praktijk (één).")
    assert spread_sentence(project.conn, "mode") == "Naar mode waren de deelnemers zo verdeeld: Teams (twee) en telefonisch (één)."
    assert spread_sentence(project.conn, "beroep") is None
    project.conn.execute("UPDATE participants SET attributes = json_set(attributes, '$.mode', 'telefonisch') "
                         "WHERE id = 'P1'")
    assert spread_sentence(project.conn, "mode") == ("Naar mode waren de deelnemers zo verdeeld: telefonisch (twee) "
                                                     "en Teams (één).")
    project.conn.execute("UPDATE participants SET attributes = json_set(attributes, '$.sector', 'een andere sector') "
                         "WHERE id = 'P2'")
    assert spread_sentence(project.conn, "sector") == ("Na hun vertrek kwamen de deelnemers terecht in een andere "
                                                       "sector, een eigen praktijk en het onderwijs (elk één).")
    project.conn.execute("UPDATE participants SET attributes = json_set(attributes, '$.sector', 'docent hbo (onderwijs)')")
    assert spread_sentence(project.conn, "sector") == "Alle drie deelnemers kwamen na hun vertrek terecht in onderwijs."
    project.close()


def test_verdeling_placeholder_and_an_unknown_attribute(studie):
    project = studie()
    project.report(ReportOptions(coder="consensus"), "md")
    own = project.root / "exports" / "tekst" / "_resultaten.md"
    own.write_text("Eerst de deelnemers.\n\n[[verdeling sector]]\n\n[[verdeling beroep]]\n", encoding="utf-8")
    found = project.check_report(ReportOptions(coder="consensus"))
    assert [(p.line, p.message) for p in found.warnings if p.path == own] == [
        (5, "no participant has the attribute 'beroep'")]
    text = project.report(ReportOptions(coder="consensus"), "md").read_text(encoding="utf-8")
    assert "Na hun vertrek kwamen de deelnemers terecht in het onderwijs \\(twee\\)" in text
    assert "onbekend kenmerk ‘beroep’" in text
    project.close()
