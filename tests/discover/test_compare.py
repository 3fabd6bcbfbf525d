"""compare_maps: each kind of difference with its counts, checked by hand or with pandas."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import cjlib
from cjlib.discover import MapComparison, compare_maps, discover_map
from cjlib.discover._compare import KINDS
from cjlib.errors import DataError
from cjlib.map import JourneyMap, Persona, Stage, Touchpoint


def _events() -> pd.DataFrame:
    # six customers; a -> b -> c is the real order for five of them, customer 6 only does a.
    rows = []
    day = pd.Timestamp("2024-01-01")
    for i in range(1, 6):
        for k, ev in enumerate(["ad", "buy", "bill"]):
            rows.append((f"c{i}", day + pd.Timedelta(days=10 * k + i), ev))
    rows.append(("c6", day, "ad"))
    rows += [
        ("c1", day + pd.Timedelta(days=40), "chat"),
        ("c2", day + pd.Timedelta(days=41), "chat"),
    ]
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "event"])


def _designed(order=("aware", "buy", "pay")) -> JourneyMap:
    stages = {
        "aware": Stage(
            id="aware",
            name="Aware",
            owner="marketing",
            touchpoints=(
                Touchpoint(id="ads", name="Ads", events=("ad",)),
                Touchpoint(id="friends", name="Friends", ownership="external", events=("friend",)),
            ),
        ),
        "buy": Stage(
            id="buy",
            name="Buy",
            owner="sales",
            touchpoints=(
                Touchpoint(id="shop", name="Shop", events=("buy",)),
                Touchpoint(id="hotline", name="Hotline", events=("hotline_call",)),
            ),
        ),
        "pay": Stage(
            id="pay",
            name="Pay",
            owner="billing",
            touchpoints=(Touchpoint(id="bill", name="Bill", events=("bill",)),),
        ),
    }
    return JourneyMap(id="toy", name="Toy", stages=tuple(stages[s] for s in order))


@pytest.fixture(scope="module")
def toy_log():
    return cjlib.EventLog.from_pandas(_events())


def test_hand_counted_differences(toy_log):
    found = discover_map(toy_log, min_reach=0.0)
    diff = compare_maps(_designed(("buy", "aware", "pay")), found, min_customers=5)
    assert isinstance(diff, MapComparison)
    t = diff.table.set_index(["kind", "item"])
    # chat: customers c1 and c2, 2 events, not on the map
    assert t.loc[("not_in_map", "chat"), "customers"] == 2
    assert t.loc[("not_in_map", "chat"), "events"] == 2
    # hotline is owned and never in the data; friends is external -> unobservable
    assert ("never_seen", "hotline") in t.index
    assert ("unobservable", "friends") in t.index
    # designed buy before aware, but all 5 customers with both saw an ad first
    row = t.loc[("order_inversion", "buy -> aware")]
    assert row["customers"] == 5
    assert "0 of 5" in row["evidence"]
    assert diff.counts()["order_inversion"] == 1
    assert set(diff.counts()) == set(KINDS)


def test_no_inversion_in_the_real_order(toy_log):
    found = discover_map(toy_log, min_reach=0.0)
    diff = compare_maps(_designed(), found)
    assert diff.counts()["order_inversion"] == 0
    assert "differences" in diff.summary()
    assert diff.to_dict()["counts"]["never_seen"] == 1
    assert "<table" in diff._repr_html_()


def test_customers_affected_match_pandas_on_telco():
    from cjlib.datasets import load_map, simulate

    jm = load_map("telco")
    data = simulate(jm, 600, seed=5)
    events = data.events
    # the family persona never chats: a persona whose real journey differs from the design
    family = set(data.customers.loc[data.customers["persona"] == "family", "customer_id"])
    events = events.loc[~((events["event"] == "support_chat") & events["customer_id"].isin(family))]
    log = cjlib.EventLog.from_pandas(events, dedupe=True)
    found = discover_map(log, customers=data.customers, persona_col="persona", designed=jm)
    diff = compare_maps(jm, found)
    t = diff.table.set_index(["kind", "item"])
    reach = events.groupby("event")["customer_id"].nunique()
    assert t.loc[("not_in_map", "password_reset"), "customers"] == reach["password_reset"]
    assert ("persona_gap", "family: chat") in t.index
    assert not any(i.startswith("young_pro: chat") for k, i in t.index if k == "persona_gap")
    # handover stalls: customers in a stage who never reach the next one, counted in pandas
    stage_of = {e: s.id for s in jm.stages for tp in s.touchpoints for e in tp.events}
    staged = events.assign(stage=events["event"].map(stage_of)).dropna(subset=["stage"])
    per = staged.groupby("stage")["customer_id"].apply(set)
    for kind, item in t.index:
        if kind == "handover_stall":
            a, b = item.split(" -> ")
            assert t.loc[(kind, item), "customers"] == len(per[a] - per[b])


def test_emotion_outside_interval():
    from cjlib.datasets import load_map, simulate

    jm = load_map("telco")
    data = simulate(jm, 400, seed=8)
    found = discover_map(
        cjlib.EventLog.from_pandas(data.events, dedupe=True),
        customers=data.customers,
        surveys=data.surveys,
        persona_col="persona",
    )
    call = jm.touchpoint("call_centre")
    wrong = dataclasses.replace(call, emotion={"young_pro": 2.0, "family": 2.0})
    stages = tuple(
        dataclasses.replace(
            s, touchpoints=tuple(wrong if t.id == "call_centre" else t for t in s.touchpoints)
        )
        for s in jm.stages
    )
    diff = compare_maps(dataclasses.replace(jm, stages=stages), found)
    rows = diff.table.loc[diff.table["kind"] == "emotion_outside", "item"].tolist()
    assert {"call_centre / young_pro", "call_centre / family"} <= set(rows)


def test_bad_inputs(toy_log):
    found = discover_map(toy_log, min_reach=0.0)
    with pytest.raises(DataError, match="designed"):
        compare_maps({"id": "x"}, found)
    with pytest.raises(DataError, match="discovered"):
        compare_maps(_designed(), _designed())


def test_persona_ids_used(toy_log):
    jm = dataclasses.replace(_designed(), personas=(Persona(id="p", name="P"),))
    found = discover_map(toy_log, min_reach=0.0)
    assert compare_maps(jm, found).counts()["persona_gap"] == 0
