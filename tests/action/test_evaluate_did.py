"""Difference-in-differences: TWFE references, planted effects, calibration, pre-trends."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from cjlib.action import PreTrendWarning, evaluate_change
from cjlib.errors import DataError

START = pd.Timestamp("2025-01-06")
CHANGE = START + pd.Timedelta(weeks=8)


def _panel(
    seed: int,
    *,
    effect: float = 0.0,
    units: int = 120,
    weeks: int = 16,
    pre_trend: float = 0.0,
) -> pd.DataFrame:
    """Customers x weeks: unit effects, common week shocks, a planted effect on the treated."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(units), weeks)
    week = np.tile(np.arange(weeks), units)
    treated = unit < units // 2
    post = week >= 8
    y = (
        rng.normal(0, 2, units)[unit]
        + rng.normal(0, 1, weeks)[week]
        + 0.1 * week
        + pre_trend * treated * week
        + effect * (treated & post)
        + rng.normal(0, 1, units * weeks)
    )
    return pd.DataFrame(
        {
            "customer_id": [f"c{u:04d}" for u in unit],
            "timestamp": START + pd.to_timedelta(week * 7 + 2, unit="D"),
            "segment": np.where(treated, "pilot", "rest"),
            "spend": y,
        }
    )


def _evaluate(data: pd.DataFrame, **kwargs):
    args = {
        "metric_col": "spend",
        "time_col": "timestamp",
        "change_date": CHANGE,
        "group_col": "segment",
        "treated": "pilot",
    }
    return evaluate_change(data, **{**args, **kwargs})


@pytest.mark.filterwarnings("ignore::cjlib.action.PreTrendWarning")
def test_unit_level_estimate_matches_statsmodels_two_way_fixed_effects():
    data = _panel(0, effect=1.5, units=40, weeks=12)
    res = _evaluate(data, unit_col="customer_id")
    frame = data.assign(
        week=((data["timestamp"] - START).dt.days // 7),
        d=((data["segment"] == "pilot") & (data["timestamp"] >= CHANGE)).astype(float),
    )
    ref = smf.ols("spend ~ C(customer_id) + C(week) + d", frame).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(frame["customer_id"])[0]}
    )
    row = res.table.iloc[0]
    assert row["estimate"] == pytest.approx(ref.params["d"], rel=1e-9)
    # same sandwich; statsmodels' small-sample factor counts all dummies in K, ours (as
    # Stata's reghdfe) leaves out the unit effects nested in the clusters
    n, k_ours, k_ref = len(frame), 1 + 12, ref.df_model + 1
    assert row["std_error"] == pytest.approx(
        ref.bse["d"] * math.sqrt((n - k_ref) / (n - k_ours)), rel=1e-9
    )
    assert res.info["standard errors"] == "cluster-robust by unit (40 units)"


