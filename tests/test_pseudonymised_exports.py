"""Pseudonymised exports: a name, an organisation, a place and a phone number planted in a small study's
transcripts never reach a document for readers; `--no-anonymise` keeps them and warns; exchange files keep
them unless `--anonymise`; the database's text never changes. Files are read back (Word, Excel, .qdpx)."""
from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from qcode import Project
from qcode.cli import app
from qcode.render.report import ReportOptions

from conftest import REPO

# What the transcripts below plant, as the pattern detectors and the known names find them.
PLANTED = ("Sietske de Graaf", "Stichting Welzijn Oost", "06-12345678", "Lelystad", "Ruben", "Mirjam")

P01 = """Interviewer: Waarom ben je weggegaan bij je vorige werkgever?

Ruben: Ik werkte zes jaar bij Stichting Welzijn Oost als jongerenwerker. Mijn teamleider Sietske de Graaf zag nooit wat ik deed, er kwam geen enkel compliment.

Interviewer: Hoe was de werkdruk?

Ruben: Ik moest altijd bereikbaar zijn, ook 's avonds op 06-12345678, en na een tijd hield ik dat niet meer vol.

Interviewer: Waar werk je nu?

Ruben: Nu werk ik bij de gemeente Lelystad, op het stadhuis, en daar is gewoon een loopbaanpad.
"""
P02 = """Interviewer: Wat was voor jou de belangrijkste reden?

Mirjam: Het salaris bleef achter. In Lelystad betaalden ze meer voor hetzelfde werk, dus ik ben overgestapt.

Interviewer: En de sfeer?

Mirjam: De sfeer was prima, maar de werkdruk was hoog. Lelystad had dat beter geregeld.
"""
PARTICIPANTS = """participant,transcript,woonplaats,former_role
P01,P01.txt,Lelystad,jongerenwerker
P02,P02.txt,Almere,maatschappelijk werker
"""
runner = CliRunner()


def qcode(folder: Path, *args: str):
    return runner.invoke(app, ["--project", str(folder), *args], catch_exceptions=False)


def fragment(project: Project, words: str) -> int:
    [found] = [f.id for f in project.fragments(role="participant") if words in f.text]
    return found


@pytest.fixture(scope="module")
def study_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pseudonymised") / "studie"
    transcripts = folder / "transcripts"
    transcripts.mkdir(parents=True)
    for name, text in (("P01.txt", P01), ("P02.txt", P02), ("participants.csv", PARTICIPANTS)):
        (transcripts / name).write_text(text, encoding="utf-8")
    with Project.init(folder) as project:
        project.load_codebook(REPO / "codebooks/exitstudie.yaml")
        project.import_paths([transcripts / "P01.txt", transcripts / "P02.txt", transcripts / "participants.csv"])
        project.assign(fragment(project, "Mijn teamleider"), ["steun-leidinggevende"], "anna", main=True,
                       memo="Sietske de Graaf komt vaker terug")
        project.assign(fragment(project, "bereikbaar"), ["werkdruk"], "anna")
        project.assign(fragment(project, "loopbaanpad"), ["doorgroei-plafond"], "anna")
        project.assign(fragment(project, "salaris bleef"), ["erkenning-salaris"], "anna", main=True)
        project.assign(fragment(project, "salaris bleef"), ["erkenning-salaris"], "bram")
        project.assign(fragment(project, "bereikbaar"), ["werkdruk-burn-out"], "bram")
        for found in project.fragments(role="participant"):
            project.mark_seen(found.id, "anna")
            project.mark_seen(found.id, "bram")
    return folder


@pytest.fixture
def study(study_template, tmp_path) -> Path:
    return Path(shutil.copytree(study_template, tmp_path / "studie"))


def stored_text(folder: Path) -> list[tuple]:
    with Project.open(folder) as project:
        return project.conn.execute("SELECT id, text FROM fragments ORDER BY id").fetchall() + \
            project.conn.execute("SELECT id, text FROM transcripts ORDER BY id").fetchall()


def planted_in(text: str) -> list[str]:
    return [found for found in PLANTED if found in text]


def word_text(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)


def workbook_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                     if cell.value is not None)


