"""The chapter as the researcher's own files: drafts written once, placeholders filled, edits kept, bad
placeholders shown by file and line, and `qcode report --check`."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from qcode import Project
from qcode.errors import UsageError
from qcode.render.report import ReportOptions

from conftest import REPO

TRANSCRIPTS = REPO / "transcripts"


def fragment(project: Project, participant: str, words: str) -> int:
    [found] = [f.id for f in project.fragments(participant=participant, role="participant") if words in f.text]
    return found


def coding_id(project: Project, fragment_id: int, code: str, coder: str = "anna") -> int:
    return project.conn.execute("SELECT id FROM codings WHERE fragment_id = ? AND code_id = ? AND coder = ?",
                                (fragment_id, code, coder)).fetchone()[0]


@pytest.fixture(scope="module")
def coded_template(tmp_path_factory):
    """Four example interviews, every participant fragment seen by anna; a few codings with known counts:
    agressie 3 of 4 (main for U06 and U07), doorgroei U01 (main), erkenning U05 (main)."""
    folder = tmp_path_factory.mktemp("chapter") / "studie"
    with Project.init(folder) as project:
        project.load_codebook(REPO / "codebooks/exitstudie.yaml")
        project.import_paths([TRANSCRIPTS / name for name in ("U01.txt", "U05.txt", "U06.txt", "U07.txt",
                                                             "participants.csv")])
        project.assign(fragment(project, "U01", "De belangrijkste reden was dat ik niet verder kon groeien"),
                       ["doorgroei-plafond"], "anna", main=True, star=True)
        project.assign(fragment(project, "U01", "Daartussen zat niks"), ["doorgroei-geen-tussenfuncties"], "anna")
        project.assign(fragment(project, "U05", "Ik zat in schaal 8"), ["erkenning-salaris"], "anna", main=True)
        project.assign(fragment(project, "U05", "stond er een man aan de balie te schreeuwen"),
                       ["agressie-spanning"], "anna")
        project.assign(fragment(project, "U06", "was een incident met een cliënt"), ["agressie-bedreiging"],
                       "anna", main=True)
        project.assign(fragment(project, "U07", "voortdurende spanning en agressie op straat"),
                       ["agressie-spanning"], "anna", main=True)
        for found in project.fragments(role="participant"):
            project.mark_seen(found.id, "anna")
    return folder


@pytest.fixture
def coded(coded_template, tmp_path):
    with Project.open(shutil.copytree(coded_template, tmp_path / "studie")) as project:
        yield project


def own(project: Project, name: str):
    return project.root / "exports" / "tekst" / f"{name}.md"


def test_first_report_writes_drafts_that_reproduce_the_standard_chapter(coded):
    text = coded.report(ReportOptions(coder="anna", start=2), "md").read_text(encoding="utf-8")
    draft = own(coded, "agressie-en-spanning").read_text(encoding="utf-8")
    lines = [line for line in draft.split("-->", 1)[1].splitlines() if line.strip()]
    assert lines == ["[[telling]]", "[[citaten agressie-en-spanning alleen]]",
                     "### Bedreiging en geweld", "[[citaten agressie-bedreiging]]",
                     "### Voortdurende spanning en conflict", "[[citaten agressie-spanning]]",
                     "### Geen nazorg na incidenten", "[[citaten agressie-nazorg]]"]
    for part in ("_inleiding", "_resultaten", "_conclusie"):
        assert own(coded, part).exists()
    section = text.split("## 2.2 ")[1].split("\n## ")[0]
    assert ("Voor twee van de vier deelnemers was dit de belangrijkste re"
            "den om te vertrekken; in totaal noemden drie deelnemers het.") in section
    assert "### Bedreiging en geweld" in section and "### Voortdurende spanning en conflict" in section
    assert "Geen nazorg" not in section  # a sub-theme nobody mentions: its heading stays out
    assert "[[" not in text and "<!--" not in text
    assert "Codering" not in text and "anna" not in text  # no internal words in the chapter
    assert "# 1 Inleiding" in text and "# 3 Conclusie" in text


def test_edits_survive_regeneration(coded):
    """Prose between quote groups, reordered placeholders, a quote picked by id and a removed placeholder."""
    coded.report(ReportOptions(coder="anna", start=2), "md")
    path = own(coded, "agressie-en-spanning")
    bedreiging = coding_id(coded, fragment(coded, "U06", "was een incident met een cliënt"), "agressie-bedreiging")
    edited = (
        "Agressie was voor een aantal deelnemers de druppel:\n\n"
        "[[citaten agressie-spanning]]\n\n"
        "Bij één deelnemer ging het om een concreet incident, dat ze stap voor stap vertelt.\n\n"
        "### Eén verhaal\n\n"
        f"[[citaat {bedreiging}]]\n\n"
        "Wat ze daarna misten, was nazorg.\n\n"
        "[[telling exact]]\n")
    path.write_text(edited, encoding="utf-8")
    for _ in range(2):
        text = coded.report(ReportOptions(coder="anna", start=2), "md").read_text(encoding="utf-8")
        assert path.read_text(encoding="utf-8") == edited
    section = text.split("## 2.2 ")[1].split("\n## ")[0]
    assert section.index("balie te schreeuwen") < section.index("stap voor stap vertelt")
    order = [section.index(words) for words in (
        "de druppel:", "spanning en agressie op straat", "stap voor stap vertelt",
        "### Eén verhaal", "incident met een cliënt", "Wat ze daarna misten", "twee van de vier")]
    assert order == sorted(order)
    assert "Bedreiging en geweld" not in section  # the placeholder and heading the researcher removed
    assert section.count("incident met een cliënt") == 1


def test_each_fragment_is_quoted_once_per_section(coded):
    coded.report(ReportOptions(coder="anna"), "md")
    path = own(coded, "agressie-en-spanning")
    path.write_text("[[citaten agressie-spanning]]\n\n[[citaten agressie-en-spanning]]\n", encoding="utf-8")
    text = coded.report(ReportOptions(coder="anna"), "md").read_text(encoding="utf-8")
    section = text.split("## 1.2 ")[1].split("\n## ")[0]
    assert section.count("> *“") == 3  # two on spanning, then only the bedreiging one is new
    assert section.count("balie te schreeuwen") == 1


def test_bad_placeholders_are_named_by_file_and_line_and_marked_in_the_report(coded, cli):
    coded.report(ReportOptions(coder="anna"), "md")
    path = own(coded, "werkdruk")
    path.write_text("Eerst wat tekst.\n\n[[citaten werkdrukk]]\n\n[[citaat 99999]]\n\n[[tellen]]\n\n"
                    "Hier staat [[telling]] midden in een zin.\n", encoding="utf-8")
    found = coded.check_report(ReportOptions(coder="anna"))
    messages = {(p.line, p.message) for p in found.warnings if p.path == path}
    assert any(line == 3 and message.startswith("unknown code 'werkdrukk' (did you mean werkdruk")
               for line, message in messages)
    assert (5, "there is no coding 99999 (it may have been removed)") in messages
    assert (7, "unknown placeholder [[tellen]]") in messages
    assert (9, "a placeholder inside a line of text is not filled") in messages
    text = coded.report(ReportOptions(coder="anna"), "md").read_text(encoding="utf-8")
    assert re.search(r"\*\*\\\[qcode: \\\[\\\[citaten werkdrukk\\\]\\\] – onbekende code ‘werkdrukk’ "
                     r"\(werkdruk\\\.md, regel 3\)\\\]\*\*", text)
    assert "codering 99999 bestaat niet \\(meer\\) (werkdruk\\.md, regel 5)" in text
    result = cli("--project", str(coded.root), "report", "--coder", "anna", "-o", str(coded.root / "r.md"), project=False)
    assert result.exit_code == 0
    assert "exports/tekst/werkdruk.md:3: unknown code 'werkdrukk'" in " ".join(result.output.split())


def test_a_removed_coding_is_reported_where_its_quote_stood(coded):
    target = fragment(coded, "U05", "Ik zat in schaal 8")
    picked = coding_id(coded, target, "erkenning-salaris")
    coded.report(ReportOptions(coder="anna"), "md")
    own(coded, "erkenning").write_text(f"Over geld:\n\n[[citaat {picked}]]\n", encoding="utf-8")
    assert "schaal 8" in coded.report(ReportOptions(coder="anna"), "md").read_text(encoding="utf-8")
    coded.unassign(target, ["erkenning-salaris"], "anna")
    text = coded.report(ReportOptions(coder="anna"), "md").read_text(encoding="utf-8")
    section = text.split("Over geld:")[1].split("\n#")[0]
    assert "schaal 8" not in section and f"codering {picked} bestaat niet \\(meer\\)" in section


def test_an_own_text_from_before_placeholders_keeps_working(coded):
    """Today's own texts are prose that went before the counts and quotes: they still do, with a note."""
    path = own(coded, "agressie-en-spanning")
    path.parent.mkdir(parents=True)
    path.write_text("<!-- Eigen tekst bij 'Agressie'. Schrijf hieronder. -->\nAgressie kwam vaak ter sprake.\n",
                    encoding="utf-8")
    text = coded.report(ReportOptions(coder="anna"), "md").read_text(encoding="utf-8")
    section = text.split("## 1.2 ")[1].split("\n## ")[0]
    assert section.index("Agressie kwam vaak ter sprake.") < section.index("twee van de vier") \
        < section.index("### Voortdurende spanning en conflict") < section.index("balie te schreeuwen")
    found = coded.check_report(ReportOptions(coder="anna"))
    assert any(p.path == path and "has no placeholders" in p.message for p in found.warnings)
    # a draft whose placeholders were all removed is the researcher's choice: prose only
    drafted = own(coded, "werkdruk").read_text(encoding="utf-8")
    own(coded, "werkdruk").write_text(drafted.split("-->")[0] + "-->\nWerkdruk speelt nauwelijks.\n", encoding="utf-8")
    text = coded.report(ReportOptions(coder="anna"), "md").read_text(encoding="utf-8")
    werkdruk = text.split("Werkdruk speelt nauwelijks.")[1].split("\n## ")[0]
    assert "deelnemers" not in werkdruk


