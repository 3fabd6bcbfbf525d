from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from cjlib.map import FrozenMapping, JourneyMap, Persona


def test_navigation(energy_map):
    assert [s.id for s in energy_map.stages] == [
        "awareness",
        "comparison",
        "signup",
        "switching",
        "billing",
        "support",
    ]
    assert len(energy_map.touchpoints) == 20
    assert energy_map.touchpoint("call_centre").channel == "phone"
    assert energy_map.stage_of("call_centre").id == "support"
    assert energy_map.stage("billing").owner == "Billing"
    assert energy_map.persona("eco").segment == "green"
    pairs = list(energy_map.iter_touchpoints())
    assert pairs[0][0].id == "awareness" and pairs[-1][1].id == "complaint_form"
    with pytest.raises(KeyError, match="no touchpoint with id 'nope'"):
        energy_map.touchpoint("nope")


def test_maps_are_immutable_and_hashable(energy_map):
    with pytest.raises(dataclasses.FrozenInstanceError):
        energy_map.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        energy_map.touchpoint("call_centre").emotion["saver"] = 0  # type: ignore[index]
    assert hash(energy_map) == hash(JourneyMap.from_dict(energy_map.to_dict()))


def test_lists_passed_in_are_copied_to_tuples():
    goals = ["Save money"]
    persona = Persona("p", "P", goals=goals)
    goals.append("later change")
    assert persona.goals == ("Save money",)


def test_metadata_is_deep_frozen():
    jm = JourneyMap(id="m", name="M", metadata={"tags": ["a"], "nested": {"k": [1, 2]}})
    assert jm.metadata["tags"] == ("a",)
    assert isinstance(jm.metadata["nested"], FrozenMapping)
    assert jm.metadata["nested"]["k"] == (1, 2)


def test_repr_html_is_the_canvas_fragment(energy_map):
    html = energy_map._repr_html_()
    assert html.startswith('<div class="cj-map"')
    assert "Switching to GreenVolt energy" in html


def test_importing_the_map_layer_stays_light():
    code = (
        "import sys, json, cjlib.map; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pandas', 'yaml', 'plotly', 'numpy'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == []
