"""Issue 15's core: anonimiseren.yaml, the detectors, stored findings and decisions, the Pseudonymiser.

Every transcript here is written for these tests (synthetic people, organisations and numbers)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcode import Project
from qcode.anonymise import (CATEGORIES, AnonymiseSettings, Identifier, Pseudonymiser, decide, identifiers,
                             load_settings, pseudonymiser, scan)
from qcode.anonymise.detect import detect
from qcode.anonymise.pseudonymise import Replaced
from qcode.anonymise.store import known_names
from qcode.errors import AnonymiseSettingsError, UsageError

EXIT_INTERVIEW = """\
I: Waar werkte je hiervoor?

R: Ik werkte zes jaar bij Stichting Welzijn Noordwest, eerst in het wijkteam Kanaalzone. De gemeente Lelystad had het werk aanbesteed. Mijn teamleider Yvonne deed haar best, maar Yvonne had zelf ook te veel op haar bord.

I: En hoe ging het met de scholen?

R: Ik was vaak op basisschool De Klimop en op het Meridiaan College. Met Jeugdzorg Flevoland en de GGD Flevoland hadden we elke maand overleg. Ik ben negenentwintig, dus ik was jong voor zo'n functie.

R: Yvonne's opvolger kwam uit de wijk Waterwijk. Mijn nummer stond overal: 06-23456789, en mailen kon via yvonne.dekker@welzijnnoordwest.nl.
"""

VTT = """WEBVTT

00:00:01.000 --> 00:00:05.000
<v Hanneke Smit>Goedemiddag, fijn dat je er bent. Vertel eens.

00:00:06.000 --> 00:00:14.000
<v Joost Verbeek>Ik werkte bij woningcorporatie Groenwonen. Hanneke weet dat, zij heeft me toen gebeld.

00:00:15.000 --> 00:00:20.000
<v Joost Verbeek>Mijn collega Ilse van Dam zat in buurt De Akkers, in de gemeente Dronten.
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def study(tmp_path: Path) -> Project:
    """A project with a text transcript (codes as participants) and a VTT with named speakers."""
    folder = tmp_path / "transcripts"
    write(folder, "U21.txt", EXIT_INTERVIEW)
    write(folder, "U22.vtt", VTT)
    write(folder, "participants.csv", "participant,transcript,interviewer,leeftijd\n"
                                      "U21,U21.txt,,29\nU22,U22.vtt,Hanneke Smit,51\n")
    with Project.init(tmp_path / "studie") as project:
        project.import_paths([folder])
        yield project


def texts(findings) -> list[tuple[str, str]]:
    return [(f.text, f.category) for f in findings]


# -- the patterns ------------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence, expected", [
    ("Ik werkte bij Stichting Welzijn Noordwest.", [("Stichting Welzijn Noordwest", "organisatie")]),
    ("Daarna zat ik in het buurtteam Zeeheldenkwartier.", [("buurtteam Zeeheldenkwartier", "organisatie"), ("Zeeheldenkwartier", "wijk")]),
    ("De gemeente Zoetermeer betaalde het.", [("gemeente Zoetermeer", "gemeente"), ("Zoetermeer", "gemeente")]),
    ("Ik gaf les op basisschool Het Kompas.", [("basisschool Het Kompas", "school")]),
    ("Zij studeerde aan het Friesland College.", [("Friesland College", "school")]),
    ("Ze zat op de Vlinderschool, vlak bij huis.", [("Vlinderschool", "school")]),
    ("We belden Jeugdzorg Gelderland en de GGZ Rivierduinen.",
     [("Jeugdzorg Gelderland", "organisatie"), ("GGZ Rivierduinen", "organisatie")]),
    ("Woningcorporatie De Woonmensen deed niets.", [("Woningcorporatie De Woonmensen", "organisatie")]),
    ("In de wijk Spoorzone was het onrustig.", [("wijk Spoorzone", "wijk"), ("Spoorzone", "wijk")]),
    ("Ik woonde op de Populierenlaan 48b, 3812 KL Amersfoort.", [("Populierenlaan 48b, 3812 KL Amersfoort", "adres")]),
    ("Bel me op 06 4455 6677 of thuis op 030-2345678.", [("06 4455 6677", "telefoon"), ("030-2345678", "telefoon")]),
    ("Mijn werknummer was +31 6 98765432.", [("+31 6 98765432", "telefoon")]),
    ("Mail naar m.bakker@buurtwerk-zuid.nl als er iets is.", [("m.bakker@buurtwerk-zuid.nl", "email")]),
    ("Zie www.buurtwerkzuid.nl voor het jaarverslag.", [("www.buurtwerkzuid.nl", "website")]),
    ("Ik ben geboren op 14 februari 1991 in het ziekenhuis.", [("14 februari 1991", "datum")]),
    ("Ik ben 31 jaar en ik werk nu in de zorg.", [("31 jaar", "leeftijd")]),
    ("Toen ik tweeëntwintig was, begon ik.", [("tweeëntwintig", "leeftijd")]),
    ("Een meisje van 15 stond voor de deur.", [("15", "leeftijd")]),
    ("Als 24-jarige kreeg ik een caseload van veertig gezinnen.", [("24-jarige", "leeftijd")]),
    ("Mijn collega Dirk zei dat meteen.", [("Dirk", "persoon")]),
])
def test_patterns_find_dutch_identifiers(sentence, expected):
    assert texts(detect(sentence)) == expected


