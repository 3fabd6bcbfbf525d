"""Confidence intervals and tests for two proportions and two means.

Examples
--------
>>> from cjlib.action._intervals import welch
>>> round(welch(10.0, 2.0, 50, 9.0, 2.0, 50)["difference"], 2)
1.0
"""

from __future__ import annotations

import math

import numpy as np

from cjlib.stats._intervals import bca_interval, bootstrap_means

__all__ = [
    "bootstrap_mean_difference",
    "fisher_p",
    "log_ratio_interval",
    "welch",
    "z_test_p",
]


def _z(alpha: float) -> float:
    from scipy import stats

    return float(stats.norm.isf(alpha / 2))


def log_ratio_interval(
    count1: int, n1: int, count2: int, n2: int, alpha: float = 0.05
) -> tuple[float, float]:
    """Katz log interval for the risk ratio ``(count1/n1) / (count2/n2)``.

    With a zero count, 0.5 is added to each count (and 1 to each n) so the interval exists.
    """
    if count1 == 0 or count2 == 0:
        count1, count2, n1, n2 = count1 + 0.5, count2 + 0.5, n1 + 1, n2 + 1
    log_rr = math.log((count1 / n1) / (count2 / n2))
    se = math.sqrt(1 / count1 - 1 / n1 + 1 / count2 - 1 / n2)
    z = _z(alpha)
    return math.exp(log_rr - z * se), math.exp(log_rr + z * se)


def z_test_p(count1: int, n1: int, count2: int, n2: int) -> tuple[float, float]:
    """Two-proportion z-test with pooled variance: ``(z, two-sided p)``."""
    from scipy import stats

    pooled = (count1 + count2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (count1 / n1 - count2 / n2) / se
    return z, float(2 * stats.norm.sf(abs(z)))


def fisher_p(count1: int, n1: int, count2: int, n2: int) -> tuple[float, float]:
    """Fisher's exact test on the 2×2 table: ``(odds ratio, two-sided p)``."""
    from scipy import stats

    res = stats.fisher_exact([[count1, n1 - count1], [count2, n2 - count2]])
    return float(res.statistic), float(res.pvalue)


def welch(
    mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int, alpha: float = 0.05
) -> dict[str, float]:
    """Welch's t-test for ``mean1 - mean2``: difference, CI, t, Welch–Satterthwaite df, p."""
    from scipy import stats

    v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
    se = math.sqrt(v1 + v2)
    diff = mean1 - mean2
    if se == 0:
        return {
            "difference": diff,
            "ci_low": diff,
            "ci_high": diff,
            "t": math.nan,
            "df": math.nan,
            "p_value": math.nan,
        }
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    t = diff / se
    crit = float(stats.t.isf(alpha / 2, df))
    return {
        "difference": diff,
        "ci_low": diff - crit * se,
        "ci_high": diff + crit * se,
        "t": t,
        "df": df,
        "p_value": float(2 * stats.t.sf(abs(t), df)),
    }


def bootstrap_mean_difference(
    values1: np.ndarray,
    values2: np.ndarray,
    *,
    n_resamples: int,
    alpha: float,
    rng: np.random.Generator,
) -> dict[str, float]:
    """BCa bootstrap CIs for ``mean1 - mean2`` and ``mean1 / mean2 - 1``.

    Each arm is resampled with replacement on its own (the arms are independent samples).
    Bias-corrected and accelerated (Efron 1987; Efron & Tibshirani 1993, ch. 14) because
    revenue is skewed; the acceleration uses the closed-form influence values of means.
    """
    means1 = bootstrap_means(values1, n_resamples, rng)
    means2 = bootstrap_means(values2, n_resamples, rng)
    m1, m2 = float(values1.mean()), float(values2.mean())
    n1, n2 = len(values1), len(values2)
    d1, d2 = values1 - m1, values2 - m2
    diff_low, diff_high = bca_interval(means1 - means2, m1 - m2, np.r_[d1 / n1, -d2 / n2], alpha)
    if m2 == 0 or np.any(means2 == 0):
        lift_low = lift_high = math.nan
    else:
        lift_low, lift_high = bca_interval(
            means1 / means2 - 1,
            m1 / m2 - 1,
            np.r_[d1 / (n1 * m2), -m1 * d2 / (n2 * m2 * m2)],
            alpha,
        )
    return {
        "diff_low": diff_low,
        "diff_high": diff_high,
        "lift_low": lift_low,
        "lift_high": lift_high,
    }
