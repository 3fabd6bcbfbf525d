"""One test per validation rule: the path, the message (what is allowed) and the bad value."""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import replace

import pytest

from cjlib.errors import MapValidationError
from cjlib.map import JourneyMap, Objective, PainPoint, Persona, Stage, Touchpoint


@pytest.fixture
def data(energy_map):
    return energy_map.to_dict()


def problems_of(data) -> dict[str, list]:
    jm = JourneyMap.from_dict(data, validate=False)
    found: dict[str, list] = {}
    for p in jm.problems():
        found.setdefault(p.path, []).append(p)
    return found


def only(data):
    """The single problem found, as (path, message, value)."""
    found = problems_of(data)
    assert len(found) == 1, found
    ((path, problems),) = found.items()
    assert len(problems) == 1, problems
    return path, problems[0].message, problems[0].value


def test_the_fixture_map_is_valid(energy_map):
    assert energy_map.problems() == []
    assert energy_map.validate() is energy_map


def test_validate_raises_with_every_problem(data):
    data["stages"][2]["touchpoints"][0]["emotion"]["eco"] = 3
    data["stages"][0]["touchpoints"][2]["pain_points"][0]["severity"] = "urgent"
    data["personas"][1]["id"] = "saver"
    jm = JourneyMap.from_dict(data, validate=False)
    with pytest.raises(MapValidationError) as info:
        jm.validate()
    paths = [p.path for p in info.value.problems]
    assert "stages[2].touchpoints[0].emotion.eco" in paths
    assert "stages[0].touchpoints[2].pain_points[0].severity" in paths
    assert "personas[1].id" in paths
    assert "invalid journey map" in str(info.value)


def test_validate_does_not_change_the_map(energy_map):
    before = copy.deepcopy(energy_map)
    energy_map.validate()
    assert energy_map == before


# -- emotion -------------------------------------------------------------------------------
def test_emotion_key_must_be_a_persona(data):
    data["stages"][2]["touchpoints"][0]["emotion"]["family"] = 1
    path, message, value = only(data)
    assert path == "stages[2].touchpoints[0].emotion.family"
    assert "not a persona id; known personas: 'eco', 'saver'" in message
    assert value == "family"


@pytest.mark.parametrize("score", [2.5, -2.01, 100])
def test_emotion_out_of_range(data, score):
    data["stages"][1]["touchpoints"][3]["emotion"]["saver"] = score
    assert only(data) == (
        "stages[1].touchpoints[3].emotion.saver",
        "emotion must lie in -2..+2",
        float(score),
    )


@pytest.mark.parametrize("score", ["bad", True, math.nan, math.inf, None])
def test_emotion_not_a_number(data, score):
    data["stages"][1]["touchpoints"][3]["emotion"]["saver"] = score
    path, message, value = only(data)
    assert path == "stages[1].touchpoints[3].emotion.saver"
    assert message == "emotion must be a number in -2..+2"
    assert value is score or (isinstance(score, float) and math.isnan(value))


def test_emotion_bounds_are_inclusive(data):
    data["stages"][1]["touchpoints"][3]["emotion"] = {"saver": -2, "eco": 2}
    assert problems_of(data) == {}


# -- enumerations --------------------------------------------------------------------------
def test_unknown_severity_suggests_one(data):
    data["stages"][5]["touchpoints"][1]["pain_points"][1]["severity"] = "hihg"
    path, message, value = only(data)
    assert path == "stages[5].touchpoints[1].pain_points[1].severity"
    assert message == "must be one of 'low', 'medium', 'high', 'critical'; did you mean 'high'?"
    assert value == "hihg"


def test_unknown_effort(data):
    data["stages"][2]["touchpoints"][0]["opportunities"][0]["effort"] = "XXL"
    path, message, value = only(data)
    assert (path, value) == ("stages[2].touchpoints[0].opportunities[0].effort", "XXL")
    assert message.startswith("must be one of 'S', 'M', 'L', 'XL'")


def test_unknown_ownership(data):
    data["stages"][0]["touchpoints"][1]["ownership"] = "third party"
    path, message, value = only(data)
    assert (path, value) == ("stages[0].touchpoints[1].ownership", "third party")
    assert message.startswith("must be one of 'owned', 'partner', 'external'")


def test_unknown_direction(data):
    data["objectives"][0]["direction"] = "up"
    assert only(data) == ("objectives[0].direction", "must be one of 'increase', 'decrease'", "up")


