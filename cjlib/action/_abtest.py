"""Randomised A/B(/n) tests of conversion or revenue, each variant against a control.

Examples
--------
>>> import pandas as pd
>>> from cjlib.action import ab_test
>>> data = pd.DataFrame({
...     "variant": ["control"] * 1000 + ["new_onboarding"] * 1000,
...     "converted": [1] * 200 + [0] * 800 + [1] * 250 + [0] * 750,
... })
>>> res = ab_test(data, variant_col="variant", outcome_col="converted")
>>> float(round(res.table.loc[0, "difference"], 3)), res.table.loc[0, "test"]
(0.05, 'z')
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from cjlib.action import _intervals as iv
from cjlib.action._inputs import as_frame, check_choice, check_probability, require_columns
from cjlib.action._result import ActionResult
from cjlib.action._warnings import SampleRatioMismatchWarning
from cjlib.errors import DataError
from cjlib.stats._intervals import newcombe_diff_ci

__all__ = ["ABTestResult", "ab_test"]

_CONTROL_NAMES = ("control", "ctrl", "baseline", "a")


class ABTestResult(ActionResult):
    """Each variant compared with the control.

    Attributes
    ----------
    kind : {"conversion", "revenue"}
        What was compared.
    control : object
        The control variant.
    groups : pandas.DataFrame
        Per variant: size and conversions/rate or mean/sd/median.
    srm : dict
        Sample-ratio-mismatch check: observed and expected counts, chi-square statistic, p.
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        kind: str,
        control: Any,
        groups: pd.DataFrame,
        srm: dict[str, Any],
        alpha: float,
        outcome: str,
        info: dict[str, Any],
        warnings: list[str],
    ) -> None:
        self.kind = kind
        self.control = control
        self.alpha = alpha
        self.outcome = outcome
        self._groups = groups.copy()
        self.srm = srm
        super().__init__(
            table, title=f"A/B test of {outcome!r} ({kind})", info=info, warnings=warnings
        )

    @property
    def groups(self) -> pd.DataFrame:
        """Per-variant descriptive figures (a copy)."""
        return self._groups.copy()

    def _notes(self) -> list[str]:
        notes = []
        pct = self.kind == "conversion"
        for row in self._table.itertuples(index=False):
            diff = f"{row.difference * 100:+.2f} points" if pct else f"{row.difference:+.4g}"
            low = f"{row.ci_low * 100:+.2f}" if pct else f"{row.ci_low:+.4g}"
            high = f"{row.ci_high * 100:+.2f}" if pct else f"{row.ci_high:+.4g}"
            verdict = "significant" if row.significant else "not significant"
            lift = "" if math.isnan(row.relative_lift) else f", {row.relative_lift:+.1%} relative"
            notes.append(
                f"{row.variant} vs {self.control}: {diff}{lift} "
                f"({1 - self.alpha:.0%} CI {low} to {high}); adjusted p = {row.p_adjusted:.3g}, "
                f"{verdict} at alpha {self.alpha:g}."
            )
        return notes

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python data (JSON-serialisable)."""
        from cjlib.action._result import plain

        out = super().to_dict()
        out.update(
            kind=self.kind,
            control=plain(self.control),
            groups=plain(self._groups),
            srm=plain(self.srm),
        )
        return out

    def plot(self) -> Any:
        """Return a forest plot: each variant's difference from control with its CI."""
        from cjlib.plot._change import ab_test_figure

        return ab_test_figure(self)


