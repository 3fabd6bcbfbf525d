"""``GammaGammaModel``: spend per transaction (Fader, Hardie & Lee 2005; Fader & Hardie 2013)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from cjlib.errors import DataError
from cjlib.stats._model_base import MLModel, boundary_warnings, check_summary_columns
from cjlib.stats._rfm import _as_float_array

__all__ = ["GammaGammaModel"]


def _log_likelihood(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Per-customer log density of the mean spend ``m`` over ``x`` transactions."""
    p, q, gamma = params
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(gamma + m * x)
    )


def _log_likelihood_gradient(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Per-customer gradient of :func:`_log_likelihood` in (p, q, gamma); shape (n, 3)."""
    p, q, gamma = params
    px = p * x
    log_total = np.log(gamma + m * x)
    psi = special.digamma
    d_p = x * (psi(px + q) - psi(px) + np.log(m) + np.log(x) - log_total)
    d_q = psi(px + q) - psi(q) + np.log(gamma) - log_total
    d_gamma = q / gamma - (px + q) / (gamma + m * x)
    return np.column_stack([d_p, d_q, d_gamma])


class GammaGammaModel(MLModel):
    """Gamma-Gamma model of the mean spend per transaction.

    Each transaction of a customer is Gamma(p, nu) distributed; nu varies across customers
    as Gamma(q, gamma). Fit on customers with at least one repeat purchase; spend is
    assumed independent of purchase frequency (check ``frequency_spend_correlation_``).

    Parameters
    ----------
    initial_params : mapping, optional
        Starting values for ``p``, ``q``, ``gamma``.

    Attributes
    ----------
    params_ : dict
        ``p``, ``q``, ``gamma``.
    standard_errors_ : dict
        Standard errors from the inverse observed information. The 95% intervals of
        ``.table``/``.summary()`` are Wald intervals on the log scale (delta method,
        ``se / estimate``), back-transformed, so they stay positive like the parameters.
    log_likelihood_ : float
        Maximised log-likelihood.
    n_customers_ : int
        Repeat buyers used in the fit.
    frequency_spend_correlation_ : float
        Pearson correlation of frequency and mean spend (the model assumes about 0).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjlib.stats import GammaGammaModel
    >>> s = pd.DataFrame({"frequency": [1, 2, 3, 4, 1, 5] * 40,
    ...                   "monetary_value": [20.0, 35.5, 28.0, 40.0, 15.0, 33.0] * 40})
    >>> gg = GammaGammaModel().fit(s)
    >>> round(gg.expected_spend(frequency=0, monetary_value=0), 1) > 0
    True
    """

    _param_names = ("p", "q", "gamma")
    _title = "Gamma-Gamma spend model"

    def __init__(self, *, initial_params: dict[str, float] | None = None) -> None:
        self.initial_params = initial_params

    def fit(
        self,
        summary: pd.DataFrame,
        *,
        frequency_col: str = "frequency",
        monetary_col: str = "monetary_value",
    ) -> GammaGammaModel:
        """Estimate p, q, gamma by maximum likelihood on repeat buyers; return ``self``."""
        cols = check_summary_columns(
            summary, {"frequency_col": frequency_col, "monetary_col": monetary_col}
        )
        x, m = cols["frequency_col"], cols["monetary_col"]
        repeat = x > 0
        if ((m <= 0) & repeat).any():
            raise DataError(
                f"monetary_col {monetary_col!r} must be > 0 for customers with "
                f"{frequency_col} > 0 ({int(((m <= 0) & repeat).sum())} rows are not)"
            )
        if repeat.sum() < 10:
            raise DataError(
                f"only {int(repeat.sum())} customers with {frequency_col} > 0; "
                "at least 10 repeat buyers are needed"
            )
        grouped = pd.DataFrame({"x": x[repeat], "m": m[repeat]}).value_counts().reset_index()
        gx, gm = grouped["x"].to_numpy(float), grouped["m"].to_numpy(float)
        weights = grouped["count"].to_numpy(float)

        def neg_ll(theta: np.ndarray) -> float:
            return -float(weights @ _log_likelihood(np.exp(theta), gx, gm))

        def neg_grad(theta: np.ndarray) -> np.ndarray:
            params = np.exp(theta)
            return -(weights @ _log_likelihood_gradient(params, gx, gm)) * params

        init = {"p": 1.0, "q": 1.0, "gamma": float(np.mean(m[repeat]))}
        init.update(self.initial_params or {})
        start = np.log([init[k] for k in self._param_names])
        params, ll, converged, cov = self._maximise(neg_ll, start, weights.sum(), neg_grad)
        self.params_ = dict(zip(self._param_names, map(float, params), strict=True))
        with np.errstate(invalid="ignore"):  # a degenerate fit can have no finite SE
            standard_errors = np.sqrt(np.diag(cov))
        self.standard_errors_ = dict(
            zip(self._param_names, map(float, standard_errors), strict=True)
        )
        self.covariance_ = pd.DataFrame(cov, index=self._param_names, columns=self._param_names)
        self.log_likelihood_ = ll
        self.n_customers_ = int(repeat.sum())
        self.converged_ = converged
        self.frequency_spend_correlation_ = float(np.corrcoef(x[repeat], m[repeat])[0, 1])
        self.warnings_ = [] if converged else ["the optimiser did not report convergence"]
        self.warnings_ += boundary_warnings(self.params_)
        if self.params_["q"] <= 1:
            self.warnings_.append("q <= 1: the population mean spend is infinite")
        if abs(self.frequency_spend_correlation_) > 0.3:
            self.warnings_.append(
                f"frequency and spend correlate (r={self.frequency_spend_correlation_:.2f}); "
                "the model assumes they are independent"
            )
        return self

    def expected_spend(self, *, frequency: Any, monetary_value: Any) -> Any:
        """E[mean spend | x, m]: a weighted mean of the population mean and the customer's.

        Customers with ``frequency == 0`` get the population mean ``p * gamma / (q - 1)``.
        """
        self._check_fitted()
        p, q, gamma = (self.params_[k] for k in self._param_names)
        x = _as_float_array(frequency, "frequency")
        m = _as_float_array(monetary_value, "monetary_value")
        x, m = np.broadcast_arrays(x, m)
        population = p * gamma / (q - 1) if q > 1 else np.inf
        out = np.where(x > 0, (gamma + m * x) * p / (p * x + q - 1), population)
        return float(out) if out.ndim == 0 else out

    def clv(
        self,
        transaction_model: Any,
        *,
        frequency: Any,
        recency: Any,
        T: Any,
        monetary_value: Any,
        horizon: float,
        discount_rate: float = 0.0,
        margin: float = 1.0,
        step: float = 1.0,
    ) -> Any:
        """Discounted expected profit over the next ``horizon`` time units.

        ``sum_k margin * spend * (E[Y(t_k)] - E[Y(t_{k-1})]) / (1 + discount_rate) ** t_k``
        over ``t_k = step, 2 step, ..., horizon`` (time in the unit of the summary;
        ``discount_rate`` is per unit).

        Parameters
        ----------
        transaction_model : BetaGeoModel
            A fitted purchase model with ``expected_purchases(t, frequency=, recency=, T=)``.
        frequency, recency, T, monetary_value : scalar or array
            Customer histories (as in the summary).
        horizon, step : float
            Projection length and step, in model time units.
        discount_rate : float
            Discount rate per model time unit (e.g. weekly rate for weekly summaries).
        margin : float
            Profit margin applied to spend (0 < margin <= 1 typically).
        """
        self._check_fitted()
        if not hasattr(transaction_model, "expected_purchases"):
            raise DataError("transaction_model must be a fitted BetaGeoModel")
        if horizon <= 0 or step <= 0 or step > horizon:
            raise DataError(f"need 0 < step <= horizon, got step={step!r}, horizon={horizon!r}")
        if discount_rate < 0:
            raise DataError(f"discount_rate must be >= 0, got {discount_rate!r}")
        spend = self.expected_spend(frequency=frequency, monetary_value=monetary_value)
        grid = np.arange(step, horizon + step / 2, step)
        total = 0.0
        previous = 0.0
        for t_k in grid:
            current = transaction_model.expected_purchases(
                t_k, frequency=frequency, recency=recency, T=T
            )
            total = total + (np.asarray(current) - previous) / (1 + discount_rate) ** t_k
            previous = np.asarray(current)
        out = margin * np.asarray(spend) * total
        return float(out) if np.ndim(out) == 0 else out
