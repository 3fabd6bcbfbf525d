"""The two sample maps: content the issue asks for, and a live binding to the sample events."""

from __future__ import annotations

import fnmatch

import pytest

from cjlib.datasets import load_map
from cjlib.errors import DataError


@pytest.mark.parametrize("name", ["telco", "shop"])
def test_sample_map_has_the_required_content(name):
    jm = load_map(name)
    jm.validate()
    assert len(jm.stages) >= 6
    assert len(jm.touchpoints) >= 20
    assert len(jm.personas) == 2
    assert all(p.segment for p in jm.personas)
    assert abs(sum(p.share for p in jm.personas) - 1.0) < 1e-9
    pains = [pp for tp in jm.touchpoints for pp in tp.pain_points]
    opportunities = [op for tp in jm.touchpoints for op in tp.opportunities]
    assert len(pains) >= 10 and all(pp.id for pp in pains)
    assert len(opportunities) >= 8
    pain_ids = {pp.id for pp in pains}
    for op in opportunities:
        assert op.id and op.owner and op.effort in ("S", "M", "L", "XL")
        assert op.addresses and set(op.addresses) <= pain_ids
    assert len(jm.objectives) >= 2
    assert all(tp.events for tp in jm.touchpoints)
    # the outside-in view: touchpoints the company does not own
    assert {tp.ownership for tp in jm.touchpoints} >= {"owned", "partner", "external"}


def test_telco_map_follows_the_lifecycle(telco_map):
    assert [s.id for s in telco_map.stages] == [
        "awareness",
        "purchase",
        "onboarding",
        "usage",
        "billing",
        "support",
        "renewal",
    ]
    events = {e for tp in telco_map.touchpoints for e in tp.events}
    assert {"bill_issued", "support_call", "review_site_visit", "billing_dispute"} <= events
    assert telco_map.touchpoint("review_sites").ownership == "external"
    assert telco_map.touchpoint("friends").ownership == "external"


@pytest.mark.parametrize("name", ["telco", "shop"])
def test_map_binding_matches_the_sample_events(name, request):
    data = request.getfixturevalue(f"{name}_sample")
    jm = data.journey_map
    patterns = [p for tp in jm.touchpoints for p in tp.events]
    emitted = set(data.events["event"].unique())
    off_map = set(data.truth["off_map_events"])
    # every emitted event is either bound to a touchpoint or a deliberate off-map event
    bound = {e for e in emitted if any(fnmatch.fnmatchcase(e, p) for p in patterns)}
    assert emitted - bound == off_map
    assert not any(fnmatch.fnmatchcase(e, p) for e in off_map for p in patterns)
    # every touchpoint of the map is visible in the data
    for tp in jm.touchpoints:
        assert any(fnmatch.fnmatchcase(e, p) for e in emitted for p in tp.events), tp.id


def test_unknown_sample_name_is_a_clear_error():
    with pytest.raises(DataError, match=r"name: got 'bank'.*\['shop', 'telco'\]"):
        load_map("bank")
