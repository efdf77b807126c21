"""Which files an import reads: each file once, however it is named; Unicode names in NFC or NFD."""
from __future__ import annotations

import os
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from text_inputs import INTERVIEW, attributes, imported, init, refused, status, stored

NFC_NAME = unicodedata.normalize("NFC", "Sjoerd-Ünal.txt")
NFD_NAME = unicodedata.normalize("NFD", "Sjoerd-Ünal.txt")


def write(folder: Path, name: str, text: str | None = None) -> Path:
    """A transcript; by default the interview with a closing line of its own, so that files of
    other names are other interviews (the same words under two names are refused as a duplicate)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text if text is not None else f"{INTERVIEW}\nI: Dank u wel, dit was {name}.\n", encoding="utf-8")
    return path


def test_the_same_file_named_twice_is_imported_once(cli, tmp_path):
    init(cli)
    path = write(tmp_path / "in", "U01.txt")
    assert imported(cli, str(path), str(path))["new"] == 1
    assert imported(cli, str(path), str(path.parent), str(tmp_path / "in" / ".." / "in" / "U01.txt"))["unchanged"] == 1
    assert status(cli)["transcripts"] == 1


def test_a_file_and_its_folder_import_it_once(cli, tmp_path):
    init(cli)
    path = write(tmp_path / "in", "U01.txt")
    write(tmp_path / "in", "U02.txt")
    assert imported(cli, str(path), str(path.parent))["new"] == 2


def test_a_symlink_to_a_file_or_folder_imports_it_once(cli, tmp_path):
    init(cli)
    folder = tmp_path / "in"
    path = write(folder, "U01.txt")
    (folder / "kopie.txt").symlink_to(path)
    (tmp_path / "snelkoppeling").symlink_to(folder, target_is_directory=True)
    summary = imported(cli, str(folder), str(tmp_path / "snelkoppeling"), str(tmp_path / "snelkoppeling" / "U01.txt"))
    assert summary["new"] == 1 and status(cli)["transcripts"] == 1


def test_two_different_files_with_one_name_are_still_refused(cli, tmp_path):
    init(cli)
    first = write(tmp_path / "a", "U01.txt")
    second = write(tmp_path / "b", "U01.txt", INTERVIEW.replace("2011", "2015"))
    message = refused(cli, str(first), str(second))
    assert f"{second}: another file with this name is imported too ({first})" in message


def test_composed_and_decomposed_names_are_one_name(cli, tmp_path):
    init(cli)
    first = write(tmp_path / "a", NFC_NAME)
    second = write(tmp_path / "b", NFD_NAME, INTERVIEW.replace("2011", "2015"))
    assert "another file with this name is imported too" in refused(cli, str(first), str(second))


def test_a_sheet_names_a_decomposed_file_in_composed_form(cli, tmp_path):
    init(cli)
    folder = tmp_path / "in"
    write(folder, NFD_NAME)  # as macOS writes it
    write(folder, "participants.csv", f"participant;transcript;leeftijd\nP07;{NFC_NAME};41\n")
    assert imported(cli, str(folder))["new"] == 1
    assert stored(cli.folder, "SELECT name, participant_id FROM transcripts") == [(NFC_NAME, "P07")]
    assert attributes(cli.folder, "P07") == {"leeftijd": 41}


def test_reimport_and_show_match_either_form(cli, tmp_path):
    init(cli)
    path = write(tmp_path / "in", NFC_NAME)
    imported(cli, str(path))
    path.rename(path.with_name(NFD_NAME))
    assert imported(cli, str(path.with_name(NFD_NAME)))["unchanged"] == 1
    with sqlite3.connect(cli.folder / "qcode.db") as conn:  # a name an earlier qcode stored decomposed
        conn.execute("UPDATE transcripts SET name = ?", (NFD_NAME,))
    conn.close()
    assert imported(cli, str(path.with_name(NFD_NAME)))["unchanged"] == 1
    assert status(cli)["transcripts"] == 1
    for typed in (NFC_NAME, NFD_NAME, NFC_NAME[:-4], NFD_NAME[:-4]):
        result = cli("show", typed)
        assert result.exit_code == 0 and "Hoe lang werkt u al in de thuiszorg?" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_not_read(cli, tmp_path):
    init(cli)
    pipe = tmp_path / "pijp.txt"
    os.mkfifo(pipe)
    assert f"{pipe}: not a regular file" in refused(cli, str(pipe))
