"""Transitions, step flows and funnels against hand-computed values and pandas references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from events_reference import random_log, ref_funnel, ref_transitions

from cjlib.errors import DataError

pytestmark = pytest.mark.filterwarnings("ignore::cjlib.events.DuplicateEventsWarning")


def _hand() -> pd.DataFrame:
    # customer a: visit 10:00, then two events at the same minute (input order decides),
    # customer b: visit, visit, buy
    return pd.DataFrame(
        {
            "customer_id": ["a", "b", "a", "a", "b", "b"],
            "timestamp": pd.to_datetime(
                [
                    "2024-01-01 10:00:00",
                    "2024-01-02 08:00:00",
                    "2024-01-01 10:30:00",
                    "2024-01-01 10:30:00",
                    "2024-01-02 08:00:01.5",
                    "2024-01-02 09:00:00",
                ],
                format="ISO8601",
            ),
            "event": ["visit", "visit", "cart", "buy", "visit", "buy"],
            "channel": ["web", "app", "web", "app", "app", "app"],
        }
    )


def test_transitions_hand_computed(make_log):
    result = make_log(_hand()).transitions()
    t = result.table
    assert list(t.columns) == ["event", "next_event", "n", "share", "median_gap"]
    rows = {(r.event, r.next_event): r for r in t.itertuples(index=False)}
    # a: visit→cart (30 min), cart→buy (0 s: tie kept in input order)
    # b: visit→visit (1.5 s), visit→buy (59 min 58.5 s)
    assert set(rows) == {("visit", "cart"), ("cart", "buy"), ("visit", "visit"), ("visit", "buy")}
    assert rows[("cart", "buy")].median_gap == pd.Timedelta(0)
    assert rows[("visit", "visit")].median_gap == pd.Timedelta(seconds=1.5)
    assert rows[("visit", "buy")].median_gap == pd.Timedelta(minutes=59, seconds=58.5)
    assert rows[("visit", "cart")].share == pytest.approx(1 / 3)
    assert rows[("cart", "buy")].share == 1.0
    assert t["n"].sum() == 4
    assert isinstance(t["median_gap"].dtype, np.dtype) and t["median_gap"].dtype.kind == "m"
    assert "4 transitions among 2 customers" in result.summary()
    d = result.to_dict()
    assert d["table"][0]["median_gap"] is not None


def test_transitions_match_pandas_reference(make_log):
    df = random_log(40, seed=11)
    got = make_log(df).transitions().table
    ref = ref_transitions(df)
    merged = got.merge(ref, on=["event", "next_event"], suffixes=("", "_ref"), how="outer")
    assert len(merged) == len(got) == len(ref)
    assert (merged["n"] == merged["n_ref"]).all()
    assert np.allclose(merged["share"], merged["share_ref"])
    assert (merged["median_gap"] == merged["median_gap_ref"]).all()


def test_transitions_per_channel(make_log):
    t = make_log(_hand()).transitions(per_channel=True).table
    assert list(t.columns[:3]) == ["channel", "event", "next_event"]
    web = t[t["channel"] == "web"].set_index(["event", "next_event"])["n"].to_dict()
    assert web == {("visit", "cart"): 1, ("cart", "buy"): 1}


def test_step_flows_hand_computed(make_log):
    flows = make_log(_hand()).step_flows(max_steps=3).table
    got = {(r.step, r.source, r.target): r.n for r in flows.itertuples(index=False)}
    assert got == {
        (0, "visit", "cart"): 1,
        (0, "visit", "visit"): 1,
        (1, "cart", "buy"): 1,
        (1, "visit", "buy"): 1,
    }


def test_step_flows_drop_off_other_and_anchor(make_log):
    df = random_log(60, seed=5)
    log = make_log(df)
    result = log.step_flows(max_steps=4, top_k=2)
    t = result.table
    # every customer leaves step 0 once: flows from step 0 sum to the customers
    assert t.loc[t["step"] == 0, "n"].sum() == df["customer_id"].nunique() == result.n_customers
    for step in range(3):
        named = set(t.loc[t["step"] == step, "source"]) - {"other"}
        assert len(named) <= 2
    # conservation: what enters step k+1 (except drop-off) leaves step k+1
    for step in range(2):
        into = t[(t["step"] == step) & (t["target"] != "(drop-off)")]["n"].sum()
        assert into == t.loc[t["step"] == step + 1, "n"].sum()
    anchored = log.step_flows(max_steps=3, anchor="cart").table
    assert anchored["step"].min() <= -1 and anchored["step"].max() == 1
    assert set(anchored.loc[anchored["step"] == 0, "source"]) <= {"cart"}
    with pytest.raises(DataError, match="never occurs"):
        log.step_flows(anchor="teleport")
    with pytest.raises(DataError, match="max_steps"):
        log.step_flows(max_steps=1)


def test_funnel_hand_computed_with_wilson_intervals(make_log):
    log = make_log(_hand())
    f = log.funnel(["visit", "cart", "buy"])
    t = f.table
    assert t["customers"].tolist() == [2, 1, 1]
    assert t["conversion_from_previous"].tolist() == [1.0, 0.5, 1.0]
    # Wilson 95% interval for 1/2: 0.0945 .. 0.9055 (e.g. statsmodels proportion_confint
    # (1, 2, method="wilson") = (0.09453, 0.90547))
    assert t.loc[1, "ci_low_start"] == pytest.approx(0.094531, abs=1e-6)
    assert t.loc[1, "ci_high_start"] == pytest.approx(0.905469, abs=1e-6)
    assert t.loc[1, "median_time_from_previous"] == pd.Timedelta(minutes=30)
    assert t.loc[2, "median_time_from_previous"] == pd.Timedelta(0)  # tie in input order
    # buy before cart in input order at the same minute: ordered funnel cart→buy fails
    assert log.funnel(["visit", "buy", "cart"]).table["customers"].tolist() == [2, 2, 0]
    assert log.funnel(["visit", "buy", "cart"], ordered=False).table["customers"].tolist() == [
        2, 2, 1
    ]
    assert log.funnel(["visit", "buy"], within="59min").table["customers"].tolist() == [2, 1]
    assert log.funnel([["cart", "buy"]]).table["customers"].tolist() == [2]
    assert "Wilson" in f.summary()


def test_funnel_matches_pandas_reference(make_log):
    df = random_log(80, seed=2)
    log = make_log(df)
    steps = ["visit", "view", "cart", "buy"]
    assert log.funnel(steps).table["customers"].tolist() == ref_funnel(df, steps, None)
    week = pd.Timedelta("2D")
    assert log.funnel(steps, within=week).table["customers"].tolist() == ref_funnel(
        df, steps, week
    )


def test_funnel_rejects_bad_input(make_log):
    log = make_log(_hand())
    with pytest.raises(DataError, match="matches no event"):
        log.funnel(["visit", "teleport"])
    with pytest.raises(DataError, match="list of at least one step"):
        log.funnel("visit")
    with pytest.raises(DataError, match="within must be"):
        log.funnel(["visit"], within="soon")
    with pytest.raises(DataError, match="confidence"):
        log.funnel(["visit"], confidence=95)
