"""The Wilson score interval for proportions, shared by every layer (numpy only).

Examples
--------
>>> from cjlib._proportions import wilson_interval
>>> low, high = wilson_interval(81, 263)  # Newcombe (1998), Table I: 0.2553 to 0.3662
>>> round(float(low), 4), round(float(high), 4)
(0.2553, 0.3662)
"""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np

__all__ = ["wilson_interval"]


def wilson_interval(
    successes: Any, trials: Any, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``successes / trials`` (Wilson 1927, JASA 22:209-212).

    Parameters
    ----------
    successes, trials : array-like or scalar
        Counts; broadcast against each other.
    confidence : float
        Two-sided confidence level.

    Returns
    -------
    (low, high) : numpy arrays (0-d for scalar input)
        Clipped to [0, 1]; NaN where ``trials`` is 0.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high
