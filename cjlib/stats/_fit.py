"""Guarded statsmodels fits: problems come back as readable warnings, never as crashes."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["LogitFit", "fit_logit", "fit_logit_newton", "fit_ols_hc3"]

# |coefficient| beyond this on the log-odds scale means the fit ran off to infinity
_SEPARATION_COEF = 15.0


def fit_logit(y: np.ndarray, X: pd.DataFrame, label: str) -> tuple[Any | None, list[str]]:
    """Fit a logistic regression (with intercept); return (result or None, warnings)."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    problems: list[str] = []
    exog = sm.add_constant(X, has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = sm.Logit(y, exog).fit(disp=0, maxiter=200)
        except PerfectSeparationError:
            return None, [f"{label}: perfect separation, the adjusted odds ratio is infinite"]
        except np.linalg.LinAlgError:
            return None, [f"{label}: singular design (collinear controls?), no adjusted model"]
    kinds = {type(w.message) for w in caught} | {w.category for w in caught}
    separated = (
        PerfectSeparationWarning in kinds
        or (np.abs(np.asarray(result.params)[1:]) > _SEPARATION_COEF).any()
    )
    if separated:
        problems.append(f"{label}: (quasi-)separation in the logistic model; estimates unreliable")
    if ConvergenceWarning in kinds or not result.mle_retvals.get("converged", True):
        problems.append(f"{label}: the logistic model did not converge")
    if not np.isfinite(np.asarray(result.bse)).all():
        problems.append(f"{label}: singular information matrix (collinear controls?)")
    return result, problems


class LogitFit:
    """Maximum-likelihood logistic regression: ``params``, ``bse``, ``pvalues`` by column.

    The part of statsmodels' ``LogitResults`` that :func:`link` reads, from a plain Newton
    iteration (:func:`fit_logit_newton`).
    """

    def __init__(self, params: pd.Series, cov: np.ndarray, converged: bool, iterations: int):
        from scipy import stats

        self.params = params
        with np.errstate(invalid="ignore"):
            se = np.sqrt(np.diag(cov))
        self.bse = pd.Series(se, index=params.index)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.pvalues = pd.Series(2 * stats.norm.sf(np.abs(params / se)), index=params.index)
        self.mle_retvals = {"converged": converged, "iterations": iterations}


def fit_logit_newton(
    y: np.ndarray, X: pd.DataFrame, label: str, *, max_iter: int = 100, tol: float = 1e-10
) -> tuple[LogitFit | None, list[str]]:
    """Logistic regression (with intercept) by Newton–Raphson, same warnings as ``fit_logit``.

    The score and information are two matrix products per step, so a fit over 200k rows
    costs a handful of passes; the coefficients equal statsmodels' ``Logit`` (same
    likelihood, converged to ``tol``). Steps that lower the likelihood are halved.
    """
    from scipy.special import expit, log_expit

    names = ["const", *X.columns]
    design = np.column_stack([np.ones(len(X)), X.to_numpy(dtype=float)])
    y = np.asarray(y, dtype=float)
    if np.linalg.matrix_rank(design) < design.shape[1]:
        return None, [f"{label}: singular design (collinear controls?), no adjusted model"]

    def loglik(beta: np.ndarray) -> float:
        eta = design @ beta
        return float(y @ log_expit(eta) + (1 - y) @ log_expit(-eta))

    rate = min(max(y.mean(), 1e-10), 1 - 1e-10)
    beta = np.zeros(design.shape[1])
    beta[0] = np.log(rate / (1 - rate))
    ll = loglik(beta)
    converged, iterations = False, 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        p = expit(design @ beta)
        info = design.T @ (design * (p * (1 - p))[:, None])
        try:
            step = np.linalg.solve(info, design.T @ (y - p))
        except np.linalg.LinAlgError:
            break
        size = 1.0
        while True:
            candidate = beta + size * step
            new_ll = loglik(candidate)
            if new_ll >= ll - 1e-12 * abs(ll) or size < 1e-8:
                break
            size /= 2
        beta, change, ll = candidate, abs(new_ll - ll), new_ll
        if np.max(np.abs(size * step)) < tol or change < tol * max(abs(ll), 1.0):
            converged = True
            break
    p = expit(design @ beta)
    info = design.T @ (design * (p * (1 - p))[:, None])
    cov = np.linalg.pinv(info)
    result = LogitFit(pd.Series(beta, index=names), cov, converged, iterations)
    problems: list[str] = []
    if (np.abs(beta[1:]) > _SEPARATION_COEF).any():
        problems.append(f"{label}: (quasi-)separation in the logistic model; estimates unreliable")
    if not converged:
        problems.append(f"{label}: the logistic model did not converge")
    if not np.isfinite(result.bse.to_numpy()).all():
        problems.append(f"{label}: singular information matrix (collinear controls?)")
    return result, problems


def fit_ols_hc3(y: np.ndarray, X: pd.DataFrame, label: str) -> tuple[Any | None, list[str]]:
    """Fit OLS (with intercept) with HC3 robust standard errors."""
    import statsmodels.api as sm

    exog = sm.add_constant(X, has_constant="add")
    if np.linalg.matrix_rank(exog.to_numpy()) < exog.shape[1]:
        return None, [f"{label}: collinear design (a control duplicates the signal?)"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sm.OLS(y, exog).fit(cov_type="HC3")
    problems = []
    if not np.isfinite(np.asarray(result.bse)).all():
        problems.append(f"{label}: HC3 standard errors undefined (leverage of 1)")
    return result, problems
