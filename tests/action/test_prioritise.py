"""prioritise: hand-computed scores on a small map, and planted effects on simulator data."""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import pytest
from backlog_reference import moments, small_map

import cjlib
from cjlib.action import Backlog, prioritise
from cjlib.action._confidence import evidence_confidence
from cjlib.errors import DataError, SchemaError

# Hand computation (default effort weights S=1, M=2, L=4, XL=8; default_effect 0.25):
#  bill_shock: tier(q=0.001) = 1.0, h = 0.02/0.10 = 0.2, precision = 0.9 -> confidence 0.9
#  repeat_call: tier(q=0.03) = 0.8, h = 0.05/0.05 = 1, precision = 0.5 -> 0.4
#  op_plain: pp_bill -> bill_shock (20,000) + late_payment (800) = 20,800 at risk;
#     expected 0.5 * 20,800 = 10,400; RICE 10,400 * 0.9 / 1 = 9,360
#  op_rebuild: pp_bill + pp_late -> bill_shock counted once + late_payment = 20,800;
#     expected 0.8 * 20,800 = 16,640; RICE 16,640 * 0.9 / 8 = 1,872
#  op_callback: no pain point -> touchpoint-level moment repeat_call (4,000);
#     expected 0.25 * 4,000 = 1,000; RICE 1,000 * 0.4 / 2 = 200
#  op_dark: nothing measured -> last, no score
EXPECTED = {
    "op_plain": (10_400.0, 0.9, 9_360.0),
    "op_rebuild": (16_640.0, 0.9, 1_872.0),
    "op_callback": (1_000.0, 0.4, 200.0),
}


def test_rice_scores_hand_computed():
    res = prioritise(small_map(), moments())
    t = res.table.set_index("opportunity_id")
    assert res.table["opportunity_id"].tolist() == ["op_plain", "op_rebuild", "op_callback",
                                                    "op_dark"]
    assert res.table["rank"].tolist() == [1, 2, 3, 4]
    for op, (value, conf, score) in EXPECTED.items():
        assert t.loc[op, "expected_value"] == pytest.approx(value)
        assert t.loc[op, "confidence"] == pytest.approx(conf)
        assert t.loc[op, "score"] == pytest.approx(score)
    assert t.loc["op_plain", "value_at_risk_ci_low"] == pytest.approx(15_000 - 400)
    assert t.loc["op_plain", "expected_value_ci_high"] == pytest.approx(0.5 * 27_000)
    assert t.loc["op_plain", "signal"] == "bill_shock"  # evidence of the strongest moment
    assert t.loc["op_plain", "q"] == 0.001
    assert t.loc["op_plain", "impact"] == pytest.approx(10_400 / 1000)
    assert t.loc["op_callback", "linked_by"] == "touchpoint"
    assert t.loc["op_callback", "owner"] == "care"  # from the touchpoint
    assert t.loc["op_callback", "stage"] == "support"
    assert t.loc["op_dark", "linked_by"] == "none" and np.isnan(t.loc["op_dark", "score"])
    assert t.loc["op_rebuild", "addresses"] == ("pp_bill", "pp_late")


def test_value_effort_and_quadrants():
    res = prioritise(small_map(), moments(), method="value_effort")
    t = res.table.set_index("opportunity_id")
    assert t.loc["op_plain", "score"] == pytest.approx(10_400)
    assert t.loc["op_rebuild", "score"] == pytest.approx(2_080)
    assert t.loc["op_callback", "score"] == pytest.approx(500)
    # median expected value of measured = 10,400; effort threshold M
    assert t.loc["op_plain", "quadrant"] == "quick win"
    assert t.loc["op_rebuild", "quadrant"] == "big bet"
    assert t.loc["op_callback", "quadrant"] == "fill-in"
    assert t.loc["op_dark", "quadrant"] == "not measured"
    res = prioritise(small_map(), moments(), impact_threshold=20_000, effort_threshold="S")
    t = res.table.set_index("opportunity_id")
    assert t.loc["op_rebuild", "quadrant"] == "money pit"
    assert t.loc["op_callback", "quadrant"] == "money pit"
    assert t.loc["op_plain", "quadrant"] == "fill-in"


