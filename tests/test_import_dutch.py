"""Transcripts as Dutch researchers have them (issue 13, §2), through the CLI on real files:
Dutch labels, transcription services' layouts, unsettled interviewers, duplicates, Dutch sheet
headers, codings sheets met in a folder, and code ids as researchers write them."""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import DATA, REPO
from qcode.readers.labels import INTERVIEWER_LABELS, PARTICIPANT_LABELS

SERVICES = DATA / "services"


def flat(output: str) -> str:
    return " ".join(output.split())


def init(cli) -> None:
    assert cli("init", str(cli.folder), project=False).exit_code == 0


def imported(cli, *args: str) -> dict:
    result = cli("import", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def turns(cli, name: str) -> list[tuple[str, str, float | None]]:
    conn = sqlite3.connect(cli.folder / "qcode.db")
    try:
        return conn.execute("SELECT u.speaker, u.role, u.timestamp FROM turns u JOIN transcripts t ON "
                            "t.id = u.transcript_id WHERE t.name = ? ORDER BY u.number", (name,)).fetchall()
    finally:
        conn.close()


def roles(cli, name: str) -> dict[str, str]:
    return {speaker: role for speaker, role, _ in turns(cli, name)}


def bare(tmp_path: Path, name: str) -> Path:
    """One sample in a folder of its own, without the participants sheet that settles it."""
    (tmp_path / "los").mkdir(exist_ok=True)
    return Path(shutil.copy(SERVICES / name, tmp_path / "los" / name))


def services(tmp_path: Path, *, sheet: bool = True) -> Path:
    folder = Path(shutil.copytree(SERVICES, tmp_path / "services"))
    if not sheet:
        (folder / "deelnemers.csv").unlink()
    return folder


# -- labels ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, interviewer, participant", [
    ("onderzoeker.txt", "Onderzoeker", "Geïnterviewde"),
    ("o-en-g.txt", "O", "G"),
    ("q-en-a.txt", "Q", "A"),
    ("interviewster.txt", "interviewster", "Geinterviewde"),
    ("interviewer-genummerd.txt", "INTERVIEWER 1", "Respondent (R03)"),
    ("int-punt.txt", "Int.", "Resp."),
])
def test_dutch_interviewer_and_respondent_labels_are_known(cli, name, interviewer, participant):
    init(cli)
    summary = imported(cli, str(SERVICES / name))
    assert summary["new"] == 1 and summary["no_interviewer_found"] == []
    assert roles(cli, name) == {interviewer: "interviewer", participant: "participant"}
    assert len(turns(cli, name)) >= 24


def test_a_moderator_with_numbered_participants(cli):
    init(cli)
    imported(cli, str(SERVICES / "focusgroep.txt"))
    assert roles(cli, "focusgroep.txt") == {"Gespreksleider": "interviewer", "Deelnemer 1": "participant",
                                            "Deelnemer 2": "participant", "Deelnemer 3": "participant"}


def test_labels_in_any_case_with_numbers_brackets_or_a_name(cli, tmp_path):
    init(cli)
    lines = ["interviewer2: Hoe lang werkte je daar?", "Deelnemer 1: Zes jaar, bij het wijkteam.",
             "MODERATOR (Tom): En je collega's?", "deelnemer 1: Die zijn gebleven.",
             "Interviewer - Marieke: Waarom ging jij dan?", "Deelnemer 1: De werkdruk, vooral."]
    path = tmp_path / "varianten.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    imported(cli, str(path))
    assert [(s, r) for s, r, _ in turns(cli, "varianten.txt")] == [
        ("interviewer2", "interviewer"), ("Deelnemer 1", "participant"), ("MODERATOR (Tom)", "interviewer"),
        ("deelnemer 1", "participant"), ("Interviewer - Marieke", "interviewer"), ("Deelnemer 1", "participant")]


def test_a_sentence_with_a_role_word_and_a_colon_stays_words(cli, tmp_path):
    init(cli)
    path = tmp_path / "zin.txt"
    path.write_text("I: Wat zei je team?\n\nR: Mijn onderzoeker zei: stop ermee.\nOnderzoeker zei: dat kan niet.\n",
                    encoding="utf-8")
    imported(cli, str(path))
    assert [s for s, _, _ in turns(cli, "zin.txt")] == ["I", "R"]


