"""Fuzzing `qcode codings import`: random bytes, damaged sheets and random valid codings sheets.

Run on a filled project (transcripts, codebook, codings): an import ends in exit 0 with every row's
coding in the database, or in exit 1 naming the sheet with the database as it was. The harness is
in test_fuzz_import.
"""
from __future__ import annotations

import shutil
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from test_fuzz_import import (
    HOSTILE, MARKER_WORD, Blob, Made, _prefilled, assert_clean_ending, fresh_project, fuzz_settings, mutated, scratch,
    mutated_zip, run, sheet_bytes, template,
)

CODES = ["werkdruk", "registratie", "salaris", "leidinggevende"]
CODERS = ["anna", "bert", "Chantal de Wit"]
COLUMNS = ["fragment", "transcript", "participant", "code", "coder", "main", "star", "memo", "text"]
CELL_HOSTILE = HOSTILE + [10**22, -1, 0, 1.5, 2**63, float("inf"), "12abc", " 7 ", "١٢", "werkdruk ", "WERKDRUK",
                          "registratie\n", True, "=1+1", "", None]


def participant_fragments() -> list[tuple[int, str, str]]:
    """(id, transcript, text) of the filled project's participant fragments."""
    conn = sqlite3.connect(template("prefilled", _prefilled) / "qcode.db")
    try:
        return conn.execute("SELECT f.id, tr.name, f.text FROM fragments f JOIN turns t ON t.id = f.turn_id "
                            "JOIN transcripts tr ON tr.id = f.transcript_id WHERE t.role = 'participant' "
                            "ORDER BY f.id").fetchall()
    finally:
        conn.close()


@st.composite
def codings_sheet(draw, suffix: str) -> Made:
    """Rows coding participant fragments by id or by transcript and text; `paragraphs` holds the expected
    (fragment id, code, coder, main, star, memo) of each distinct row."""
    fragments = participant_fragments()
    by_text = draw(st.booleans())
    rows, expected, keys = [], [], set()
    for _ in range(draw(st.integers(1, 8))):
        fragment_id, transcript, text = draw(st.sampled_from(fragments))
        code, coder = draw(st.sampled_from(CODES)), draw(st.sampled_from(CODERS))
        if (fragment_id, code, coder) in keys:
            continue
        keys.add((fragment_id, code, coder))
        main, star = draw(st.integers(0, 1)), draw(st.integers(0, 1))
        memo = draw(st.sampled_from([None, "hoofdreden", f"zie ook {MARKER_WORD.lower()}", "twijfel; later"]))
        unique = sum(text in other for _, _, other in fragments if _ == transcript) == 1
        use_text = by_text and unique
        rows.append({"fragment": None if use_text else fragment_id, "transcript": transcript if use_text else None,
                     "text": text if use_text else None, "code": code, "coder": coder, "main": main,
                     "star": star, "memo": memo})
        expected.append((fragment_id, code, coder, main, star, memo))
    columns = [c for c in COLUMNS if any(row.get(c) is not None for row in rows) or c in ("fragment", "code")]
    columns = draw(st.permutations(columns))
    if any(row["fragment"] is None for row in rows) and "transcript" not in columns:
        columns = [*columns, "transcript", "text"]
    data = sheet_bytes(list(columns), [[row.get(c) for c in columns] for row in rows], suffix,
                       draw(st.sampled_from([";", ","])), "utf-8-sig")
    return Made(data, expected)


@st.composite
def hostile_cells(draw, suffix: str) -> Blob:
    """A codings sheet of the right shape whose cells are hostile values."""
    columns = draw(st.permutations(["fragment", "code", "coder", "main", "star", "memo"]))
    ids = [row[0] for row in participant_fragments()]
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        row = {"fragment": draw(st.sampled_from(ids)), "code": draw(st.sampled_from(CODES)),
               "coder": draw(st.sampled_from(CODERS)), "main": 0, "star": 0, "memo": None}
        for column in draw(st.lists(st.sampled_from(columns), max_size=2)):
            row[column] = draw(st.sampled_from(CELL_HOSTILE))
        rows.append([row[c] for c in columns])
    if suffix == ".xlsx":
        rows = [[_xlsx_safe(v) for v in row] for row in rows]
    return Blob(sheet_bytes(list(columns), rows, suffix, ";", "utf-8-sig"))


def _xlsx_safe(value):
    """openpyxl refuses some values outright (control characters, surrogates): keep what a real sheet can hold."""
    if isinstance(value, str):
        return "".join(c for c in value if c >= " " or c in "\t\n\r").encode("utf-8", "ignore").decode("utf-8")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    return value


def check_codings(data: bytes | Blob, suffix: str, expected: list[tuple] | None = None) -> None:
    workdir = scratch()
    try:
        folder = fresh_project("prefilled", workdir)
        path = workdir / f"codings{suffix}"
        path.write_bytes(data.data if isinstance(data, Blob) else data)
        outcome = run(folder, "codings", "import", str(path))
        assert_clean_ending(outcome, [path.name])
        conn = sqlite3.connect(folder / "qcode.db")
        try:
            stored = {(f, c, coder): (main, star, memo) for f, c, coder, main, star, memo in conn.execute(
                "SELECT fragment_id, code_id, coder, main, star, memo FROM codings")}
            roles = dict(conn.execute("SELECT f.id, t.role FROM fragments f JOIN turns t ON t.id = f.turn_id"))
        finally:
            conn.close()
        if outcome.exit_code == 0:
            assert all(roles[f] == "participant" for f, _, _ in stored), "an interviewer's words were coded"
        if expected is not None:
            assert outcome.exit_code == 0, f"a valid codings sheet was refused: {outcome.output[-2000:]}"
            for fragment_id, code, coder, main, star, memo in expected:
                found = stored.get((fragment_id, code, coder))
                assert found is not None and found[:2] == (main, star), "a row was not applied as written"
                assert memo is None or found[2] == memo, "a row's memo was not applied as written"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@fuzz_settings(20)
@given(data=st.data())
def test_valid_codings_sheets_apply_every_row(suffix, data):
    made = data.draw(codings_sheet(suffix))
    check_codings(made.data, suffix, made.paragraphs)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@fuzz_settings(25)
@given(data=st.data())
def test_damaged_codings_sheets_end_cleanly(suffix, data):
    made = data.draw(codings_sheet(suffix))
    damaged = data.draw(mutated_zip(made.data, "xl/worksheets/sheet1.xml") if suffix == ".xlsx"
                        else mutated(made.data))
    check_codings(damaged, suffix)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@fuzz_settings(25)
@given(data=st.data())
def test_hostile_codings_cells_end_cleanly(suffix, data):
    check_codings(data.draw(hostile_cells(suffix)), suffix)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@fuzz_settings(15)
@given(data=st.binary(max_size=2000))
def test_random_codings_bytes_end_cleanly(suffix, data):
    check_codings(data, suffix)
