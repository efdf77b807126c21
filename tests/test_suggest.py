"""Code suggestions on the example study and on small projects written here: reasons, evaluation, --apply."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode import Project
from qcode.cli import app
from qcode.suggest.codebook_rules import keyword_forms, lemma_matches
from qcode.suggest.data import participant_fragments
from qcode.suggest.evaluation import _transcript_folds
from qcode.suggest.features import Weighting
from qcode.suggest.suggester import Suggester

from conftest import REPO

SMALL_CODEBOOK = """\
name: Klein codeboek
version: "1"
codes:
  - id: doorgroei
    label: Geen doorgroei
    description: Geen perspectief om te groeien in functie of niveau.
    examples: ["Er was geen ladder om op te klimmen."]
    keywords: [doorgroei, carrière]
  - id: werkdruk
    label: Werkdruk
    description: Te veel werk in te weinig tijd.
    examples: ["Ik had veertig dossiers tegelijk."]
    keywords: [wachtlijst, dossier, overuren]
"""

BARE_CODEBOOK = """\
name: Kaal codeboek
version: "1"
codes:
  - id: doorgroei
    label: Geen doorgroei
  - id: werkdruk
    label: Werkdruk
"""

INTERVIEW = """\
Interviewer: Waarom ben je weggegaan?
Noor: Er waren voor mij gewoon geen doorgroeimogelijkheden, ik zat na vijf jaar nog op dezelfde plek.
Interviewer: En hoe was de drukte?
Noor: De wachtlijsten werden steeds langer en ik maakte elke week overuren.
"""


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The whole example study, coded by anna and bram."""
    root = tmp_path_factory.mktemp("suggest") / "studie"
    shutil.copytree(REPO / "transcripts", root / "transcripts")
    shutil.copytree(REPO / "codebooks", root / "codebooks")
    with Project.init(root) as project:
        project.load_codebook(root / "codebooks" / "exitstudie.yaml")
        project.import_paths([root / "transcripts"])
        for coder in ("anna", "bram"):
            project.import_codings(root / "transcripts" / "codings" / f"{coder}.csv", read_whole=True)
    return root


@pytest.fixture
def copy(example, tmp_path) -> Path:
    return Path(shutil.copytree(example, tmp_path / "studie"))


def small(tmp_path: Path, codebook: str = SMALL_CODEBOOK) -> Path:
    root = tmp_path / "klein"
    root.mkdir()
    (root / "codeboek.yaml").write_text(codebook, encoding="utf-8")
    (root / "N01.txt").write_text(INTERVIEW, encoding="utf-8")
    with Project.init(root) as project:
        project.load_codebook(root / "codeboek.yaml")
        project.import_paths([root / "N01.txt"])
    return root


