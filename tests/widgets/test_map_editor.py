"""MapEditor driven from Python: set widget values, assert the resulting map, canvas and curve."""

from __future__ import annotations

import copy

import pytest

from cjlib.datasets import load_map
from cjlib.errors import DataError, MapValidationError
from cjlib.map import (
    JourneyMap,
    PainPoint,
    Persona,
    Stage,
    Touchpoint,
    read_map,
    replace_touchpoint,
)
from cjlib.widgets import MapEditor
from cjlib.widgets._display import PLOTLY_MIME


@pytest.fixture
def telco() -> JourneyMap:
    return load_map("telco")


@pytest.fixture
def editor(telco) -> MapEditor:
    return MapEditor(telco)


def _curve_spec(editor: MapEditor) -> dict:
    (output,) = editor.curve.outputs
    return output["data"][PLOTLY_MIME]


def _persona_trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t.get("name") == name and t.get("mode") != "markers")


def test_starts_on_the_first_touchpoint_and_shows_it(editor, telco):
    assert editor.stage_id == "awareness"
    assert editor.touchpoint_id == "ads"
    assert editor.touchpoint_name.value == "TV and online ads"
    assert editor.channel.value == "tv"
    assert editor.owner.value == "marketing"
    assert editor.ownership.value == "owned"
    assert editor.emotion_sliders["young_pro"].value == 1.0
    assert editor.emotion_sliders["family"].value == 0.5
    assert editor.journey_map is telco
    assert "TV and online ads" in editor.canvas.value
    assert "No problems" in editor.problems.value
    # the touchpoint picker lists every touchpoint of the map, labelled with its stage
    assert len(editor.touchpoint_dropdown.options) == len(telco.touchpoints)
    assert editor.touchpoint_dropdown.options[0] == ("Awareness \u203a TV and online ads", "ads")


def test_picking_a_touchpoint_follows_its_stage_and_back(editor):
    editor.touchpoint_dropdown.value = "store"
    assert editor.stage_id == "purchase"
    assert editor.stage_name.value == "Purchase"
    assert [row.text.value for row in editor.pain_point_rows] == [
        "Store staff push expensive plans and insurance"
    ]
    editor.stage_dropdown.value = "usage"
    assert editor.touchpoint_id == "app"  # the first touchpoint of the stage


def test_touchpoint_fields_edit_the_map_and_redraw(editor, telco):
    before = copy.deepcopy(telco.to_dict())
    editor.touchpoint_dropdown.value = "store"
    editor.touchpoint_name.value = "Flagship store"
    editor.channel.value = "retail"
    editor.owner.value = "retail_ops"
    editor.ownership.value = "partner"
    tp = editor.journey_map.touchpoint("store")
    assert (tp.name, tp.channel, tp.owner, tp.ownership) == (
        "Flagship store",
        "retail",
        "retail_ops",
        "partner",
    )
    assert "Flagship store" in editor.canvas.value
    assert "retail_ops" in editor.canvas.value
    assert ("Purchase \u203a Flagship store", "store") in editor.touchpoint_dropdown.options
    assert editor.touchpoint_id == "store"
    # everything else is unchanged, and the map passed in is untouched
    assert telco.to_dict() == before
    assert editor.journey_map.touchpoint("ads") is telco.touchpoint("ads")


def test_stage_fields_edit_the_map(editor):
    editor.stage_name.value = "Discovery"
    editor.stage_owner.value = "brand"
    stage = editor.journey_map.stage("awareness")
    assert (stage.name, stage.owner) == ("Discovery", "brand")
    assert editor.stage_dropdown.options[0] == ("Discovery", "awareness")
    assert "Discovery" in editor.canvas.value


def test_emotion_slider_moves_the_curve(editor, telco):
    position = [tp.id for tp in telco.touchpoints].index("store")
    editor.touchpoint_dropdown.value = "store"
    family = telco.persona("family").name
    assert _persona_trace(_curve_spec(editor), family)["y"][position] == pytest.approx(
        telco.touchpoint("store").emotion["family"]
    )
    editor.emotion_sliders["family"].value = -2.0
    assert editor.journey_map.touchpoint("store").emotion["family"] == -2.0
    assert _persona_trace(_curve_spec(editor), family)["y"][position] == -2.0
    assert editor.figure is not None
    frame = editor.journey_map.to_frame().set_index(["touchpoint_id", "persona"])
    assert frame.loc[("store", "family"), "emotion"] == -2.0


def test_unticking_a_persona_removes_its_score(editor):
    editor.emotion_drawn["young_pro"].value = False
    assert "young_pro" not in editor.journey_map.touchpoint("ads").emotion
    assert editor.emotion_sliders["young_pro"].disabled
    editor.emotion_drawn["young_pro"].value = True
    editor.emotion_sliders["young_pro"].value = 1.5
    assert editor.journey_map.touchpoint("ads").emotion["young_pro"] == 1.5


