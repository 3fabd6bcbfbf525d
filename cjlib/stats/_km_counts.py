"""Kaplan–Meier curves and the log-rank test from one sort of all durations.

All groups share one ``np.unique`` of the durations; per-group event and exit counts are
``bincount``s over (group, time) codes, so the cost is one sort plus linear passes however
many groups there are. The formulas are statsmodels' ``SurvfuncRight`` (Greenwood standard
errors, SAS-style quantiles and their cloglog intervals) and ``survdiff`` (log-rank).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["TimeCounts", "km_curve", "logrank"]


class TimeCounts:
    """Exits and events per group at each distinct time, and the numbers at risk.

    ``group`` codes the ``k`` groups as ``0..k-1``.
    """

    def __init__(self, duration: np.ndarray, event: np.ndarray, group: np.ndarray, k: int):
        times, rank = np.unique(duration, return_inverse=True)
        m = len(times)
        cell = group * m + rank
        self.times = times
        self.exits = np.bincount(cell, minlength=k * m).reshape(k, m).astype(float)
        self.events = np.bincount(cell, weights=event, minlength=k * m).reshape(k, m)
        self.at_risk = np.cumsum(self.exits[:, ::-1], axis=1)[:, ::-1]


def km_curve(times: np.ndarray, at_risk: np.ndarray, events: np.ndarray, alpha: float) -> dict:
    """KM estimate at the event times of one group, with Greenwood SEs and the median."""
    keep = events > 0
    if not keep.any():  # no event at all: the curve is the single point S(0) = 1
        n_all = int(at_risk.max()) if len(at_risk) else 0
        one, nan = np.array([1.0]), np.nan
        return {
            "time": np.array([0.0]),
            "n_at_risk": np.array([n_all]),
            "n_events": np.array([0]),
            "survival": one,
            "se": np.array([0.0]),
            "ci_low": one,
            "ci_high": one,
            "median": nan,
            "median_ci_low": nan,
            "median_ci_high": nan,
        }
    t, n, d = times[keep], at_risk[keep], events[keep]
    step = 1 - d / n
    dead = step < 1e-16
    s = np.exp(np.cumsum(np.log(np.where(dead, 1e-16, step))))
    s[dead] = 0
    terms = d / np.clip(n * (n - d), 1e-12, np.inf)
    terms[(n == d) | (n == 0)] = np.nan
    se = np.sqrt(np.cumsum(terms))
    finite = np.isfinite(se) | (s != 0)
    se = np.where(finite, se * s, np.nan)
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(s)
        spread = z * (se / s) / np.abs(log_s)
        a = np.exp(-np.exp(np.log(-log_s) - spread))
        b = np.exp(-np.exp(np.log(-log_s) + spread))
    low, high = np.minimum(a, b), np.maximum(a, b)
    low = np.where(s >= 1, 1.0, np.where(s <= 0, 0.0, low))
    high = np.where(s >= 1, 1.0, np.where(s <= 0, 0.0, high))
    median = m_low = m_high = np.nan
    if (s <= 0.5).any():
        below = np.flatnonzero(s < 0.5)  # SAS and statsmodels use a strict inequality
        median = float(t[below[0]]) if len(below) else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            r = (np.log(-np.log(s)) - np.log(-np.log(0.5))) / ((-1 / (s * np.log(s))) * se)
        inside = np.flatnonzero(np.abs(r) <= z)
        if len(inside):
            m_low = float(t[inside[0]])
            m_high = np.inf if inside[-1] == len(t) - 1 else float(t[inside[-1] + 1])
    return {
        "time": t.astype(float),
        "n_at_risk": n.astype(int),
        "n_events": d.astype(int),
        "survival": s,
        "se": se,
        "ci_low": low,
        "ci_high": high,
        "median": median,
        "median_ci_low": m_low,
        "median_ci_high": m_high,
    }


def logrank(counts: TimeCounts) -> float:
    """Log-rank chi-square across the groups (statsmodels ``survdiff``, no weights)."""
    n_total = counts.at_risk.sum(axis=0)
    d_total = counts.events.sum(axis=0)
    usable = n_total > 1
    share = counts.at_risk[:, usable] / n_total[usable]
    d, n = d_total[usable], n_total[usable]
    observed_minus_expected = (counts.events[1:, usable] - share[1:] * d).sum(axis=1)
    scale = d * (n - d) / np.clip(n - 1, 1e-10, np.inf)
    k = len(share) - 1
    variance = np.empty((k, k))
    for g in range(k):
        unit = np.eye(1, k, g).ravel()
        variance[g] = ((share[1:].T * (unit - share[g + 1][:, None])) * scale[:, None]).sum(axis=0)
    return float(observed_minus_expected @ np.linalg.solve(variance, observed_minus_expected))