@pytest.mark.parametrize("sentence", [
    "Ik heb zes jaar bij de stichting gewerkt, de gemeente betaalde.",
    "Ik ben 12 jaar gebleven, veel te lang eigenlijk.",
    "Mijn caseload ging van 25 naar 40 gezinnen.",
    "Bij de Stichting. Ik weet het niet meer precies.",
    "Ik had het wijkteam Ik bedoel het team van de wijk.",
    "In 2019 ben ik begonnen, in maart 2023 gestopt.",
    "Ik werkte 36 uur per week, soms 40.",
])
def test_patterns_leave_ordinary_sentences_alone(sentence):
    assert detect(sentence) == []


# -- anonimiseren.yaml -------------------------------------------------------------------------------
def test_settings_are_read_from_the_project_folder(tmp_path):
    write(tmp_path, "anonimiseren.yaml", "# onze afspraken\naltijd:\n  Stichting Welzijn Noordwest: \"[organisatie]\"\n"
                                         "  Yvonne:\nnooit:\n  - Movisie\n  - Jeugdwet\n")
    settings = load_settings(tmp_path)
    assert settings == AnonymiseSettings(altijd={"Stichting Welzijn Noordwest": "[organisatie]", "Yvonne": None},
                                         nooit=["Movisie", "Jeugdwet"])
    assert load_settings(tmp_path / "elders") == AnonymiseSettings()


@pytest.mark.parametrize("content, line, words", [
    ("altijd:\n  Yvonne: \"[collega]\"\nnooit:\n  - Movisie\nsoms:\n  - Dirk\n", 5, "unknown field 'soms'"),
    ("altijd:\n  Yvonne: 12\n", 2, "the replacement of 'Yvonne' is not text"),
    ("altijd:\n  - Yvonne\n", 1, "'altijd' is a list of 'text: replacement' lines"),
    ("altijd:\n  Movisie: \"[organisatie]\"\nnooit:\n  - Jeugdwet\n  - Movisie\n", 5, "under both"),
    ("altijd:\n  Yvonne: \"[collega]\n", 3, "invalid YAML"),
    ("nooit: Movisie\n", 1, "'nooit' is a list"),
])
def test_bad_settings_are_refused_with_file_and_line(tmp_path, content, line, words):
    path = write(tmp_path, "anonimiseren.yaml", content)
    with pytest.raises(AnonymiseSettingsError) as caught:
        load_settings(tmp_path)
    problem = caught.value.problems[0]
    assert problem.path == path and problem.line == line and words in problem.message
    assert problem.hint


# -- known names -------------------------------------------------------------------------------------
def test_known_names_come_from_speakers_cues_sheets_and_front_matter(tmp_path):
    folder = tmp_path / "transcripts"
    write(folder, "gesprek.vtt", VTT)
    write(folder, "marloes.txt", "---\nparticipant: Marloes\ninterviewer_naam: Gert-Jan Bos\nfunctie: ambulant "
                                 "hulpverlener\n---\nOnderzoeker (Tessa): Hoe begon het?\n\nMarloes: Ik kwam binnen "
                                 "via een vriendin.\n\nOnderzoeker (Tessa): En toen?\n\nMarloes: Toen bleef ik.\n")
    write(folder, "R07.txt", "Interviewer: Hoe was het?\n\nRespondent: Zwaar, eerlijk gezegd.\n")
    with Project.init(tmp_path / "studie") as project:
        project.import_paths([folder])
        names = known_names(project.conn)
    assert {"Hanneke Smit", "Hanneke", "Smit", "Joost Verbeek", "Joost", "Verbeek", "Marloes", "Tessa",
            "Gert-Jan Bos", "Gert-Jan", "Bos"} <= set(names)
    assert set(names.values()) == {"persoon"}
    assert not {"Onderzoeker", "Interviewer", "Respondent", "R07", "ambulant hulpverlener"} & set(names)


