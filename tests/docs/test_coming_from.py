"""Every convention difference in docs/coming-from.md, as the numbers cjlib gives.

Reference values are worked out by hand beside each assertion; the lifetimes CLV
convention is lifetimes' own loop (``utils._customer_lifetime_value``: monthly grid of
30 days for daily data, ``(1 + discount_rate) ** months``) written out here.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cjlib.events import EventLog
from cjlib.stats import BetaGeoModel, GammaGammaModel, rfm_summary, survival

DOC = Path(__file__).resolve().parents[2] / "docs" / "coming-from.md"


@pytest.fixture(scope="module")
def log_frame() -> pd.DataFrame:
    """The log of the page, read from its table so page and test cannot drift apart."""
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- coming-from-log -->", 1)[1].split("\n\n", 1)[0]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in block.strip().splitlines()[2:]
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "timestamp", "event"])
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="%Y-%m-%d %H:%M")
    return df


@pytest.fixture(scope="module")
def log(log_frame: pd.DataFrame) -> EventLog:
    return EventLog.from_pandas(log_frame)


def test_transition_share_is_per_source_event_without_the_journey_end(log: EventLog) -> None:
    table = log.transitions().table.set_index(["event", "next_event"])
    # out of cart: a's cart -> buy only (c's cart ends c's journey): 1/1
    assert table.loc[("cart", "buy"), "share"] == pytest.approx(1.0)
    # out of visit: a -> cart, b -> buy: 1/2 each
    assert table.loc[("visit", "cart"), "share"] == pytest.approx(0.5)
    assert table.loc[("visit", "buy"), "share"] == pytest.approx(0.5)
    # pm4py's DFG counts
    assert table["n"].to_dict() == {("cart", "buy"): 1, ("visit", "buy"): 1, ("visit", "cart"): 1}
    assert (table["n"] / table["n"].sum()).tolist() == pytest.approx([1 / 3] * 3)


def test_funnel_base_is_the_first_step(log: EventLog) -> None:
    table = log.funnel(["visit", "cart", "buy"]).table
    assert table["customers"].tolist() == [2, 1, 1]  # c's cart: c never visited
    assert table["conversion_from_start"].tolist() == pytest.approx([1.0, 0.5, 0.5])
    assert table["conversion_from_previous"].tolist() == pytest.approx([1.0, 0.5, 1.0])


def test_rfm_counts_days_then_expresses_weeks() -> None:
    tx = pd.DataFrame(
        {
            "id": ["a", "a", "a"],
            # Monday, Wednesday of the same ISO week, then the next Monday
            "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-08"]),
            "amount": [10.0, 20.0, 30.0],
        }
    )
    row = rfm_summary(tx, customer_col="id", time_col="date", freq="W").loc["a"]
    assert row["frequency"] == pytest.approx(2.0)  # two repeat days (lifetimes W: 1)
    assert row["recency"] == pytest.approx(7 / 7)  # Jan 1 -> Jan 8
    tx2 = tx.iloc[:2]
    row2 = rfm_summary(tx2, customer_col="id", time_col="date", freq="W").loc["a"]
    assert row2["frequency"] == pytest.approx(1.0)
    assert row2["recency"] == pytest.approx(2 / 7)


def test_same_day_holdout_purchases_are_one() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a"],
            "timestamp": pd.to_datetime(
                ["2024-01-01 09:00", "2024-01-10 09:00", "2024-01-15 10:00", "2024-01-15 18:00"]
            ),
            "amount": [10.0, 20.0, 5.0, 7.0],
        }
    )
    row = rfm_summary(tx, freq="D", calibration_end="2024-01-10", observation_end="2024-01-20").loc[
        "a"
    ]
    assert row["frequency"] == pytest.approx(1.0)  # Jan 10 (the end day) is calibration
    assert row["frequency_holdout"] == pytest.approx(1.0)  # two buys on Jan 15: one
    assert row["monetary_value_holdout"] == pytest.approx(12.0)  # 5 + 7 summed
    assert row["duration_holdout"] == pytest.approx(10.0)


def test_lifetimes_clv_call_translates_to_cjlib_units() -> None:
    summary = pd.DataFrame(
        {
            "frequency": [0.0, 1.0, 4.0, 2.0] * 50,
            "recency": [0.0, 10.0, 30.0, 20.0] * 50,
            "T": [39.0] * 200,
            "monetary_value": [0.0, 20.0, 35.0, 50.0] * 50,
        }
    )
    bg = BetaGeoModel().fit(summary)
    gg = GammaGammaModel().fit(summary[summary["frequency"] > 0])
    one = {"frequency": 4.0, "recency": 30.0, "T": 39.0}
    ours = gg.clv(
        bg,
        **one,
        monetary_value=35.0,
        horizon=360,
        step=30,
        discount_rate=1.01 ** (1 / 30) - 1,
    )
    # lifetimes: time=12 months, discount_rate=0.01 per month, freq="D" (30 days a month)
    spend = gg.expected_spend(frequency=4.0, monetary_value=35.0)
    theirs = 0.0
    for i in np.arange(1, 13) * 30:
        bought = bg.expected_purchases(i, **one) - bg.expected_purchases(i - 30, **one)
        theirs += spend * bought / 1.01 ** (i / 30)
    assert ours == pytest.approx(theirs, rel=1e-9)
    assert ours > 0


def test_survival_table_matches_kaplan_meier_by_hand() -> None:
    customers = pd.DataFrame({"tenure_days": [2, 3, 3, 5], "churned": [1, 1, 0, 1]})
    table = survival(customers, duration_col="tenure_days", event_col="churned").table
    # S(2) = 3/4; S(3) = 3/4 * (1 - 1/3) = 1/2 (the censored 3 still at risk); S(5) = 0
    got = table.set_index("time")["survival"]
    assert got.loc[2] == pytest.approx(0.75)
    assert got.loc[3] == pytest.approx(0.5)
    assert got.loc[5] == pytest.approx(0.0)
    assert table.set_index("time")["n_at_risk"].loc[3] == 3


def test_every_cjlib_call_named_on_the_page_exists() -> None:
    import cjlib.events
    import cjlib.stats

    text = DOC.read_text(encoding="utf-8")
    for name in sorted(set(re.findall(r"`(?:log\.)?([a-z_]+)\(", text))):
        if name in {
            "pm4py",
            "discover_dfg",
            "format_dataframe",
            "summary_data_from_transaction_data",
            "calibration_and_holdout_data",
            "customer_lifetime_value",
            "logrank_test",
            "fit",
            "Eventstream",
        }:
            continue
        found = (
            hasattr(cjlib.events.EventLog, name)
            or name in cjlib.stats.__all__
            or (name in cjlib.events.__all__)
            or name in {"clv"}
        )
        assert found, name