def ab_test(
    table: Any,
    *,
    variant_col: str,
    outcome_col: str,
    kind: Literal["auto", "conversion", "revenue"] = "auto",
    control: Any = None,
    alpha: float = 0.05,
    test: Literal["auto", "z", "fisher"] = "auto",
    expected_ratio: Mapping[Any, float] | None = None,
    srm_alpha: float = 0.001,
    n_bootstrap: int = 2000,
    random_state: int | None = 0,
) -> ABTestResult:
    """Compare each variant of a randomised test with the control.

    Parameters
    ----------
    table : pandas.DataFrame or object with ``to_pandas()``
        One row per customer (the randomisation unit) with its variant and outcome.
    variant_col : str
        Column holding the variant each customer was assigned to.
    outcome_col : str
        Conversion (0/1 or bool) or revenue (numeric) per customer.
    kind : {"auto", "conversion", "revenue"}, default "auto"
        ``"auto"``: conversion when the outcome holds only 0/1 (or bool), revenue otherwise.
    control : object, optional
        The control variant. Default: the variant named "control", "ctrl", "baseline" or "A"
        (any case) if there is exactly one such, else the first variant in sorted order.
    alpha : float, default 0.05
        Significance level; CIs have level ``1 - alpha``.
    test : {"auto", "z", "fisher"}, default "auto"
        Conversion p-values: two-proportion z-test (pooled variance) or Fisher's exact test.
        ``"auto"`` uses Fisher when an expected cell count of the 2×2 table is below 5.
    expected_ratio : mapping, optional
        Designed share of each variant (e.g. ``{"A": 1, "B": 1}``); default equal shares.
    srm_alpha : float, default 0.001
        Sample-ratio mismatch is flagged (and warned) when the chi-square p is below this.
    n_bootstrap : int, default 2000
        Bootstrap resamples for revenue CIs (0 to skip).
    random_state : int, optional
        Seed for the bootstrap, so results are reproducible.

    Returns
    -------
    ABTestResult
        ``.table``, one row per non-control variant: sizes, control and variant figures,
        ``difference`` with ``ci_low``/``ci_high``, ``relative_lift`` with
        ``lift_ci_low``/``lift_ci_high``, ``p_value``, Holm-adjusted ``p_adjusted`` and
        ``significant``. Conversion: Newcombe hybrid-score CI for the difference and Katz
        log CI for the rate ratio. Revenue: Welch t CI and p, BCa bootstrap CIs
        (``boot_ci_low``/``boot_ci_high``; the lift CI is BCa bootstrap too) and a
        Mann–Whitney p (``p_mann_whitney``) as a distribution-free check. Also ``.groups``,
        ``.srm``.

    Raises
    ------
    cjlib.SchemaError
        If a column is missing.
    cjlib.DataError
        If values are missing or of the wrong kind, a variant has too few customers, or a
        parameter is out of range.

    Warns
    -----
    SampleRatioMismatchWarning
        When the variant sizes differ from ``expected_ratio`` beyond chance.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cjlib.action import ab_test
    >>> rng = np.random.default_rng(1)
    >>> data = pd.DataFrame({"variant": np.repeat(["A", "B"], 500),
    ...                      "revenue": rng.gamma(2.0, np.repeat([10.0, 12.0], 500))})
    >>> res = ab_test(data, variant_col="variant", outcome_col="revenue")
    >>> res.kind, res.control, bool(res.table.loc[0, "significant"])
    ('revenue', 'A', True)
    """
    frame = as_frame(table)
    require_columns(frame, {"variant_col": variant_col, "outcome_col": outcome_col})
    check_choice("kind", kind, ("auto", "conversion", "revenue"))
    check_choice("test", test, ("auto", "z", "fisher"))
    alpha = check_probability("alpha", alpha)
    srm_alpha = check_probability("srm_alpha", srm_alpha)
    if not isinstance(n_bootstrap, int | np.integer) or n_bootstrap < 0:
        raise DataError(f"n_bootstrap: expected a non-negative integer, got {n_bootstrap!r}")

    data = frame[[variant_col, outcome_col]].copy()
    data.columns = ["variant", "outcome"]
    _check_no_missing(data, variant_col, outcome_col)
    kind = _resolve_kind(data["outcome"], kind, outcome_col)
    outcome = data["outcome"].astype(float)
    variants = sorted(data["variant"].unique(), key=str)
    if len(variants) < 2:
        raise DataError(
            f"variant_col: column {variant_col!r} holds one variant ({variants!r}); "
            "an A/B test needs at least two"
        )
    control = _resolve_control(control, variants, variant_col)
    by_variant = {v: outcome[data["variant"] == v].to_numpy() for v in variants}
    for v, values in by_variant.items():
        if len(values) < 2:
            raise DataError(f"variant_col: variant {v!r} has {len(values)} customer; need >= 2")

    srm, messages = _sample_ratio_check(by_variant, expected_ratio, srm_alpha)
    groups = _groups_table(by_variant, kind)
    others = [v for v in variants if v != control]
    rng = np.random.default_rng(random_state)
    rows = [
        _compare_conversion(v, by_variant[v], control, by_variant[control], alpha, test)
        if kind == "conversion"
        else _compare_revenue(
            v, by_variant[v], control, by_variant[control], alpha, n_bootstrap, rng
        )
        for v in others
    ]
    result = pd.DataFrame(rows)
    result["p_adjusted"] = _holm(result["p_value"].to_numpy())
    result["significant"] = result["p_adjusted"] < alpha
    info = {
        "outcome": outcome_col,
        "kind": kind,
        "control": control,
        "variants": len(variants),
        "customers": len(data),
        "alpha": alpha,
        "multiplicity": "Holm" if len(others) > 1 else "none (one comparison)",
        "sample ratio p": srm["p_value"],
    }
    for message in messages:
        warnings.warn(message, SampleRatioMismatchWarning, stacklevel=2)
    return ABTestResult(
        result,
        kind=kind,
        control=control,
        groups=groups,
        srm=srm,
        alpha=alpha,
        outcome=outcome_col,
        info=info,
        warnings=messages,
    )


