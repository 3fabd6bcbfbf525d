"""``drivers``: key-driver analysis with standardised coefficients and relative importance."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from math import factorial
from typing import Any, Literal

import numpy as np
import pandas as pd

from cjlib.errors import DataError
from cjlib.stats._checks import (
    as_names,
    check_choice,
    check_probability,
    numeric_values,
    require_columns,
    require_frame,
)
from cjlib.stats._result import StatsResult

__all__ = ["DriversResult", "drivers"]

_MAX_SHAPLEY = 12


class DriversResult(StatsResult):
    """Result of :func:`drivers`: ``.table`` indexed by driver with ``std_coef`` (beta
    weight) and ``importance`` (its share of R²), each with bootstrap CIs, and ``rank``."""

    def plot(self) -> Any:
        """Horizontal bars of relative importance with bootstrap intervals."""
        import plotly.graph_objects as go

        from cjlib.plot._style import PALETTE, apply_base_layout

        t = self._table.sort_values("importance")
        fig = go.Figure(
            go.Bar(
                x=t["importance_share"] * 100,
                y=t.index.astype(str),
                orientation="h",
                marker_color=PALETTE[0],
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (t["importance_ci_high"] - t["importance"]) / self._r2 * 100,
                    "arrayminus": (t["importance"] - t["importance_ci_low"]) / self._r2 * 100,
                    "color": "#455a64",
                },
                hovertemplate="%{y}: %{x:.1f}% of R²<extra></extra>",
            )
        )
        fig.update_xaxes(title=f"Share of explained variance (R² = {self._r2:.3f}), %")
        fig.update_yaxes(automargin=True)
        return apply_base_layout(fig, title="Key drivers", height=max(300, 80 + 40 * len(t)))

    @property
    def _r2(self) -> float:
        return float(self._info["r_squared"]) or 1.0


def _r2_subsets(corr: np.ndarray) -> dict[int, float]:
    """R² of every subset of predictors (bit mask) from the correlation matrix."""
    p = corr.shape[0] - 1
    rxx, rxy = corr[:p, :p], corr[:p, p]
    out = {0: 0.0}
    for mask in range(1, 2**p):
        idx = [i for i in range(p) if mask >> i & 1]
        sub = rxy[idx]
        out[mask] = float(sub @ np.linalg.lstsq(rxx[np.ix_(idx, idx)], sub, rcond=None)[0])
    return out


def shapley_r2(corr: np.ndarray) -> np.ndarray:
    """Exact Shapley (LMG) decomposition of R²; the shares sum to the full R²."""
    p = corr.shape[0] - 1
    r2 = _r2_subsets(corr)
    weights = [factorial(k) * factorial(p - k - 1) / factorial(p) for k in range(p)]
    out = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            for combo in combinations(others, k):
                mask = sum(1 << i for i in combo)
                out[j] += weights[k] * (r2[mask | 1 << j] - r2[mask])
    return out


def relative_weights(corr: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights; they sum to the full R²."""
    p = corr.shape[0] - 1
    rxx, rxy = corr[:p, :p], corr[:p, p]
    values, vectors = np.linalg.eigh(rxx)
    values = np.clip(values, 1e-12, None)
    lam = vectors @ np.diag(np.sqrt(values)) @ vectors.T  # correlations of X with orthogonal Z
    beta = np.linalg.solve(lam, rxy)  # regression of y on Z
    return (lam**2) @ (beta**2)


def _analyse(data: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray, float]:
    corr = np.corrcoef(data, rowvar=False)
    p = data.shape[1] - 1
    beta = np.linalg.lstsq(corr[:p, :p], corr[:p, p], rcond=None)[0]
    importance = shapley_r2(corr) if method == "shapley" else relative_weights(corr)
    return beta, importance, float(beta @ corr[:p, p])