def test_before_any_coding_keywords_match_lemmas_inside_compounds(tmp_path):
    root = small(tmp_path)
    result = run("--project", str(root), "suggest", "--coder", "noor", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    with Project.open(root) as project:
        texts = {f.id: f.text for f in project.fragments(role="participant")}
    first = next(s for s in found if "doorgroeimogelijkheden" in texts[s["fragment"]] and s["rank"] == 1)
    assert first["code"] == "doorgroei" and first["source"] == "codebook"
    assert "keyword 'doorgroei'" in first["reason"]
    second = next(s for s in found if "wachtlijsten" in texts[s["fragment"]] and s["rank"] == 1)
    assert second["code"] == "werkdruk"
    assert set(second["keywords"]) == {"wachtlijst", "overuren"}


def test_json_shape_one_list_ranked_per_fragment(tmp_path):
    root = small(tmp_path)
    found = json.loads(run("--project", str(root), "suggest", "--top", "2", "--json").output)
    assert found and all({"fragment", "code", "rank", "score", "reason"} <= set(s) for s in found)
    by_fragment: dict[int, list[dict]] = {}
    for s in found:
        by_fragment.setdefault(s["fragment"], []).append(s)
    for rows in by_fragment.values():
        assert [s["rank"] for s in rows] == list(range(1, len(rows) + 1)) and len(rows) <= 2
        assert [s["score"] for s in rows] == sorted((s["score"] for s in rows), reverse=True)
        assert all(isinstance(s["fragment"], int) and 0 <= s["score"] <= 1 for s in rows)


def test_compound_rule_needs_a_long_enough_keyword():
    assert lemma_matches("doorgroei", "doorgroeimogelijkheid")
    assert lemma_matches("lijst", "wachtlijst")
    assert not lemma_matches("mes", "mesthoop") and lemma_matches("mes", "mes")


def test_a_codebook_without_keywords_gets_a_hint(tmp_path):
    root = small(tmp_path, BARE_CODEBOOK)
    result = run("--project", str(root), "suggest")
    assert result.exit_code == 0
    assert "no keywords or examples" in result.output


def test_reasons_are_true_for_the_coders_model(example):
    with Project.open(example) as project:
        suggestions = project.suggestions(coder="anna", transcript="U03", top=3)
        suggestions += project.suggestions(coder="bram", transcript="U05", top=3)
        assert Suggester.for_coder(project.conn, "anna").source == "model"
        lemmas = {f: l.split() for f, l in project.conn.execute("SELECT id, lemmas FROM fragments")}
        coded = {(c.fragment, c.code, c.coder) for c in project.codings()}
    assert suggestions
    coder_of = {}
    for s in suggestions:
        coder = "anna" if "anna" in s.reason else "bram"
        coder_of[s.fragment] = coder
        for keyword in s.keywords:
            assert f"keyword '{keyword}'" in s.reason
            for forms in keyword_forms(keyword):  # each word of the keyword, as lemma or as written
                assert any(lemma_matches(form, lemma) for form in forms for lemma in lemmas[s.fragment])
        if s.similar:
            assert f"like {len(s.similar)} fragment" in s.reason
        for other in s.similar:
            assert other in lemmas and other != s.fragment
            assert any((other, s.code, c) in coded for c in ("anna", "bram"))
    assert any(s.similar for s in suggestions) and any(s.keywords for s in suggestions)


def test_suggestions_skip_what_the_coder_has_coded(copy):
    with Project.open(copy) as project:
        coded = {c.fragment for c in project.codings(coder="anna")}
        listed = {s.fragment for s in project.suggestions(coder="anna")}
    assert listed and not listed & coded


def test_evaluation_splits_by_transcript_and_beats_keywords(example):
    with Project.open(example) as project:
        result = project.evaluate_suggestions("anna", folds=4)
    tested = [name for fold in result.split for name in fold]
    assert len(tested) == len(set(tested)) == result.transcripts == 12 and len(result.split) == 4
    for level in ("theme", "code"):
        model, keywords = result.figures("model", level), result.figures("keywords", level)
        assert 0 <= keywords.macro_f1 < model.macro_f1 <= 1 and keywords.top3 < model.top3 <= 1
        assert all(0 <= c.precision <= 1 and 0 <= c.recall <= 1 for c in model.per_code)


def test_transcript_folds_never_split_a_transcript():
    folds = _transcript_folds(["A"] * 5 + ["B"] * 3 + ["C"] * 3 + ["D"], 3)
    names = [n for fold in folds for n in fold]
    assert sorted(names) == ["A", "B", "C", "D"] and len(folds) == 3


def test_evaluate_from_the_cli(example):
    result = run("--project", str(example), "suggest", "--evaluate", "--coder", "bram", "--folds", "3")
    assert result.exit_code == 0, result.output
    assert "keywords only" in result.output and "macro-F1" in result.output and "3 folds by transcript" in result.output


def test_apply_writes_a_coder_of_its_own_and_never_a_persons(copy):
    with Project.open(copy) as project:
        before = sorted((c.fragment, c.code, c.coder) for c in project.codings())
    for person in ("anna", "bram"):
        result = run("--project", str(copy), "suggest", "--apply", "--coder", person, "--learn-from", "bram")
        assert result.exit_code == 1
        assert ("suggestions never go to a person's coding" in result.output
                or "the coder they learn from" in result.output)
    refused = run("--project", str(copy), "suggest", "--apply", "--coder", "anna")
    assert refused.exit_code == 1 and "suggestions never go to a person's coding" in refused.output
    same = run("--project", str(copy), "suggest", "--apply", "--coder", "model", "--learn-from", "model")
    assert same.exit_code == 1
    with Project.open(copy) as project:
        assert sorted((c.fragment, c.code, c.coder) for c in project.codings()) == before
    done = run("--project", str(copy), "suggest", "--apply", "--coder", "model", "--learn-from", "anna")
    assert done.exit_code == 0, done.output
    again = run("--project", str(copy), "suggest", "--apply", "--coder", "model", "--learn-from", "anna",
                "--min-score", "0.6")
    assert again.exit_code == 0, again.output
    with Project.open(copy) as project:
        after = project.codings()
        assert sorted((c.fragment, c.code, c.coder) for c in after if c.coder != "model") == before
        model = [c for c in after if c.coder == "model"]
        assert model and not any(c.main for c in model)
        agreement = project.agreement(["anna", "model"], level="theme")
        assert {f.units for f in agreement.codes.values()} == {len(project.fragments(role="participant"))}
    reconciled = run("--project", str(copy), "reconcile", "--coders", "anna,bram", "--into", "consensus",
                     "--rule", "majority")
    assert reconciled.exit_code == 0
    refused = run("--project", str(copy), "suggest", "--apply", "--coder", "consensus")
    assert refused.exit_code == 1


def test_a_project_without_codings_suggests_from_the_codebook(tmp_path):
    root = small(tmp_path)
    result = run("--project", str(root), "suggest", "--coder", "anna")
    assert result.exit_code == 0 and "From the codebook" in result.output
    evaluation = run("--project", str(root), "suggest", "--evaluate", "--coder", "anna")
    assert evaluation.exit_code == 1 and "needs at least two" in evaluation.output


TWO_PARAGRAPHS = """\
Interviewer: Wat gaf je energie in het werk?

Sanne: Het contact met de gezinnen, daar deed ik het voor.

Sanne: En de collega's in het wijkteam waren fijn.
Interviewer: Waarom ben je dan toch gestopt?
Sanne: Er kwam steeds meer registratie bij.
"""


def test_each_fragment_answers_the_nearest_question_before_it(tmp_path):
    root = small(tmp_path)
    (root / "N02.txt").write_text(TWO_PARAGRAPHS, encoding="utf-8")
    with Project.open(root) as project:
        project.import_paths([root / "N02.txt"])
        fragments = participant_fragments(project.conn, transcript="N02.txt")
        questions = {text: lemmas for text, lemmas in project.conn.execute(
            "SELECT f.text, f.lemmas FROM fragments f JOIN turns t ON t.id = f.turn_id "
            "WHERE t.role = 'interviewer'")}
    energy = questions["Wat gaf je energie in het werk?"]
    stopped = questions["Waarom ben je dan toch gestopt?"]
    assert [f.question for f in fragments] == [energy, energy, stopped]
    assert "energie" in energy.split() and "stoppen" in stopped.split()


def test_retraining_after_a_coding_learns_it_and_counts_only_that_fragment(copy):
    with Project.open(copy) as project:
        first = Suggester.for_coder(project.conn, "anna")
        assert Suggester.for_coder(project.conn, "anna") is first  # nothing changed: the same model
        rows_before = len(first.bank._rows)
        uncoded = participant_fragments(project.conn, uncoded_by="anna")[0]
        project.assign(uncoded.id, ["werkdruk"], "anna")
        second = Suggester.for_coder(project.conn, "anna")
        assert second is not first and second.bank is first.bank
        assert first.model is not None and second.model is not None
        assert uncoded.id in second.model.train_ids and uncoded.id not in first.model.train_ids
        assert len(second.bank._rows) == rows_before + 1  # only the newly coded fragment was counted


def test_word_features_are_scikit_learns_tfidf(tmp_path):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["de wachtlijst worden steeds lang", "ik maken elk week overuur en de wachtlijst groeien",
             "geen doorgroeimogelijkheid in de wijk", "ik zitten na vijf jaar nog op de zelfde plek"]
    root = small(tmp_path)
    with Project.open(root) as project:
        bank = Suggester.for_coder(project.conn, None).bank
    counts = bank.counts(texts, [""] * len(texts))
    ours = Weighting.fit(counts, [], 0, 0).word_rows(counts)
    theirs = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+").fit_transform(texts)
    assert ours.shape[1] == theirs.shape[1]
    assert abs((ours @ ours.T).toarray() - (theirs @ theirs.T).toarray()).max() < 1e-5


def test_evaluation_reports_both_levels_beside_the_keywords(example):
    with Project.open(example) as project:
        result = project.evaluate_suggestions("bram", folds=3)
    assert sorted((r.method, r.level) for r in result.results) == [
        ("keywords", "code"), ("keywords", "theme"), ("model", "code"), ("model", "theme")]
    themes = {c.code for c in result.figures("model", "theme").per_code}
    codes = {c.code for c in result.figures("model", "code").per_code}
    assert themes < codes | themes and "werkdruk-burn-out" not in themes and "werkdruk-burn-out" in codes
    assert all(c.support > 0 for c in result.figures("model", "code").per_code)
