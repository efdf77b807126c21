"""Bytes to text: mixed UTF-8/Windows-1252, UTF-16/32 with and without BOM, broken UTF-16, binary files."""
from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from text_inputs import INTERVIEW, fragments, imported, init, refused, stored

MIXED = [
    "I: Hoe was het café-overleg van de coördinatoren?".encode(),
    "R: Geëmotioneerd, eerlijk gezegd.".encode(),
    "".encode(),
    "I: En de kosten?".encode(),
    "R: Ik heb €50 zelf betaald, dat was één keer.".encode("cp1252"),  # pasted from an old program
    "".encode(),
    "I: Wie betaalde de rest?".encode(),
    "R: De coöperatie. Daarna was het financiële plaatje rond.".encode(),
]


def write_bytes(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def test_one_windows_1252_line_in_a_utf8_file_garbles_nothing(cli, tmp_path):
    init(cli)
    path = write_bytes(tmp_path / "in", "gemengd.txt", b"\r\n".join(MIXED) + b"\r\n")
    imported(cli, str(path))
    texts = [f["text"] for f in fragments(cli)]
    assert texts == [
        "Hoe was het café-overleg van de coördinatoren?", "Geëmotioneerd, eerlijk gezegd.", "En de kosten?",
        "Ik heb €50 zelf betaald, dat was één keer.", "Wie betaalde de rest?",
        "De coöperatie. Daarna was het financiële plaatje rond."]


def test_a_line_in_neither_encoding_is_named(cli, tmp_path):
    init(cli)
    data = INTERVIEW.encode().replace(b"helpende", b"help\x81nde")
    path = write_bytes(tmp_path / "in", "kapot.txt", data)
    assert f"{path}:3: byte 0x81 is neither UTF-8 nor Windows-1252 text" in refused(cli, str(path))


@pytest.mark.parametrize("encoding, bom", [
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-le", b""), ("utf-16-be", b""), ("utf-32-le", codecs.BOM_UTF32_LE),
])
def test_utf16_and_utf32_with_or_without_bom_are_read(cli, tmp_path, encoding, bom):
    init(cli)
    text = INTERVIEW.replace("helpende", "helpende in Zoeterwoude-Rijndijk, één jaar").replace("\n", "\r\n")
    imported(cli, str(write_bytes(tmp_path / "in", "breed.txt", bom + text.encode(encoding))))
    assert fragments(cli)[1]["text"] == "Sinds 2011. Eerst als helpende in Zoeterwoude-Rijndijk, één jaar, later als verzorgende."


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, b""])
def test_utf16_cut_off_in_the_middle_of_a_character_is_refused(cli, tmp_path, bom):
    init(cli)
    path = write_bytes(tmp_path / "in", "afgekapt.txt", bom + INTERVIEW.encode("utf-16-le") + b"I")
    message = refused(cli, str(path))
    assert f"{path}:8: the file is UTF-16 but its length does not fit" in message
    assert "save it again as UTF-8" in message


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, b""])
@pytest.mark.parametrize("surrogate", [b"\x00\xd8", b"\x00\xdc"])
def test_utf16_with_a_lone_surrogate_is_refused_with_its_line(cli, tmp_path, bom, surrogate):
    init(cli)
    before, after = INTERVIEW.split("De registratie.")
    data = bom + before.encode("utf-16-le") + surrogate + b"D\x00e\x00" + after.encode("utf-16-le")
    path = write_bytes(tmp_path / "in", "surrogaat.txt", data)
    assert f"{path}:7: the file is UTF-16 but holds a broken character" in refused(cli, str(path))


def test_nul_bytes_in_a_text_file_are_refused_with_the_line(cli, tmp_path):
    init(cli)
    path = write_bytes(tmp_path / "in", "nul.txt", INTERVIEW.encode().replace(b"zwaarst", b"zwaar\x00st"))
    assert f"{path}:5: the file contains NUL bytes: it is not a text file" in refused(cli, str(path))


@pytest.mark.parametrize("start, what", [
    (b"PK\x03\x04", "this is a zip archive (a Word .docx or Excel .xlsx file?)"),
    (b"%PDF-1.7\n", "this is a PDF file"),
    (b"{\\rtf1\\ansi ", "this is an RTF file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "this is an old Word or Excel file (.doc/.xls)"),
])
def test_other_formats_renamed_to_txt_are_named(cli, tmp_path, start, what):
    init(cli)
    path = write_bytes(tmp_path / "in", "interview.txt", start + random.Random(1).randbytes(3000))
    assert f"{path}: {what}, not a text file" in refused(cli, str(path))


def test_random_bytes_are_refused_as_not_text(cli, tmp_path):
    init(cli)
    path = write_bytes(tmp_path / "in", "ruis.txt", random.Random(7).randbytes(5000))
    message = refused(cli, str(path))
    assert str(path) in message and ("not a text file" in message or "is this a text file?" in message)


def test_skip_bad_skips_an_undecodable_file(cli, tmp_path):
    init(cli)
    folder = tmp_path / "in"
    write_bytes(folder, "goed.txt", INTERVIEW.encode())
    write_bytes(folder, "nul.txt", INTERVIEW.encode().replace(b"zwaarst", b"zwaar\x00st"))
    summary = imported(cli, "--skip-bad", str(folder))
    assert summary["new"] == 1 and "nul.txt:5: the file contains NUL bytes" in summary["skipped"][0]
    assert stored(cli.folder, "SELECT name FROM transcripts") == [("goed.txt",)]


def test_long_runs_of_spaces_are_tidied_in_linear_time(cli, tmp_path):
    """A trailing-space regex over the whole text backtracked quadratically: 200,000 spaces took hours."""
    init(cli)
    spaced = INTERVIEW.replace("De registratie.", "De registratie." + " " * 200_000 + "Echt. \t ")
    imported(cli, str(write_bytes(tmp_path / "in", "spaties.txt", spaced.encode())))
    assert fragments(cli)[-1]["text"] == "De registratie. Echt. Ik schrijf meer dan ik zorg."


@pytest.mark.parametrize("separator", ["\u2029", "\u2028\u2028", "\x85\x85"])
def test_unicode_line_and_paragraph_separators_end_a_turn(cli, tmp_path, separator):
    init(cli)
    path = tmp_path / "U01.txt"
    path.write_text(separator.join(["I: Waarom ben je gestopt?", "R: De werkdruk werd me te veel."]),
                    encoding="utf-8")
    imported(cli, str(path))
    rows = stored(cli.folder, "SELECT speaker, text FROM fragments JOIN turns ON turns.id = fragments.turn_id "
                              "ORDER BY fragments.idx")
    assert rows == [("I", "Waarom ben je gestopt?"), ("R", "De werkdruk werd me te veel.")]