def drivers(
    table: pd.DataFrame,
    *,
    outcome: str,
    drivers: str | Iterable[str],
    method: Literal["auto", "shapley", "relative_weights"] = "auto",
    n_boot: int = 500,
    alpha: float = 0.05,
    seed: int | None = 0,
) -> DriversResult:
    """Which drivers (e.g. touchpoint CSAT scores) explain an outcome (NPS, churn, spend).

    Fits the linear model of the standardised outcome on the standardised drivers
    (a linear probability model for a 0/1 outcome) and splits its R² between the
    drivers, which stays meaningful when drivers are correlated, unlike the coefficients.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer (rows with a missing value are left out, with a warning).
    outcome : str
        Numeric or 0/1 outcome column.
    drivers : str or iterable of str
        Numeric driver columns (at least two).
    method : {"auto", "shapley", "relative_weights"}
        ``"shapley"``: exact Shapley/LMG decomposition (all 2^p subsets, up to 12 drivers);
        ``"relative_weights"``: Johnson's (2000) relative weights; ``"auto"`` takes Shapley
        up to 8 drivers.
    n_boot : int
        Bootstrap resamples (customers resampled) for the intervals.
    alpha : float
        1 − confidence level of the percentile intervals.
    seed : int or None
        Bootstrap seed.

    Returns
    -------
    DriversResult
        ``.table`` indexed by driver: ``std_coef`` and CI, ``importance`` (R² share, sums to
        R²) and CI, ``importance_share`` (sums to 1), ``rank``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cjlib.stats import drivers
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame(rng.normal(size=(500, 3)), columns=["csat_app", "csat_call", "csat_bill"])
    >>> df["nps"] = 2 * df.csat_app + 0.5 * df.csat_call + rng.normal(size=500)
    >>> drivers(df, outcome="nps", drivers=["csat_app", "csat_call", "csat_bill"],
    ...         n_boot=100).table["rank"].to_dict()
    {'csat_app': 1, 'csat_call': 2, 'csat_bill': 3}
    """
    require_frame(table, "table")
    names = as_names(drivers, "drivers")
    if len(names) < 2:
        raise DataError(f"drivers needs at least two columns, got {names!r}")
    if outcome in names:
        raise DataError(f"outcome {outcome!r} is also listed in drivers")
    require_columns(table, {"outcome": [outcome], "drivers": names}, "table")
    check_choice(method, "method", ["auto", "shapley", "relative_weights"])
    check_probability(alpha, "alpha")
    if method == "auto":
        method = "shapley" if len(names) <= 8 else "relative_weights"
    if method == "shapley" and len(names) > _MAX_SHAPLEY:
        raise DataError(
            f"method='shapley' supports up to {_MAX_SHAPLEY} drivers "
            f"(got {len(names)}); use method='relative_weights'"
        )
    if not isinstance(n_boot, int) or n_boot < 50:
        raise DataError(f"n_boot must be an integer >= 50, got {n_boot!r}")
    data = np.column_stack(
        [numeric_values(table[c], "drivers") for c in names]
        + [numeric_values(table[outcome], "outcome")]
    )
    keep = ~np.isnan(data).any(axis=1)
    notes = []
    if not keep.all():
        notes.append(f"{int((~keep).sum())} rows with missing values left out")
    data = data[keep]
    if len(data) < len(names) + 10:
        raise DataError(f"only {len(data)} complete rows for {len(names)} drivers")
    constant = [n for n, sd in zip([*names, outcome], data.std(axis=0), strict=True) if sd == 0]
    if constant:
        raise DataError(f"columns {constant} are constant; they cannot explain or be explained")
    beta, importance, r2 = _analyse(data, method)
    rng = np.random.default_rng(seed)
    boot_beta, boot_imp = [], []
    for _ in range(n_boot):
        sample = data[rng.integers(0, len(data), len(data))]
        if (sample.std(axis=0) == 0).any():
            continue
        b, imp, _ = _analyse(sample, method)
        boot_beta.append(b)
        boot_imp.append(imp)
    lo, hi = 100 * alpha / 2, 100 * (1 - alpha / 2)
    boot_beta_arr, boot_imp_arr = np.array(boot_beta), np.array(boot_imp)
    corr = np.corrcoef(data, rowvar=False)
    if np.abs(corr[:-1, :-1] - np.eye(len(names))).max() > 0.8:
        notes.append(
            "some drivers correlate above 0.8; coefficients are unstable, rely on "
            "the importance shares"
        )
    out = pd.DataFrame(
        {
            "std_coef": beta,
            "std_coef_ci_low": np.percentile(boot_beta_arr, lo, axis=0),
            "std_coef_ci_high": np.percentile(boot_beta_arr, hi, axis=0),
            "importance": importance,
            "importance_ci_low": np.percentile(boot_imp_arr, lo, axis=0),
            "importance_ci_high": np.percentile(boot_imp_arr, hi, axis=0),
            "importance_share": importance / importance.sum() if importance.sum() > 0 else np.nan,
            "correlation": corr[:-1, -1],
        },
        index=pd.Index(names, name="driver"),
    )
    out["rank"] = out["importance"].rank(ascending=False, method="min").astype(int)
    return DriversResult(
        out.sort_values("rank"),
        title=f"Key drivers of {outcome} ({method.replace('_', ' ')})",
        warnings=notes,
        info={
            "outcome": outcome,
            "n": len(data),
            "r_squared": r2,
            "method": method,
            "bootstrap_resamples": len(boot_beta),
        },
    )
