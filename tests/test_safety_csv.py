"""CSV sheets (survey answers, participants): quotes, delimiters, encodings, big cells, odd headers."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from text_inputs import INTERVIEW, attributes, fragments, imported, init, refused, stored

SURVEY = ("--id-column", "respondent", "--text-column", "antwoord")


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def answers(folder: Path) -> dict[str, str]:
    """Each respondent's stored answers, after the question's prompt ("Vraag antwoord: antwoord")."""
    return {participant: text.split("\n\n", 1)[1] for participant, text in
            stored(folder, "SELECT participant_id, text FROM transcripts")}


def test_a_quote_never_closed_is_refused_at_its_line(cli, tmp_path):
    init(cli)
    path = write(tmp_path, "enquete.csv", "respondent,antwoord\nR1,Te veel papierwerk.\n"
                 'R2,"Ik mis de collega\'s\nR3,Meer tijd voor cliënten.\nR4,Minder vergaderen.\n')
    message = refused(cli, str(path), *SURVEY)
    assert f"{path}:3: a quoted cell is never closed" in message and '""' in message


def test_a_quote_closed_rows_later_is_refused(cli, tmp_path):
    init(cli)
    path = write(tmp_path, "enquete.csv", "respondent,antwoord\nR1,Te veel papierwerk.\n"
                 'R2,"Ik mis de collega\'s\nR3,Meer tijd voor cliënten.\nR4,Dat zei ik al eerder"\nR5,Niets.\n')
    message = refused(cli, str(path), *SURVEY)
    assert f"{path}:3: line 4 is inside a quoted cell but starts like a new row" in message


def test_a_quoted_cell_that_goes_on_after_its_quote_is_refused(cli, tmp_path):
    init(cli)
    path = write(tmp_path, "enquete.csv", 'respondent;antwoord\nR1;Prima.\nR2;"Goed" zei mijn teamleider.\n')
    assert f"{path}:3: a quoted cell goes on after its closing quote" in refused(cli, str(path), *SURVEY)


def test_multi_line_answers_with_commas_are_read_as_they_are(cli, tmp_path):
    init(cli)
    path = write(tmp_path, "enquete.csv", "respondent,antwoord\n"
                 'R1,"Het werk is zwaar, maar mooi.\n2019, toen begon het, was het beste jaar.\n\nNu minder."\n'
                 'R2,"Hij zei ""ja"", dus ik bleef."\n')
    assert imported(cli, str(path), *SURVEY)["new"] == 2
    assert answers(cli.folder) == {
        "R1": "R1: Het werk is zwaar, maar mooi. 2019, toen begon het, was het beste jaar.\n\nNu minder.",
        "R2": 'R2: Hij zei "ja", dus ik bleef.'}


def test_a_cell_over_128_kb_is_read(cli, tmp_path):
    init(cli)
    long = " ".join(["De caseload groeit elk jaar verder door."] * 4000)  # ~160 KB
    path = write(tmp_path, "enquete.csv", f'respondent;antwoord\nR1;"{long}"\nR2;Kort.\n')
    assert imported(cli, str(path), *SURVEY)["new"] == 2
    assert answers(cli.folder)["R1"] == f"R1: {long}"


def test_a_cell_over_the_bound_is_refused(cli, tmp_path):
    init(cli)
    path = write(tmp_path, "enquete.csv", 'respondent;antwoord\nR1;Kort.\nR2;"' + "ja " * 6_000_000 + '"\n')
    assert f"{path}:3: a cell is larger than 16 MB" in refused(cli, str(path), *SURVEY)


def test_dutch_excel_unicode_text_is_read(cli, tmp_path):
    """Excel's "Unicode text": UTF-16 LE with BOM, TAB-separated, CRLF; the header has commas."""
    init(cli)
    text = ("respondent\tleeftijd, in jaren\tantwoord\r\n"
            "R1\t34\tDe werkdruk, vooral de registratie.\r\n"
            "R2\t51\tCollega's vertrokken; daarna ik.\r\n")
    path = write(tmp_path, "enquete.txt.csv", text, "utf-16")
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    assert imported(cli, str(path), *SURVEY)["new"] == 2
    assert answers(cli.folder)["R2"] == "R2: Collega's vertrokken; daarna ik."
    assert attributes(cli.folder, "R1") == {"leeftijd, in jaren": 34}