def test_unbalanced_panel_matches_statsmodels_two_way_fixed_effects():
    data = _panel(1, effect=1.0, units=30, weeks=10).sample(frac=0.8, random_state=3)
    res = _evaluate(data, unit_col="customer_id")
    frame = data.assign(
        week=((data["timestamp"] - START).dt.days // 7),
        d=((data["segment"] == "pilot") & (data["timestamp"] >= CHANGE)).astype(float),
    )
    ref = smf.ols("spend ~ C(customer_id) + C(week) + d", frame).fit()
    assert res.estimate == pytest.approx(ref.params["d"], rel=1e-8)


def test_series_estimate_equals_two_way_fixed_effects_on_group_means():
    rng = np.random.default_rng(5)
    weeks = pd.date_range("2025-01-06", periods=30, freq="W-MON")
    rows = pd.DataFrame(
        {
            "week": np.tile(weeks, 3),
            "region": np.repeat(["north", "south", "east"], 30),
            "nps": 30 + rng.normal(0, 1, 90) + np.tile(np.arange(30) * 0.2, 3),
        }
    )
    treated = rows["region"].isin(["north", "east"]) & (rows["week"] >= "2025-05-05")
    rows.loc[treated, "nps"] += 4.0
    res = evaluate_change(
        rows,
        metric_col="nps",
        time_col="week",
        change_date="2025-05-05",
        group_col="region",
        treated=["north", "east"],
        errors="ols",
    )
    ref = smf.ols("nps ~ C(region) + C(week) + d", rows.assign(d=treated.astype(float))).fit()
    assert res.estimate == pytest.approx(ref.params["d"], rel=1e-9)
    assert res.ci_low < 4.0 < res.ci_high
    assert res.info["comparison"] == "south"


def test_planted_effect_is_recovered_from_unit_rows_and_from_period_means():
    data = _panel(2, effect=2.0)
    by_unit = _evaluate(data, unit_col="customer_id")
    by_period = _evaluate(data)
    for res in (by_unit, by_period):
        assert res.method == "did"
        assert res.ci_low < 2.0 < res.ci_high
        assert res.p_value < 0.001
    # both designs estimate the same DiD on a balanced panel
    assert by_unit.estimate == pytest.approx(by_period.estimate, rel=1e-9)


def test_null_effect_is_significant_at_about_the_nominal_rate():
    rejections = 0
    for seed in range(200):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PreTrendWarning)
            res = _evaluate(_panel(1000 + seed, units=60, weeks=10), unit_col="customer_id")
        rejections += res.p_value < 0.05
    # binomial(200, 0.05): mean 10, sd 3.1; accept 3..19
    assert 3 <= rejections <= 19


def test_diverging_pre_trends_warn():
    with pytest.warns(PreTrendWarning, match="parallel trends look violated"):
        res = _evaluate(_panel(3, effect=1.0, pre_trend=0.3), unit_col="customer_id")
    assert res.pre_trend["p_value"] < 0.05
    assert res.pre_trend["slope"] == pytest.approx(0.3, abs=0.1)
    assert any("parallel trends" in w for w in res.warnings)


def test_parallel_pre_trends_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error", PreTrendWarning)
        res = _evaluate(_panel(4, effect=1.0), unit_col="customer_id")
    assert res.pre_trend["p_value"] > 0.05


def test_plot_and_series():
    res = _evaluate(_panel(6, effect=2.0), unit_col="customer_id")
    series = res.series
    assert set(series["series"]) == {"treated", "comparison"}
    treated_post = series[(series["series"] == "treated") & series["post"]]
    gap = (treated_post["observed"] - treated_post["counterfactual"]).mean()
    assert gap == pytest.approx(res.estimate, rel=1e-9)
    fig = res.plot()
    names = [trace.name for trace in fig.data]
    assert "treated without the change" in names and "comparison (observed)" in names
    assert "DiD effect" in fig.layout.title.text
    assert "parallel" in res.summary()


def test_user_frame_is_not_mutated():
    data = _panel(7, effect=1.0, units=20, weeks=10)
    before = data.copy()
    _evaluate(data, unit_col="customer_id")
    _evaluate(data)
    pd.testing.assert_frame_equal(data, before)


def test_few_units_are_flagged():
    res = _evaluate(_panel(8, effect=1.0, units=10, weeks=10), unit_col="customer_id")
    assert any("only 10 units" in w for w in res.warnings)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"treated": "north"}, r"treated: \['north'\] not found.*\['pilot', 'rest'\]"),
        ({"treated": ["pilot", "rest"]}, "every group"),
        ({"treated": None}, "treated: give the value"),
        ({"method": "its"}, "group_col: method='its'"),
        ({"seasonality": 52}, "seasonality: applies to method='its'"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, match):
    with pytest.raises(DataError, match=match):
        _evaluate(_panel(0, units=10, weeks=10), **kwargs)


def test_units_switching_groups_are_rejected():
    data = _panel(0, units=10, weeks=10)
    data.loc[data.index[:3], "segment"] = "rest"
    with pytest.raises(DataError, match="unit_col: 1 unit"):
        _evaluate(data, unit_col="customer_id")