def test_check_lists_placeholders_and_warnings_and_writes_nothing(coded, cli):
    exports = coded.root / "exports"
    result = cli("--project", str(coded.root), "report", "--coder", "anna", "--check", project=False)
    assert result.exit_code == 0, result.output
    assert not exports.exists()
    said = " ".join(result.output.split())
    assert "exports/tekst/agressie-en-spanning.md (new" in said
    assert "[[telling]] → Voor twee van de vier deelnemers was dit de belangrijkste reden" in said
    assert re.search(r"\[\[citaten agressie-spanning\]\] → 2 quotes: #\d+ U0[57], #\d+ U0[57]", said)
    result = cli("--project", str(coded.root), "report", "--coder", "anna", "--check", "--json", project=False)
    data = json.loads(result.output)
    assert not exports.exists()
    uses = {(u["file"], u["placeholder"]): u for u in data["placeholders"]}
    assert uses[("exports/tekst/erkenning.md", "[[telling]]")]["result"].startswith("Voor één van de vier deelnemers")
    assert data["warnings"] == [] and "exports/tekst/_conclusie.md" in data["new_files"]
    assert cli("--project", str(coded.root), "report", "--json", project=False).exit_code == 1  # --json goes with --check


# -- honest warnings ----------------------------------------------------------------------------
def test_a_half_coded_report_says_so_on_screen_in_check_and_at_the_top(coded, cli):
    """eva has looked at two fragments of one interview: the chapter opens with a draft note, in Word too."""
    import docx

    first = fragment(coded, "U01", "De belangrijkste reden was dat ik niet verder kon groeien")
    coded.assign(first, ["doorgroei-plafond"], "eva", main=True)
    coded.mark_seen(fragment(coded, "U01", "Daartussen zat niks"), "eva")
    total = coded.status().participant_fragments
    expected = f"eva has seen 2 of {total} participant fragments, in 1 of 4 interviews: counts cover only those"
    found = coded.check_report(ReportOptions(coder="eva"))
    assert found.warnings[0].message == expected
    result = cli("--project", str(coded.root), "report", "--coder", "eva", "--format", "docx", project=False)
    assert result.exit_code == 0 and expected in " ".join(result.output.split())
    paragraphs = [p.text for p in docx.Document(str(coded.root / "exports" / "rapport.docx")).paragraphs]
    assert paragraphs[0].startswith("Concept: eva heeft twee van de ") and "in één van de vier interviews" in paragraphs[0]
    text = coded.report(ReportOptions(coder="eva"), "md").read_text(encoding="utf-8")
    assert text.startswith("**Concept\\: eva heeft twee van de")
    # anna has seen every participant fragment: no note anywhere
    assert not coded.report(ReportOptions(coder="anna"), "md").read_text(encoding="utf-8").startswith("**Concept")
    assert not any("has seen" in p.message for p in coded.check_report(ReportOptions(coder="anna")).warnings)


