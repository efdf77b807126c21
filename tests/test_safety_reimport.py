"""Re-import puts codings and seen-marks where they belong, and never reuses a fragment id (issue 11, item 6)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qcode import Project

from conftest import DATA

QUESTIONS = [
    ("Werkte je graag in het team?", "Ja."),
    ("En met je leidinggevende?", "Ja."),
    ("Waarom ben je dan gestopt?", "De werkdruk werd me te veel. Ik maakte elke week overuren."),
    ("Wat had je nodig gehad?", "Een collega die meedacht over mijn caseload."),
]
CODES = ("team", "leiding", "werkdruk", "steun")
CODEBOOK = ("name: Vertrek\nversion: 1\nlanguage: nl\ncodes:\n"
            + "".join(f"  - id: {code}\n    label: {code.title()}\n" for code in CODES))


def _write(folder: Path, pairs: list[tuple[str, str]]) -> Path:
    path = folder / "petra.txt"
    path.write_text("".join(f"Interviewer: {q}\n\nPetra: {a}\n\n" for q, a in pairs), encoding="utf-8")
    return path


@pytest.fixture
def study(project: Project, tmp_path: Path):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (tmp_path / "vertrek.yaml").write_text(CODEBOOK, encoding="utf-8")
    project.load_codebook(tmp_path / "vertrek.yaml")

    def reimport(pairs: list[tuple[str, str]]):
        return project.import_paths([_write(folder, pairs)], interviewer=["Interviewer"])

    reimport(QUESTIONS)
    return project, reimport


def _answers(project: Project) -> list[tuple[int, str]]:
    return [(f.id, f.text) for f in project.fragments(role="participant")]


def _question_before(project: Project, fragment_id: int) -> str:
    """The interviewer's question just before a fragment: where a coding sits, in words."""
    fragments = project.fragments()
    position = next(i for i, f in enumerate(fragments) if f.id == fragment_id)
    return fragments[position - 1].text


def _placed(project: Project) -> set[tuple[str, str, str, str]]:
    return {(_question_before(project, c.fragment), c.text, c.code, c.coder) for c in project.codings()}


def _assert_consistent(project: Project) -> None:
    """Offsets, turns and positions of every fragment follow the new text; the search index too."""
    for name, text in project.conn.execute("SELECT name, text FROM transcripts").fetchall():
        rows = project.conn.execute(
            'SELECT f.idx, f.text, f.start, f."end", t.start, t."end" FROM fragments f JOIN turns t '
            "ON t.id = f.turn_id JOIN transcripts tr ON tr.id = f.transcript_id WHERE tr.name = ? ORDER BY f.idx",
            (name,)).fetchall()
        assert [row[0] for row in rows] == list(range(1, len(rows) + 1))
        for _, fragment, start, end, turn_start, turn_end in rows:
            assert text[start:end] == fragment and turn_start <= start < end <= turn_end
    assert project.conn.execute("SELECT COUNT(*) FROM turns WHERE number < 1").fetchone()[0] == 0
    project.conn.execute("INSERT INTO fragments_fts(fragments_fts, rank) VALUES ('integrity-check', 1)")


def test_identical_answers_coded_differently_stay_apart_when_a_question_is_inserted_above(study):
    project, reimport = study
    ids = [i for i, _ in _answers(project)]
    project.assign(ids[0], ["team"], "anna")
    project.assign(ids[1], ["leiding"], "anna", memo="alleen over de eerste leidinggevende")
    before = _placed(project)
    report = reimport([("Hoe lang werkte je daar?", "Zes jaar."), *QUESTIONS])
    assert (report.changed, report.codings_moved, report.codings_orphaned) == (1, 2, 0)
    assert _placed(project) == before
    assert [i for i, _ in _answers(project)][1:] == ids  # the survivors keep their ids
    assert [c.memo for c in project.codings(code="leiding")] == ["alleen over de eerste leidinggevende"]
    _assert_consistent(project)


def test_identical_answers_with_the_same_code_can_be_reimported(study):
    project, reimport = study
    ids = [i for i, _ in _answers(project)]
    project.assign(ids[0], ["team"], "anna")
    project.assign(ids[1], ["team"], "anna")
    report = reimport([("Hoe lang werkte je daar?", "Zes jaar."), *QUESTIONS])
    assert report.codings_moved == 2
    assert sorted(c.fragment for c in project.codings()) == ids[:2]
    moved = project.conn.execute("SELECT detail FROM coding_log WHERE action = 'moved' ORDER BY id").fetchall()
    assert [json.loads(d)["from"] for (d,) in moved] == [2, 4] and [json.loads(d)["to"] for (d,) in moved] == [4, 6]


