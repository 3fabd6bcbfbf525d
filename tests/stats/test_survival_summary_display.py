"""The survival summary (which extends the base summary) displays as text in Jupyter."""

from __future__ import annotations

from lifelines.datasets import load_waltons

from cjlib._text import SummaryText
from cjlib.stats import survival


def test_survival_summary_is_summary_text_with_the_medians():
    res = survival(load_waltons(), duration_col="T", event_col="E", group_col="group")
    text = res.summary()
    assert isinstance(text, SummaryText)
    assert repr(text) == str(text) and "\\n" not in repr(text)
    lines = text.splitlines()
    medians = lines[lines.index("Median survival:") + 1 :]
    control = next(line for line in medians if line.startswith("control"))
    assert f"{res.medians.loc['control', 'median']:.4g}" in control.split()
