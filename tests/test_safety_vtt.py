"""Teams WebVTT: every cue read or named in an error; nothing skipped silently."""
from __future__ import annotations

from pathlib import Path

import pytest
from text_inputs import fragments, imported, init, refused, stored

CUES = (
    "00:00:01.000 --> 00:00:04.000\n<v Marieke de Vries>Hoe begon uw werkdag vandaag?</v>\n\n"
    "00:00:05.000 --> 00:00:09.000\n<v Karin Jansen>Met drie overdrachten achter elkaar.</v>\n\n"
    "00:00:10.000 --> 00:00:12.000\n<v Marieke de Vries>En daarna?</v>\n\n"
    "00:00:13.000 --> 00:00:18.000\n<v Karin Jansen>Huisbezoeken tot de lunch.</v>\n"
)


def write(folder: Path, text: str, name: str = "teams.vtt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def turns(folder: Path) -> list[tuple]:
    return stored(folder, "SELECT speaker, timestamp, source_line FROM turns ORDER BY number")


@pytest.mark.parametrize("timing", [
    "00:00:0x.000 --> 00:00:09.000", "00:00:05.000 -> 00:00:09.000", "00:00:05.000 --> ",
    "00:75:05.000 --> 00:75:09.000", "5 seconden --> 9 seconden",
])
def test_a_malformed_cue_timing_is_an_error_naming_the_line(cli, tmp_path, timing):
    init(cli)
    text = "WEBVTT\n\n" + CUES.replace("00:00:05.000 --> 00:00:09.000", timing)
    path = write(tmp_path, text)
    message = refused(cli, str(path))
    assert f"{path}:6: the cue timing is not 'HH:MM:SS.mmm --> HH:MM:SS.mmm'" in message
    assert "00:01:02.500 --> 00:01:05.000" in message


def test_srt_style_and_short_timestamps_are_read_as_meant(cli, tmp_path):
    init(cli)
    text = "WEBVTT\n\n" + CUES.replace("00:00:05.000", "00:00:05,250").replace("00:00:13.000", "00:13.5")
    imported(cli, str(write(tmp_path, text)))
    assert [t[1] for t in turns(cli.folder)] == [1.0, 5.25, 10.0, 13.5]


def test_a_file_without_the_header_is_refused(cli, tmp_path):
    init(cli)
    path = write(tmp_path, CUES)
    assert f"{path}:1: not a WebVTT file" in refused(cli, str(path))


def test_empty_overlapping_and_huge_cues_are_read(cli, tmp_path):
    init(cli)
    huge = " ".join(["Ik noteer elk contact in het systeem, elke dag opnieuw."] * 4000)
    text = ("WEBVTT\nKind: captions\n\n"
            "NOTE gemaakt door Teams\n\n"
            "STYLE\n::cue { color: white }\n\n"
            "1\n00:00:01.000 --> 00:00:04.000\n<v Marieke de Vries>Hoe begon uw werkdag?</v>\n\n"
            "2\n00:00:03.000 --> 00:00:05.000\n\n"
            "3\n00:00:02.000 --> 00:00:09.000\n<v Karin Jansen>Met overdrachten.</v>\n\n"
            f"4\n00:00:09.000 --> 00:20:00.000\n<v Karin Jansen>{huge}</v>\n")
    imported(cli, str(write(tmp_path, text)))
    texts = [f["text"] for f in fragments(cli)]
    assert texts == ["Hoe begon uw werkdag?", f"Met overdrachten. {huge}"]
    assert turns(cli.folder) == [("Marieke de Vries", 1.0, 1), ("Karin Jansen", 2.0, 3)]


def test_a_blank_line_inside_a_cue_is_an_error_not_a_lost_line(cli, tmp_path):
    init(cli)
    text = "WEBVTT\n\n" + CUES.replace("Met drie overdrachten", "Met drie\n\noverdrachten")
    path = write(tmp_path, text)
    assert f"{path}:9: text without a cue timing line (a blank line inside a cue?)" in refused(cli, str(path))


def test_voices_tags_and_entities_in_one_cue(cli, tmp_path):
    init(cli)
    text = ("WEBVTT\n"
            "00:00:01.000 --> 00:00:04.000\n"
            "Opname gestart door Marieke.\n\n"
            "00:00:05.000 --> 00:00:09.000\n"
            "<v Marieke de Vries>Klopt dat?</v> <v.loud Karin Jansen>Ja &amp; <i>nee</i>: minder dan <5 "
            "cliënten &lt;per dag&gt;.<00:00:08.000> Echt.</v>\n")
    imported(cli, str(write(tmp_path, text)))
    assert [(f["speaker"], f["text"]) for f in fragments(cli)] == [
        ("Marieke de Vries", "Klopt dat?"),
        ("Karin Jansen", "Ja & nee: minder dan <5 cliënten <per dag>. Echt.")]
    assert stored(cli.folder, "SELECT preamble FROM transcripts") == [("Opname gestart door Marieke.",)]


def test_skip_bad_skips_a_broken_vtt(cli, tmp_path):
    init(cli)
    write(tmp_path / "in", "WEBVTT\n\n" + CUES, "goed.vtt")
    write(tmp_path / "in", "WEBVTT\n\n" + CUES.replace("00:00:10.000 -->", "00:00:1O.000 -->"), "kapot.vtt")
    summary = imported(cli, "--skip-bad", str(tmp_path / "in"))
    assert summary["new"] == 1 and "kapot.vtt:9: the cue timing is not" in summary["skipped"][0]


def test_a_cue_full_of_unclosed_tags_is_read_in_linear_time(cli, tmp_path):
    init(cli)
    noise = "<c " * 100_000 + "<v " * 100_000
    text = "WEBVTT\n\n" + CUES.replace("Huisbezoeken tot de lunch.", f"Huisbezoeken {noise}tot de lunch.")
    imported(cli, str(write(tmp_path, text)))
    assert fragments(cli)[-1]["text"].startswith("Huisbezoeken <c <c")


def test_a_cue_without_a_blank_line_before_it_is_a_cue_not_words(cli, tmp_path):
    init(cli)
    text = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Marieke de Vries>Wat deed de doorslag?</v>\n\n"
            "00:00:03.000 --> 00:00:04.000\n<v Karin Jansen>Het eerste deel van mijn antwoord</v>\n"
            "00:00:05.000 --> 00:00:06.000\n<v Karin Jansen>en het tweede deel.</v>\n")
    imported(cli, str(write(tmp_path, text)), "--interviewer", "Marieke de Vries")
    texts = [row[0] for row in stored(cli.folder, "SELECT text FROM fragments ORDER BY idx")]
    assert texts == ["Wat deed de doorslag?", "Het eerste deel van mijn antwoord en het tweede deel."]
    assert turns(cli.folder) == [("Marieke de Vries", 1.0, 1), ("Karin Jansen", 3.0, 2)]  # cue numbers


def test_an_arrow_inside_cue_text_is_an_error_naming_the_line(cli, tmp_path):
    init(cli)
    text = "WEBVTT\n\n" + CUES.replace("Met drie overdrachten", "Met drie overdrachten\nen toen --> crisis,")
    path = write(tmp_path, text)
    message = refused(cli, str(path))
    assert f"{path}:8: a line inside a cue holds '-->'" in message
