from __future__ import annotations

import copy
import math

import pandas as pd

from cjlib.map import JourneyMap, PainPoint, Persona, Stage, Touchpoint


def test_one_row_per_touchpoint_and_persona(energy_map):
    frame = energy_map.to_frame()
    assert len(frame) == 20 * 2
    assert list(frame.columns) == [
        "stage_id",
        "stage_name",
        "stage_order",
        "touchpoint_id",
        "touchpoint_name",
        "touchpoint_order",
        "channel",
        "owner",
        "ownership",
        "persona",
        "emotion",
        "pain_points_low",
        "pain_points_medium",
        "pain_points_high",
        "pain_points_critical",
        "pain_points",
        "opportunities",
        "events",
    ]
    assert frame["touchpoint_order"].tolist() == [i for i in range(1, 21) for _ in range(2)]
    assert frame["stage_order"].max() == 6
    assert frame["persona"].tolist()[:4] == ["saver", "eco", "saver", "eco"]
    assert frame["emotion"].dtype == "float64"
    assert frame["pain_points_high"].dtype == "int64"


def test_values_of_one_touchpoint(energy_map):
    frame = energy_map.to_frame().set_index(["touchpoint_id", "persona"])
    row = frame.loc[("call_centre", "saver")]
    assert row["stage_id"] == "support"
    assert row["stage_name"] == "Support"
    assert row["stage_order"] == 6
    assert row["touchpoint_order"] == 18
    assert row["channel"] == "phone"
    assert row["owner"] == "Customer care"
    assert row["emotion"] == -2.0
    assert (row["pain_points_critical"], row["pain_points_high"], row["pain_points"]) == (1, 1, 2)
    assert row["opportunities"] == 2
    assert row["events"] == ("support_call",)
    assert frame.loc[("call_centre", "eco"), "emotion"] == -1.5


def test_pain_points_count_only_for_the_personas_they_affect(energy_map):
    frame = energy_map.to_frame().set_index(["touchpoint_id", "persona"])
    # "Green certificates not shown" affects the eco persona only
    assert frame.loc[("comparison_site", "eco"), "pain_points_high"] == 1
    assert frame.loc[("comparison_site", "saver"), "pain_points_high"] == 0
    # the deposit surprise is the saver's
    assert frame.loc[("credit_check", "saver"), "pain_points"] == 1
    assert frame.loc[("credit_check", "eco"), "pain_points"] == 0
    totals = frame.groupby(level="persona")["pain_points"].sum()
    # 13 pain points: 9 affect everyone, 2 only the saver, 2 only the eco persona
    assert totals.to_dict() == {"saver": 11, "eco": 11}


def test_owner_falls_back_to_the_stage_owner(energy_map):
    frame = energy_map.to_frame()
    friend = frame[frame["touchpoint_id"] == "friend_tip"].iloc[0]
    assert friend["owner"] == "Marketing"
    assert friend["ownership"] == "external"


def test_missing_emotion_is_nan():
    jm = JourneyMap(
        id="m",
        name="M",
        personas=(Persona("a", "A"), Persona("b", "B")),
        stages=(Stage("s", "S", touchpoints=(Touchpoint("t", "T", emotion={"a": 1}),)),),
    )
    frame = jm.to_frame()
    assert frame["emotion"].iloc[0] == 1.0
    assert math.isnan(frame["emotion"].iloc[1])


def test_map_without_personas_has_one_row_per_touchpoint():
    jm = JourneyMap(
        id="m",
        name="M",
        stages=(
            Stage(
                "s",
                "S",
                touchpoints=(
                    Touchpoint("t", "T", pain_points=(PainPoint("x", "low"),)),
                    Touchpoint("u", "U"),
                ),
            ),
        ),
    )
    frame = jm.to_frame()
    assert len(frame) == 2
    assert frame["persona"].isna().all()
    assert frame["pain_points_low"].tolist() == [1, 0]


def test_empty_map_gives_typed_empty_frame():
    frame = JourneyMap(id="m", name="M").to_frame()
    assert frame.empty and "emotion" in frame.columns


def test_pain_points_frame(energy_map):
    table = energy_map.pain_points_frame()
    assert len(table) == 13
    assert table["severity"].dtype == pd.CategoricalDtype(
        ["low", "medium", "high", "critical"], ordered=True
    )
    assert table["severity"].value_counts().to_dict() == {
        "critical": 3,
        "high": 5,
        "medium": 3,
        "low": 2,
    }
    hold = table.set_index("pain_point_id").loc["hold_time"]
    assert (hold["touchpoint_id"], hold["owner"], hold["opportunities"]) == (
        "call_centre",
        "Customer care",
        ("callback",),
    )
    assert table.set_index("pain_point_id").loc["no_green_label", "personas"] == ("eco",)
    assert table.sort_values("severity").iloc[-1]["severity"] == "critical"


def test_opportunities_frame(energy_map):
    table = energy_map.opportunities_frame()
    assert len(table) == 10
    assert list(table["effort"].cat.categories) == ["S", "M", "L", "XL"]
    row = table.set_index("opportunity_id").loc["meter_scan"]
    assert (row["effort"], row["owner"], row["expected_effect"], row["addresses"]) == (
        "L",
        "Digital",
        0.4,
        ("meter_number",),
    )
    assert math.isnan(table.set_index("opportunity_id").loc["estimate_use", "expected_effect"])


def test_tables_do_not_change_the_map(energy_map):
    before = copy.deepcopy(energy_map)
    energy_map.to_frame()
    energy_map.pain_points_frame()
    energy_map.opportunities_frame()
    assert energy_map == before
