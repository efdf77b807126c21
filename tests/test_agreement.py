"""Agreement: published reference values, a small project worked out by hand, the edge cases."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from qcode import Project
from qcode.agreement import alpha, cohen_kappa
from qcode.cli.team_cmds import _coloured
from qcode.errors import UsageError

from conftest import REPO


def test_krippendorffs_own_example_with_missing_values():
    """Krippendorff (2011), 'Computing Krippendorff's alpha-reliability', nominal: 0.743."""
    nan = np.nan
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    assert round(alpha(data), 3) == 0.743


def test_cohens_kappa_textbook_example():
    """50 grant proposals: both yes 20, A yes B no 5, A no B yes 10, both no 15 → kappa 0.40."""
    first = np.array([1] * 20 + [1] * 5 + [0] * 10 + [0] * 15)
    second = np.array([1] * 20 + [0] * 5 + [1] * 10 + [0] * 15)
    assert round(cohen_kappa(first, second), 3) == 0.400


def test_cohens_kappa_matches_scikit_learn():
    rng = np.random.default_rng(7)
    first, second = rng.integers(0, 4, 500), rng.integers(0, 4, 500)
    second[:300] = first[:300]
    assert cohen_kappa(first, second) == pytest.approx(cohen_kappa_score(first, second))


@pytest.fixture(scope="module")
def two_transcripts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("agreement") / "studie"
    with Project.init(folder) as project:
        project.load_codebook(REPO / "codebooks/exitstudie.yaml")
        project.import_paths([REPO / "transcripts/U01.txt", REPO / "transcripts/U07.txt"])
    return folder


@pytest.fixture
def study(two_transcripts, tmp_path):
    with Project.open(shutil.copytree(two_transcripts, tmp_path / "studie")) as project:
        yield project


def answers(project, participant="U01"):
    return [f.id for f in project.fragments(participant=participant, role="participant")]


def test_small_project_worked_out_by_hand(study):
    """Ten fragments seen by both. werkdruk: anna 1–4, bram 1–3 and 5.

    both yes 3, anna only 1, bram only 1, both no 5: agreement 8/10 = 0.800;
    kappa: po 0.8, pe 0.4·0.4 + 0.6·0.6 = 0.52, (0.8 − 0.52) / 0.48 = 0.583;
    alpha: n = 20 values, 8 yes and 12 no; observed disagreement 4/20 = 0.2; expected
    2·8·12 / (20·19) = 0.505; 1 − 0.2/0.505 = 0.604.
    """
    ids = answers(study)[:10]
    for i in ids[:4]:
        study.assign(i, ["werkdruk"], "anna")
    for i in ids[:3] + [ids[4]]:
        study.assign(i, ["werkdruk"], "bram")
    for i in ids:
        study.mark_seen(i, "anna")
        study.mark_seen(i, "bram")
    result = study.agreement(["anna", "bram"], "code")
    werkdruk = result.codes["werkdruk"]
    assert (werkdruk.units, werkdruk.used) == (10, 5)
    assert round(werkdruk.percent, 3) == 0.800
    assert round(werkdruk.kappa, 3) == 0.583
    assert round(werkdruk.alpha, 3) == 0.604
    unused = result.codes["agressie-bedreiging"]  # a code nobody used: agreement, but no coefficient
    assert (unused.used, unused.percent, unused.kappa, unused.alpha) == (0, 1.0, None, None)
    assert result.overall.units == 10 * len(result.codes)
    assert result.as_json()["codes"]["werkdruk"]["kappa"] == pytest.approx(0.5833, abs=1e-4)


def test_all_agree_and_theme_level_rolls_up(study):
    ids = answers(study)[:6]
    for coder in ("anna", "bram"):
        study.assign(ids[0], ["doorgroei-plafond"], coder)
        study.assign(ids[1], ["erkenning-salaris"], coder)
        for i in ids:
            study.mark_seen(i, coder)
    study.assign(ids[2], ["doorgroei-sollicitatie"], "anna")
    study.assign(ids[2], ["doorgroei-plafond"], "bram")   # another sub-code of the same theme
    by_code = study.agreement(["anna", "bram"], "code")
    assert by_code.codes["erkenning-salaris"].kappa == 1.0 and by_code.codes["erkenning-salaris"].alpha == 1.0
    assert by_code.codes["doorgroei-sollicitatie"].percent < 1
    by_theme = study.agreement(["anna", "bram"], "theme")
    assert set(by_theme.codes) == {row[0] for row in study.conn.execute("SELECT id FROM codes WHERE parent_id IS NULL")}
    assert by_theme.codes["doorgroeimogelijkheden"].percent == 1.0
    assert by_theme.codes["doorgroeimogelijkheden"].kappa == 1.0