def test_semicolons_win_over_commas_in_the_header(cli, tmp_path):
    init(cli)
    path = write(tmp_path, "enquete.csv", "respondent;Wat vindt u van werk, privé, en zorg?;antwoord\n"
                 "R1;Zwaar, eerlijk gezegd;Te veel, te snel.\nR2;Goed te doen;Prima.\n")
    assert imported(cli, str(path), *SURVEY)["new"] == 2
    assert attributes(cli.folder, "R1") == {"Wat vindt u van werk, privé, en zorg?": "Zwaar, eerlijk gezegd"}


def test_participants_sheet_with_semicolons_and_commas(cli, tmp_path):
    init(cli)
    folder = tmp_path / "in"
    write(folder, "U01.txt", INTERVIEW)
    write(folder, "participants.csv", "participant;transcript;regio, gemeente\nU01;U01.txt;Zuid, Breda\n", "cp1252")
    imported(cli, str(folder))
    assert attributes(cli.folder, "U01") == {"regio, gemeente": "Zuid, Breda"}


@pytest.mark.parametrize("text, line, words", [
    ("respondent;antwoord;antwoord\nR1;Ja;Nee\n", 1, "column 'antwoord' appears twice in the header"),
    ("respondent;Leeftijd;Leeftijd\nR1;34;35\n".replace("Leeftijd;L", "Leeftijd ;L"), 1,
     "column 'Leeftijd' appears twice"),
    ("respondent;;antwoord\nR1;34;Ja\n", 2, "column 2 has no name in the header but holds a value in this row"),
    ("respondent;antwoord\nR1;Ja\nR2;Nee; toch niet\n", 3, "the row has 3 cells but the header names only 2"),
    ("\n\n", 1, "the sheet has no header row"),
])
def test_odd_headers_and_rows_are_named(cli, tmp_path, text, line, words):
    init(cli)
    path = write(tmp_path, "enquete.csv", text)
    message = refused(cli, str(path), *SURVEY)
    assert f"{path} (row {line}): {words}" in message and "→" in message


def test_decomposed_and_composed_header_names_are_the_same_column(cli, tmp_path):
    init(cli)
    path = write(tmp_path, "enquete.csv", "respondent;e\u0301e\u0301n;\u00e9\u00e9n;antwoord\nR1;1;2;Ja\n")
    assert "column 'één' appears twice in the header" in refused(cli, str(path), *SURVEY)


def test_short_rows_empty_columns_and_number_lookalikes_are_read(cli, tmp_path):
    init(cli)
    path = write(tmp_path, "enquete.csv", "respondent;antwoord;code;;\n"
                 "R1;Ja, graag.\n"
                 f"R2;Liever niet.;{'9' * 5000};;\n"
                 "R3;Misschien.;²³\n")
    assert imported(cli, str(path), *SURVEY)["new"] == 3
    assert attributes(cli.folder, "R1") == {}
    assert attributes(cli.folder, "R2") == {"code": "9" * 5000}
    assert attributes(cli.folder, "R3") == {"code": "²³"}
    assert [f["text"] for f in fragments(cli, "--role", "participant")] == ["Ja, graag.", "Liever niet.", "Misschien."]


def test_a_broken_participants_sheet_stops_its_transcripts_and_skip_bad_skips_them(cli, tmp_path):
    init(cli)
    broken, good = tmp_path / "team-a", tmp_path / "team-b"
    write(broken, "U01.txt", INTERVIEW)
    write(broken, "participants.csv", 'participant;transcript;functie\nU01;U01.txt;"wijkverpleegkundige\nU02;U02.txt;verzorgende\n')
    write(good, "U03.txt", INTERVIEW)
    message = refused(cli, str(broken), str(good))
    assert f"{broken / 'participants.csv'}:2: a quoted cell is never closed" in message
    summary = imported(cli, "--skip-bad", str(broken), str(good))
    assert summary["new"] == 1 and stored(cli.folder, "SELECT name FROM transcripts") == [("U03.txt",)]
