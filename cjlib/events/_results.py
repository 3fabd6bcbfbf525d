"""Result objects of the event-log computations.

Each result holds small pandas tables computed by the engine and offers ``.table``,
``.summary()``, ``.plot()``, ``.to_dict()`` and ``_repr_html_`` (rich display in Jupyter).

Examples
--------
>>> import pandas as pd
>>> r = TransitionsResult(table=pd.DataFrame({"event": ["a"], "next_event": ["b"], "n": [3],
...     "share": [1.0], "median_gap": [pd.Timedelta("1h")]}), n_customers=3, n_events=6)
>>> print(r.summary().splitlines()[0])
Transitions: 1 event pair, 3 transitions among 3 customers (6 events)
"""

from __future__ import annotations

import dataclasses
import html
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cjlib._text import SummaryText

__all__ = [
    "ConformanceResult",
    "FunnelResult",
    "JourneyKPIResult",
    "JourneysResult",
    "PathsResult",
    "SessionsResult",
    "SignalsResult",
    "StepFlowsResult",
    "TransitionsResult",
]


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, pd.DataFrame):
        return [{k: _jsonable(v) for k, v in row.items()} for row in value.to_dict("records")]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, pd.Timedelta):
        return None if pd.isna(value) else value.total_seconds()
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if value is pd.NaT or value is None:
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass(frozen=True)
class _Result:
    """Common behaviour: a table, a text summary, a figure, a dict and an HTML view."""

    table: pd.DataFrame

    _title = "Result"

    def summary(self) -> str:  # pragma: no cover - overridden
        return f"{self._title}: {len(self.table)} rows"

    def plot(self, **kwargs: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the table as records plus the result's scalar fields.

        Times are ISO strings, durations seconds, missing values ``None``.
        """
        out: dict[str, Any] = {"kind": type(self).__name__, "table": _jsonable(self.table)}
        for name, value in vars(self).items():
            if name != "table" and not name.startswith("_"):
                out[name] = _jsonable(value)
        return out

    def _repr_html_(self) -> str:
        head = "<br>".join(html.escape(line) for line in self.summary().splitlines()[:6])
        body = self.table.head(30).to_html(index=False, na_rep="–", float_format=_fmt)
        more = (
            f"<p><i>{len(self.table) - 30} more rows in .table</i></p>"
            if len(self.table) > 30
            else ""
        )
        return f"<div><p>{head}</p>{body}{more}</div>"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.summary().splitlines()[0]}>"


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _count(n: float, noun: str, plural: str | None = None) -> str:
    """``1 event``, ``2 events``, ``1.5 events``: a number with its noun agreeing."""
    word = noun if n == 1 else (plural or noun + "s")
    return f"{n:,g} {word}" if isinstance(n, float) else f"{n:,} {word}"


def _td(value: Any) -> str:
    if value is None or pd.isna(value):
        return "–"
    td = pd.Timedelta(value)
    secs = td.total_seconds()
    if secs < 120:
        return f"{secs:.1f} s"
    if secs < 2 * 3600:
        return f"{secs / 60:.1f} min"
    if secs < 3 * 86400:
        return f"{secs / 3600:.1f} h"
    return f"{secs / 86400:.1f} d"


@dataclass(frozen=True)
class TransitionsResult(_Result):
    """Event → next-event counts (``log.transitions()``).

    ``.table`` columns: ``event``, ``next_event``, ``n``, ``share`` (of the source event's
    transitions), ``median_gap`` (timedelta); plus ``channel`` when computed per channel.
    With ``include_end``, a customer's last event goes to ``next_event == "(end)"`` (gap NaT),
    so ``share`` counts exits too and the ``"(end)"`` share is the event's exit rate.
    """

    n_customers: int = 0
    n_events: int = 0
    by_channel: bool = False
    include_end: bool = False

    def summary(self) -> str:
        t = self.table
        lines = [
            f"Transitions: {_count(len(t), 'event pair')}, "
            f"{_count(int(t['n'].sum()) if len(t) else 0, 'transition')} among "
            f"{_count(self.n_customers, 'customer')} ({_count(self.n_events, 'event')})"
        ]
        for row in t.sort_values("n", ascending=False).head(10).itertuples(index=False):
            lines.append(
                f"  {row.event} → {row.next_event}: n={row.n}, share={row.share:.1%}, "
                f"median gap {_td(row.median_gap)}"
            )
        return SummaryText("\n".join(lines))

    def plot(self, *, top: int = 25, **kwargs: Any) -> Any:
        """Heatmap of transition shares (rows: event, columns: next event)."""
        from cjlib.plot._sankey import transition_heatmap

        return transition_heatmap(self.table, top=top, **kwargs)


@dataclass(frozen=True)
class StepFlowsResult(_Result):
    """Flows between step ``i`` and ``i+1`` (``log.step_flows()``).

    ``.table`` columns: ``step`` (0-based source step; negative before the anchor), ``source``,
    ``target`` (``"(drop-off)"`` when the journey ended), ``n``.
    """

    n_customers: int = 0
    max_steps: int = 6
    anchor: str | None = None
    level: str = "event"

    def summary(self) -> str:
        t = self.table
        first = t[t["step"] == t["step"].min()] if len(t) else t
        lines = [
            f"Step flows ({self.level}s): {_count(self.n_customers, 'customer')}, up to "
            f"{_count(self.max_steps, 'step')}"
            + (f", anchored on {self.anchor!r}" if self.anchor else "")
        ]
        for row in first.sort_values("n", ascending=False).head(8).itertuples(index=False):
            lines.append(f"  step {row.step}: {row.source} → {row.target}: {row.n}")
        return SummaryText("\n".join(lines))

    def plot(self, **kwargs: Any) -> Any:
        """A Sankey diagram of the flows (see :func:`cjlib.plot.sankey`)."""
        from cjlib.plot import sankey

        return sankey(self, **kwargs)


@dataclass(frozen=True)
class FunnelResult(_Result):
    """Customers reaching each funnel step (``log.funnel()``).

    ``.table`` columns: ``step``, ``name``, ``customers``, ``share_of_all`` (of every
    customer in the log, ``n_customers``) with ``ci_low_all``/``ci_high_all``,
    ``conversion_from_start`` (of those who reached step 0) with
    ``ci_low_start``/``ci_high_start``, ``conversion_from_previous`` with
    ``ci_low_previous``/``ci_high_previous`` (Wilson intervals), ``median_time_from_previous``.
    """

    ordered: bool = True
    within: pd.Timedelta | None = None
    confidence: float = 0.95
    level: str = "event"
    n_customers: int = 0

    def summary(self) -> str:
        t = self.table
        window = "no window" if self.within is None else f"within {_td(self.within)}"
        lines = [
            f"Funnel of {len(t)} {self.level} steps ({'ordered' if self.ordered else 'any order'}"
            f", {window}); {int(self.confidence * 100)}% Wilson intervals; "
            f"{_count(self.n_customers, 'customer')} in the log"
        ]
        for row in t.itertuples(index=False):
            lines.append(
                f"  {row.step + 1}. {row.name}: {_count(row.customers, 'customer')} "
                f"({row.share_of_all:.1%} of all), "
                f"{row.conversion_from_start:.1%} of start "
                f"[{row.ci_low_start:.1%}, {row.ci_high_start:.1%}], "
                f"{row.conversion_from_previous:.1%} of previous, "
                f"median {_td(row.median_time_from_previous)} from previous"
            )
        return SummaryText("\n".join(lines))

    def plot(self, **kwargs: Any) -> Any:
        """A funnel chart with conversion and interval labels (see :func:`cjlib.plot.funnel`)."""
        from cjlib.plot import funnel

        return funnel(self, **kwargs)


@dataclass(frozen=True)
class SessionsResult(_Result):
    """Sessions split by inactivity (``log.sessions()``).

    ``.table``: one row per session: the customer id (in the log's ``customer_col`` name
    and dtype), ``session``, ``start``, ``end``, ``duration``, ``n_events``, ``first_event``,
    ``last_event``, ``n_channels``.
    """

    gap: pd.Timedelta = field(default_factory=lambda: pd.Timedelta("30min"))
    customer_col: str = "customer_id"

    def summary(self) -> str:
        t = self.table
        if not len(t):
            return SummaryText("Sessions: none")
        return SummaryText(
            f"Sessions (gap {_td(self.gap)}): {_count(len(t), 'session')} of "
            f"{_count(t[self.customer_col].nunique(), 'customer')}; "
            f"median {_count(float(t['n_events'].median()), 'event')}, "
            f"median duration {_td(t['duration'].median())}"
        )

    def plot(self, **kwargs: Any) -> Any:
        """Histogram of events per session."""
        import plotly.express as px

        from cjlib.plot._style import apply_base_layout, color_for

        fig = px.histogram(self.table, x="n_events", color_discrete_sequence=[color_for(0)])
        fig.update_layout(xaxis_title="events per session", yaxis_title="sessions")
        return apply_base_layout(fig, title=kwargs.get("title", "Events per session"))


@dataclass(frozen=True)
class JourneysResult(_Result):
    """Journey instances with outcomes (``log.journeys()``).

    ``.table``: the customer id (in the log's ``customer_col`` name and dtype), ``journey``,
    ``start``, ``end``, ``outcome`` (success / failure / abandoned / open), ``duration``,
    ``n_events``, ``n_touchpoints``, ``channel_switches``, ``last_event``.
    """

    start: tuple[str, ...] = ()
    success: tuple[str, ...] = ()
    failure: tuple[str, ...] = ()
    timeout: pd.Timedelta | None = None
    customer_col: str = "customer_id"

    def summary(self) -> str:
        t = self.table
        counts = t["outcome"].value_counts()
        parts = ", ".join(f"{k} {counts.get(k, 0)}" for k in _OUTCOMES)
        return SummaryText(
            f"Journeys: {_count(len(t), 'instance')} of "
            f"{_count(t[self.customer_col].nunique(), 'customer')} ({parts})"
        )

    def plot(self, **kwargs: Any) -> Any:
        """Bar chart of journey outcomes."""
        import plotly.graph_objects as go

        from cjlib.plot._style import apply_base_layout

        counts = self.table["outcome"].value_counts()
        colours = {"success": "#2e7d32", "failure": "#c62828", "abandoned": "#fb8c00"}
        fig = go.Figure(
            go.Bar(
                x=list(_OUTCOMES),
                y=[int(counts.get(k, 0)) for k in _OUTCOMES],
                marker_color=[colours.get(k, "#9e9e9e") for k in _OUTCOMES],
            )
        )
        fig.update_layout(yaxis_title="journeys")
        return apply_base_layout(fig, title=kwargs.get("title", "Journey outcomes"))


_OUTCOMES = ("success", "failure", "abandoned", "open")


@dataclass(frozen=True)
class JourneyKPIResult(_Result):
    """Journey KPIs, overall and per segment (``log.journey_kpis()``).

    ``.table``: ``segment``, ``started``, ``completed``, ``completion_rate`` with
    ``ci_low``/``ci_high`` (Wilson), ``median_time_to_complete``, ``p90_time_to_complete``,
    ``top_drop_off`` (last event of abandoned/failed journeys), and with surveys ``csat``
    (mean, ``csat_ci_low``/``csat_ci_high`` t-interval, ``n_csat``) and ``nps`` (with
    ``nps_ci_low``/``nps_ci_high``, ``n_nps``).
    """

    confidence: float = 0.95

    def summary(self) -> str:
        lines = [f"Journey KPIs ({int(self.confidence * 100)}% intervals)"]
        for row in self.table.to_dict("records"):
            line = (
                f"  {row['segment']}: {row['started']} started, completion "
                f"{row['completion_rate']:.1%} [{row['ci_low']:.1%}, {row['ci_high']:.1%}], "
                f"median {_td(row['median_time_to_complete'])}, "
                f"p90 {_td(row['p90_time_to_complete'])}"
            )
            if "csat" in row and not pd.isna(row["csat"]):
                line += f", CSAT {row['csat']:.2f}"
            if "nps" in row and not pd.isna(row["nps"]):
                line += f", NPS {row['nps']:.0f}"
            lines.append(line)
        return SummaryText("\n".join(lines))

    def plot(self, **kwargs: Any) -> Any:
        """Completion rate per segment with its interval."""
        import plotly.graph_objects as go

        from cjlib.plot._style import apply_base_layout, color_for

        t = self.table
        fig = go.Figure(
            go.Bar(
                x=t["segment"].astype(str),
                y=t["completion_rate"],
                marker_color=color_for(0),
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": t["ci_high"] - t["completion_rate"],
                    "arrayminus": t["completion_rate"] - t["ci_low"],
                },
            )
        )
        fig.update_layout(yaxis_title="completion rate", yaxis_tickformat=".0%")
        return apply_base_layout(fig, title=kwargs.get("title", "Journey completion"))


@dataclass(frozen=True)
class SignalsResult(_Result):
    """Per-customer signals (``log.signals()``): one row per customer, one column per signal.

    The first column is the customer id in the name and dtype of the column the log was built
    from (``customer_col``), so the table merges into the user's customer table as it is.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjlib.events import EventLog, count, flag
    >>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
    ...     "event": ["call", "call", "visit"]}))
    >>> res = log.signals([count("call", name="calls"), flag("visit")])
    >>> res.names
    ('calls', 'has_visit')
    """

    spec: tuple[Any, ...] = ()
    customer_col: str = "customer_id"

    @property
    def names(self) -> tuple[str, ...]:
        """The signal names, in spec order: the table's columns after the customer id.

        Pass them on, e.g. ``link(table, outcome="churned", signals=res.names)`` (``link``
        takes flags and counts; leave out time signals such as ``first_time``).
        """
        return tuple(sig.name for sig in self.spec)

    def summary(self) -> str:
        t = self.table
        lines = [f"Signals: {_count(len(t), 'customer')} × {_count(t.shape[1] - 1, 'signal')}"]
        for sig in self.spec:
            col = t[sig.name]
            if col.dtype == bool:
                lines.append(f"  {sig.name}: {col.mean():.1%} of customers")
            elif pd.api.types.is_timedelta64_dtype(col):
                lines.append(f"  {sig.name}: median {_td(col.median())}, {col.isna().sum()} n/a")
            elif pd.api.types.is_numeric_dtype(col):
                lines.append(f"  {sig.name}: mean {col.mean():.3g}, median {col.median():.3g}")
            else:
                lines.append(f"  {sig.name}: {_count(col.notna().sum(), 'customer')} with a value")
        return SummaryText("\n".join(lines))

    def plot(self, **kwargs: Any) -> Any:
        """Share of customers with each flag / mean of each count signal (bar chart)."""
        import plotly.graph_objects as go

        from cjlib.plot._style import apply_base_layout, color_for

        t = self.table
        flags = [s.name for s in self.spec if t[s.name].dtype == bool]
        fig = go.Figure(
            go.Bar(
                x=[t[f].mean() for f in flags], y=flags, orientation="h", marker_color=color_for(0)
            )
        )
        fig.update_layout(xaxis_title="share of customers", xaxis_tickformat=".0%")
        return apply_base_layout(fig, title=kwargs.get("title", "Signal prevalence"))


@dataclass(frozen=True)
class ConformanceResult(_Result):
    """Designed versus observed stage order (``log.conformance(journey_map)``).

    ``.table``: per stage ``stage``, ``customers`` (who reached it), ``skipped`` (customers
    who reached a later stage without it), ``backtracks`` (customers who returned to it
    from a later stage), ``loops`` (customers who re-entered it).
    """

    conforming_share: float = 0.0
    n_customers: int = 0
    unused_touchpoints: tuple[str, ...] = ()
    off_map_events: pd.DataFrame = field(default_factory=pd.DataFrame)
    off_map_share: float = 0.0

    def summary(self) -> str:
        lines = [
            f"Conformance: {self.conforming_share:.1%} of {_count(self.n_customers, 'customer')} "
            "follow "
            f"the designed stage order; {self.off_map_share:.1%} of events are off-map",
        ]
        for row in self.table.itertuples(index=False):
            lines.append(
                f"  {row.stage}: reached by {row.customers}, skipped by {row.skipped}, "
                f"backtracked to by {row.backtracks}, looped by {row.loops}"
            )
        if self.unused_touchpoints:
            lines.append("  touchpoints nobody used: " + ", ".join(self.unused_touchpoints))
        if len(self.off_map_events):
            top = self.off_map_events.head(5)
            lines.append(
                "  frequent off-map events: "
                + ", ".join(f"{e} ({n})" for e, n in zip(top["event"], top["n"], strict=True))
            )
        return SummaryText("\n".join(lines))

    def plot(self, **kwargs: Any) -> Any:
        """Grouped bars: customers reaching, skipping, backtracking to and looping each stage."""
        import plotly.graph_objects as go

        from cjlib.plot._style import apply_base_layout, color_for

        t = self.table
        fig = go.Figure()
        for i, col in enumerate(("customers", "skipped", "backtracks", "loops")):
            fig.add_bar(x=t["stage"], y=t[col], name=col, marker_color=color_for(i))
        fig.update_layout(barmode="group", yaxis_title="customers")
        title = f"Designed vs observed: {self.conforming_share:.0%} follow the stage order"
        return apply_base_layout(fig, title=kwargs.get("title", title))


@dataclass(frozen=True)
class PathsResult(_Result):
    """Customer paths up to the first conversion (``log.paths()``).

    ``.table`` columns: ``path`` (steps joined by ``">"``), ``conversions``, ``nulls``.
    """

    conversion_event: str = ""
    by: str = "event"
    n_direct: int = 0

    def summary(self) -> str:
        t = self.table
        return SummaryText(
            f"Paths by {self.by} to {self.conversion_event!r}: {len(t)} distinct paths, "
            f"{int(t['conversions'].sum())} conversions, {int(t['nulls'].sum())} without"
        )

    def plot(self, *, top: int = 15, **kwargs: Any) -> Any:
        """Horizontal bars of the most frequent paths, split by outcome."""
        import plotly.graph_objects as go

        from cjlib.plot._style import apply_base_layout, color_for

        t = self.table.assign(total=self.table["conversions"] + self.table["nulls"])
        t = t.nlargest(top, "total").iloc[::-1]
        fig = go.Figure()
        fig.add_bar(y=t["path"], x=t["conversions"], name="converted", orientation="h",
                    marker_color=color_for(2))
        fig.add_bar(y=t["path"], x=t["nulls"], name="not converted", orientation="h",
                    marker_color="#9e9e9e")
        fig.update_layout(barmode="stack", xaxis_title="customers")
        return apply_base_layout(fig, title=kwargs.get("title", "Most frequent paths"))