# -- scanning and the stored findings ----------------------------------------------------------------
def test_scan_stores_findings_once_and_again_after_the_text_changes(study, tmp_path):
    total = study.conn.execute("SELECT COUNT(*) FROM fragments").fetchone()[0]
    seen = []
    assert scan(study, progress=lambda done, all_: seen.append((done, all_))) == total
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert scan(study) == 0
    found = {i.text: i for i in identifiers(study)}
    assert found["Yvonne"].count == 3 and found["Yvonne"].category == "persoon"  # also "Yvonne's" (deduce)
    assert len(found["Yvonne"].fragment_ids) == 2
    assert found["Stichting Welzijn Noordwest"].category == "organisatie"
    assert found["Hanneke"].sources == ("bekend",) and found["Hanneke"].decision == "always"
    assert found["Stichting Welzijn Noordwest"].decision is None
    changed = EXIT_INTERVIEW.replace("Stichting Welzijn Noordwest", "Stichting Buurtkracht")
    write(tmp_path / "transcripts", "U21.txt", changed)
    study.import_paths([tmp_path / "transcripts"])
    assert 0 < scan(study) < total
    found = {i.text for i in identifiers(study)}
    assert "Stichting Buurtkracht" in found and "Stichting Welzijn Noordwest" not in found


def test_identifiers_are_grouped_by_text_most_frequent_first(study):
    scan(study)
    listed = identifiers(study)
    assert all(isinstance(i, Identifier) for i in listed)
    assert [i.count for i in listed] == sorted((i.count for i in listed), reverse=True)
    yvonne = next(i for i in listed if i.text == "Yvonne")
    fragments = study.conn.execute("SELECT id FROM fragments WHERE text LIKE '%Yvonne%' AND text NOT LIKE "
                                   "'%yvonne.dekker%' OR text LIKE '%Yvonne''s%'").fetchall()
    assert set(yvonne.fragment_ids) <= {row[0] for row in study.conn.execute(
        "SELECT id FROM fragments WHERE text LIKE '%Yvonne%'")} and fragments
    assert "Yvonne" in {i.text for i in identifiers(study, unreviewed_only=True)}


# -- decisions -----------------------------------------------------------------------------------------
def test_decisions_are_stored_logged_and_written_to_the_settings_file(study):
    scan(study)
    path = study.root / "anonimiseren.yaml"
    path.write_text("# afspraken van het team\naltijd:\n  Dirk: \"[collega]\"  # uit het eerste gesprek\n"
                    "nooit:\n  - Jeugdwet\n", encoding="utf-8")
    decide(study, "GGD Flevoland", "never", by="sanne")
    decide(study, "Stichting Welzijn Noordwest", "always", by="sanne")
    decide(study, "Yvonne", "replace", by="sanne", replacement="[teamleider]")
    decide(study, "negenentwintig", "keep", by="sanne")
    written = path.read_text(encoding="utf-8")
    assert "# afspraken van het team" in written and "# uit het eerste gesprek" in written
    assert load_settings(study.root) == AnonymiseSettings(
        altijd={"Dirk": "[collega]", "Stichting Welzijn Noordwest": "[organisatie]"},
        nooit=["Jeugdwet", "GGD Flevoland"])
    found = {i.text: i for i in identifiers(study)}
    assert (found["Yvonne"].decision, found["Yvonne"].replacement) == ("replace", "[teamleider]")
    assert found["negenentwintig"].decision == "keep" and found["GGD Flevoland"].decision == "never"
    assert "Yvonne" not in {i.text for i in identifiers(study, unreviewed_only=True)}
    logged = [json.loads(d) for (d,) in study.conn.execute(
        "SELECT detail FROM coding_log WHERE action = 'anonymise' AND coder = 'sanne' ORDER BY id")]
    assert [entry["decision"] for entry in logged] == ["never", "always", "replace", "keep"]
    decide(study, "GGD Flevoland", "replace", by="sanne")  # a later decision takes it off the 'nooit' list
    assert load_settings(study.root).nooit == ["Jeugdwet"]


def test_a_decision_without_a_settings_file_makes_one(study):
    scan(study)
    decide(study, "Dirk", "always", by="sanne")
    assert load_settings(study.root).altijd == {"Dirk": None}
    assert (study.root / "anonimiseren.yaml").read_text(encoding="utf-8").startswith("#")