def test_the_docs_show_the_label_lists_as_the_code_has_them():
    page = (REPO / "docs/importing.md").read_text(encoding="utf-8")
    shown = {kind: re.search(rf"^- {kind}: (.+)$", page, re.M) for kind in ("Interviewer", "Respondent")}
    assert shown["Interviewer"] and shown["Respondent"], "docs/importing.md lists the labels as '- Interviewer: …'"
    as_listed = lambda found: [label.strip(" `") for label in found.group(1).split(",")]  # noqa: E731
    assert as_listed(shown["Interviewer"]) == list(INTERVIEWER_LABELS)
    assert as_listed(shown["Respondent"]) == list(PARTICIPANT_LABELS)
    assert "docs/importing.md" in (REPO / "README.md").read_text(encoding="utf-8")


# -- transcription services --------------------------------------------------------------------

def test_otter_headings_with_the_words_below(cli):
    init(cli)
    imported(cli, str(SERVICES / "otter.txt"), "--interviewer", "Sanne Visser")
    found = turns(cli, "otter.txt")
    assert len(found) == 32
    assert found[:3] == [("Sanne Visser", "interviewer", 3.0), ("Ruben de Wit", "participant", 12.0),
                         ("Sanne Visser", "interviewer", 38.0)]
    text = fragments(cli, "otter.txt")
    assert text[1] == ("Ruben de Wit", "Ik was zeven jaar maatschappelijk werker in een sociaal wijkteam, "
                                       "vooral met gezinnen met schulden.")


def test_a_heading_with_words_after_its_colon_and_a_lone_time_inside_an_answer(cli, tmp_path):
    init(cli)
    path = tmp_path / "rev.txt"
    path.write_text("Interviewer (00:03): Hoe laat begon je dienst?\n\n"
                    "Tom Dekker (00:09):\nMeestal om half negen. Maar de overdracht was\nOm 10:30\n"
                    "en daarna gingen we de wijk in.\n\n"
                    "Interviewer (00:41): En de avonden?\n\nTom Dekker (00:47): Twee keer per week.\n",
                    encoding="utf-8")
    imported(cli, str(path))
    assert turns(cli, "rev.txt") == [("Interviewer", "interviewer", 3.0), ("Tom Dekker", "participant", 9.0),
                                     ("Interviewer", "interviewer", 41.0), ("Tom Dekker", "participant", 47.0)]
    assert fragments(cli, "rev.txt")[1][1] == ("Meestal om half negen. Maar de overdracht was Om 10:30 en daarna "
                                               "gingen we de wijk in.")


def fragments(cli, name: str) -> list[tuple[str, str]]:
    result = cli("fragments", "--json", "--transcript", name)
    return [(f["speaker"], f["text"]) for f in json.loads(result.output)]


def test_amberscript_time_after_the_label_and_a_title_above(cli):
    init(cli)
    imported(cli, str(SERVICES / "amberscript.txt"))
    found = turns(cli, "amberscript.txt")
    assert len(found) == 30 and found[0] == ("Interviewer", "interviewer", 3.0)
    assert {s: r for s, r, _ in found} == {"Interviewer": "interviewer", "Respondent": "participant"}
    conn = sqlite3.connect(cli.folder / "qcode.db")
    assert conn.execute("SELECT preamble FROM transcripts").fetchone()[0] == "Exitinterview 14 - transcriptie Amberscript"


def test_amberscript_time_before_the_label_with_wrapped_words(cli):
    init(cli)
    imported(cli, str(SERVICES / "amberscript-tijd-eerst.txt"), "--interviewer", "Spreker 1")
    found = turns(cli, "amberscript-tijd-eerst.txt")
    assert len(found) == 30 and found[:2] == [("Spreker 1", "interviewer", 3.0), ("Spreker 2", "participant", 11.0)]
    answer = fragments(cli, "amberscript-tijd-eerst.txt")[3]
    assert answer == ("Spreker 2", "Begripvol. Twee van hen zijn zelf ook aan het solliciteren, dat zegt "
                                   "eigenlijk genoeg.")  # a wrapped line joined to its paragraph


def test_teams_word_export_name_and_time_then_the_words(cli):
    init(cli)
    imported(cli, str(SERVICES / "teams-export.docx"), "--interviewer", "Marieke Jansen")
    found = turns(cli, "teams-export.docx")
    assert len(found) == 30
    assert found[:2] == [("Marieke Jansen", "interviewer", 3.0), ("Lotte van Dijk", "participant", 11.0)]
    assert fragments(cli, "teams-export.docx")[0][1].endswith("?")


