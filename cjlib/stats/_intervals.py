"""Confidence intervals for proportions, their differences and ratios, and BCa bootstrap.

Examples
--------
>>> from cjlib.stats._intervals import newcombe_diff_ci
>>> [round(v, 4) for v in newcombe_diff_ci(56, 70, 48, 80, 0.05)]
[0.0524, 0.3339]
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = [
    "bca_mean_diff_ci",
    "katz_ratio_ci",
    "newcombe_diff_ci",
    "wilson_ci",
    "woolf_odds_ratio_ci",
]


def _z(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


def wilson_ci(events: float, n: float, alpha: float) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if n <= 0:
        return (math.nan, math.nan)
    z = _z(alpha)
    p = events / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe_diff_ci(
    events1: float, n1: float, events0: float, n0: float, alpha: float
) -> tuple[float, float]:
    """Newcombe's hybrid score interval (method 10, 1998) for ``p1 - p0``."""
    if n1 <= 0 or n0 <= 0:
        return (math.nan, math.nan)
    p1, p0 = events1 / n1, events0 / n0
    l1, u1 = wilson_ci(events1, n1, alpha)
    l0, u0 = wilson_ci(events0, n0, alpha)
    d = p1 - p0
    return (
        d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2),
    )


def _cells(a: float, n1: float, c: float, n0: float) -> tuple[float, float, float, float, bool]:
    """2x2 cells with the Haldane–Anscombe 0.5 correction when a cell is empty."""
    b, d = n1 - a, n0 - c
    if min(a, b, c, d) == 0:
        return a + 0.5, b + 0.5, c + 0.5, d + 0.5, True
    return a, b, c, d, False


def katz_ratio_ci(
    events1: float, n1: float, events0: float, n0: float, alpha: float
) -> tuple[float, float, float, bool]:
    """Relative risk ``p1 / p0`` with the Katz log interval; returns (rr, low, high, corrected)."""
    a, b, c, d, corrected = _cells(events1, n1, events0, n0)
    rr = (a / (a + b)) / (c / (c + d))
    se = math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
    z = _z(alpha)
    return rr, rr * math.exp(-z * se), rr * math.exp(z * se), corrected


def woolf_odds_ratio_ci(
    events1: float, n1: float, events0: float, n0: float, alpha: float
) -> tuple[float, float, float, bool]:
    """Odds ratio with Woolf's logit interval; returns (or, low, high, corrected)."""
    a, b, c, d, corrected = _cells(events1, n1, events0, n0)
    odds_ratio = (a * d) / (b * c)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    z = _z(alpha)
    return odds_ratio, odds_ratio * math.exp(-z * se), odds_ratio * math.exp(z * se), corrected


def _bootstrap_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_boot`` resamples, drawn in chunks to bound memory."""
    n = len(values)
    chunk = max(1, min(n_boot, 2_000_000 // max(n, 1)))
    out = np.empty(n_boot)
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        idx = rng.integers(0, n, size=(stop - start, n))
        out[start:stop] = values[idx].mean(axis=1)
    return out


def bca_mean_diff_ci(
    x1: np.ndarray, x0: np.ndarray, *, alpha: float, n_boot: int, rng: np.random.Generator
) -> tuple[float, float]:
    """BCa bootstrap interval for ``mean(x1) - mean(x0)`` (two independent samples).

    Each sample is resampled separately (stratified bootstrap). The acceleration comes
    from the closed-form jackknife of a mean, so the cost is linear in the sample size.
    """
    observed = x1.mean() - x0.mean()
    boot = _bootstrap_means(x1, n_boot, rng) - _bootstrap_means(x0, n_boot, rng)
    if np.ptp(boot) == 0:
        return (float(observed), float(observed))
    below = (boot < observed).mean() + 0.5 * (boot == observed).mean()
    z0 = stats.norm.ppf(np.clip(below, 1 / (2 * n_boot), 1 - 1 / (2 * n_boot)))
    n1, n0 = len(x1), len(x0)
    jack1 = (x1.sum() - x1) / (n1 - 1) - x0.mean()
    jack0 = x1.mean() - (x0.sum() - x0) / (n0 - 1)
    jack = np.concatenate([jack1, jack0])
    u = jack.mean() - jack
    denom = 6 * (u**2).sum() ** 1.5
    accel = (u**3).sum() / denom if denom > 0 else 0.0
    z = stats.norm.ppf([alpha / 2, 1 - alpha / 2])
    levels = stats.norm.cdf(z0 + (z0 + z) / (1 - accel * (z0 + z)))
    low, high = np.quantile(boot, levels)
    return (float(low), float(high))
