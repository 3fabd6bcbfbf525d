"""Adding and removing stages, personas and opportunities: new maps, clear refusals."""

from __future__ import annotations

import copy

import pytest

from cjlib.datasets import load_map
from cjlib.errors import DataError
from cjlib.map import (
    JourneyMap,
    Opportunity,
    Persona,
    Stage,
    Touchpoint,
    add_opportunity,
    add_persona,
    add_stage,
    remove_opportunity,
    remove_persona,
    remove_stage,
    remove_touchpoint,
    set_emotion,
)


@pytest.fixture
def telco() -> JourneyMap:
    return load_map("telco")


def test_add_and_remove_stage_round_trip(telco):
    before = copy.deepcopy(telco.to_dict())
    added = add_stage(telco, Stage("advocacy", "Advocacy", owner="marketing"), position=2)
    assert [s.id for s in added.stages][1:4] == ["purchase", "advocacy", "onboarding"]
    assert added.stage("advocacy").owner == "marketing"
    assert remove_stage(added, "advocacy") == telco
    assert telco.to_dict() == before  # the input is never changed
    at_end = add_stage(telco, Stage("advocacy", "Advocacy"))
    assert at_end.stages[-1].id == "advocacy"


def test_add_stage_refuses_taken_ids_and_bad_positions(telco):
    with pytest.raises(DataError, match=r"stage.id: 'billing' is already used; .*taken: \["):
        add_stage(telco, Stage("billing", "Billing again"))
    clash = Stage("new", "New", touchpoints=(Touchpoint("ads", "Ads again"),))
    with pytest.raises(DataError, match=r"touchpoint.id: 'ads' is already used"):
        add_stage(telco, clash)
    with pytest.raises(DataError, match=r"position: expected an integer in 0\.\.7 or None, got 8"):
        add_stage(telco, Stage("new", "New"), position=8)
    with pytest.raises(DataError, match=r"stage: expected a Stage, got str"):
        add_stage(telco, "new")


def test_remove_stage_with_touchpoints_is_refused_naming_them(telco):
    with pytest.raises(
        DataError,
        match=r"stage 'renewal' still has touchpoints \['renewal_offer', 'plan_change', "
        r"'retention_call', 'cancellation'\]",
    ):
        remove_stage(telco, "renewal")
    with pytest.raises(DataError, match=r"stage_id: no stage with id 'nope'; known: \['aware"):
        remove_stage(telco, "nope")
    emptied = telco
    for tp_id in ("renewal_offer", "plan_change", "retention_call", "cancellation"):
        emptied = remove_touchpoint(emptied, tp_id)
    assert [s.id for s in remove_stage(emptied, "renewal").stages][-1] == "support"


def test_add_and_remove_persona(telco):
    added = add_persona(telco, Persona("senior", "Senior", share=0.1), position=0)
    assert [p.id for p in added.personas] == ["senior", "young_pro", "family"]
    assert remove_persona(added, "senior") == telco
    with pytest.raises(DataError, match=r"persona.id: 'family' is already used"):
        add_persona(telco, Persona("family", "Family 2"))
    with pytest.raises(DataError, match=r"persona: expected a Persona, got dict"):
        add_persona(telco, {"id": "x"})
    with pytest.raises(DataError, match=r"persona_id: no persona with id 'x'; known: \['young"):
        remove_persona(telco, "x")


def test_remove_persona_still_referenced_is_refused_naming_the_references(telco):
    with pytest.raises(DataError, match=r"persona 'family' is still referenced by \['ads.emotion'"):
        remove_persona(telco, "family")
    # scores cleared everywhere: only the pain points that name the persona remain
    cleared = telco
    for tp in telco.touchpoints:
        cleared = set_emotion(cleared, tp.id, "family", None)
    with pytest.raises(
        DataError,
        match=r"referenced by \['plan_comparison.pain_points\[0\]', 'welcome.pain_points\[0\]'\]",
    ):
        remove_persona(cleared, "family")


def test_add_and_remove_opportunity(telco):
    added = add_opportunity(
        telco,
        "store",
        "No upsell targets",
        "L",
        owner="retail",
        id="op_no_targets",
        addresses=("pp_store_upsell",),
    )
    (op,) = added.touchpoint("store").opportunities
    assert (op.text, op.effort, op.owner, op.id, op.addresses) == (
        "No upsell targets",
        "L",
        "retail",
        "op_no_targets",
        ("pp_store_upsell",),
    )
    assert added.problems() == telco.problems()
    assert remove_opportunity(added, "store", 0) == telco
    ready = Opportunity("Second", id="op_second")
    two = add_opportunity(added, "store", ready)
    assert [o.id for o in two.touchpoint("store").opportunities] == ["op_no_targets", "op_second"]
    assert [
        o.id for o in remove_opportunity(two, "store", -2).touchpoint("store").opportunities
    ] == ["op_second"]


def test_add_opportunity_refuses_taken_ids_and_unknown_pain_points(telco):
    with pytest.raises(DataError, match=r"opportunity.id: 'op_callback' is already used"):
        add_opportunity(telco, "store", "Again", id="op_callback")
    with pytest.raises(DataError, match=r"addresses: \['pp_nope'\] are not pain point ids .*known"):
        add_opportunity(telco, "store", "Idea", addresses=("pp_store_upsell", "pp_nope"))
    with pytest.raises(DataError, match=r"touchpoint_id: no touchpoint with id 'nope'"):
        add_opportunity(telco, "nope", "Idea")


def test_remove_opportunity_bad_index_names_the_allowed_range(telco):
    with pytest.raises(DataError, match=r"index: no opportunity at 2 .*'call_centre'.*-2\.\.1"):
        remove_opportunity(telco, "call_centre", 2)
    with pytest.raises(DataError, match=r"allowed: none \(it has no opportunities\)"):
        remove_opportunity(telco, "ads", 0)
