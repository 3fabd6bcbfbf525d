"""transitions(include_end=True): the end of the journey is an explicit next state."""

from __future__ import annotations

import pandas as pd
import pytest

import cjlib
from cjlib.errors import DataError


@pytest.fixture(scope="module")
def log():
    # a: visit, visit, buy (then nothing); b: visit, pay (then nothing)
    return cjlib.EventLog.from_pandas(
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "a", "b", "b"],
                "timestamp": pd.to_datetime(
                    [
                        "2024-01-01 10:00",
                        "2024-01-01 10:10",
                        "2024-01-01 10:30",
                        "2024-01-01 00:00",
                        "2024-01-02 00:00",
                    ]
                ),
                "event": ["visit", "visit", "buy", "visit", "pay"],
            }
        )
    )


def test_exits_are_a_next_state_with_their_share(log):
    t = log.transitions(include_end=True).table.set_index(["event", "next_event"])
    # visit is followed by visit, buy and pay once each and is never a last event
    assert t.loc[("visit", "buy"), "share"] == pytest.approx(1 / 3)
    assert ("visit", "(end)") not in t.index
    # buy and pay are always the last event: exit rate 1
    assert t.loc[("buy", "(end)"), "n"] == 1 and t.loc[("buy", "(end)"), "share"] == 1.0
    assert pd.isna(t.loc[("pay", "(end)"), "median_gap"])
    # the shares of each source event, exits included, add up to 1
    assert t.groupby(level="event")["share"].sum().tolist() == pytest.approx([1.0] * 3)


def test_default_leaves_exits_out(log):
    t = log.transitions().table
    assert "(end)" not in set(t["next_event"])
    assert set(t["event"]) == {"visit"}


def test_heatmap_shows_the_end_column(log):
    fig = log.transitions(include_end=True).plot()
    assert list(fig.data[0].x)[-1] == "(end)"
    z = pd.DataFrame(fig.data[0].z, index=fig.data[0].y, columns=fig.data[0].x)
    assert z.loc["buy", "(end)"] == 1.0
    with pytest.raises(DataError, match="include_end must be True or False"):
        log.transitions(include_end="yes")