def _check_no_missing(data: pd.DataFrame, variant_col: str, outcome_col: str) -> None:
    for column, name in (("variant", variant_col), ("outcome", outcome_col)):
        missing = data[column].isna()
        if missing.any():
            rows = list(data.index[missing][:5])
            raise DataError(
                f"{name}: {int(missing.sum())} missing values (e.g. rows {rows}); fill them "
                "(revenue of a customer who bought nothing is 0) or drop those rows first"
            )


def _resolve_kind(outcome: pd.Series, kind: str, outcome_col: str) -> str:
    if pd.api.types.is_bool_dtype(outcome):
        binary = True
    elif pd.api.types.is_numeric_dtype(outcome):
        binary = bool(outcome.isin([0, 1]).all())
    else:
        raise DataError(
            f"outcome_col: column {outcome_col!r} has dtype {outcome.dtype}; expected numbers "
            "(0/1 or bool for conversion, amounts for revenue)"
        )
    if kind == "auto":
        return "conversion" if binary else "revenue"
    if kind == "conversion" and not binary:
        bad = outcome[~outcome.isin([0, 1])].unique()[:5].tolist()
        raise DataError(
            f"outcome_col: kind='conversion' needs 0/1 or bool values in {outcome_col!r}; "
            f"found {bad}"
        )
    return kind


def _resolve_control(control: Any, variants: list[Any], variant_col: str) -> Any:
    if control is not None:
        if control not in variants:
            raise DataError(
                f"control: {control!r} is not a value of {variant_col!r}; variants are {variants}"
            )
        return control
    named = [v for v in variants if str(v).strip().lower() in _CONTROL_NAMES]
    return named[0] if len(named) == 1 else variants[0]


def _sample_ratio_check(
    by_variant: dict[Any, np.ndarray], expected_ratio: Mapping[Any, float] | None, srm_alpha: float
) -> tuple[dict[str, Any], list[str]]:
    from scipy import stats

    variants = list(by_variant)
    observed = np.array([len(by_variant[v]) for v in variants], dtype=float)
    if expected_ratio is None:
        weights = np.ones(len(variants))
    else:
        unknown = sorted(set(map(str, expected_ratio)) - set(map(str, variants)))
        missing = [v for v in variants if v not in expected_ratio]
        if unknown or missing:
            raise DataError(
                f"expected_ratio: keys must be exactly the variants {variants}; "
                f"missing {missing}, unknown {unknown}"
            )
        weights = np.array([float(expected_ratio[v]) for v in variants])
        if not np.all(np.isfinite(weights)) or np.any(weights <= 0):
            raise DataError(
                f"expected_ratio: shares must be positive numbers, got {expected_ratio!r}"
            )
    expected = observed.sum() * weights / weights.sum()
    res = stats.chisquare(observed, expected)
    srm = {
        "observed": dict(zip(variants, observed.astype(int).tolist(), strict=True)),
        "expected": dict(zip(variants, expected.tolist(), strict=True)),
        "chi2": float(res.statistic),
        "p_value": float(res.pvalue),
        "mismatch": bool(res.pvalue < srm_alpha),
    }
    messages = []
    if srm["mismatch"]:
        messages.append(
            f"sample-ratio mismatch: variant sizes {srm['observed']} differ from the expected "
            f"split (chi-square p = {res.pvalue:.2g} < {srm_alpha:g}); check assignment and "
            "logging before trusting this test"
        )
    return srm, messages


