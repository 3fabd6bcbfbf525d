"""moments_that_matter: reach × effect × value per customer, placed on the map and ranked."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from measure_reference import simulated, tiny_events, tiny_map

import cjlib
from cjlib.action import MomentsResult, moments_that_matter
from cjlib.action._moments import COLUMNS, _rd_from_or
from cjlib.errors import DataError
from cjlib.events import flag, repeat_within
from cjlib.stats import link

LANDMARK_DAYS = 150
EXPLICIT = {"coverage_problem": "coverage", "onboarding_completed": "pp_family_linking"}


def _landmark_table(data) -> pd.DataFrame:
    """Exposure in the first LANDMARK_DAYS after the start; outcome: churn afterwards, among
    customers still active at the landmark (no immortal-time bias)."""
    c = data.customers[["customer_id", "start_date", "tenure_days", "churned", "plan"]]
    ev = data.events.merge(c[["customer_id", "start_date"]], on="customer_id")
    window = pd.Timedelta(days=LANDMARK_DAYS)
    since_start = ev["timestamp"] - ev["start_date"]
    early = ev[(since_start >= pd.Timedelta(0)) & (since_start < window)]

    def exposed(event: str) -> pd.Series:
        return c["customer_id"].isin(early.loc[early["event"].eq(event), "customer_id"])

    table = c.assign(
        coverage_problem=exposed("coverage_issue"),
        onboarding_completed=exposed("onboarding_complete"),
        has_billing_dispute=exposed("billing_dispute"),
    )
    return table[table["tenure_days"] > LANDMARK_DAYS].reset_index(drop=True)


def _moments(hazard_ratios: tuple) -> MomentsResult:
    _, data, _, mm = simulated(2000, 5, hazard_ratios)
    res = link(
        _landmark_table(data),
        outcome="churned",
        higher_is_worse=True,
        signals=["coverage_problem", "onboarding_completed", "has_billing_dispute"],
        controls=["plan"],
    )
    return moments_that_matter(mm, res, signal_touchpoints=EXPLICIT)


# ------------------------------------------------------------------ planted effects
def test_the_top_moment_is_the_planted_harmful_signal():
    planted = (("coverage_problem", 3.0), ("dispute_escalation", 1.0),
               ("onboarding_completed", 1.0))
    table = _moments(planted).table
    top = table.iloc[0]
    assert (top["touchpoint"], top["signal"], top["at_risk"]) == (
        "coverage", "coverage_problem", "exposed")
    assert top["owner"] == "network" and top["stage"] == "usage"
    assert top["pain_point"] == "pp_indoor_coverage"
    assert top["value_at_risk_ci_low"] > 0
    assert table["value_at_risk"].is_monotonic_decreasing


def test_the_top_moment_is_the_planted_protective_signal_missed():
    planted = (("coverage_problem", 1.0), ("dispute_escalation", 1.0),
               ("onboarding_completed", 0.3))
    top = _moments(planted).table.iloc[0]
    assert (top["touchpoint"], top["signal"], top["at_risk"]) == (
        "welcome", "onboarding_completed", "not exposed")
    assert top["pain_point"] == "pp_family_linking"
    assert top["effect"] > 0 and top["effect_ci_low"] > 0


# ------------------------------------------------------------------ arithmetic
@pytest.fixture(scope="module")
def small():
    jm, data, log, mm = simulated()
    spec = [
        repeat_within("support_call", after="billing_dispute", window="14D", name="escalation"),
        flag("coverage_issue", name="coverage_problem"),
        flag("support_chat"),
    ]
    signals = log.signals(spec)
    table = data.customers.merge(signals.table, on="customer_id")
    res = link(table, outcome="churned", signals=[s.name for s in spec], higher_is_worse=True)
    return jm, data, mm, signals, res


def test_value_at_risk_is_reach_times_effect_times_value(small):
    _, _data, mm, signals, res = small
    out = moments_that_matter(mm, res, signals=signals, clv=250.0, horizon="1Y").table
    lt = res.table
    span_days = (mm.period[1] - mm.period[0]) / pd.Timedelta(days=1)
    factor = 365.25 / span_days
    for _, row in out.iterrows():
        ref = lt.loc[row["signal"]]
        harmful = ref["effect"] >= 0
        n = ref["n_exposed"] if harmful else ref["n_unexposed"]
        assert row["reach_observed"] == n
        assert row["reach"] == pytest.approx(n * factor)
        assert row["effect"] == pytest.approx(abs(ref["effect"]))
        assert row["value_per_customer"] == 250.0
        assert row["value_at_risk"] == pytest.approx(row["reach"] * row["effect"] * 250.0)
        assert row["value_at_risk_ci_low"] <= row["value_at_risk"] <= row["value_at_risk_ci_high"]
    assert list(out.columns) == COLUMNS


def test_signals_land_on_the_touchpoints_of_their_events(small):
    _, _, mm, signals, res = small
    out = moments_that_matter(mm, res, signals=signals).table.set_index("signal")
    # a sequence signal lands on its trigger (the dispute), not on the calls that follow
    assert out.loc["escalation", "touchpoint"] == "dispute"
    assert out.loc["escalation", "mapped_by"] == "spec (repeat_within)"
    assert out.loc["escalation", "pain_point"] == "pp_dispute_slow"  # the critical one
    assert out.loc["coverage_problem", "touchpoint"] == "coverage"
    assert out.loc["has_support_chat", "touchpoint"] == "chat"
    assert out.loc["has_support_chat", "owner"] == "customer_care"


def test_without_a_spec_names_and_explicit_mapping_place_signals(small):
    _, _, mm, _, res = small
    got = moments_that_matter(mm, res, signal_touchpoints={"escalation": "pp_hold_time"})
    out = got.table.set_index("signal")
    assert out.loc["escalation", "touchpoint"] == "call_centre"
    assert out.loc["escalation", "pain_point"] == "pp_hold_time"
    assert out.loc["has_support_chat", "mapped_by"] == "name"
    # coverage_problem: no spec, and its name is no event or touchpoint -> left out, said so
    assert "coverage_problem" not in out.index
    assert any("coverage_problem" in w and "signal_touchpoints" in w for w in got.warnings)


def test_default_value_is_revenue_per_customer_year(small):
    _, data, mm, signals, res = small
    got = moments_that_matter(mm, res, signals=signals, horizon="2Y")
    c = data.customers
    per_year = c["revenue"].sum() / (c["tenure_days"].sum() / 365.25)
    assert got.table["value_per_customer"].iloc[0] == pytest.approx(2 * per_year)
    per_customer = moments_that_matter(mm, res, signals=signals, clv=c["revenue"].to_numpy())
    assert per_customer.table["value_per_customer"].iloc[0] == pytest.approx(c["revenue"].mean())


def test_bootstrap_is_seeded_and_wider_with_uncertain_value(small):
    _, _data, mm, signals, res = small
    a = moments_that_matter(mm, res, signals=signals, clv=100.0, seed=3).table
    b = moments_that_matter(mm, res, signals=signals, clv=100.0, seed=3).table
    pd.testing.assert_frame_equal(a, b)
    spread = np.random.default_rng(0).gamma(0.5, 200.0, 400)  # mean 100, very uncertain
    c = moments_that_matter(mm, res, signals=signals, clv=spread, seed=3).table
    width = lambda t: (t["value_at_risk_ci_high"] - t["value_at_risk_ci_low"]).iloc[0]  # noqa: E731
    assert width(c) > width(a)


def test_adjusted_effect_uses_the_zhang_yu_conversion():
    # Zhang & Yu (1998): OR 2 at baseline risk 0.2 -> RR 2 / (0.8 + 0.4) = 1.667, RD 0.1333
    assert _rd_from_or(np.array([2.0]), np.array([0.2]))[0] == pytest.approx(0.2 * (2 / 1.2 - 1))
    assert _rd_from_or(np.array([1.0]), np.array([0.3]))[0] == 0.0


def test_adjusted_effect_column(small):
    _, _, mm, signals, res = small
    out = moments_that_matter(mm, res, signals=signals, effect="adjusted").table
    lt = res.table
    row = out.set_index("signal").loc["coverage_problem"]
    ref = lt.loc["coverage_problem"]
    expected = _rd_from_or(np.array([ref["or_adj"]]), np.array([ref["rate_unexposed"]]))[0]
    assert row["effect"] == pytest.approx(abs(expected))


def test_continuous_outcomes_count_lost_value_directly():
    _, data, log, mm = simulated()
    signals = log.signals([flag("billing_dispute")])
    table = data.customers.merge(signals.table, on="customer_id")
    res = link(table, outcome="revenue", signals=["has_billing_dispute"], n_boot=200,
               higher_is_worse=False)
    row = moments_that_matter(mm, res, signals=signals, horizon=None).table.iloc[0]
    diff = res.table.loc["has_billing_dispute", "effect"]
    assert row["value_per_customer"] == 1.0
    assert row["effect"] == pytest.approx(abs(diff))
    assert row["at_risk"] == ("not exposed" if diff > 0 else "exposed")


# ------------------------------------------------------------------ conventions and errors
def test_result_conventions(small):
    _, _, mm, signals, res = small
    got = moments_that_matter(mm, res, signals=signals)
    assert isinstance(got.plot(), go.Figure)
    json.dumps(got.to_dict())
    assert "value at risk per year" in got.summary().splitlines()[0]
    assert "value at risk" in got.summary() and "<table" in got._repr_html_()


def test_bad_input_is_named(small):
    _, _, mm, _signals, res = small
    with pytest.raises(DataError, match="measured_map"):
        moments_that_matter("mm", res)
    with pytest.raises(DataError, match="link_result"):
        moments_that_matter(mm, pd.DataFrame())
    with pytest.raises(DataError, match="effect must be"):
        moments_that_matter(mm, res, effect="hr")
    with pytest.raises(DataError, match="horizon"):
        moments_that_matter(mm, res, horizon="soon")
    with pytest.raises(DataError, match="clv"):
        moments_that_matter(mm, res, clv=-5.0)
    with pytest.raises(DataError, match="names signal"):
        moments_that_matter(mm, res, signal_touchpoints={"nope": "dispute"})
    with pytest.raises(DataError, match="neither a touchpoint id nor a pain point"):
        moments_that_matter(mm, res, signal_touchpoints={"escalation": "nowhere"})


def test_without_customers_a_value_is_required():
    mm = cjlib.measure(tiny_map(), cjlib.EventLog.from_pandas(tiny_events()))
    res = link(pd.DataFrame({"has_a1": [True, False] * 20, "churned": [True, False] * 20}),
               outcome="churned", signals=["has_a1"], higher_is_worse=True)
    with pytest.raises(DataError, match="pass clv="):
        moments_that_matter(mm, res)
    assert moments_that_matter(mm, res, clv=10.0).table["touchpoint"].tolist() == ["a"]


def test_plot_ranks_bars_by_value_at_risk_across_owners(small):
    _, _, mm, signals, res = small
    got = moments_that_matter(mm, res, signals=signals, clv=250.0, horizon="1Y")
    assert got.table["owner"].nunique() > 1  # one trace per owner: the case that mis-ordered
    fig = got.plot()
    value = {y: x for tr in fig.data for x, y in zip(tr.x, tr.y, strict=True)}
    assert fig.layout.yaxis.categoryorder == "array"
    order = list(fig.layout.yaxis.categoryarray)  # bottom to top
    assert sorted(order) == sorted(value)
    assert [value[label] for label in order] == sorted(value.values())  # largest at the top
    assert fig.layout.xaxis.title.text == "value at risk per year"
    fig = moments_that_matter(mm, res, signals=signals, clv=250.0, horizon="180D").plot()
    assert fig.layout.xaxis.title.text == "value at risk per 180 days"


def test_horizon_words():
    from cjlib.action._moments import _horizon_words

    cases = {"1Y": "year", "2Y": "2 years", "0.5y": "0.5 years", "180D": "180 days",
             "14D": "2 weeks", "6h": "6 hours", None: ""}
    assert {k: _horizon_words(k) for k in cases} == cases
