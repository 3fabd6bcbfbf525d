"""Guarded statsmodels fits: problems come back as readable warnings, never as crashes."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["fit_logit", "fit_ols_hc3"]

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