# -- documents for readers ------------------------------------------------------------------------
def test_the_report_in_markdown_has_no_identifier_and_keeps_the_labels_literal(study):
    before = stored_text(study)
    tekst = study / "exports" / "tekst"
    tekst.mkdir(parents=True)
    (tekst / "_inleiding.md").write_text("Een deelnemer van Stichting Welzijn Oost sprak over Sietske de Graaf.\n\n"
                                         "[[methode]]\n", encoding="utf-8")
    result = qcode(study, "report", "--coder", "anna", "--attribute", "woonplaats,former_role")
    assert result.exit_code == 0, result.output
    assert re.search(r"pseudonymised: \d+ identifiers? replaced", result.output)
    text = (study / "exports" / "rapport.md").read_text(encoding="utf-8")
    assert planted_in(text) == []
    assert r"\[naam 1\]" in text and r"\[organisatie\]" in text
    assert "Een deelnemer van \\[organisatie\\] sprak over \\[naam" in text  # the researcher's own text too
    assert "attributions coarsened" in result.output  # two participants: each attribution fits one
    assert stored_text(study) == before


def test_the_report_in_word_and_html_read_back_without_identifiers(study):
    assert qcode(study, "report", "--coder", "anna", "-o", str(study / "exports" / "rapport.docx")).exit_code == 0
    words = word_text(study / "exports" / "rapport.docx")
    assert planted_in(words) == []
    assert "[organisatie]" in words and "[telefoonnummer]" in words
    assert qcode(study, "report", "--coder", "anna", "-o", str(study / "exports" / "rapport.html")).exit_code == 0
    html = (study / "exports" / "rapport.html").read_text(encoding="utf-8")
    assert planted_in(html) == []
    assert "[naam 1]" in html and "<a " not in html  # a label is text, never a link


def test_no_anonymise_writes_the_raw_markdown_with_a_warning(study):
    result = qcode(study, "report", "--coder", "anna", "--no-anonymise", "--attribute", "woonplaats,former_role")
    assert result.exit_code == 0
    assert "Not pseudonymised" in result.output and "coarsened" not in result.output
    text = (study / "exports" / "rapport.md").read_text(encoding="utf-8")
    assert "Stichting Welzijn Oost" in text and "Sietske de Graaf" in text and "06\\-12345678" in text
    assert "– Lelystad, jongerenwerker" in text  # the attribution as it is, not coarsened


@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_a_raw_word_or_html_report_needs_yes(study, fmt):
    target = study / "exports" / f"rapport.{fmt}"
    refused = qcode(study, "report", "--coder", "anna", "--no-anonymise", "-o", str(target))
    assert refused.exit_code == 1
    assert "--yes" in refused.output and not target.exists()
    refused = qcode(study, "report", "--coder", "anna", "--no-anonymise", "--format", fmt)
    assert refused.exit_code == 1 and not target.exists()
    written = qcode(study, "report", "--coder", "anna", "--no-anonymise", "--yes", "-o", str(target))
    assert written.exit_code == 0 and "Not pseudonymised" in written.output
    text = word_text(target) if fmt == "docx" else target.read_text(encoding="utf-8")
    assert "Stichting Welzijn Oost" in text


def test_the_python_api_pseudonymises_by_default_and_takes_none(study):
    with Project.open(study) as project:
        target = project.root / "exports" / "api.md"
        project.report(ReportOptions(coder="anna"), "md", target)
        assert planted_in(target.read_text(encoding="utf-8")) == []
        project.report(ReportOptions(coder="anna"), "md", target, pseudonymiser=None)
        assert "Stichting Welzijn Oost" in target.read_text(encoding="utf-8")
        replacer = project.pseudonymiser()
        project.report(ReportOptions(coder="anna"), "md", target, pseudonymiser=replacer)
        assert replacer.replaced and planted_in(target.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "docx"])
def test_quote_sheets_have_no_identifier(study, fmt):
    target = study / "exports" / f"citaten.{fmt}"
    result = qcode(study, "export", "quotes", "--coder", "anna", "--attribute", "woonplaats", "-o", str(target))
    assert result.exit_code == 0 and "pseudonymised:" in result.output and "attributions coarsened" in result.output
    text = {"xlsx": workbook_text, "docx": word_text}.get(fmt, lambda p: p.read_text(encoding="utf-8-sig"))(target)
    assert planted_in(text) == []
    assert "[organisatie]" in text and "[gemeente]" in text
    raw = qcode(study, "export", "quotes", "--coder", "anna", "--no-anonymise", "-o", str(target))
    assert "Not pseudonymised" in raw.output
    text = {"xlsx": workbook_text, "docx": word_text}.get(fmt, lambda p: p.read_text(encoding="utf-8-sig"))(target)
    assert "Stichting Welzijn Oost" in text and "Sietske de Graaf" in text  # the memo too


