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

from typing import Any

import pandas as pd

from cjlib.errors import DataError
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
    # plotly draws the last column's labels to the left of its nodes, over the labels of the
    # column before; the columns end at _LAST_X and the last one is labelled on its right
    for k, step in enumerate(steps):
        here = [(item, v) for (s, item), v in volume.items() if s == step and v > 0]
        here.sort(key=lambda iv: (iv[0] == _DROP_OFF, iv[0] == _OTHER, -iv[1], iv[0]))
        total = sum(v for _, v in here) or 1
        y = 0.02
        for item, v in here:
            share = v / total * 0.86
            nodes.append((step, item))
            xs.append(_column_x(k, span))
            ys.append(min(max(y + share / 2, 0.01), 0.99))
            y += share + 0.12 / max(len(here), 1)
    index = {node: i for i, node in enumerate(nodes)}
    link_colour = [
        _rgba(colours.get(s, NEUTRAL), 0.15 if tgt == _DROP_OFF else 0.4)
        for s, tgt in zip(t["source"], t["target"], strict=True)
    ]
    labels = [
        f"{'drop-off' if item == _DROP_OFF else item} ({volume[(step, item)]:,})"
        for step, item in nodes
    ]
    last = steps[-1]
    fig = go.Figure(
        go.Sankey(
            # "fixed" keeps nodes where they are computed here, so the last column's labels
            # (annotations) stay beside their nodes
            arrangement="fixed",
            textfont={"size": 11},
            node={
                "label": ["" if step == last else text for (step, _), text in zip(
                    nodes, labels, strict=True
                )],
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
                "target": [
                    index[(s + 1, b)] for s, b in zip(t["step"], t["target"], strict=True)
                ],
                "value": t["n"].tolist(),
                "color": link_colour,
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,}<extra></extra>",
            },
        )
    )
    for k, step in enumerate(steps):
        label = f"step {step + 1}" if anchor is None else (
            f"{anchor}" if step == 0 else f"{step:+d}"
        )
        fig.add_annotation(
            x=_column_x(k, span),
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
                x=_column_x(len(steps) - 1, span) + 0.012,
                y=1 - y,  # node y counts from the top, paper y from the bottom
                xref="paper",
                yref="paper",
                xanchor="left",
                text=text,
                showarrow=False,
                font={"size": 11},
            )
    apply_base_layout(fig, title=title, height=height)
    fig.update_layout(margin={"l": 20, "r": 20, "t": 100 if title else 50, "b": 20})
    return fig


_LAST_X = 0.78  # where the last column of nodes stands; its labels use the space to its right


def _column_x(k: int, span: int) -> float:
    """Horizontal position (0-1) of the k-th of ``span + 1`` columns."""
    return 0.01 + (_LAST_X - 0.01) * k / span


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
        fig, title=title or "Which event follows which (share of the row's transitions)",
        height=max(420, 26 * len(keep) + 180),
    )
