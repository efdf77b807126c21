"""From codings to the report: counts worked out by hand, quotes, own text, docx/xlsx read back, survey."""
from __future__ import annotations

import csv
import json
import re

import docx
import openpyxl
import pytest

from qcode import Project
from qcode.errors import UsageError
from qcode.render.report import ReportOptions

from conftest import REPO

TRANSCRIPTS = REPO / "transcripts"


def fragment(project: Project, participant: str, words: str) -> int:
    [found] = [f.id for f in project.fragments(participant=participant, role="participant") if words in f.text]
    return found


@pytest.fixture(scope="module")
def coded_template(tmp_path_factory):
    """Four example interviews coded by anna (and one coding by bram), with counts known by hand:

    agressie: U05 (mention), U06 (main), U07 (main)  → 3 of 4, main for 2
    doorgroei: U01 (main; two adjacent fragments)    → 1 of 4, main for 1
    erkenning: U05 (main)                            → 1 of 4, main for 1
    werkdruk and the rest: nobody                    → 0 of 4
    aanbevelingen: U01, U06
    """
    folder = tmp_path_factory.mktemp("report") / "studie"
    with Project.init(folder) as project:
        project.load_codebook(REPO / "codebooks/exitstudie.yaml")
        project.import_paths([TRANSCRIPTS / name for name in ("U01.txt", "U05.txt", "U06.txt", "U07.txt",
                                                             "participants.csv")])
        plafond = fragment(project, "U01", "De belangrijkste reden was dat ik niet verder kon groeien")
        project.assign(plafond, ["doorgroei-plafond"], "anna", main=True, star=True)
        project.assign(fragment(project, "U01", "Daartussen zat niks"), ["doorgroei-plafond"], "anna")
        project.assign(fragment(project, "U01", "Maak functies waarin je kunt groeien"),
                       ["aanbeveling-gecombineerde-functies"], "anna")
        project.assign(fragment(project, "U05", "Ik zat in schaal 8"), ["erkenning-salaris"], "anna", main=True)
        project.assign(fragment(project, "U05", "stond er een man aan de balie te schreeuwen"),
                       ["agressie-spanning"], "anna")
        project.assign(fragment(project, "U06", "was een incident met een cliënt"), ["agressie-bedreiging"],
                       "anna", main=True)
        project.assign(fragment(project, "U07", "voortdurende spanning en agressie op straat"),
                       ["agressie-spanning"], "anna", main=True)
        project.assign(fragment(project, "U06", "En misschien nog een derde punt"), ["aanbeveling-intervisie"],
                       "anna")
        project.assign(plafond, ["werkdruk"], "bram")
    return folder


@pytest.fixture
def coded(coded_template, tmp_path):
    import shutil
    with Project.open(shutil.copytree(coded_template, tmp_path / "studie")) as project:
        yield project


def test_counts_match_the_hand_worked_figures(coded):
    themes = {t.id: t for t in coded.themes("anna")}
    assert (themes["agressie-en-spanning"].count.participants, themes["agressie-en-spanning"].count.main) == (3, 2)
    assert (themes["doorgroeimogelijkheden"].count.participants, themes["doorgroeimogelijkheden"].count.main) == (1, 1)
    assert (themes["erkenning"].count.participants, themes["erkenning"].count.main) == (1, 1)
    assert themes["werkdruk"].count.participants == 0
    subs = {s.id: s for s in themes["agressie-en-spanning"].subs}
    assert (subs["agressie-spanning"].participants, subs["agressie-spanning"].main) == (2, 1)
    assert subs["agressie-bedreiging"].codings == 1
    assert {t.id: t.count.participants for t in coded.themes("bram")}["werkdruk"] == 1