def test_teams_older_word_download_timing_name_and_words_per_cue(cli):
    init(cli)
    imported(cli, str(SERVICES / "teams-cues.docx"))  # the sheet names Marieke Jansen
    found = turns(cli, "teams-cues.docx")
    assert len(found) == 26 and [s for s, _, _ in found[:2]] == ["Marieke Jansen", "Youssef El Amrani"]
    assert found[0][1:] == ("interviewer", pytest.approx(3.111)) and found[1][1] == "participant"
    # an answer over two cues is one turn and one paragraph, no timing or name left in the words
    answer = fragments(cli, "teams-cues.docx")[3]
    assert answer == ("Youssef El Amrani", "Nieuwe collega's vertrokken vaak binnen een jaar. Ervaren collega's "
                                           "bleven, maar werden steeds stiller.")
    assert not any("-->" in text for _, text in fragments(cli, "teams-cues.docx"))


def test_teams_cues_pasted_into_a_text_file(cli, tmp_path):
    init(cli)
    path = tmp_path / "teams-plak.txt"
    path.write_text("Transcript\n\n0:0:0.0 --> 0:0:4.520\nMarieke Jansen\nGoedemiddag, fijn dat je er bent.\n\n"
                    "0:0:5.100 --> 0:0:9.800\nMarieke Jansen\nKun je iets over jezelf vertellen?\n\n"
                    "0:0:10.200 --> 0:0:15.000\nKarin de Groot\nJa hoor. Ik was tien jaar jongerenwerker\n\n"
                    "0:0:15.100 --> 0:0:19.000\nKarin de Groot\nin twee wijken in het oosten.\n", encoding="utf-8")
    imported(cli, str(path), "--interviewer", "Marieke Jansen")
    assert turns(cli, "teams-plak.txt") == [("Marieke Jansen", "interviewer", 0.0), ("Karin de Groot", "participant", 10.2)]
    assert fragments(cli, "teams-plak.txt") == [
        ("Marieke Jansen", "Goedemiddag, fijn dat je er bent. Kun je iets over jezelf vertellen?"),
        ("Karin de Groot", "Ja hoor. Ik was tien jaar jongerenwerker in twee wijken in het oosten.")]


def test_zoom_vtt_names_inside_the_cues(cli):
    init(cli)
    imported(cli, str(SERVICES / "zoom.vtt"), "--interviewer", "Marieke Jansen", "--interviewer", "Eva de Boer")
    found = turns(cli, "zoom.vtt")
    assert len(found) == 29
    assert {s: r for s, r, _ in found} == {"Marieke Jansen": "interviewer", "Eva de Boer": "interviewer",
                                           "Thomas Bakker": "participant"}
    assert found[1] == ("Thomas Bakker", "participant", 11.0)
    # the answer split over two cues is one turn, the label of the second cue gone
    assert fragments(cli, "zoom.vtt")[1] == ("Thomas Bakker", "Voor het werk dat je doet is het te weinig. Met een "
                                                               "hbo-opleiding en tien jaar ervaring zat ik in schaal negen.")


def test_srt_with_names(cli):
    init(cli)
    imported(cli, str(SERVICES / "ondertitels.srt"))
    found = turns(cli, "ondertitels.srt")
    assert len(found) == 28 and found[:2] == [("Interviewer", "interviewer", 3.0), ("Deelnemer", "participant", 12.0)]
    conn = sqlite3.connect(cli.folder / "qcode.db")
    assert conn.execute("SELECT format FROM transcripts").fetchone()[0] == "srt"


def test_srt_without_speakers_is_one_voice_and_asks(cli, tmp_path):
    init(cli)
    path = bare(tmp_path, "zonder-sprekers.srt")
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert "zonder-sprekers.srt: no speaker names in the file" in flat(result.output)
    [(speaker, role, stamp)] = turns(cli, "zonder-sprekers.srt")
    assert (speaker, role, stamp) == ("Spreker", "participant", 3.0)
    paragraphs = [text for _, text in fragments(cli, "zonder-sprekers.srt")]
    assert paragraphs[:2] == ["Werd je werk gewaardeerd?",
                              "Door cliënten wel, door de organisatie weinig. Complimenten kwamen alleen als de "
                              "cijfers klopten."]  # cues joined within a stretch of speech, apart after a pause
    assert "zonder-sprekers.srt" in flat(cli("status").output)
    imported(cli, str(path), "--no-interviewer")
    assert "zonder-sprekers.srt" not in flat(cli("status").output)


# -- interviewers nobody named -----------------------------------------------------------------