def test_pain_points_add_edit_remove(editor):
    editor.touchpoint_dropdown.value = "ads"
    assert editor.pain_point_rows == []
    editor.new_pain_point_text.value = "Headline price hides the set-up fee"
    editor.new_pain_point_severity.value = "high"
    editor.add_pain_point_button.click()
    assert editor.journey_map.touchpoint("ads").pain_points == (
        PainPoint("Headline price hides the set-up fee", "high"),
    )
    assert editor.new_pain_point_text.value == ""
    assert len(editor.pain_point_rows) == 1
    assert "Headline price hides the set-up fee" in editor.canvas.value

    editor.pain_point_rows[0].severity.value = "critical"
    editor.pain_point_rows[0].text.value = "Set-up fee in small print"
    assert editor.journey_map.touchpoint("ads").pain_points == (
        PainPoint("Set-up fee in small print", "critical"),
    )
    spec = _curve_spec(editor)
    assert any(
        "Set-up fee in small print"
        in str(t.get("customdata", "")) + str(t.get("hovertext", "")) + str(t.get("text", ""))
        for t in spec["data"]
    )

    editor.pain_point_rows[0].remove.click()
    assert editor.journey_map.touchpoint("ads").pain_points == ()
    assert editor.pain_point_rows == []


def test_empty_pain_point_is_refused_in_the_status_line(editor):
    editor.new_pain_point_text.value = "   "
    editor.add_pain_point_button.click()
    assert editor.journey_map.touchpoint("ads").pain_points == ()
    assert "Type the pain point first" in editor.status.value


def test_add_and_remove_touchpoint(editor, telco):
    editor.touchpoint_dropdown.value = "review_sites"
    editor.add_touchpoint_button.click()
    ids = [tp.id for tp in editor.journey_map.stage("awareness").touchpoints]
    assert ids == ["ads", "review_sites", "new_touchpoint_1", "friends", "website"]
    assert editor.touchpoint_id == "new_touchpoint_1"
    assert editor.touchpoint_name.value == "New touchpoint 1"
    # a new touchpoint has no emotion yet: sliders show it is not drawn
    assert not any(box.value for box in editor.emotion_drawn.values())
    editor.remove_touchpoint_button.click()
    assert editor.journey_map == telco


def test_validation_problems_are_shown_not_raised(editor):
    editor.touchpoint_name.value = ""
    assert editor.journey_map.touchpoint("ads").name == ""
    assert "1 problem" in editor.problems.value
    assert "stages[0].touchpoints[0].name" in editor.problems.value
    editor.touchpoint_name.value = "Ads"
    assert "No problems" in editor.problems.value


def test_set_map_redraws_and_keeps_the_selection(editor):
    editor.touchpoint_dropdown.value = "store"
    scripted = replace_touchpoint(editor.journey_map, "store", channel="kiosk")
    editor.set_map(scripted)
    assert editor.journey_map is scripted
    assert editor.touchpoint_id == "store"
    assert editor.channel.value == "kiosk"
    assert "kiosk" in editor.canvas.value


def test_user_text_is_escaped_in_canvas_and_problems(editor):
    payload = "<img src=x onerror=alert(1)>"
    editor.set_map(replace_touchpoint(editor.journey_map, "ads", ownership=payload))
    editor.stage_name.value = payload
    assert editor.ownership.value == payload
    assert payload not in editor.canvas.value
    assert payload not in editor.problems.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in editor.problems.value


def test_save_writes_yaml_that_reads_back(editor, tmp_path):
    editor.emotion_sliders["family"].value = -1.0
    path = editor.save(tmp_path / "edited.yaml")
    assert path == tmp_path / "edited.yaml"
    assert read_map(path) == editor.journey_map
    assert read_map(path).touchpoint("ads").emotion["family"] == -1.0
    assert "Saved to" in editor.status.value


def test_save_button_uses_the_file_box_and_reports_problems(editor, tmp_path):
    target = tmp_path / "button.yaml"
    editor.save_path.value = str(target)
    editor.touchpoint_name.value = ""  # invalid
    editor.save_button.click()
    assert not target.exists()
    assert "Not saved" in editor.status.value
    assert "touchpoints[0].name" in editor.status.value
    with pytest.raises(MapValidationError):
        editor.save()
    editor.touchpoint_name.value = "Ads"
    editor.save_button.click()
    assert read_map(target).touchpoint("ads").name == "Ads"


def test_save_without_a_path_is_a_clear_error(editor):
    with pytest.raises(DataError, match=r"path: give a file name ending in \.yaml"):
        editor.save()