def test_seen_marks_of_surviving_fragments_stay_and_agreement_keeps_its_units(study):
    project, reimport = study
    ids = [i for i, _ in _answers(project)]
    for coder in ("anna", "bram"):
        for fragment in ids:
            project.mark_seen(fragment, coder)
    project.assign(ids[2], ["werkdruk"], "anna")
    project.assign(ids[2], ["werkdruk"], "bram")
    project.assign(ids[3], ["steun"], "bram")
    before = project.agreement(["anna", "bram"]).as_json()
    reimport([("Hoe lang werkte je daar?", "Zes jaar."), *QUESTIONS])
    assert project.agreement(["anna", "bram"]).as_json() == before
    assert project.conn.execute("SELECT COUNT(*) FROM seen").fetchone()[0] == 8


def test_an_edited_paragraph_is_a_new_fragment_and_its_codings_are_orphaned(study):
    project, reimport = study
    ids = [i for i, _ in _answers(project)]
    highest = project.conn.execute("SELECT max(id) FROM fragments").fetchone()[0]
    project.assign(ids[2], ["werkdruk"], "anna", span=(0, 28))
    project.assign(ids[3], ["steun"], "anna")
    edited = [*QUESTIONS[:2], (QUESTIONS[2][0], "De werkdruk werd me niet te veel."), QUESTIONS[3]]
    report = reimport(edited)
    assert (report.codings_moved, report.codings_orphaned) == (1, 1)
    answers = _answers(project)
    assert [i for i, _ in answers][:2] == ids[:2] and answers[3][0] == ids[3]
    assert answers[2][0] > highest  # a new id, above every id issued before
    [orphan] = project.status().orphaned
    assert (orphan.code, orphan.text) == ("werkdruk", QUESTIONS[2][1])
    assert project.conn.execute("SELECT fragment_id FROM seen WHERE coder = 'anna'").fetchall() == [(ids[3],)]
    logged = project.conn.execute("SELECT fragment_id, code_id FROM coding_log WHERE action = 'orphaned'").fetchall()
    assert logged == [(ids[2], "werkdruk")]
    _assert_consistent(project)


def test_a_deleted_fragments_id_is_never_issued_again(study):
    project, reimport = study
    every_id = {row[0] for row in project.conn.execute("SELECT id FROM fragments")}
    last = max(every_id)
    project.assign(last, ["steun"], "anna")
    reimport(QUESTIONS[:3])  # the last question and answer are gone: the highest ids were deleted
    assert project.conn.execute("SELECT COUNT(*) FROM fragments WHERE id = ?", (last,)).fetchone()[0] == 0
    reimport([*QUESTIONS[:3], ("Wat zou je anders doen?", "Eerder aan de bel trekken.")])
    new_ids = {row[0] for row in project.conn.execute("SELECT id FROM fragments")} - every_id
    assert len(new_ids) == 2 and min(new_ids) > last
    assert [o.code for o in project.status().orphaned] == ["steun"]
    _assert_consistent(project)


def test_reordered_answers_take_their_codings_and_seen_marks_along(study):
    project, reimport = study
    ids = [i for i, _ in _answers(project)]
    project.assign(ids[2], ["werkdruk"], "anna")
    project.assign(ids[3], ["steun"], "anna")
    project.mark_seen(ids[1], "anna")
    before = _placed(project)
    report = reimport([QUESTIONS[3], QUESTIONS[2], QUESTIONS[0], QUESTIONS[1]])
    assert (report.codings_moved, report.codings_orphaned) == (2, 0)
    assert _placed(project) == before
    assert sorted(i for i, _ in _answers(project)) == sorted(ids)
    assert {row[0] for row in project.conn.execute("SELECT fragment_id FROM seen")} == {ids[1], ids[2], ids[3]}
    _assert_consistent(project)


def test_a_turn_that_became_the_interviewers_is_not_the_same_fragment(study):
    project, reimport = study
    ids = [i for i, _ in _answers(project)]
    project.assign(ids[3], ["steun"], "anna")
    folder = project.root.parent / "transcripts"
    path = _write(folder, QUESTIONS)
    path.write_text(path.read_text(encoding="utf-8").replace("Petra: Een collega", "Interviewer: Een collega"),
                    encoding="utf-8")
    report = project.import_paths([path], interviewer=["Interviewer"])
    assert report.codings_orphaned == 1 and project.codings() == []


