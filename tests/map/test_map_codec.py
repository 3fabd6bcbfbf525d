"""JourneyMap.from_dict / to_dict: structural problems are collected, never a TypeError."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from cjlib.errors import MapValidationError
from cjlib.map import FrozenMapping, JourneyMap, PainPoint, Touchpoint


def _minimal(**overrides):
    data = {
        "id": "m",
        "name": "M",
        "personas": [{"id": "p", "name": "P"}],
        "stages": [{"id": "s", "name": "S", "touchpoints": [{"id": "t", "name": "T"}]}],
    }
    data.update(overrides)
    return data


def _problems(data, **kw):
    with pytest.raises(MapValidationError) as info:
        JourneyMap.from_dict(data, **kw)
    return {p.path: p for p in info.value.problems}


def test_to_dict_from_dict_round_trip(energy_map):
    assert JourneyMap.from_dict(energy_map.to_dict()) == energy_map
    assert JourneyMap.from_dict(energy_map.to_dict(include_defaults=False)) == energy_map


def test_from_dict_does_not_mutate_its_input(energy_map):
    data = energy_map.to_dict()
    before = copy.deepcopy(data)
    JourneyMap.from_dict(data)
    assert data == before


def test_to_dict_is_plain_data(energy_map):
    def walk(value):
        if isinstance(value, dict):
            assert all(isinstance(k, str) for k in value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        else:
            assert value is None or isinstance(value, str | int | float | bool), value

    walk(energy_map.to_dict())


def test_integers_become_floats_and_strings_become_one_item_lists():
    data = _minimal()
    data["stages"][0]["touchpoints"][0].update(
        {"emotion": {"p": -1}, "actions": "Calls the hotline", "events": "support_call"}
    )
    data["objectives"] = [
        {"id": "o", "kpi": "K", "target": 90, "baseline": 80, "deadline": "2027-01-31"}
    ]
    jm = JourneyMap.from_dict(data)
    tp = jm.touchpoint("t")
    assert tp.emotion["p"] == -1.0 and isinstance(tp.emotion["p"], float)
    assert tp.actions == ("Calls the hotline",)
    assert tp.events == ("support_call",)
    assert jm.objectives[0].target == 90.0 and isinstance(jm.objectives[0].target, float)
    assert jm.objectives[0].deadline == dt.date(2027, 1, 31)


def test_null_optional_fields_mean_not_given():
    data = _minimal(description=None)
    data["stages"][0]["touchpoints"][0].update({"actions": None, "emotion": None, "channel": None})
    jm = JourneyMap.from_dict(data)
    assert jm.description == ""
    assert jm.touchpoint("t").actions == ()
    assert jm.touchpoint("t").channel == ""


def test_unknown_keys_suggest_the_closest_field():
    data = _minimal(stagez=[])
    data["stages"][0]["touchpoints"][0]["emotions"] = {"p": 1}
    data["stages"][0]["touchpoints"][0]["pain_points"] = [{"text": "x", "severty": "high"}]
    problems = _problems(data)
    assert set(problems) == {
        "stagez",
        "stages[0].touchpoints[0].emotions",
        "stages[0].touchpoints[0].pain_points[0].severty",
    }
    assert "did you mean 'stages'?" in problems["stagez"].message
    assert "did you mean 'emotion'?" in problems["stages[0].touchpoints[0].emotions"].message
    assert "did you mean 'severity'?" in (
        problems["stages[0].touchpoints[0].pain_points[0].severty"].message
    )
    assert problems["stagez"].value == "stagez"


def test_wrong_shapes_are_problems_not_type_errors():
    data = _minimal(personas={"id": "p"}, objectives="soon", metadata=["a"])
    data["stages"].append(["not", "a", "stage"])
    data["stages"].append({"id": "s3", "name": "S3", "touchpoints": {"id": "t3"}})
    data["stages"][0]["touchpoints"][0].update(
        {"emotion": [1, 2], "events": {"a": 1}, "name": ["T"]}
    )
    problems = _problems(data)
    assert "expected a list of Persona mappings, got a mapping" in problems["personas"].message
    assert "expected a list of Objective mappings, got str" in problems["objectives"].message
    assert problems["objectives"].value == "soon"
    assert "expected a mapping of free key/value pairs" in problems["metadata"].message
    assert "expected a mapping of Stage fields, got a list" in problems["stages[1]"].message
    assert "expected a list of Touchpoint mappings" in problems["stages[2].touchpoints"].message
    tp = "stages[0].touchpoints[0]"
    assert "mapping of persona id to emotion score" in problems[f"{tp}.emotion"].message
    assert "expected a list of strings, got a mapping" in problems[f"{tp}.events"].message
    assert "expected a single value, got a list" in problems[f"{tp}.name"].message


def test_a_broken_item_keeps_the_paths_of_the_items_after_it():
    data = _minimal()
    data["stages"].insert(0, "oops")
    data["stages"][1]["touchpoints"][0]["emotion"] = {"p": 9}
    problems = _problems(data)
    assert set(problems) == {"stages[0]", "stages[1].touchpoints[0].emotion.p"}


def test_missing_required_fields_are_named():
    data = _minimal()
    del data["name"]
    data["stages"][0]["touchpoints"][0] = {"name": "T"}
    data["objectives"] = [{"id": "o", "target": None}]
    problems = _problems(data)
    assert set(problems) == {
        "name",
        "stages[0].touchpoints[0].id",
        "objectives[0].kpi",
        "objectives[0].target",
        "objectives[0].deadline",
    }
    assert problems["name"].message == "missing required field of JourneyMap"
    assert problems["objectives[0].target"].message == "is required and may not be empty"


def test_structural_problems_do_not_repeat_as_semantic_ones():
    data = _minimal()
    data["stages"][0]["touchpoints"] = "t"
    problems = _problems(data)
    # the stage now has no touchpoints, but that is already explained by the shape problem
    assert list(problems) == ["stages[0].touchpoints"]


def test_validate_false_checks_the_structure_only():
    data = _minimal()
    data["stages"][0]["touchpoints"][0]["emotion"] = {"p": 7}
    jm = JourneyMap.from_dict(data, validate=False)
    assert jm.touchpoint("t").emotion["p"] == 7.0
    data["stages"][0]["touchpoints"][0]["colour"] = "red"
    assert set(_problems(data, validate=False)) == {"stages[0].touchpoints[0].colour"}


def test_a_non_mapping_is_reported():
    assert "expected a mapping of JourneyMap fields, got a list" in _problems([1])["(map)"].message


def test_metadata_is_frozen_and_json_like():
    jm = JourneyMap.from_dict(
        _minimal(metadata={"when": dt.date(2026, 1, 2), "tags": ["a", "b"], "nested": {"x": 1}})
    )
    assert jm.metadata["when"] == "2026-01-02"
    assert jm.metadata["tags"] == ("a", "b")
    assert isinstance(jm.metadata["nested"], FrozenMapping)
    assert jm.to_dict()["metadata"] == {
        "when": "2026-01-02",
        "tags": ["a", "b"],
        "nested": {"x": 1},
    }
    hash(jm)  # frozen all the way down


def test_to_dict_without_defaults_is_short():
    tp = Touchpoint("t", "T", pain_points=(PainPoint("Slow"),))
    jm = JourneyMap(id="m", name="M", stages=())
    assert jm.to_dict(include_defaults=False) == {"id": "m", "name": "M"}
    from cjlib.map._codec import object_to_dict

    assert object_to_dict(tp, include_defaults=False) == {
        "id": "t",
        "name": "T",
        "pain_points": [{"text": "Slow"}],
    }
    assert object_to_dict(tp)["ownership"] == "owned"