def test_confidence_overrides_and_effort_weights():
    res = prioritise(small_map(), moments(), confidence={"op_rebuild": 0.5},
                     effort_weights={"XL": 2.0}, default_effect=0.5)
    t = res.table.set_index("opportunity_id")
    assert t.loc["op_rebuild", "confidence"] == 0.5
    assert t.loc["op_rebuild", "score"] == pytest.approx(16_640 * 0.5 / 2)
    assert t.loc["op_plain", "confidence"] == pytest.approx(0.9)  # still derived
    assert t.loc["op_callback", "expected_value"] == pytest.approx(2_000)
    res = prioritise(small_map(), moments(), confidence=1.0)
    assert set(res.table["confidence"].dropna()) == {1.0}


@pytest.mark.parametrize(("q", "effect", "lo", "hi", "expected"), [
    (0.001, 0.1, 0.1, 0.1, 1.0),        # strongest tier, exact
    (0.01, 0.1, None, None, 1.0),       # tier bound is inclusive; no CI -> no penalty
    (0.04, -0.2, -0.3, -0.1, 0.8 * 0.75),  # h = 0.5 -> precision 0.75; sign irrelevant
    (0.15, 0.1, -0.5, 0.7, 0.5 * 0.5),  # very wide interval -> precision floor 0.5
    (0.5, 0.1, 0.05, 0.15, 0.3 * 0.75),
    (None, None, None, None, 0.5),      # nothing known
    (float("nan"), 0.0, -1.0, 1.0, 0.5),  # zero effect: no relative width
])
def test_confidence_rule(q, effect, lo, hi, expected):
    assert evidence_confidence(q=q, effect=effect, ci_low=lo, ci_high=hi) == pytest.approx(
        expected)


def test_negative_value_at_risk_counts_by_magnitude():
    m = moments()
    m.loc[0, ["value_at_risk", "value_at_risk_ci_low", "value_at_risk_ci_high"]] = [
        -20_000.0, -25_000.0, -15_000.0]
    t = prioritise(small_map(), m).table.set_index("opportunity_id")
    assert t.loc["op_plain", "value_at_risk"] == pytest.approx(20_800)
    assert t.loc["op_plain", "value_at_risk_ci_low"] == pytest.approx(15_000 - 400)


def test_uncovered_moments_and_warnings():
    m = pd.concat([moments(), pd.DataFrame({
        "touchpoint": ["app", "ghost"], "pain_point": [None, "pp_ghost"],
        "value_at_risk": [0.0, 5_000.0]})], ignore_index=True)
    m.loc[4, "pain_point"] = "pp_x"  # app moment on an unknown pain point: uncovered
    m.loc[4, "value_at_risk"] = 3_000.0
    res = prioritise(small_map(), m)
    un = res.uncovered
    assert sorted(un["touchpoint"]) == ["app", "ghost"]
    assert any("touchpoints the map does not have: ['ghost']" in w for w in res.warnings)
    assert any("pain points the map does not have" in w for w in res.warnings)
    assert "no opportunity on the map yet" in res.summary()


def test_accepts_a_result_object_and_does_not_mutate():
    m = moments()
    before = m.copy()

    class Result:
        table = m

    a = prioritise(small_map(), Result())
    b = prioritise(small_map(), m)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(m, before)


def test_minimal_moments_table():
    m = pd.DataFrame({"touchpoint": ["bill"], "pain_point": ["pp_bill"],
                      "value_at_risk": [1_000.0]})
    t = prioritise(small_map(), m).table.set_index("opportunity_id")
    # unknown q and CI -> confidence 0.5; 1,000 * 0.5 * 0.5 / 1
    assert t.loc["op_plain", "score"] == pytest.approx(250)


def test_exports(tmp_path):
    res = prioritise(small_map(), moments())
    path = res.to_csv(tmp_path / "plan.csv")
    back = pd.read_csv(path)
    assert back["opportunity_id"].tolist() == res.table["opportunity_id"].tolist()
    assert back.loc[1, "addresses"] == "pp_bill;pp_late"
    md = res.to_markdown()
    lines = md.strip().splitlines()
    assert len(lines) == 2 + 4
    assert all(line.count(" | ") + 2 == lines[0].count("|") for line in lines[2:]
               if "\\|" not in line)
    assert "Plain bill \\| explained" in md
    assert "10,400 EUR (7,300 to 13,500)" in md
    page = res.to_html()
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert html.escape("Rebuild <script>alert(1)</script> billing") in page
    assert "<script>" not in res._repr_html_()
    json.dumps(res.to_dict())
    assert res.to_dict()["table"][0]["opportunity_id"] == "op_plain"
    text = res.summary()
    assert "Top action: Plain bill | explained (op_plain" in text


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"method": "ice"}, DataError, "method"),
    ({"effort_weights": {"XXL": 3}}, DataError, "XXL"),
    ({"effort_weights": {"S": 0}}, DataError, "effort_weights"),
    ({"effort_weights": [1, 2]}, DataError, "effort_weights"),
    ({"confidence": 1.5}, DataError, "confidence"),
    ({"confidence": {"op_nope": 0.5}}, DataError, "op_nope"),
    ({"default_effect": 0}, DataError, "default_effect"),
    ({"effort_threshold": "XXL"}, DataError, "effort_threshold"),
    ({"impact_threshold": "high"}, DataError, "impact_threshold"),
])
def test_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        prioritise(small_map(), moments(), **kwargs)


