"""Measured emotion from CSAT answers, corrected for the rating scale's rounding and ends.

A CSAT answer on 1..5 is read as the rounded, clipped value of a latent feeling on the map's
-2..+2 scale: answer ``k`` means the feeling lies in ``[k - 3.5, k - 2.5)``, with the two end
answers open (1 = "-1.5 or worse", 5 = "+1.5 or better"). The emotion is the mean of a normal
latent feeling fitted by maximum likelihood to those intervals (an ordered probit with the
scale's fixed, evenly spaced cut points), with a Wald interval from the observed information.
The plain mean of ``CSAT - 3`` is biased towards 0 near the ends of the scale: a touchpoint
that really feels like -1.6 cannot average below -2 and averages about -1.4.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["latent_emotion"]

_CUTS = np.array([-np.inf, -1.5, -0.5, 0.5, 1.5, np.inf])


def _negloglik(theta: np.ndarray, counts: np.ndarray) -> float:
    from scipy.special import log_ndtr, ndtr

    mu, log_sigma = theta
    sigma = math.exp(log_sigma)
    z = (_CUTS - mu) / sigma
    upper, lower = ndtr(z[1:]), ndtr(z[:-1])
    p = upper - lower
    # the end categories in log space keep the tails accurate far from the mean
    logp = np.where(p > 1e-300, np.log(np.maximum(p, 1e-300)), -np.inf)
    logp[0] = log_ndtr(z[1])
    logp[-1] = log_ndtr(-z[-2])
    return -float(np.sum(counts * logp))


def _se_of_mean(theta: np.ndarray, counts: np.ndarray, h: float = 1e-4) -> float:
    """Standard error of the mean from the inverse of the numerical 2x2 observed information."""
    hess = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            e_i, e_j = np.eye(2)[i] * h, np.eye(2)[j] * h
            hess[i, j] = (
                _negloglik(theta + e_i + e_j, counts)
                - _negloglik(theta + e_i - e_j, counts)
                - _negloglik(theta - e_i + e_j, counts)
                + _negloglik(theta - e_i - e_j, counts)
            ) / (4 * h * h)
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return math.nan
    return math.sqrt(cov[0, 0]) if cov[0, 0] > 0 else math.nan


def latent_emotion(scores: np.ndarray, confidence: float) -> tuple[float, float, float, float]:
    """``(emotion, se, low, high)`` from CSAT answers on 1..5, clipped to -2..+2.

    Falls back to the plain mean of ``CSAT - 3`` (t interval) when fewer than two distinct
    answers make the latent model unidentifiable.

    Examples
    --------
    >>> import numpy as np
    >>> e, se, low, high = latent_emotion(np.array([1, 1, 2, 2, 3, 1, 2, 1, 1, 2]), 0.95)
    >>> round(e, 2) < round(float(np.mean([1, 1, 2, 2, 3, 1, 2, 1, 1, 2]) - 3), 2)
    True
    """
    from scipy import optimize, stats

    x = np.asarray(scores, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    k = np.clip(np.rint(x), 1, 5).astype(int)
    counts = np.bincount(k - 1, minlength=5).astype(float)
    plain = float(x.mean() - 3.0)
    if (counts > 0).sum() < 2:
        sd = float(x.std(ddof=1)) if n > 1 else 0.0
        se = sd / math.sqrt(n) if n else math.nan
        half = float(stats.t.ppf(0.5 + confidence / 2, max(n - 1, 1))) * se
        return plain, se, max(-2.0, plain - half), min(2.0, plain + half)
    start = np.array([plain, math.log(max(float(x.std(ddof=1)), 0.3))])
    fit = optimize.minimize(
        _negloglik,
        start,
        args=(counts,),
        method="Nelder-Mead",
        options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 2000},
    )
    mu = float(fit.x[0])
    se = _se_of_mean(fit.x, counts)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    est = min(2.0, max(-2.0, mu))
    return est, se, max(-2.0, mu - z * se), min(2.0, mu + z * se)
