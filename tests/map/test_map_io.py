from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

import cjlib
from cjlib.errors import DataError, MapValidationError
from cjlib.map import JourneyMap, MapSyntaxError, read_map, write_map

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json", ".YAML"])
def test_write_then_read_gives_an_equal_map(energy_map, tmp_path, suffix):
    path = write_map(energy_map, tmp_path / f"map{suffix}")
    assert path == tmp_path / f"map{suffix}"
    assert read_map(path) == energy_map


def test_yaml_to_objects_to_json_to_objects_is_lossless(energy_map, tmp_path):
    from_yaml = read_map(write_map(energy_map, tmp_path / "m.yaml"))
    from_json = read_map(write_map(from_yaml, tmp_path / "m.json"))
    assert from_json == from_yaml == energy_map
    assert from_json.to_dict() == energy_map.to_dict()


def test_top_level_api_is_the_same_function():
    assert cjlib.read_map is read_map
    assert cjlib.write_map is write_map


def test_yaml_file_is_the_documented_format(energy_map, tmp_path):
    data = yaml.safe_load(write_map(energy_map, tmp_path / "m.yaml").read_text())
    assert list(data) == [
        "id",
        "name",
        "description",
        "personas",
        "stages",
        "objectives",
        "metadata",
    ]
    tp = data["stages"][5]["touchpoints"][1]
    assert tp["id"] == "call_centre"
    assert tp["emotion"] == {"saver": -2.0, "eco": -1.5}
    assert tp["pain_points"][0] == {
        "text": "35-minute hold time",
        "severity": "critical",
        "id": "hold_time",
    }
    # ISO date string, defaults left out
    assert data["objectives"][0]["deadline"] == "2027-03-31"
    assert "ownership" not in data["stages"][0]["touchpoints"][0]  # "owned" is the default
    assert data["stages"][0]["touchpoints"][1]["ownership"] == "external"


def test_json_file_is_utf8_and_indented(tmp_path, energy_map):
    from dataclasses import replace

    jm = replace(energy_map, name="Wechsel zu GrünVolt – Übersicht")
    path = write_map(jm, tmp_path / "m.json")
    text = path.read_text(encoding="utf-8")
    assert "GrünVolt – Übersicht" in text
    assert text.startswith('{\n  "id": "energy_switch"')
    assert json.loads(text)["name"] == jm.name


def test_write_map_does_not_touch_the_map(energy_map, tmp_path):
    before = copy.deepcopy(energy_map)
    write_map(energy_map, tmp_path / "m.yaml")
    assert energy_map == before


def test_write_map_refuses_an_invalid_map_unless_asked(tmp_path):
    jm = JourneyMap(id="m", name="M")  # no personas, no stages
    with pytest.raises(MapValidationError) as info:
        write_map(jm, tmp_path / "m.yaml")
    assert {p.path for p in info.value.problems} == {"personas", "stages"}
    assert not (tmp_path / "m.yaml").exists()
    write_map(jm, tmp_path / "m.yaml", validate=False)
    assert (
        JourneyMap.from_dict(yaml.safe_load((tmp_path / "m.yaml").read_text()), validate=False)
        == jm
    )


def test_write_map_rejects_a_non_map(tmp_path):
    with pytest.raises(DataError, match="journey_map: expected a JourneyMap, got dict"):
        write_map({"id": "m"}, tmp_path / "m.yaml")


@pytest.mark.parametrize("name", ["map.txt", "map", "map.yaml.bak"])
def test_unknown_suffix_names_the_allowed_ones(tmp_path, name, energy_map):
    with pytest.raises(DataError, match=r"allowed suffixes: \.yaml, \.yml, \.json"):
        write_map(energy_map, tmp_path / name)
    (tmp_path / name).write_text("id: m\n")
    with pytest.raises(DataError, match="cannot tell the map format"):
        read_map(tmp_path / name)


def test_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_map(tmp_path / "nope.yaml")


