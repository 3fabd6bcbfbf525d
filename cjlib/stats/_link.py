"""``link``: which journey signals go with churn, revenue or CLV, one row per signal."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from cjlib.errors import DataError, DegenerateDataWarning
from cjlib.stats._checks import (
    as_names,
    binary_values,
    check_choice,
    check_probability,
    numeric_values,
    require_columns,
    require_frame,
)
from cjlib.stats._design import design_matrix
from cjlib.stats._fit import fit_logit_newton, fit_ols_hc3
from cjlib.stats._intervals import (
    bca_mean_diff_ci,
    katz_ratio_ci,
    newcombe_diff_ci,
    woolf_odds_ratio_ci,
)
from cjlib.stats._link_summary import link_summary
from cjlib.stats._multiplicity import bh_qvalues
from cjlib.stats._result import StatsResult

__all__ = ["LinkResult", "check_direction", "direction_words", "link"]


def check_direction(value: Any, name: str = "higher_is_worse") -> bool | None:
    """``value`` as the direction flag (True, False or None), or a DataError naming it."""
    if value is None or isinstance(value, bool | np.bool_):
        return None if value is None else bool(value)
    raise DataError(
        f"{name} must be True (a higher outcome is a loss, e.g. churned), False (a higher "
        f"outcome is a gain, e.g. purchased or revenue) or None (not stated); got {value!r}"
    )


def direction_words(outcome: Any, higher_is_worse: bool | None) -> str:
    """``"churned: higher is worse"``, ``"purchased: higher is better"`` or "not stated"."""
    if higher_is_worse is None:
        return f"{outcome}: direction not stated (pass higher_is_worse=True or False)"
    return f"{outcome}: higher is {'worse' if higher_is_worse else 'better'}"


_MEASURES = {
    "binary": {
        "rd": ("effect", "ci_low", "ci_high", "q", 0.0, "Risk difference (exposed − unexposed)"),
        "rr": ("rr", "rr_ci_low", "rr_ci_high", "q", 1.0, "Relative risk"),
        "or": ("or", "or_ci_low", "or_ci_high", "q", 1.0, "Odds ratio"),
        "adjusted": (
            "or_adj",
            "or_adj_ci_low",
            "or_adj_ci_high",
            "q_adj",
            1.0,
            "Adjusted odds ratio",
        ),
    },
    "continuous": {
        "diff": (
            "effect",
            "ci_low",
            "ci_high",
            "q",
            0.0,
            "Difference in means (exposed − unexposed)",
        ),
        "adjusted": (
            "effect_adj",
            "effect_adj_ci_low",
            "effect_adj_ci_high",
            "q_adj",
            0.0,
            "Adjusted difference (OLS, HC3)",
        ),
    },
}


class LinkResult(StatsResult):
    """Result of :func:`link`: ``.table`` has one row per signal (index ``signal``).

    Binary outcomes: ``effect`` is the risk difference with Newcombe's hybrid score CI,
    ``rr`` (Katz log CI), ``or`` (Woolf CI), ``p`` from Fisher's exact test when an expected
    cell count is below 5 and Pearson's chi-square otherwise, ``or_adj`` from a logistic model
    with the controls. Continuous outcomes: ``effect`` is the difference in means with a
    seeded BCa bootstrap CI, ``p`` from Welch's t-test, ``p_mannwhitney``, ``effect_adj``
    from OLS with HC3 errors. ``q`` columns are Benjamini–Hochberg q-values across signals.
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        kind: str,
        outcome: str,
        higher_is_worse: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(table, **kwargs)
        self.kind = kind
        self.outcome = outcome
        self.higher_is_worse = higher_is_worse

    @property
    def direction(self) -> str:
        """The outcome's direction in words, e.g. ``"churned: higher is worse"``."""
        return direction_words(self.outcome, self.higher_is_worse)

    def summary(self) -> str:
        """Return a report that fits 100 columns: per signal n exposed, effect with CI, q
        and the adjusted effect; every column is in :attr:`table`."""
        return link_summary(
            self._table, kind=self.kind, title=self._title, info=self._info, warnings=self._warnings
        )

    def significant(self, alpha: float = 0.05) -> pd.DataFrame:
        """Rows whose BH q-value is at most ``alpha``, strongest effect first."""
        t = self.table
        return t[t["q"] <= alpha].sort_values("p")

    def plot(self, measure: str | None = None, *, alpha: float = 0.05) -> Any:
        """Forest plot of the effects with their CIs, sorted, FDR-significant ones marked.

        Parameters
        ----------
        measure : str, optional
            Binary outcomes: ``"rd"`` (default), ``"rr"``, ``"or"`` or ``"adjusted"``;
            continuous outcomes: ``"diff"`` (default) or ``"adjusted"``.
        alpha : float
            q-value threshold for marking a signal as significant.
        """
        from cjlib.plot._forest import forest

        options = _MEASURES[self.kind]
        measure = measure or next(iter(options))
        check_choice(measure, "measure", list(options))
        eff, low, high, q, null, label = options[measure]
        return forest(
            self._table,
            effect_col=eff,
            ci_low_col=low,
            ci_high_col=high,
            q_col=q,
            alpha=alpha,
            null_value=null,
            log_x=null == 1.0,
            x_title=label,
            title=f"Signals linked to {self.outcome}",
        )


