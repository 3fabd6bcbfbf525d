"""Small synthetic logs and plain-pandas reference implementations for the events tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

EVENTS = ["visit", "search", "view", "cart", "buy", "call", "dispute"]
CHANNELS = ["web", "app", "phone"]


def random_log(n_customers: int = 40, seed: int = 7) -> pd.DataFrame:
    """Events at whole-minute times so that ties in time are frequent."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_customers):
        t = pd.Timestamp("2024-03-01") + pd.Timedelta(minutes=int(rng.integers(0, 5000)))
        for _ in range(int(rng.integers(1, 12))):
            rows.append(
                (
                    f"c{c:03d}",
                    t,
                    str(rng.choice(EVENTS, p=[0.25, 0.15, 0.2, 0.12, 0.08, 0.12, 0.08])),
                    str(rng.choice(CHANNELS)),
                )
            )
            t += pd.Timedelta(minutes=int(rng.choice([0, 0, 1, 5, 30, 90, 600, 3000])))
    df = pd.DataFrame(rows, columns=["customer_id", "timestamp", "event", "channel"])
    # shuffle rows so input order differs from time order (ties keep their relative order)
    return df.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def ordered(df: pd.DataFrame) -> pd.DataFrame:
    """Customer, time, then input order (a stable sort keeps input order for ties)."""
    return df.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)


def ref_transitions(df: pd.DataFrame) -> pd.DataFrame:
    d = ordered(df)
    d["next_event"] = d.groupby("customer_id")["event"].shift(-1)
    d["gap"] = d.groupby("customer_id")["timestamp"].shift(-1) - d["timestamp"]
    d = d.dropna(subset=["next_event"])
    out = d.groupby(["event", "next_event"]).agg(n=("gap", "size"), median_gap=("gap", "median"))
    out = out.reset_index()
    out["share"] = out["n"] / out.groupby("event")["n"].transform("sum")
    return out


def ref_funnel(df: pd.DataFrame, steps: list[str], within: pd.Timedelta | None) -> list[int]:
    """Greedy ordered funnel from the customer's first step-1 event."""
    counts = [0] * len(steps)
    for _, g in ordered(df).groupby("customer_id"):
        evs = list(zip(g["timestamp"], g["event"], strict=True))
        first = next((i for i, (_, e) in enumerate(evs) if e == steps[0]), None)
        if first is None:
            continue
        t0 = evs[first][0]
        counts[0] += 1
        pos = first
        for k in range(1, len(steps)):
            nxt = next(
                (
                    i
                    for i in range(pos + 1, len(evs))
                    if evs[i][1] == steps[k] and (within is None or evs[i][0] - t0 <= within)
                ),
                None,
            )
            if nxt is None:
                break
            counts[k] += 1
            pos = nxt
    return counts


def ref_sessions(df: pd.DataFrame, gap: pd.Timedelta) -> pd.DataFrame:
    d = ordered(df)
    new = d.groupby("customer_id")["timestamp"].diff().gt(gap) | ~d["customer_id"].duplicated()
    d["session"] = new.astype(int).groupby(d["customer_id"]).cumsum() - 1
    return (
        d.groupby(["customer_id", "session"])
        .agg(
            start=("timestamp", "min"),
            end=("timestamp", "max"),
            n_events=("event", "size"),
            first_event=("event", "first"),
            last_event=("event", "last"),
        )
        .reset_index()
    )


def ref_paths(df: pd.DataFrame, conversion: str) -> dict[str, tuple[int, int]]:
    out: dict[str, list[int]] = {}
    for _, g in ordered(df).groupby("customer_id"):
        evs = list(g["event"])
        if conversion in evs:
            before = evs[: evs.index(conversion)]
            if not before:
                continue
            out.setdefault(">".join(before), [0, 0])[0] += 1
        else:
            out.setdefault(">".join(evs), [0, 0])[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}
