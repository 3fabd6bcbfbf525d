"""Shared machinery of the maximum-likelihood CLV models (fit state, reports, SEs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from cjlib.errors import DataError, NotFittedError
from cjlib.stats._result import StatsResult

__all__ = ["MLModel"]

# largest |d(mean negative log-likelihood)/d(log parameter)| accepted as an optimum
_GRADIENT_TOL = 1e-4


def _max_gradient(fun: Callable[[np.ndarray], float], theta: np.ndarray) -> float:
    return float(np.max(np.abs(optimize.approx_fprime(theta, fun, 1e-7))))


def boundary_warnings(params: dict[str, float]) -> list[str]:
    """Warn about parameters that ran off towards 0 or infinity (a degenerate fit)."""
    extreme = [k for k, v in params.items() if not 1e-6 < v < 1e6]
    if not extreme:
        return []
    return [
        f"parameters {extreme} ran towards 0 or infinity: the data show (almost) no "
        "heterogeneity in that process, so the model is degenerate; interpret with care"
    ]


class MLModel:
    """Base of the CLV models: scikit-learn style fit state and result-like reporting."""

    _param_names: tuple[str, ...] = ()
    _title = "model"

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                f"this {type(self).__name__} is not fitted yet; call .fit(summary) first"
            )

    def _maximise(
        self,
        neg_ll: Callable[[np.ndarray], float],
        start: np.ndarray,
        weight: float,
        neg_grad: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> tuple[np.ndarray, float, bool, np.ndarray]:
        """Minimise ``neg_ll`` over log-parameters; return params, LL, converged, covariance.

        ``neg_grad`` (the analytic gradient of ``neg_ll`` in log-parameters) is optional; with
        it the optimiser and the Hessian need far fewer likelihood evaluations.
        """

        def scaled(theta: np.ndarray) -> float:
            with np.errstate(all="ignore"):  # trial steps far out give inf: rejected below
                value = neg_ll(theta) / weight
            return value if np.isfinite(value) else 1e300

        def scaled_grad(theta: np.ndarray) -> np.ndarray:
            with np.errstate(all="ignore"):
                grad = neg_grad(theta) / weight
            return np.where(np.isfinite(grad), grad, 0.0)

        jac = None if neg_grad is None else scaled_grad

        def max_gradient(theta: np.ndarray) -> float:
            if jac is not None:
                return float(np.max(np.abs(jac(theta))))
            return _max_gradient(scaled, theta)

        with np.errstate(all="ignore"):  # far trial steps overflow; they are rejected
            # quasi-Newton first (few evaluations); BFGS, then the simplex, only as fallbacks
            best = optimize.minimize(
                scaled,
                start,
                jac=jac,
                method="L-BFGS-B",
                options={"ftol": 1e-13, "gtol": 1e-8, "maxiter": 2000},
            )
            for method, options in (
                ("BFGS", {"gtol": 1e-7}),
                ("Nelder-Mead", {"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-11}),
            ):
                if max_gradient(best.x) <= _GRADIENT_TOL:
                    break
                use_jac = jac if method == "BFGS" else None
                retry = optimize.minimize(
                    scaled, best.x, jac=use_jac, method=method, options=options
                )
                if retry.fun <= best.fun:
                    best = retry
        theta = best.x
        from statsmodels.tools.numdiff import approx_hess3

        if neg_grad is not None:  # Hessian from central differences of the exact gradient
            step = 1e-5 * np.maximum(1.0, np.abs(theta))
            hess = np.empty((len(theta), len(theta)))
            for i in range(len(theta)):
                e = np.zeros_like(theta)
                e[i] = step[i]
                hess[i] = (neg_grad(theta + e) - neg_grad(theta - e)) / (2 * step[i])
            hess = (hess + hess.T) / 2
        else:
            hess = approx_hess3(theta, neg_ll)
        try:
            cov_log = np.linalg.inv(hess)
        except np.linalg.LinAlgError:
            cov_log = np.full_like(hess, np.nan)
        params = np.exp(theta)
        with np.errstate(over="ignore", invalid="ignore"):
            cov = cov_log * np.outer(params, params)  # delta method from log to natural scale
        # optimisers often stop with "precision loss" right at the optimum: judge by gradient
        converged = bool(np.isfinite(best.fun)) and max_gradient(theta) <= _GRADIENT_TOL
        return params, -float(neg_ll(theta)), converged, cov

    @property
    def table(self) -> pd.DataFrame:
        """Parameter estimates, standard errors and 95% intervals computed on the log scale.

        All parameters of these models are positive, so a natural-scale Wald interval
        ``estimate ± 1.96 se`` can fall below zero for a poorly determined parameter. The
        interval is instead the Wald interval of ``log(parameter)`` (delta method:
        ``se_log = se / estimate``), back-transformed: ``estimate * exp(±1.96 se_log)``.
        It is always positive, contains the estimate, and is close to the natural-scale
        interval when ``se`` is small relative to the estimate. ``se`` is on the natural scale.
        """
        self._check_fitted()
        est = np.array([self.params_[k] for k in self._param_names])
        se = np.array([self.standard_errors_[k] for k in self._param_names])
        z = stats.norm.ppf(0.975)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            spread = np.exp(z * se / est)
        return pd.DataFrame(
            {"estimate": est, "se": se, "ci_low": est / spread, "ci_high": est * spread},
            index=pd.Index(self._param_names, name="parameter"),
        )

    def _report(self) -> StatsResult:
        self._check_fitted()
        return StatsResult(
            self.table,
            title=self._title,
            warnings=self.warnings_,
            info={
                "customers": self.n_customers_,
                "log_likelihood": self.log_likelihood_,
                "converged": self.converged_,
            },
        )

    def summary(self) -> str:
        """Plain-text report of the fitted parameters."""
        return self._report().summary()

    def to_dict(self) -> dict[str, Any]:
        """Fitted parameters, SEs and log-likelihood as plain Python data."""
        return self._report().to_dict()

    def _repr_html_(self) -> str:
        if not hasattr(self, "params_"):
            return f"<p>{type(self).__name__} (not fitted)</p>"
        return self._report()._repr_html_()

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"{type(self).__name__}()"
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"{type(self).__name__}({shown})"


def check_summary_columns(summary: pd.DataFrame, cols: dict[str, str]) -> dict[str, np.ndarray]:
    """Numeric arrays of the summary columns; errors name the parameter and column."""
    from cjlib.stats._checks import numeric_values, require_columns, require_frame

    require_frame(summary, "summary")
    require_columns(summary, {k: [v] for k, v in cols.items()}, "summary")
    out = {}
    for param, col in cols.items():
        values = numeric_values(summary[col], param)
        if np.isnan(values).any():
            raise DataError(f"{param} column {col!r} has missing values")
        if (values < 0).any():
            raise DataError(
                f"{param} column {col!r} has negative values, e.g. "
                f"{values[values < 0][:3].tolist()}"
            )
        out[param] = values
    return out
