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

from cjlib._proportions import wilson_interval

__all__ = [
    "bca_interval",
    "bca_mean_diff_ci",
    "bootstrap_means",
    "katz_ratio_ci",
    "newcombe_diff_ci",
    "wilson_ci",
    "woolf_odds_ratio_ci",
]


def _z(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


def wilson_ci(events: float, n: float, alpha: float) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (NaN when ``n`` is 0)."""
    low, high = wilson_interval(events, max(n, 0), 1 - alpha)
    return (float(low), float(high))


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


def bootstrap_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_boot`` resamples with replacement, drawn in chunks to bound memory."""
    n = len(values)
    chunk = max(1, min(n_boot, 4_000_000 // max(n, 1)))
    out = np.empty(n_boot)
    index_type = np.int32 if n < 2**31 else np.int64
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        # int32 indices halve the memory traffic of the gather, the cost that dominates
        idx = rng.integers(0, n, size=(stop - start, n), dtype=index_type)
        out[start:stop] = values[idx].mean(axis=1)
    return out


def bca_interval(
    replicates: np.ndarray, estimate: float, influence: np.ndarray, alpha: float
) -> tuple[float, float]:
    """BCa interval from bootstrap replicates and the estimate's empirical influence values.

    Bias-corrected and accelerated (Efron 1987; Efron & Tibshirani 1993, ch. 14): the bias
    correction comes from the share of replicates below the estimate, the acceleration from the
    skewness of the influence values.
    """
    n_boot = len(replicates)
    if np.ptp(replicates) == 0:
        return (float(estimate), float(estimate))
    below = (
        np.count_nonzero(replicates < estimate) + 0.5 * np.count_nonzero(replicates == estimate)
    ) / n_boot
    z0 = float(stats.norm.ppf(min(max(below, 1 / (2 * n_boot)), 1 - 1 / (2 * n_boot))))
    spread = float(np.sum(influence**2))
    accel = float(np.sum(influence**3)) / (6 * spread**1.5) if spread > 0 else 0.0
    z = stats.norm.ppf([alpha / 2, 1 - alpha / 2])
    levels = stats.norm.cdf(z0 + (z0 + z) / (1 - accel * (z0 + z)))
    low, high = np.quantile(replicates, levels)
    return (float(low), float(high))


def bca_mean_diff_ci(
    x1: np.ndarray, x0: np.ndarray, *, alpha: float, n_boot: int, rng: np.random.Generator
) -> tuple[float, float]:
    """BCa bootstrap interval for ``mean(x1) - mean(x0)`` (two independent samples).

    Each sample is resampled separately (stratified bootstrap). The acceleration uses the
    closed-form influence values of a difference of means, so the cost is linear in the
    sample size.
    """
    m1, m0 = float(x1.mean()), float(x0.mean())
    boot = bootstrap_means(x1, n_boot, rng) - bootstrap_means(x0, n_boot, rng)
    influence = np.concatenate([(x1 - m1) / len(x1), -(x0 - m0) / len(x0)])
    return bca_interval(boot, m1 - m0, influence, alpha)
