"""Shared data of the measured-map and moments tests.

``tiny_case`` is a hand-built journey whose measures are worked out by hand in the tests;
``simulated`` is a cached simulator run (telco map) with its planted truth; ``pandas_flow``
recomputes reach and drop-off in plain pandas, independently of the event-log engine.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd

import cjlib
from cjlib.datasets import load_map, simulate
from cjlib.map import JourneyMap, Persona, Stage, Touchpoint

DAY = pd.Timedelta(days=1)
T0 = pd.Timestamp("2024-03-01 09:00")


def tiny_map() -> JourneyMap:
    return JourneyMap(
        id="tiny",
        name="Tiny journey",
        personas=(
            Persona("p1", "Planner", segment="seg1"),
            Persona("p2", "Improviser", segment="seg2"),
        ),
        stages=(
            Stage("s1", "Discover", owner="marketing", touchpoints=(
                Touchpoint("a", "Ad", events=("a1",), owner="ads_team",
                           emotion={"p1": -1.0, "p2": 0.0}),
                Touchpoint("b", "Blog", events=("b1",), emotion={"p1": 1.0, "p2": 1.0}),
            )),
            Stage("s2", "Buy", owner="sales", touchpoints=(
                Touchpoint("c", "Checkout", events=("c*",), emotion={"p1": 0.5, "p2": 0.5}),
            )),
            Stage("s3", "Use", owner="product", touchpoints=(
                Touchpoint("d", "Dashboard", events=("d1",), emotion={"p1": 1.0, "p2": 2.0}),
            )),
        ),
    )


def tiny_events() -> pd.DataFrame:
    rows = [
        ("u1", 0, "a1"), ("u1", 2, "c1"), ("u1", 5, "d1"),
        ("u2", 0, "b1"), ("u2", 1, "a1"),
        ("u3", 0, "a1"), ("u3", 10, "d1"),
        ("u4", 0, "c1"), ("u4", 3, "a1"),
        ("u5", 4, "x1"),
    ]
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "timestamp": [T0 + r[1] * DAY for r in rows],
            "event": [r[2] for r in rows],
            "channel": "web",
        }
    )


def tiny_customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["u1", "u2", "u3", "u4", "u5"],
            "segment": ["seg1", "seg1", "seg2", "seg2", "seg9"],
        }
    )


def tiny_surveys() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["u1", "u2", "u3", "u4", "u1", "u4", "u1", "u4", "u1"],
            "timestamp": [T0 + k * DAY for k in range(9)],
            "touchpoint": ["a", "a", "a", "a", None, None, "c", "c", "c"],
            "event": ["a1", "a1", "a1", "a1", "c1", "c2", "c1", "c1", "c1"],
            "kind": ["csat"] * 4 + ["nps"] * 5,
            "score": [5, 4, 4, 2, 10, 9, 3, 7, 8],
        }
    )


@functools.cache
def simulated(n: int = 1500, seed: int = 11, hazard_ratios: tuple = ()) -> tuple:
    """(journey map, SimulatedData, EventLog, MeasuredMap), cached per arguments.

    ``hazard_ratios``: pairs (signal or covariate, planted hazard ratio) overriding the map's.
    """
    jm = load_map("telco")
    effects = {"hazard_ratios": dict(hazard_ratios)} if hazard_ratios else None
    data = simulate(jm, n, seed=seed, effects=effects)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the simulator may emit a duplicated event
        log = cjlib.EventLog.from_pandas(data.events)
    mm = cjlib.measure(jm, log, surveys=data.surveys, customers=data.customers)
    return jm, data, log, mm


def pandas_flow(jm: JourneyMap, events: pd.DataFrame) -> pd.DataFrame:
    """Reach, share and drop-off per touchpoint, in plain pandas (the independent reference)."""
    import fnmatch

    names = events["event"].unique()
    tp_of, st_of = {}, {}
    for st, tp in jm.iter_touchpoints():
        for name in names:
            if name not in tp_of and any(fnmatch.fnmatchcase(name, p) for p in tp.events):
                tp_of[name], st_of[name] = tp.id, st.id
    ev = events.assign(tp=events["event"].map(tp_of), st=events["event"].map(st_of))
    n_total = ev["customer_id"].nunique()
    stage_index = {st.id: j for j, st in enumerate(jm.stages)}
    ev["j"] = ev["st"].map(stage_index)
    last_at = ev.dropna(subset=["j"]).groupby(["customer_id", "j"])["timestamp"].max()
    rows = []
    for st, tp in jm.iter_touchpoints():
        j = stage_index[st.id]
        first = ev[ev["tp"] == tp.id].groupby("customer_id")["timestamp"].min()
        later = last_at[last_at.index.get_level_values("j") > j].reset_index()
        later = later.merge(first.rename("t0"), left_on="customer_id", right_index=True)
        moved_on = set(later.loc[later["timestamp"] > later["t0"], "customer_id"])
        reach = len(first)
        last_stage = j == len(jm.stages) - 1
        drop = np.nan if last_stage or reach == 0 else (reach - len(moved_on)) / reach
        rows.append({"touchpoint": tp.id, "reach": reach, "share": reach / n_total,
                     "drop_off": drop})
    return pd.DataFrame(rows)