def test_markdown_report_sentences_numbering_quotes_and_ranking(coded):
    # as they are: of four participants every attribution fits fewer than three (tests/test_attribution_risk.py)
    path = coded.report(ReportOptions(coder="anna", start=2, attributes=("former_role", "age"),
                                      coarsen_attributions=False), "md")
    text = path.read_text(encoding="utf-8")
    assert "# 2 Resultaten" in text
    assert re.search(r"^## 2\.2 .*agressie", text, re.M | re.I)
    assert ("Voor twee van de vier deelnemers was dit de belangrijkste reden om te vertrekken; in totaal "
            "noemden drie deelnemers het.") in text  # main reasons first; exact words in a group of four
    assert ("Voor één van de vier deelnemers was dit de belangrijkste reden om te vertrekken; verder noemde "
            "niemand het.") in text
    assert "Geen van de vier deelnemers noemde dit." in text
    spanning = text.split("Voortdurende spanning en conflict")[1].split("\n#")[0]
    assert not re.search(r"noem(t|en|de|den) (dit|het)", spanning)  # no counts under a sub-theme
    # each coding is a quote of its own, as a block quote; the ★ is a choice, never print
    assert re.search(r"^> \*“De belangrijkste reden was dat ik niet verder kon groeien", text, re.M)
    assert re.search(r"^> \*“.*?Daartussen zat niks", text, re.M)
    assert "– jongerenwerker, 29 jaar" in text and "★" not in text
    # the conclusion ranks the reasons by main reason, then by mentions, with their chapter titles
    ranking = text.split("Conclusie")[1]
    rows = [line.split("|")[1:4] for line in ranking.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0][0].strip() == "Reden om te vertrekken"
    assert [(int(main), int(mentioned)) for _, main, mentioned in rows[1:]] == [(2, 3), (1, 1), (1, 1)]
    assert rows[1][0].strip() == "Onveilig werk – agressie en spanning in het contact met cliënten"
    # recommendations get their own chapter, grouped by sub-code, and are not a results theme
    recommendations = text.split("# 4 ")[1]
    assert "Gecombineerde functies en loopbaanpaden" in recommendations and "Intervisie" in recommendations
    assert "Aanbevelingen" not in ranking.split("# 4 ")[0]


def test_no_interviewer_text_in_any_quote(coded):
    text = coded.report(ReportOptions(coder="anna"), "md").read_text(encoding="utf-8")
    quoted = " ".join(re.findall(r'^> \*“(.*?)”\*', text, re.M))
    for question in coded.fragments(role="interviewer"):
        assert question.text[:40] not in quoted


def test_own_text_is_created_once_and_kept(coded):
    coded.report(ReportOptions(coder="anna"), "md")
    own = coded.root / "exports" / "tekst" / "werkdruk.md"
    assert own.exists() and "overschrijft dit bestand nooit" in own.read_text(encoding="utf-8")
    own.write_text("Werkdruk speelt bij deze deelnemers nauwelijks een rol.\n", encoding="utf-8")
    text = coded.report(ReportOptions(coder="anna"), "md").read_text(encoding="utf-8")
    assert own.read_text(encoding="utf-8") == "Werkdruk speelt bij deze deelnemers nauwelijks een rol.\n"
    assert "Werkdruk speelt bij deze deelnemers nauwelijks een rol." in text
    assert "overschrijft" not in text  # the hint comment stays out of the report


def test_max_quotes_and_starred_first(coded):
    coded.assign(fragment(coded, "U05", "Ik zat in schaal 8"), ["agressie-spanning"], "anna", star=True)
    text = coded.report(ReportOptions(coder="anna", max_quotes=1), "md").read_text(encoding="utf-8")
    section = text.split("Voortdurende spanning en conflict")[1].split("###")[0]
    assert section.count('> *“') == 1 and "schaal 8" in section