def test_a_pseudonymised_quote_sheet_reads_back_as_the_participants_words(study):
    sheet = study / "exports" / "citaten.xlsx"
    assert qcode(study, "export", "quotes", "--coder", "anna", "-o", str(sheet)).exit_code == 0
    same = qcode(study, "quotes", "import", str(sheet), "--json")
    assert same.exit_code == 0, same.output
    assert json.loads(same.output)["changed"] == 0 and json.loads(same.output)["edits"] == 0
    book = openpyxl.load_workbook(sheet)
    rows = book["alle"]
    header = [cell.value for cell in rows[1]]
    citaat, opnemen = header.index("citaat"), header.index("opnemen")
    for row in rows.iter_rows(min_row=2):
        if "[organisatie]" in (row[citaat].value or ""):
            assert row[citaat].value.startswith("Ik werkte zes jaar bij [organisatie] als jongerenwerker.")
            row[citaat].value = "Ik werkte zes jaar bij [organisatie] […] Mijn teamleider [naam 1] zag nooit wat ik deed"
        elif row[opnemen].value == "ja":
            row[opnemen].value = "nee"
    book.save(sheet)
    edited = qcode(study, "quotes", "import", str(sheet), "--json")
    assert edited.exit_code == 0, edited.output
    with Project.open(study) as project:
        stored = [row[0] for row in project.conn.execute("SELECT text FROM quote_decisions WHERE text IS NOT NULL")]
    assert stored == ["Ik werkte zes jaar bij Stichting Welzijn Oost […] Mijn teamleider Sietske de Graaf zag nooit "
                      "wat ik deed"]
    assert qcode(study, "report", "--coder", "anna").exit_code == 0
    text = (study / "exports" / "rapport.md").read_text(encoding="utf-8")
    assert planted_in(text) == []
    assert "bij \\[organisatie\\] \\[…\\] Mijn teamleider \\[naam" in text


def test_the_disagreements_sheet_has_no_identifier(study):
    target = study / "exports" / "verschillen.xlsx"
    result = qcode(study, "disagreements", "--coders", "anna,bram", "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0 and "pseudonymised:" in result.output
    text = workbook_text(target)
    assert planted_in(text) == [] and "[telefoonnummer]" in text
    qcode(study, "disagreements", "--coders", "anna,bram", "--format", "xlsx", "-o", str(target), "--no-anonymise")
    assert "06-12345678" in workbook_text(target)


def test_matrix_labels_have_no_identifier(study):
    target = study / "exports" / "matrix.xlsx"
    result = qcode(study, "matrix", "--coder", "anna", "--by", "woonplaats", "-o", str(target))
    assert result.exit_code == 0, result.output
    text = workbook_text(target)
    header = [cell.value for cell in openpyxl.load_workbook(target).active[1]]
    assert "Lelystad" not in text and "Almere" not in text
    assert len(set(header)) == len(header) == 3 and all("(n=1)" in column for column in header[1:])
    shown = qcode(study, "matrix", "--coder", "anna", "--by", "woonplaats", "--format", "json")
    assert "Lelystad" not in shown.output
    raw = qcode(study, "matrix", "--coder", "anna", "--by", "woonplaats", "--format", "json", "--no-anonymise")
    assert "Lelystad" in raw.output


def test_the_chart_is_written_and_says_so(study):
    target = study / "exports" / "themas.svg"
    result = qcode(study, "chart", "--coder", "anna", "-o", str(target))
    assert result.exit_code == 0 and "pseudonymised:" in result.output and target.exists()
    assert "Not pseudonymised" in qcode(study, "chart", "--coder", "anna", "-o", str(target), "--no-anonymise").output


def test_no_identifier_among_the_words_or_in_the_cloud(study):
    result = qcode(study, "words", "--json", "--top", "200")
    words = [w["word"] for w in json.loads(result.stdout)]
    assert "salaris" in words and "lelystad" not in words and "ruben" not in words
    raw = qcode(study, "words", "--json", "--top", "200", "--no-anonymise")
    assert "lelystad" in [w["word"] for w in json.loads(raw.stdout)]


# -- exchange files: the original text unless --anonymise -------------------------------------------
def test_codings_export_keeps_the_text_unless_anonymise(study):
    target = study / "exports" / "codings.csv"
    result = qcode(study, "codings", "export", "--coder", "anna", "-o", str(target))
    assert result.exit_code == 0 and "original text" in result.output
    assert "Stichting Welzijn Oost" in target.read_text(encoding="utf-8-sig")
    result = qcode(study, "codings", "export", "--coder", "anna", "-o", str(target), "--anonymise")
    assert "pseudonymised:" in result.output
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines(),
                               delimiter=";" if ";" in target.read_text(encoding="utf-8-sig").splitlines()[0] else ","))
    assert planted_in(target.read_text(encoding="utf-8-sig")) == []
    assert any("[organisatie]" in row["text"] for row in rows)
    assert all(row["fragment"] for row in rows)  # ids stay


