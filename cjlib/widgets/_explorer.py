"""JourneyExplorer: filter events; the Sankey, funnel, emotion curve and KPIs follow together."""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from cjlib.errors import CjlibError, DataError
from cjlib.map import JourneyMap
from cjlib.widgets._display import show_figure, show_message
from cjlib.widgets._slice import JourneySlice, slice_journey_data

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.action import MeasuredMap
    from cjlib.events import EventLog

__all__ = ["JourneyExplorer"]

ALL = "(all)"
_LABEL = {"description_width": "70px"}
_STAGE_KPIS = [
    "stage",
    "name",
    "reach",
    "share",
    "conversion_next",
    "drop_off",
    "median_days_in_stage",
    "csat",
    "nps",
    "measured_emotion",
]


def _date(value: Any) -> _dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


class JourneyExplorer:
    """Explore an event log in a notebook: filters, Sankey, funnel, emotion curve and KPIs.

    Pick a persona or segment (through the customers table), a date range and channels; the
    Sankey of step flows, the funnel, the emotion curve (designed versus measured when a map
    and surveys are given) and the KPI table are all recomputed together for the filtered
    data. Everything goes through public headless functions, so every view can be scripted:
    :func:`cjlib.widgets.slice_journey_data` filters, :meth:`cjlib.EventLog.step_flows`,
    :meth:`~cjlib.EventLog.funnel` and :func:`cjlib.measure` compute, and
    :func:`cjlib.plot.sankey`, :func:`cjlib.plot.funnel` and :func:`cjlib.plot.emotion_curve`
    draw.

    Parameters
    ----------
    log : EventLog
        The events.
    journey_map : JourneyMap, optional
        The designed map: the Sankey and funnel then run on its stages, and the emotion curve
        and the per-stage KPIs (:func:`cjlib.measure`) become available.
    surveys : DataFrame, optional
        Survey answers (the surveys contract): adds the measured emotion, CSAT and NPS.
    customers : DataFrame, optional
        The customers contract: enables the persona and segment filters.
    funnel_steps : list, optional
        Funnel steps (event names, or stage/touchpoint ids with ``funnel_level``); default:
        the map's stages in order. Without a map and without steps no funnel is drawn.
    funnel_level : {"event", "touchpoint", "stage"}, optional
        What ``funnel_steps`` name (default ``"stage"`` with a map, else ``"event"``).
    max_steps : int, default 6
        Steps shown in the Sankey.

    Attributes
    ----------
    widget : ipywidgets.Widget
        The whole explorer (displaying the explorer displays this).
    slice : JourneySlice
        The filtered events, customers and surveys currently shown.
    measured : MeasuredMap or None
        :func:`cjlib.measure` on the filtered data (None without a map).
    kpis : pandas.DataFrame
        The KPI table currently shown.
    figures : dict of str to plotly Figure
        ``"sankey"``, ``"funnel"`` and ``"emotion"`` (those that could be drawn).

    Examples
    --------
    >>> import cjlib
    >>> from cjlib.datasets import load_map, simulate
    >>> jm = load_map("telco")
    >>> data = simulate(jm, 200, seed=1)
    >>> log = cjlib.EventLog.from_pandas(data.events)
    >>> ex = JourneyExplorer(log, jm, surveys=data.surveys, customers=data.customers)
    >>> ex.persona.value = "family"
    >>> set(ex.slice.customers["persona"])
    {'family'}
    >>> ex  # doctest: +SKIP
    """

    def __init__(
        self,
        log: EventLog,
        journey_map: JourneyMap | None = None,
        surveys: pd.DataFrame | None = None,
        customers: pd.DataFrame | None = None,
        *,
        funnel_steps: Sequence[str | Sequence[str]] | None = None,
        funnel_level: str | None = None,
        max_steps: int = 6,
    ) -> None:
        from cjlib.events import EventLog

        if not isinstance(log, EventLog):
            raise DataError(f"log must be a cjlib.EventLog; got {type(log).__name__}")
        if journey_map is not None and not isinstance(journey_map, JourneyMap):
            raise DataError(
                f"journey_map must be a JourneyMap or None; got {type(journey_map).__name__}"
            )
        for name, frame in (("surveys", surveys), ("customers", customers)):
            if frame is not None and not isinstance(frame, pd.DataFrame):
                raise DataError(f"{name} must be a DataFrame or None; got {type(frame).__name__}")
        if customers is not None and "customer_id" not in customers.columns:
            raise DataError("customers: column 'customer_id' not found")
        if not isinstance(max_steps, int) or max_steps < 1:
            raise DataError(f"max_steps must be a positive integer; got {max_steps!r}")
        if funnel_level is not None and funnel_level not in ("event", "touchpoint", "stage"):
            raise DataError(
                f"funnel_level must be 'event', 'touchpoint' or 'stage'; got {funnel_level!r}"
            )
        if funnel_level in ("touchpoint", "stage") and journey_map is None:
            raise DataError(f"funnel_level={funnel_level!r} needs a journey_map")
        self.journey_map = journey_map
        self._log = log if journey_map is None else log.bind(journey_map)
        self._surveys = surveys
        self._customers = customers
        self.max_steps = max_steps
        if funnel_steps is None and journey_map is not None:
            self.funnel_steps: list[Any] | None = [st.id for st in journey_map.stages]
            self.funnel_level = funnel_level or "stage"
        else:
            self.funnel_steps = None if funnel_steps is None else list(funnel_steps)
            self.funnel_level = funnel_level or "event"
        self.slice: JourneySlice
        self.measured: MeasuredMap | None = None
        self.kpis = pd.DataFrame()
        self.figures: dict[str, Any] = {}
        self._syncing = False
        self._build_controls()
        self._layout()
        self.refresh()

    # -- construction ---------------------------------------------------------------------
    def _build_controls(self) -> None:
        customers = self._customers
        jm = self.journey_map

        def options(col: str) -> list[Any]:
            if customers is None or col not in customers.columns:
                return [(ALL, ALL)]
            values = sorted(customers[col].dropna().astype(str).unique())
            names = {p.id: p.name for p in jm.personas} if col == "persona" and jm else {}
            return [(ALL, ALL), *((names.get(v, v), v) for v in values)]

        persona_options, segment_options = options("persona"), options("segment")
        self.persona = widgets.Dropdown(
            description="Persona",
            options=persona_options,
            value=ALL,
            style=_LABEL,
            disabled=len(persona_options) == 1,
        )
        self.segment = widgets.Dropdown(
            description="Segment",
            options=segment_options,
            value=ALL,
            style=_LABEL,
            disabled=len(segment_options) == 1,
        )
        first, last = self._period()
        self.start_date = widgets.DatePicker(description="From", value=first, style=_LABEL)
        self.end_date = widgets.DatePicker(description="To", value=last, style=_LABEL)
        self._full_period = (first, last)
        channels = self._channels()
        self.channels = widgets.SelectMultiple(
            description="Channels",
            options=channels,
            value=(),
            rows=min(6, max(2, len(channels))),
            style=_LABEL,
            tooltip="None selected = every channel",
            disabled=not channels,
        )
        self._channels_hint = widgets.HTML(
            '<div style="font-size:11px;color:#78909c;margin-left:74px">none selected = all; '
            "Ctrl/Shift-click for several</div>"
        )
        self.reset_button = widgets.Button(description="Reset filters", icon="undo")
        self.reset_button.on_click(lambda _: self.reset())
        self.status = widgets.HTML()
        self.error = widgets.HTML()
        self.sankey_out = widgets.Output()
        self.funnel_out = widgets.Output()
        self.emotion_out = widgets.Output()
        self.kpi_table = widgets.HTML()
        for control in (self.persona, self.segment, self.start_date, self.end_date, self.channels):
            control.observe(self._on_change, names="value")

    def _layout(self) -> None:
        filters = widgets.HBox(
            [
                widgets.VBox([self.persona, self.segment]),
                widgets.VBox([self.start_date, self.end_date]),
                widgets.VBox([self.channels, self._channels_hint]),
                widgets.VBox([self.reset_button]),
            ],
            layout=widgets.Layout(flex_flow="row wrap", grid_gap="12px"),
        )
        tabs = widgets.Tab(
            children=[self.sankey_out, self.funnel_out, self.emotion_out, self.kpi_table]
        )
        for i, title in enumerate(["Sankey", "Funnel", "Emotion curve", "KPIs"]):
            tabs.set_title(i, title)
        self.tabs = tabs
        self.widget = widgets.VBox([filters, self.status, self.error, tabs])

    def _period(self) -> tuple[_dt.date | None, _dt.date | None]:
        t = self._log.to_ibis()
        row = t.aggregate(first=t.timestamp.min(), last=t.timestamp.max()).to_pandas().iloc[0]
        return _date(row["first"]), _date(row["last"])

    def _channels(self) -> list[str]:
        return list(self._log.channel_names)

    # -- reacting -------------------------------------------------------------------------
    def _on_change(self, _change: Any) -> None:
        if not self._syncing:
            self.refresh()

    def reset(self) -> None:
        """Clear every filter (everyone, the whole period, every channel) and redraw."""
        self._syncing = True
        try:
            self.persona.value = ALL
            self.segment.value = ALL
            self.start_date.value, self.end_date.value = self._full_period
            self.channels.value = ()
        finally:
            self._syncing = False
        self.refresh()

    def filters(self) -> dict[str, Any]:
        """The current filter as keyword arguments of :func:`slice_journey_data`.

        The "To" date is inclusive: ``end`` is the day after it.
        """
        start, end = self.start_date.value, self.end_date.value
        first, last = self._full_period
        return {
            "personas": None if self.persona.value == ALL else self.persona.value,
            "segments": None if self.segment.value == ALL else self.segment.value,
            "channels": list(self.channels.value) or None,
            # the whole period is no filter (and reads as such in the description)
            "start": None if start is None or (first and start <= first) else start,
            "end": None if end is None or (last and end >= last) else end + _dt.timedelta(days=1),
        }

    def refresh(self) -> None:
        """Filter the data and recompute every view (called after each filter change)."""
        self.status.value = '<div style="font-size:13px;color:#78909c">Updating&hellip;</div>'
        try:
            first, last = self.start_date.value, self.end_date.value
            if first is not None and last is not None and first > last:
                raise DataError(f"the From date ({first}) is after the To date ({last})")
            self.slice = slice_journey_data(
                self._log, customers=self._customers, surveys=self._surveys, **self.filters()
            )
        except CjlibError as exc:
            self.error.value = f'<div style="color:#b71c1c">{html.escape(str(exc))}</div>'
            return
        self.error.value = ""
        log = self.slice.log
        n_events = log.n_events
        self.status.value = (
            f'<div style="font-size:13px;color:#37474f"><b>{n_events:,}</b> events, '
            f"<b>{log.n_customers:,}</b> customers &middot; "
            f"{html.escape(self.slice.description)}</div>"
        )
        self.figures = {}
        self.measured = None
        if n_events == 0:
            self.kpis = pd.DataFrame()
            self.kpi_table.value = "<p>No events match the filter.</p>"
            for out in (self.sankey_out, self.funnel_out, self.emotion_out):
                show_message(out, "No events match the filter.")
            return
        self._draw_sankey(log)
        self._draw_funnel(log)
        self._measure_and_draw_emotion(log)
        self._fill_kpis(log)

    def _draw_sankey(self, log: EventLog) -> None:
        from cjlib.plot import sankey

        level = "stage" if self.journey_map is not None else "event"
        flows = log.step_flows(max_steps=self.max_steps, level=level)
        self.figures["sankey"] = sankey(flows, title=f"Journeys by {level}, step by step")
        show_figure(self.sankey_out, self.figures["sankey"])

    def _draw_funnel(self, log: EventLog) -> None:
        from cjlib.plot import funnel

        if not self.funnel_steps:
            show_message(self.funnel_out, "Pass funnel_steps=[...] or a journey map for a funnel.")
            return
        result = log.funnel(self.funnel_steps, level=self.funnel_level)
        self.figures["funnel"] = funnel(result)
        show_figure(self.funnel_out, self.figures["funnel"])

    def _measure_and_draw_emotion(self, log: EventLog) -> None:
        from cjlib.action import measure
        from cjlib.plot import emotion_curve

        jm = self.journey_map
        if jm is None:
            show_message(self.emotion_out, "Pass a journey map for the emotion curve.")
            return
        self.measured = measure(jm, log, surveys=self.slice.surveys, customers=self.slice.customers)
        self.figures["emotion"] = emotion_curve(
            jm, measured=self.measured if self.slice.surveys is not None else None
        )
        show_figure(self.emotion_out, self.figures["emotion"])

    def _fill_kpis(self, log: EventLog) -> None:
        if self.measured is not None:
            stages = self.measured.stages
            self.kpis = stages[[c for c in _STAGE_KPIS if c in stages.columns]]
        else:
            t = log.to_ibis()
            row = t.aggregate(first=t.timestamp.min(), last=t.timestamp.max()).to_pandas()
            n, c = log.n_events, log.n_customers
            self.kpis = pd.DataFrame(
                {
                    "kpi": [
                        "events",
                        "customers",
                        "events per customer",
                        "first event",
                        "last event",
                    ],
                    "value": [
                        n,
                        c,
                        round(n / c, 2),
                        str(row.iloc[0]["first"]),
                        str(row.iloc[0]["last"]),
                    ],
                }
            )
        shown = self.kpis.copy()
        for col in ("share", "conversion_next", "drop_off"):
            if col in shown.columns:  # rates read best as percentages in a room
                shown[col] = shown[col].map(lambda v: "–" if pd.isna(v) else f"{v:.0%}")
        shown.columns = [str(c).replace("_", " ") for c in shown.columns]
        self.kpi_table.value = shown.to_html(
            index=False,
            border=0,
            na_rep="–",
            float_format=lambda v: f"{v:.3g}",
            classes="cj-kpis",
        )

    # -- display --------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<JourneyExplorer: {self.slice.description}>"
