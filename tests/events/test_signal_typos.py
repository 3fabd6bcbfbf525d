"""A signal on an event name the log does not have warns, with close-name suggestions."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from cjlib.events import (
    EventLog,
    UnknownEventWarning,
    count,
    flag,
    repeat_within,
    time_between,
)


@pytest.fixture(scope="module")
def log() -> EventLog:
    return EventLog.from_pandas(
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "b"],
                "timestamp": pd.to_datetime(
                    ["2024-01-01 10:00", "2024-01-01 11:00", "2024-01-02 09:00"]
                ),
                "event": ["visit", "purchase", "support_call"],
            }
        )
    )


def test_a_misspelt_event_warns_with_the_close_name(log: EventLog) -> None:
    with pytest.warns(UnknownEventWarning) as caught:
        table = log.signals([flag("purchse")]).table
    message = str(caught[0].message)
    assert "signal 'has_purchse'" in message
    assert "event 'purchse' is not in the log" in message
    assert "all False" in message and "did you mean 'purchase'?" in message
    assert caught[0].filename == __file__  # points at the caller's line
    assert not table["has_purchse"].any()


def test_a_pattern_matching_nothing_warns_and_lists_names(log: EventLog) -> None:
    with pytest.warns(UnknownEventWarning, match=r"pattern 'refund_\*' matches no event") as w:
        log.signals([count("refund_*")])
    assert "all 0" in str(w[0].message)
    assert "['purchase', 'support_call', 'visit']" in str(w[0].message)


def test_anchors_are_checked_too(log: EventLog) -> None:
    with pytest.warns(UnknownEventWarning) as caught:
        log.signals(
            [
                time_between("vist", "purchase"),
                repeat_within("support_call", after="biling_dispute", window="14D"),
            ]
        )
    texts = [str(c.message) for c in caught if c.category is UnknownEventWarning]
    assert any("event 'vist' is not in the log" in t and "'visit'" in t for t in texts)
    assert any("event 'biling_dispute' is not in the log" in t for t in texts)
    assert len(texts) == 2


def test_names_in_the_log_do_not_warn(log: EventLog) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownEventWarning)
        table = log.signals([flag("purchase"), count("support_*")]).table
    assert table["has_purchase"].tolist() == [True, False]
    assert table["n_support_*"].tolist() == [0, 1]