#: Notes meaning the estimate is missing or not to be trusted: also raised as Python warnings.
_DEGENERATE = ("no comparison possible", "no test possible", "separation", "did not converge")


def _exposure(series: pd.Series) -> tuple[np.ndarray, str]:
    """0/1 exposure of a signal column: binary as is, counts/amounts as ``> 0``."""
    name = str(series.name)
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float).to_numpy(), f"{name} is true"
    if not pd.api.types.is_numeric_dtype(series):
        raise DataError(
            f"signals column {name!r} has dtype {series.dtype}; signals must be bool, 0/1 "
            "or non-negative counts (exposed when > 0)"
        )
    values = numeric_values(series, "signals")
    seen = np.unique(values[~np.isnan(values)])
    if set(seen.tolist()) <= {0.0, 1.0}:
        return values, f"{name} = 1"
    if (seen < 0).any():
        raise DataError(
            f"signals column {name!r} has negative values (e.g. {seen[seen < 0][:3].tolist()}); "
            "signals must be bool, 0/1 or non-negative counts (exposed when > 0)"
        )
    exposed = np.where(np.isnan(values), np.nan, (values > 0).astype(float))
    return exposed, f"{name} > 0"


def _binary_row(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[dict[str, Any], list[str]]:
    n1, n0 = int(x.sum()), int(len(x) - x.sum())
    a, c = float(y[x == 1].sum()), float(y[x == 0].sum())
    row: dict[str, Any] = {
        "n_exposed": n1,
        "n_unexposed": n0,
        "events_exposed": int(a),
        "events_unexposed": int(c),
        "rate_exposed": a / n1 if n1 else np.nan,
        "rate_unexposed": c / n0 if n0 else np.nan,
    }
    notes: list[str] = []
    if n1 == 0 or n0 == 0 or a + c == 0 or a + c == n1 + n0:
        row.update(effect=np.nan, ci_low=np.nan, ci_high=np.nan, p=np.nan, test="none")
        if n1 == 0 or n0 == 0:
            exposed = "all" if n0 == 0 else "no"
            reason = f"no variation in the signal ({exposed} customers exposed)"
        else:
            reason = f"no variation in the outcome ({int(a + c > 0)} for all {n1 + n0} customers)"
        notes.append(f"{reason}; no comparison possible")
        return row, notes
    row["effect"] = row["rate_exposed"] - row["rate_unexposed"]
    row["ci_low"], row["ci_high"] = newcombe_diff_ci(a, n1, c, n0, alpha)
    rr, rr_lo, rr_hi, corrected = katz_ratio_ci(a, n1, c, n0, alpha)
    odds, or_lo, or_hi, _ = woolf_odds_ratio_ci(a, n1, c, n0, alpha)
    row.update(
        rr=rr, rr_ci_low=rr_lo, rr_ci_high=rr_hi, **{"or": odds}, or_ci_low=or_lo, or_ci_high=or_hi
    )
    if corrected:
        notes.append("an empty 2x2 cell: RR and OR use the 0.5 (Haldane–Anscombe) correction")
    cells = np.array([[a, n1 - a], [c, n0 - c]])
    expected = cells.sum(1, keepdims=True) * cells.sum(0, keepdims=True) / cells.sum()
    if expected.min() < 5:
        row["p"] = float(stats.fisher_exact(cells).pvalue)
        row["test"] = "fisher"
    else:
        row["p"] = float(stats.chi2_contingency(cells, correction=False).pvalue)
        row["test"] = "chi2"
    return row, notes


def _continuous_row(
    x: np.ndarray, y: np.ndarray, alpha: float, n_boot: int, rng: np.random.Generator
) -> tuple[dict[str, Any], list[str]]:
    y1, y0 = y[x == 1], y[x == 0]
    row: dict[str, Any] = {
        "n_exposed": len(y1),
        "n_unexposed": len(y0),
        "mean_exposed": y1.mean() if len(y1) else np.nan,
        "mean_unexposed": y0.mean() if len(y0) else np.nan,
        "median_exposed": np.median(y1) if len(y1) else np.nan,
        "median_unexposed": np.median(y0) if len(y0) else np.nan,
    }
    if len(y1) < 2 or len(y0) < 2:
        row.update(effect=np.nan, ci_low=np.nan, ci_high=np.nan, p=np.nan)
        return row, ["fewer than 2 customers in a group; no comparison possible"]
    row["effect"] = y1.mean() - y0.mean()
    if np.ptp(y) == 0:
        row.update(ci_low=row["effect"], ci_high=row["effect"], p=np.nan)
        return row, ["the outcome is constant; no test possible"]
    welch = stats.ttest_ind(y1, y0, equal_var=False)
    welch_ci = welch.confidence_interval(1 - alpha)
    row["ci_low"], row["ci_high"] = bca_mean_diff_ci(y1, y0, alpha=alpha, n_boot=n_boot, rng=rng)
    mw = stats.mannwhitneyu(y1, y0, alternative="two-sided")
    row.update(
        welch_ci_low=float(welch_ci.low),
        welch_ci_high=float(welch_ci.high),
        p=float(welch.pvalue),
        p_mannwhitney=float(mw.pvalue),
        prob_superiority=float(mw.statistic) / (len(y1) * len(y0)),
    )
    return row, []


def _adjusted(
    kind: str, x: np.ndarray, y: np.ndarray, controls: pd.DataFrame, signal: str, alpha: float
) -> tuple[dict[str, float], list[str]]:
    X = controls.copy()
    X.insert(0, signal, x)
    if kind == "binary":
        result, notes = fit_logit_newton(y, X, f"{signal} (adjusted)")
        if result is None:
            return {}, notes
        coef, se = float(result.params[signal]), float(result.bse[signal])
        z = stats.norm.ppf(1 - alpha / 2)
        with np.errstate(over="ignore"):  # separated fits: an infinite bound is the truth
            return {
                "or_adj": np.exp(coef),
                "or_adj_ci_low": np.exp(coef - z * se),
                "or_adj_ci_high": np.exp(coef + z * se),
                "p_adj": float(result.pvalues[signal]),
            }, notes
    result, notes = fit_ols_hc3(y, X, f"{signal} (adjusted)")
    if result is None:
        return {}, notes
    low, high = result.conf_int(alpha).loc[signal]
    return {
        "effect_adj": float(result.params[signal]),
        "effect_adj_ci_low": float(low),
        "effect_adj_ci_high": float(high),
        "p_adj": float(result.pvalues[signal]),
    }, notes


def link(
    table: pd.DataFrame,
    *,
    outcome: str,
    signals: str | Iterable[str],
    controls: Sequence[str] = (),
    kind: Literal["auto", "binary", "continuous"] = "auto",
    higher_is_worse: bool | None = None,
    alpha: float = 0.05,
    min_group_size: int = 10,
    n_boot: int = 2000,
    seed: int | None = 0,
) -> LinkResult:
    """Compare customers exposed and not exposed to each journey signal on one outcome.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer: the outcome, the signal columns and the controls.
    outcome : str
        Outcome column: binary (bool or 0/1, e.g. ``churned``) or continuous (``revenue``).
    signals : str or iterable of str
        Signal columns. Bool/0-1 columns are exposures as they are; non-negative counts
        or amounts count as exposed when ``> 0`` (the ``definition`` column says which).
    controls : sequence of str
        Columns adjusted for in the model-based estimate (numeric, bool or categorical).
    kind : {"auto", "binary", "continuous"}
        Outcome type; ``"auto"`` picks binary for bool or 0/1 outcomes.
    higher_is_worse : bool, optional
        The outcome's direction: True when a higher value is a loss (``churned``), False
        when it is a gain (``purchased``, ``revenue``). The link itself does not depend on it
        (effects are always exposed − unexposed); it is carried on the result, named in the
        summary (``"churned: higher is worse"``) and read by
        :func:`cjlib.action.moments_that_matter`, which needs it to tell harm from benefit.
    alpha : float
        1 − confidence level of every interval.
    min_group_size : int
        Groups smaller than this get a warning (estimates still reported).
    n_boot : int
        Bootstrap resamples for the continuous-outcome interval.
    seed : int or None
        Seed of the bootstrap; the same seed gives the same intervals.

    Returns
    -------
    LinkResult
        ``.table`` indexed by signal with at least ``effect``, ``ci_low``, ``ci_high``,
        ``p``, ``q``, ``n_exposed`` and a ``warning`` column; ``.warnings`` lists every
        problem met (tiny groups, separation, non-convergence).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cjlib.stats import link
    >>> rng = np.random.default_rng(1)
    >>> called = rng.random(2000) < 0.3
    >>> churned = rng.random(2000) < np.where(called, 0.30, 0.15)
    >>> df = pd.DataFrame({"called_support": called, "churned": churned})
    >>> res = link(df, outcome="churned", signals=["called_support"], higher_is_worse=True)
    >>> row = res.table.loc["called_support"]
    >>> bool(row["ci_low"] < 0.15 < row["ci_high"])
    True
    >>> res.direction
    'churned: higher is worse'
    """
    require_frame(table, "table")
    if not isinstance(outcome, str):
        raise DataError(f"outcome must be a column name (str), got {outcome!r}")
    signal_names = as_names(signals, "signals")
    control_names = as_names(controls, "controls")
    if not signal_names:
        raise DataError("signals is empty: name at least one signal column")
    require_columns(
        table, {"outcome": [outcome], "signals": signal_names, "controls": control_names}, "table"
    )
    clash = ({outcome} | set(control_names)) & set(signal_names)
    if clash or outcome in control_names:
        raise DataError(
            f"a column cannot be both outcome/control and signal: {sorted(clash or {outcome})}"
        )
    check_choice(kind, "kind", ["auto", "binary", "continuous"])
    higher_is_worse = check_direction(higher_is_worse)
    check_probability(alpha, "alpha")
    if not isinstance(n_boot, int) or n_boot < 100:
        raise DataError(f"n_boot must be an integer >= 100, got {n_boot!r}")

    if kind == "auto":
        values = (
            pd.to_numeric(table[outcome], errors="coerce").dropna()
            if not pd.api.types.is_bool_dtype(table[outcome])
            else table[outcome]
        )
        kind = "binary" if set(pd.unique(values.astype(float))) <= {0.0, 1.0} else "continuous"
    y_all = (binary_values if kind == "binary" else numeric_values)(table[outcome], "outcome")
    controls_matrix = design_matrix(table, control_names, "controls")
    rng = np.random.default_rng(seed)

    rows, all_notes = [], []
    for signal in signal_names:
        x_all, definition = _exposure(table[signal])
        keep = ~np.isnan(x_all) & ~np.isnan(y_all) & ~controls_matrix.isna().any(axis=1).to_numpy()
        x, y = x_all[keep], y_all[keep]
        if kind == "binary":
            row, notes = _binary_row(x, y, alpha)
        else:
            row, notes = _continuous_row(x, y, alpha, n_boot, rng)
        if 0 < min(row["n_exposed"], row["n_unexposed"]) < min_group_size:
            notes.append(
                f"tiny group: {min(row['n_exposed'], row['n_unexposed'])} customers "
                f"(< min_group_size={min_group_size})"
            )
        if np.isfinite(row.get("p", np.nan)):
            adjusted, adj_notes = _adjusted(
                kind, x, y, controls_matrix[keep].reset_index(drop=True), signal, alpha
            )
            row.update(adjusted)
            notes += adj_notes
        dropped = int((~keep).sum())
        if dropped:
            notes.append(f"{dropped} rows with missing values left out")
        row["signal"] = signal
        row["definition"] = definition
        row["warning"] = "; ".join(notes)
        named = [f"{signal}: {n}" if not n.startswith(signal) else n for n in notes]
        all_notes += named
        for note in named:
            if any(marker in note for marker in _DEGENERATE):
                warnings.warn(f"link({outcome!r}): {note}", DegenerateDataWarning, stacklevel=2)
        rows.append(row)

    out = pd.DataFrame(rows).set_index("signal")
    out["q"] = bh_qvalues(out["p"])
    if "p_adj" in out:
        out["q_adj"] = bh_qvalues(out["p_adj"])
    if "p_mannwhitney" in out:
        out["q_mannwhitney"] = bh_qvalues(out["p_mannwhitney"])
    front = ["definition", "n_exposed", "n_unexposed", "effect", "ci_low", "ci_high", "p", "q"]
    out = out[front + [c for c in out.columns if c not in front and c != "warning"] + ["warning"]]
    return LinkResult(
        out,
        kind=kind,
        outcome=outcome,
        higher_is_worse=higher_is_worse,
        title=f"Signals linked to {outcome} ({kind} outcome, {len(signal_names)} signals)",
        warnings=all_notes,
        info={
            "outcome": outcome,
            "direction": direction_words(outcome, higher_is_worse),
            "kind": kind,
            "n": len(table),
            "controls": control_names,
            "alpha": alpha,
            "bootstrap_resamples": n_boot if kind == "continuous" else 0,
        },
    )
