"""Sample size, power and MDE, checked against statsmodels and published numbers."""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import power_proportions_2indep, proportion_effectsize

from cjlib.action import minimum_detectable_effect, power, sample_size
from cjlib.errors import DataError


def test_evan_miller_calculator_example():
    # Evan Miller, "Sample Size Calculator" (evanmiller.org/ab-testing/sample-size.html):
    # baseline 20 %, minimum detectable effect 5 % absolute, alpha 0.05, power 0.8
    # -> 1,030 per variation. His formula keeps both arms at the baseline under the null.
    plan = sample_size(baseline=0.20, mde=0.05, method="baseline")
    assert round(plan.n_control_exact) == 1030


@pytest.mark.parametrize("d, n_published", [(0.2, 393), (0.5, 64), (0.8, 26)])
def test_cohen_table_for_two_sample_t(d, n_published):
    # Cohen (1988), Statistical Power Analysis, Table 2.4.1: two-tailed alpha 0.05, power 0.80
    # (the table shows the exact n rounded to the nearest integer: 393.4 -> 393).
    assert round(sample_size(sd=1.0, mde=d).n_control_exact) == n_published


def test_kohavi_rule_of_thumb_for_means():
    # Kohavi, Tang & Xu (2020), Trustworthy Online Controlled Experiments, eq. 17.1:
    # n ≈ 16 σ² / δ² per variant (alpha 0.05, power 0.8; 16 rounds 2·(1.96 + 0.84)² = 15.7).
    sigma, delta = 30.0, 1.5
    plan = sample_size(sd=sigma, mde=delta, method="z")
    rule = 16 * sigma**2 / delta**2
    assert plan.n_control_exact == pytest.approx(rule * 15.698 / 16, rel=1e-3)
    assert abs(plan.n_control / rule - 1) < 0.025


@pytest.mark.parametrize("ratio", [1.0, 2.0, 0.5])
@pytest.mark.parametrize("alternative", ["two-sided", "larger"])
def test_pooled_conversion_power_matches_statsmodels(ratio, alternative):
    # statsmodels.stats.proportion.power_proportions_2indep: group 1 = treatment (nobs1),
    # ratio = nobs2 / nobs1; ours: n = control, ratio = treatment / control.
    n_control = 900
    ours = power(n=n_control, baseline=0.12, mde=0.03, ratio=ratio, alternative=alternative)
    ref = power_proportions_2indep(
        0.03, 0.12, nobs1=n_control * ratio, ratio=1 / ratio, alternative=alternative
    ).power
    assert ours.power == pytest.approx(ref, rel=1e-10)


def test_pooled_sample_size_solves_statsmodels_power():
    plan = sample_size(baseline=0.20, mde=0.05)
    assert plan.n_control == 1094
    ref = power_proportions_2indep(0.05, 0.20, nobs1=plan.n_control_exact).power
    assert ref == pytest.approx(0.8, abs=1e-6)


@pytest.mark.parametrize("ratio", [1.0, 3.0])
def test_arcsine_matches_normal_ind_power(ratio):
    h = proportion_effectsize(0.055, 0.05)
    ref = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.9, ratio=ratio)
    plan = sample_size(baseline=0.05, mde=0.005, power=0.9, ratio=ratio, method="arcsine")
    assert plan.n_control_exact == pytest.approx(ref, rel=1e-5)
    assert plan.n_treatment == math.ceil(ratio * plan.n_control_exact - 1e-9)


@pytest.mark.parametrize("ratio, alternative", [(1.0, "two-sided"), (2.0, "larger")])
def test_t_method_matches_ttest_ind_power(ratio, alternative):
    ref = TTestIndPower().solve_power(
        effect_size=0.3, alpha=0.05, power=0.8, ratio=ratio, alternative=alternative
    )
    plan = sample_size(sd=10.0, mde=3.0, ratio=ratio, alternative=alternative)
    assert plan.n_control_exact == pytest.approx(ref, rel=1e-4)
    assert power(n=50, sd=10.0, mde=3.0).power == pytest.approx(
        TTestIndPower().power(effect_size=0.3, nobs1=50, alpha=0.05), rel=1e-8
    )


def test_relative_mde_is_a_fraction_of_the_baseline():
    relative = sample_size(baseline=0.10, mde=0.10, relative=True)
    absolute = sample_size(baseline=0.10, mde=0.01)
    assert relative.n_control == absolute.n_control
    assert relative.table.loc[0, "mde_relative"] == pytest.approx(0.10)


def test_smaller_alternative_looks_for_a_decrease():
    plan = sample_size(baseline=0.30, mde=0.03, alternative="smaller")
    assert plan.mde == pytest.approx(-0.03)
    ref = power_proportions_2indep(-0.03, 0.30, nobs1=plan.n_control_exact, alternative="smaller")
    assert ref.power == pytest.approx(0.8, abs=1e-6)


def test_minimum_detectable_effect_inverts_sample_size():
    plan = sample_size(baseline=0.08, mde=0.012, power=0.85)
    mde = minimum_detectable_effect(n=plan.n_control_exact, baseline=0.08, power=0.85)
    assert mde.mde == pytest.approx(0.012, rel=1e-6)
    means = minimum_detectable_effect(n=64, sd=1.0)
    assert means.mde == pytest.approx(0.5, abs=0.01)  # Cohen (1988): n = 64 detects d = 0.5


def test_power_grows_with_n_and_result_protocol():
    plan = sample_size(baseline=0.2, mde=0.05)
    curve = plan.power_at([100, 500, 1000, 5000])
    assert (curve[1:] > curve[:-1]).all()
    assert "1,094 customers in control" in plan.summary()
    assert plan.to_dict()["table"][0]["n_total"] == 2188


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"mde": 0.05}, "baseline"),
        ({"baseline": 1.2, "mde": 0.05}, "baseline"),
        ({"baseline": 0.9, "mde": 0.2}, "mde"),
        ({"baseline": 0.2, "mde": 0}, "mde"),
        ({"baseline": 0.2, "mde": 0.05, "alpha": 1.5}, "alpha"),
        ({"baseline": 0.2, "mde": 0.05, "power": 0}, "power"),
        ({"baseline": 0.2, "mde": 0.05, "ratio": -1}, "ratio"),
        ({"baseline": 0.2, "mde": 0.05, "alternative": "both"}, "alternative"),
        ({"baseline": 0.2, "mde": 0.05, "method": "t"}, "method"),
        ({"sd": -3, "mde": 1}, "sd"),
        ({"sd": 3, "mde": 0.1, "relative": True}, "baseline"),
    ],
)
def test_bad_parameters_name_themselves(kwargs, match):
    with pytest.raises(DataError, match=match):
        sample_size(**kwargs)


def test_bad_n_is_rejected():
    with pytest.raises(DataError, match="n: expected"):
        power(n=1, baseline=0.2, mde=0.05)
    with pytest.raises(DataError, match="no possible change"):
        minimum_detectable_effect(n=3, baseline=0.5, power=0.99)


def test_power_plot_marks_the_design():
    plan = sample_size(baseline=0.2, mde=0.05)
    fig = plan.plot()
    curve, point = fig.data
    assert point.x[0] == pytest.approx(plan.n_control_exact)
    assert point.y[0] == pytest.approx(0.8)
    assert curve.y[0] < 0.8 < curve.y[-1]
    assert "Power to detect +5.00 pts on 20.0%" in fig.layout.title.text
