from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import plotly.graph_objects as go
import pytest

from cjlib.errors import DataError
from cjlib.map import JourneyMap, PainPoint, Persona, Stage, Touchpoint
from cjlib.plot import emotion_curve
from cjlib.plot._emotion import touchpoint_positions
from cjlib.plot._style import PALETTE, SEVERITY_COLORS


def _energy_map() -> JourneyMap:
    path = Path(__file__).resolve().parents[1] / "map" / "energy_map.py"
    spec = importlib.util.spec_from_file_location("energy_map_fixture", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_energy_map()


@pytest.fixture(scope="module")
def energy_map() -> JourneyMap:
    return _energy_map()


def _big_map() -> JourneyMap:
    """8 stages x 5 touchpoints, long names, two personas."""
    stages = []
    for s in range(8):
        tps = tuple(
            Touchpoint(
                f"t{s}_{k}",
                f"Touchpoint {s}.{k} with quite a long descriptive name",
                emotion={"a": (k - 2) / 1.0, "b": (2 - k) / 2},
            )
            for k in range(5)
        )
        stages.append(Stage(f"s{s}", f"Stage number {s} of the journey", touchpoints=tps))
    return JourneyMap(
        id="big", name="Big", personas=(Persona("a", "A"), Persona("b", "B")), stages=tuple(stages)
    )


def _lines(fig):
    return [t for t in fig.data if t.mode == "lines+markers"]


def test_one_line_per_persona_with_the_designed_scores(energy_map):
    fig = emotion_curve(energy_map)
    assert isinstance(fig, go.Figure)
    lines = _lines(fig)
    assert [t.name for t in lines] == ["Budget saver", "Green homeowner"]
    assert list(lines[0].x) == list(range(20))
    assert lines[0].y[17] == -2.0  # call centre, saver
    assert lines[1].y[15] == 2.0  # usage dashboard, eco
    assert [t.line.color for t in lines] == [PALETTE[0], PALETTE[1]]


def test_x_labels_are_the_touchpoints_in_journey_order(energy_map):
    fig = emotion_curve(energy_map)
    assert list(fig.layout.xaxis.tickvals) == list(range(20))
    assert fig.layout.xaxis.ticktext[0] == "TV advert"
    assert touchpoint_positions(energy_map)["call_centre"] == 17


def test_stage_bands_and_names(energy_map):
    fig = emotion_curve(energy_map)
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(b.x0, b.x1) for b in bands] == [
        (-0.5, 2.5),
        (2.5, 6.5),
        (6.5, 9.5),
        (9.5, 12.5),
        (12.5, 15.5),
        (15.5, 19.5),
    ]
    names = [a.text for a in fig.layout.annotations]
    assert names == [f"<b>{s.name}</b>" for s in energy_map.stages]
    zero = [s for s in fig.layout.shapes if s.type == "line" and s.y0 == 0 and s.y1 == 0]
    assert len(zero) == 1


def test_pain_points_are_markers_coloured_by_severity_with_text_on_hover(energy_map):
    fig = emotion_curve(energy_map)
    pains = {t.name.removesuffix(" pain point"): t for t in fig.data if t.mode == "markers"}
    # without legend group titles each entry names itself
    assert [t.name for t in fig.data if t.mode == "markers"] == [
        "low pain point",
        "medium pain point",
        "high pain point",
        "critical pain point",
    ]
    for severity, trace in pains.items():
        assert trace.marker.color == SEVERITY_COLORS[severity]
    assert len(pains["critical"].x) == 3
    assert len(pains["high"].x) == 5
    hover = " ".join(pains["critical"].text)
    assert "35-minute hold time" in hover and "Bill higher than quoted" in hover
    # two pain points on the call centre sit side by side around x = 17
    xs = sorted([*pains["critical"].x, *pains["high"].x])
    assert [x for x in xs if 16.5 < x < 17.5] == pytest.approx([16.86, 17.14])


def test_personas_subset_hides_pain_points_of_other_personas(energy_map):
    fig = emotion_curve(energy_map, personas="eco")
    assert [t.name for t in _lines(fig)] == ["Green homeowner"]
    assert _lines(fig)[0].line.color == PALETTE[1]  # colour follows the map, not the subset
    texts = " ".join(" ".join(t.text) for t in fig.data if t.mode == "markers")
    assert "Deposit asked" not in texts  # the saver's pain point
    assert "Green certificates" in texts


def test_without_pain_points(energy_map):
    fig = emotion_curve(energy_map, show_pain_points=False, title="Designed", height=500)
    assert all(t.mode == "lines+markers" for t in fig.data)
    assert fig.layout.title.text == "Designed"
    assert fig.layout.height == 500


def test_missing_emotion_leaves_a_gap():
    jm = JourneyMap(
        id="m",
        name="M",
        personas=(Persona("a", "A"),),
        stages=(
            Stage(
                "s",
                "S",
                touchpoints=(
                    Touchpoint("t", "T", emotion={"a": 1}),
                    Touchpoint("u", "U"),
                    Touchpoint("v", "V", emotion={"a": -1}),
                ),
            ),
        ),
    )
    (line,) = _lines(emotion_curve(jm))
    assert list(line.y) == [1.0, None, -1.0]
    assert line.connectgaps is False


def test_forty_touchpoints_get_angled_short_labels_and_room():
    fig = emotion_curve(_big_map())
    assert fig.layout.xaxis.tickangle == -40
    assert all(len(t) <= 26 for t in fig.layout.xaxis.ticktext)
    assert fig.layout.margin.b > 100
    assert fig.layout.height >= 550
    assert len([s for s in fig.layout.shapes if s.type == "rect"]) == 8


def test_small_maps_get_wrapped_horizontal_labels():
    jm = JourneyMap(
        id="m",
        name="M",
        personas=(Persona("a", "A"),),
        stages=(Stage("s", "S", touchpoints=(Touchpoint("t", "A rather long touchpoint name"),)),),
    )
    fig = emotion_curve(jm)
    assert fig.layout.xaxis.tickangle == 0
    assert "<br>" in fig.layout.xaxis.ticktext[0]


def test_unknown_persona_is_a_clear_error(energy_map):
    with pytest.raises(DataError, match=r"personas: unknown persona id\(s\) \['family'\]; known"):
        emotion_curve(energy_map, personas=["family"])
    with pytest.raises(DataError, match="at least one persona"):
        emotion_curve(energy_map, personas=[])
    with pytest.raises(DataError, match="journey_map: expected a JourneyMap"):
        emotion_curve({"id": "m"})


def test_the_map_is_not_changed(energy_map):
    before = copy.deepcopy(energy_map)
    emotion_curve(energy_map)
    assert energy_map == before


def test_pain_point_of_unknown_severity_is_not_drawn_as_a_known_one():
    jm = JourneyMap(
        id="m",
        name="M",
        personas=(Persona("a", "A"),),
        stages=(
            Stage(
                "s",
                "S",
                touchpoints=(
                    Touchpoint(
                        "t", "T", pain_points=(PainPoint("odd", "severe"), PainPoint("real", "low"))
                    ),
                ),
            ),
        ),
    )
    fig = emotion_curve(jm)
    assert [t.name for t in fig.data if t.mode == "markers"] == ["low pain point"]
