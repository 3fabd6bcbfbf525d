"""``survival``: Kaplan–Meier curves with confidence bands, medians and the log-rank test."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cjlib._text import SummaryText
from cjlib.errors import DataError, DegenerateDataWarning
from cjlib.stats._checks import (
    binary_values,
    check_probability,
    numeric_values,
    require_columns,
    require_frame,
)
from cjlib.stats._km_counts import TimeCounts, km_curve
from cjlib.stats._km_counts import logrank as logrank_statistic
from cjlib.stats._result import StatsResult

__all__ = ["SurvivalResult", "survival", "survival_inputs"]


def survival_inputs(
    table: pd.DataFrame, duration_col: str, event_col: str
) -> tuple[np.ndarray, np.ndarray]:
    """Checked durations (>= 0, finite) and 0/1 event flags from ``table``."""
    require_frame(table, "table")
    require_columns(table, {"duration_col": [duration_col], "event_col": [event_col]}, "table")
    duration = numeric_values(table[duration_col], "duration_col")
    event = binary_values(table[event_col], "event_col")
    bad = np.isnan(duration) | (duration < 0)
    if bad.any():
        raise DataError(
            f"duration_col {duration_col!r} must be non-negative and not missing; "
            f"{int(bad.sum())} bad rows, e.g. {table.loc[bad, duration_col].head(3).tolist()!r}"
        )
    if np.isnan(event).any():
        raise DataError(f"event_col {event_col!r} has {int(np.isnan(event).sum())} missing values")
    return duration, event


class SurvivalResult(StatsResult):
    """Result of :func:`survival`.

    Attributes
    ----------
    table : pandas.DataFrame
        Kaplan–Meier estimate per group and event time: ``group``, ``time``, ``n_at_risk``,
        ``n_events``, ``survival``, ``se`` (Greenwood), ``ci_low``, ``ci_high``
        (log(−log) transformed pointwise interval).
    medians : pandas.DataFrame
        Per group: ``n``, ``events``, ``median`` and its interval (NaN when not reached).
    logrank : dict or None
        ``statistic``, ``df`` and ``p`` of the log-rank test across groups (None for one group).
    group_col : str or None
        The column the groups came from (None for a single curve).
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        medians: pd.DataFrame,
        logrank: dict[str, float] | None,
        duration_col: str,
        group_col: str | None = None,
        group_kind: str = "label",
        **kwargs: Any,
    ) -> None:
        super().__init__(table, **kwargs)
        self._medians = medians.copy()
        self.logrank = logrank
        self.duration_col = duration_col
        self.group_col = group_col
        self._group_kind = group_kind

    @property
    def medians(self) -> pd.DataFrame:
        """Median survival time per group with its confidence interval."""
        return self._medians.copy()

    def survival_at(self, times: float | list[float]) -> pd.DataFrame:
        """Survival probability (with CI) of every group at the given times."""
        grid = np.atleast_1d(np.asarray(times, dtype=float))
        rows = []
        for group, part in self._table.groupby("group", sort=False):
            idx = np.searchsorted(part["time"].to_numpy(), grid, side="right") - 1
            for t, i in zip(grid, idx, strict=True):
                values = (
                    (1.0, 1.0, 1.0)
                    if i < 0
                    else tuple(part[["survival", "ci_low", "ci_high"]].iloc[i])
                )
                rows.append(
                    {
                        "group": group,
                        "time": t,
                        "survival": values[0],
                        "ci_low": values[1],
                        "ci_high": values[2],
                    }
                )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        text = super().summary()
        medians = self._medians.to_string(float_format=lambda v: f"{v:.4g}")
        return SummaryText(f"{text}\n\nMedian survival:\n{medians}")

    def _legend_label(self, label: str) -> str:
        """Readable legend entry: ``churned: yes`` for a flag, ``plan = 2`` for a number."""
        if self._group_kind == "flag":
            return f"{self.group_col}: {'yes' if label == 'True' else 'no'}"
        if self._group_kind == "number":
            return f"{self.group_col} = {label}"
        return label

    def plot(self, *, title: str | None = None) -> Any:
        """Kaplan–Meier curves with shaded confidence bands, one colour per group.

        Legend entries name the grouping column where a bare value would not say what it
        is: ``dispute_escalation: yes`` / ``: no`` for a boolean column, ``plan = 2`` for a
        numeric one; text groups (e.g. persona ids) are shown as they are.
        """
        from cjlib.plot._survival import survival_curves

        lr = self.logrank
        subtitle = None if lr is None else f"log-rank χ²={lr['statistic']:.2f}, p={lr['p']:.3g}"
        shown = self._table.assign(group=self._table["group"].map(self._legend_label))
        return survival_curves(
            shown,
            x_title=self.duration_col,
            title=title or "Survival (Kaplan–Meier)",
            subtitle=subtitle,
        )


