"""``BetaGeoModel``: the BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from cjlib.errors import DataError, DegenerateDataWarning
from cjlib.stats._model_base import MLModel, boundary_warnings, check_summary_columns
from cjlib.stats._rfm import _as_float_array

__all__ = ["BetaGeoModel"]


def _log_likelihood(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Per-customer log-likelihood of BG/NBD, equation (6) of Fader, Hardie & Lee (2005)."""
    r, alpha, a, b = params
    base = (
        special.gammaln(r + x)
        - special.gammaln(r)
        + r * np.log(alpha)
        + special.betaln(a, b + x)
        - special.betaln(a, b)
    )
    alive_term = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        dead_term = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return base + np.logaddexp(alive_term, dead_term)


def _log_likelihood_gradient(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Per-customer gradient of :func:`_log_likelihood` in (r, alpha, a, b); shape (n, 4)."""
    r, alpha, a, b = params
    log_at, log_atx = np.log(alpha + T), np.log(alpha + t_x)
    alive_term = -(r + x) * log_at
    with np.errstate(divide="ignore", invalid="ignore"):
        dead_term = np.where(
            x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * log_atx, -np.inf
        )
    total = np.logaddexp(alive_term, dead_term)
    w_alive, w_dead = np.exp(alive_term - total), np.exp(dead_term - total)
    psi = special.digamma
    d_r = psi(r + x) - psi(r) + np.log(alpha) - w_alive * log_at - w_dead * log_atx
    d_alpha = r / alpha - (r + x) * (w_alive / (alpha + T) + w_dead / (alpha + t_x))
    d_a = psi(a + b) - psi(a + b + x) + w_dead / a
    with np.errstate(divide="ignore", invalid="ignore"):
        d_b = (
            psi(b + x)
            - psi(a + b + x)
            - psi(b)
            + psi(a + b)
            - np.where(x > 0, w_dead / np.maximum(b + x - 1, 1e-300), 0.0)
        )
    return np.column_stack([d_r, d_alpha, d_a, d_b])


def _identifiability_warnings(x: np.ndarray, n_groups: int, frequency_col: str) -> list[str]:
    """Data that cannot pin down r, alpha, a and b (the likelihood has no interior maximum)."""
    if len(x) and (x == 0).all():
        return [
            f"every customer has {frequency_col} 0 (no repeat purchase): the purchase rate and "
            "dropout parameters are not identifiable, so r, alpha, a, b are meaningless; "
            "fit on a longer window or more customers"
        ]
    if n_groups < 4:
        return [
            f"only {n_groups} distinct (frequency, recency, T) histories for 4 parameters: "
            "the parameters are not identifiable"
        ]
    return []


class BetaGeoModel(MLModel):
    """BG/NBD model: Poisson purchasing at heterogeneous rates, geometric drop-out.

    Transaction rates follow Gamma(r, alpha); after each purchase a customer drops out with
    probability p ~ Beta(a, b). Fit by maximum likelihood (scipy) on the (x, t_x, T)
    summary; identical rows are grouped, so a million customers fit in seconds.

    Parameters
    ----------
    initial_params : mapping, optional
        Starting values for ``r``, ``alpha``, ``a``, ``b`` (default ``r=a=b=1`` and
        ``alpha`` = mean of T).

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha``, ``a``, ``b``.
    standard_errors_ : dict
        Standard errors from the inverse observed information. The 95% intervals of
        ``.table``/``.summary()`` are Wald intervals on the log scale (delta method,
        ``se / estimate``), back-transformed, so they stay positive like the parameters.
    log_likelihood_ : float
        Maximised log-likelihood, in the time unit of the summary.
    n_customers_, n_groups_ : int
        Customers fitted and distinct (x, t_x, T) rows.
    converged_ : bool
        Whether the optimiser reported convergence.

    Examples
    --------
    >>> from cjlib.datasets import load_map, simulate
    >>> from cjlib.stats import BetaGeoModel, rfm_summary
    >>> data = simulate(load_map("telco"), 500, seed=1)
    >>> summary = rfm_summary(data.transactions, freq="D", calibration_end="2025-06-30")
    >>> model = BetaGeoModel().fit(summary)
    >>> sorted(model.params_)
    ['a', 'alpha', 'b', 'r']
    >>> bool(model.probability_alive(frequency=0, recency=0, T=39) == 1.0)
    True
    """

    _param_names = ("r", "alpha", "a", "b")
    _title = "BG/NBD model"

    def __init__(self, *, initial_params: dict[str, float] | None = None) -> None:
        self.initial_params = initial_params

    def fit(
        self,
        summary: pd.DataFrame,
        *,
        frequency_col: str = "frequency",
        recency_col: str = "recency",
        T_col: str = "T",
    ) -> BetaGeoModel:
        """Estimate r, alpha, a, b by maximum likelihood; return ``self``.

        Parameters
        ----------
        summary : pandas.DataFrame
            One row per customer, e.g. from :func:`cjlib.stats.rfm_summary`.
        frequency_col, recency_col, T_col : str
            Columns of repeat purchases x, time of last purchase t_x and age T.
        """
        cols = check_summary_columns(
            summary, {"frequency_col": frequency_col, "recency_col": recency_col, "T_col": T_col}
        )
        x, t_x, T = cols["frequency_col"], cols["recency_col"], cols["T_col"]
        problems = []
        if (t_x > T + 1e-9).any():
            problems.append(f"{recency_col} > {T_col} in {int((t_x > T + 1e-9).sum())} rows")
        if ((x == 0) & (t_x != 0)).any():
            problems.append(f"{recency_col} must be 0 when {frequency_col} is 0")
        if (x != np.round(x)).any():
            problems.append(f"{frequency_col} must hold whole numbers")
        if problems:
            raise DataError("BetaGeoModel.fit: " + "; ".join(problems))
        grouped = pd.DataFrame({"x": x, "t_x": t_x, "T": T}).value_counts().reset_index()
        gx, gt, gT = (grouped[c].to_numpy(float) for c in ("x", "t_x", "T"))
        weights = grouped["count"].to_numpy(float)

        def neg_ll(theta: np.ndarray) -> float:
            return -float(weights @ _log_likelihood(np.exp(theta), gx, gt, gT))

        def neg_grad(theta: np.ndarray) -> np.ndarray:
            params = np.exp(theta)
            return -(weights @ _log_likelihood_gradient(params, gx, gt, gT)) * params

        init = {"r": 1.0, "alpha": max(float(T.mean()), 1e-3), "a": 1.0, "b": 1.0}
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
        self.n_customers_ = len(x)
        self.n_groups_ = len(grouped)
        self.converged_ = converged
        self.warnings_ = [] if converged else ["the optimiser did not report convergence"]
        self.warnings_ += boundary_warnings(self.params_)
        degenerate = _identifiability_warnings(x, len(grouped), frequency_col)
        self.warnings_ += degenerate
        for message in degenerate:
            warnings.warn(f"BetaGeoModel.fit: {message}", DegenerateDataWarning, stacklevel=2)
        return self

    def _inputs(self, frequency: Any, recency: Any, T: Any) -> tuple[np.ndarray, ...]:
        x = _as_float_array(frequency, "frequency")
        t_x = _as_float_array(recency, "recency")
        big_t = _as_float_array(T, "T")
        x, t_x, big_t = np.broadcast_arrays(x, t_x, big_t)
        if (t_x > big_t + 1e-9).any() or (x < 0).any() or (t_x < 0).any():
            raise DataError("need 0 <= recency <= T and frequency >= 0")
        return x, t_x, big_t

    def probability_alive(self, *, frequency: Any, recency: Any, T: Any) -> Any:
        """P(customer still active | x, t_x, T), equation (A.2) of the 2005 paper.

        Scalars give a float, arrays an array of the broadcast shape.
        """
        self._check_fitted()
        r, alpha, a, b = (self.params_[k] for k in self._param_names)
        x, t_x, big_t = self._inputs(frequency, recency, T)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds_dead = (
                np.log(a)
                - np.log(np.maximum(b + x - 1, 1e-300))
                + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
            )
        p = np.where(x > 0, special.expit(-log_odds_dead), 1.0)
        return float(p) if p.ndim == 0 else p

    def expected_purchases(
        self, t: Any, *, frequency: Any = None, recency: Any = None, T: Any = None
    ) -> Any:
        """Expected purchases in the next ``t`` time units.

        With ``frequency``, ``recency`` and ``T``: the conditional expectation for customers
        with that history (equation 10 of the paper). Without them: the expected purchases
        of a new customer in ``(0, t]`` (equation 7).
        """
        self._check_fitted()
        r, alpha, a, b = (self.params_[k] for k in self._param_names)
        t_arr = _as_float_array(t, "t")
        if (t_arr < 0).any():
            raise DataError(f"t must be non-negative, got {t!r}")
        if frequency is None and recency is None and T is None:
            z = t_arr / (alpha + t_arr)
            out = (
                (a + b - 1)
                / (a - 1)
                * (1 - (alpha / (alpha + t_arr)) ** r * special.hyp2f1(r, b, a + b - 1, z))
            )
            return float(out) if out.ndim == 0 else out
        if frequency is None or recency is None or T is None:
            raise DataError("give all of frequency, recency and T, or none of them")
        x, t_x, big_t = self._inputs(frequency, recency, T)
        t_arr = np.broadcast_to(t_arr, x.shape)
        z = t_arr / (alpha + big_t + t_arr)
        head = (a + b + x - 1) / (a - 1)
        power = np.exp((r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + t_arr)))
        body = 1 - power * special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        p_alive = self.probability_alive(frequency=x, recency=t_x, T=big_t)
        # equation (10) divided by its denominator == p_alive times the alive-only expectation
        out = head * body * p_alive
        return float(out) if np.ndim(out) == 0 else out

    def predict(
        self,
        summary: pd.DataFrame,
        t: float,
        *,
        frequency_col: str = "frequency",
        recency_col: str = "recency",
        T_col: str = "T",
    ) -> pd.Series:
        """Conditional expected purchases in the next ``t`` units for every summary row."""
        cols = check_summary_columns(
            summary, {"frequency_col": frequency_col, "recency_col": recency_col, "T_col": T_col}
        )
        values = self.expected_purchases(
            t, frequency=cols["frequency_col"], recency=cols["recency_col"], T=cols["T_col"]
        )
        return pd.Series(np.atleast_1d(values), index=summary.index, name="expected_purchases")
