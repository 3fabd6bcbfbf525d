"""Least squares on one KPI series with standard errors that respect autocorrelation.

The coefficients are always ordinary least squares; ``errors`` chooses only their covariance:

- ``"ar1"``: the exact OLS sandwich ``B X'ΩX B`` under AR(1) errors, ``Ω_ij = γ0 ρ^|t_i - t_j|``
  (real time distances, so gaps in the series are handled), with ρ from the lag-1
  autocorrelation of the residuals, corrected for the bias that fitting the regressors puts
  into it (and the Marriott & Pope 1954 ``3ρ/T`` term).
- ``"newey-west"``: Newey–West HAC.
- ``"ols"``: independent errors.

In simulations of short weekly KPI series, the AR(1) sandwich kept the false-positive rate
closest to nominal (``docs/adr/0006-evaluating-changes.md``), so it is the default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["ERRORS", "SeriesFit", "default_hac_lags", "fit_series"]

ERRORS = ("ar1", "newey-west", "ols")


def default_hac_lags(n_periods: int) -> int:
    """Newey & West (1994) rule of thumb: ``floor(4 (T/100)^(2/9))``, at least 1."""
    return max(1, math.floor(4 * (n_periods / 100) ** (2 / 9)))


@dataclass(frozen=True)
class SeriesFit:
    """Coefficients, their covariance, residual df and a description of the errors used."""

    params: np.ndarray
    cov: np.ndarray
    df_resid: float
    description: str
    r_squared: float


def fit_series(
    y: np.ndarray,
    X: np.ndarray,
    t: np.ndarray,
    *,
    errors: str,
    hac_lags: int | None = None,
) -> SeriesFit:
    """Fit ``y ~ X`` (``X`` holds its own constant); ``t`` are the integer period numbers."""
    import statsmodels.api as sm

    if errors == "newey-west":
        lags = default_hac_lags(len(y)) if hac_lags is None else int(hac_lags)
        res = sm.OLS(y, X).fit(
            cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
        )
        description = f"Newey-West HAC ({lags} lags)"
        cov = np.asarray(res.cov_params(), dtype=float)
    else:
        res = sm.OLS(y, X).fit()
        cov = np.asarray(res.cov_params(), dtype=float)
        description = "independent errors (classical OLS)"
        if errors == "ar1":
            rho = ar1_coefficient(np.asarray(res.resid), t, X)
            cov = ar1_sandwich(X, np.asarray(res.resid), t, rho)
            description = f"AR(1) errors (rho = {rho:.2f})"
    return SeriesFit(
        params=np.asarray(res.params, dtype=float),
        cov=cov,
        df_resid=float(res.df_resid),
        description=description,
        r_squared=float(res.rsquared),
    )


def ar1_coefficient(resid: np.ndarray, t: np.ndarray, X: np.ndarray) -> float:
    """Lag-1 autocorrelation of the residuals at consecutive periods, bias-corrected.

    Least-squares residuals are negatively autocorrelated even when the errors are not: with
    hat matrix ``H`` and ``A`` the consecutive-period lag matrix, ``E[ρ̂] ≈ -tr(HA)/(T-k)``
    under independence. That term is removed exactly, and the ρ-dependent part of the
    Marriott & Pope (1954) bias, ``-3ρ/T``, approximately. Clipped to [-0.95, 0.95].
    """
    consecutive = np.flatnonzero(np.diff(t) == 1)
    denominator = float(resid @ resid)
    n, k = X.shape
    if len(consecutive) == 0 or denominator == 0 or n <= k:
        return 0.0
    rho = float(resid[consecutive + 1] @ resid[consecutive]) / denominator
    # tr(HA) with A_{i,i+1} = A_{i+1,i} = 1/2 on consecutive pairs: sum_i h_{i,i+1}
    bread = np.linalg.inv(X.T @ X)
    hat_next = np.einsum("ij,jk,ik->i", X[consecutive], bread, X[consecutive + 1])
    rho += float(hat_next.sum()) / (n - k) + 3 * rho / n
    return float(np.clip(rho, -0.95, 0.95))


def ar1_sandwich(X: np.ndarray, resid: np.ndarray, t: np.ndarray, rho: float) -> np.ndarray:
    """Covariance of the OLS coefficients when the errors follow an AR(1) process."""
    n, k = X.shape
    gamma0 = float(resid @ resid) / (n - k)
    distance = np.abs(t[:, None] - t[None, :]).astype(float)
    omega = gamma0 * np.power(rho, distance) if rho != 0 else gamma0 * np.eye(n)
    bread = np.linalg.inv(X.T @ X)
    return bread @ (X.T @ omega @ X) @ bread
