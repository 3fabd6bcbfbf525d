"""The outcome's direction is explicit: stated on link(), carried to moments and the backlog,
named in every summary, and a good outcome is never costed as a loss."""

from __future__ import annotations

import pandas as pd
import pytest
from backlog_reference import moments, small_map
from measure_reference import tiny_events, tiny_map

import cjlib
from cjlib.action import MomentsResult, moments_that_matter, prioritise
from cjlib.errors import DataError
from cjlib.stats import link


@pytest.fixture(scope="module")
def measured():
    return cjlib.measure(tiny_map(), cjlib.EventLog.from_pandas(tiny_events()))


def _purchases() -> pd.DataFrame:
    """Planted: 300 exposed customers buy at 60 %, 700 unexposed at 15 % (+45 points)."""
    exposed = [True] * 300 + [False] * 700
    bought = [True] * 180 + [False] * 120 + [True] * 105 + [False] * 595
    return pd.DataFrame({"has_a1": exposed, "purchased": bought})


def test_direction_is_required_and_named(measured):
    res = link(_purchases(), outcome="purchased", signals=["has_a1"])
    assert res.higher_is_worse is None
    with pytest.raises(DataError, match=r"higher_is_worse=True .* or higher_is_worse=False"):
        moments_that_matter(measured, res, clv=10.0, horizon=None)
    with pytest.raises(DataError, match="higher_is_worse must be True"):
        link(_purchases(), outcome="purchased", signals=["has_a1"], higher_is_worse="up")


def test_a_signal_that_raises_a_good_outcome_is_a_missed_gain_not_a_loss(measured):
    res = link(_purchases(), outcome="purchased", signals=["has_a1"], higher_is_worse=False)
    assert res.table.loc["has_a1", "effect"] == pytest.approx(0.45)
    assert "purchased: higher is better" in res.summary()
    got = moments_that_matter(measured, res, clv=10.0, horizon=None)
    row = got.table.iloc[0]
    # the customers at risk are the 700 who missed the signal, each losing 0.45 purchases
    assert row["at_risk"] == "not exposed"
    assert row["reach_observed"] == 700
    assert row["effect"] == pytest.approx(0.45)
    assert row["value_at_risk"] == pytest.approx(700 * 0.45 * 10.0)
    assert "purchased: higher is better" in got.summary()
    assert got.info["direction"] == "purchased: higher is better"


def test_the_direction_on_moments_overrides_nothing_silently(measured):
    res = link(_purchases(), outcome="purchased", signals=["has_a1"], higher_is_worse=False)
    with pytest.raises(DataError, match="contradicts the link result"):
        moments_that_matter(measured, res, clv=10.0, higher_is_worse=True)
    same = moments_that_matter(measured, res, clv=10.0, higher_is_worse=False, horizon=None)
    assert same.table.iloc[0]["at_risk"] == "not exposed"


def test_flipping_the_outcome_and_its_direction_gives_the_same_moments(measured):
    """purchased (higher is better) and not_purchased (higher is worse) are one fact."""
    df = _purchases().assign(not_purchased=lambda d: ~d["purchased"])
    good = link(df, outcome="purchased", signals=["has_a1"], higher_is_worse=False)
    bad = link(df, outcome="not_purchased", signals=["has_a1"], higher_is_worse=True)
    a = moments_that_matter(measured, good, clv=10.0, horizon=None).table
    b = moments_that_matter(measured, bad, clv=10.0, horizon=None).table
    cols = ["at_risk", "reach_observed", "effect", "value_at_risk"]
    pd.testing.assert_frame_equal(a[cols], b[cols], rtol=1e-9)


def test_a_direction_given_only_to_moments_is_enough(measured):
    res = link(_purchases(), outcome="purchased", signals=["has_a1"])
    got = moments_that_matter(measured, res, clv=10.0, horizon=None, higher_is_worse=False)
    assert got.table.iloc[0]["at_risk"] == "not exposed"
    assert got.info["direction"] == "purchased: higher is better"


def test_the_backlog_names_the_direction_of_its_moments():
    found = MomentsResult(moments(), title="m", info={"direction": "churned: higher is worse"})
    backlog = prioritise(small_map(), found)
    assert backlog.info["direction"] == "churned: higher is worse"
    assert "direction: churned: higher is worse" in backlog.summary()


def test_without_revenue_moments_rank_by_customers(measured):
    """A clickstream has no revenue: rank by customers lost / conversions missed."""
    res = link(_purchases(), outcome="purchased", signals=["has_a1"], higher_is_worse=False)
    with pytest.raises(DataError, match="rank_by='customers'"):
        moments_that_matter(measured, res)  # the tiny log's measure() had no customers table
    got = moments_that_matter(measured, res, rank_by="customers", horizon=None)
    row = got.table.iloc[0]
    # 700 customers missed the signal, each 0.45 less likely to buy: 315 purchases missed
    assert row["value_per_customer"] == 1.0
    assert row["value_at_risk"] == pytest.approx(315.0)
    assert got.info["unit"] == "customers"
    assert got.plot().layout.xaxis.title.text == "customers at risk per measured period"
    # a value per conversion turns it into money: 315 purchases × 40
    money = moments_that_matter(measured, res, clv=40.0, horizon=None)
    assert money.table.iloc[0]["value_at_risk"] == pytest.approx(315.0 * 40.0)
    with pytest.raises(DataError, match="rank_by must be"):
        moments_that_matter(measured, res, rank_by="money")


def test_a_count_based_backlog_is_in_customers():
    found = MomentsResult(moments(), title="m", info={"unit": "customers"})
    assert prioritise(small_map(), found).currency == "customers"
