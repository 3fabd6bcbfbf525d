"""The public landmark helper against hand-built landmark tables."""

from __future__ import annotations

import pandas as pd
import pytest

import cjlib
from cjlib.datasets import load_sample
from cjlib.errors import DataError
from cjlib.events import flag, landmark, repeat_within


@pytest.fixture(scope="module")
def small():
    events = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "c"],
            "timestamp": pd.to_datetime(
                ["2023-12-30", "2024-01-05", "2024-03-01", "2024-01-10", "2024-02-20"]
            ),
            "event": ["call", "call", "call", "call", "call"],
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "start_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-01-01"]),
            "tenure_days": [200.0, 20.0, 120.0, 45.0],
            "churned": [True, True, False, False],
        }
    )
    return cjlib.EventLog.from_pandas(events), customers


def test_days_after_start_by_hand(small):
    log, customers = small
    before = customers.copy()
    lm = landmark(log, customers, days=30)
    # b (20 days) and d is kept (45 > 30); a's event before its start and after day 30 drop out
    assert lm.table["customer_id"].tolist() == ["a", "c", "d"]
    assert lm.table["days_after_landmark"].tolist() == pytest.approx([170.0, 90.0, 15.0])
    sig = lm.signals([flag("call", name="early_call")])
    assert sig["early_call"].tolist() == [True, True, False]
    assert sorted(lm.log.to_pandas()["timestamp"].dt.strftime("%m-%d")) == ["01-05", "02-20"]
    pd.testing.assert_frame_equal(customers, before)


def test_calendar_landmark(small):
    log, customers = small
    lm = landmark(log, customers, at="2024-02-10")
    # at risk: started before 10 Feb and still there after it: a (to July), c (started
    # 1 Feb, to 31 May), d (to 15 Feb); b left on 21 Jan
    assert lm.table["customer_id"].tolist() == ["a", "c", "d"]
    assert lm.log.n_events == 2  # a's events of 30 Dec and 5 Jan; c's is on 20 Feb


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of days"),
        ({"days": 30, "at": "2024-01-01"}, "exactly one of days"),
        ({"days": -3}, "positive number"),
        ({"days": 30, "start_col": "begin"}, "start_col='begin' is not a column"),
    ],
)
def test_bad_arguments(small, kwargs, message):
    log, customers = small
    with pytest.raises(DataError, match=message):
        landmark(log, customers, **kwargs)


def test_signal_name_clashing_with_a_customer_column(small):
    log, customers = small
    with pytest.raises(DataError, match="already columns"):
        landmark(log, customers, days=30).signals([flag("call", name="churned")])


def test_telco_matches_the_hand_built_cohort_of_notebook_03():
    data = load_sample("telco")
    spec = {
        "dispute_escalation": repeat_within(
            "support_call", after="billing_dispute", window="14D", at_least=2
        ),
        "coverage_problem": flag("coverage_issue"),
    }
    # independent construction (the notebook's former hand-built code, pandas only)
    events = data.events.merge(data.customers[["customer_id", "start_date"]], on="customer_id")
    since = events["timestamp"] - events["start_date"]
    early = events[(since >= pd.Timedelta(0)) & (since < pd.Timedelta(days=90))]
    cohort = data.customers[data.customers["tenure_days"] > 90]
    covered = set(early.loc[early["event"] == "coverage_issue", "customer_id"])
    lm = landmark(cjlib.EventLog.from_pandas(data.events), data.customers, days=90)
    got = lm.signals(spec)
    assert got["customer_id"].tolist() == cohort["customer_id"].tolist()
    assert got["coverage_problem"].tolist() == cohort["customer_id"].isin(covered).tolist()
    early_log = cjlib.EventLog.from_pandas(early.drop(columns="start_date"))
    ref = early_log.signals(spec).table.set_index("customer_id")["dispute_escalation"]
    expected = cohort["customer_id"].map(ref).fillna(False).astype(bool)
    assert got["dispute_escalation"].tolist() == expected.tolist()
    assert 0 < got["dispute_escalation"].sum() < len(got)


def test_landmark_plot_shows_who_the_design_keeps():
    import pandas as pd

    from cjlib import EventLog

    events = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "timestamp": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"]),
            "event": ["x", "x", "y"],
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "start_date": pd.to_datetime(["2024-01-01"] * 3),
            "tenure_days": [200, 30, 120],
            "churned": [False, True, False],
        }
    )
    design = landmark(EventLog.from_pandas(events), customers, days=90)
    bars = design.plot().data[0]
    assert list(bars.x) == [2, 1]  # a and c reach day 90; b ended on day 30
    assert "90 days" in design.plot().layout.title.text