def test_fragments_output_keeps_the_text_unless_anonymise(study):
    target = study / "exports" / "fragmenten.xlsx"
    result = qcode(study, "fragments", "-o", str(target))
    assert "original text" in result.output and "06-12345678" in workbook_text(target)
    result = qcode(study, "fragments", "-o", str(target), "--anonymise")
    assert "pseudonymised:" in result.output
    assert planted_in(workbook_text(target)) == []


def test_the_refi_export_keeps_the_text_unless_anonymise_and_its_selections_follow(study):
    target = study / "exports" / "project.qdpx"
    result = qcode(study, "export", "qdpx", "-o", str(target))
    assert result.exit_code == 0 and "original text" in result.output
    with zipfile.ZipFile(target) as archive:
        assert any(b"Stichting Welzijn Oost" in archive.read(n) for n in archive.namelist() if n.startswith("sources/"))
    result = qcode(study, "export", "qdpx", "-o", str(target), "--anonymise")
    assert result.exit_code == 0 and "pseudonymised:" in result.output
    with zipfile.ZipFile(target) as archive:
        sources = {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("sources/")}
        project_xml = archive.read("project.qde").decode("utf-8")
    assert planted_in(project_xml + "".join(sources.values())) == []
    selections = re.findall(r'<PlainTextSelection guid="[^"]+" name="([^"]*)" startPosition="(\d+)" '
                            r'endPosition="(\d+)"', project_xml)
    assert selections
    texts = "".join(sources.values())
    for name, start, end in selections:
        selected = [text[int(start):int(end)] for text in sources.values()]
        assert any(" ".join(s.split())[:40] == " ".join(name.split())[:40] for s in selected), name
    assert "bij [organisatie] als jongerenwerker" in texts and "Ruben:" not in texts


def test_merge_says_which_it_did(study, tmp_path):
    other = Path(shutil.copytree(study, tmp_path / "kopie"))
    result = qcode(study, "merge", str(other))
    assert result.exit_code == 0 and "original text" in result.output
    result = qcode(study, "merge", str(other), "--anonymise")
    assert result.exit_code == 0 and "pseudonymised:" in result.output


def test_exports_leave_the_database_text_as_it_was(study):
    before = stored_text(study)
    for args in (("report", "--coder", "anna"), ("export", "quotes", "--coder", "anna"),
                 ("codings", "export", "--coder", "anna", "--anonymise", "-o", str(study / "c.csv")),
                 ("export", "qdpx", "--anonymise", "-o", str(study / "p.qdpx"))):
        assert qcode(study, *args).exit_code == 0
    assert stored_text(study) == before


# -- the survey report ------------------------------------------------------------------------------
SURVEY = ("respondent;rol;V1\n"
          "A1;wijkwerker;Bij Stichting Welzijn Oost in de gemeente Lelystad was de werkdruk te hoog.\n"
          "A2;wijkwerker;In Lelystad is de werkdruk hoog en het salaris laag.\n"
          "A3;jongerenwerker;Lelystad betaalt slecht, bel maar 06-12345678.\n")
SURVEY_CODEBOOK = """name: Consultatie
version: "1"
codes:
  - {id: werkdruk, label: Werkdruk}
  - {id: salaris, label: Salaris}
"""


def test_the_survey_report_quotes_and_counts_words_without_identifiers(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "enquete.csv").write_text(SURVEY, encoding="utf-8")
    (tmp_path / "codeboek.yaml").write_text(SURVEY_CODEBOOK, encoding="utf-8")
    with Project.init(tmp_path / "enquete") as project:
        project.load_codebook(tmp_path / "codeboek.yaml")
        project.import_paths([tmp_path / "data" / "enquete.csv"], id_column="respondent", text_column=["V1"])
        for found in project.fragments(role="participant"):
            project.assign(found.id, ["werkdruk" if "werkdruk" in found.text else "salaris"], "anna")
        tekst = project.root / "exports" / "tekst"
        tekst.mkdir(parents=True)
        (tekst / "vraag-v1.md").write_text("[[telling]]\n\n[[citaten werkdruk alle]]\n\n[[citaten salaris alle]]\n\n"
                                           "[[woorden 30]]\n", encoding="utf-8")
        target = project.root / "exports" / "rapport.md"
        project.report(ReportOptions(coder="anna"), "md", target)
        text = target.read_text(encoding="utf-8")
        assert planted_in(text) == [] and "lelystad" not in text.lower()
        assert "\\[organisatie\\]" in text and "| werkdruk |" in text
        project.report(ReportOptions(coder="anna"), "md", target, pseudonymiser=None)
        assert "| lelystad | 3 | 3 |" in target.read_text(encoding="utf-8")
