"""Progress of the map's objectives: current KPI value against baseline, target and deadline.

Current values come from the user (``values``: objective id → value) or, for the KPIs the
data can give, from a :class:`~cjlib.action.MeasuredMap`. Recognised KPI names (case
insensitive, anywhere in ``Objective.kpi``):

* ``churn`` / ``retention`` with an optional window (``"12-month churn rate"``,
  ``"90-day retention"``): Kaplan–Meier estimate from the customers table (``tenure_days``
  and ``churned``), ``1 − S(window)`` for churn, ``S(window)``  for retention; without a
  window, the share of customers churned (or not).
* ``csat`` / ``nps``: the survey mean CSAT or NPS, of the touchpoint or stage the KPI names
  (by id or name, e.g. "CSAT of the call centre") or of every response.

Proportions are shown in percent when the objective's unit is ``"%"``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cjlib.action._result import ActionResult
from cjlib.errors import DataError
from cjlib.map._model import JourneyMap, Objective

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from cjlib.action._measure import MeasuredMap

__all__ = ["ObjectiveProgress", "kaplan_meier_at", "kpi_binding", "objective_progress"]

_STATUS_COLORS = {
    "achieved": "#2e7d32",
    "on track": "#66bb6a",
    "in progress": "#90a4ae",
    "behind": "#fb8c00",
    "off track": "#e53935",
    "missed": "#b71c1c",
    "no data": "#bdbdbd",
}
_WINDOW = re.compile(r"(\d+(?:\.\d+)?)\s*[- ]?\s*(day|week|month|year)s?", re.IGNORECASE)
_DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}


class ObjectiveProgress(ActionResult):
    """Result of :func:`objective_progress`: one row per objective.

    ``.table`` columns: ``objective``, ``kpi``, ``owner``, ``unit``, ``direction``,
    ``baseline``, ``current``, ``target``, ``deadline``, ``days_left``, ``progress``
    (share of the way from baseline to target), ``expected_progress`` (share of the time from
    ``since`` to the deadline already passed), ``status`` and ``source`` (``"supplied"``,
    ``"computed: ..."`` or ``"none"``).
    """

    def plot(self) -> go.Figure:
        """Progress bars from baseline (0 %) to target (100 %), the expected progress marked."""
        import plotly.graph_objects as go

        from cjlib.plot._style import NEUTRAL, apply_base_layout

        t = self._table.iloc[::-1]
        labels = [f"{k}<br><sup>{o} · due {d}</sup>" for k, o, d in
                  zip(t["kpi"], t["owner"], t["deadline"], strict=True)]
        progress = (t["progress"].clip(-0.25, 1.25) * 100).fillna(0)
        fig = go.Figure()
        fig.add_trace(go.Bar(
            x=progress, y=labels, orientation="h", name="progress",
            marker={"color": [_STATUS_COLORS.get(s, NEUTRAL) for s in t["status"]]},
            hovertemplate="%{y}<br>progress %{x:.0f}%<extra></extra>",
        ))
        fig.add_trace(go.Scatter(
            x=progress.clip(lower=0) + 3, y=labels, mode="text", textposition="middle right",
            text=[f"<b>{s}</b>: {_num(c)} → {_num(g)} {u}" for s, c, g, u in
                  zip(t["status"], t["current"], t["target"], t["unit"], strict=True)],
            showlegend=False, hoverinfo="skip",
        ))
        fig.add_trace(go.Scatter(
            x=t["expected_progress"] * 100, y=labels, mode="markers", name="expected by now",
            marker={"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": "#263238"}},
        ))
        fig.add_vline(x=100, line={"dash": "dot", "color": NEUTRAL})
        fig.update_xaxes(title="progress from baseline to target (%)", range=[-30, 170])
        apply_base_layout(fig, title="Objectives", height=170 + 80 * len(t))
        fig.update_layout(width=980, legend={"orientation": "h", "y": 1.02, "yanchor": "bottom",
                                             "x": 1, "xanchor": "right"})
        return fig


def _num(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.3g}"


def kaplan_meier_at(durations: np.ndarray, events: np.ndarray, t: float) -> float:
    """Kaplan–Meier survival probability S(t) (product-limit estimator, Kaplan & Meier 1958).

    Examples
    --------
    >>> kaplan_meier_at(np.array([1.0, 2, 3, 4]), np.array([1, 0, 1, 0]), 3.0)
    0.375
    """
    d = np.asarray(durations, dtype="float64")
    e = np.asarray(events, dtype=bool)
    times = np.unique(d[e & (d <= t)])
    s = 1.0
    for u in times:
        at_risk = np.sum(d >= u)
        deaths = np.sum((d == u) & e)
        s *= 1.0 - deaths / at_risk
    return float(s)


def _window_days(kpi: str) -> float | None:
    m = _WINDOW.search(kpi)
    return None if m is None else float(m.group(1)) * _DAYS[m.group(2).lower()]


def _churn_value(customers: pd.DataFrame, kpi: str, retention: bool) -> tuple[float, str]:
    if "churned" not in customers.columns:
        raise DataError("customers needs a 'churned' column to compute churn/retention KPIs")
    churned = customers["churned"].astype(bool).to_numpy()
    window = _window_days(kpi)
    if window is None:
        rate = float(churned.mean())
        return (1 - rate if retention else rate), "share of customers churned"
    if "tenure_days" in customers.columns:
        durations = pd.to_numeric(customers["tenure_days"], errors="coerce").to_numpy()
    elif {"start_date", "end_date"} <= set(customers.columns):
        span = pd.to_datetime(customers["end_date"]) - pd.to_datetime(customers["start_date"])
        durations = (span / pd.Timedelta(days=1)).to_numpy()
    else:
        raise DataError(
            "customers needs 'tenure_days' (or 'start_date' and 'end_date') to compute a "
            f"windowed churn KPI such as {kpi!r}"
        )
    keep = ~np.isnan(durations)
    s = kaplan_meier_at(durations[keep], churned[keep], window)
    return (s if retention else 1 - s), f"Kaplan-Meier at {window:.0f} days"


def _scope(measured: MeasuredMap, kpi: str) -> tuple[str, str] | None:
    """(column, value) of the touchpoint or stage a KPI text names, or None."""
    return _scope_of_map(measured.journey_map, kpi.lower())


def _scope_of_map(jm: JourneyMap, text: str) -> tuple[str, str] | None:
    candidates: list[tuple[int, str, str]] = []
    for st, tp in jm.iter_touchpoints():
        for label in (tp.id, tp.name):
            if label and label.lower().replace("_", " ") in text.replace("_", " "):
                candidates.append((len(label), "touchpoint", tp.id))
        del st
    for st in jm.stages:
        for label in (st.id, st.name):
            if label and label.lower() in text:
                candidates.append((len(label), "stage", st.id))
    if not candidates:
        return None
    _, col, value = max(candidates)
    return col, value


def _survey_value(measured: MeasuredMap, kpi: str, kind: str) -> tuple[float, str] | None:
    from cjlib.action._scores import nps_ci

    responses = measured.surveys
    if responses is None or not len(responses):
        return None
    responses = responses[responses["kind"].eq(kind)]
    scope = _scope(measured, kpi)
    where = "all responses"
    if scope is not None:
        responses = responses[responses[scope[0]].eq(scope[1])]
        where = f"{scope[0]} {scope[1]!r}"
    if not len(responses):
        return None
    scores = responses["score"].to_numpy()
    value = float(scores.mean()) if kind == "csat" else nps_ci(scores, 0.95)[0]
    return value, f"{kind.upper()} of {where} (n={len(scores)})"


def _computed(objective: Objective, measured: MeasuredMap | None) -> tuple[float, str] | None:
    if measured is None:
        return None
    kpi = objective.kpi.lower()
    percent = objective.unit.strip() == "%"
    customers = measured.customers
    if ("churn" in kpi or "retention" in kpi) and customers is not None:
        value, how = _churn_value(customers, kpi, retention="retention" in kpi)
        return (100 * value if percent else value), how
    for kind in ("csat", "nps"):
        if kind in kpi:
            return _survey_value(measured, kpi, kind)
    return None


def kpi_binding(journey_map: JourneyMap, kpi: str) -> str | None:
    """The measured figure an objective's KPI text binds to, or None (free text).

    Examples
    --------
    >>> from cjlib.map import JourneyMap
    >>> jm = JourneyMap(id="m", name="M")
    >>> kpi_binding(jm, "90-day retention"), kpi_binding(jm, "First-contact resolution")
    ('retention at 90 days (customers table: tenure_days, churned)', None)
    """
    text = str(kpi).lower()
    for word in ("churn", "retention"):
        if word in text:
            window = _WINDOW.search(text)
            at = f" at {window.group(1)} {window.group(2).lower()}s" if window else ""
            at = at.replace(" 1 days", " 1 day").replace("1 months", "1 month")
            return f"{word}{at} (customers table: tenure_days, churned)"
    for kind in ("csat", "nps"):
        if kind in text:
            scope = _scope_of_map(journey_map, text)
            where = "every response" if scope is None else f"{scope[0]} {scope[1]!r}"
            return f"{kind.upper()} of {where} (surveys)"
    return None


_BINDING_HINT = (
    "name a figure the data gives in its kpi (e.g. '12-month churn rate', '90-day retention', "
    "'CSAT of <touchpoint or stage>', 'NPS of <touchpoint or stage>') or pass its current "
    "value: objective_progress(..., values={{{oid!r}: ...}})"
)


def _as_timestamp(value: Any, param: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{param} must be a date; got {value!r}") from exc
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def _status(
    current: float, objective: Objective, progress: float, expected: float, as_of: pd.Timestamp
) -> str:
    if np.isnan(current):
        return "no data"
    up = objective.direction != "decrease"
    if (current >= objective.target) if up else (current <= objective.target):
        return "achieved"
    if as_of.date() > objective.deadline:
        return "missed"
    if np.isnan(progress):
        return "in progress"
    if progress < 0:
        return "off track"
    if np.isnan(expected):
        return "in progress"
    return "on track" if progress >= expected else "behind"


def objective_progress(
    journey_map: JourneyMap,
    values: Mapping[str, float] | None = None,
    *,
    measured: MeasuredMap | None = None,
    as_of: Any = None,
    since: Any = None,
) -> ObjectiveProgress:
    """Current value of each objective's KPI against its baseline, target and deadline.

    Parameters
    ----------
    journey_map : JourneyMap
        The map whose ``objectives`` to follow.
    values : mapping, optional
        Objective id → current KPI value, for KPIs the data cannot give (they win over
        computed values).
    measured : MeasuredMap, optional
        Source of the KPIs the data can give (see the module notes for the recognised KPIs).
    as_of : date-like, optional
        Date of the current values (default: the end of the measured period, else today).
    since : date-like, optional
        When work on the objectives started, for the expected progress (default: the start
        of the measured period; without it the status cannot say "on track"/"behind").

    Returns
    -------
    ObjectiveProgress
        Status per objective: ``achieved``, ``on track`` (progress ≥ the share of time
        passed), ``behind``, ``off track`` (moved away from the target), ``missed`` (deadline
        passed), ``in progress`` (no baseline or start to compare with) or ``no data``.

    Examples
    --------
    >>> import datetime as dt
    >>> from cjlib.map import JourneyMap, Objective
    >>> jm = JourneyMap(id="m", name="M", objectives=(Objective(
    ...     "o", "First-contact resolution", target=80, baseline=60,
    ...     deadline=dt.date(2025, 12, 31), unit="%"),))
    >>> res = objective_progress(jm, {"o": 70}, as_of="2025-09-01", since="2025-01-01")
    >>> float(res.table.loc[0, "progress"]), res.table.loc[0, "status"]
    (0.5, 'behind')
    """
    if not isinstance(journey_map, JourneyMap):
        raise DataError(f"journey_map must be a cjlib JourneyMap; got {type(journey_map).__name__}")
    values = dict(values or {})
    known = [o.id for o in journey_map.objectives]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise DataError(f"values names unknown objective id(s) {unknown}; the map has {known}")
    for key, value in values.items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise DataError(f"values[{key!r}] must be a number; got {value!r}")
    as_of_ts = _as_timestamp(as_of, "as_of")
    since_ts = _as_timestamp(since, "since")
    if measured is not None:
        as_of_ts = as_of_ts if as_of_ts is not None else measured.period[1]
        since_ts = since_ts if since_ts is not None else measured.period[0]
    if as_of_ts is None:
        as_of_ts = pd.Timestamp(dt.date.today())
    rows, warnings = [], []
    for o in journey_map.objectives:
        if o.id in values:
            current, source = float(values[o.id]), "supplied"
        else:
            found = _computed(o, measured)
            current, source = (np.nan, "none") if found is None else (
                float(found[0]), f"computed: {found[1]}")
            if found is None:
                bound_to = kpi_binding(journey_map, o.kpi)
                why = (f"binds to {bound_to}, which the measured data does not hold"
                       if bound_to else "is free text that binds to no measured figure")
                warnings.append(f"objective {o.id!r}: KPI {o.kpi!r} {why}; "
                                + _BINDING_HINT.format(oid=o.id))
        baseline = np.nan if o.baseline is None else float(o.baseline)
        span = float(o.target) - baseline
        progress = (current - baseline) / span if span else np.nan
        deadline = pd.Timestamp(o.deadline)
        expected = np.nan
        if since_ts is not None and deadline > since_ts:
            expected = float(np.clip((as_of_ts - since_ts) / (deadline - since_ts), 0, 1))
        rows.append({
            "objective": o.id, "kpi": o.kpi, "owner": o.owner, "unit": o.unit,
            "direction": o.direction, "baseline": baseline, "current": current,
            "target": float(o.target), "deadline": o.deadline.isoformat(),
            "days_left": int((deadline - as_of_ts.normalize()).days), "progress": progress,
            "expected_progress": expected,
            "status": _status(current, o, progress, expected, as_of_ts), "source": source,
        })
    columns = ["objective", "kpi", "owner", "unit", "direction", "baseline", "current",
               "target", "deadline", "days_left", "progress", "expected_progress", "status",
               "source"]
    table = pd.DataFrame(rows, columns=columns)
    return ObjectiveProgress(
        table,
        title=f"Objectives of {journey_map.name!r} as of {as_of_ts.date()}",
        info={"as_of": str(as_of_ts.date()),
              "since": None if since_ts is None else str(since_ts.date()),
              "objectives": len(table)},
        warnings=warnings,
    )