def test_a_bad_decision_or_a_broken_settings_file_changes_nothing(study):
    scan(study)
    with pytest.raises(UsageError):
        decide(study, "Yvonne", "misschien", by="sanne")
    (study.root / "anonimiseren.yaml").write_text("altijd:\n  - kapot\n", encoding="utf-8")
    with pytest.raises(AnonymiseSettingsError):
        decide(study, "Yvonne", "always", by="sanne")
    assert study.conn.execute("SELECT COUNT(*) FROM anonymise_decisions").fetchone()[0] == 0
    assert (study.root / "anonimiseren.yaml").read_text(encoding="utf-8") == "altijd:\n  - kapot\n"


# -- pseudonymising ------------------------------------------------------------------------------------
def test_the_pseudonymiser_replaces_every_identifier_with_dutch_labels(study):
    scan(study)
    replacer = pseudonymiser(study)
    text = study.conn.execute("SELECT text FROM transcripts WHERE name LIKE 'U21%'").fetchone()[0]
    out = replacer.apply(text)
    for identifier in ("Welzijn Noordwest", "Kanaalzone", "Lelystad", "Yvonne", "Klimop", "Meridiaan",
                       "Flevoland", "negenentwintig", "Waterwijk", "06-23456789", "yvonne.dekker"):
        assert identifier not in out
    assert "bij [organisatie], eerst in het [organisatie]. De [gemeente] had" in out
    assert "Mijn teamleider [naam 1] deed haar best, maar [naam 1] had" in out
    assert "[naam 1]'s opvolger kwam uit de [wijk]." in out
    assert "op [school] en op het [school]" in out
    assert "[telefoonnummer]" in out and "[e-mailadres]" in out and "Ik ben [leeftijd], dus" in out
    assert replacer.replaced["Yvonne"] == 3
    assert study.conn.execute("SELECT COUNT(*) FROM fragments WHERE text LIKE '%Yvonne%'").fetchone()[0] == 2


def test_numbering_is_per_export_and_follows_first_appearance(study):
    scan(study)
    first = pseudonymiser(study)
    assert first.apply("Hanneke belde Joost, en Joost belde Hanneke terug.") == \
        "[naam 1] belde [naam 2], en [naam 2] belde [naam 1] terug."
    assert first.apply("Joost Verbeek schreef het op.") == "[naam 2] schreef het op."
    second = pseudonymiser(study)
    assert second.apply("Joost belde.") == "[naam 1] belde."


def test_replacement_is_whole_word_longest_first_and_case_aware(study):
    scan(study)
    decide(study, "Smit", "keep", by="sanne")  # a known name is replaced all the same
    replacer = pseudonymiser(study)
    assert replacer.apply("De smid Smitsen kende Hanneke Smit niet.") == "De smid Smitsen kende [naam 1] niet."
    assert replacer.apply("HANNEKE zei het. Stichting Welzijn Noordwestelijk bestaat niet.") == \
        "[naam 1] zei het. Stichting Welzijn Noordwestelijk bestaat niet."
    assert replacer.apply("Gemeente Lelystad en de gemeente Lelystad.") == "[gemeente] en de [gemeente]."


def test_keep_never_always_and_own_replacements_are_applied(study):
    scan(study)
    decide(study, "GGD Flevoland", "never", by="sanne")
    decide(study, "negenentwintig", "keep", by="sanne")
    decide(study, "Yvonne", "replace", by="sanne", replacement="[teamleider]")
    decide(study, "Meridiaan College", "always", by="sanne", replacement="[mbo-school]")
    with (study.root / "anonimiseren.yaml").open("a", encoding="utf-8") as file:
        file.write("  Movisie: \"[kennisinstituut]\"\n")
    replacer = pseudonymiser(study)
    assert replacer.apply("Yvonne en Movisie, de GGD Flevoland, het Meridiaan College, negenentwintig.") == \
        "[teamleider] en [kennisinstituut], de GGD Flevoland, het [mbo-school], negenentwintig."
    assert replacer.is_replacement("[teamleider]") and replacer.is_replacement("[naam 12]")
    assert replacer.is_replacement("[organisatie]") and not replacer.is_replacement("[sic]")


def test_identifiers_starting_with_a_sign_or_a_digit_are_replaced_whole():
    replacer = Pseudonymiser({"+31 6 98765432": Replaced("telefoon", None, True),
                              "06-23456789": Replaced("telefoon", None, False),
                              "'s-Hertogenbosch": Replaced("plaats", None, True)})
    assert replacer.apply("Bel +31 6 98765432 of 06-23456789, niet 106-23456789, in 's-Hertogenbosch.") == \
        "Bel [telefoonnummer] of [telefoonnummer], niet 106-23456789, in [plaats]."
    assert replacer.unreviewed == 1


