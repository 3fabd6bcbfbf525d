"""Onset times of journey signals, computed from event tables exactly as the truth describes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cjlib.datasets._scenario import SignalRule

__all__ = ["signal_onsets"]


def signal_onsets(
    customer: np.ndarray, time: np.ndarray, event: np.ndarray, rule: SignalRule, n: int
) -> np.ndarray:
    """Return the onset time of ``rule`` per customer (``inf`` when the signal never occurs).

    ``customer`` holds integer positions 0..n-1, ``time`` int64 seconds, ``event`` names.
    """
    onset = np.full(n, np.inf)
    is_trigger = np.isin(event, rule.trigger)
    if rule.kind == "any":
        np.minimum.at(onset, customer[is_trigger], time[is_trigger].astype(float))
        return onset
    is_follow = np.isin(event, rule.follow)
    follows = pd.DataFrame({"c": customer[is_follow], "t": time[is_follow]})
    follows = follows.sort_values(["c", "t"], kind="stable")
    follows["rank"] = follows.groupby("c").cumcount()
    triggers = pd.DataFrame({"c": customer[is_trigger], "d": time[is_trigger]}).sort_values("d")
    if follows.empty or triggers.empty:
        return onset
    window = np.int64(round(rule.window_days * 86400))
    probe = follows.assign(lo=follows["t"] - window).sort_values("lo")
    # earliest trigger d with d >= t - window (then require d < t)
    found = pd.merge_asof(
        probe, triggers, left_on="lo", right_on="d", by="c", direction="forward"
    ).dropna(subset=["d"])
    found = found[found["d"] < found["t"]]
    if found.empty:
        return onset
    found["d"] = found["d"].astype(np.int64)
    # number of follow events at or before d (they do not count)
    before = pd.merge_asof(
        found.sort_values("d"),
        follows[["c", "t", "rank"]]
        .rename(columns={"t": "tf", "rank": "rank_before"})
        .sort_values("tf", kind="stable"),
        left_on="d",
        right_on="tf",
        by="c",
        direction="backward",
    )
    n_before = before["rank_before"].fillna(-1).to_numpy() + 1
    count = before["rank"].to_numpy() + 1 - n_before
    hits = before[count >= rule.min_count]
    np.minimum.at(onset, hits["c"].to_numpy(), hits["t"].to_numpy().astype(float))
    return onset
