"""Sample size, power and minimum detectable effect for two-arm tests.

Conversion (two proportions) and means (e.g. revenue per customer). Sizes are per arm:
``n_control`` customers in control and ``ratio * n_control`` in treatment.

Examples
--------
>>> from cjlib.action import sample_size
>>> plan = sample_size(baseline=0.20, mde=0.05)
>>> plan.n_control, plan.n_total
(1094, 2188)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pandas as pd

from cjlib.action._inputs import check_choice, check_probability
from cjlib.action._result import ActionResult
from cjlib.errors import DataError

__all__ = ["PowerAnalysis", "minimum_detectable_effect", "power", "sample_size"]

Alternative = Literal["two-sided", "larger", "smaller"]
_ALTERNATIVES = ("two-sided", "larger", "smaller")
_CONVERSION_METHODS = ("pooled", "baseline", "arcsine")
_MEAN_METHODS = ("t", "z")
_MAX_N = 1e12


class PowerAnalysis(ActionResult):
    """The design of a two-arm test: sizes, effect and power.

    Attributes
    ----------
    kind : {"conversion", "mean"}
        What the test compares.
    method : str
        The approximation used (see :func:`sample_size`).
    mde : float
        The absolute effect (treatment minus control), in outcome units.
    power : float
        The probability of a significant result when the effect is ``mde``.
    n_control, n_treatment, n_total : int
        Customers needed (rounded up) in control, in treatment and in total.
    n_control_exact : float
        The unrounded control size solving the power equation.
    """

    def __init__(self, *, design: dict[str, Any], power_of_n: Callable[[float], float]) -> None:
        self.kind: str = design["kind"]
        self.method: str = design["method"]
        self.baseline: float | None = design["baseline"]
        self.sd: float | None = design["sd"]
        self.mde: float = design["mde"]
        self.alpha: float = design["alpha"]
        self.power: float = design["power"]
        self.ratio: float = design["ratio"]
        self.alternative: str = design["alternative"]
        self.n_control_exact: float = design["n_control_exact"]
        self.n_control: int = math.ceil(self.n_control_exact - 1e-9)
        self.n_treatment: int = math.ceil(self.ratio * self.n_control_exact - 1e-9)
        self.n_total: int = self.n_control + self.n_treatment
        self._power_of_n = power_of_n
        relative = self.mde / self.baseline if self.baseline else float("nan")
        table = pd.DataFrame(
            [
                {
                    "kind": self.kind,
                    "method": self.method,
                    "baseline": self.baseline if self.baseline is not None else float("nan"),
                    "sd": self.sd if self.sd is not None else float("nan"),
                    "mde": self.mde,
                    "mde_relative": relative,
                    "alpha": self.alpha,
                    "power": self.power,
                    "ratio": self.ratio,
                    "alternative": self.alternative,
                    "n_control": self.n_control,
                    "n_treatment": self.n_treatment,
                    "n_total": self.n_total,
                }
            ]
        )
        super().__init__(table, title=f"Power analysis ({self.kind}, {self.method})")

    def power_at(self, n_control: float | np.ndarray) -> np.ndarray:
        """Return the power for ``n_control`` customers in control (vectorised)."""
        values = np.atleast_1d(np.asarray(n_control, dtype=float))
        return np.array([self._power_of_n(v) for v in values])

    def _notes(self) -> list[str]:
        if self.kind == "conversion" and self.baseline is not None:
            effect = (
                f"a change of {self.mde:+.4g} in conversion "
                f"({self.baseline:.2%} → {self.baseline + self.mde:.2%})"
            )
        else:
            effect = f"a difference in means of {self.mde:+.4g}"
        return [
            f"To detect {effect} with {self.power:.0%} power at alpha {self.alpha:g} "
            f"({self.alternative}), you need {self.n_control:,} customers in control and "
            f"{self.n_treatment:,} in treatment ({self.n_total:,} in total)."
        ]

    def plot(self) -> Any:
        """Return the power curve against the control-group size, with this design marked."""
        from cjlib.plot._change import power_curve_figure

        return power_curve_figure(self)


def _z(alpha: float, alternative: str) -> float:
    from scipy import stats

    return float(stats.norm.isf(alpha / 2 if alternative == "two-sided" else alpha))


def _normal_power(shift: float, sd_null: float, sd_alt: float, z: float, alternative: str) -> float:
    """Power of a z-test whose statistic has mean ``shift / sd_alt`` and null scale ``sd_null``.

    ``shift`` is the effect times sqrt(n): the statistic is N(shift, sd_alt²) on the scale where
    the critical value is ``z * sd_null``.
    """
    from scipy import stats

    upper = float(stats.norm.sf((z * sd_null - shift) / sd_alt))
    lower = float(stats.norm.cdf((-z * sd_null - shift) / sd_alt))
    if alternative == "two-sided":
        return upper + lower
    return upper if alternative == "larger" else lower


def _conversion_power(
    p1: float, delta: float, n1: float, k: float, alpha: float, alternative: str, method: str
) -> float:
    p2 = p1 + delta
    z = _z(alpha, alternative)
    if method == "arcsine":
        h = 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))
        return _normal_power(
            h * math.sqrt(n1), math.sqrt(1 + 1 / k), math.sqrt(1 + 1 / k), z, alternative
        )
    if method == "pooled":
        p_bar = (p1 + k * p2) / (1 + k)
        sd_null = math.sqrt(p_bar * (1 - p_bar) * (1 + 1 / k))
    else:  # "baseline": both arms at the baseline rate under the null hypothesis
        sd_null = math.sqrt(p1 * (1 - p1) * (1 + 1 / k))
    sd_alt = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / k)
    return _normal_power(delta * math.sqrt(n1), sd_null, sd_alt, z, alternative)


def _mean_power(
    d: float, n1: float, k: float, alpha: float, alternative: str, method: str
) -> float:
    scale = math.sqrt(1 / n1 + 1 / (k * n1))
    if method == "z":
        return _normal_power(d / scale, 1.0, 1.0, _z(alpha, alternative), alternative)
    from scipy import stats

    df = n1 + k * n1 - 2
    nc = d / scale
    tail = alpha / 2 if alternative == "two-sided" else alpha
    crit = float(stats.t.isf(tail, df))
    upper = float(stats.nct.sf(crit, df, nc))
    lower = float(stats.nct.cdf(-crit, df, nc))
    if not (math.isfinite(upper) and math.isfinite(lower)):
        # scipy's non-central t can fail far in the tails; there the normal limit is exact
        return _normal_power(nc, 1.0, 1.0, crit, alternative)
    if alternative == "two-sided":
        return upper + lower
    return upper if alternative == "larger" else lower


def _check_common(alpha: float, ratio: float, alternative: str) -> tuple[float, float]:
    alpha = check_probability("alpha", alpha)
    check_choice("alternative", alternative, _ALTERNATIVES)
    try:
        ratio = float(ratio)
    except (TypeError, ValueError):
        raise DataError(f"ratio: expected a positive number, got {ratio!r}") from None
    if not (ratio > 0 and math.isfinite(ratio)):
        raise DataError(
            f"ratio: expected a positive number (treatment size / control size), got {ratio!r}"
        )
    return alpha, ratio


def _design(
    *,
    mde: float | None,
    baseline: float | None,
    sd: float | None,
    relative: bool,
    alpha: float,
    ratio: float,
    alternative: str,
    method: str,
) -> tuple[dict[str, Any], Callable[[float, float], float]]:
    """Validate the inputs; return the design and ``power(n_control, effect)``."""
    alpha, ratio = _check_common(alpha, ratio, alternative)
    design: dict[str, Any] = {"alpha": alpha, "ratio": ratio, "alternative": alternative}
    if sd is None:
        if baseline is None:
            raise DataError(
                "baseline: give the control conversion rate (e.g. baseline=0.2) for a "
                "conversion test, or sd= (the outcome's standard deviation) for a test of means"
            )
        p1 = check_probability("baseline", baseline)
        method = "pooled" if method == "auto" else method
        check_choice("method", method, ("auto", *_CONVERSION_METHODS))
        design.update(kind="conversion", method=method, baseline=p1, sd=None)

        def power_of(n1: float, delta: float) -> float:
            return _conversion_power(p1, delta, n1, ratio, alpha, alternative, method)

        design["effect_bounds"] = (-p1, 1 - p1)
    else:
        try:
            sd_value = float(sd)
        except (TypeError, ValueError):
            raise DataError(f"sd: expected a positive number, got {sd!r}") from None
        if not (sd_value > 0 and math.isfinite(sd_value)):
            raise DataError(f"sd: expected a positive number, got {sd!r}")
        method = "t" if method == "auto" else method
        check_choice("method", method, ("auto", *_MEAN_METHODS))
        if relative and baseline is None:
            raise DataError("baseline: a relative mde for means needs the control mean baseline=")
        base = None if baseline is None else float(baseline)
        design.update(kind="mean", method=method, baseline=base, sd=sd_value)

        def power_of(n1: float, delta: float) -> float:
            return _mean_power(delta / sd_value, n1, ratio, alpha, alternative, method)

        design["effect_bounds"] = (-math.inf, math.inf)
    if mde is not None:
        design["mde"] = _absolute_effect(mde, design, relative=relative, alternative=alternative)
    return design, power_of


def _absolute_effect(
    mde: float, design: dict[str, Any], *, relative: bool, alternative: str
) -> float:
    try:
        value = float(mde)
    except (TypeError, ValueError):
        raise DataError(f"mde: expected a non-zero number, got {mde!r}") from None
    if not math.isfinite(value) or value == 0:
        raise DataError(f"mde: expected a non-zero finite number, got {mde!r}")
    if relative:
        if not design["baseline"]:
            raise DataError("mde: a relative mde needs a non-zero baseline")
        value *= design["baseline"]
    if alternative == "smaller" and value > 0:
        value = -value  # the test looks for a decrease: the effect to detect is negative
    low, high = design["effect_bounds"]
    if not low < value < high:
        rate = design["baseline"] + value
        raise DataError(
            f"mde: the treatment rate baseline + mde = {rate:.4g} must lie strictly between 0 "
            f"and 1 (got mde={mde!r}{' relative' if relative else ''})"
        )
    return value


def _solve_n(power_of_n: Callable[[float], float], target: float) -> float:
    from scipy import optimize

    low = 2.0
    if power_of_n(low) >= target:
        return low
    high = 16.0
    while power_of_n(high) < target:
        high *= 4
        if high > _MAX_N:
            raise DataError(
                "power: the target power cannot be reached with fewer than 10^12 customers "
                "per arm; check mde and alternative (is the effect in the tested direction?)"
            )
    return float(optimize.brentq(lambda n: power_of_n(n) - target, low, high, xtol=1e-6))


def sample_size(
    *,
    mde: float,
    baseline: float | None = None,
    sd: float | None = None,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    alternative: Alternative = "two-sided",
    method: str = "auto",
) -> PowerAnalysis:
    """Customers needed per arm to detect an effect of size ``mde``.

    Parameters
    ----------
    mde : float
        Minimum detectable effect, treatment minus control: an absolute change in conversion
        rate (0.02 = two points) or in the mean; a fraction of ``baseline`` when
        ``relative=True`` (0.1 = a 10 % lift).
    baseline : float, optional
        Control conversion rate (conversion tests) or control mean (needed only for a relative
        ``mde`` on means).
    sd : float, optional
        Standard deviation of the outcome per customer; giving it makes this a test of means.
    relative : bool, default False
        Read ``mde`` as a fraction of ``baseline``.
    alpha : float, default 0.05
        Significance level.
    power : float, default 0.8
        Probability of detecting the effect when it is ``mde``.
    ratio : float, default 1.0
        Treatment size divided by control size.
    alternative : {"two-sided", "larger", "smaller"}, default "two-sided"
        Direction of the test.
    method : str, default "auto"
        Conversion: ``"pooled"`` (default; pooled variance under the null, unpooled under the
        alternative, Fleiss, Levin & Paik 2003, as statsmodels' ``power_proportions_2indep``),
        ``"baseline"`` (both arms at the baseline rate under the null, as Evan Miller's
        calculator) or ``"arcsine"`` (Cohen's h, as statsmodels' ``NormalIndPower``).
        Means: ``"t"`` (default; non-central t, as statsmodels' ``TTestIndPower``) or ``"z"``
        (normal approximation; n ≈ 16σ²/δ² per arm at alpha 0.05 and 80 % power).

    Returns
    -------
    PowerAnalysis
        ``n_control``, ``n_treatment``, ``n_total`` (rounded up), ``.table``, ``.summary()``,
        ``.plot()`` (power curve).

    Raises
    ------
    cjlib.DataError
        If a parameter is outside its allowed range (the message names it).

    Examples
    --------
    >>> from cjlib.action import sample_size
    >>> sample_size(baseline=0.20, mde=0.05).n_control
    1094
    >>> sample_size(sd=1.0, mde=0.5).n_control  # Cohen (1988): d = 0.5 needs 64 per group
    64
    """
    target = check_probability("power", power)
    design, power_of = _design(
        mde=mde,
        baseline=baseline,
        sd=sd,
        relative=relative,
        alpha=alpha,
        ratio=ratio,
        alternative=alternative,
        method=method,
    )
    delta = design["mde"]
    n_exact = _solve_n(lambda n: power_of(n, delta), target)
    design.update(power=target, n_control_exact=n_exact)
    return PowerAnalysis(design=design, power_of_n=lambda n: power_of(n, delta))


def power(
    *,
    n: float,
    mde: float,
    baseline: float | None = None,
    sd: float | None = None,
    relative: bool = False,
    alpha: float = 0.05,
    ratio: float = 1.0,
    alternative: Alternative = "two-sided",
    method: str = "auto",
) -> PowerAnalysis:
    """Power of a test with ``n`` customers in control (and ``ratio * n`` in treatment).

    Parameters are those of :func:`sample_size`, with ``n`` (control size, at least 2) in place
    of ``power``.

    Returns
    -------
    PowerAnalysis
        ``.power`` holds the probability of a significant result when the effect is ``mde``.

    Examples
    --------
    >>> from cjlib.action import power
    >>> round(power(n=1000, baseline=0.20, mde=0.05).power, 3)
    0.764
    """
    n_value = _check_n(n)
    design, power_of = _design(
        mde=mde,
        baseline=baseline,
        sd=sd,
        relative=relative,
        alpha=alpha,
        ratio=ratio,
        alternative=alternative,
        method=method,
    )
    delta = design["mde"]
    design.update(power=power_of(n_value, delta), n_control_exact=n_value)
    return PowerAnalysis(design=design, power_of_n=lambda m: power_of(m, delta))


def minimum_detectable_effect(
    *,
    n: float,
    baseline: float | None = None,
    sd: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    alternative: Alternative = "two-sided",
    method: str = "auto",
) -> PowerAnalysis:
    """Smallest effect detectable with ``power`` given ``n`` customers in control.

    Parameters are those of :func:`sample_size`, with ``n`` (control size) in place of
    ``mde``. The effect is an increase unless ``alternative="smaller"``.

    Returns
    -------
    PowerAnalysis
        ``.mde`` holds the absolute effect (``.table`` also shows it relative to ``baseline``).

    Examples
    --------
    >>> from cjlib.action import minimum_detectable_effect
    >>> round(minimum_detectable_effect(n=1094, baseline=0.20).mde, 3)
    0.05
    """
    from scipy import optimize

    n_value = _check_n(n)
    target = check_probability("power", power)
    design, power_of = _design(
        mde=None,
        baseline=baseline,
        sd=sd,
        relative=False,
        alpha=alpha,
        ratio=ratio,
        alternative=alternative,
        method=method,
    )
    sign = -1.0 if alternative == "smaller" else 1.0
    low, high = design["effect_bounds"]
    limit = (-low if sign < 0 else high) * (1 - 1e-9)
    if not math.isfinite(limit):
        limit = design["sd"]
        while power_of(n_value, sign * limit) < target:
            limit *= 4.0
    elif power_of(n_value, sign * limit) < target:
        raise DataError(
            f"n: with {n_value:g} customers in control no possible change of the baseline rate "
            f"reaches power {target:g}; increase n"
        )
    effect = optimize.brentq(
        lambda d: power_of(n_value, sign * d) - target, 1e-12, limit, xtol=1e-12
    )
    design.update(mde=sign * float(effect), power=target, n_control_exact=n_value)
    delta = design["mde"]
    return PowerAnalysis(design=design, power_of_n=lambda m: power_of(m, delta))


def _check_n(n: float) -> float:
    try:
        value = float(n)
    except (TypeError, ValueError):
        raise DataError(f"n: expected a number of customers (at least 2), got {n!r}") from None
    if not (value >= 2 and math.isfinite(value)):
        raise DataError(f"n: expected a number of customers (at least 2), got {n!r}")
    return value
