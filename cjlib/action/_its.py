"""Interrupted time series: segmented regression of one KPI series around a change.

``y_t = b0 + b1·t + b2·post_t + b3·(t - t0)·post_t (+ Fourier seasonality) + e_t`` with
standard errors that allow for autocorrelation (AR(1) or Newey–West HAC; see ``_serial``)
(Wagner et al. 2002; Bernal, Cummins & Gasparrini 2017).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cjlib.errors import DataError

__all__ = ["ItsFit", "fit_its"]


@dataclass(frozen=True)
class ItsFit:
    """What :func:`fit_its` learned."""

    effects: pd.DataFrame
    fitted: np.ndarray
    counterfactual: np.ndarray
    counterfactual_low: np.ndarray
    counterfactual_high: np.ndarray
    errors: str
    n_params: int
    r_squared: float


def _fourier(t: np.ndarray, season: int, harmonics: int) -> np.ndarray:
    columns = []
    for k in range(1, harmonics + 1):
        angle = 2 * np.pi * k * t / season
        columns.append(np.cos(angle))
        if 2 * k != season:  # sin(pi * t) is zero at integer t: not a usable column
            columns.append(np.sin(angle))
    return np.column_stack(columns) if columns else np.empty((len(t), 0))


def fit_its(
    y: np.ndarray,
    t: np.ndarray,
    t0: int,
    *,
    alpha: float,
    errors: str,
    hac_lags: int | None,
    seasonality: int | None,
    harmonics: int | None,
) -> ItsFit:
    """Fit the segmented regression; ``t`` are period numbers, ``t0`` the first post period."""
    from scipy import stats

    from cjlib.action._serial import fit_series

    post = (t >= t0).astype(float)
    base = [np.ones_like(t, dtype=float), t.astype(float)]
    effect_cols = [post, post * (t - t0)]
    season_cols = np.empty((len(t), 0))
    if seasonality is not None:
        k = min(seasonality // 2, 3) if harmonics is None else harmonics
        season_cols = _fourier(t.astype(float), seasonality, k)
    X = np.column_stack([*base, *effect_cols, season_cols])
    n_params = X.shape[1]
    if len(y) < n_params + 3:
        raise DataError(
            f"change_date: {len(y)} periods are too few for a model with {n_params} "
            f"parameters; use a finer freq, more history or fewer seasonal harmonics"
        )
    res = fit_series(y, X, t, errors=errors, hac_lags=hac_lags)
    params, cov, df = res.params, res.cov, res.df_resid
    crit = float(stats.t.isf(alpha / 2, df))

    post_t = t[t >= t0]
    average = np.zeros(n_params)
    average[2] = 1.0
    average[3] = float(np.mean(post_t - t0))
    contrasts = {
        "level change": np.eye(n_params)[2],
        "slope change (per period)": np.eye(n_params)[3],
        "average effect (post period)": average,
    }
    X_cf = X.copy()
    X_cf[:, 2:4] = 0.0
    counterfactual = X_cf @ params
    cf_se = np.sqrt(np.einsum("ij,jk,ik->i", X_cf, cov, X_cf))
    post_mask = t >= t0
    cf_post_mean = float(np.mean(counterfactual[post_mask]))
    rows = []
    for name, c in contrasts.items():
        estimate = float(c @ params)
        se = float(math.sqrt(c @ cov @ c))
        t_stat = estimate / se if se > 0 else math.nan
        rows.append(
            {
                "effect": name,
                "estimate": estimate,
                "std_error": se,
                "ci_low": estimate - crit * se,
                "ci_high": estimate + crit * se,
                "p_value": float(2 * stats.t.sf(abs(t_stat), df)) if se > 0 else math.nan,
                "relative": (
                    estimate / cf_post_mean
                    if name.startswith("average") and cf_post_mean != 0
                    else math.nan
                ),
            }
        )
    return ItsFit(
        effects=pd.DataFrame(rows),
        fitted=X @ params,
        counterfactual=counterfactual,
        counterfactual_low=counterfactual - crit * cf_se,
        counterfactual_high=counterfactual + crit * cf_se,
        errors=res.description,
        n_params=n_params,
        r_squared=res.r_squared,
    )