def test_several_speakers_and_no_interviewer_are_listed_until_settled(cli, tmp_path):
    init(cli)
    folder = services(tmp_path, sheet=False)
    result = cli("import", str(folder))
    assert result.exit_code == 0, result.output
    shown = flat(result.output)
    assert "No interviewer found in 8 transcripts" in shown
    for line in ("otter.txt: Sanne Visser, Ruben de Wit", "otter-sprekers.txt: Speaker 1, Speaker 2",
                 "zoom.vtt: Marieke Jansen, Thomas Bakker, Eva de Boer", "namen.txt: Sanne, Pieter",
                 "teams-export.docx: Marieke Jansen, Lotte van Dijk", "amberscript-tijd-eerst.txt: Spreker 1, Spreker 2",
                 "teams-cues.docx: Marieke Jansen, Youssef El Amrani",
                 "zonder-sprekers.srt: no speaker names in the file"):
        assert line in shown
    assert "--interviewer" in shown and "--no-interviewer" in shown
    status = json.loads(cli("status", "--json").output)
    assert [u["transcript"] for u in status["unsettled"]] == [
        "amberscript-tijd-eerst.txt", "namen.txt", "otter-sprekers.txt", "otter.txt", "teams-cues.docx",
        "teams-export.docx", "zonder-sprekers.srt", "zoom.vtt"]
    assert "without an interviewer" in flat(cli("status").output)

    # named on re-import: that transcript is settled and its interviewer's turns are no longer quotable
    imported(cli, str(folder / "namen.txt"), "--interviewer", "sanne")
    assert roles(cli, "namen.txt") == {"Sanne": "interviewer", "Pieter": "participant"}
    # a group talk without an interviewer: said so once, and not asked again on a plain re-import
    imported(cli, str(folder / "otter.txt"), "--no-interviewer")
    assert imported(cli, str(folder / "otter.txt"))["no_interviewer_found"] == []
    left = [u["transcript"] for u in json.loads(cli("status", "--json").output)["unsettled"]]
    assert "namen.txt" not in left and "otter.txt" not in left and len(left) == 6


def test_the_participants_sheet_settles_interviewers_and_none(cli, tmp_path):
    init(cli)
    summary = imported(cli, str(services(tmp_path)))
    assert summary["new"] == 17 and summary["no_interviewer_found"] == []
    assert json.loads(cli("status", "--json").output)["unsettled"] == []
    assert roles(cli, "zoom.vtt")["Eva de Boer"] == "interviewer"
    assert roles(cli, "otter-sprekers.txt") == {"Speaker 1": "interviewer", "Speaker 2": "participant"}
    conn = sqlite3.connect(cli.folder / "qcode.db")
    settled = dict(conn.execute("SELECT name, interviewer_settled FROM transcripts"))
    assert settled["zonder-sprekers.srt"] == "none" and settled["zoom.vtt"] == "named"
    assert settled["onderzoeker.txt"] == "label"
    attributes = json.loads(conn.execute("SELECT attributes FROM participants WHERE id = 'D05'").fetchone()[0])
    assert attributes == {"Leeftijd": 52, "Functie": "sociaal raadslid"}


def test_an_interviewer_named_who_does_not_speak_is_said(cli, tmp_path):
    init(cli)
    result = cli("import", str(bare(tmp_path, "namen.txt")), "--interviewer", "Marieke")
    assert "namen.txt: Sanne, Pieter (--interviewer Marieke: not a speaker here)" in flat(result.output)


def test_a_named_interviewer_keeps_the_known_labels(cli, tmp_path):
    init(cli)
    folder = tmp_path / "map"
    folder.mkdir()
    shutil.copy(SERVICES / "namen.txt", folder)
    shutil.copy(SERVICES / "o-en-g.txt", folder)
    imported(cli, str(folder), "--interviewer", "Sanne")
    assert roles(cli, "o-en-g.txt") == {"O": "interviewer", "G": "participant"}
    assert roles(cli, "namen.txt") == {"Sanne": "interviewer", "Pieter": "participant"}


# -- duplicates ----------------------------------------------------------------------------------

def test_the_same_interview_under_another_name_is_refused(cli, tmp_path):
    init(cli)
    imported(cli, str(SERVICES / "onderzoeker.txt"))
    copy = tmp_path / "U13-kopie.txt"
    copy.write_bytes((SERVICES / "onderzoeker.txt").read_bytes().replace(b"\n", b"\r\n"))  # re-saved in Word
    result = cli("import", str(copy))
    assert result.exit_code == 1
    shown = flat(result.output)
    assert "U13-kopie.txt: the same interview as onderzoeker.txt" in shown and "--allow-duplicate" in shown
    assert json.loads(cli("status", "--json").output)["participants"] == 1
    assert imported(cli, str(copy), "--allow-duplicate")["new"] == 1