def test_reimport_on_a_project_made_by_the_first_schema(tmp_path):
    folder = tmp_path / "oud"
    shutil.copytree(DATA / "schema-0001", folder)
    source = tmp_path / "bron"
    source.mkdir()
    (source / "participants.csv").write_text("participant;transcript;interviewer\nW03;teams.vtt;Marieke de Vries\n",
                                             encoding="utf-8")
    vtt = (DATA / "awkward/teams.vtt").read_text(encoding="utf-8")
    (source / "teams.vtt").write_text(vtt.replace("dan aan cliënten", "dan aan mijn cliënten"), encoding="utf-8")
    with Project.open(folder) as project:
        report = project.import_paths([source / "teams.vtt"])
        assert (report.changed, report.codings_moved, report.codings_orphaned) == (1, 1, 0)
        rows = project.conn.execute("SELECT id, idx FROM fragments ORDER BY idx").fetchall()
        assert rows == [(1, 1), (2, 2), (3, 3), (5, 4)]  # 4 was the changed answer's; it is not reused
        assert project.conn.execute("SELECT fragment_id, code_id FROM codings").fetchall() == [(2, "registratie")]
        _assert_consistent(project)


def test_a_survivor_spaced_differently_keeps_its_id_but_not_its_span(study):
    """Spans count characters of the stored text: when only the spacing differs they would point elsewhere."""
    project, reimport = study
    ids = [i for i, _ in _answers(project)]
    project.assign(ids[2], ["werkdruk"], "anna", span=(3, 11))
    project.assign(ids[3], ["steun"], "anna", span=(4, 11))
    spaced = QUESTIONS[2][1].replace("De werkdruk", "De  werkdruk")  # as an older import might have stored it
    project.conn.execute("UPDATE fragments SET text = ? WHERE id = ?", (spaced, ids[2]))
    reimport([("Hoe lang werkte je daar?", "Zes jaar."), *QUESTIONS])
    spans = {c.code: (c.fragment, c.span_start, c.span_end) for c in project.codings()}
    assert spans == {"werkdruk": (ids[2], None, None), "steun": (ids[3], 4, 11)}
    assert project.fragments(role="participant")[3].text == QUESTIONS[2][1]
    _assert_consistent(project)


def test_alignment_keeps_every_short_answer_in_its_own_place_in_a_long_interview():
    """Hundreds of "Ja."s: too common to anchor the alignment, still each paired with its own."""
    from qcode.relocate import align

    old = []
    for n in range(400):
        old += [f"interviewer\x1fVraag {n}?", "participant\x1f" + ("Ja." if n % 3 else f"Antwoord {n}.")]
    inserted = ["interviewer\x1fEen tussenvraag?", "participant\x1fJa."]
    new = ["interviewer\x1fEerst dit?", "participant\x1fJa.", *old[:402], *inserted, *old[402:]]
    pairs = align(old, new)
    assert pairs == {**{j + 2: j for j in range(402)}, **{j + 4: j for j in range(402, 800)}}


@pytest.mark.parametrize("seed", range(5))
def test_alignment_pairs_only_identical_texts_in_order(seed):
    import random

    from qcode.relocate import align

    rng = random.Random(seed)
    old = [rng.choice(["Ja.", "Nee.", "Oké."]) if rng.random() < 0.7 else f"zin {i}" for i in range(3000)]
    new = old[:]
    for _ in range(40):
        new.insert(rng.randrange(len(new)), rng.choice(["Ja.", "nieuw"]))
        del new[rng.randrange(len(new))]
    pairs = align(old, new)
    assert all(old[i] == new[j] for j, i in pairs.items()) and len(set(pairs.values())) == len(pairs)
    assert len(pairs) > 0.95 * len(new)
    assert align(old, old) == {i: i for i in range(len(old))}


def test_a_question_answered_ja_inserted_between_two_ja_answers(study):
    project, reimport = study
    ids = [i for i, _ in _answers(project)]
    project.assign(ids[0], ["team"], "anna")
    project.assign(ids[1], ["leiding"], "anna")
    before = _placed(project)
    reimport([QUESTIONS[0], ("Had je collega's?", "Ja."), *QUESTIONS[1:]])
    assert _placed(project) == before
    assert [i for i, _ in _answers(project)][:1] + [i for i, _ in _answers(project)][2:] == ids