def _groups_table(by_variant: dict[Any, np.ndarray], kind: str) -> pd.DataFrame:
    rows = []
    for v, values in by_variant.items():
        row: dict[str, Any] = {"variant": v, "n": len(values)}
        if kind == "conversion":
            row.update(conversions=int(values.sum()), rate=float(values.mean()))
        else:
            row.update(
                mean=float(values.mean()),
                sd=float(values.std(ddof=1)),
                median=float(np.median(values)),
                total=float(values.sum()),
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _compare_conversion(
    variant: Any, values: np.ndarray, control: Any, base: np.ndarray, alpha: float, test: str
) -> dict[str, Any]:
    x1, n1 = int(values.sum()), len(values)
    x2, n2 = int(base.sum()), len(base)
    p1, p2 = x1 / n1, x2 / n2
    low, high = newcombe_diff_ci(x1, n1, x2, n2, alpha)
    if test == "auto":
        total = x1 + x2
        cells = [n1 * total, n1 * (n1 + n2 - total), n2 * total, n2 * (n1 + n2 - total)]
        test = "fisher" if min(cells) / (n1 + n2) < 5 else "z"
    statistic, p_value = (iv.fisher_p if test == "fisher" else iv.z_test_p)(x1, n1, x2, n2)
    if x2 == 0:
        lift = lift_low = lift_high = math.nan
    else:
        lift = p1 / p2 - 1
        rr_low, rr_high = iv.log_ratio_interval(x1, n1, x2, n2, alpha)
        lift_low, lift_high = rr_low - 1, rr_high - 1
    return {
        "variant": variant,
        "control": control,
        "n": n1,
        "conversions": x1,
        "rate": p1,
        "control_n": n2,
        "control_conversions": x2,
        "control_rate": p2,
        "difference": p1 - p2,
        "ci_low": low,
        "ci_high": high,
        "relative_lift": lift,
        "lift_ci_low": lift_low,
        "lift_ci_high": lift_high,
        "test": test,
        "statistic": statistic,
        "p_value": p_value,
    }


def _compare_revenue(
    variant: Any,
    values: np.ndarray,
    control: Any,
    base: np.ndarray,
    alpha: float,
    n_bootstrap: int,
    rng: np.random.Generator,
) -> dict[str, Any]:
    from scipy import stats

    m1, s1, n1 = float(values.mean()), float(values.std(ddof=1)), len(values)
    m2, s2, n2 = float(base.mean()), float(base.std(ddof=1)), len(base)
    w = iv.welch(m1, s1, n1, m2, s2, n2, alpha)
    if n_bootstrap > 0:
        boot = iv.bootstrap_mean_difference(
            values, base, n_resamples=n_bootstrap, alpha=alpha, rng=rng
        )
    else:
        boot = dict.fromkeys(("diff_low", "diff_high", "lift_low", "lift_high"), math.nan)
    mw = stats.mannwhitneyu(values, base, alternative="two-sided")
    return {
        "variant": variant,
        "control": control,
        "n": n1,
        "mean": m1,
        "sd": s1,
        "control_n": n2,
        "control_mean": m2,
        "control_sd": s2,
        "difference": w["difference"],
        "ci_low": w["ci_low"],
        "ci_high": w["ci_high"],
        "boot_ci_low": boot["diff_low"],
        "boot_ci_high": boot["diff_high"],
        "relative_lift": m1 / m2 - 1 if m2 != 0 else math.nan,
        "lift_ci_low": boot["lift_low"],
        "lift_ci_high": boot["lift_high"],
        "test": "welch",
        "statistic": w["t"],
        "df": w["df"],
        "p_value": w["p_value"],
        "p_mann_whitney": float(mw.pvalue),
    }


def _holm(p_values: np.ndarray) -> np.ndarray:
    """Holm step-down adjusted p-values (Holm 1979); NaN stays NaN."""
    adjusted = np.full(len(p_values), np.nan)
    ok = ~np.isnan(p_values)
    p = p_values[ok]
    m = len(p)
    order = np.argsort(p)
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(stepped, 1.0)
    adjusted[ok] = out
    return adjusted