def test_two_copies_in_one_import_are_refused_together(cli, tmp_path):
    init(cli)
    folder = tmp_path / "map"
    folder.mkdir()
    shutil.copy(SERVICES / "q-en-a.txt", folder / "P01.txt")
    relabelled = (SERVICES / "q-en-a.txt").read_text(encoding="utf-8").replace("Q: ", "I: ").replace("A: ", "R: ")
    (folder / "P02.txt").write_text(relabelled, encoding="utf-8")  # other labels, the same words
    result = cli("import", str(folder))
    assert result.exit_code == 1 and "P02.txt: the same interview as P01.txt" in flat(result.output)
    assert json.loads(cli("status", "--json").output)["transcripts"] == 0


def test_reimporting_the_same_file_is_no_duplicate(cli):
    init(cli)
    imported(cli, str(SERVICES / "onderzoeker.txt"))
    assert imported(cli, str(SERVICES / "onderzoeker.txt"))["unchanged"] == 1


# -- participants sheet ------------------------------------------------------------------------

def test_sheet_headers_in_any_case_and_in_dutch(cli, tmp_path):
    init(cli)
    folder = tmp_path / "map"
    folder.mkdir()
    shutil.copy(SERVICES / "namen.txt", folder / "gesprek-a.txt")
    (folder / "participants.csv").write_text("DEELNEMER,Transcript,INTERVIEWER,Leeftijd\nP07,gesprek-a.txt,Sanne,40\n",
                                             encoding="utf-8")
    imported(cli, str(folder))
    assert roles(cli, "gesprek-a.txt") == {"Sanne": "interviewer", "Pieter": "participant"}
    assert json.loads(cli("status", "--json").output)["participants"] == 1


def test_an_unknown_header_names_the_accepted_ones_once_naming_the_sheet(cli, tmp_path):
    init(cli)
    folder = tmp_path / "map"
    folder.mkdir()
    for name in ("namen.txt", "o-en-g.txt", "q-en-a.txt"):
        shutil.copy(SERVICES / name, folder)
    (folder / "deelnemers.csv").write_text("naam;file;leeftijd\nP1;namen.txt;30\n", encoding="utf-8")
    result = cli("import", str(folder))
    assert result.exit_code == 1
    shown = flat(result.output)
    assert shown.count("no participant column") == 1 and "deelnemers.csv (row 1)" in shown
    for accepted in ("'participant'", "'deelnemer'", "'transcript'", "'bestand'", "'interviewer'", "'onderzoeker'"):
        assert accepted in shown
    assert "not imported" in shown and f"{folder}:" not in shown  # the sheet is named, not the folder


def test_two_columns_naming_the_participant_are_refused(cli, tmp_path):
    init(cli)
    folder = tmp_path / "map"
    folder.mkdir()
    shutil.copy(SERVICES / "namen.txt", folder)
    (folder / "participants.csv").write_text("participant,Deelnemer\nP1,P2\n", encoding="utf-8")
    result = cli("import", str(folder))
    assert result.exit_code == 1 and "columns 'participant' and 'Deelnemer' both name the participant" in flat(result.output)


# -- codings sheets in a folder --------------------------------------------------------------------

def test_a_codings_sheet_in_a_folder_is_named_as_one(cli, tmp_path):
    init(cli)
    folder = tmp_path / "map"
    (folder / "codering").mkdir(parents=True)
    shutil.copy(SERVICES / "onderzoeker.txt", folder)
    shutil.copy(REPO / "transcripts/codings/anna.csv", folder / "codering/anna.csv")  # qcode's own layout
    (folder / "codering/handmatig.csv").write_text("Fragment;Code;Opmerking\n12;werkdruk;\n", encoding="utf-8")
    (folder / "enquete.csv").write_text("respondent;code;tekst\n1;A7;Te veel registratie.\n", encoding="utf-8")
    (folder / "vragen.csv").write_text("Vraag;Tekst\nV12;Wat zou u doen als minister?\n", encoding="utf-8")
    result = cli("import", str(folder))
    assert result.exit_code == 0, result.output
    shown = flat(result.output)
    assert "anna.csv (a codings sheet: import it with qcode codings import" in shown
    assert "handmatig.csv (a codings sheet: import it with qcode codings import" in shown
    assert "enquete.csv (a sheet: import survey answers with --id-column and --text-column)" in shown
    assert "vragen.csv (a questions sheet: give it with --questions when importing the survey answers)" in shown