def test_docx_has_headings_bullets_and_a_table(coded):
    path = coded.report(ReportOptions(coder="anna", start=2), "docx")
    document = docx.Document(str(path))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 1", "2 Resultaten") in styles
    assert any(s == "Heading 2" and t.startswith("2.2 ") for s, t in styles)
    assert ("Heading 3", "Voortdurende spanning en conflict") in styles  # sub-themes: headings without numbers
    quotes = [t for s, t in styles if s == "Quote"]
    assert any("niet verder kon groeien" in t for t in quotes)
    [table] = document.tables
    assert [c.text for c in table.rows[0].cells] == ["Reden om te vertrekken", "Belangrijkste reden", "Genoemd"]
    assert [c.text for c in table.rows[1].cells][1:] == ["2", "3"]


def test_html_is_self_contained_and_escaped(coded):
    coded.assign(fragment(coded, "U07", "voortdurende spanning"), ["agressie-spanning"], "anna",
                 memo="<script>alert(1)</script>")
    path = coded.report(ReportOptions(coder="anna", chart=coded.root / "exports" / "themas.png"), "html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<h2 " in page and "<table" in page
    assert "data:image/png;base64," in page
    assert "src=\"http" not in page and "<link" not in page and "<script" not in page


def test_english_template_and_editable_templates(coded):
    text = coded.report(ReportOptions(coder="anna", lang="en"), "md").read_text(encoding="utf-8")
    assert ("For two of the four participants this was the main reason to leave; in all, three of the four "
            "participants mentioned it.") in text
    written = coded.init_templates()
    assert {p.name for p in written} == {"report.nl.md.j2", "report.en.md.j2"}
    template = coded.root / "templates" / "report.nl.md.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("Resultaten", "Bevindingen"), encoding="utf-8")
    assert "# 1 Bevindingen" in coded.report(ReportOptions(coder="anna"), "md").read_text(encoding="utf-8")
    assert coded.init_templates() == []  # a researcher's templates are never overwritten


def test_coder_must_exist_and_be_named_when_several(coded):
    with pytest.raises(UsageError, match="several coders"):
        coded.report(ReportOptions(), "md")
    with pytest.raises(UsageError, match="'carla' has no codings"):
        coded.report(ReportOptions(coder="carla"), "md")


def test_report_on_a_project_without_codings_is_refused(cli, awkward):
    cli("init")
    result = cli("report")
    assert result.exit_code == 1 and "no codings in this project yet" in result.output
    assert not (cli.folder / "exports" / "rapport.md").exists()


def test_quote_sheet_xlsx_csv_docx(coded, tmp_path):
    count = coded.export_quotes(tmp_path / "citaten.xlsx", coder="anna", attributes=("former_role", "age"))
    assert count == 8
    workbook = openpyxl.load_workbook(tmp_path / "citaten.xlsx")
    assert workbook.sheetnames[0] == "alle" and len(workbook.sheetnames) == 1 + 4
    everything = workbook["alle"]
    header = [c.value for c in everything[1]]
    assert header[:6] == ["theme", "code", "code_label", "participant", "former_role", "age"]
    assert everything.freeze_panes == "A2" and everything.auto_filter.ref
    assert everything.max_row == 1 + 8
    assert everything.cell(2, header.index("text") + 1).alignment.wrap_text
    main_rows = [row for row in everything.iter_rows(min_row=2, values_only=True) if row[header.index("main")]]
    assert {row[header.index("participant")] for row in main_rows} == {"U01", "U05", "U06", "U07"}
    assert coded.export_quotes(tmp_path / "agressie.csv", coder="anna", codes=["agressie-en-spanning"]) == 3
    assert coded.export_quotes(tmp_path / "citaten.docx", coder="anna") == 8
    headings = [p.text for p in docx.Document(str(tmp_path / "citaten.docx")).paragraphs
                if p.style.name == "Heading 2"]
    assert "Agressie en spanning in het contact met cliënten" in headings


def test_quote_sheet_attributes_named_like_its_columns_stand_apart(coded, tmp_path):
    coded.conn.execute("UPDATE participants SET attributes = json_set(attributes, '$.code', 'NEPCODE', "
                       "'$.text', 'NEPTEKST')")
    coded.export_quotes(tmp_path / "citaten.csv", coder="anna", attributes=("code", "text", "age"))
    with (tmp_path / "citaten.csv").open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert {row["code (attribute)"] for row in table} == {"NEPCODE"}
    assert {row["text (attribute)"] for row in table} == {"NEPTEKST"}
    assert "NEPCODE" not in {row["code"] for row in table} and "NEPTEKST" not in {row["text"] for row in table}
    with pytest.raises(UsageError, match="attribute 'leeftijdsgroep'"):
        coded.export_quotes(tmp_path / "fout.csv", coder="anna", attributes=("leeftijdsgroep",))
    assert not (tmp_path / "fout.csv").exists()


def test_matrices_by_participant_attribute_and_cooccurrence(coded):
    [by_participant] = coded.matrices(coder="anna")
    row = by_participant.cells[by_participant.row_ids.index("agressie-en-spanning")]
    assert dict(zip(by_participant.columns, row)) == {"U01": 0, "U05": 1, "U06": 2, "U07": 2}
    [by_age] = coded.matrices(coder="anna", by="age")
    assert by_age.columns == ["20–29 (n=3)", "30–39 (n=1)"]   # ages U01 29, U06 27, U07 25; U05 38
    assert by_age.cells[by_age.row_ids.index("agressie-en-spanning")] == [2, 1]
    fragments, participants = coded.matrices(coder="anna", cooccurrence=True)
    agressie, erkenning = (participants.row_ids.index(c) for c in ("agressie-en-spanning", "erkenning"))
    assert participants.cells[agressie][erkenning] == 1          # U05 mentions both
    assert fragments.cells[agressie][erkenning] == 0             # never in one fragment
    assert participants.cells[agressie][agressie] == 3


def test_cli_report_export_matrix_chart(cli, coded_template, tmp_path):
    import shutil
    folder = shutil.copytree(coded_template, cli.folder)
    assert cli("report", "--coder", "anna", "--format", "docx", "--start", "2", "--charts").exit_code == 0
    assert (folder / "exports" / "rapport.docx").exists() and (folder / "exports" / "themas.png").exists()
    out = tmp_path / "c.xlsx"
    assert cli("export", "quotes", "--coder", "anna", "-o", str(out)).exit_code == 0 and out.exists()
    result = cli("matrix", "--coder", "anna", "--format", "json")
    assert json.loads(result.output)[0]["columns"] == ["U01", "U05", "U06", "U07"]
    assert "H" in cli("matrix", "--coder", "anna").output
    svg = tmp_path / "t.svg"
    assert cli("chart", "--coder", "anna", "-o", str(svg)).exit_code == 0
    assert "<svg" in svg.read_text(encoding="utf-8")
    bad = cli("chart", "--coder", "anna", "-o", str(tmp_path / "t.gif"))
    assert bad.exit_code == 1 and ".png or .svg" in bad.output


def test_survey_project_counts_per_code_and_attribution_from_a_column(project, data):
    project.load_codebook(REPO / "codebooks/exitstudie.yaml")
    project.import_paths([data / "survey/antwoorden.csv"], id_column="respondent", text_column="antwoord")
    answers = {f.participant: f.id for f in project.fragments(role="participant")}
    project.assign(answers["R1"], ["doorgroei-plafond"], "anna")
    project.assign(answers["R2"], ["organisatie-registratie", "aanbesteding-cycli"], "anna")
    text = project.report(ReportOptions(coder="anna", attributes=("functie",), coarsen_attributions=False),
                          "md").read_text(encoding="utf-8")
    assert "| Onderwerp | Aantal keer genoemd | Procent van n |" in text  # a section per question: one here
    assert "| Doorgroeimogelijkheden | 1 | 33 |" in text
    assert "(n=3, 3 antwoorden, meerdere antwoorden mogelijk)" in text
    assert "– jongerenwerker" in text and "– opbouwwerker" in text
    assert "respondenten" in text and "belangrijkste reden" not in text
