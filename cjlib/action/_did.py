"""Difference-in-differences against a comparison segment.

Two estimators share one model, ``y = unit/group effect + period effect + delta·treated·post``:

- per-period series (no unit column): the treated-minus-comparison series regressed on a post
  indicator, with autocorrelation-aware standard errors (AR(1) by default, or Newey–West).
  On a balanced panel this is exactly the two-way fixed-effects estimate.
- unit-level panel: two-way fixed effects absorbed by alternating projections, cluster-robust
  standard errors by unit (Bertrand, Duflo & Mullainathan 2004), t with G - 1 df.

Both carry a pre-trend check: the difference in linear slopes before the change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cjlib.action._serial import fit_series

__all__ = ["DidFit", "fit_did_series", "fit_did_units"]


@dataclass(frozen=True)
class DidFit:
    """Effect estimate, its inference and the pre-trend check."""

    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float
    df: float
    inference: str
    pre_trend_slope: float
    pre_trend_p: float


def _t_inference(estimate: float, se: float, df: float, alpha: float) -> tuple[float, float, float]:
    from scipy import stats

    crit = float(stats.t.isf(alpha / 2, df))
    p = float(2 * stats.t.sf(abs(estimate / se), df)) if se > 0 else math.nan
    return estimate - crit * se, estimate + crit * se, p


def fit_did_series(
    gap: np.ndarray,
    t: np.ndarray,
    t0: int,
    *,
    alpha: float,
    errors: str,
    hac_lags: int | None,
) -> tuple[DidFit, float, float]:
    """DiD on the treated-minus-comparison ``gap`` series; also return the pre gap and its SE."""
    post = (t >= t0).astype(float)
    X = np.column_stack([np.ones_like(post), post])
    res = fit_series(gap, X, t, errors=errors, hac_lags=hac_lags)
    estimate, se = float(res.params[1]), math.sqrt(res.cov[1, 1])
    low, high, p = _t_inference(estimate, se, res.df_resid, alpha)
    slope, slope_p = _pre_trend_series(gap[t < t0], t[t < t0], errors, hac_lags)
    fit = DidFit(estimate, se, low, high, p, res.df_resid, res.description, slope, slope_p)
    return fit, float(res.params[0]), math.sqrt(res.cov[0, 0])


def _pre_trend_series(
    gap: np.ndarray, t: np.ndarray, errors: str, hac_lags: int | None
) -> tuple[float, float]:
    """Slope of the pre-change gap and its p-value (needs at least 4 periods)."""
    if len(gap) < 4:
        return math.nan, math.nan
    X = np.column_stack([np.ones(len(t)), t.astype(float)])
    lags = None if hac_lags is None else min(int(hac_lags), len(gap) - 2)
    res = fit_series(gap, X, t, errors=errors, hac_lags=lags)
    slope, se = float(res.params[1]), math.sqrt(res.cov[1, 1])
    _, _, p = _t_inference(slope, se, res.df_resid, 0.05)
    return slope, p


def _absorb(values: np.ndarray, unit: np.ndarray, period: np.ndarray) -> np.ndarray:
    """Remove unit and period means by alternating projections (exact for balanced panels)."""
    out = values.astype(float).copy()
    n_unit = np.bincount(unit).astype(float)
    n_period = np.bincount(period).astype(float)
    for _ in range(1000):
        unit_means = np.bincount(unit, out) / n_unit
        out -= unit_means[unit]
        period_means = np.bincount(period, out) / n_period
        out -= period_means[period]
        if max(np.abs(unit_means).max(), np.abs(period_means).max()) < 1e-12 * (
            1 + np.abs(out).max()
        ):
            break
    return out


def _twfe_cluster(
    y: np.ndarray, x: np.ndarray, unit: np.ndarray, period: np.ndarray
) -> tuple[float, float, int]:
    """TWFE slope of ``y`` on one regressor ``x``, cluster-robust SE by unit, cluster count.

    Small-sample factor ``G/(G-1) · (N-1)/(N-K)`` with ``K`` = 1 + number of periods; unit
    effects are nested in the clusters and not counted (the convention of Stata's reghdfe).
    """
    y_tilde = _absorb(y, unit, period)
    x_tilde = _absorb(x, unit, period)
    sxx = float(x_tilde @ x_tilde)
    beta = float(x_tilde @ y_tilde) / sxx
    resid = y_tilde - beta * x_tilde
    scores = np.bincount(unit, x_tilde * resid)
    n_clusters = int(np.count_nonzero(np.bincount(unit)))
    n_obs = len(y)
    k = 1 + int(np.count_nonzero(np.bincount(period)))
    factor = n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - k)
    se = math.sqrt(factor * float(scores @ scores)) / sxx
    return beta, se, n_clusters


def fit_did_units(panel: pd.DataFrame, t0: int, *, alpha: float) -> DidFit:
    """TWFE DiD on a unit × period panel with columns ``unit``, ``t``, ``treated``, ``y``."""
    unit = pd.factorize(panel["unit"])[0]
    period = pd.factorize(panel["t"])[0]
    treated = panel["treated"].to_numpy(dtype=float)
    t = panel["t"].to_numpy()
    y = panel["y"].to_numpy(dtype=float)
    d = treated * (t >= t0)
    estimate, se, n_clusters = _twfe_cluster(y, d, unit, period)
    df = float(n_clusters - 1)
    low, high, p = _t_inference(estimate, se, df, alpha)

    pre = t < t0
    slope = slope_p = math.nan
    if len(np.unique(t[pre])) >= 3:
        pre_unit = pd.factorize(unit[pre])[0]
        pre_period = pd.factorize(period[pre])[0]
        trend = treated[pre] * t[pre].astype(float)
        slope, slope_se, pre_clusters = _twfe_cluster(y[pre], trend, pre_unit, pre_period)
        _, _, slope_p = _t_inference(slope, slope_se, float(pre_clusters - 1), 0.05)
    return DidFit(
        estimate,
        se,
        low,
        high,
        p,
        df,
        f"cluster-robust by unit ({n_clusters} units)",
        slope,
        slope_p,
    )