def test_fragment_level_low_but_participant_level_perfect(study):
    u01, u07 = answers(study, "U01"), answers(study, "U07")
    for fragment in u01 + u07:
        study.mark_seen(fragment, "anna")
        study.mark_seen(fragment, "bram")
    study.assign(u01[2], ["werkdruk-extra-taken"], "anna", main=True)   # different fragments, same theme
    study.assign(u01[7], ["werkdruk-burn-out"], "bram", main=True)
    study.assign(u07[3], ["agressie-spanning"], "anna", main=True)
    study.assign(u07[9], ["agressie-bedreiging"], "bram", main=True)
    fragments = study.agreement(["anna", "bram"], "theme")
    assert fragments.codes["werkdruk"].alpha < 0 and fragments.codes["agressie-en-spanning"].alpha < 0
    participants = study.agreement(["anna", "bram"], "participant")
    assert participants.codes["werkdruk"].percent == 1.0 and participants.codes["agressie-en-spanning"].percent == 1.0
    assert participants.overall.percent == 1.0 and participants.overall.alpha == 1.0
    assert participants.main_reason.percent == 1.0 and participants.main_reason.kappa == 1.0
    assert participants.main_reasons["U07"] == {"anna": "agressie-en-spanning", "bram": "agressie-en-spanning"}


def test_one_coder_or_unknown_coders_are_refused(study):
    study.assign(answers(study)[0], ["werkdruk"], "anna")
    with pytest.raises(UsageError, match="two or more different coders"):
        study.agreement(["anna"])
    with pytest.raises(UsageError, match="two or more different coders"):
        study.agreement(["anna", "anna"])
    with pytest.raises(UsageError, match="'bram' has not coded anything"):
        study.agreement(["anna", "bram"])
    study.mark_seen(answers(study)[5], "bram")
    with pytest.raises(UsageError, match="no fragment has been seen by all"):
        study.agreement(["anna", "bram"])


def test_three_coders_kappa_is_null_alpha_is_not(study):
    ids = answers(study)[:8]
    for coder, coded in (("anna", ids[:3]), ("bram", ids[:3]), ("carla", ids[:2])):
        for i in ids:
            study.mark_seen(i, coder)
        for i in coded:
            study.assign(i, ["werkdruk"], coder)
    result = study.agreement(["anna", "bram", "carla"]).codes["werkdruk"]
    assert result.kappa is None and 0 < result.alpha < 1 and result.percent == 7 / 8


def test_cli_json_shape_and_colours(cli, two_transcripts):
    shutil.copytree(two_transcripts, cli.folder)
    with Project.open(cli.folder) as project:
        for i in answers(project)[:5]:
            project.assign(i, ["werkdruk"], "anna")
            project.mark_seen(i, "bram")
        project.assign(answers(project)[0], ["werkdruk"], "bram")
    data = json.loads(cli("agreement", "--coders", "anna,bram", "--json").output)
    assert data["level"] == "code" and data["coders"] == ["anna", "bram"]
    assert set(data["overall"]) == {"units", "percent", "kappa", "alpha", "used"}
    assert set(data["codes"]["werkdruk"]) == {"units", "used", "percent", "kappa", "alpha"}
    table = cli("agreement", "--coders", "anna,bram")
    assert table.exit_code == 0 and "Werkdruk" in table.output and "overall" in table.output
    assert _coloured(0.5).startswith("[red]") and _coloured(0.7).startswith("[yellow]")
    assert _coloured(0.9).startswith("[green]")
    single = cli("agreement", "--coders", "anna")
    assert single.exit_code == 1 and "two or more different coders" in single.output


def test_binary_alpha_shortcut_equals_the_krippendorff_package():
    import krippendorff

    from qcode.agreement import binary_figures
    rng = np.random.default_rng(3)
    for coders in (2, 3, 5):
        decisions = (rng.random((coders, 400)) < 0.3).astype(np.uint8)
        decisions[1:, :250] = decisions[0, :250]
        expected = krippendorff.alpha(reliability_data=decisions.astype(float), level_of_measurement="nominal")
        assert binary_figures(decisions).alpha == pytest.approx(expected)


def test_nominal_alpha_with_missing_values_equals_the_krippendorff_package():
    import krippendorff
    rng = np.random.default_rng(11)
    for coders, categories in ((2, 2), (3, 4), (4, 7)):
        data = rng.integers(0, categories, (coders, 300)).astype(float)
        data[1:, :150] = data[0, :150]
        data[rng.random(data.shape) < 0.1] = np.nan
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert alpha(data.tolist()) == pytest.approx(expected)
        assert alpha(data) == pytest.approx(expected)


def test_alpha_of_one_value_only_is_undefined():
    assert alpha([[2, 2, 2], [2, 2, None]]) is None
