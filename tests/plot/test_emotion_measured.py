"""Designed versus measured emotion on the emotion curve, and measured figures on the canvas."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import cjlib
from cjlib.errors import DataError
from cjlib.map import JourneyMap, Persona, Stage, Touchpoint
from cjlib.plot import emotion_curve, render_map

T0 = pd.Timestamp("2024-05-01")


def _map(map_id: str = "m") -> JourneyMap:
    return JourneyMap(
        id=map_id,
        name="Three steps",
        personas=(Persona("p", "Pat", segment="s_p"), Persona("q", "Quinn", segment="s_q")),
        stages=(
            Stage(
                "one",
                "One",
                touchpoints=(
                    Touchpoint("a", "A", events=("a",), emotion={"p": 1.0, "q": 0.0}),
                    Touchpoint("b", "B", events=("b",), emotion={"p": 1.0, "q": 1.0}),
                ),
            ),
            Stage(
                "two",
                "Two",
                touchpoints=(
                    Touchpoint("c", "C", events=("c",), emotion={"p": 0.0, "q": -1.0}),
                    Touchpoint("d", "D", events=("d",), emotion={"p": 0.5, "q": 0.5}),
                ),
            ),
        ),
    )


@pytest.fixture(scope="module")
def measured():
    """p: a and b measured close to design, c measured at -2 (designed 0: disagreement);
    q: only a, measured close to design; nobody answers about d."""
    rng = np.random.default_rng(4)
    ids = [f"u{i}" for i in range(40)]
    events = pd.DataFrame(
        {
            "customer_id": np.repeat(ids, 3),
            "timestamp": [T0 + pd.Timedelta(hours=h) for h in range(120)],
            "event": ["a", "b", "c"] * 40,
        }
    )
    customers = pd.DataFrame({"customer_id": ids, "segment": ["s_p"] * 20 + ["s_q"] * 20})
    rows = []
    for i, cid in enumerate(ids):
        if i < 20:
            rows += [(cid, "a", 4 + rng.integers(0, 2) * (i % 2)), (cid, "b", 4), (cid, "c", 1)]
        else:
            rows += [(cid, "a", 3)]
    surveys = pd.DataFrame(rows, columns=["customer_id", "touchpoint", "score"]).assign(kind="csat")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = cjlib.EventLog.from_pandas(events)
    return cjlib.measure(_map(), log, surveys=surveys, customers=customers)


def _by_name(fig: go.Figure, name: str) -> go.Scatter:
    return next(t for t in fig.data if t.name == name)


def test_measured_curves_follow_the_measured_table(measured):
    fig = emotion_curve(_map(), measured=measured)
    e = measured.emotion.set_index(["persona", "touchpoint"])
    pat = _by_name(fig, "Pat (measured, 95% CI)")
    expected = [e.loc[("p", t), "measured"] for t in "abcd"]
    np.testing.assert_allclose(np.asarray(pat.y, dtype=float), expected)
    assert np.isnan(pat.y[3])  # no answers about d: a gap, not a zero
    assert pat.line.dash == "dash"
    quinn = _by_name(fig, "Quinn (measured, 95% CI)")
    assert quinn.y[0] == pytest.approx(0.0) and np.isnan(quinn.y[1])
    # the designed lines are still there and unchanged
    designed = next(t for t in fig.data if t.name == "Pat")
    assert list(designed.y) == [1.0, 1.0, 0.0, 0.5]


def test_uncertainty_is_drawn_as_bands_and_whiskers(measured):
    fig = emotion_curve(_map(), measured=measured)
    bands = [t for t in fig.data if t.fill == "toself"]
    e = measured.emotion.set_index(["persona", "touchpoint"])
    pat_band = bands[0]  # Pat has answers on a, b, c: one band over x = 0..2
    assert list(pat_band.x) == [0, 1, 2, 2, 1, 0]
    assert pat_band.y[0] == pytest.approx(e.loc[("p", "a"), "ci_high"])
    assert pat_band.y[-1] == pytest.approx(e.loc[("p", "a"), "ci_low"])
    # Quinn answered about a alone: an error bar there, no band
    quinn = _by_name(fig, "Quinn (measured, 95% CI)")
    assert len(bands) == 1
    assert quinn.error_y.arrayminus[0] == pytest.approx(
        e.loc[("q", "a"), "measured"] - e.loc[("q", "a"), "ci_low"], nan_ok=True
    )


def test_disagreements_are_ringed_with_an_explanation(measured):
    fig = emotion_curve(_map(), measured=measured)
    flags = _by_name(fig, "designed ≠ measured")
    assert list(flags.x) == [2]  # Pat at c: designed 0, measured -2
    assert flags.y[0] == pytest.approx(-2.0)
    assert "designed +0.0" in flags.text[0] and "worse than designed" in flags.text[0]


def test_one_persona_only(measured):
    fig = emotion_curve(_map(), "q", measured=measured)
    names = [t.name for t in fig.data if t.name]
    assert "Quinn (measured, 95% CI)" in names and "Pat (measured, 95% CI)" not in names
    assert "designed ≠ measured" not in names


def test_without_persona_data_one_curve_over_all_respondents():
    jm = _map()
    log = cjlib.EventLog.from_pandas(
        pd.DataFrame({"customer_id": ["x", "y"], "timestamp": [T0, T0], "event": ["a", "a"]})
    )
    surveys = pd.DataFrame(
        {"customer_id": ["x", "y"], "touchpoint": "a", "kind": "nps", "score": [10, 5]}
    )
    fig = emotion_curve(jm, measured=cjlib.measure(jm, log, surveys=surveys))
    overall = _by_name(fig, "all respondents (measured, 95% CI)")
    assert overall.y[0] == pytest.approx(1.0)  # NPS 10 -> +2, 5 -> 0


def test_a_measured_map_of_another_map_is_refused(measured):
    with pytest.raises(DataError, match="computed on map 'm'"):
        emotion_curve(_map("other"), measured=measured)
    with pytest.raises(DataError, match=r"measured must be the result of cjlib\.measure"):
        emotion_curve(_map(), measured=measured.touchpoints)


def test_canvas_shows_the_measured_lane(measured):
    page = render_map(_map(), measured=measured)
    assert "Measured" in page and "cj-measured" in page
    assert "1.00" in page  # CSAT of c, where Pat answered 1
    assert "Pat: feels -2.0 vs designed +0.0" in page
    assert "<script" not in page
    plain = render_map(_map())
    assert "cj-measured" not in plain.split("</style>")[-1]
    with pytest.raises(DataError, match="measured must be"):
        render_map(_map(), measured="x")
