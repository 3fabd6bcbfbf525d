"""discover_map: touchpoints, stages, personas, emotion, pain points, unobservable touchpoints.

Expected values come from effects planted by the simulator (``cjlib.datasets.simulate`` and
``plant_map_differences``): the true emotions in ``truth["true_emotion"]``, the planted pain
point, the map the events were drawn from.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import cjlib
from cjlib.datasets import load_map, plant_map_differences
from cjlib.discover import DiscoveredMap, discover_map
from cjlib.errors import DataError
from cjlib.map import Touchpoint


@pytest.fixture(scope="module")
def planted():
    return plant_map_differences(load_map("telco"), seed=0)


@pytest.fixture(scope="module")
def data(planted):
    return planted.simulate(1200, seed=11)


@pytest.fixture(scope="module")
def log(data):
    return cjlib.EventLog.from_pandas(data.events, dedupe=True)


@pytest.fixture(scope="module")
def found(log, data, planted):
    return discover_map(
        log,
        customers=data.customers,
        surveys=data.surveys,
        persona_col="persona",
        designed=planted.designed,
    )


def test_result_object_and_valid_map(found, tmp_path):
    assert isinstance(found, DiscoveredMap)
    found.journey_map.validate()
    path = tmp_path / "draft.yaml"
    cjlib.write_map(found.journey_map, path)
    again = cjlib.read_map(path)
    assert [tp.id for tp in again.touchpoints] == [tp.id for tp in found.journey_map.touchpoints]
    assert "touchpoints" in found.summary()
    assert "<pre>" in found._repr_html_()
    d = found.to_dict()
    assert d["kind"] == "DiscoveredMap" and len(d["table"]) == len(found.table)
    fig = found.plot()
    assert len(fig.data) == len(found.stages)


def test_touchpoints_are_the_events_customers_produce(found, data):
    reach = data.events.groupby("event")["customer_id"].nunique()
    n = data.events["customer_id"].nunique()
    expected = set(reach.index[reach / n >= 0.02])
    assert set(found.table["touchpoint"]) == expected
    row = found.table.set_index("touchpoint").loc["support_call"]
    assert row["reach"] == reach["support_call"]
    assert row["channel"] == "phone"  # the channel the simulator gives call-centre events


def test_rare_events_are_summarised_not_dropped(log, data):
    high = discover_map(log, min_reach=0.4)
    reach = (
        data.events.groupby("event")["customer_id"].nunique() / data.events["customer_id"].nunique()
    )
    assert set(high.rare["touchpoint"]) == set(reach.index[reach < 0.4])
    assert set(high.journey_map.metadata["rare_events"]) == set(high.rare["touchpoint"])
    assert "rarer events summarised" in high.summary()


def test_stages_follow_time_order(found):
    stage = found.table.set_index("touchpoint")["stage"]
    order = list(found.stages["stage"])
    rank = {s: i for i, s in enumerate(order)}
    # the journey's backbone: ad -> contract -> SIM delivery -> bill
    seq = [rank[stage[e]] for e in ("ad_click", "contract_signed", "sim_delivered", "bill_issued")]
    assert seq == sorted(seq) and seq[0] < seq[-1]
    assert (found.stages["reach"] > 0).all()
    assert found.stages["drop_off"].between(0, 1).all()


def test_pins_fix_stages(log):
    pins = {"ad_click": "before", "contract_signed": "buy", "bill_issued": "after"}
    pinned = discover_map(log, pins=pins)
    stage = pinned.table.set_index("touchpoint")["stage"]
    assert [stage[e] for e in pins] == ["before", "buy", "after"]
    assert list(pinned.stages["stage"]) == ["before", "buy", "after"]
    with pytest.raises(DataError, match="nope"):
        discover_map(log, pins={"nope": "x"})


def test_personas_from_segment_column(found, data):
    ids = {p.id for p in found.journey_map.personas}
    assert ids == set(data.customers["persona"].unique())
    share = {p.id: p.share for p in found.journey_map.personas}
    expected = data.customers["persona"].value_counts(normalize=True)
    for pid, s in share.items():
        assert s == pytest.approx(expected[pid], abs=1e-3)
    assert {"touchpoint", "persona", "share", "diverges"} <= set(found.personas.columns)


def test_emotion_measured_with_uncertainty_none_invented(found, data):
    truth = data.truth["true_emotion"]
    emo = found.emotions.set_index(["touchpoint", "persona"])
    # support_call is the call-centre touchpoint; CSAT = round(3 + true emotion + noise)
    for persona in ("young_pro", "family"):
        row = emo.loc[("support_call", persona)]
        assert row["low"] < row["emotion"] < row["high"]
        assert row["emotion"] == pytest.approx(truth["call_centre"][persona], abs=0.2)
    surveyed = set(data.surveys.loc[data.surveys["kind"] == "csat", "event"])
    for tp in found.journey_map.touchpoints:
        if tp.emotion:
            assert set(tp.events) & surveyed
    app = next(tp for tp in found.journey_map.touchpoints if tp.id == "app_login")
    assert dict(app.emotion) == {}  # NPS only: no CSAT evidence, no score drawn


def test_planted_pain_point_detected_with_severity_from_link(found, planted):
    diff = next(d for d in planted.differences if d["kind"] == "unmapped_pain")
    pains = found.pain_points
    hit = pains.loc[(pains["touchpoint"].isin(diff["events"])) & (pains["kind"] == "repeat")]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert bool(row["confirmed"]) and row["q"] <= 0.05
    assert row["rr_low"] > 1.0
    from cjlib.discover._pain import severity_of

    assert row["severity"] == severity_of(row["risk_ratio"])
    tp = next(t for t in found.journey_map.touchpoints if t.id == row["touchpoint"])
    assert any("repeat" in p.text for p in tp.pain_points)


def test_unobservable_designed_touchpoints_kept(log, planted):
    extra = Touchpoint(
        id="magazine", name="Magazine review", ownership="external", events=("magazine_read",)
    )
    stages = list(planted.designed.stages)
    stages[0] = dataclasses.replace(stages[0], touchpoints=(*stages[0].touchpoints, extra))
    designed = dataclasses.replace(planted.designed, stages=tuple(stages))
    found = discover_map(log, designed=designed)
    assert found.unobservable["touchpoint"].tolist() == ["magazine"]
    assert "magazine" in [tp.id for tp in found.journey_map.touchpoints]
    assert "magazine" in found.summary()


def test_user_data_not_mutated(log, data):
    customers = data.customers.copy()
    surveys = data.surveys.copy()
    discover_map(log, customers=customers, surveys=surveys, persona_col="persona")
    pd.testing.assert_frame_equal(customers, data.customers)
    pd.testing.assert_frame_equal(surveys, data.surveys)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_reach": 1.5}, "min_reach"),
        ({"wait_factor": 0.5}, "wait_factor"),
        ({"n_stages": 0}, "n_stages"),
        ({"repeat_window": "soon"}, "repeat_window"),
        ({"persona_col": "persona"}, "persona_col needs customers"),
        ({"groups": {"x": "no_such_event*"}}, "groups"),
    ],
)
def test_bad_arguments_named(log, kwargs, message):
    with pytest.raises(DataError, match=message):
        discover_map(log, **kwargs)


def test_bad_customer_columns(log, data):
    with pytest.raises(DataError, match="segmentx"):
        discover_map(log, customers=data.customers, persona_col="segmentx")
    bad = data.customers.assign(churned="maybe")
    with pytest.raises(DataError, match="churned"):
        discover_map(log, customers=bad)
    with pytest.raises(DataError, match="EventLog"):
        discover_map(data.events)


def test_amended_map_brings_the_differences_back(found, planted):
    from cjlib.discover import compare_maps

    diff = compare_maps(planted.designed, found)
    amended = diff.amended_map(owner="product")
    amended.validate()
    missing = next(d for d in planted.differences if d["kind"] == "missing_touchpoint")
    added = {tp.id for tp in amended.touchpoints} - {tp.id for tp in planted.designed.touchpoints}
    assert set(missing["events"]) <= added
    pain = next(d for d in planted.differences if d["kind"] == "unmapped_pain")
    new_pains = amended.touchpoint(pain["touchpoint"]).pain_points
    row = diff.table.loc[diff.table["kind"] == "unmapped_pain"].iloc[0]
    assert [p.severity for p in new_pains] == [row["severity"]]
    assert planted.designed.touchpoint(pain["touchpoint"]).pain_points == ()  # not mutated