def test_the_note_counts_what_nobody_reviewed(study):
    scan(study)
    decide(study, "Stichting Welzijn Noordwest", "replace", by="sanne")
    replacer = pseudonymiser(study)
    replacer.apply("Stichting Welzijn Noordwest, Yvonne, Hanneke en de GGD Flevoland.")
    assert replacer.unreviewed == 2  # Yvonne and the GGD; Hanneke is a known name
    assert replacer.note() == ("pseudonymised: 4 identifiers replaced, 2 of them not yet reviewed "
                               "(qcode anonymise --review)")
    assert Pseudonymiser({}).note() == "pseudonymised: 0 identifiers replaced"


def test_the_pseudonymiser_scans_the_fragments_it_is_given(study):
    ids = [row[0] for row in study.conn.execute("SELECT id FROM fragments WHERE text LIKE '%Jeugdzorg%'")]
    replacer = pseudonymiser(study, fragment_ids=ids)
    assert study.conn.execute("SELECT COUNT(*) FROM anonymise_scans").fetchone()[0] == len(ids)
    assert "Jeugdzorg" not in replacer.apply("Met Jeugdzorg Flevoland hadden we overleg.")


def test_categories_have_dutch_labels():
    assert CATEGORIES["gemeente"] == "[gemeente]" and CATEGORIES["telefoon"] == "[telefoonnummer]"
    assert set(CATEGORIES) == {"persoon", "plaats", "gemeente", "wijk", "organisatie", "school", "adres",
                               "telefoon", "email", "datum", "leeftijd", "website"}


def test_a_bare_age_is_replaced_only_where_the_words_around_it_make_it_an_age():
    """'25' found as an age in one sentence must not take '25 gezinnen' or a change of hours elsewhere."""
    from qcode.anonymise.pseudonymise import Pseudonymiser, Replaced

    anon = Pseudonymiser({"25": Replaced("leeftijd", None, False), "zesendertig": Replaced("leeftijd", None, False),
                          "29 jaar oud": Replaced("leeftijd", None, False)})
    assert anon.apply("Ik ben 25 en had 25 gezinnen.") == "Ik ben [leeftijd] en had 25 gezinnen."
    assert anon.apply("Van zesendertig naar tweeëndertig uur, en ik was toen zesendertig.") == \
        "Van zesendertig naar tweeëndertig uur, en ik was toen [leeftijd]."
    assert anon.apply("Ze is 29 jaar oud.") == "Ze is [leeftijd]."
    assert anon.apply("Ik was 23 uur per week bezig, 30 jaar bij de jeugdzorg.") == \
        "Ik was 23 uur per week bezig, 30 jaar bij de jeugdzorg."
    assert anon.replaced == {"25": 1, "zesendertig": 1, "29 jaar oud": 1} and anon.unreviewed == 3


def test_an_age_decided_keep_stays_also_where_found_in_context():
    from qcode.anonymise.pseudonymise import Pseudonymiser

    anon = Pseudonymiser({}, kept={"23"})
    assert anon.apply("Toen ik 23 was, begon ik. Nu ben ik 40.") == "Toen ik 23 was, begon ik. Nu ben ik [leeftijd]."


def test_the_end_of_an_age_range_is_no_ones_age():
    from qcode.anonymise.detect import ages

    assert ages("De deelnemers waren 25 tot 57 jaar oud en hadden drie tot 31 jaar gewerkt.") == []
    assert ages("Tussen twintig en vijftig jaar oud, de meesten.") == []
    assert [f.text for f in ages("Zij was toen 57 jaar oud.")] == ["57 jaar oud"]


def test_a_word_count_never_shows_a_part_of_a_name_on_its_own():
    from qcode.pseudonymised import keeps_word

    anon = Pseudonymiser({"Marja de Boer": Replaced("persoon", None, False),
                          "wijkteam Kievitshoek": Replaced("organisatie", None, False)})
    assert not keeps_word(anon, "marja") and not keeps_word(anon, "boer") and not keeps_word(anon, "kievitshoek")
    assert keeps_word(anon, "wijkteam") and keeps_word(anon, "de") and keeps_word(anon, "werkdruk")


def test_an_organisations_ordinary_words_stay_in_a_word_count():
    from qcode.pseudonymised import keeps_word

    anon = Pseudonymiser({"Stichting Welzijn Oost": Replaced("organisatie", None, False),
                          "Stichting Buurtkracht": Replaced("organisatie", None, False)})
    assert keeps_word(anon, "welzijn") and keeps_word(anon, "oost") and keeps_word(anon, "stichting")
    assert not keeps_word(anon, "buurtkracht")
