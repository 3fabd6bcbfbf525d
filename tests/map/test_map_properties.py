"""Property-based round trips over generated valid maps (hypothesis)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjlib.map import (
    DIRECTIONS,
    EFFORTS,
    OWNERSHIPS,
    SEVERITIES,
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

# any text YAML and JSON can carry (no lone surrogates), non-blank where required
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
some_text = any_text.filter(lambda s: s.strip() != "")
ident = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,10}", fullmatch=True)
emotion = st.floats(-2.0, 2.0, allow_nan=False)
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    any_text,
)
metadata = st.dictionaries(
    any_text, st.one_of(json_scalar, st.lists(json_scalar, max_size=3)), max_size=3
)


@st.composite
def journey_maps(draw) -> JourneyMap:
    # ids stay unique by a running number behind a drawn stem
    stem = draw(ident)
    ids = (f"{stem}{k}" for k in range(10**6))
    n_personas = draw(st.integers(1, 3))
    personas = tuple(
        Persona(
            id=next(ids),
            name=draw(some_text),
            description=draw(any_text),
            goals=tuple(draw(st.lists(some_text, max_size=2))),
            frustrations=tuple(draw(st.lists(some_text, max_size=2))),
            share=draw(st.none() | st.floats(0.0, 1.0 / n_personas)),
            segment=draw(st.none() | st.just(f"segment_{i}")),
        )
        for i in range(n_personas)
    )
    persona_ids = [p.id for p in personas]
    stages = []
    pain_ids: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        touchpoints = []
        for _ in range(draw(st.integers(1, 3))):
            pain_points = tuple(
                PainPoint(
                    text=draw(some_text),
                    severity=draw(st.sampled_from(SEVERITIES)),
                    id=draw(st.none() | st.just(next(ids))),
                    personas=tuple(
                        draw(st.lists(st.sampled_from(persona_ids), max_size=2, unique=True))
                    ),
                )
                for _ in range(draw(st.integers(0, 2)))
            )
            pain_ids += [pp.id for pp in pain_points if pp.id]
            opportunities = tuple(
                Opportunity(
                    text=draw(some_text),
                    effort=draw(st.sampled_from(EFFORTS)),
                    owner=draw(any_text),
                    expected_effect=draw(st.none() | st.floats(0.0, 1.0)),
                    id=draw(st.none() | st.just(next(ids))),
                    addresses=tuple(
                        draw(st.lists(st.sampled_from(pain_ids), max_size=2, unique=True))
                    )
                    if pain_ids
                    else (),
                )
                for _ in range(draw(st.integers(0, 2)))
            )
            touchpoints.append(
                Touchpoint(
                    id=next(ids),
                    name=draw(some_text),
                    channel=draw(any_text),
                    owner=draw(any_text),
                    ownership=draw(st.sampled_from(OWNERSHIPS)),
                    actions=tuple(draw(st.lists(some_text, max_size=2))),
                    thoughts=tuple(draw(st.lists(some_text, max_size=2))),
                    expectation=draw(any_text),
                    emotion=draw(st.dictionaries(st.sampled_from(persona_ids), emotion)),
                    pain_points=pain_points,
                    opportunities=opportunities,
                    events=(next(ids), next(ids) + "_*"),
                )
            )
        stages.append(
            Stage(
                id=next(ids),
                name=draw(some_text),
                description=draw(any_text),
                owner=draw(any_text),
                touchpoints=tuple(touchpoints),
            )
        )
    objectives = []
    for _ in range(draw(st.integers(0, 2))):
        direction = draw(st.sampled_from(DIRECTIONS))
        baseline = draw(st.none() | st.floats(-1e6, 1e6))
        step = draw(st.floats(0.5, 1e3))
        target = (
            draw(st.floats(-1e6, 1e6))
            if baseline is None
            else (baseline + step if direction == "increase" else baseline - step)
        )
        objectives.append(
            Objective(
                id=next(ids),
                kpi=draw(some_text),
                target=target,
                deadline=draw(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))),
                owner=draw(any_text),
                baseline=baseline,
                direction=direction,
                unit=draw(any_text),
                description=draw(any_text),
            )
        )
    return JourneyMap(
        id=next(ids),
        name=draw(some_text),
        description=draw(any_text),
        personas=personas,
        stages=tuple(stages),
        objectives=tuple(objectives),
        metadata=draw(metadata),
    )


SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(journey_maps())
def test_generated_maps_are_valid_and_round_trip_through_dicts(jm):
    assert jm.problems() == []
    assert JourneyMap.from_dict(jm.to_dict()) == jm
    assert JourneyMap.from_dict(jm.to_dict(include_defaults=False)) == jm


@SETTINGS
@given(journey_maps())
def test_yaml_to_objects_to_json_to_objects_is_lossless(jm):
    with tempfile.TemporaryDirectory() as tmp:
        from_yaml = read_map(write_map(jm, Path(tmp) / "m.yaml"))
        from_json = read_map(write_map(from_yaml, Path(tmp) / "m.json"))
    assert from_yaml == jm
    assert from_json == jm
    assert from_json.to_dict() == jm.to_dict()
