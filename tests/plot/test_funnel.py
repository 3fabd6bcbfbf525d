"""The funnel chart of ``log.funnel()``."""

from __future__ import annotations

import pandas as pd
import pytest

from cjlib.errors import DataError
from cjlib.events import EventLog
from cjlib.plot import funnel


def _log() -> EventLog:
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b", "c"],
            "timestamp": pd.to_datetime(
                ["2024-01-01 10:00", "2024-01-01 11:00", "2024-01-01 12:00",
                 "2024-01-01 10:00", "2024-01-01 13:00", "2024-01-01 10:00"]
            ),
            "event": ["visit", "cart", "buy", "visit", "cart", "visit"],
        }
    )
    return EventLog.from_pandas(df)


def test_funnel_figure_shows_counts_rates_and_intervals():
    result = _log().funnel(["visit", "cart", "buy"])
    fig = result.plot()
    bar, whiskers = fig.data
    assert list(bar.y) == ["1. visit", "2. cart", "3. buy"]
    assert list(bar.x) == [3, 2, 1]
    texts = [a.text for a in fig.layout.annotations]
    assert texts[0] == "<b>3</b>"
    assert "66.7% of start" in texts[1] and "median 2.0 h" in texts[1]
    assert "50.0% of previous" in texts[2]
    # whiskers are the Wilson interval scaled to customers
    t = result.table
    assert whiskers.error_x.array[1] == pytest.approx((t.loc[1, "ci_high_start"] - 2 / 3) * 3)


def test_funnel_accepts_a_table_and_rejects_bad_input():
    table = _log().funnel(["visit", "cart"]).table
    assert funnel(table).data[0].orientation == "h"
    with pytest.raises(DataError, match="missing columns"):
        funnel(table.drop(columns="customers"))
    with pytest.raises(DataError, match="FunnelResult or a DataFrame"):
        funnel([1, 2])
