"""Turn simulated arrays into rows of the events table (ids, names, channels, sessions)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cjlib.datasets._chain import Chain
from cjlib.datasets._scenario import Scenario
from cjlib.map import JourneyMap

__all__ = [
    "DAY",
    "DIGITAL",
    "as_datetime",
    "assemble_events",
    "channels",
    "designed_channels",
    "emit_names",
    "event_rows",
    "make_ids",
    "seconds",
]

DAY = 86400
DIGITAL = ("web", "app")
#: Scale of the chance that a digital touchpoint happens on the other digital channel.
SWITCH_RATE = 0.6
#: Event-table columns carried as arrays while a chunk is assembled.
FIELDS = ("kind", "pos", "sec", "name", "channel", "value", "new", "touch")


def make_ids(prefix: str, offset: int, n: int) -> np.ndarray:
    """Ids ``<prefix>0000001``...: seven digits, numbered from ``offset + 1``."""
    numbers = np.arange(offset + 1, offset + n + 1)
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), 7)).astype(object)


def seconds(days: np.ndarray) -> np.ndarray:
    """Float days since the epoch -> whole seconds (int64)."""
    return np.floor(days * DAY).astype(np.int64)


def as_datetime(secs: np.ndarray) -> np.ndarray:
    """Whole seconds since the epoch -> ``datetime64[ns]`` (tz-naive UTC)."""
    return secs.astype("datetime64[s]").astype("datetime64[ns]")


def event_rows(
    who: np.ndarray, sec: np.ndarray, name: str, channel: str, value: np.ndarray, touch: str
) -> dict[str, np.ndarray]:
    """Rows of one customer event type, each starting its own session."""
    m = who.size
    return {
        "kind": np.zeros(m, dtype=int),
        "pos": who,
        "sec": sec.astype(np.int64),
        "name": np.full(m, name, dtype=object),
        "channel": np.full(m, channel or "other", dtype=object),
        "value": value.astype(float),
        "new": np.ones(m, dtype=bool),
        "touch": np.full(m, touch, dtype=object),
    }


def emit_names(chain: Chain, rng: np.random.Generator, state: np.ndarray) -> np.ndarray:
    """Pick the event name of each visit from its touchpoint's event names."""
    width = chain.emission.shape[1]
    names = np.full((len(chain.state_events), width), "", dtype=object)
    for i, evs in enumerate(chain.state_events):
        names[i, : len(evs)] = evs
    cum = np.cumsum(chain.emission, axis=1)
    pick = (rng.random(state.size)[:, None] > cum[state]).sum(axis=1)
    pick = np.minimum(pick, np.array([len(e) - 1 for e in chain.state_events])[state])
    return names[state, pick]


def designed_channels(jm: JourneyMap, chain: Chain) -> np.ndarray:
    """The map's channel of every chain state."""
    return np.array([jm.touchpoint(t).channel or "other" for t in chain.states[:-1]], dtype=object)


def channels(
    jm: JourneyMap,
    scenario: Scenario,
    chain: Chain,
    rng: np.random.Generator,
    state: np.ndarray,
    persona: np.ndarray,
    persona_ids: tuple[str, ...],
) -> np.ndarray:
    """Touchpoint channel; digital touchpoints sometimes switch between web and app.

    A customer who prefers the app (``scenario.app_preference``) moves a web touchpoint to the
    app more often, and vice versa: ``P(switch) = SWITCH_RATE * preference for the other``.
    """
    channel = designed_channels(jm, chain)[state]
    pref = np.array([scenario.app_preference.get(p, 0.5) for p in persona_ids])[persona]
    other_pref = np.where(channel == "web", pref, 1.0 - pref)
    switch = np.isin(channel, DIGITAL) & (rng.random(state.size) < SWITCH_RATE * other_pref)
    flipped = np.where(channel == "web", "app", "web")
    return np.where(switch, flipped, channel).astype(object)


def assemble_events(
    parts: list[dict[str, np.ndarray]], customer_ids: np.ndarray, prospect_ids: np.ndarray
) -> tuple[pd.DataFrame, dict[str, np.ndarray], np.ndarray]:
    """Concatenate event parts, sort them, number sessions and build the events table.

    Customers come first, then prospects, each by position and time. A session starts at a
    row flagged ``new`` or at a person's first row; ids are ``<person>-S001``...

    Returns the events table, the sorted arrays and the person id of every row.
    """
    rows = {key: np.concatenate([p[key] for p in parts]) for key in FIELDS}
    order = np.lexsort((rows["sec"], rows["pos"], rows["kind"]))
    rows = {key: v[order] for key, v in rows.items()}
    is_customer = rows["kind"] == 0
    ids = np.where(
        is_customer,
        customer_ids[np.where(is_customer, rows["pos"], 0)],
        prospect_ids[np.where(is_customer, 0, rows["pos"])] if prospect_ids.size else "",
    )
    person_key = rows["kind"] * (customer_ids.size + 1) + rows["pos"]
    first_of_person = np.r_[True, person_key[1:] != person_key[:-1]]
    is_start = rows["new"] | first_of_person
    session_no = np.cumsum(is_start)
    starts_at = np.maximum.accumulate(np.where(first_of_person, np.arange(ids.size), 0))
    session_in_person = session_no - session_no[starts_at] + 1
    # one label per session, then expanded to its rows (far fewer strings to build)
    starts = np.flatnonzero(is_start)
    labels = np.array(
        [
            f"{person}-S{number:03d}"
            for person, number in zip(ids[starts], session_in_person[starts].tolist(), strict=True)
        ],
        dtype=object,
    )
    session_id = labels[session_no - 1]
    events = pd.DataFrame(
        {
            "customer_id": ids,
            "timestamp": as_datetime(rows["sec"]),
            "event": rows["name"].astype(object),
            "channel": rows["channel"].astype(object),
            "session_id": session_id,
            "value": rows["value"].astype(float),
        }
    )
    return events, rows, ids
