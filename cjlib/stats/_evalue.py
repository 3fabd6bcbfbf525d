"""E-values (VanderWeele & Ding 2017): how strong unmeasured confounding must be to explain
an association away.

The E-value of a risk ratio RR > 1 is ``RR + sqrt(RR (RR − 1))``; a protective RR < 1 is
inverted first. It is the minimum strength of association, on the risk-ratio scale, that an
unmeasured confounder would need with both the signal and the outcome (beyond the controls)
to move the estimate to 1. The E-value of the confidence interval uses the limit closest to
1 and is 1 when the interval contains 1. Other effect measures are approximated by a risk
ratio first (the paper's Table 2): an odds ratio of a common outcome (> 15%) by
``sqrt(OR)``, a standardised mean difference ``d`` by ``exp(0.91 d)``.

VanderWeele TJ, Ding P. Sensitivity analysis in observational research: introducing the
E-value. Ann Intern Med 2017;167:268–274.

Examples
--------
>>> round(evalue_rr(3.9), 2)  # the paper's breastfeeding example
7.26
>>> round(evalue_ci(3.9, 1.8, 8.7), 2)
3.0
"""

from __future__ import annotations

import math

from cjlib.errors import DataError

__all__ = ["evalue_ci", "evalue_rr", "rr_from_or", "rr_from_smd"]


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise DataError(f"{name} must be a positive ratio; got {value!r}")
    return float(value)


def evalue_rr(rr: float) -> float:
    """E-value of a risk ratio (an RR below 1 is inverted first).

    Examples
    --------
    >>> round(evalue_rr(0.8), 3)
    1.809
    """
    if isinstance(rr, float) and math.isnan(rr):
        return math.nan
    rr = _positive(rr, "rr")
    if math.isinf(rr):
        return math.inf
    rr = max(rr, 1 / rr)
    return rr + math.sqrt(rr * (rr - 1))


def evalue_ci(rr: float, low: float, high: float) -> float:
    """E-value of the confidence-interval limit closest to 1 (1 when the interval holds 1).

    Examples
    --------
    >>> evalue_ci(1.3, 0.9, 1.8)
    1.0
    """
    if any(isinstance(v, float) and math.isnan(v) for v in (rr, low, high)):
        return math.nan
    rr, low, high = (_positive(v, n) for v, n in ((rr, "rr"), (low, "low"), (high, "high")))
    if low > high:
        raise DataError(f"low must not exceed high; got low={low!r}, high={high!r}")
    if low <= 1 <= high:
        return 1.0
    return evalue_rr(low if rr > 1 else high)


def rr_from_or(odds_ratio: float, *, common: bool) -> float:
    """Risk ratio approximating an odds ratio: the OR itself for a rare outcome (< 15%),
    ``sqrt(OR)`` for a common one (VanderWeele & Ding 2017, Table 2).

    Examples
    --------
    >>> rr_from_or(4.0, common=True)
    2.0
    """
    if isinstance(odds_ratio, float) and math.isnan(odds_ratio):
        return math.nan
    odds_ratio = _positive(odds_ratio, "odds_ratio")
    return math.sqrt(odds_ratio) if common else odds_ratio


def rr_from_smd(d: float) -> float:
    """Risk ratio approximating a standardised mean difference: ``exp(0.91 d)`` (Table 2).

    Examples
    --------
    >>> round(rr_from_smd(0.5), 4)
    1.5762
    """
    if isinstance(d, bool) or not isinstance(d, int | float):
        raise DataError(f"d must be a number; got {d!r}")
    return math.exp(0.91 * float(d))
