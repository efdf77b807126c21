"""YAML front matter of .txt/.md transcripts: bounded, never executed, every YAML type stored as data."""
from __future__ import annotations

from pathlib import Path

import pytest
from text_inputs import INTERVIEW, attributes, imported, init, refused, status

BILLION_LAUGHS = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "participant: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
    "---\n"
)


def write(folder: Path, name: str, front: str, body: str = INTERVIEW) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


def test_nested_aliases_are_refused_without_expanding(cli, tmp_path):
    init(cli)
    path = tmp_path / "in" / "U01.txt"
    path.parent.mkdir()
    path.write_text(BILLION_LAUGHS + INTERVIEW, encoding="utf-8")
    message = refused(cli, str(path))
    assert f"{path}:2: YAML anchors and aliases (&name, *name) are not allowed in front matter" in message
    assert "→" in message


def test_an_alias_of_a_plain_value_is_refused_too(cli, tmp_path):
    init(cli)
    path = write(tmp_path / "in", "U02.txt", "functie: &f verzorgende\nvorige_functie: *f\n")
    assert f"{path}:2: YAML anchors and aliases" in refused(cli, str(path))


@pytest.mark.parametrize("tagged", [
    'x: !!python/object/apply:os.system ["touch {marker}"]\n',
    "x: !!python/name:os.system\n",
    "x: !eigen waarde\n",
    "x: !!str 34\n",
])
def test_yaml_tags_are_refused_and_never_executed(cli, tmp_path, tagged):
    init(cli)
    marker = tmp_path / "uitgevoerd"
    path = write(tmp_path / "in", "U03.txt", "participant: U03\n" + tagged.format(marker=marker))
    assert f"{path}:3: YAML tags (!name) are not allowed in front matter" in refused(cli, str(path))
    assert not marker.exists()


def test_every_yaml_type_is_stored_as_data(cli, tmp_path):
    init(cli)
    front = (
        "participant: U04\n"
        "interviewdatum: 2025-03-14\n"
        "opgenomen: 2025-03-14 10:30:00\n"
        "toestemming: true\n"
        "talen: [Nederlands, Turks]\n"
        "diensten:\n  - wijkteam\n  - jeugdzorg\n"
        "opmerking:\n"
        "notitie: ~\n"
        "leeftijd: 34\n"
        "uren: 28.5\n"
        "postcode: '0123'\n"
        "huisnummer: 0123\n"
        "woonplaats: \"'s-Hertogenbosch\"\n"
    )
    summary = imported(cli, str(write(tmp_path / "in", "interview4.txt", front)))
    assert summary["new"] == 1
    assert attributes(cli.folder, "U04") == {
        "interviewdatum": "2025-03-14", "opgenomen": "2025-03-14 10:30:00", "toestemming": "true",
        "talen": "Nederlands, Turks", "diensten": "wijkteam, jeugdzorg", "leeftijd": 34, "uren": 28.5,
        "postcode": "0123", "huisnummer": "0123", "woonplaats": "'s-Hertogenbosch",
    }


def test_a_date_agrees_with_the_same_date_in_the_participants_sheet(cli, tmp_path):
    init(cli)
    folder = tmp_path / "in"
    write(folder, "U05.txt", "participant: U05\ninterviewdatum: 2025-03-14\n")
    (folder / "participants.csv").write_text("participant;transcript;interviewdatum\nU05;U05.txt;2025-03-14\n",
                                              encoding="utf-8")
    imported(cli, str(folder))
    assert attributes(cli.folder, "U05") == {"interviewdatum": "2025-03-14"}


@pytest.mark.parametrize("front, line, words", [
    ("participant: U06\nadres:\n  straat: Dorpsstraat\n  nummer: 4\n", 4, "the value of 'adres' is a nested mapping"),
    ("participant: U06\ntalen: [[Nederlands], Turks]\n", 3, "the list under 'talen' holds lists or mappings"),
    ("participant: [U06, U07]\n", 2, "the participant is a list; give one pseudonymous id"),
    ("participant: U06\nleeftijd: 34\nleeftijd: 35\n", 4, "key 'leeftijd' appears twice"),
    ("- U06\n- 34\n", 2, "front matter must be 'key: value' lines"),
    ("participant: U06\nleeftijd: [34\n", 3, "front matter is not valid YAML"),
    ("[a, b]: c\n", 2, "each front matter key must be a plain name"),
])
def test_shapes_that_are_not_attributes_are_refused_with_the_line(cli, tmp_path, front, line, words):
    init(cli)
    path = write(tmp_path / "in", "U06.txt", front)
    message = refused(cli, str(path))
    assert f"{path}:{line}: {words}" in message and "→" in message


def test_deep_nesting_is_refused_without_recursion(cli, tmp_path):
    init(cli)
    path = write(tmp_path / "in", "U07.txt", "x: " + "[" * 5000 + "]" * 5000 + "\n")
    assert f"{path}:2: the list under 'x' holds lists or mappings" in refused(cli, str(path))


def test_huge_front_matter_is_refused(cli, tmp_path):
    init(cli)
    long = write(tmp_path / "in", "U08.txt", "".join(f"kenmerk{i}: {'x' * 70}\n" for i in range(900)))
    assert f"{long}:1: the front matter is longer than 64 KB" in refused(cli, str(long))
    many = write(tmp_path / "in", "U09.txt", "".join(f"k{i}: {i}\n" for i in range(1200)))
    assert f"{many}:1: the front matter is longer than 1000 lines" in refused(cli, str(many))


def test_skip_bad_imports_the_good_file_and_lists_the_bad_one(cli, tmp_path):
    init(cli)
    folder = tmp_path / "in"
    (folder).mkdir()
    (folder / "U10.txt").write_text(BILLION_LAUGHS + INTERVIEW, encoding="utf-8")
    write(folder, "U11.txt", "participant: U11\n")
    summary = imported(cli, "--skip-bad", str(folder))
    assert summary["new"] == 1 and status(cli)["transcripts"] == 1
    assert len(summary["skipped"]) == 1 and "U10.txt:2: YAML anchors" in summary["skipped"][0]
