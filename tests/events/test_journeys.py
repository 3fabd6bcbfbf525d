"""Sessions, journeys, journey KPIs and signals: hand-computed values and pandas references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from events_reference import random_log, ref_sessions

from cjlib.errors import DataError, SchemaError
from cjlib.events import (
    channel_switches,
    count,
    first_time,
    flag,
    last_time,
    path_length,
    repeat_within,
    time_between,
)
from cjlib.events._kpis import csat_interval, nps_interval

pytestmark = pytest.mark.filterwarnings("ignore::cjlib.events.DuplicateEventsWarning")

T = pd.Timestamp


def _support() -> pd.DataFrame:
    rows = [
        # a: dispute, two calls within 14 days -> repeat contact; journey succeeds
        ("a", "2024-01-01 09:00", "billing_dispute", "web"),
        ("a", "2024-01-03 09:00", "support_call", "phone"),
        ("a", "2024-01-10 09:00", "support_call", "phone"),
        ("a", "2024-01-11 09:00", "resolved", "email"),
        # b: dispute, one call within 14 days, one after -> no repeat; journey fails
        ("b", "2024-01-01 09:00", "billing_dispute", "app"),
        ("b", "2024-01-05 09:00", "support_call", "phone"),
        ("b", "2024-01-20 09:00", "support_call", "phone"),
        ("b", "2024-01-21 09:00", "churn", "web"),
        # c: calls but no dispute; dispute later and nothing after -> open / abandoned
        ("c", "2024-01-02 10:00", "support_call", "phone"),
        ("c", "2024-01-02 10:10", "support_call", "phone"),
        ("c", "2024-01-25 10:00", "billing_dispute", "web"),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "timestamp", "event", "channel"])
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    return df


def test_sessions_match_pandas_reference(make_log):
    df = random_log(30, seed=4)
    got = make_log(df).sessions(gap="45min").table
    ref = ref_sessions(df, pd.Timedelta("45min"))
    assert len(got) == len(ref)
    cols = ["customer_id", "session", "start", "end", "n_events", "first_event", "last_event"]
    pd.testing.assert_frame_equal(
        got[cols].reset_index(drop=True), ref[cols].reset_index(drop=True), check_dtype=False
    )
    assert (got["duration"] == got["end"] - got["start"]).all()


def test_journeys_outcomes_hand_computed(make_log):
    log = make_log(_support())
    j = log.journeys(start="billing_dispute", success="resolved", failure="churn").table
    assert j["customer_id"].tolist() == ["a", "b", "c"]
    assert j["outcome"].tolist() == ["success", "failure", "open"]
    assert j["n_events"].tolist() == [4, 4, 1]
    assert j["duration"].tolist() == [pd.Timedelta("10D"), pd.Timedelta("20D"), pd.Timedelta(0)]
    # a: web→phone→phone→email = 2 switches; b: app→phone→phone→web = 2
    assert j["channel_switches"].tolist() == [2, 2, 0]
    assert j["last_event"].tolist() == ["resolved", "churn", "billing_dispute"]
    timed = log.journeys(
        start="billing_dispute", success="resolved", failure="churn", timeout="7D"
    ).table
    # a: gaps ≤ 7 days → success; b: 15-day gap after 2024-01-05 → abandoned;
    # c: the log ends 0 days after its dispute → still open
    assert timed["outcome"].tolist() == ["success", "abandoned", "open"]
    assert timed.loc[1, "end"] == T("2024-01-05 09:00")
    with pytest.raises(DataError, match="both success and failure"):
        log.journeys(start="billing_dispute", success="churn", failure="churn")


def test_journey_kpis_with_segments_and_surveys(make_log):
    log = make_log(_support())
    customers = pd.DataFrame({"customer_id": ["a", "b", "c"], "segment": ["x", "x", "y"]})
    surveys = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c"],
            "timestamp": pd.to_datetime(
                ["2024-01-12", "2024-01-12", "2024-01-22", "2023-06-01"]
            ),
            "touchpoint": ["care"] * 4,
            "event": ["survey"] * 4,
            "kind": ["csat", "nps", "nps", "nps"],
            "score": [4, 10, 2, 9],
        }
    )
    before = surveys.copy()
    r = log.journey_kpis(
        start="billing_dispute",
        success="resolved",
        failure="churn",
        customers=customers,
        surveys=surveys,
    )
    pd.testing.assert_frame_equal(surveys, before)
    t = r.table.set_index("segment")
    assert t.loc["(all)", "started"] == 3 and t.loc["(all)", "completed"] == 1
    assert t.loc["x", "completion_rate"] == 0.5
    assert t.loc["(all)", "median_time_to_complete"] == pd.Timedelta("10D")
    assert t.loc["x", "top_drop_off"] == "churn"
    # c's survey predates the journey: not counted; a: promoter, b: detractor -> NPS 0
    assert t.loc["(all)", "n_nps"] == 2 and t.loc["(all)", "nps"] == 0.0
    assert t.loc["(all)", "csat"] == 4.0
    assert "NPS" in r.summary()
    with pytest.raises(SchemaError, match="did you mean 'segmnt'"):
        log.journey_kpis(
            start="billing_dispute", success="resolved",
            customers=customers.rename(columns={"segment": "segmnt"}),
        )


def test_survey_intervals_against_references():
    # CSAT: t-interval of [3, 4, 5, 4]: mean 4, sd sqrt(2/3), t(0.975, 3) = 3.182446 (t table)
    # -> 4 ± 3.182446 * sqrt(2/3) / 2 = 4 ± 1.299228
    mean, lo, hi = csat_interval(pd.Series([3, 4, 5, 4]), 0.95)
    assert mean == 4.0 and lo == pytest.approx(2.700772, abs=1e-5)
    assert hi == pytest.approx(5.299228, abs=1e-5)
    # NPS of 10 answers: 5 promoters, 2 detractors -> 30; var = (0.5+0.2-0.09)/10 = 0.061
    nps, lo, hi = nps_interval(pd.Series([10, 9, 9, 10, 9, 7, 8, 8, 3, 0]), 0.95)
    assert nps == pytest.approx(30.0)
    assert hi - nps == pytest.approx(100 * 1.959964 * np.sqrt(0.061), rel=1e-6)


def test_signals_hand_computed(make_log):
    log = make_log(_support())
    spec = [
        count("support_*"),
        flag("churn"),
        first_time("support_call"),
        last_time("support_call"),
        time_between("billing_dispute", "support_call"),
        repeat_within("support_call", after="billing_dispute", window="14D", at_least=2),
        channel_switches(),
        path_length(),
    ]
    r = log.signals(spec)
    t = r.table.set_index("customer_id")
    assert t["n_support_*"].tolist() == [2, 2, 2]
    assert t["has_churn"].tolist() == [False, True, False]
    assert t.loc["c", "first_support_call"] == T("2024-01-02 10:00")
    assert t.loc["b", "last_support_call"] == T("2024-01-20 09:00")
    assert t.loc["a", "time_billing_dispute_to_support_call"] == pd.Timedelta("2D")
    assert pd.isna(t.loc["c", "time_billing_dispute_to_support_call"])  # no call after it
    name = "support_call_2x_within_14D_after_billing_dispute"
    assert t[name].tolist() == [True, False, False]
    assert t["channel_switches"].tolist() == [2, 2, 1]
    assert t["path_length"].tolist() == [4, 4, 3]
    assert t["has_churn"].dtype == bool
    named = log.signals({"calls": count("support_call")}).table
    assert named.columns.tolist() == ["customer_id", "calls"]
    assert "Signals: 3 customers" in r.summary()


def test_signals_match_pandas_reference(make_log):
    df = random_log(40, seed=9)
    t = make_log(df).signals([count("call"), flag("dispute"), path_length()]).table
    ref = df.groupby("customer_id").agg(
        n=("event", lambda s: int((s == "call").sum())),
        has=("event", lambda s: bool((s == "dispute").any())),
        length=("event", "size"),
    )
    t = t.set_index("customer_id").loc[ref.index]
    assert t["n_call"].tolist() == ref["n"].tolist()
    assert t["has_dispute"].tolist() == ref["has"].tolist()
    assert t["path_length"].tolist() == ref["length"].tolist()


def test_signal_names_follow_the_spec_and_feed_link(make_log):
    from cjlib.stats import link

    df = random_log(60, seed=4)
    res = make_log(df).signals({"z_calls": count("call"), "a_dispute": flag("dispute")})
    assert res.names == ("z_calls", "a_dispute")  # spec order, not alphabetical
    assert res.names == tuple(res.table.columns[1:])
    listed = make_log(df).signals([path_length(), count("visit"), flag("buy")])
    assert listed.names == ("path_length", "n_visit", "has_buy")
    buyers = set(df.loc[df["event"] == "buy", "customer_id"])
    table = res.table.assign(bought=res.table["customer_id"].isin(buyers))
    linked = link(table, outcome="bought", signals=res.names, n_boot=200, min_group_size=5)
    assert list(linked.table.index) == ["z_calls", "a_dispute"]
    exposed = int((table["z_calls"] > 0).sum())
    assert linked.table.loc["z_calls", "n_exposed"] == exposed


def test_signal_spec_errors():
    with pytest.raises(DataError, match="positive duration"):
        repeat_within("x", after="y", window="-1D")
    with pytest.raises(DataError, match="at_least"):
        repeat_within("x", after="y", window="1D", at_least=0)
    from cjlib.events._signals import _normalise

    with pytest.raises(DataError, match="unique"):
        _normalise([count("x"), count("x")])
    with pytest.raises(DataError, match=r"spec\[0\]"):
        _normalise(["count x"])


def test_summaries_agree_in_number():
    from cjlib.events import EventLog

    log = EventLog.from_pandas(_support())
    text = log.sessions(gap="30min").summary()
    assert "10 sessions of 3 customers; median 1 event," in text
    one = EventLog.from_pandas(_support().head(1))
    assert "1 session of 1 customer; median 1 event," in one.sessions().summary()
    assert one.journeys(start="billing_dispute", success="resolved").summary().startswith(
        "Journeys: 1 instance of 1 customer")
    assert "(1 event)" in one.transitions().summary()
