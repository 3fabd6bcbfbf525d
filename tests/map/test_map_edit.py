"""Headless map edits: each returns a new map, changes exactly its target, never the input."""

from __future__ import annotations

import copy

import pytest

from cjlib.datasets import load_map
from cjlib.errors import DataError
from cjlib.map import (
    JourneyMap,
    PainPoint,
    Touchpoint,
    add_pain_point,
    add_touchpoint,
    remove_pain_point,
    remove_touchpoint,
    replace_pain_point,
    replace_stage,
    replace_touchpoint,
    set_emotion,
)


@pytest.fixture
def telco() -> JourneyMap:
    return load_map("telco")


def _without(journey_map: JourneyMap, touchpoint_id: str) -> dict:
    """The map's plain data with one touchpoint blanked, to compare everything else."""
    data = journey_map.to_dict()
    for stage in data["stages"]:
        stage["touchpoints"] = [
            tp if tp["id"] != touchpoint_id else None for tp in stage["touchpoints"]
        ]
    return data


def test_replace_touchpoint_changes_only_that_touchpoint(telco):
    before = copy.deepcopy(telco.to_dict())
    edited = replace_touchpoint(telco, "ads", name="Billboards", channel="outdoor", owner="brand")
    tp = edited.touchpoint("ads")
    assert (tp.name, tp.channel, tp.owner) == ("Billboards", "outdoor", "brand")
    assert tp.emotion == telco.touchpoint("ads").emotion
    assert _without(edited, "ads") == _without(telco, "ads")
    assert telco.to_dict() == before  # the input is untouched
    assert telco.touchpoint("ads").name == "TV and online ads"
    edited.validate()


def test_replace_touchpoint_unknown_id_and_field_are_clear_errors(telco):
    with pytest.raises(DataError, match=r"touchpoint_id: no touchpoint with id 'nope'.*ads"):
        replace_touchpoint(telco, "nope", name="x")
    with pytest.raises(DataError, match=r"no editable field\(s\) \['colour'\].*channel"):
        replace_touchpoint(telco, "ads", colour="red")


def test_replace_stage(telco):
    edited = replace_stage(telco, "awareness", name="Discover", owner="brand")
    assert edited.stage("awareness").name == "Discover"
    assert edited.stage("awareness").owner == "brand"
    assert edited.stage("awareness").touchpoints == telco.stage("awareness").touchpoints
    assert telco.stage("awareness").name == "Awareness"
    with pytest.raises(DataError, match=r"stage_id: no stage with id 'x'; known: \['awareness'"):
        replace_stage(telco, "x", name="y")


def test_set_emotion_sets_and_removes_a_score(telco):
    edited = set_emotion(telco, "ads", "family", -1.5)
    assert edited.touchpoint("ads").emotion == {"young_pro": 1.0, "family": -1.5}
    removed = set_emotion(edited, "ads", "family", None)
    assert dict(removed.touchpoint("ads").emotion) == {"young_pro": 1.0}
    assert telco.touchpoint("ads").emotion["family"] == 0.5
    # the frame sees the edit
    frame = edited.to_frame().set_index(["touchpoint_id", "persona"])
    assert frame.loc[("ads", "family"), "emotion"] == -1.5


@pytest.mark.parametrize("bad", [2.5, -3, float("nan"), "high", True])
def test_set_emotion_rejects_scores_outside_the_scale(telco, bad):
    with pytest.raises(DataError, match=r"score: expected a number in -2\.\.\+2 or None"):
        set_emotion(telco, "ads", "family", bad)


def test_set_emotion_unknown_persona(telco):
    with pytest.raises(DataError, match=r"persona_id: no persona with id 'cat'; known: "):
        set_emotion(telco, "ads", "cat", 1)


def test_pain_point_add_edit_remove_round_trip(telco):
    n = len(telco.touchpoint("ads").pain_points)
    added = add_pain_point(telco, "ads", "Price small print", "critical", id="pp_small_print")
    pps = added.touchpoint("ads").pain_points
    assert len(pps) == n + 1
    assert pps[-1] == PainPoint("Price small print", "critical", id="pp_small_print")
    added.validate()
    edited = replace_pain_point(added, "ads", -1, severity="low", text="Small print")
    assert edited.touchpoint("ads").pain_points[-1].severity == "low"
    assert edited.touchpoint("ads").pain_points[-1].text == "Small print"
    removed = remove_pain_point(edited, "ads", -1)
    assert removed == telco
    assert "pp_small_print" in set(added.pain_points_frame()["pain_point_id"])


def test_pain_point_bad_index_names_the_allowed_range(telco):
    tp = telco.touchpoint("review_sites")
    n = len(tp.pain_points)
    with pytest.raises(DataError, match=rf"index: no pain point at 7 .*allowed: .*{n - 1}"):
        remove_pain_point(telco, "review_sites", 7)
    with pytest.raises(DataError, match=r"no pain points"):
        replace_pain_point(telco, "ads", 0, severity="low")


def test_add_and_remove_touchpoint(telco):
    new = Touchpoint("shop_visit", "Shop visit", channel="store", emotion={"family": 1.0})
    added = add_touchpoint(telco, "awareness", new, position=0)
    assert [tp.id for tp in added.stage("awareness").touchpoints][:2] == ["shop_visit", "ads"]
    assert len(added.touchpoints) == len(telco.touchpoints) + 1
    assert remove_touchpoint(added, "shop_visit") == telco
    with pytest.raises(DataError, match=r"touchpoint.id: 'ads' is already used"):
        add_touchpoint(telco, "awareness", Touchpoint("ads", "Again"))
    with pytest.raises(DataError, match=r"position: expected an integer in 0\.\.4"):
        add_touchpoint(telco, "awareness", new, position=9)


def test_edits_reject_what_is_not_a_map():
    with pytest.raises(DataError, match="journey_map: expected a JourneyMap, got dict"):
        replace_touchpoint({}, "t", name="x")