def test_a_codings_sheet_named_for_import_says_which_command_reads_it(cli):
    init(cli)
    result = cli("import", str(REPO / "transcripts/codings/anna.csv"))
    assert result.exit_code == 1
    assert "this is a codings sheet" in flat(result.output) and "qcode codings import" in flat(result.output)


# -- code ids -------------------------------------------------------------------------------------

CODEBOOK = """\
name: Exitstudie
version: 1
codes:
  - id: steun.gebrek
    label: Gebrek aan steun
    codes:
      - id: eigen_acties
        label: Eigen acties
      - id: Werkdruk-2
        label: Werkdruk
"""


def test_code_ids_as_researchers_write_them(cli, tmp_path):
    init(cli)
    path = tmp_path / "codes.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    result = cli("codebook", "load", str(path))
    assert result.exit_code == 0, result.output
    shown = cli("codebook", "show", "--ids").output
    assert "steun.gebrek" in shown and "eigen_acties" in shown and "Werkdruk-2" in shown


def test_every_codebook_problem_in_one_go(cli, tmp_path):
    init(cli)
    path = tmp_path / "codes.yaml"
    path.write_text(CODEBOOK + "  - id: steun.gebrek\n    label: Nog eens\n  - id: werkdruk-2\n    label: Hoofdletter\n"
                    "  - id: 'fout id'\n    label: Spatie\n  - id: geen-label\n", encoding="utf-8")
    result = cli("codebook", "load", str(path))
    assert result.exit_code == 1
    shown = flat(result.output)
    assert "codes.yaml:11: code id 'steun.gebrek' appears twice (first on line 4)" in shown
    assert "codes.yaml:13: code id 'werkdruk-2' differs from 'Werkdruk-2' (line 9) only in case" in shown
    assert "code id 'fout id' is not a valid id" in shown
    assert "field 'label' is missing" in shown


# -- the migration ----------------------------------------------------------------------------------

def test_a_project_made_before_the_interviewer_step_gets_it(cli, tmp_path):
    """The interviewer step settles what the turns show and hashes the stored words as the importer does."""
    from qcode.db import MIGRATIONS
    init(cli)
    folder = tmp_path / "map"
    folder.mkdir()
    for name in ("namen.txt", "o-en-g.txt", "zoom.vtt"):
        shutil.copy(SERVICES / name, folder)
    imported(cli, str(folder))
    conn = sqlite3.connect(cli.folder / "qcode.db")
    with conn:  # the transcripts as a qcode before the step stored them, then the step itself
        after = dict(conn.execute("SELECT name, words_hash FROM transcripts"))
        step = next(step for name, step in MIGRATIONS if name.endswith("_interviewer_settled"))
        conn.execute("DROP INDEX transcripts_words_hash")
        conn.execute("ALTER TABLE transcripts DROP COLUMN interviewer_settled")
        conn.execute("ALTER TABLE transcripts DROP COLUMN words_hash")
        step(conn)
    conn.close()
    status = json.loads(cli("status", "--json").output)
    assert [u["transcript"] for u in status["unsettled"]] == ["namen.txt", "zoom.vtt"]
    assert status["unsettled"][1]["speakers"] == ["Marieke Jansen", "Thomas Bakker", "Eva de Boer"]
    conn = sqlite3.connect(cli.folder / "qcode.db")
    assert dict(conn.execute("SELECT name, words_hash FROM transcripts")) == after
    assert dict(conn.execute("SELECT name, interviewer_settled FROM transcripts"))["o-en-g.txt"] == "label"
    conn.close()
    shutil.copy(SERVICES / "namen.txt", tmp_path / "hernoemd.txt")
    assert "the same interview as namen.txt" in flat(cli("import", str(tmp_path / "hernoemd.txt")).output)


def test_the_oldest_project_opens_with_its_interviewers_settled(tmp_path):
    from qcode import Project
    folder = Path(shutil.copytree(DATA / "schema-0001", tmp_path / "oud"))
    with Project.open(folder) as project:
        assert project.status().unsettled == []
        assert project.conn.execute("SELECT COUNT(*) FROM transcripts WHERE words_hash IS NULL "
                                    "AND format != 'survey'").fetchone()[0] == 0
