"""Funnel chart of ``log.funnel()`` with conversion rates and their intervals.

Examples
--------
>>> import pandas as pd
>>> from cjlib.plot import funnel
>>> table = pd.DataFrame({"step": [0, 1], "name": ["visit", "buy"], "customers": [100, 30],
...     "conversion_from_start": [1.0, 0.3], "ci_low_start": [0.96, 0.22],
...     "ci_high_start": [1.0, 0.4], "conversion_from_previous": [1.0, 0.3],
...     "ci_low_previous": [0.96, 0.22], "ci_high_previous": [1.0, 0.4],
...     "median_time_from_previous": pd.to_timedelta([None, "2h"])})
>>> funnel(table).data[0].orientation
'h'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cjlib.errors import DataError
from cjlib.plot._style import PALETTE, apply_base_layout

__all__ = ["funnel"]

_REQUIRED = (
    "name",
    "customers",
    "conversion_from_start",
    "ci_low_start",
    "ci_high_start",
    "conversion_from_previous",
)


# share of the plot width given to the bars; the text column starts just right of it
_BAR_DOMAIN_END = 0.55
_TEXT_COLUMN_X = 0.58


def _duration(td: Any) -> str:
    if td is None or pd.isna(td):
        return ""
    secs = pd.Timedelta(td).total_seconds()
    if secs < 120:
        return f"{secs:.0f} s"
    if secs < 2 * 3600:
        return f"{secs / 60:.0f} min"
    if secs < 3 * 86400:
        return f"{secs / 3600:.1f} h"
    return f"{secs / 86400:.1f} d"


def funnel(result: Any, *, title: str | None = None, height: int | None = None) -> Any:
    """Horizontal funnel: customers per step, % of start with its interval, % of previous.

    Parameters
    ----------
    result : FunnelResult or DataFrame
        ``log.funnel(...)`` or its ``.table``.
    title : str, optional
        Figure title; by default it states the funnel's ordering and window.
    height : int, optional
        Figure height in pixels; by default it grows with the number of steps.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> fig = log.funnel(["visit", "signup", "buy"]).plot()  # doctest: +SKIP
    """
    import plotly.graph_objects as go

    table = getattr(result, "table", result)
    if not isinstance(table, pd.DataFrame):
        raise DataError(
            f"result must be a FunnelResult or a DataFrame; got {type(result).__name__}"
        )
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise DataError(f"the funnel table is missing columns {missing}")
    if table.empty:
        raise DataError("the funnel table is empty: there is nothing to draw")
    t = table.reset_index(drop=True)
    labels = [f"{i + 1}. {name}" for i, name in enumerate(t["name"])]
    texts = []
    for i, row in t.iterrows():
        text = f"<b>{int(row['customers']):,}</b>"
        if i:  # two short lines, so the column fits beside the bars at 700 px
            text += (
                f"  ·  {row['conversion_from_start']:.1%} of start "
                f"[{row['ci_low_start']:.1%}–{row['ci_high_start']:.1%}]"
                f"<br>{row['conversion_from_previous']:.1%} of previous"
            )
            if "median_time_from_previous" in t.columns:
                gap = _duration(row["median_time_from_previous"])
                if gap:
                    text += f"  ·  median {gap}"
        texts.append(text)
    base = PALETTE[0]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=t["customers"],
            orientation="h",
            marker={"color": base, "opacity": 0.9},
            hovertemplate="%{y}: %{x:,} customers<extra></extra>",
        )
    )
    start = float(t["customers"].iloc[0]) or 1.0
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=t["conversion_from_start"] * start,
            mode="markers",
            marker={"color": "rgba(0,0,0,0)"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (t["ci_high_start"] - t["conversion_from_start"]) * start,
                "arrayminus": (t["conversion_from_start"] - t["ci_low_start"]) * start,
                "color": "#263238",
                "thickness": 1.5,
                "width": 6,
            },
            hoverinfo="skip",
            showlegend=False,
        )
    )
    ordered = getattr(result, "ordered", True)
    within = getattr(result, "within", None)
    subtitle = ("ordered steps" if ordered else "steps in any order") + (
        f", within {_duration(within)}" if within is not None else ""
    )
    # The numbers sit in one aligned column right of the bars. The bars take a fixed share
    # of the plot width (x domain) and the column is placed in paper coordinates, so it keeps
    # its share at any export width instead of running off the right edge.
    for label, text in zip(labels, texts, strict=True):
        fig.add_annotation(
            x=_TEXT_COLUMN_X,
            xref="paper",
            y=label,
            text=text,
            xanchor="left",
            align="left",
            showarrow=False,
            font={"size": 11},
        )
    fig.update_yaxes(autorange="reversed", title=None, ticksuffix="  ")
    fig.update_xaxes(
        title="customers",
        domain=[0, _BAR_DOMAIN_END],
        range=[0, start * 1.06],
        showgrid=True,
        tickformat=",d",
        tickvals=[round(start * f) for f in (0, 0.5, 1.0)],
    )
    fig.update_layout(showlegend=False, bargap=0.35)
    return apply_base_layout(
        fig,
        title=title or f"Funnel ({subtitle}); bars: customers, whiskers: 95% interval",
        height=height or max(300, 70 * len(t) + 140),
    )
