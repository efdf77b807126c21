"""The consultation report: a section per open question with n, shares, a captioned table, quotes, no main reasons."""
from __future__ import annotations

from pathlib import Path

import pytest

from qcode import Project
from qcode.render.report import ReportOptions
from test_survey_questions import CODEBOOK, CONSULTATION, _sheet


@pytest.fixture
def survey(tmp_path) -> Project:
    with Project.init(tmp_path / "enquete") as project:
        (tmp_path / "codeboek.yaml").write_text(CODEBOOK, encoding="utf-8")
        project.load_codebook(tmp_path / "codeboek.yaml")
        project.import_paths([_sheet(tmp_path / "data", CONSULTATION)], id_column="respondent",
                             text_column=["V1", "V2"])
        answers = {(f.transcript.split("#")[1], f.question, f.text[:12]): f.id
                   for f in project.fragments(role="participant")}
        for key, codes in [(("A1", "V1", "De werkdruk "), ["werkdruk", "salaris"]),
                           (("A2", "V1", "Te veel admi"), ["werkdruk-administratie"]),
                           (("A3", "V1", "Het salaris."), ["salaris"]), (("A5", "V1", "Werkdruk, we"), ["werkdruk"]),
                           (("A1", "V2", "Samenwerking"), ["samenwerking"]),
                           (("A4", "V2", "Stroef, iede"), ["samenwerking"])]:
            for fragment in [answers[key]]:
                project.assign(fragment, codes, "anna")
        for fragment in project.fragments(role="participant"):
            project.mark_seen(fragment.id, "anna")
        yield project


def report_text(project: Project, **options) -> str:
    target = project.root / "exports" / "rapport.md"
    project.report(ReportOptions(coder="anna", start=2, attributes=("rol",), **options), "md", target)
    return target.read_text(encoding="utf-8")


def test_a_section_per_question_with_n_table_caption_and_quotes(survey):
    text = report_text(survey)
    assert "## 2.1 " in text and "## 2.2 " in text and "## 2.3" not in text
    assert "Van de zes respondenten beantwoordden vier deze vraag (67 procent)" in text
    table = text[text.index("| Onderwerp |"):text.index("Table: Tabel 2.1")]
    rows = [line.split("|")[1:4] for line in table.strip().splitlines()[2:]]
    assert [[cell.strip() for cell in row] for row in rows] == [
        ["Werkdruk", "3", "75"], ["Salaris", "2", "50"], ["**Totaal**", "**5**", ""]]
    assert "Table: Tabel 2.1 Hoe" not in text  # the question text is the column name here: V1
    assert "Table: Tabel 2.1 V1 (n=4, 5 antwoorden, meerdere antwoorden mogelijk)" in text
    assert "Drie van de vier respondenten noemen dit." in text
    assert "– wijkwerker" not in text and "– A1" in text  # two of each role: the role could point at one
    as_they_are = report_text(survey, coarsen_attributions=False)
    assert "– wijkwerker" in as_they_are and "– jongerenwerker" in as_they_are
    for word in ("belangrijkste reden", "hoofdreden", "main reason", "★"):
        assert word not in text


def test_percentages_from_twenty_answers_and_words_below(survey):
    from qcode.render.survey_chapter import share_sentence

    assert share_sentence(166, 572, "nl") == "29 procent van de respondenten (n=572) noemt dit."
    assert share_sentence(3, 4, "nl") == "Drie van de vier respondenten noemen dit."
    assert share_sentence(1, 25, "en") == "4 percent of the respondents (n=25) mention this."


def test_own_text_survives_and_survey_placeholders_fill(survey):
    report_text(survey)
    own = survey.root / "exports" / "tekst" / "vraag-v1.md"
    assert own.exists()
    own.write_text("Werkdruk springt eruit:\n\n[[tabel]]\n\n[[verdeling rol werkdruk]]\n\n[[woorden 5]]\n\n"
                   "Tussen de groepen zit weinig verschil.\n\n[[citaten salaris 1]]\n\n[[samenvatting]]\n\n"
                   "[[rangorde]]\n", encoding="utf-8")
    text = report_text(survey)
    assert "Werkdruk springt eruit:" in text and "Tussen de groepen zit weinig verschil." in text
    assert "Table: Tabel 2.2 Werkdruk, naar rol (n per groep: wie de vraag beantwoordde)" in text
    assert "| wijkwerker | 2 | 2 | 100 |" in text and "| jongerenwerker | 1 | 0 | 0 |" in text
    assert "| werkdruk | 4 | 2 |" in text  # [[woorden 5]]: lemma, times, respondents
    section = text[text.index("## 2.1"):text.index("## 2.2")]
    assert section.count("> *“") == 1
    assert "Concluderend: de meest genoemde onderwerpen zijn werkdruk (75 procent) en salaris (50 procent) (n=4)." \
        in text.replace("\\", "")
    assert "geen rangorde in een enquête" in text  # an interview placeholder here: a visible marker


def test_the_word_document_carries_the_tables(survey):
    from docx import Document

    target = survey.root / "exports" / "enquete.docx"
    survey.report(ReportOptions(coder="anna", start=4, attributes=("rol",)), "docx", target)
    document = Document(str(target))
    assert len(document.tables) >= 2
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Tabel 4.1 V1 (n=4, 5 antwoorden, meerdere antwoorden mogelijk)" in text


def test_survey_placeholders_in_an_interview_chapter_are_marked(tmp_path):
    from tests.conftest import DATA  # noqa: F401  (the interview fixtures live elsewhere; this checks the filler)
    from qcode.render import chapter, placeholders

    filler = placeholders.Filler.__new__(placeholders.Filler)
    with pytest.raises(chapter.PlaceholderError, match="belongs in a survey report"):
        filler(chapter.Placeholder("woorden", (), 1, "[[woorden]]"))


def test_a_questions_quote_pool_chooses_as_the_general_choice_limited_to_its_answers(survey):
    """The report reads a question's codings once (QuotePool); each code's quotes are those the general
    choice gives when every other question's answers are set aside, in the same order."""
    from qcode import quote_choice

    conn = survey.conn
    by_question: dict[str, set[int]] = {}
    for fragment in survey.fragments(role="participant"):
        by_question.setdefault(fragment.question, set()).add(fragment.id)
    codes = [row[0] for row in conn.execute("SELECT id FROM codes")]
    compared = 0
    for question, fragments in by_question.items():
        pool = quote_choice.QuotePool(conn, "anna", question)
        others = set().union(*(f for q, f in by_question.items() if q != question))
        for code in codes:
            for limit, skip, sub_codes in [(None, set(), True), (1, set(), True), (None, set(list(fragments)[:1]), False)]:
                ours = [(q.coding_id, q.order) for q in pool.choose(code, limit=limit, skip_fragments=skip,
                                                                    sub_codes=sub_codes)]
                general = [(q.coding_id, q.order) for q in quote_choice.choose(
                    conn, "anna", code, limit=limit, skip_fragments=skip | others, sub_codes=sub_codes)]
                assert ours == general, (question, code, limit)
                compared += len(ours)
    assert compared >= 8
    with pytest.raises(Exception, match="unknown code"):
        quote_choice.QuotePool(conn, "anna", "V1").choose("bestaat-niet")
