"""False-discovery-rate control across many tests.

Examples
--------
>>> from cjlib.stats import bh_qvalues
>>> [round(float(q), 3) for q in bh_qvalues([0.01, 0.04, 0.03, 0.5])]
[0.04, 0.053, 0.053, 0.5]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from cjlib.errors import DataError

__all__ = ["bh_qvalues"]


def bh_qvalues(p_values: Iterable[float]) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), NaN-aware.

    Parameters
    ----------
    p_values : iterable of float
        Raw p-values in [0, 1]; NaN entries stay NaN and do not count as tests.

    Returns
    -------
    numpy.ndarray
        q-values in the input order: ``q_(i) = min_{j >= i} m p_(j) / j``, capped at 1.
        Rejecting every test with ``q <= alpha`` controls the FDR at ``alpha`` for independent
        or positively dependent tests (Benjamini & Hochberg 1995).

    Examples
    --------
    >>> bh_qvalues([0.2, float("nan")]).tolist()
    [0.2, nan]
    """
    p = np.asarray(list(p_values), dtype=float)
    finite = ~np.isnan(p)
    if ((p[finite] < 0) | (p[finite] > 1)).any():
        raise DataError(f"p_values must lie in [0, 1], got {p[finite].min()}..{p[finite].max()}")
    q = np.full_like(p, np.nan)
    m = int(finite.sum())
    if m == 0:
        return q
    order = np.argsort(p[finite])
    ranked = p[finite][order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    q[finite] = out
    return q
