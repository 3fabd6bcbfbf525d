"""Sankey diagram of step-by-step journey flows, and a transition heatmap.

Examples
--------
>>> import pandas as pd
>>> from cjlib.plot import sankey
>>> flows = pd.DataFrame({"step": [0, 0], "source": ["visit", "visit"],
...                       "target": ["buy", "(drop-off)"], "n": [3, 7]})
>>> fig = sankey(flows)
>>> fig.data[0].type
'sankey'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from cjlib.errors import DataError
from cjlib.plot._labels import shorten, text_size
from cjlib.plot._style import NEUTRAL, PALETTE, apply_base_layout

__all__ = ["sankey", "transition_heatmap"]

_DROP_OFF = "(drop-off)"
_OTHER = "other"
_DROP_COLOUR = "#e0e0e0"
_OTHER_COLOUR = "#bdbdbd"


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _flows_table(flows: Any) -> tuple[pd.DataFrame, str | None]:
    anchor = getattr(flows, "anchor", None)
    table = getattr(flows, "table", flows)
    if not isinstance(table, pd.DataFrame):
        raise DataError(
            f"flows must be a StepFlowsResult or a DataFrame; got {type(flows).__name__}"
        )
    missing = [c for c in ("step", "source", "target", "n") if c not in table.columns]
    if missing:
        raise DataError(
            f"flows is missing columns {missing}; expected step, source, target, n "
            "(the table of log.step_flows())"
        )
    return table, anchor


def sankey(
    flows: Any,
    *,
    title: str | None = "Customer journeys, step by step",
    height: int = 560,
    min_share: float = 0.0,
    names: Any = None,
    width: int | None = None,
) -> Any:
    """A readable Sankey diagram of step flows.

    Columns of nodes are steps; each item keeps one colour across steps; ended journeys flow
    into grey ``(drop-off)`` nodes at the bottom of the next column, so drop-off is visible.

    Parameters
    ----------
    flows : StepFlowsResult or DataFrame
        ``log.step_flows()`` or its ``.table`` (``step``, ``source``, ``target``, ``n``).
    title : str, optional
        Figure title (``None`` for none).
    height : int
        Figure height in pixels.
    min_share : float
        Hide links carrying less than this share of their step's customers (0 keeps all).
    names : JourneyMap or mapping, optional
        Display names of the items: a journey map names its stages and touchpoints (the flows
        hold their ids); a mapping ``id -> name`` for anything else. Unnamed items keep their
        value.
    width : int, optional
        Figure width in pixels (default: the page's). The columns stretch across it, leaving
        just the room the last column's labels need.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> fig = log.step_flows(max_steps=5).plot()  # doctest: +SKIP
    """
    import plotly.graph_objects as go

    table, anchor = _flows_table(flows)
    if table.empty:
        raise DataError("flows is empty: there is nothing to draw")
    t = table.copy()
    if min_share > 0:
        totals = t.groupby("step")["n"].transform("sum")
        t = t[t["n"] / totals >= min_share]
    steps = sorted(set(t["step"]) | set(t["step"] + 1))
    volume: dict[tuple[int, str], int] = {}
    for row in t.itertuples(index=False):
        volume[(row.step, row.source)] = volume.get((row.step, row.source), 0)
        volume[(row.step + 1, row.target)] = volume.get((row.step + 1, row.target), 0) + row.n
    out_volume = t.groupby(["step", "source"])["n"].sum()
    for (step, source), n in out_volume.items():
        volume[(step, source)] = max(volume.get((step, source), 0), int(n))
    items = (
        pd.Series(volume)
        .groupby(level=1)
        .sum()
        .drop([_DROP_OFF, _OTHER], errors="ignore")
        .sort_values(ascending=False)
    )
    colours = {item: PALETTE[i % len(PALETTE)] for i, item in enumerate(items.index)}
    colours[_DROP_OFF] = _DROP_COLOUR
    colours[_OTHER] = _OTHER_COLOUR
    nodes: list[tuple[int, str]] = []
    xs: list[float] = []
    ys: list[float] = []
    span = max(len(steps) - 1, 1)
    shown = _display_names(names)
    last_x = _last_column_x(
        [shown.get(item, item) for (s, item), v in volume.items() if s == steps[-1] and v > 0],
        max(volume.values(), default=0),
        width or _ASSUMED_WIDTH,
    )
    extent: dict[tuple[int, str], tuple[float, float]] = {}
    # plotly draws the last column's labels to the left of its nodes, over the labels of the
    # column before; the columns end at last_x and the last one is labelled on its right
    for k, step in enumerate(steps):
        here = [(item, v) for (s, item), v in volume.items() if s == step and v > 0]
        here.sort(key=lambda iv: (iv[0] == _DROP_OFF, iv[0] == _OTHER, -iv[1], iv[0]))
        total = sum(v for _, v in here) or 1
        y = 0.02
        for item, v in here:
            share = v / total * 0.86
            nodes.append((step, item))
            xs.append(_column_x(k, span, last_x))
            ys.append(min(max(y + share / 2, 0.01), 0.99))
            extent[(step, item)] = (y, y + share)
            y += share + 0.12 / max(len(here), 1)
    index = {node: i for i, node in enumerate(nodes)}
    link_colour = [
        _rgba(colours.get(s, NEUTRAL), 0.15 if tgt == _DROP_OFF else 0.4)
        for s, tgt in zip(t["source"], t["target"], strict=True)
    ]
    labels = [
        f"{'drop-off' if item == _DROP_OFF else shown.get(item, item)} ({volume[(step, item)]:,})"
        for step, item in nodes
    ]
    last = steps[-1]
    # an inner column's labels must end before the next column's nodes (hover has them whole)
    gap = (last_x - 0.01) / span * ((width or _ASSUMED_WIDTH) - 40) - 26
    fig = go.Figure(
        go.Sankey(
            # "fixed" keeps nodes where they are computed here, so the last column's labels
            # (annotations) stay beside their nodes
            arrangement="fixed",
            textfont={"size": _FONT},
            node={
                "label": [
                    ""
                    if step == last
                    else _fit(item, shown, volume[(step, item)], gap)
                    if _blocked(extent, step, extent[(step, item)], 24 / height)
                    else text
                    for (step, item), text in zip(nodes, labels, strict=True)
                ],
                "customdata": labels,
                "color": [colours.get(item, NEUTRAL) for _, item in nodes],
                "x": xs,
                "y": ys,
                "pad": 12,
                "thickness": 14,
                "line": {"width": 0},
                "hovertemplate": "%{customdata}<extra></extra>",
            },
            link={
                "source": [index[(s, a)] for s, a in zip(t["step"], t["source"], strict=True)],
                "target": [index[(s + 1, b)] for s, b in zip(t["step"], t["target"], strict=True)],
                "value": t["n"].tolist(),
                "color": link_colour,
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,}<extra></extra>",
            },
        )
    )
    for k, step in enumerate(steps):
        label = (
            f"step {step + 1}" if anchor is None else (f"{anchor}" if step == 0 else f"{step:+d}")
        )
        fig.add_annotation(
            x=_column_x(k, span, last_x),
            y=1.06,
            xref="paper",
            yref="paper",
            text=f"<b>{label}</b>",
            showarrow=False,
            font={"size": 12, "color": "#546e7a"},
        )
    for (step, _), text, y in zip(nodes, labels, ys, strict=True):
        if step == last:
            fig.add_annotation(
                x=_column_x(len(steps) - 1, span, last_x) + 0.012,
                y=1 - y,  # node y counts from the top, paper y from the bottom
                xref="paper",
                yref="paper",
                xanchor="left",
                text=text,
                showarrow=False,
                font={"size": _FONT},
            )
    apply_base_layout(fig, title=title, height=height)
    if width is not None:
        fig.update_layout(width=width)
    fig.update_layout(margin={"l": 20, "r": 20, "t": 100 if title else 50, "b": 20})
    return fig


_FONT = 12
#: Width the last column's label room is computed for when the figure has none (a report or
#: notebook column); wider pages leave a little more room, never less.
_ASSUMED_WIDTH = 960


def _display_names(names: Any) -> dict[str, str]:
    """``id -> name`` from a JourneyMap (stages and touchpoints) or a mapping."""
    if names is None:
        return {}
    stages = getattr(names, "stages", None)
    if stages is not None:
        shown = {stage.id: stage.name for stage in stages}
        shown.update({tp.id: tp.name for tp in getattr(names, "touchpoints", ())})
        return {k: v for k, v in shown.items() if v}
    if isinstance(names, Mapping):
        return {str(k): str(v) for k, v in names.items()}
    raise DataError(
        f"names: expected a JourneyMap or a mapping id -> name, got {type(names).__name__}"
    )


def _blocked(
    extent: dict[tuple[int, str], tuple[float, float]],
    step: int,
    span: tuple[float, float],
    label_height: float,
) -> bool:
    """True when a node of the next column stands level with this node's label."""
    centre = (span[0] + span[1]) / 2
    low, high = centre - label_height / 2, centre + label_height / 2
    return any(
        s == step + 1 and top < high and low < bottom for (s, _), (top, bottom) in extent.items()
    )


def _fit(item: str, shown: dict[str, str], n: int, room: float) -> str:
    """``name (n)`` with the name shortened until the label fits ``room`` pixels."""
    name = "drop-off" if item == _DROP_OFF else shown.get(item, item)
    count = f" ({n:,})"
    for limit in range(len(name), 3, -1):
        text = shorten(name, limit) + count
        # Helvetica/Arial metrics (what browsers and kaleido pick from cjlib's font stack):
        # text_size errs towards the wider DejaVu Sans by about a sixth
        if text_size(text, _FONT)[0] * 0.85 <= room:
            return text
    return shorten(name, 4) + count


def _last_column_x(items: list[str], biggest: int, width: int) -> float:
    """Where the last column stands: as far right as its widest label (drawn right of it) allows."""
    longest = max(
        (text_size(f"{item} ({biggest:,})", _FONT)[0] for item in [*items, "drop-off"]),
        default=0.0,
    )
    plot_width = width - 40  # the figure's left and right margins
    return min(max(1 - (longest + 24) / plot_width, 0.6), 0.95)


def _column_x(k: int, span: int, last_x: float) -> float:
    """Horizontal position (0-1) of the k-th of ``span + 1`` columns."""
    return 0.01 + (last_x - 0.01) * k / span


def transition_heatmap(table: pd.DataFrame, *, top: int = 25, title: str | None = None) -> Any:
    """Heatmap of transition shares: rows are events, columns the next event.

    Parameters
    ----------
    table : DataFrame
        ``log.transitions().table``.
    top : int
        Show the ``top`` most frequent events.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    if table.empty:
        raise DataError("the transitions table is empty: there is nothing to draw")
    volume = table.groupby("event")["n"].sum().sort_values(ascending=False)
    keep = list(volume.index[:top])
    ends = ["(end)"] if table["next_event"].eq("(end)").any() else []  # include_end=True
    columns = keep + ends
    t = table[table["event"].isin(keep) & table["next_event"].isin(columns)]
    t = t.groupby(["event", "next_event"], as_index=False).agg(
        n=("n", "sum"), share=("share", "sum")
    )
    grid = t.pivot(index="event", columns="next_event", values="share").reindex(
        index=keep, columns=columns
    )
    counts = t.pivot(index="event", columns="next_event", values="n").reindex(
        index=keep, columns=columns
    )
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=columns,
            y=keep,
            customdata=counts.to_numpy(),
            colorscale="Blues",
            zmin=0,
            zmax=float(min(1.0, max(0.05, t["share"].max()))),
            colorbar={"title": "share", "tickformat": ".0%"},
            hovertemplate="%{y} → %{x}<br>share %{z:.1%}<br>n = %{customdata:,}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title="event")
    fig.update_xaxes(title="next event", tickangle=-35)
    return apply_base_layout(
        fig,
        title=title or "Which event follows which (share of the row's transitions)",
        height=max(420, 26 * len(keep) + 180),
    )