# -- references ----------------------------------------------------------------------------
def test_pain_point_personas_must_exist(data):
    data["stages"][1]["touchpoints"][0]["pain_points"][0]["personas"] = ["eco", "ecco"]
    path, message, value = only(data)
    assert path == "stages[1].touchpoints[0].pain_points[0].personas[1]"
    assert message == "unknown persona id; did you mean 'eco'? known: 'eco', 'saver'"
    assert value == "ecco"


def test_opportunity_addresses_must_be_pain_point_ids(data):
    data["stages"][5]["touchpoints"][1]["opportunities"][0]["addresses"] = ["hold_tme"]
    path, message, value = only(data)
    assert path == "stages[5].touchpoints[1].opportunities[0].addresses[0]"
    assert message.startswith("unknown pain point id; did you mean 'hold_time'? known: ")
    assert value == "hold_tme"


def test_opportunity_may_address_a_pain_point_elsewhere_in_the_map(data):
    data["stages"][0]["touchpoints"][2]["opportunities"][0]["addresses"] = ["bill_shock"]
    assert problems_of(data) == {}


# -- duplicates ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("edit", "path", "kind", "first"),
    [
        (lambda d: d["stages"][3].update(id="billing"), "stages[4].id", "stage", "stages[3].id"),
        (
            lambda d: d["stages"][5]["touchpoints"][0].update(id="tv_ad", events=["help"]),
            "stages[5].touchpoints[0].id",
            "touchpoint",
            "stages[0].touchpoints[0].id",
        ),
        (
            lambda d: d["personas"][1].update(id="saver", segment="g"),
            "personas[1].id",
            "persona",
            "personas[0].id",
        ),
        (
            lambda d: d["stages"][5]["touchpoints"][2]["pain_points"][0].update(id="hold_time"),
            "stages[5].touchpoints[2].pain_points[0].id",
            "pain point",
            "stages[5].touchpoints[1].pain_points[0].id",
        ),
        (
            lambda d: d["stages"][4]["touchpoints"][0]["opportunities"][0].update(id="autosave"),
            "stages[4].touchpoints[0].opportunities[0].id",
            "opportunity",
            "stages[2].touchpoints[0].opportunities[1].id",
        ),
        (
            lambda d: d["objectives"][1].update(id="retention_90d"),
            "objectives[1].id",
            "objective",
            "objectives[0].id",
        ),
    ],
)
def test_duplicate_ids(data, edit, path, kind, first):
    edit(data)
    found = problems_of(data)
    problem = found[path][0]
    assert problem.message == f"duplicate {kind} id; first used at {first}"
    assert len(found[path]) == 1


def test_a_touchpoint_may_share_its_id_with_a_stage(data):
    data["stages"][4]["touchpoints"][0]["id"] = "billing"
    assert problems_of(data) == {}


def test_an_event_may_bind_only_one_touchpoint(data):
    data["stages"][5]["touchpoints"][0]["events"] = ["help_article_view", "bill_issued"]
    path, message, value = only(data)
    assert (path, value) == ("stages[5].touchpoints[0].events[1]", "bill_issued")
    assert "already binds the touchpoint at stages[4].touchpoints[0]" in message


# -- shape of the journey ------------------------------------------------------------------
def test_stage_without_touchpoints(data):
    data["stages"][3]["touchpoints"] = []
    found = problems_of(data)
    assert found["stages[3].touchpoints"][0].message == "a stage needs at least one touchpoint"


def test_map_needs_personas_and_stages():
    found = JourneyMap(id="m", name="M").problems()
    assert [(p.path, p.message) for p in found] == [
        ("personas", "a map needs at least one persona (the journey is theirs)"),
        ("stages", "a map needs at least one stage"),
    ]


@pytest.mark.parametrize("field", ["name"])
def test_empty_names(data, field):
    data["stages"][2][field] = "   "
    data["stages"][2]["touchpoints"][1][field] = ""
    data["personas"][0][field] = ""
    found = problems_of(data)
    assert set(found) == {"stages[2].name", "stages[2].touchpoints[1].name", "personas[0].name"}
    assert all(p[0].message == "must not be empty" for p in found.values())


def test_empty_pain_point_text_and_objective_kpi(data):
    data["stages"][0]["touchpoints"][2]["pain_points"][0]["text"] = ""
    data["objectives"][0]["kpi"] = ""
    assert set(problems_of(data)) == {
        "stages[0].touchpoints[2].pain_points[0].text",
        "objectives[0].kpi",
    }


@pytest.mark.parametrize("bad_id", ["two words", "", "-lead", "a/b"])
def test_ids_must_be_one_word(data, bad_id):
    data["stages"][0]["id"] = bad_id
    path, message, value = only(data)
    assert path == "stages[0].id" and value == bad_id
    assert "non-empty" in message or "one word" in message


