"""Paragraphs longer than spaCy takes at once (nlp.max_length) are segmented in pieces, offsets exact."""
from __future__ import annotations

from pathlib import Path

import pytest
from text_inputs import imported, init, stored

from qcode.segment import load_pipeline, split_long

SENTENCES = ["ik werk nu twaalf jaar in de wijk", "de caseload is gegroeid sinds de reorganisatie",
             "mijn teamleider zegt dat het tijdelijk is", "maar dat hoor ik al jaren"]


def auto_transcript(folder: Path, characters: int, punctuation: bool = True) -> Path:
    """An automatic transcript: one speaker label, then line after line without a blank line."""
    lines, size, n = ["I: Vertelt u eens over uw werk.", "", "R: Nou."], 0, 0
    while size < characters:
        sentence = SENTENCES[n % len(SENTENCES)] + (". " if punctuation else " ")
        lines.append(sentence.strip())
        size += len(sentence)
        n += 1
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "automatisch.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def offsets_hold(folder: Path) -> None:
    wrong = stored(folder, "SELECT count(*) FROM fragments f JOIN transcripts t ON t.id = f.transcript_id "
                           'WHERE substr(t.text, f.start + 1, f."end" - f.start) != f.text')
    assert wrong == [(0,)]


def init_with(cli, unit: str) -> None:
    assert cli("init", str(cli.folder), "--unit", unit, project=False).exit_code == 0


def test_a_paragraph_over_a_million_characters_imports(cli, tmp_path):
    init(cli)
    assert load_pipeline().max_length == 1_000_000
    summary = imported(cli, str(auto_transcript(tmp_path / "in", 1_100_000)))
    assert summary["fragments"] == 2
    [(length,)] = stored(cli.folder, "SELECT max(length(text)) FROM fragments")
    assert length > 1_100_000
    offsets_hold(cli.folder)
    sentences = stored(cli.folder, "SELECT json_array_length(sentences) FROM fragments ORDER BY idx")
    assert sentences[1][0] > 25_000  # every sentence found, across the pieces


@pytest.mark.parametrize("unit", ["sentence", "turn", "paragraph"])
@pytest.mark.parametrize("punctuation", [True, False])
def test_pieces_keep_offsets_in_every_unit(cli, tmp_path, monkeypatch, unit, punctuation):
    init_with(cli, unit)
    monkeypatch.setattr(load_pipeline(), "max_length", 2_000)
    summary = imported(cli, str(auto_transcript(tmp_path / "in", 20_000, punctuation)))
    offsets_hold(cli.folder)
    texts = [row[0] for row in stored(cli.folder, "SELECT text FROM fragments ORDER BY idx")]
    if unit == "sentence" and punctuation:
        assert texts[2:6] == [s + "." for s in SENTENCES]
    [(lemmas,)] = stored(cli.folder, "SELECT sum(words) FROM fragments")
    assert lemmas == summary["words"] > 3_000


def test_split_long_cuts_after_sentences_then_spaces_then_anywhere():
    text = "Ja. " * 30 + "woord " * 40 + "x" * 500
    pieces = list(split_long(text, 100))
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= 100 for _, piece in pieces)
    assert [text[offset:offset + len(piece)] == piece for offset, piece in pieces] == [True] * len(pieces)
    assert pieces[0][1].endswith("Ja. ") and pieces[1][1].endswith(" ") and len(pieces[-2][1]) == 100