def test_more_than_one_main_reason_is_named_by_participant_and_code(coded, cli):
    coded.assign(fragment(coded, "U05", "stond er een man aan de balie te schreeuwen"), ["agressie-spanning"], "anna",
                 main=True)
    found = coded.check_report(ReportOptions(coder="anna"))
    messages = [p.message for p in found.warnings]
    assert "U05 has 2 main reasons in anna's codings: agressie-spanning, erkenning-salaris" in messages
    assert not any(m.startswith(("U01", "U06", "U07")) for m in messages)
    result = cli("--project", str(coded.root), "report", "--coder", "anna", "--check", project=False)
    assert "U05 has 2 main reasons" in result.output


def test_an_unknown_attribute_is_refused_with_the_known_ones(coded, cli):
    result = cli("--project", str(coded.root), "report", "--coder", "anna", "--attribute", "functie,age",
                 project=False)
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "no participant has the attribute 'functie'" in said
    assert "known attributes: age, destination, former_role" in said
    assert not (coded.root / "exports").exists()


def test_quote_sheets_attribute_quotes_as_the_report_does(coded, tmp_path):
    import csv

    import docx

    def sheet_rows() -> dict[str, dict]:
        with (tmp_path / "citaten.csv").open(encoding="utf-8-sig", newline="") as handle:
            return {row["participant"]: row for row in csv.DictReader(handle)}

    # four participants: every attribution fits one, so by default both print the participant's code
    coded.export_quotes(tmp_path / "citaten.csv", coder="anna", attributes=("former_role", "age"))
    assert sheet_rows()["U01"]["attribution"] == "U01"
    assert (sheet_rows()["U01"]["former_role"], sheet_rows()["U01"]["age"]) == ("", "")
    text = coded.report(ReportOptions(coder="anna", attributes=("former_role", "age")), "md").read_text(encoding="utf-8")
    assert "> – U01" in text and "> – jongerenwerker" not in text
    coded.export_quotes(tmp_path / "citaten.csv", coder="anna", attributes=("former_role", "age"),
                        coarsen_attributions=False)
    assert sheet_rows()["U01"]["attribution"] == "jongerenwerker, 29 jaar"
    text = coded.report(ReportOptions(coder="anna", attributes=("former_role", "age"), coarsen_attributions=False),
                        "md").read_text(encoding="utf-8")
    assert "> – jongerenwerker, 29 jaar" in text
    coded.export_quotes(tmp_path / "citaten.docx", coder="anna", attributes=("former_role", "age"),
                        coarsen_attributions=False)
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "citaten.docx")).paragraphs]
    assert any(p.startswith("“De belangrijkste reden was dat ik niet verder kon groeien") and
               p.endswith("” – jongerenwerker, 29 jaar") for p in paragraphs)
    with pytest.raises(UsageError, match="no participant has the attribute 'functie'") as refused:
        coded.export_quotes(tmp_path / "fout.xlsx", coder="anna", attributes=("functie",))
    assert "known attributes: age, destination, former_role" in str(refused.value)
    assert not (tmp_path / "fout.xlsx").exists()