def test_non_string_text_fields(data):
    data["stages"][0]["touchpoints"][0]["channel"] = 5
    data["stages"][0]["touchpoints"][0]["actions"] = ["ok", 3]
    found = problems_of(data)
    assert found["stages[0].touchpoints[0].channel"][0].message == "must be a string, got int"
    assert found["stages[0].touchpoints[0].actions[1]"][0].value == 3


# -- personas ------------------------------------------------------------------------------
@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_share_outside_zero_one(data, share):
    data["personas"][0]["share"] = share
    found = problems_of(data)
    assert found["personas[0].share"][0].message == "must lie in 0..1"
    assert found["personas[0].share"][0].value == share


def test_shares_must_not_sum_over_one(data):
    data["personas"][0]["share"] = 0.7  # 0.7 + 0.38
    assert only(data) == ("personas", "persona shares must sum to at most 1", 1.08)


def test_shares_may_sum_to_exactly_one_with_rounding(data):
    data["personas"][0]["share"] = 0.1 + 0.2 + 0.32  # 0.62 with float error
    assert problems_of(data) == {}


def test_segments_must_be_distinct(data):
    data["personas"][1]["segment"] = "price_sensitive"
    path, message, value = only(data)
    assert (path, value) == ("personas[1].segment", "price_sensitive")
    assert "already identifies the persona at personas[0]" in message


# -- objectives ----------------------------------------------------------------------------
@pytest.mark.parametrize("deadline", ["2026-13-01", "next quarter", 20261231])
def test_bad_deadline(data, deadline):
    data["objectives"][0]["deadline"] = deadline
    assert only(data) == (
        "objectives[0].deadline",
        "must be a date (ISO format YYYY-MM-DD)",
        deadline,
    )


def test_datetime_deadline_is_not_a_date(energy_map):
    objective = replace(energy_map.objectives[0], deadline=dt.datetime(2027, 3, 31, 12))
    jm = replace(energy_map, objectives=(objective, *energy_map.objectives[1:]))
    assert [p.path for p in jm.problems()] == ["objectives[0].deadline"]


def test_target_must_be_a_number(data):
    data["objectives"][0]["target"] = "92%"
    assert only(data) == ("objectives[0].target", "must be a finite number", "92%")


@pytest.mark.parametrize(("direction", "target"), [("increase", 0.85), ("decrease", 0.9)])
def test_target_on_the_wrong_side_of_the_baseline(data, direction, target):
    data["objectives"][0].update(direction=direction, target=target, baseline=0.88)
    path, message, value = only(data)
    assert (path, value) == ("objectives[0].target", target)
    assert f"direction is '{direction}'" in message and "baseline 0.88" in message


def test_expected_effect_is_a_share(data):
    data["stages"][2]["touchpoints"][0]["opportunities"][0]["expected_effect"] = 40
    assert only(data) == (
        "stages[2].touchpoints[0].opportunities[0].expected_effect",
        "must lie in 0..1",
        40.0,
    )


# -- maps built in Python with wrong types -------------------------------------------------
def test_python_built_maps_with_wrong_types_are_reported_not_crashing():
    jm = JourneyMap(
        id="m",
        name="M",
        personas=(Persona("p", "P"), "not a persona"),
        stages=(
            Stage("s", "S", touchpoints=(Touchpoint("t", "T", pain_points=("x",)), {"id": "u"})),
        ),
        objectives=(Objective("o", "K", 1.0, "2026-01-01"),),
        metadata={"ok": 1, "bad": object(), "nan": math.nan},
    )
    paths = {p.path for p in jm.problems()}
    assert paths == {
        "personas[1]",
        "stages[0].touchpoints[1]",
        "stages[0].touchpoints[0].pain_points[0]",
        "objectives[0].deadline",
        "metadata.bad",
        "metadata.nan",
    }


def test_problem_str_names_path_message_and_value():
    jm = JourneyMap(
        id="m",
        name="M",
        personas=(Persona("p", "P"),),
        stages=(
            Stage(
                "s",
                "S",
                touchpoints=(Touchpoint("t", "T", pain_points=(PainPoint("x", "severe"),)),),
            ),
        ),
    )
    (problem,) = jm.problems()
    assert str(problem) == (
        "stages[0].touchpoints[0].pain_points[0].severity: must be one of 'low', 'medium', "
        "'high', 'critical' (got 'severe')"
    )


def test_validate_rejects_a_non_map():
    from cjlib.map._validate import find_problems

    assert find_problems({"id": "m"})[0].message == "expected a JourneyMap, got dict"