_CURVE_COLUMNS = ("time", "n_at_risk", "n_events", "survival", "se", "ci_low", "ci_high")


def _group_codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes ``0..k-1`` of the groups in the order of their text labels (values as text)."""
    codes, uniques = pd.factorize(values)
    text = pd.Index(uniques).astype(str)
    labels = sorted(set(text))
    position = {label: i for i, label in enumerate(labels)}
    relabel = np.array([position[t] for t in text], dtype=np.int64)
    return relabel[codes], labels


def _group_kind(values: pd.Series) -> str:
    """``flag`` for booleans, ``number`` for numeric groups, else ``label`` (legend wording)."""
    if pd.api.types.is_bool_dtype(values) or (
        len(values) and pd.api.types.infer_dtype(values, skipna=False) == "boolean"
    ):
        return "flag"
    if pd.api.types.is_numeric_dtype(values):
        return "number"
    return "label"


def survival(
    table: pd.DataFrame,
    *,
    duration_col: str,
    event_col: str,
    group_col: str | None = None,
    alpha: float = 0.05,
) -> SurvivalResult:
    """Kaplan–Meier survival curves per group, median survival and the log-rank test.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer.
    duration_col : str
        Time from start to churn or censoring (e.g. ``tenure_days``), non-negative.
    event_col : str
        1/True when the customer churned at that time, 0/False when censored.
    group_col : str, optional
        Compare the groups of this column (e.g. ``persona``); rows with a missing group are
        left out with a warning.
    alpha : float
        1 − confidence level of the pointwise bands and median intervals.

    Returns
    -------
    SurvivalResult
        ``.table`` (KM estimates), ``.medians``, ``.logrank`` (``statistic``, ``df``, ``p``).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjlib.stats import survival
    >>> df = pd.DataFrame({"days": [5, 8, 12, 20, 30, 31], "churned": [1, 1, 0, 1, 1, 0],
    ...                    "plan": ["a", "a", "a", "b", "b", "b"]})
    >>> res = survival(df, duration_col="days", event_col="churned", group_col="plan")
    >>> float(res.medians.loc["a", "median"])
    8.0
    """
    duration, event = survival_inputs(table, duration_col, event_col)
    check_probability(alpha, "alpha")
    notes: list[str] = []
    group_kind = "label"
    if group_col is None:
        codes, labels = np.zeros(len(duration), dtype=np.int64), ["all"]
    else:
        require_columns(table, {"group_col": [group_col]}, "table")
        raw = table[group_col]
        keep = raw.notna().to_numpy()
        if not keep.all():
            notes.append(f"{int((~keep).sum())} rows with a missing {group_col!r} left out")
        duration, event = duration[keep], event[keep]
        codes, labels = _group_codes(raw[keep])
        group_kind = _group_kind(raw[keep])
    counts = TimeCounts(duration, event, codes, len(labels))
    curves, medians = [], []
    for code, label in enumerate(labels):
        km = km_curve(counts.times, counts.at_risk[code], counts.events[code], alpha)
        curve = pd.DataFrame({col: km[col] for col in _CURVE_COLUMNS})
        curve.insert(0, "group", label)
        curves.append(curve)
        med = {
            "n": int(counts.exits[code].sum()),
            "events": int(counts.events[code].sum()),
            **{col: km[col] for col in ("median", "median_ci_low", "median_ci_high")},
        }
        medians.append({"group": label, **med})
        if med["events"] == 0:
            note = f"group {label!r} has no events ({med['n']} censored); its curve stays at 1"
            notes.append(note)
            warnings.warn(f"survival: {note}", DegenerateDataWarning, stacklevel=2)
    logrank = None
    if len(labels) > 1:
        chisq = logrank_statistic(counts)
        df = len(labels) - 1
        logrank = {"statistic": chisq, "df": df, "p": float(stats.chi2.sf(chisq, df))}
    info: dict[str, Any] = {"n": len(duration), "events": int(event.sum()), "groups": len(labels)}
    if logrank:
        info.update({f"logrank_{k}": v for k, v in logrank.items()})
    return SurvivalResult(
        pd.concat(curves, ignore_index=True),
        medians=pd.DataFrame(medians).set_index("group"),
        logrank=logrank,
        duration_col=duration_col,
        group_col=group_col,
        group_kind=group_kind,
        title=f"Kaplan–Meier survival of {duration_col}"
        + (f" by {group_col}" if group_col else ""),
        warnings=notes,
        info=info,
    )
