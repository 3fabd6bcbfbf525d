"""The docs stay true to the code: the annotated map loads, the contract tables match the data."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cjlib.datasets import load_sample
from cjlib.map import (
    JourneyMap,
    Objective,
    Opportunity,
    PainPoint,
    Persona,
    Stage,
    Touchpoint,
    read_map,
    write_map,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"
MAP_FORMAT = DOCS / "map-format.md"
CONTRACTS = DOCS / "data-contracts.md"


def _fenced_block_after(text: str, marker: str, lang: str) -> str:
    match = re.search(re.escape(marker) + rf"\s*```{lang}\n(.*?)```", text, flags=re.S)
    assert match, f"no ```{lang} block after {marker!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def example_text() -> str:
    return _fenced_block_after(
        MAP_FORMAT.read_text(encoding="utf-8"), "<!-- map-format-example -->", "yaml"
    )


def test_the_annotated_example_is_a_valid_map(example_text, tmp_path):
    data = yaml.safe_load(example_text)
    journey_map = JourneyMap.from_dict(data)
    assert journey_map.id == "telco_lite"
    store = journey_map.touchpoint("store")
    assert store.emotion == {"young_pro": -0.5, "family": 0.5}
    assert store.pain_points[0].personas == ("family",)
    assert store.opportunities[0].addresses == ("pp_upsell",)
    assert journey_map.touchpoint("bill").emotion["family"] == -1.0
    # the same text through read_map (as a file) and back out through write_map
    path = tmp_path / "example.yaml"
    path.write_text(example_text, encoding="utf-8")
    assert read_map(path) == journey_map
    assert read_map(write_map(journey_map, tmp_path / "again.json")) == journey_map


def _keys_by_class(data: dict) -> dict[type, set[str]]:
    seen: dict[type, set[str]] = {
        cls: set()
        for cls in (JourneyMap, Persona, Stage, Touchpoint, PainPoint, Opportunity, Objective)
    }
    seen[JourneyMap] |= set(data)
    for persona in data.get("personas", []):
        seen[Persona] |= set(persona)
    for objective in data.get("objectives", []):
        seen[Objective] |= set(objective)
    for stage in data.get("stages", []):
        seen[Stage] |= set(stage)
        for tp in stage.get("touchpoints", []):
            seen[Touchpoint] |= set(tp)
            for pp in tp.get("pain_points", []):
                seen[PainPoint] |= set(pp)
            for op in tp.get("opportunities", []):
                seen[Opportunity] |= set(op)
    return seen


def test_the_annotated_example_shows_every_field(example_text):
    seen = _keys_by_class(yaml.safe_load(example_text))
    for cls, keys in seen.items():
        fields = {f.name for f in dataclasses.fields(cls)}
        assert fields - keys == set(), f"{cls.__name__} fields missing from the example"


def test_the_annotated_example_names_every_allowed_value(example_text):
    from cjlib.map import DIRECTIONS, EFFORTS, OWNERSHIPS, SEVERITIES

    for allowed in (SEVERITIES, EFFORTS, OWNERSHIPS, DIRECTIONS):
        assert " | ".join(allowed) in example_text, allowed


def _contract_tables() -> dict[str, pd.DataFrame]:
    text = CONTRACTS.read_text(encoding="utf-8")
    tables = {}
    for name, body in re.findall(r"<!-- contract: (\w+) -->\n((?:\|.*\n)+)", text):
        rows = [
            [cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in body.strip().splitlines()
        ]
        header, rows = rows[0], rows[2:]
        table = pd.DataFrame(rows, columns=header)
        table["column"] = table["column"].str.strip("`")
        tables[name] = table
    return tables


@pytest.fixture(scope="module")
def telco_sample():
    return load_sample("telco")


def test_every_contract_has_a_table():
    assert sorted(_contract_tables()) == ["customers", "events", "surveys", "transactions"]


@pytest.mark.parametrize("name", ["events", "customers", "transactions", "surveys"])
def test_contract_tables_match_the_sample_data(name, telco_sample):
    documented = _contract_tables()[name]
    frame = getattr(telco_sample, name)
    assert documented["column"].tolist() == list(frame.columns)
    actual = {col: str(dtype) for col, dtype in frame.dtypes.items()}
    for col, doc_type in zip(documented["column"], documented["type"], strict=True):
        if doc_type == "str":
            values = frame[col].dropna()
            assert actual[col] == "object" and values.map(type).eq(str).all(), col
        else:
            assert actual[col] == doc_type, col
