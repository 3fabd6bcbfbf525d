"""Binding events to the map, conformance, stage-level flows/funnels and paths."""

from __future__ import annotations

import pandas as pd
import pytest
from events_reference import random_log, ref_paths

from cjlib.errors import DataError
from cjlib.events import followed_stage_order
from cjlib.map import JourneyMap, Persona, Stage, Touchpoint

pytestmark = pytest.mark.filterwarnings("ignore::cjlib.events.DuplicateEventsWarning")


def _map() -> JourneyMap:
    return JourneyMap(
        id="shop",
        name="Shop",
        personas=(Persona(id="p", name="P"),),
        stages=(
            Stage(id="aware", name="Awareness", touchpoints=(
                Touchpoint(id="ad", name="Ad", events=("ad_*",)),
            )),
            Stage(id="buy", name="Purchase", touchpoints=(
                Touchpoint(id="shop", name="Shop", events=("visit", "cart")),
                Touchpoint(id="pay", name="Pay", events=("buy",)),
            )),
            Stage(id="care", name="Care", touchpoints=(
                Touchpoint(id="call", name="Call", events=("support_call",)),
                Touchpoint(id="chat", name="Chat", events=("chat",)),
            )),
        ),
    )


def _log_frame() -> pd.DataFrame:
    rows = [
        # a follows the designed order: aware → buy → care
        ("a", "2024-01-01 10:00", "ad_click"),
        ("a", "2024-01-01 10:05", "visit"),
        ("a", "2024-01-01 10:06", "cart"),
        ("a", "2024-01-01 10:07", "buy"),
        ("a", "2024-01-03 10:00", "support_call"),
        # b skips awareness and backtracks from care to buy (loops on buy)
        ("b", "2024-01-01 11:00", "visit"),
        ("b", "2024-01-01 11:10", "support_call"),
        ("b", "2024-01-01 11:20", "buy"),
        ("b", "2024-01-01 11:30", "newsletter"),
        # c: off-map only
        ("c", "2024-01-01 12:00", "newsletter"),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "timestamp", "event"])
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    return df


def test_bind_labels_events_and_counts_off_map(make_log):
    log = make_log(_log_frame())
    bound = log.bind(_map())
    assert log.journey_map is None  # the original log is unchanged
    out = bound.to_pandas()
    a = out[out["customer_id"] == "a"]
    assert a["touchpoint"].tolist() == ["ad", "shop", "shop", "pay", "call"]
    assert a["stage"].tolist() == ["aware", "buy", "buy", "buy", "care"]
    binding = bound.binding.set_index("event")
    assert binding.loc["newsletter", "n"] == 2 and pd.isna(binding.loc["newsletter", "touchpoint"])
    assert binding.loc["ad_click", "touchpoint"] == "ad"
    with pytest.raises(DataError, match="bind"):
        _ = log.binding
    with pytest.raises(DataError, match="JourneyMap"):
        log.bind({"stages": []})


def test_conformance_hand_computed(make_log):
    result = make_log(_log_frame()).conformance(_map())
    # on-map customers: a, b; a conforms; b: buy → care → buy backtracks
    assert result.n_customers == 2
    assert result.conforming_share == 0.5
    t = result.table.set_index("stage")
    assert t.loc["aware", "customers"] == 1 and t.loc["aware", "skipped"] == 1
    assert t.loc["buy", "customers"] == 2 and t.loc["buy", "backtracks"] == 1
    assert t.loc["buy", "loops"] == 1 and t.loc["care", "loops"] == 0
    assert result.unused_touchpoints == ("chat",)
    assert result.off_map_events["event"].tolist() == ["newsletter"]
    assert result.off_map_share == pytest.approx(0.2)
    assert "50.0% of 2 customers" in result.summary()


def test_stage_level_flows_funnel_and_signal(make_log):
    bound = make_log(_log_frame()).bind(_map())
    flows = bound.step_flows(max_steps=3, level="stage").table
    got = {(r.step, r.source, r.target): r.n for r in flows.itertuples(index=False)}
    # a: aware → buy → care; b: buy → care → buy (consecutive repeats collapsed)
    assert got == {
        (0, "aware", "buy"): 1,
        (0, "buy", "care"): 1,
        (1, "buy", "care"): 1,
        (1, "care", "buy"): 1,
    }
    f = bound.funnel(["buy", "care"], level="stage").table
    assert f["customers"].tolist() == [2, 2]
    sig = bound.signals([followed_stage_order()]).table.set_index("customer_id")
    assert sig["followed_stage_order"].to_dict() == {"a": True, "b": False, "c": True}
    with pytest.raises(DataError, match="bind"):
        make_log(_log_frame()).funnel(["buy"], level="stage")


def test_paths_hand_computed_and_by_touchpoint(make_log):
    log = make_log(_log_frame())
    p = log.paths("buy")
    got = {r.path: (r.conversions, r.nulls) for r in p.table.itertuples(index=False)}
    assert got == {
        "ad_click>visit>cart": (1, 0),
        "visit>support_call": (1, 0),
        "newsletter": (0, 1),
    }
    tp = log.paths("buy", by="touchpoint", journey_map=_map()).table
    assert dict(zip(tp["path"], tp["conversions"], strict=True)) == {
        "ad>shop>shop": 1,
        "shop>call": 1,
    }
    with pytest.raises(DataError, match="never occurs"):
        log.paths("teleport")
    with pytest.raises(DataError, match="by must be one of"):
        log.paths("buy", by="stage")


def test_paths_match_pandas_reference(make_log):
    df = random_log(60, seed=21)
    got = make_log(df).paths("buy").table
    ref = ref_paths(df, "buy")
    assert {r.path: (r.conversions, r.nulls) for r in got.itertuples(index=False)} == ref


def test_paths_by_channel(make_log):
    df = random_log(20, seed=1)
    t = make_log(df).paths("buy", by="channel").table
    assert t["path"].str.split(">").explode().isin(["web", "app", "phone"]).all()