def test_malformed_yaml_names_line_and_column(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: m\nname: M\nstages:\n  - id: s\n    name: [unclosed\n  - id: t\n")
    with pytest.raises(MapSyntaxError) as info:
        read_map(path)
    err = info.value
    assert isinstance(err, MapValidationError)
    assert err.line == 6
    assert err.column == 7  # the ':' of "- id: t", where PyYAML notices the missing ']'
    assert "line 6, column 7" in str(err)
    assert "flow sequence" in str(err)
    assert "began at line 5" in str(err)
    assert str(path) in str(err)


def test_duplicate_yaml_keys_are_refused_with_both_lines(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("id: m\nname: M\npersonas: []\nname: Other\n")
    with pytest.raises(MapSyntaxError, match=r"duplicate key 'name' \(first at line 2\)") as info:
        read_map(path)
    assert info.value.line == 4


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("id: !!python/object/apply:os.system ['echo hacked']\nname: M\n")
    with pytest.raises(MapSyntaxError, match="could not determine a constructor") as info:
        read_map(path)
    assert info.value.line == 1


def test_malformed_json_names_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "id": "m",\n  "name": \n}\n')
    with pytest.raises(MapSyntaxError) as info:
        read_map(path)
    assert (info.value.line, info.value.column) == (4, 1)
    assert "Expecting value" in str(info.value)


@pytest.mark.parametrize(("suffix", "text"), [(".yaml", ""), (".yaml", "# only a comment\n")])
def test_empty_file_is_reported(tmp_path, suffix, text):
    path = tmp_path / f"empty{suffix}"
    path.write_text(text)
    with pytest.raises(MapValidationError, match="the file is empty"):
        read_map(path)


def test_a_list_at_top_level_is_reported(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- id: m\n")
    with pytest.raises(MapValidationError, match=r"\(map\): expected a mapping of JourneyMap"):
        read_map(path)


def test_read_map_validates_and_lists_every_problem(energy_map, tmp_path):
    data = energy_map.to_dict()
    data["stages"][1]["touchpoints"][0]["emotion"]["eco"] = 5
    data["stages"][2]["touchpoints"][0]["pain_points"][0]["severity"] = "severe"
    data["stages"][0]["touchpoints"][0]["chanel"] = "tv"
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(MapValidationError) as info:
        read_map(path)
    assert sorted(p.path for p in info.value.problems) == [
        "stages[0].touchpoints[0].chanel",
        "stages[1].touchpoints[0].emotion.eco",
        "stages[2].touchpoints[0].pain_points[0].severity",
    ]


@pytest.mark.parametrize("name", ["telco", "shop"])
def test_sample_maps_load_round_trip_and_render(name, tmp_path):
    path = ROOT / "data" / "samples" / name / "map.yaml"
    jm = read_map(path)
    assert len(jm.stages) >= 6 and len(jm.touchpoints) >= 20 and len(jm.personas) >= 2
    assert read_map(write_map(jm, tmp_path / "m.json")) == jm
    page = cjlib.render_map(jm)
    assert page.count('class="cj-stage ') == len(jm.stages)


def test_next_line_character_survives_yaml(energy_map, tmp_path):
    # PyYAML writes U+0085 raw with allow_unicode and reads it back as a space (found by
    # hypothesis); cjlib writes such strings double-quoted
    from dataclasses import replace

    jm = replace(energy_map, name="Line\x85break", description="\x85")
    assert read_map(write_map(jm, tmp_path / "m.yaml")) == jm


def test_yaml_problems_carry_the_line_of_their_field(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(
        "id: m\n"  # 1
        "name: M\n"  # 2
        "personas:\n"  # 3
        "- id: p\n"  # 4
        "  name: P\n"  # 5
        "stages:\n"  # 6
        "- id: s\n"  # 7
        "  name: S\n"  # 8
        "  touchpoints:\n"  # 9
        "  - id: t\n"  # 10
        "    name: T\n"  # 11
        "    emotion:\n"  # 12
        "      p: 3\n"  # 13
        "    colour: red\n"  # 14
        "- id: empty\n"  # 15
        "  name: Empty\n"  # 16
    )
    with pytest.raises(MapValidationError) as info:
        read_map(path)
    messages = {p.path: p.message for p in info.value.problems}
    assert messages["stages[0].touchpoints[0].emotion.p"].endswith("(line 13)")
    assert messages["stages[0].touchpoints[0].colour"].endswith("(line 14)")
    # a missing field is reported at its closest enclosing field: the stage item
    assert messages["stages[1].touchpoints"] == "a stage needs at least one touchpoint (line 15)"
    assert f"invalid journey map in {path}" in str(info.value)
