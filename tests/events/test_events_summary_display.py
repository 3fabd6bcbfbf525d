"""Event results' summaries display as lines in Jupyter (SummaryText), not an escaped repr."""

from __future__ import annotations

import pandas as pd

from cjlib._text import SummaryText
from cjlib.events._results import SessionsResult, TransitionsResult


def test_transitions_and_sessions_summaries_are_summary_text():
    transitions = TransitionsResult(
        table=pd.DataFrame(
            {
                "event": ["a"],
                "next_event": ["b"],
                "n": [3],
                "share": [1.0],
                "median_gap": [pd.Timedelta("2h")],
            }
        ),
        n_customers=3,
        n_events=6,
    ).summary()
    assert isinstance(transitions, SummaryText)
    assert repr(transitions) == str(transitions) and "\n" in repr(transitions)
    assert "a → b: n=3, share=100.0%, median gap 2.0 h" in transitions._repr_html_()
    empty = SessionsResult(table=pd.DataFrame(columns=["customer_id", "n_events", "duration"]))
    assert isinstance(empty.summary(), SummaryText) and empty.summary() == "Sessions: none"
