"""Independent reference implementations used by the datasets tests.

A module with a unique name (not ``conftest``) so that test files can import it even when
other test directories have their own ``conftest.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def reference_onsets(events: pd.DataFrame, info: dict) -> pd.Series:
    """Onset time per customer of a signal, written independently of the library (a loop).

    Implements the rule text of ``truth["hazard"]["signals"][name]`` directly.
    """
    trig = events[events["event"].isin(info["trigger"])]
    out: dict[str, pd.Timestamp] = {}
    if info["kind"] == "any":
        return trig.groupby("customer_id")["timestamp"].min()
    window = pd.Timedelta(days=info["window_days"])
    follow = events[events["event"].isin(info["follow"])]
    follow_by = {
        cid: g["timestamp"].sort_values().to_numpy() for cid, g in follow.groupby("customer_id")
    }
    for cid, group in trig.groupby("customer_id"):
        times = follow_by.get(cid)
        if times is None:
            continue
        best = None
        for d in group["timestamp"].to_numpy():
            hits = times[(times > d) & (times <= d + window.to_timedelta64())]
            if len(hits) >= info["min_count"]:
                candidate = hits[info["min_count"] - 1]
                best = candidate if best is None or candidate < best else best
        if best is not None:
            out[cid] = pd.Timestamp(best)
    return pd.Series(out, dtype="datetime64[ns]")


def counting_process(data) -> tuple[pd.DataFrame, list[str]]:
    """Split each customer's follow-up at signal onsets (start, stop] for a time-varying Cox fit."""
    customers = data.customers.set_index("customer_id")
    events = data.events[data.events["customer_id"].str.startswith("C")]
    signals = data.truth["hazard"]["signals"]
    onset_days = pd.DataFrame(index=customers.index)
    for name, info in signals.items():
        onset = reference_onsets(events, info)
        onset_days[name] = (
            onset - customers["start_date"].reindex(onset.index)
        ).dt.total_seconds() / 86400
    onset_days = onset_days.reindex(customers.index).astype(float).fillna(np.inf)
    tenure = customers["tenure_days"].to_numpy()
    churned = customers["churned"].to_numpy()
    cuts = np.sort(onset_days.to_numpy(), axis=1)
    bounds = np.column_stack([np.zeros(len(customers)), cuts, np.full(len(customers), np.inf)])
    pieces = []
    for j in range(bounds.shape[1] - 1):
        lo = bounds[:, j]
        hi = np.minimum(bounds[:, j + 1], tenure)
        ok = lo < hi
        piece = pd.DataFrame({"row": np.flatnonzero(ok), "entry": lo[ok], "exit": hi[ok]})
        piece["status"] = (churned[ok] & (hi[ok] >= tenure[ok])).astype(int)
        for name in signals:
            piece[name] = (onset_days[name].to_numpy()[ok] <= lo[ok]).astype(float)
        pieces.append(piece)
    episodes = pd.concat(pieces, ignore_index=True)
    rows = customers.iloc[episodes["row"].to_numpy()]
    covariates = []
    for name in data.truth["hazard"]["covariates"]:
        if name == "age_per_10_years":
            episodes[name] = (rows["age"].to_numpy() - 40) / 10
        else:
            column, level = name.rstrip("]").split("[")
            episodes[name] = (rows[column].to_numpy() == level).astype(float)
        covariates.append(name)
    return episodes, [*signals, *covariates]
