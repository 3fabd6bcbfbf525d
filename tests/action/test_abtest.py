"""A/B tests: reference numbers from publications, scipy/statsmodels, planted effects."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from cjlib.action import SampleRatioMismatchWarning, ab_test
from cjlib.errors import DataError, SchemaError


def _conversion_frame(counts: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """One row per customer: variant -> (conversions, customers)."""
    frames = [
        pd.DataFrame({"variant": name, "converted": np.r_[np.ones(x), np.zeros(n - x)]})
        for name, (x, n) in counts.items()
    ]
    return pd.concat(frames, ignore_index=True)


def test_newcombe_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873-890, Table II example (a): 56/70 vs 48/80,
    # hybrid score interval (method 10) for the difference = 0.0524 to 0.3339.
    data = _conversion_frame({"control": (48, 80), "treatment": (56, 70)})
    row = ab_test(data, variant_col="variant", outcome_col="converted").table.iloc[0]
    assert row["difference"] == pytest.approx(0.2)
    assert row["ci_low"] == pytest.approx(0.0524, abs=5e-5)
    assert row["ci_high"] == pytest.approx(0.3339, abs=5e-5)


@pytest.mark.parametrize("counts", [((130, 1000), (100, 1000)), ((7, 300), (19, 280))])
def test_conversion_intervals_and_z_test_match_statsmodels(counts):
    (x1, n1), (x2, n2) = counts
    data = _conversion_frame({"A": (x2, n2), "B": (x1, n1)})
    row = ab_test(data, variant_col="variant", outcome_col="converted", test="z").table.iloc[0]
    low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-12)
    rr_low, rr_high = confint_proportions_2indep(x1, n1, x2, n2, compare="ratio", method="log")
    assert row["lift_ci_low"] == pytest.approx(rr_low - 1, abs=1e-12)
    assert row["lift_ci_high"] == pytest.approx(rr_high - 1, abs=1e-12)
    z, p = proportions_ztest([x1, x2], [n1, n2])
    assert row["statistic"] == pytest.approx(z)
    assert row["p_value"] == pytest.approx(p, rel=1e-10)


def test_small_counts_use_fisher_exact():
    data = _conversion_frame({"control": (1, 20), "B": (6, 20)})
    row = ab_test(data, variant_col="variant", outcome_col="converted").table.iloc[0]
    assert row["test"] == "fisher"
    assert row["p_value"] == pytest.approx(stats.fisher_exact([[6, 14], [1, 19]]).pvalue)


def test_revenue_matches_scipy_welch_and_mann_whitney():
    rng = np.random.default_rng(7)
    a, b = rng.gamma(2.0, 12.0, 800), rng.gamma(2.0, 13.5, 750)
    data = pd.DataFrame({"arm": ["A"] * 800 + ["B"] * 750, "revenue": np.r_[a, b]})
    row = ab_test(data, variant_col="arm", outcome_col="revenue").table.iloc[0]
    ref = stats.ttest_ind(b, a, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-10)
    assert row["df"] == pytest.approx(ref.df, rel=1e-10)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-10)
    mw = stats.mannwhitneyu(b, a, alternative="two-sided")
    assert row["p_mann_whitney"] == pytest.approx(mw.pvalue)
    # the percentile bootstrap agrees with Welch on a sample this size (within 10 % of width)
    width = row["ci_high"] - row["ci_low"]
    assert abs(row["boot_ci_low"] - row["ci_low"]) < 0.1 * width
    assert abs(row["boot_ci_high"] - row["ci_high"]) < 0.1 * width


def test_bca_bootstrap_agrees_with_scipy():
    rng = np.random.default_rng(3)
    a, b = rng.lognormal(2.0, 1.2, 400), rng.lognormal(2.2, 1.2, 300)
    data = pd.DataFrame({"v": ["A"] * 400 + ["B"] * 300, "r": np.r_[a, b]})
    row = ab_test(
        data, variant_col="v", outcome_col="r", n_bootstrap=8000, expected_ratio={"A": 4, "B": 3}
    ).table.iloc[0]

    def diff(x, y, axis=-1):
        return x.mean(axis=axis) - y.mean(axis=axis)

    def lift(x, y, axis=-1):
        return x.mean(axis=axis) / y.mean(axis=axis) - 1

    for statistic, low, high in (
        (diff, "boot_ci_low", "boot_ci_high"),
        (lift, "lift_ci_low", "lift_ci_high"),
    ):
        ref = stats.bootstrap(
            (b, a), statistic, method="BCa", n_resamples=8000, random_state=np.random.default_rng(9)
        ).confidence_interval
        width = ref.high - ref.low
        # two independent Monte Carlo runs of the same interval: agree within 6 % of width
        assert abs(row[low] - ref.low) < 0.06 * width
        assert abs(row[high] - ref.high) < 0.06 * width


def test_bootstrap_is_seeded():
    rng = np.random.default_rng(1)
    data = pd.DataFrame({"v": np.repeat(["A", "B"], 300), "r": rng.lognormal(2, 1, 600)})
    first = ab_test(data, variant_col="v", outcome_col="r", random_state=5).table
    again = ab_test(data, variant_col="v", outcome_col="r", random_state=5).table
    other = ab_test(data, variant_col="v", outcome_col="r", random_state=6).table
    pd.testing.assert_frame_equal(first, again)
    assert first.loc[0, "boot_ci_low"] != other.loc[0, "boot_ci_low"]


def test_planted_conversion_lift_is_recovered():
    rng = np.random.default_rng(11)
    n = 20_000
    data = pd.DataFrame(
        {
            "variant": np.repeat(["control", "new_checkout"], n),
            "converted": np.r_[rng.random(n) < 0.10, rng.random(n) < 0.12],
        }
    )
    res = ab_test(data, variant_col="variant", outcome_col="converted")
    row = res.table.iloc[0]
    assert res.kind == "conversion" and res.control == "control"
    assert row["ci_low"] < 0.02 < row["ci_high"]
    assert row["lift_ci_low"] < 0.20 < row["lift_ci_high"]
    assert row["significant"]


def test_planted_revenue_lift_is_recovered():
    rng = np.random.default_rng(12)
    n = 6000
    mu = np.log(40.0) - 0.5
    data = pd.DataFrame(
        {
            "variant": np.repeat(["control", "bundle"], n),
            "revenue": np.r_[rng.lognormal(mu, 1.0, n), 1.10 * rng.lognormal(mu, 1.0, n)],
        }
    )
    row = ab_test(data, variant_col="variant", outcome_col="revenue").table.iloc[0]
    assert row["ci_low"] < 4.0 < row["ci_high"]  # true difference: 44 - 40
    assert row["lift_ci_low"] < 0.10 < row["lift_ci_high"]
    assert row["significant"]


def test_null_conversion_tests_reject_at_about_alpha():
    rejections = 0
    seeds = range(300)
    for seed in seeds:
        rng = np.random.default_rng(seed)
        data = pd.DataFrame(
            {
                "variant": np.repeat(["A", "B"], 1500),
                "converted": rng.random(3000) < 0.15,
            }
        )
        res = ab_test(data, variant_col="variant", outcome_col="converted")
        rejections += bool(res.table.loc[0, "significant"])
    # binomial(300, 0.05): mean 15, sd 3.8; accept 5..28
    assert 5 <= rejections <= 28


def test_several_variants_are_holm_adjusted():
    data = _conversion_frame(
        {"control": (200, 2000), "B": (245, 2000), "C": (215, 2000), "D": (260, 2000)}
    )
    res = ab_test(data, variant_col="variant", outcome_col="converted")
    table = res.table
    assert list(table["variant"]) == ["B", "C", "D"]
    expected = multipletests(table["p_value"], method="holm")[1]
    np.testing.assert_allclose(table["p_adjusted"], expected, rtol=1e-12)
    assert res.info["multiplicity"] == "Holm"
    assert list(res.groups["variant"]) == ["B", "C", "D", "control"]


def test_sample_ratio_mismatch_warns_and_is_recorded():
    data = _conversion_frame({"A": (100, 5000), "B": (110, 5400)})
    with pytest.warns(SampleRatioMismatchWarning, match="sample-ratio mismatch"):
        res = ab_test(data, variant_col="variant", outcome_col="converted")
    ref = stats.chisquare([5000, 5400])
    assert res.srm["p_value"] == pytest.approx(ref.pvalue)
    assert res.srm["mismatch"] and res.warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        designed = ab_test(
            _conversion_frame({"A": (100, 3300), "B": (200, 6700)}),
            variant_col="variant",
            outcome_col="converted",
            expected_ratio={"A": 1, "B": 2},
        )
    assert not designed.srm["mismatch"]


def test_control_choice():
    data = _conversion_frame({"treatment": (30, 100), "Control": (20, 100)})
    assert ab_test(data, variant_col="variant", outcome_col="converted").control == "Control"
    picked = ab_test(data, variant_col="variant", outcome_col="converted", control="treatment")
    assert picked.table.loc[0, "variant"] == "Control"
    assert picked.table.loc[0, "difference"] == pytest.approx(-0.1)


def test_user_frame_is_not_mutated_and_to_pandas_is_accepted():
    data = _conversion_frame({"A": (30, 200), "B": (45, 200)})
    before = data.copy()

    class Wrapped:
        def to_pandas(self) -> pd.DataFrame:
            return data

    via_wrapper = ab_test(Wrapped(), variant_col="variant", outcome_col="converted")
    direct = ab_test(data, variant_col="variant", outcome_col="converted")
    pd.testing.assert_frame_equal(data, before)
    pd.testing.assert_frame_equal(via_wrapper.table, direct.table)


def test_result_protocol():
    rng = np.random.default_rng(2)
    data = pd.DataFrame({"v": np.repeat(["A", "B", "C"], 400), "r": rng.gamma(2, 10, 1200)})
    res = ab_test(data, variant_col="v", outcome_col="r", n_bootstrap=200)
    table = res.table
    table.loc[0, "difference"] = 1e9
    assert res.table.loc[0, "difference"] != 1e9
    assert "B vs A" in res.summary() and "Holm" in res.summary()
    json.dumps(res.to_dict())
    assert "<table" in res._repr_html_()
    fig = res.plot()
    assert list(fig.data[0].y) == ["C", "B"]
    assert fig.layout.xaxis.title.text == "difference in mean vs A"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"variant_col": "arm"}, SchemaError, "variant_col.*'arm'"),
        ({"outcome_col": "sales"}, SchemaError, "outcome_col.*'sales'"),
        ({"kind": "ratio"}, DataError, "kind"),
        ({"control": "Z"}, DataError, "control: 'Z'"),
        ({"alpha": 2}, DataError, "alpha"),
        ({"test": "chi2"}, DataError, "test"),
        ({"n_bootstrap": -1}, DataError, "n_bootstrap"),
        ({"expected_ratio": {"A": 1}}, DataError, "expected_ratio"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, error, match):
    data = _conversion_frame({"A": (10, 50), "B": (12, 50)})
    args = {"variant_col": "variant", "outcome_col": "converted", **kwargs}
    with pytest.raises(error, match=match):
        ab_test(data, **args)


def test_bad_data_is_named():
    data = pd.DataFrame({"v": ["A", "A", "B", "B"], "y": [1.0, np.nan, 0.0, 1.0]})
    with pytest.raises(DataError, match="y: 1 missing values"):
        ab_test(data, variant_col="v", outcome_col="y")
    text = pd.DataFrame({"v": ["A", "A", "B", "B"], "y": ["yes", "no", "no", "yes"]})
    with pytest.raises(DataError, match=r"outcome_col.*dtype"):
        ab_test(text, variant_col="v", outcome_col="y")
    numbers = pd.DataFrame({"v": ["A", "A", "B", "B"], "y": [2.0, 0.0, 1.0, 1.0]})
    with pytest.raises(DataError, match=r"kind='conversion'.*\[2.0\]"):
        ab_test(numbers, variant_col="v", outcome_col="y", kind="conversion")
    single = pd.DataFrame({"v": ["A"] * 4, "y": [0, 1, 0, 1]})
    with pytest.raises(DataError, match="at least two"):
        ab_test(single, variant_col="v", outcome_col="y")
    tiny = pd.DataFrame({"v": ["A", "A", "B"], "y": [0, 1, 1]})
    with pytest.raises(DataError, match="'B' has 1 customer"):
        ab_test(tiny, variant_col="v", outcome_col="y")
