"""deduce as a detector: its findings in qcode's categories, its cache folder and lock, and scanning with it.

The lookup tables are built once per machine by the hook in conftest.py before any worker starts;
each worker loads them once (a few seconds) and remembers what it found per text."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qcode import Project
from qcode.anonymise import deduce_detector, identifiers, pseudonymiser, scan
from qcode.anonymise.detect import detect
from qcode.anonymise.store import detector_version


def found(text: str) -> list[tuple[str, str]]:
    return [(f.text, f.category) for f in detect(text, use_deduce=True)]


def test_deduce_finds_people_and_places_no_pattern_knows():
    assert found("Gisteren sprak ik Marleen Hofstede nog, ze werkt nu in Apeldoorn.") == \
        [("Marleen Hofstede", "persoon"), ("Apeldoorn", "plaats")]
    assert ("Ricardo", "persoon") in found("Ik had een goede band met Ricardo, mijn maatje op het werk.")


def test_a_title_stays_outside_the_name():
    assert found("Toen kwam mevrouw Tuinman binnen.") == [("Tuinman", "persoon")]


def test_patterns_still_catch_what_deduce_misses():
    assert found("Ik werkte bij Stichting Welzijn Noordwest en bij het wijkteam Kanaalzone.") == \
        [("Stichting Welzijn Noordwest", "organisatie"), ("wijkteam Kanaalzone", "organisatie")]


def test_a_dutch_word_opening_a_sentence_is_not_taken_for_a_name():
    assert found("Best veel werk, vind ik zelf. Sloot je opleiding daar goed op aan? Scholing was er nauwelijks.") == []
    assert ("Jan", "persoon") in found("Jan belde me gisteren nog.")  # a first name stays one


@pytest.mark.parametrize("tag, category", [
    ("persoon", "persoon"), ("patient", "persoon"), ("locatie", "plaats"), ("instelling", "organisatie"),
    ("ziekenhuis", "organisatie"), ("datum", "datum"), ("leeftijd", "leeftijd"), ("telefoonnummer", "telefoon"),
    ("emailadres", "email"), ("url", "website"), ("straat+huisnummer", "adres"), ("bsn", None), ("id", None),
])
def test_deduce_tags_map_to_qcode_categories(tag, category):
    assert deduce_detector.category_of(tag) == category


def test_findings_are_remembered_per_text():
    text = "Met Ricardo en Marleen Hofstede ging ik naar Apeldoorn."
    first = deduce_detector.deduce_findings(text)
    assert deduce_detector._memo[text] == tuple(first)
    assert deduce_detector.deduce_findings(text) == first


def test_loading_deduce_leaves_the_root_logger_alone():
    before = (list(logging.getLogger().handlers), logging.getLogger().level)
    deduce_detector.prepare()
    assert (list(logging.getLogger().handlers), logging.getLogger().level) == before


def test_the_cache_lives_in_the_users_cache_folder(monkeypatch, tmp_path):
    version = deduce_detector.version()
    monkeypatch.delenv("QCODE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert deduce_detector.cache_folder() == tmp_path / "xdg" / "qcode" / f"deduce-{version}"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "thuis"))
    assert deduce_detector.cache_folder() == tmp_path / "thuis" / ".cache" / "qcode" / f"deduce-{version}"
    monkeypatch.setenv("QCODE_CACHE_DIR", str(tmp_path / "eigen"))
    assert deduce_detector.cache_folder() == tmp_path / "eigen" / f"deduce-{version}"
    assert not deduce_detector.is_built()


def test_the_build_lock_keeps_a_second_process_out(tmp_path):
    """While one process holds the lock (building), another cannot take it."""
    lock = tmp_path / ".lock"
    probe = ("import fcntl, sys\nhandle = open(sys.argv[1], 'a+b')\n"
             "try:\n    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)\n    print('free')\n"
             "except BlockingIOError:\n    print('held')\n")
    with deduce_detector._file_lock(lock):
        held = subprocess.run([sys.executable, "-c", probe, str(lock)], capture_output=True, text=True).stdout
    free = subprocess.run([sys.executable, "-c", probe, str(lock)], capture_output=True, text=True).stdout
    assert (held.strip(), free.strip()) == ("held", "free")


def test_an_unwritable_cache_folder_is_one_clear_message(monkeypatch, tmp_path):
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map", encoding="utf-8")
    monkeypatch.setenv("QCODE_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(deduce_detector, "_instance", None)
    with pytest.raises(deduce_detector.QcodeError) as caught:
        deduce_detector.prepare()
    assert "cannot write the name detector's cache" in str(caught.value) and "QCODE_CACHE_DIR" in str(caught.value)


def test_importing_the_package_does_not_load_deduce():
    code = ("import sys\nfrom qcode.anonymise import pseudonymiser, Pseudonymiser, scan\n"
            "print('deduce' in sys.modules, 'docdeid' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_scanning_a_project_uses_deduce_and_a_new_detector_version_rescans(tmp_path):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "U31.txt").write_text(
        "I: Met wie werkte je samen?\n\nR: Vooral met Marleen Hofstede, en soms met Ricardo uit Apeldoorn. "
        "Marleen Hofstede was mijn maatje.\n", encoding="utf-8")
    with Project.init(tmp_path / "studie") as project:
        project.import_paths([folder])
        assert scan(project) == 2
        assert "deduce" in detector_version()
        listed = {i.text: i for i in identifiers(project)}
        assert listed["Marleen Hofstede"].count == 2 and listed["Marleen Hofstede"].sources == ("deduce",)
        assert listed["Apeldoorn"].category == "plaats"
        replacer = pseudonymiser(project)
        assert replacer.apply("Marleen Hofstede en Ricardo, in Apeldoorn.") == "[naam 1] en [naam 2], in [plaats]."
        project.conn.execute("UPDATE anonymise_scans SET detector = 'patronen-0'")
        assert scan(project) == 2
