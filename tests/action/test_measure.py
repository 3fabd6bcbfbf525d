"""cjlib.measure: reach, drop-off, conversion, time in stage, CSAT/NPS and measured emotion."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from measure_reference import (
    pandas_flow,
    simulated,
    tiny_customers,
    tiny_events,
    tiny_map,
    tiny_surveys,
)
from statsmodels.stats.weightstats import DescrStatsW

import cjlib
from cjlib.action import MeasuredMap, measure, objective_progress
from cjlib.action._objectives import kaplan_meier_at
from cjlib.errors import DataError, SchemaError
from cjlib.map import JourneyMap, Objective


@pytest.fixture(scope="module")
def tiny():
    jm = tiny_map()
    log = cjlib.EventLog.from_pandas(tiny_events())
    mm = measure(jm, log, surveys=tiny_surveys(), customers=tiny_customers())
    return jm, log, mm


def _row(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    return frame.set_index(key).loc[value]


# ------------------------------------------------------------------ hand-worked tiny journey
def test_touchpoint_reach_drop_off_and_conversion_by_hand(tiny):
    _, _, mm = tiny
    tp = mm.touchpoints.set_index("touchpoint")
    # a: u1..u4 (5 customers in the log); u2 and u4 never reach a later stage after a
    assert tp.loc["a", "reach"] == 4
    assert tp.loc["a", "share"] == pytest.approx(0.8)
    assert tp.loc["a", "drop_off"] == pytest.approx(0.5)
    assert tp.loc["a", "conversion_next"] == pytest.approx(0.25)  # only u1 goes on to s2
    assert tp.loc["b", "reach"] == 1 and tp.loc["b", "drop_off"] == 1.0
    # c (glob "c*"): u1 goes on to s3, u4 does not
    assert tp.loc["c", "reach"] == 2
    assert tp.loc["c", "drop_off"] == pytest.approx(0.5)
    assert tp.loc["c", "conversion_next"] == pytest.approx(0.5)
    # the last stage has nothing after it
    assert tp.loc["d", "reach"] == 2 and math.isnan(tp.loc["d", "drop_off"])
    assert tp.loc["a", "owner"] == "ads_team" and tp.loc["b", "owner"] == "marketing"
    assert tp.loc["a", "n_events"] == 4


def test_stage_measures_by_hand(tiny):
    _, _, mm = tiny
    st = mm.stages.set_index("stage")
    assert st["reach"].tolist() == [4, 2, 2]
    assert st.loc["s1", "conversion_next"] == pytest.approx(0.25)
    assert st.loc["s1", "drop_off"] == pytest.approx(0.5)
    # time in s1 until the next later stage: u1 2 days, u3 10 days (u2, u4 never move on)
    assert st.loc["s1", "median_days_in_stage"] == pytest.approx(6.0)
    assert st.loc["s2", "median_days_in_stage"] == pytest.approx(3.0)  # u1: day 2 -> day 5
    assert math.isnan(st.loc["s3", "median_days_in_stage"])


def test_share_interval_is_the_wilson_interval(tiny):
    _, _, mm = tiny
    a = _row(mm.touchpoints, "touchpoint", "a")
    # Wilson (1927) score interval written out for k=4, n=5, z=1.959964
    k, n, z = 4, 5, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert a["share_ci_low"] == pytest.approx(centre - half, abs=1e-9)
    assert a["share_ci_high"] == pytest.approx(centre + half, abs=1e-9)


def test_csat_nps_and_measured_emotion(tiny):
    _, _, mm = tiny
    a = _row(mm.touchpoints, "touchpoint", "a")
    ref = DescrStatsW(np.array([5.0, 4, 4, 2]))
    lo, hi = ref.tconfint_mean(alpha=0.05)
    assert a["csat"] == pytest.approx(3.75)
    assert (a["csat_ci_low"], a["csat_ci_high"]) == pytest.approx((lo, hi))
    assert a["measured_emotion"] == pytest.approx(0.75)  # CSAT - 3
    # c: two NPS responses given by event only (c1, c2 -> touchpoint c) plus three by id
    c = _row(mm.touchpoints, "touchpoint", "c")
    assert c["nps_n"] == 5
    # scores 10, 9, 3, 7, 8: promoters 2/5, detractors 1/5
    se = math.sqrt((0.4 + 0.2 - 0.2**2) / 5)
    assert c["nps"] == pytest.approx(20.0)
    assert c["nps_ci_low"] == pytest.approx(100 * (0.2 - 1.959963984540054 * se))
    assert c["nps_ci_high"] == pytest.approx(100 * (0.2 + 1.959963984540054 * se))
    # NPS 0..10 -> (score - 5) / 2.5
    assert c["measured_emotion"] == pytest.approx(np.mean([2, 1.6, -0.8, 0.8, 1.2]))
    s2 = _row(mm.stages, "stage", "s2")
    assert s2["nps"] == pytest.approx(20.0)


def test_emotion_per_persona_from_segments(tiny):
    _, _, mm = tiny
    e = mm.emotion.set_index(["touchpoint", "persona"])
    assert e.loc[("a", "p1"), "measured"] == pytest.approx(1.5)  # u1 5, u2 4 (seg1)
    assert e.loc[("a", "p2"), "measured"] == pytest.approx(0.0)  # u3 4, u4 2 (seg2)
    assert e.loc[("a", "p1"), "designed"] == -1.0
    assert e.loc[("a", "(all)"), "designed"] == pytest.approx(-0.5)
    assert e.loc[("a", "p1"), "n"] == 2
    assert any("seg9" in w for w in mm.warnings)  # u5's segment belongs to no persona


def test_disagreement_is_flagged_when_the_interval_excludes_the_design():
    jm = tiny_map()
    log = cjlib.EventLog.from_pandas(tiny_events())
    rng = np.random.default_rng(0)
    surveys = pd.DataFrame({
        "customer_id": ["u1", "u2"] * 20,
        "touchpoint": "b",
        "kind": "csat",
        "score": rng.choice([1, 2], 40),  # designed +1 for p1; customers say about -1.5
    })
    mm = measure(jm, log, surveys=surveys, customers=tiny_customers())
    flagged = mm.disagreements()
    row = flagged.set_index(["touchpoint", "persona"]).loc[("b", "p1")]
    assert row["direction"] == "worse than designed"
    assert row["ci_high"] < 1.0 - 0.5
    # a wide margin switches the flag off
    relaxed = measure(jm, log, surveys=surveys, customers=tiny_customers(), margin=3.0)
    assert not relaxed.emotion["disagrees"].any()


def test_without_surveys_or_customers_the_flow_is_still_measured():
    jm = tiny_map()
    mm = measure(jm, cjlib.EventLog.from_pandas(tiny_events()))
    assert mm.touchpoints["reach"].tolist() == [4, 1, 2, 2]
    assert mm.touchpoints["csat_n"].eq(0).all()
    assert mm.emotion["measured"].isna().all()
    assert mm.info["survey_responses"] == 0


def test_result_conventions(tiny):
    _, _, mm = tiny
    assert isinstance(mm, MeasuredMap)
    assert mm.table.equals(mm.touchpoints)
    text = mm.summary()
    assert "Stages" in text and "Touchpoints" in text and "s1" in text
    d = mm.to_dict()
    json.dumps(d)
    assert [r["stage"] for r in d["stages"]] == ["s1", "s2", "s3"]
    assert "<table" in mm._repr_html_()
    assert isinstance(mm.plot(), go.Figure)
    assert "Measured" in mm.render()
    table = mm.touchpoints
    table.loc[0, "reach"] = -1  # tables are copies
    assert mm.touchpoints.loc[0, "reach"] == 4


def test_inputs_are_not_mutated():
    events, surveys, customers = tiny_events(), tiny_surveys(), tiny_customers()
    before = (events.copy(), surveys.copy(), customers.copy())
    measure(tiny_map(), cjlib.EventLog.from_pandas(events), surveys=surveys, customers=customers)
    for frame, copy in zip((events, surveys, customers), before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)


def test_a_bound_log_is_used_as_is(tiny):
    jm, log, mm = tiny
    again = measure(jm, log.bind(jm), surveys=tiny_surveys(), customers=tiny_customers())
    pd.testing.assert_frame_equal(again.touchpoints, mm.touchpoints)


# ------------------------------------------------------------------ bad input
def test_bad_arguments_name_the_parameter():
    jm, log = tiny_map(), cjlib.EventLog.from_pandas(tiny_events())
    with pytest.raises(DataError, match="journey_map"):
        measure("map", log)
    with pytest.raises(DataError, match="log must be a cjlib EventLog"):
        measure(jm, tiny_events())
    with pytest.raises(DataError, match="confidence"):
        measure(jm, log, confidence=95)
    with pytest.raises(DataError, match="margin"):
        measure(jm, log, margin=-1)
    with pytest.raises(DataError, match=r"'segment'.*'persona'"):
        measure(jm, log, customers=pd.DataFrame({"customer_id": ["u1"], "tier": ["x"]}))


def test_bad_surveys_list_every_problem():
    jm, log = tiny_map(), cjlib.EventLog.from_pandas(tiny_events())
    with pytest.raises(SchemaError) as missing:
        measure(jm, log, surveys=pd.DataFrame({"customer_id": ["u1"], "score": [3]}))
    assert {p.path for p in missing.value.problems} == {
        "surveys.kind", "surveys.touchpoint (or event)"
    }
    bad = pd.DataFrame({
        "customer_id": ["u1", "u2", "u3"],
        "touchpoint": ["a", "a", "c"],
        "kind": ["csat", "ces", "nps"],
        "score": [7, 3, 11],
    })
    with pytest.raises(SchemaError) as err:
        measure(jm, log, surveys=bad)
    messages = " | ".join(str(p) for p in err.value.problems)
    assert "'csat' or 'nps'" in messages and "ces" in messages
    assert "CSAT scores must lie in 1..5" in messages and "NPS scores must lie in 0..10" in messages


def test_responses_on_unknown_touchpoints_are_dropped_with_a_warning():
    jm, log = tiny_map(), cjlib.EventLog.from_pandas(tiny_events())
    surveys = pd.DataFrame({"customer_id": ["u1", "u2"], "touchpoint": ["a", "zz"],
                            "kind": "csat", "score": [4, 1]})
    mm = measure(jm, log, surveys=surveys)
    assert mm.info["survey_responses"] == 1
    assert any("1 survey responses name no touchpoint" in w for w in mm.warnings)


# ------------------------------------------------------------------ simulator: planted truth
def test_reach_and_drop_off_match_pandas_on_simulated_data():
    jm, data, _, mm = simulated()
    ref = pandas_flow(jm, data.events)
    got = mm.touchpoints
    assert got["touchpoint"].tolist() == ref["touchpoint"].tolist()
    assert got["reach"].tolist() == ref["reach"].tolist()
    np.testing.assert_allclose(got["share"], ref["share"], rtol=1e-12)
    np.testing.assert_allclose(got["drop_off"], ref["drop_off"], rtol=1e-12)


def test_measured_emotion_tracks_the_planted_true_emotion():
    _jm, data, _, mm = simulated()
    truth = data.truth["true_emotion"]
    csat_tps = set(data.truth["surveys"]["csat_touchpoints"])
    e = mm.emotion
    rows = e[e["touchpoint"].isin(csat_tps) & e["persona"].ne("(all)") & e["n"].ge(30)]
    assert len(rows) >= 8
    true = np.array([truth[t][p] for t, p in zip(rows["touchpoint"], rows["persona"],
                                                 strict=True)])
    # CSAT = round(3 + true emotion + noise), clipped to 1..5: CSAT - 3 recovers it
    # up to the clipping near -2 / +2
    inner = np.abs(true) < 1.5
    assert np.abs(rows["measured"].to_numpy()[inner] - true[inner]).max() < 0.3
    assert np.corrcoef(rows["measured"], true)[0, 1] > 0.95
    covered = (rows["ci_low"].to_numpy() <= true) & (true <= rows["ci_high"].to_numpy())
    assert covered[inner].mean() >= 0.7


def test_the_churn_objective_is_computed_from_customers():
    _jm, data, _, mm = simulated()
    progress = mm.objectives().table.set_index("objective")
    churn = progress.loc["obj_retention"]
    c = data.customers
    # independent Kaplan-Meier (lifelines) at 12 months, in percent
    from lifelines import KaplanMeierFitter

    kmf = KaplanMeierFitter().fit(c["tenure_days"], c["churned"])
    expected = 100 * (1 - float(kmf.survival_function_at_times(365.25).iloc[0]))
    assert churn["current"] == pytest.approx(expected, rel=1e-9)
    assert churn["source"].startswith("computed: Kaplan-Meier")
    csat = progress.loc["obj_csat_support"]
    s = data.surveys
    assert csat["current"] == pytest.approx(
        s.loc[s["touchpoint"].eq("call_centre") & s["kind"].eq("csat"), "score"].mean()
    )
    assert progress.loc["obj_first_contact", "status"] == "no data"


# ------------------------------------------------------------------ objectives
def _objectives_map() -> JourneyMap:
    deadline = dt.date(2025, 12, 31)
    objectives = (
        Objective("up_done", "Conversion", target=30, baseline=20, deadline=deadline),
        Objective("up_ahead", "Reach", target=30, baseline=20, deadline=deadline),
        Objective("up_behind", "Repeat rate", target=30, baseline=20, deadline=deadline),
        Objective("down_wrong", "Complaints", target=10, baseline=20, deadline=deadline,
                  direction="decrease"),
        Objective("late", "Resolution", target=90, baseline=80,
                  deadline=dt.date(2025, 3, 31)),
        Objective("no_base", "Effort score", target=2, deadline=deadline),
        Objective("unknown", "Something else", target=1, baseline=0, deadline=deadline),
    )
    return JourneyMap(id="o", name="O", objectives=objectives)


def test_objective_status_rules():
    values = {"up_done": 31, "up_ahead": 29, "up_behind": 21, "down_wrong": 25, "late": 85,
              "no_base": 1.5}
    res = objective_progress(_objectives_map(), values, as_of="2025-07-02", since="2025-01-01")
    t = res.table.set_index("objective")
    # half of the time has passed (182 of 364 days)
    assert t.loc["up_ahead", "expected_progress"] == pytest.approx(182 / 364)
    assert t["status"].to_dict() == {
        "up_done": "achieved",
        "up_ahead": "on track",  # 90 % of the way after 50 % of the time
        "up_behind": "behind",  # 10 % of the way
        "down_wrong": "off track",  # moved away from the target
        "late": "missed",
        "no_base": "in progress",
        "unknown": "no data",
    }
    assert t.loc["up_ahead", "progress"] == pytest.approx(0.9)
    assert t.loc["down_wrong", "progress"] == pytest.approx(-0.5)
    assert t.loc["up_ahead", "days_left"] == (dt.date(2025, 12, 31) - dt.date(2025, 7, 2)).days
    assert t.loc["up_done", "source"] == "supplied"
    assert isinstance(res.plot(), go.Figure)
    json.dumps(res.to_dict())


def test_objective_progress_rejects_bad_values():
    jm = _objectives_map()
    with pytest.raises(DataError, match=r"unknown objective id\(s\) \['nope'\]"):
        objective_progress(jm, {"nope": 1})
    with pytest.raises(DataError, match=r"values\['up_done'\] must be a number"):
        objective_progress(jm, {"up_done": "high"})
    with pytest.raises(DataError, match="as_of must be a date"):
        objective_progress(jm, as_of="someday")


def test_kaplan_meier_matches_lifelines():
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(8)
    durations = np.round(rng.exponential(100, 300), 0)  # rounded: tied times
    events = rng.random(300) < 0.7
    kmf = KaplanMeierFitter().fit(durations, events)
    for t in (10.0, 50.0, 120.0, 400.0):
        assert kaplan_meier_at(durations, events, t) == pytest.approx(
            float(kmf.survival_function_at_times(t).iloc[0]), abs=1e-12)


def test_unreached_touchpoints_are_zero_and_reported():
    jm = tiny_map()
    events = tiny_events()
    events = events[events["event"] != "b1"]
    mm = measure(jm, cjlib.EventLog.from_pandas(events))
    b = _row(mm.touchpoints, "touchpoint", "b")
    assert b["reach"] == 0 and b["share"] == 0.0 and math.isnan(b["drop_off"])
    assert any("['b']" in w for w in mm.warnings)
    assert mm.info["off_map_share"] == pytest.approx(1 / 9)  # x1