def test_on_change_callbacks_receive_each_new_map(editor):
    seen: list[JourneyMap] = []
    editor.on_change(seen.append)
    editor.channel.value = "cinema"
    editor.emotion_sliders["family"].value = 2.0
    assert [m.touchpoint("ads").channel for m in seen] == ["cinema", "cinema"]
    assert seen[-1] is editor.journey_map


def test_a_draft_with_an_odd_value_and_no_personas_still_opens():
    draft = JourneyMap(
        id="draft",
        name="Draft",
        stages=(
            Stage("empty", "Nothing yet"),
            Stage("s", "S", touchpoints=(Touchpoint("t", "T", ownership="ours"),)),
        ),
    )
    editor = MapEditor(draft)
    assert editor.touchpoint_id is None  # the first stage has no touchpoint
    assert editor.touchpoint_name.disabled
    assert "every stage" in editor.problems.value or "touchpoint" in editor.problems.value
    editor.stage_dropdown.value = "s"
    assert editor.touchpoint_id == "t"
    assert editor.ownership.value == "ours"  # kept selectable, reported as a problem
    assert "ownership" in editor.problems.value
    assert editor.emotion_sliders == {}


def test_rejects_what_is_not_a_map():
    with pytest.raises(DataError, match="journey_map: expected a JourneyMap, got dict"):
        MapEditor({"id": "x"})


def test_displays_as_a_widget(editor):
    bundle = editor._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert repr(editor).startswith("MapEditor('telco': 7 stages, 30 touchpoints")


def test_one_slider_per_persona_set_from_the_map():
    jm = JourneyMap(
        id="m",
        name="M",
        personas=(Persona("p", "P"),),
        stages=(Stage("s", "S", touchpoints=(Touchpoint("t", "T", emotion={"p": 1}),)),),
    )
    editor = MapEditor(jm)
    assert list(editor.emotion_sliders) == ["p"]
    assert editor.emotion_sliders["p"].value == 1.0


def test_add_and_remove_stage(editor, telco):
    editor.stage_dropdown.value = "purchase"
    editor.new_stage_name.value = "Advocacy"
    editor.add_stage_button.click()
    ids = [s.id for s in editor.journey_map.stages]
    assert ids[:3] == ["awareness", "purchase", "new_stage_1"]
    assert editor.journey_map.stage("new_stage_1").name == "Advocacy"
    assert editor.stage_id == "new_stage_1"
    assert editor.touchpoint_id is None  # an empty stage has no touchpoint to edit
    assert ("Advocacy", "new_stage_1") in editor.stage_dropdown.options
    editor.remove_stage_button.click()
    assert editor.journey_map == telco


def test_removing_a_stage_with_touchpoints_is_refused_in_the_status_line(editor, telco):
    editor.stage_dropdown.value = "renewal"
    editor.remove_stage_button.click()
    assert editor.journey_map is telco
    assert "stage &#x27;renewal&#x27; still has touchpoints" in editor.status.value


def test_add_persona_adds_a_slider_and_remove_takes_it_away(editor, telco):
    editor.new_persona_name.value = "Senior"
    editor.add_persona_button.click()
    assert editor.journey_map.personas[-1] == Persona("new_persona_1", "Senior")
    assert list(editor.emotion_sliders) == ["young_pro", "family", "new_persona_1"]
    assert editor.persona_dropdown.value == "new_persona_1"
    # the new persona has no score yet; giving it one draws it on the curve
    assert editor.emotion_drawn["new_persona_1"].value is False
    editor.emotion_drawn["new_persona_1"].value = True
    editor.emotion_sliders["new_persona_1"].value = -1.5
    assert editor.journey_map.touchpoint("ads").emotion["new_persona_1"] == pytest.approx(-1.5)
    assert any(t.get("name") == "Senior" for t in _curve_spec(editor)["data"])
    # still scored: removing is refused and names the reference
    editor.remove_persona_button.click()
    assert "still referenced by [&#x27;ads.emotion&#x27;]" in editor.status.value
    editor.emotion_drawn["new_persona_1"].value = False
    editor.remove_persona_button.click()
    assert editor.journey_map == telco
    assert list(editor.emotion_sliders) == ["young_pro", "family"]


def test_add_and_remove_opportunity(editor, telco):
    editor.touchpoint_dropdown.value = "store"
    assert editor.opportunity_rows == []
    editor.add_opportunity_button.click()
    assert "Type the opportunity first" in editor.status.value
    editor.new_opportunity_text.value = "No upsell targets <b>"
    editor.new_opportunity_effort.value = "L"
    editor.add_opportunity_button.click()
    (op,) = editor.journey_map.touchpoint("store").opportunities
    assert (op.text, op.effort) == ("No upsell targets <b>", "L")
    assert [row.index for row in editor.opportunity_rows] == [0]
    assert "No upsell targets &lt;b&gt; " in editor.opportunity_rows[0].label.value
    editor.opportunity_rows[0].remove.click()
    assert editor.journey_map == telco