def test_a_long_quote_is_named_where_it_is_placed(coded):
    long_answer = fragment(coded, "U01", "De belangrijkste reden was dat ik niet verder kon groeien")
    coded.conn.execute("UPDATE fragments SET text = text || ? WHERE id = ?", (" En verder." * 60, long_answer))
    found = coded.check_report(ReportOptions(coder="anna"))
    [warning] = [p for p in found.warnings if "more than 120" in p.message]
    assert warning.path == own(coded, "doorgroeimogelijkheden") and "U01" in warning.message


def test_counts_option_sets_the_default_and_placeholders_override_it(cli, tmp_path):
    """Twelve example participants: soft words by default, exact with --counts exact, [[telling zacht]] wins."""
    from qcode.render import dutch

    study = Project.init(tmp_path / "studie")
    study.load_codebook(REPO / "codebooks/exitstudie.yaml")
    study.import_paths([TRANSCRIPTS])
    for found in study.fragments(role="participant"):
        study.mark_seen(found.id, "anna")
    for participant in ("U01", "U03", "U10", "U11"):
        first = next(f for f in study.fragments(participant=participant, role="participant"))
        study.assign(first.id, ["doorgroei-plafond"], "anna", main=True)
    study.close()
    soft, exact = (dutch.count_sentence(4, 4, 12, counts=style) for style in ("soft", "exact"))
    assert soft != exact
    run = lambda *more: cli("--project", str(tmp_path / "studie"), "report", "--coder", "anna", *more,  # noqa: E731
                            project=False)
    assert run().exit_code == 0
    report = tmp_path / "studie" / "exports" / "rapport.md"
    assert soft in report.read_text(encoding="utf-8")
    assert run("--counts", "exact").exit_code == 0 and exact in report.read_text(encoding="utf-8")
    (tmp_path / "studie" / "exports" / "tekst" / "doorgroeimogelijkheden.md").write_text("[[telling zacht]]\n",
                                                                                    encoding="utf-8")
    assert run("--counts", "exact").exit_code == 0 and soft in report.read_text(encoding="utf-8")
    bad = run("--counts", "ongeveer")
    assert bad.exit_code == 1 and "counts must be soft or exact" in bad.output
