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
    assert list(quick.text) == ["Plain bill | explained"]  # titles, not ids
    assert list(quick.y) == pytest.approx([10_400])
    # two S opportunities share the S column (x = 0), spread side by side, larger value right
    assert list(quick.x) == pytest.approx([0.28])
    big = _trace(fig, "big bet")
    assert list(big.text) == ["Rebuild <script>alert(1)</script> billing"]
    assert list(big.x) == pytest.approx([3.0])  # XL
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
    assert {
        "<b>Quick wins</b>",
        "<b>Big bets</b>",
        "<b>Fill-ins</b>",
        "<b>Money pits</b>",
    } <= labels
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


def test_points_carry_their_rank_and_the_key_names_them_escaped():
    backlog = _backlog()
    fig = impact_effort_matrix(backlog)
    labels = {
        a.name.removeprefix("label:"): a
        for a in fig.layout.annotations
        if (a.name or "").startswith("label:")
    }
    ranks = dict(zip(backlog.table["opportunity_id"], backlog.table["rank"], strict=True))
    # every point is labelled with its backlog rank, the "not measured" one too
    assert set(labels) == set(ranks)
    assert {k: a.text for k, a in labels.items()} == {k: str(r) for k, r in ranks.items()}
    assert labels["op_rebuild"].hovertext == "Rebuild &lt;script&gt;alert(1)&lt;/script&gt; billing"
    key = next(a for a in fig.layout.annotations if a.name == "key")
    lines = key.text.split("<br>")
    assert len(lines) == len(ranks)
    assert "<script>" not in key.text and "&lt;script&gt;" in key.text
    assert lines[0].endswith("</span>  Plain bill | explained")
    assert 'color:#0072B2"><b>\u20072</b>' in lines[1]  # rank coloured by its quadrant


def test_titles_mode_shortens_long_titles_and_keeps_labels_apart():
    fig = impact_effort_matrix(_backlog(), numbered=False, max_label=12)
    labels = [a for a in fig.layout.annotations if (a.name or "").startswith("label:")]
    assert [a.text for a in labels] == ["Plain bill…", "Rebuild…", "Call-back", "Dark mode"]
    assert not any(a.name == "key" for a in fig.layout.annotations)


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