def test_bad_inputs():
    with pytest.raises(DataError, match="journey_map"):
        prioritise({"id": "x"}, moments())
    with pytest.raises(DataError, match="moments"):
        prioritise(small_map(), [1, 2])
    with pytest.raises(SchemaError) as info:
        prioritise(small_map(), moments().drop(columns=["value_at_risk", "pain_point"]))
    assert {p.path for p in info.value.problems} == {"value_at_risk", "pain_point"}
    bad = moments().astype({"q": object})
    bad.loc[1, "q"] = "significant"
    with pytest.raises(SchemaError) as info:
        prioritise(small_map(), bad)
    assert info.value.problems[0].path == "q"
    assert "significant" in str(info.value)


# ------------------------------------------------------------------ end to end, planted
def _measure():
    # public as cjlib.measure once issue 6's measured map is registered (H6)
    if "measure" in getattr(cjlib, "__all__", ()):
        return cjlib.measure
    from cjlib.action._measure import measure

    return measure


def _moments_that_matter():
    if "moments_that_matter" in cjlib.action.__all__:
        return cjlib.action.moments_that_matter
    from cjlib.action._moments import moments_that_matter

    return moments_that_matter


def _pipeline(hazard_ratios: dict[str, float]) -> Backlog:
    from cjlib.datasets import load_map, simulate
    from cjlib.events import flag, repeat_within

    jm = load_map("telco")
    data = simulate(jm, 2000, seed=11, effects={"hazard_ratios": hazard_ratios})
    log = cjlib.EventLog.from_pandas(data.events)
    measured = _measure()(jm, log, customers=data.customers)
    spec = [repeat_within("support_call", after="billing_dispute", window="14D",
                          name="dispute_escalation"),
            flag("onboarding_complete", name="onboarding_completed"),
            flag("coverage_issue", name="coverage_problem")]
    signals = log.signals(spec)
    table = data.customers.merge(signals.table, on="customer_id")
    linked = cjlib.stats.link(table, outcome="churned", signals=[s.name for s in spec],
                              higher_is_worse=True)
    found = _moments_that_matter()(measured, linked, signals=signals, n_boot=300)
    return prioritise(jm, found)


@pytest.mark.slow
@pytest.mark.parametrize(("planted", "top"), [
    # coverage problems triple the churn hazard, the other signals do nothing
    ({"coverage_problem": 3.0, "dispute_escalation": 1.0, "onboarding_completed": 1.0},
     "op_wifi_calling"),
    # dispute escalation quadruples it
    ({"coverage_problem": 1.0, "dispute_escalation": 4.0, "onboarding_completed": 1.0},
     "op_dispute_credit"),
])
def test_top_opportunity_is_tied_to_the_largest_planted_effect(planted, top):
    res = _pipeline(planted)
    assert res.table.loc[0, "opportunity_id"] == top
    assert res.table.loc[0, "confidence"] > 0.8


def test_docstring_examples_run():
    import doctest

    import cjlib.action._backlog as backlog_module
    import cjlib.action._backlog_export as export_module
    import cjlib.action._confidence as confidence_module

    for mod in (backlog_module, export_module, confidence_module):
        result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0 and result.attempted > 0, mod.__name__


def test_map_without_opportunities():
    from dataclasses import replace

    jm = small_map()
    bare = replace(jm, stages=tuple(
        replace(st, touchpoints=tuple(replace(tp, opportunities=()) for tp in st.touchpoints))
        for st in jm.stages))
    with pytest.raises(DataError, match="no opportunities"):
        prioritise(bare, moments())
