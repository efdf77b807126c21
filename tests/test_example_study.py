"""The bundled example study, and `.ci/example` (the README's main job) run on a copy of it."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO
from qcode import Project
from qcode.cli import app
from qcode.readers import read_survey, read_transcript

TRANSCRIPTS = REPO / "transcripts"


def example_commands() -> list[list[str]]:
    lines = (REPO / ".ci/example").read_text(encoding="utf-8").splitlines()
    return [shlex.split(line)[1:] for line in lines if line.startswith("qcode ")]


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """A copy of the example study after every command of .ci/example."""
    folder = tmp_path_factory.mktemp("example")
    for part in ("codebooks", "transcripts", "exports", "tekst"):
        shutil.copytree(REPO / part, folder / part)
    shutil.copy(REPO / "anonimiseren.yaml", folder)  # the example's lists of what is and is not replaced
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(folder)  # .ci/example runs in the repository's top folder
    try:
        for arguments in example_commands():
            result = runner.invoke(app, arguments, catch_exceptions=False)
            assert result.exit_code == 0, f"qcode {' '.join(arguments)}\n{result.output}"
    finally:
        os.chdir(cwd)
    return folder


def test_codebook_covers_the_exit_study_themes():
    codebook = Project.check_codebook(REPO / "codebooks/exitstudie.yaml")
    themes = codebook.codes
    assert len(themes) >= 12
    assert sum(len(list(_descendants(t))) for t in themes) >= 30
    assert [t.id for t in themes if t.role == "recommendations"] == ["aanbevelingen"]
    for code, _, _ in codebook.walk():
        assert code.description and code.include and code.exclude and code.keywords, code.id
        assert len(code.examples) >= 2, code.id


def _descendants(code):
    for child in code.codes:
        yield child
        yield from _descendants(child)


def test_interviews_come_in_every_format_and_are_long_enough():
    files = sorted(p for p in TRANSCRIPTS.iterdir() if p.suffix in {".txt", ".md", ".docx", ".vtt"})
    assert len(files) >= 12
    formats = Counter(p.suffix for p in files)
    assert formats[".docx"] >= 2 and formats[".vtt"] >= 2 and formats[".txt"] + formats[".md"] >= 8
    for path in files:
        document = read_transcript(path, {"Marieke", "Marieke de Vries", "Tom Bakker"})
        words = sum(len(p.split()) for turn in document.turns for p in turn.paragraphs)
        assert words >= 1500, f"{path.name} has {words} words"


def test_the_consultation_has_150_respondents_and_three_open_questions():
    survey = read_survey(TRANSCRIPTS / "survey" / "consultatie.xlsx", "respondent", ["V07", "V12", "V15"])
    assert len(survey.respondents) >= 150 and len(survey.questions) == 3
    assert sum(len(d.turns) // 2 for d in survey.documents) >= 300  # answers, each after its question


def test_main_job_imports_the_study_and_writes_exports(example):
    with Project.open(example) as project:
        status = project.status()
        assert status.transcripts >= 12 and status.participants == status.transcripts
        assert status.codes >= 42
        participants = dict(project.conn.execute("SELECT id, attributes FROM participants").fetchall())
        ages = [json.loads(a)["age"] for a in participants.values()]
        assert min(ages) >= 25 and max(ages) <= 60 and len(set(ages)) >= 8
        roles = dict(project.conn.execute(
            "SELECT t.speaker, t.role FROM turns t JOIN transcripts tr ON tr.id = t.transcript_id "
            "WHERE tr.format = 'vtt'").fetchall())
        assert roles["Marieke de Vries"] == roles["Tom Bakker"] == "interviewer"
        assert roles["Karin Jansen"] == roles["Deelnemer 12"] == "participant"
        for fragment in project.fragments():
            text = project.conn.execute("SELECT text FROM transcripts WHERE name = ?",
                                        (fragment.transcript,)).fetchone()[0]
            assert text[fragment.start:fragment.end] == fragment.text
    exported = (example / "exports/fragmenten.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(exported) == 1 + status.participant_fragments
    assert len(json.loads((example / "exports/fragmenten.json").read_text(encoding="utf-8"))) == status.fragments
    with Project.open(example / "exports/enquete") as survey:
        status = survey.status()
        assert status.participants >= 150 and [q.id for q in status.questions] == ["V07", "V12", "V15"]
        assert all(q.answered >= 100 for q in status.questions)


def test_main_job_writes_the_consultation_chapter(example):
    from docx import Document

    document = Document(str(example / "exports" / "enquete-rapport.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert len(document.tables) >= 3  # a frequency table per question
    for question in ("V07", "V12", "V15"):
        assert f"(n=" in text and "meerdere antwoorden mogelijk" in text
    assert "procent van de respondenten (n=" in text
    for word in ("belangrijkste reden om te vertrekken", "hoofdreden"):
        assert word not in text
    assert (example / "exports" / "enquete-woorden-v12.png").stat().st_size > 10_000


def test_example_codings_cover_every_interview_with_realistic_disagreement(example):
    with Project.open(example) as project:
        transcripts = {row[0] for row in project.conn.execute("SELECT name FROM transcripts")}
        for coder in ("anna", "bram"):
            codings = project.codings(coder=coder)
            assert {c.transcript for c in codings} == transcripts, coder
            main_reasons = Counter(c.participant for c in codings if c.main)
            assert set(main_reasons) == {t.rsplit(".", 1)[0] for t in transcripts}, coder
            assert any(c.star for c in codings) and any(c.memo for c in codings)
        by_theme = project.agreement(["anna", "bram"], "theme")
        assert 0.4 < by_theme.overall.alpha < 0.95              # they agree, but not on everything
        assert project.disagreements(["anna", "bram"])
        consensus = project.codings(coder="consensus")
        assert consensus and {c.transcript for c in consensus} == transcripts


def test_main_job_writes_the_report_quote_sheets_and_chart(example):
    import docx
    import openpyxl

    exports = example / "exports"
    for name in ("rapport.docx", "rapport.html", "rapport.md", "rapport-anna.md", "rapport-anna.docx",
                 "citaten.xlsx", "citaten-anna.xlsx", "themas.png", "verschillen.xlsx", "matrix-functie.xlsx"):
        assert (exports / name).stat().st_size > 0, name
    document = docx.Document(str(exports / "rapport.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "2 Resultaten" in headings and any(h.startswith("2.3 ") for h in headings)
    assert document.tables and document.inline_shapes                 # the ranking table and the chart
    report = (exports / "rapport.md").read_text(encoding="utf-8")
    assert re.search(r"^Voor [^.]* deelnemers? was dit de belangrijkste reden om te vertrekken", report, re.M)
    assert "twaalf" in report  # the number of interviews, in words
    assert "Codering:" not in report and "★" not in report  # no internal words or marks in the chapter
    # twelve participants, eight roles: the attributions are age bands alone (tests/test_attribution_risk.py)
    said = set(re.findall(r"^> – (.*)$", report, re.M))
    assert said <= {"25–34 jaar", "35–44 jaar", "45 jaar of ouder"} and len(said) == 3
    sheets = openpyxl.load_workbook(exports / "citaten.xlsx").sheetnames
    assert sheets[0] == "alle" and len(sheets) > 5
    assert sorted(p.name for p in (exports / "tekst").glob("*.md"))   # the researcher's own-text files


def test_main_job_can_run_twice(example):
    runner = CliRunner()
    result = runner.invoke(app, ["--project", str(example), "import", str(example / "transcripts"), "--json"])
    report = json.loads(result.output)
    assert report["new"] == 0 and report["changed"] == 0 and report["unchanged"] >= 12


def readme_commands() -> list[list[str]]:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    return [shlex.split(line.removeprefix("$ "))[1:] for line in lines if line.startswith("$ qcode ")]


@pytest.mark.parametrize("arguments", readme_commands(), ids=" ".join)
def test_readme_tour_commands_run(example, arguments):
    cwd = os.getcwd()
    os.chdir(example)
    try:
        result = CliRunner().invoke(app, arguments, catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output


def test_readme_python_api_example_runs(example, tmp_path, capsys):
    import re
    source = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## The Python API.*?```python\n(.*?)```", source, re.S).group(1)
    study = shutil.copytree(example, tmp_path / "studie")
    cwd = os.getcwd()
    os.chdir(study)
    try:
        exec(compile(block.replace('"pad/naar/studie"', repr(str(study))), "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert "'transcripts': 12" in capsys.readouterr().out
    assert (study / "exports" / "rapport.docx").exists()


def test_main_job_chapter_is_the_researchers_text(example):
    """The committed own texts (tekst/) fill every placeholder: no marker, no warning about a file, no ★."""
    from qcode.render.report import ReportOptions

    report = (example / "exports/rapport.md").read_text(encoding="utf-8")
    assert "[[" not in report and "qcode:" not in report and "★" not in report
    assert report.startswith("# 1 Inleiding") and "Krippendorffs alfa = 0," in report
    assert "## 2.3 Een grote bottleneck – gebrek aan doorgroeimogelijkheden" in report
    assert "# 3 Conclusie" in report and "1. **Er is geen volgende stap.**" in report
    # the long quote cut in tekst/citaten.csv: a verified edit, printed as edited
    assert "verdeeld \\[over de opbouwwerkers\\], en ik kreeg er een tweede bij\\. \\[…\\] Toen viel" in report
    with Project.open(example) as project:
        found = project.check_report(ReportOptions(coder="consensus", start=2, text_dir=example / "tekst"))
    assert all(use.ok for use in found.uses) and len(found.uses) >= 90
    assert not [w for w in found.warnings if w.path is not None]
    assert not found.missing_texts  # every part of the chapter is written


def test_example_chapter_keeps_every_edit_when_regenerated(example, tmp_path):
    """Prose between quote groups, two quotes swapped and one placeholder removed in tekst/werkdruk.md:
    the Word file follows, and the file itself is never touched."""
    import docx

    study = shutil.copytree(example, tmp_path / "studie")
    own = study / "tekst" / "werkdruk.md"
    text = own.read_text(encoding="utf-8")
    edited = (text.replace("[[citaat 964]]\n\n[[citaat 965]]", "[[citaat 965]]\n\n[[citaat 964]]")
              .replace("### Alles kunnen", "Dat sturen op aantallen raakte vooral wie gezinnen lang begeleidde.\n\n"
                                            "### Alles kunnen")
              .replace("[[citaat 1276]]\n", ""))
    assert edited != text
    own.write_text(edited, encoding="utf-8")
    arguments = ["--project", str(study), "report", "--coder", "consensus", "--text-dir", str(study / "tekst"),
                 "--start", "2", "--format", "docx", "-o", str(study / "exports" / "rapport.docx")]
    for _ in range(2):
        result = CliRunner().invoke(app, arguments, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert own.read_text(encoding="utf-8") == edited
    paragraphs = [p.text for p in docx.Document(str(study / "exports" / "rapport.docx")).paragraphs]
    start = paragraphs.index(next(p for p in paragraphs if p.startswith("2.4 ")))
    section = paragraphs[start:paragraphs.index(next(p for p in paragraphs if p.startswith("2.5 ")))]
    extra = next(i for i, p in enumerate(section) if p.startswith("“Er kwam ook steeds iets bij"))
    caseload = next(i for i, p in enumerate(section) if p.startswith("“De hoeveelheid."))
    bridge = section.index("Dat sturen op aantallen raakte vooral wie gezinnen lang begeleidde.")
    assert extra < caseload < bridge < section.index("Alles kunnen")
    assert not any("geen vader zijn" in p for p in section)  # the removed quote
