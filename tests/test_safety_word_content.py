"""Word's hidden content: what is stored is what a reader of the document sees, each word once.

Every file is written here part by part (tests/office_files.py) and imported through the real CLI.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from office_files import W_NS, labelled, p, run, word_parts, write_docx, write_zip
from qcode import Project

INS = '<w:ins w:id="{n}" w:author="Sanne" w:date="2026-10-01T10:00:00Z">{runs}</w:ins>'
DEL = '<w:del w:id="{n}" w:author="Sanne" w:date="2026-10-01T10:00:00Z"><w:r><w:delText>{text}</w:delText></w:r></w:del>'
QUESTION = labelled("Interviewer", "Waarom ben je gestopt met het werk in de wijk?")


def stored_text(cli, folder: Path, name: str = "U01.docx") -> str:
    result = cli("import", str(folder))
    assert result.exit_code == 0, result.output
    with Project.open(cli.folder) as project:
        return project.conn.execute("SELECT text FROM transcripts WHERE name = ?", (name,)).fetchone()[0]


def turns(cli, name: str = "U01.docx") -> list[tuple[str, str]]:
    with Project.open(cli.folder) as project:
        return project.conn.execute(
            "SELECT speaker, substr(t.text, start + 1, \"end\" - start) FROM turns JOIN transcripts t "
            "ON t.id = transcript_id WHERE t.name = ? ORDER BY number", (name,)).fetchall()


@pytest.fixture
def folder(cli, tmp_path) -> Path:
    cli("init", str(cli.folder), project=False)
    made = tmp_path / "transcripten"
    made.mkdir()
    return made


def test_tracked_insertions_are_accepted_and_deletions_left_out(cli, folder):
    answer = p(run("Respondent:", bold=True), run(" Ik ben "), INS.format(n=1, runs=run("niet")),
               run(" gestopt"), DEL.format(n=2, text=" omdat ik moe was"), run(", ik ben "),
               DEL.format(n=3, text="ontslagen"), INS.format(n=4, runs=run("overgeplaatst")), run("."))
    write_docx(folder / "U01.docx", QUESTION + answer)
    text = stored_text(cli, folder)
    assert "Respondent: Ik ben niet gestopt, ik ben overgeplaatst." in text
    assert "moe" not in text and "ontslagen" not in text


def test_moved_text_is_read_at_its_new_place_only(cli, folder):
    moved = "In het najaar kwam er een nieuwe manager."
    body = (QUESTION
            + p(run("Respondent:", bold=True), run(" Eerst was het rustig."),
                f'<w:moveFrom w:id="5" w:author="Sanne"><w:r><w:t xml:space="preserve"> {moved}</w:t></w:r></w:moveFrom>')
            + p(run("Daarna werd het druk."),
                f'<w:moveTo w:id="6" w:author="Sanne"><w:r><w:t xml:space="preserve"> {moved}</w:t></w:r></w:moveTo>'))
    write_docx(folder / "U01.docx", body)
    text = stored_text(cli, folder)
    assert text.count("nieuwe manager") == 1
    assert "Eerst was het rustig.\n\nDaarna werd het druk. In het najaar kwam er een nieuwe manager." in text


def test_a_deleted_paragraph_mark_joins_the_paragraph_to_the_next(cli, folder):
    deleted_mark = f'<w:pPr><w:rPr><w:del w:id="7" w:author="Sanne"/></w:rPr></w:pPr>'
    body = QUESTION + p(run("Respondent:", bold=True), run(" Het begon met"), properties=deleted_mark) \
        + p(run(" een reorganisatie."))
    write_docx(folder / "U01.docx", body)
    assert "Respondent: Het begon met een reorganisatie." in stored_text(cli, folder)


def test_content_controls_smart_tags_custom_xml_hyperlinks_and_fields_are_read(cli, folder):
    block_control = f"<w:sdt><w:sdtPr><w:alias w:val='Antwoord'/></w:sdtPr><w:sdtContent>{{}}</w:sdtContent></w:sdt>"
    body = (QUESTION
            + block_control.format(labelled("Respondent", "Ik werkte bij het wijkteam."))
            + p(run("Dat was in "),
                '<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>Utrecht</w:t></w:r></w:sdtContent></w:sdt>',
                run(", bij "), '<w:smartTag w:uri="urn:x" w:element="place"><w:r><w:t>Overvecht</w:t></w:r></w:smartTag>',
                run(" en "), '<w:customXml w:element="plaats"><w:r><w:t>Kanaleneiland</w:t></w:r></w:customXml>',
                run(", zie "), '<w:hyperlink r:id="rId9"><w:r><w:t>de website</w:t></w:r></w:hyperlink>', run("."))
            + '<w:customXml w:element="blok">' + p(run("Het contract liep af.")) + '</w:customXml>'
            + p(run("Op "), '<w:fldSimple w:instr=" DATE \\@ &quot;d MMMM&quot; "><w:r><w:t>3 maart</w:t></w:r></w:fldSimple>',
                run(" stopte ik, na "),
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
                'IF 1 = 1 "</w:instrText></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>'
                ' MERGEFIELD jaren </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                '<w:r><w:t>GEHEIM</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:instrText>"'
                '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>twaalf</w:t></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>', run(" jaar.")))
    write_docx(folder / "U01.docx", body)
    text = stored_text(cli, folder)
    assert "Respondent: Ik werkte bij het wijkteam." in text
    assert "Dat was in Utrecht, bij Overvecht en Kanaleneiland, zie de website." in text
    assert "Het contract liep af." in text
    assert "Op 3 maart stopte ik, na twaalf jaar." in text
    assert "MERGEFIELD" not in text and "GEHEIM" not in text and "DATE" not in text


def test_comments_footnotes_and_hidden_text_are_left_out(cli, folder):
    answer = p(run("Respondent:", bold=True), '<w:commentRangeStart w:id="0"/>', run(" Ik had een burn-out."),
               '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>',
               '<w:r><w:footnoteReference w:id="1"/></w:r>',
               '<w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve"> VERBORGEN</w:t></w:r>', run(" Nu gaat het."))
    parts = word_parts(QUESTION + answer)
    comment = f'<w:comments xmlns:w="{W_NS}"><w:comment w:id="0" w:author="A">{p(run("OPMERKING"))}</w:comment></w:comments>'
    footnote = f'<w:footnotes xmlns:w="{W_NS}"><w:footnote w:id="1">{p(run("VOETNOOT"))}</w:footnote></w:footnotes>'
    parts["word/comments.xml"], parts["word/footnotes.xml"] = comment, footnote
    write_zip(folder / "U01.docx", parts)
    text = stored_text(cli, folder)
    assert "Respondent: Ik had een burn-out. Nu gaat het." in text
    assert not {"OPMERKING", "VOETNOOT", "VERBORGEN"} & set(text.split())


def test_a_text_box_is_read_once_after_its_paragraph(cli, folder):
    box = p(run("Kader: werkdruk in cijfers"))
    drawing = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
               f'<wps:wsp><wps:txbx><w:txbxContent>{box}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData>'
               '</a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
               f'<w:txbxContent>{box}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
               '</mc:AlternateContent></w:r>')
    body = QUESTION + p(run("Respondent:", bold=True), run(" Het werd te veel."), drawing) \
        + p(run("Ik sliep slecht."))
    write_docx(folder / "U01.docx", body)
    text = stored_text(cli, folder)
    assert text.count("werkdruk in cijfers") == 1
    assert "Respondent: Het werd te veel.\n\nKader: werkdruk in cijfers\n\nIk sliep slecht." in text


def test_tabs_breaks_and_symbols_become_plain_characters(cli, folder):
    body = QUESTION + p(run("Respondent:", bold=True), run(" Ja."), "<w:r><w:tab/><w:t>Nee.</w:t><w:br/>"
                        '<w:t>Misschien</w:t><w:sym w:font="Arial" w:char="2026"/></w:r>')
    write_docx(folder / "U01.docx", body)
    assert "Respondent: Ja. Nee. Misschien…" in stored_text(cli, folder)


@pytest.mark.parametrize("wrap", [
    lambda r: INS.format(n=9, runs=r),
    lambda r: f"<w:sdt><w:sdtPr/><w:sdtContent>{r}</w:sdtContent></w:sdt>",
    lambda r: f'<w:hyperlink w:anchor="x">{r}</w:hyperlink>',
    lambda r: f'<w:smartTag w:uri="urn:x" w:element="naam">{r}</w:smartTag>',
], ids=["insertion", "content control", "hyperlink", "smart tag"])
def test_a_bold_label_inside_a_wrapper_still_opens_a_turn(cli, folder, wrap):
    body = (p(run("Interviewer:", bold=True), run(" Hoe begon het?"))
            + p(wrap(run("Sanne:", bold=True)), run(" Met een nieuwe baan.")))
    write_docx(folder / "U01.docx", body)
    stored_text(cli, folder)
    assert turns(cli) == [("Interviewer", "Hoe begon het?"), ("Sanne", "Met een nieuwe baan.")]


def test_a_label_bold_through_a_character_style_opens_a_turn(cli, folder):
    strong = '<w:r><w:rPr><w:rStyle w:val="Zwaar"/></w:rPr><w:t>Sanne:</w:t></w:r>'
    body = labelled("Interviewer", "Hoe begon het?") + p(strong, run(" Met een nieuwe baan."))
    write_docx(folder / "U01.docx", body)
    stored_text(cli, folder)
    assert [speaker for speaker, _ in turns(cli)] == ["Interviewer", "Sanne"]


def cell(*paragraphs: str, properties: str = "") -> str:
    return f"<w:tc>{properties}{''.join(paragraphs)}</w:tc>"


def test_a_transcript_table_with_controls_changes_and_merged_cells(cli, folder):
    rows = [
        "<w:tr>" + cell(p(run("Spreker"))) + cell(p(run("Tekst"))) + "</w:tr>",
        "<w:tr>" + cell(p(run("Interviewer"))) + cell(p(run("Hoe was je laatste jaar?"))) + "</w:tr>",
        "<w:sdt><w:sdtPr/><w:sdtContent><w:tr>" + cell(p(run("Femke")), properties="<w:tcPr><w:vMerge w:val='restart'/></w:tcPr>")
        + cell(p(run("Het was "), INS.format(n=1, runs=run("heel")), run(" zwaar."))) + "</w:tr></w:sdtContent></w:sdt>",
        "<w:tr>" + cell(p(), properties="<w:tcPr><w:vMerge/></w:tcPr>") + cell(p(run("Ik huilde vaak."))) + "</w:tr>",
        "<w:tr><w:trPr><w:del w:id='3' w:author='Sanne'/></w:trPr>" + cell(p(run("Femke")))
        + cell(p(run("WEGGEHAALD"))) + "</w:tr>",
        "<w:tr>" + cell(p(run("Interviewer"))) + cell(p(run("En nu?"))) + "</w:tr>",
        "<w:tr>" + cell(p(run("Femke"))) + cell('<w:sdt><w:sdtContent>' + p(run("Nu gaat het goed.")) + '</w:sdtContent></w:sdt>')
        + "</w:tr>",
    ]
    write_docx(folder / "U01.docx", f"<w:tbl><w:tblPr/><w:tblGrid/>{''.join(rows)}</w:tbl>")
    text = stored_text(cli, folder)
    assert turns(cli) == [
        ("Interviewer", "Hoe was je laatste jaar?"),
        ("Femke", "Het was heel zwaar.\n\nIk huilde vaak."),
        ("Interviewer", "En nu?"),
        ("Femke", "Nu gaat het goed."),
    ]
    assert "WEGGEHAALD" not in text


def test_a_nested_table_in_a_detail_table_is_read_as_paragraphs(cli, folder):
    nested = "<w:tbl><w:tr>" + cell(p(run("Locatie: buurthuis"))) + "</w:tr></w:tbl>"
    details = "<w:tbl><w:tr>" + cell(p(run("Datum: 3 maart")), nested, p()) + "</w:tr></w:tbl>"
    write_docx(folder / "U01.docx", details + labelled("Interviewer", "Hoe begon het?")
               + labelled("Respondent", "Met een nieuwe baan.") + labelled("Interviewer", "En toen?")
               + labelled("Respondent", "Toen ging het mis."))
    cli("import", str(folder))
    with Project.open(cli.folder) as project:
        preamble = project.conn.execute("SELECT preamble FROM transcripts").fetchone()[0]
    assert preamble == "Datum: 3 maart\nLocatie: buurthuis"


def test_a_field_that_never_ends_hides_nothing_after_its_paragraph(cli, folder):
    broken = p(run("Respondent:", bold=True), run(" Ik ging weg"),
               '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>')
    write_docx(folder / "U01.docx", QUESTION + broken + labelled("Interviewer", "En daarna?")
               + labelled("Respondent", "Toen begon ik opnieuw."))
    text = stored_text(cli, folder)
    assert "Respondent: Ik ging weg" in text and "Respondent: Toen begon ik opnieuw." in text


def test_labels_after_soft_line_breaks_open_turns(cli, folder):
    """A transcript pasted with Shift+Enter between turns: each line is read like a line of a text file."""
    soft = p("<w:r><w:t>I: Hoe lang werkte je daar?</w:t><w:br/><w:t>R: Zes jaar, bij het wijkteam.</w:t>"
             "<w:br/><w:t>Daarvoor bij een school.</w:t><w:br/><w:t>I: En waarom stopte je?</w:t><w:br/>"
             "<w:t>R: Ik zei: zo gaat het niet langer.</w:t></w:r>")
    write_docx(folder / "U01.docx", soft)
    stored_text(cli, folder)
    assert turns(cli) == [("I", "Hoe lang werkte je daar?"),
                          ("R", "Zes jaar, bij het wijkteam. Daarvoor bij een school."),
                          ("I", "En waarom stopte je?"), ("R", "Ik zei: zo gaat het niet langer.")]


def test_a_content_control_still_showing_its_placeholder_is_left_out(cli, folder):
    placeholder = ('<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>Klik of tik om tekst in '
                   'te voeren.</w:t></w:r></w:sdtContent></w:sdt>')
    write_docx(folder / "U01.docx", p(run("Locatie: "), placeholder) + QUESTION
               + labelled("Respondent", "Ik wilde meer tijd voor cliënten."))
    text = stored_text(cli, folder)
    assert "Klik" not in text
    with Project.open(cli.folder) as project:
        assert project.conn.execute("SELECT preamble FROM transcripts").fetchone()[0] == "Locatie:"


def test_a_word_file_without_a_body_in_the_usual_form_is_refused(cli, folder):
    strict = word_parts("")
    strict["word/document.xml"] = ('<?xml version="1.0"?><w:document xmlns:w="http://purl.oclc.org/ooxml/'
                                   'wordprocessingml/main"><w:body><w:p/></w:body></w:document>')
    write_zip(folder / "U01.docx", strict)
    result = cli("import", str(folder))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "U01.docx" in result.output and "Strict Open XML" in result.output


def test_an_equation_and_ruby_base_text_are_read_as_seen(cli, folder):
    math = ('<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
            "<m:r><m:t>38 + 2 = 40</m:t></m:r></m:oMath>")
    ruby = ("<w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>uitspraak</w:t></w:r></w:rt>"
            "<w:rubyBase><w:r><w:t>uren</w:t></w:r></w:rubyBase></w:ruby></w:r>")
    body = QUESTION + p(run("Respondent:", bold=True), run(" Ik werkte "), math, run(" "), ruby, run(" per week."))
    write_docx(folder / "U01.docx", body)
    text = stored_text(cli, folder)
    assert "Respondent: Ik werkte 38 + 2 = 40 uren per week." in text
    assert "uitspraak" not in text
