"""Did the change work? Before/after of a journey KPI around a change date.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from cjlib.action import evaluate_change
>>> weeks = pd.date_range("2025-01-06", periods=40, freq="W-MON")
>>> rng = np.random.default_rng(3)
>>> kpi = 0.30 + 0.001 * np.arange(40) + 0.05 * (weeks >= "2025-06-02") + rng.normal(0, 0.01, 40)
>>> res = evaluate_change(pd.DataFrame({"week": weeks, "retention": kpi}),
...                       metric_col="retention", time_col="week", change_date="2025-06-02")
>>> res.method, round(res.estimate, 2)
('its', 0.05)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from cjlib.action._inputs import as_frame, check_choice, check_probability, require_columns
from cjlib.action._result import ActionResult, plain
from cjlib.action._serial import ERRORS
from cjlib.action._warnings import PreTrendWarning
from cjlib.errors import DataError, DataWarning, DegenerateDataWarning

__all__ = ["ChangeEvaluation", "evaluate_change"]

_AGGREGATIONS = ("mean", "sum", "median")
_SHORT_SERIES = 40


class ChangeEvaluation(ActionResult):
    """The estimated effect of a change on a KPI.

    Attributes
    ----------
    method : {"its", "did"}
        Interrupted time series or difference-in-differences.
    metric : str
        The KPI column.
    change_date : pandas.Timestamp
        The date of the change; the period containing it is the first post period.
    estimate, ci_low, ci_high, p_value : float
        The headline effect: the average post-period effect (ITS) or the DiD effect.
    series : pandas.DataFrame
        Per period and series: ``observed``, ``fitted``, ``counterfactual`` with its band,
        ``post`` and ``n_obs`` (rows aggregated into the period); what ``.plot()`` draws.
    pre_trend : dict
        DiD only: the pre-period slope difference (per period) between treated and comparison
        and its p-value; empty for ITS.
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        method: str,
        metric: str,
        change_date: pd.Timestamp,
        freq: str,
        series: pd.DataFrame,
        pre_trend: dict[str, float],
        alpha: float,
        info: dict[str, Any],
        warnings: Sequence[str],
    ) -> None:
        self.method = method
        self.metric = metric
        self.change_date = change_date
        self.freq = freq
        self.alpha = alpha
        self._series = series.copy()
        self.pre_trend = dict(pre_trend)
        headline = table.iloc[-1] if method == "its" else table.iloc[0]
        self.estimate = float(headline["estimate"])
        self.ci_low = float(headline["ci_low"])
        self.ci_high = float(headline["ci_high"])
        self.p_value = float(headline["p_value"])
        label = "interrupted time series" if method == "its" else "difference-in-differences"
        super().__init__(
            table,
            title=f"Effect of the change on {date_label(change_date)} on {metric!r} ({label})",
            info=info,
            warnings=warnings,
        )

    @property
    def series(self) -> pd.DataFrame:
        """Observed, fitted and counterfactual values per period (a copy)."""
        return self._series.copy()

    def _notes(self) -> list[str]:
        verdict = "significant" if self.p_value < self.alpha else "not significant"
        what = "average post-period effect" if self.method == "its" else "DiD effect"
        return [
            f"The {what} on {self.metric!r} is {self.estimate:+.4g} "
            f"({1 - self.alpha:.0%} CI {self.ci_low:+.4g} to {self.ci_high:+.4g}, "
            f"p = {self.p_value:.3g}): {verdict} at alpha {self.alpha:g}.",
            "This is a causal effect only under the design's assumption: "
            + (
                "the pre-change trend (and seasonality) would have continued unchanged, with "
                "nothing else happening at the change date."
                if self.method == "its"
                else "treated and comparison groups would have kept moving in parallel."
            ),
        ]

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python data (JSON-serialisable)."""
        out = super().to_dict()
        out.update(
            method=self.method,
            metric=self.metric,
            change_date=plain(self.change_date),
            estimate=self.estimate,
            ci_low=self.ci_low,
            ci_high=self.ci_high,
            p_value=self.p_value,
            pre_trend=plain(self.pre_trend),
            series=plain(self._series),
        )
        return out

    def plot(self) -> Any:
        """Return the observed series, the fitted counterfactual (with band) and the change line."""
        from cjlib.plot._change import change_figure

        return change_figure(self)


def date_label(moment: pd.Timestamp) -> str:
    """Show a timestamp as a date when it has no time of day."""
    return moment.date().isoformat() if moment == moment.normalize() else moment.isoformat()


def evaluate_change(
    table: Any,
    *,
    metric_col: str,
    time_col: str,
    change_date: Any,
    group_col: str | None = None,
    treated: Any = None,
    unit_col: str | None = None,
    freq: str = "W",
    agg: Literal["mean", "sum", "median"] = "mean",
    method: Literal["auto", "its", "did"] = "auto",
    seasonality: int | None = None,
    harmonics: int | None = None,
    errors: Literal["ar1", "newey-west", "ols"] = "ar1",
    hac_lags: int | None = None,
    alpha: float = 0.05,
    pre_trend_alpha: float = 0.05,
) -> ChangeEvaluation:
    """Estimate the effect of a change (a new process, a redesigned touchpoint) on a KPI.

    Without a comparison segment the estimate is an interrupted time series: a segmented
    regression with a level change and a slope change at the change date, standard errors
    that allow for autocorrelation (AR(1) or Newey–West HAC) and optional Fourier
    seasonality. With a comparison segment it is a difference-in-differences with two-way
    fixed effects (group/unit and period), with a pre-trend check that warns when parallel
    trends look violated.

    Parameters
    ----------
    table : pandas.DataFrame or object with ``to_pandas()``
        Either a per-period KPI table (one row per period, and per group for DiD) or
        unit-level rows (customers, sessions, stores...) that are aggregated by period with
        ``agg``.
    metric_col : str
        The KPI column (numeric; a 0/1 column aggregated with ``"mean"`` gives a rate).
    time_col : str
        Dates or timestamps (or strings pandas can parse).
    change_date : str, date or Timestamp
        When the change went live. The period containing it is the first post period.
    group_col : str, optional
        Segment column; with ``treated`` it makes the comparison segment for DiD. Without
        ``unit_col``, each side's series is the equal-weighted mean of its groups' series.
    treated : object or sequence, optional
        Value(s) of ``group_col`` that received the change; every other value is comparison.
    unit_col : str, optional
        Unit identifier (e.g. ``"customer_id"``). DiD then fits a unit × period panel with
        cluster-robust standard errors by unit. Ignored by ITS, which aggregates by period.
    freq : str, default "W"
        Period length as a pandas period alias ("D", "W", "M", "Q"...).
    agg : {"mean", "sum", "median"}, default "mean"
        How rows falling in the same period (and group or unit) are combined. A period
        without rows is missing, not zero: fill empty periods first when summing counts.
    method : {"auto", "its", "did"}, default "auto"
        ``"auto"``: DiD when ``group_col`` is given, ITS otherwise.
    seasonality : int, optional
        ITS only: season length in periods (52 for yearly with weekly data, 7 for weekdays
        with daily data); adds Fourier terms.
    harmonics : int, optional
        Number of Fourier harmonics; default ``min(seasonality // 2, 3)``.
    errors : {"ar1", "newey-west", "ols"}, default "ar1"
        Standard errors of the period-series regressions (ITS, and DiD without ``unit_col``);
        the estimates are least squares in every case. ``"ar1"``: the OLS covariance under
        AR(1) errors (ρ from the residuals, Marriott–Pope bias-corrected); ``"newey-west"``:
        HAC; ``"ols"``: independent errors. AR(1) is the default because it kept the
        false-positive rate closest to nominal in simulations of short KPI series, where
        Newey–West intervals are too narrow (ADR 0006). Unit-level DiD clusters by unit.
    hac_lags : int, optional
        Newey–West lags (``errors="newey-west"`` only); default ``floor(4 (T/100)^(2/9))``
        (Newey & West 1994).
    alpha : float, default 0.05
        Significance level; CIs have level ``1 - alpha``.
    pre_trend_alpha : float, default 0.05
        DiD: warn (``PreTrendWarning``) when the pre-period slope difference has p below this.

    Returns
    -------
    ChangeEvaluation
        ``.table`` (ITS: level change, slope change and average post-period effect; DiD: the
        treatment effect; each with ``estimate``, ``std_error``, ``ci_low``, ``ci_high``,
        ``p_value`` and ``relative`` to the counterfactual mean), ``.estimate``, ``.series``,
        ``.pre_trend``, ``.summary()``, ``.plot()``.

    Raises
    ------
    cjlib.SchemaError
        If a named column is missing.
    cjlib.DataError
        If values have the wrong type, the change date leaves too few periods on either side,
        ``treated`` is not a value of ``group_col``, or a parameter is out of range.

    Warns
    -----
    PreTrendWarning
        DiD: treated and comparison trends differed before the change.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cjlib.action import evaluate_change
    >>> weeks = pd.date_range("2025-01-06", periods=30, freq="W-MON")
    >>> rng = np.random.default_rng(1)
    >>> rows = pd.DataFrame({
    ...     "week": np.tile(weeks, 2),
    ...     "region": np.repeat(["north", "south"], 30),
    ...     "nps": 30 + rng.normal(0, 1, 60) + np.tile(np.arange(30) * 0.2, 2),
    ... })
    >>> rows.loc[(rows.region == "north") & (rows.week >= "2025-05-05"), "nps"] += 5
    >>> res = evaluate_change(rows, metric_col="nps", time_col="week", change_date="2025-05-05",
    ...                       group_col="region", treated="north")
    >>> res.method, bool(res.ci_low < 5 < res.ci_high)
    ('did', True)
    """
    frame = as_frame(table)
    require_columns(
        frame,
        {
            "metric_col": metric_col,
            "time_col": time_col,
            "group_col": group_col,
            "unit_col": unit_col,
        },
    )
    check_choice("method", method, ("auto", "its", "did"))
    check_choice("agg", agg, _AGGREGATIONS)
    alpha = check_probability("alpha", alpha)
    pre_trend_alpha = check_probability("pre_trend_alpha", pre_trend_alpha)
    resolved = ("did" if group_col is not None else "its") if method == "auto" else method
    check_choice("errors", errors, ERRORS)
    _check_options(resolved, group_col, treated, seasonality, harmonics, hac_lags)
    if hac_lags is not None and errors != "newey-west":
        raise DataError(f"hac_lags: used only with errors='newey-west' (got errors={errors!r})")

    columns = [c for c in (time_col, metric_col, group_col, unit_col) if c is not None]
    data = frame[list(dict.fromkeys(columns))].copy()
    notes: list[str] = []
    times = _as_naive_times(data[time_col], time_col)
    change = _as_naive_time(change_date)
    metric = _as_numeric(data[metric_col], metric_col)
    keep = metric.notna() & times.notna()
    if not keep.all():
        missing_time, missing_metric = int(times.isna().sum()), int(metric.isna().sum())
        message = (
            f"{int((~keep).sum())} rows with a missing {metric_col!r} or {time_col!r} were left "
            f"out ({missing_time} with a missing or unparsable {time_col!r} (NaT), "
            f"{missing_metric} with a missing {metric_col!r}; e.g. rows "
            f"{data.index[~keep][:3].tolist()})"
        )
        warnings.warn(f"evaluate_change: {message}", DataWarning, stacklevel=2)
        notes.append(message)
    kept = metric[keep]
    if len(kept) and kept.nunique() == 1:
        message = (
            f"{metric_col!r} is constant ({kept.iloc[0]:g} in all {len(kept)} rows): there "
            "is no variation to attribute to the change; the effect is 0 by construction "
            "and its interval and p-value are meaningless"
        )
        warnings.warn(f"evaluate_change: {message}", DegenerateDataWarning, stacklevel=2)
        notes.append(message)
    periods = _to_periods(times[keep], freq)
    change_period = _to_periods(pd.Series([change]), freq).iloc[0]
    work = pd.DataFrame(
        {
            "period": periods.to_numpy(),
            "t": pd.PeriodIndex(periods).asi8 - change_period.ordinal,
            "y": metric[keep].to_numpy(dtype=float),
        }
    )
    if group_col is not None:
        work["group"] = data.loc[keep, group_col].to_numpy()
    if unit_col is not None:
        work["unit"] = data.loc[keep, unit_col].to_numpy()
    _check_sides(work["t"].to_numpy(), change, freq, times[keep], resolved)
    info: dict[str, Any] = {
        "metric": metric_col,
        "method": resolved,
        "change date": date_label(change),
        "first post period": str(change_period),
        "freq": freq,
    }
    constant = len(kept) > 0 and kept.nunique() == 1
    # a constant metric has zero total variance: R² divides by it (already warned above)
    with np.errstate(
        divide="ignore" if constant else "warn", invalid="ignore" if constant else "warn"
    ):
        table_out, series, pre_trend = _run_method(
            resolved,
            work,
            metric_col,
            group_col,
            treated,
            unit_col,
            agg,
            alpha,
            errors,
            hac_lags,
            seasonality,
            harmonics,
            info,
            notes,
        )
    if (resolved == "its" or unit_col is None) and info["periods"] < _SHORT_SERIES:
        notes.append(
            f"short series ({info['periods']} periods): with autocorrelated KPIs, intervals "
            "from period-level regressions tend to be too narrow; read p-values near alpha "
            "with caution"
        )
    if pre_trend and pre_trend["p_value"] < pre_trend_alpha:
        message = (
            f"parallel trends look violated: before the change the treated-minus-comparison "
            f"gap moved by {pre_trend['slope']:+.4g} per period (p = {pre_trend['p_value']:.3g}"
            f" < {pre_trend_alpha:g}); the DiD estimate may be biased"
        )
        warnings.warn(message, PreTrendWarning, stacklevel=2)
        notes.append(message)
    return ChangeEvaluation(
        table_out,
        method=resolved,
        metric=metric_col,
        change_date=change,
        freq=freq,
        series=series,
        pre_trend=pre_trend,
        alpha=alpha,
        info=info,
        warnings=notes,
    )


def _run_method(
    resolved: str,
    work: pd.DataFrame,
    metric_col: str,
    group_col: str | None,
    treated: Any,
    unit_col: str | None,
    agg: str,
    alpha: float,
    errors: str,
    hac_lags: int | None,
    seasonality: int | None,
    harmonics: int | None,
    info: dict[str, Any],
    notes: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    if resolved == "its":
        return _run_its(
            work, metric_col, agg, alpha, errors, hac_lags, seasonality, harmonics, info
        )
    return _run_did(
        work, group_col, treated, unit_col is not None, agg, alpha, errors, hac_lags, info, notes
    )


def _check_options(
    method: str,
    group_col: str | None,
    treated: Any,
    seasonality: int | None,
    harmonics: int | None,
    hac_lags: int | None,
) -> None:
    if method == "its" and group_col is not None:
        raise DataError(
            "group_col: method='its' analyses one series; drop group_col (filter the rows "
            "first) or use method='did' with treated= for a comparison segment"
        )
    if method == "did":
        if group_col is None:
            raise DataError("group_col: method='did' needs group_col= and treated= values")
        if treated is None:
            raise DataError(f"treated: give the value(s) of {group_col!r} that got the change")
        if seasonality is not None or harmonics is not None:
            raise DataError(
                "seasonality: applies to method='its' only; in DiD the comparison segment "
                "absorbs seasonality through the period effects"
            )
    for name, value, low in (
        ("seasonality", seasonality, 2),
        ("harmonics", harmonics, 1),
        ("hac_lags", hac_lags, 0),
    ):
        if value is not None and (not isinstance(value, int | np.integer) or value < low):
            raise DataError(f"{name}: expected an integer >= {low}, got {value!r}")
    if harmonics is not None and seasonality is None:
        raise DataError("harmonics: give seasonality= (the season length in periods) too")
    if seasonality is not None and harmonics is not None and harmonics > seasonality // 2:
        raise DataError(
            f"harmonics: at most seasonality // 2 = {seasonality // 2} harmonics, got {harmonics}"
        )


def _as_naive_times(values: pd.Series, column: str) -> pd.Series:
    if not pd.api.types.is_datetime64_any_dtype(values):
        try:
            values = pd.to_datetime(values)
        except (TypeError, ValueError) as exc:
            example = values.dropna().iloc[:3].tolist()
            raise DataError(
                f"time_col: column {column!r} must hold dates or timestamps; could not parse "
                f"values such as {example} ({exc})"
            ) from None
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values


def _as_naive_time(value: Any) -> pd.Timestamp:
    try:
        moment = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise DataError(
            f"change_date: expected a date or timestamp (e.g. '2025-06-02'), got {value!r}"
        ) from None
    if moment is pd.NaT:
        raise DataError(f"change_date: expected a date or timestamp, got {value!r}")
    if moment.tzinfo is not None:
        moment = moment.tz_convert("UTC").tz_localize(None)
    return moment


def _as_numeric(values: pd.Series, column: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    if not pd.api.types.is_numeric_dtype(values):
        raise DataError(
            f"metric_col: column {column!r} has dtype {values.dtype}; expected numbers "
            "(a KPI value, or 0/1 per row to aggregate into a rate)"
        )
    return values.astype(float)


def _to_periods(times: pd.Series, freq: str) -> pd.Series:
    try:
        return times.dt.to_period(freq)
    except (TypeError, ValueError, AttributeError) as exc:
        raise DataError(
            f"freq: {freq!r} is not a pandas period alias; use e.g. 'D', 'W', 'M' or 'Q' ({exc})"
        ) from None


def _check_sides(
    t: np.ndarray, change: pd.Timestamp, freq: str, times: pd.Series, method: str
) -> None:
    n_pre = len(np.unique(t[t < 0]))
    n_post = len(np.unique(t[t >= 0]))
    need_pre, need_post = (3, 2) if method == "its" else (2, 1)
    if n_pre < need_pre or n_post < need_post:
        span = (
            f"{date_label(times.min())} to {date_label(times.max())}" if len(times) else "no rows"
        )
        raise DataError(
            f"change_date: {date_label(change)} leaves {n_pre} period(s) before and {n_post} "
            f"from the change (freq={freq!r}, data span {span}); {method.upper()} needs at "
            f"least {need_pre} before and {need_post} after"
        )


def _aggregate(work: pd.DataFrame, keys: list[str], agg: str) -> pd.DataFrame:
    grouped = work.groupby(keys, sort=True, observed=True)
    out = grouped["y"].agg(agg).to_frame("y")
    out["n_obs"] = grouped.size()
    return out.reset_index()


def _run_its(
    work: pd.DataFrame,
    metric_col: str,
    agg: str,
    alpha: float,
    errors: str,
    hac_lags: int | None,
    seasonality: int | None,
    harmonics: int | None,
    info: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    from cjlib.action._its import fit_its

    series = _aggregate(work, ["period", "t"], agg)
    t = series["t"].to_numpy() - series["t"].min()
    t0 = int(-series["t"].min())
    fit = fit_its(
        series["y"].to_numpy(),
        t,
        t0,
        alpha=alpha,
        errors=errors,
        hac_lags=hac_lags,
        seasonality=seasonality,
        harmonics=harmonics,
    )
    info.update(
        periods=len(series),
        **{"pre periods": int((t < t0).sum()), "post periods": int((t >= t0).sum())},
        **{
            "rows aggregated": int(series["n_obs"].sum()),
            "standard errors": fit.errors,
            "R²": fit.r_squared,
        },
    )
    if seasonality is not None:
        info["seasonality"] = f"{seasonality} periods, Fourier terms"
    out = pd.DataFrame(
        {
            "period": series["period"].dt.start_time,
            "series": metric_col,
            "observed": series["y"],
            "fitted": fit.fitted,
            "counterfactual": fit.counterfactual,
            "counterfactual_low": fit.counterfactual_low,
            "counterfactual_high": fit.counterfactual_high,
            "post": t >= t0,
            "n_obs": series["n_obs"],
        }
    )
    return fit.effects, out, {}


def _treated_values(groups: pd.Series, treated: Any) -> set[Any]:
    wanted = set(treated) if isinstance(treated, list | tuple | set | frozenset) else {treated}
    available = sorted(groups.unique().tolist(), key=str)
    unknown = [v for v in wanted if v not in set(available)]
    if unknown:
        raise DataError(f"treated: {unknown} not found in group_col; groups are {available}")
    if len(wanted) == len(available):
        raise DataError(
            f"treated: every group ({available}) is treated; DiD needs at least one comparison "
            "group"
        )
    return wanted


def _run_did(
    work: pd.DataFrame,
    group_col: str,
    treated: Any,
    by_unit: bool,
    agg: str,
    alpha: float,
    errors: str,
    hac_lags: int | None,
    info: dict[str, Any],
    notes: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    from cjlib.action._did import fit_did_series, fit_did_units

    treated_set = _treated_values(work["group"], treated)
    work = work.assign(treated=work["group"].isin(treated_set))
    sides = _aggregate(
        _aggregate(work, ["period", "t", "treated", "group"], agg).rename(
            columns={"n_obs": "rows"}
        ),
        ["period", "t", "treated"],
        "mean",
    )
    rows_per_side = _aggregate(work, ["period", "t", "treated"], "mean")["n_obs"].to_numpy()
    sides["n_obs"] = rows_per_side
    wide = sides.pivot(index=["period", "t"], columns="treated", values="y")
    complete = wide.dropna()
    if len(complete) < len(wide):
        notes.append(
            f"{len(wide) - len(complete)} period(s) with data on only one side were left out"
        )
    t = complete.index.get_level_values("t").to_numpy()
    gap = (complete[True] - complete[False]).to_numpy()
    if (t < 0).sum() < 2 or (t >= 0).sum() < 1:
        raise DataError(
            "change_date: treated and comparison groups share fewer than 2 periods before or "
            "1 after the change"
        )
    series_fit, pre_gap, pre_gap_se = fit_did_series(
        gap, t, 0, alpha=alpha, errors=errors, hac_lags=hac_lags
    )
    if by_unit:
        panel = _aggregate(work, ["unit", "t"], agg)
        unit_group = work.groupby("unit", observed=True)["treated"].agg(["min", "max"])
        switching = unit_group.index[unit_group["min"] != unit_group["max"]]
        if len(switching):
            raise DataError(
                f"unit_col: {len(switching)} unit(s) appear in both treated and comparison "
                f"groups (e.g. {switching[:3].tolist()}); a unit must belong to one group"
            )
        panel["treated"] = panel["unit"].map(unit_group["min"]).to_numpy()
        n_treated_units = int(unit_group["min"].sum())
        if n_treated_units < 2 or len(unit_group) - n_treated_units < 2:
            raise DataError(
                "unit_col: cluster-robust DiD needs at least 2 units in each of the treated and "
                f"comparison groups (got {n_treated_units} and "
                f"{len(unit_group) - n_treated_units})"
            )
        fit = fit_did_units(panel, 0, alpha=alpha)
        info.update(units=len(unit_group), **{"treated units": n_treated_units})
        if len(unit_group) < 30:
            notes.append(
                f"only {len(unit_group)} units: cluster-robust standard errors can be too "
                "small with few clusters"
            )
    else:
        fit = series_fit
    treated_post = complete.loc[t >= 0, True].to_numpy()
    cf_post_mean = float(np.mean(treated_post)) - fit.estimate
    effects = pd.DataFrame(
        [
            {
                "effect": "treatment effect (DiD)",
                "estimate": fit.estimate,
                "std_error": fit.std_error,
                "ci_low": fit.ci_low,
                "ci_high": fit.ci_high,
                "p_value": fit.p_value,
                "relative": fit.estimate / cf_post_mean if cf_post_mean != 0 else math.nan,
            }
        ]
    )
    info.update(
        treated=", ".join(map(str, sorted(treated_set, key=str))),
        comparison=", ".join(map(str, sorted(set(work["group"].unique()) - treated_set, key=str))),
        periods=len(complete),
        **{
            "pre periods": int((t < 0).sum()),
            "post periods": int((t >= 0).sum()),
            "standard errors": fit.inference,
            "pre-trend slope difference": fit.pre_trend_slope,
            "pre-trend p": fit.pre_trend_p,
        },
    )
    series = _did_series(complete, sides, pre_gap, pre_gap_se, alpha, series_fit.df)
    pre_trend = (
        {}
        if math.isnan(fit.pre_trend_p)
        else {"slope": fit.pre_trend_slope, "p_value": fit.pre_trend_p}
    )
    if not pre_trend:
        notes.append("too few pre-change periods for the pre-trend check")
    return effects, series, pre_trend


def _did_series(
    complete: pd.DataFrame,
    sides: pd.DataFrame,
    pre_gap: float,
    pre_gap_se: float,
    alpha: float,
    df: float,
) -> pd.DataFrame:
    from scipy import stats

    crit = float(stats.t.isf(alpha / 2, df))
    periods = complete.index.get_level_values("period")
    t = complete.index.get_level_values("t").to_numpy()
    counts = sides.set_index(["period", "t", "treated"])["n_obs"]
    frames = []
    for is_treated, label in ((True, "treated"), (False, "comparison")):
        observed = complete[is_treated].to_numpy()
        n_obs = counts.xs(is_treated, level="treated").reindex(complete.index).to_numpy()
        if is_treated:
            cf = complete[False].to_numpy() + pre_gap
            low, high = cf - crit * pre_gap_se, cf + crit * pre_gap_se
        else:
            cf = low = high = np.full(len(t), np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "period": periods.start_time,
                    "series": label,
                    "observed": observed,
                    "fitted": observed if not is_treated else np.where(t >= 0, observed, cf),
                    "counterfactual": cf,
                    "counterfactual_low": low,
                    "counterfactual_high": high,
                    "post": t >= 0,
                    "n_obs": n_obs,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
