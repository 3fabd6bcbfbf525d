"""The impact-effort matrix of a prioritised backlog."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from cjlib.action import prioritise
from cjlib.errors import DataError
from cjlib.plot._matrix import QUADRANT_COLORS, impact_effort_matrix

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "action"))
from backlog_reference import moments, small_map


def _backlog():
    return prioritise(small_map(), moments())


def _trace(fig: go.Figure, prefix: str) -> go.Scatter:
    return next(t for t in fig.data if t.name.startswith(prefix))


def test_points_sit_in_their_quadrant_and_effort_column():
    backlog = _backlog()
    table_before = backlog.table
    fig = impact_effort_matrix(backlog)
    assert isinstance(fig, go.Figure)
    quick = _trace(fig, "quick win")
    assert list(quick.text) == ["op_plain"]
    assert list(quick.y) == pytest.approx([10_400])
    # two S opportunities share the S column (x = 0), spread side by side, larger value right
    assert list(quick.x) == pytest.approx([0.28])
    big = _trace(fig, "big bet")
    assert list(big.text) == ["op_rebuild"] and list(big.x) == pytest.approx([3.0])  # XL
    assert list(big.error_y.array) == pytest.approx([0.8 * 27_000 - 16_640])
    fill = _trace(fig, "fill-in")
    assert list(fill.x) == pytest.approx([1.0])  # M
    none = _trace(fig, "not measured")
    assert none.name == "not measured (1)" and list(none.y) == [0.0]
    assert list(none.x) == pytest.approx([-0.28])
    assert quick.marker.color == QUADRANT_COLORS["quick win"]
    # bigger markers for more confident evidence: 0.9 vs 0.4
    assert quick.marker.size[0] > fill.marker.size[0]
    # four quadrant regions split at the median expected value and after effort M
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == 4
    assert {s.y0 for s in rects} == {0, 10_400}
    assert {s.x1 for s in rects if s.x0 == -0.5} == {1.5}
    labels = {a.text for a in fig.layout.annotations}
    assert {"<b>Quick wins</b>", "<b>Big bets</b>", "<b>Fill-ins</b>",
            "<b>Money pits</b>"} <= labels
    assert fig.layout.yaxis.title.text.endswith("(EUR)")
    pd.testing.assert_frame_equal(backlog.table, table_before)


def test_hover_shows_the_evidence_escaped():
    fig = impact_effort_matrix(_backlog())
    hover = _trace(fig, "big bet").hovertext[0]
    assert "signal: bill_shock" in hover
    assert "effect 0.1 [0.08, 0.12]" in hover
    assert "q = 0.001" in hover
    assert "confidence 90%" in hover
    assert "<script>" not in hover and "&lt;script&gt;" in hover
    quick_hover = _trace(fig, "quick win").hovertext[0]
    assert "10,400 EUR" in quick_hover


def test_backlog_plot_and_table_input_and_label():
    backlog = _backlog()
    via_result = backlog.plot()
    via_table = impact_effort_matrix(backlog.table, label="opportunity")
    assert len(via_result.data) == len(via_table.data)
    assert list(_trace(via_table, "quick win").text) == ["Plain bill | explained"]


def test_errors_name_the_problem():
    with pytest.raises(DataError, match="backlog"):
        impact_effort_matrix([1, 2])
    with pytest.raises(DataError, match="quadrant"):
        impact_effort_matrix(_backlog().table.drop(columns=["quadrant"]))
    with pytest.raises(DataError, match="label"):
        impact_effort_matrix(_backlog(), label="nope")


def test_docstring_example_runs():
    import doctest

    import cjlib.plot._matrix as module

    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0
