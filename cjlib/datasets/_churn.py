"""Churn times from a piecewise-constant hazard whose signals switch on at their onset."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

__all__ = ["churn_times", "covariate_log_hazard"]


def churn_times(
    rng: np.random.Generator,
    base_rate: np.ndarray,
    onsets: np.ndarray,
    log_hr: np.ndarray,
) -> np.ndarray:
    """Draw the time (days since start) at which each customer churns.

    The hazard is ``base_rate[i] * exp(sum_k log_hr[k] * 1[t >= onsets[i, k]])``: constant
    between onsets, so the cumulative hazard is piecewise linear and inverting it at an
    ``Exp(1)`` draw gives an exact sample.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the ``Exp(1)`` draws.
    base_rate : numpy.ndarray, shape (n,)
        Hazard per day before any signal (baseline times covariate effects).
    onsets : numpy.ndarray, shape (n, s)
        Days since start at which each signal switches on (``inf`` if never).
    log_hr : numpy.ndarray, shape (s,)
        Log hazard ratio of each signal.

    Returns
    -------
    numpy.ndarray
        Churn time in days since start (finite for everyone; compare with censoring).
    """
    n, s = onsets.shape
    target = rng.exponential(1.0, n)
    order = np.argsort(onsets, axis=1)
    sorted_on = np.take_along_axis(onsets, order, axis=1)
    sorted_beta = log_hr[order]
    starts = np.concatenate([np.zeros((n, 1)), np.maximum(sorted_on, 0.0)], axis=1)
    ends = np.concatenate([starts[:, 1:], np.full((n, 1), np.inf)], axis=1)
    lin = np.concatenate([np.zeros((n, 1)), np.cumsum(sorted_beta, axis=1)], axis=1)
    rates = base_rate[:, None] * np.exp(lin)
    result = np.full(n, np.inf)
    cum = np.zeros(n)
    for j in range(s + 1):
        with np.errstate(invalid="ignore"):
            width = ends[:, j] - starts[:, j]
            seg = np.where(np.isinf(width), np.inf, rates[:, j] * width)
        hit = np.isinf(result) & (cum + seg >= target)
        result[hit] = starts[hit, j] + (target[hit] - cum[hit]) / rates[hit, j]
        cum = np.where(np.isinf(seg), cum, cum + seg)
    return result


def covariate_log_hazard(
    hazard_ratios: Mapping[str, float], columns: Mapping[str, np.ndarray], age: np.ndarray
) -> np.ndarray:
    """Linear predictor of the covariates: ``sum log(HR) * x``.

    Parameters
    ----------
    hazard_ratios : mapping
        ``"column[level]"`` (indicator of ``columns[column] == level``) or
        ``"age_per_10_years"`` (per 10 years above 40) -> hazard ratio.
    columns : mapping of str to numpy.ndarray
        Categorical covariate values per customer.
    age : numpy.ndarray
        Age per customer in years.

    Returns
    -------
    numpy.ndarray
        Log-hazard contribution per customer.
    """
    eta = np.zeros(age.size)
    for name, hr in hazard_ratios.items():
        beta = math.log(hr)
        if name == "age_per_10_years":
            eta += beta * (age - 40) / 10.0
        else:
            column, level = name.rstrip("]").split("[")
            eta += beta * (columns[column] == level)
    return eta
