"""The impact–effort matrix of a prioritised backlog (quick wins, big bets, fill-ins, money pits).

Examples
--------
>>> import pandas as pd
>>> from cjlib.datasets import load_map
>>> from cjlib.action import prioritise
>>> from cjlib.plot._matrix import impact_effort_matrix
>>> moments = pd.DataFrame({"touchpoint": ["dispute"], "pain_point": ["pp_dispute_slow"],
...                         "value_at_risk": [50_000.0], "q": [0.001]})
>>> fig = impact_effort_matrix(prioritise(load_map("telco"), moments))
>>> sorted({t.name for t in fig.data})
['money pit', 'not measured (11)', 'quick win']
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cjlib.errors import DataError
from cjlib.plot._labels import _PAD, Box, place_labels, shorten, text_size
from cjlib.plot._style import NEUTRAL, apply_base_layout

__all__ = ["QUADRANT_COLORS", "impact_effort_matrix"]

QUADRANT_COLORS: dict[str, str] = {
    "quick win": "#2e7d32",
    "big bet": "#0072B2",
    "fill-in": "#8d6e63",
    "money pit": "#c62828",
    "not measured": "#bdbdbd",
}
_EFFORTS = ("S", "M", "L", "XL")
_REQUIRED = ("opportunity_id", "opportunity", "effort", "expected_value", "quadrant")


def _spread(table: pd.DataFrame) -> np.ndarray:
    """x position per row: the effort column, points of one size spread side by side."""
    x = np.zeros(len(table))
    for effort, group in table.groupby("effort", sort=False):
        centre = _EFFORTS.index(str(effort))
        offsets = np.linspace(-0.28, 0.28, len(group)) if len(group) > 1 else np.zeros(1)
        order = group["expected_value"].fillna(-np.inf).to_numpy().argsort()
        x[table.index.get_indexer(group.index[order])] = centre + offsets
    return x


def _hover(row: pd.Series, currency: str) -> str:
    """Hover text of one opportunity; map text is escaped (plotly renders a subset of HTML)."""

    def money(v: Any) -> str:
        return "–" if pd.isna(v) else f"{v:,.0f} {currency}".strip()

    def esc(v: Any) -> str:
        return html.escape(str(v))

    lines = [
        f"<b>{esc(row['opportunity'])}</b>",
        f"{esc(row['opportunity_id'])} · owner {esc(row.get('owner', ''))}",
        f"{esc(row.get('stage', ''))} / {esc(row.get('touchpoint', ''))} · "
        f"effort {esc(row['effort'])}",
    ]
    if row.get("linked_by", "none") == "none":
        return "<br>".join([*lines, "no measured moment"])
    if pd.notna(row.get("signal")):
        lines.append(f"signal: {esc(row['signal'])}")
    if pd.notna(row.get("effect")):
        ci = ""
        if pd.notna(row.get("effect_ci_low")):
            ci = f" [{row['effect_ci_low']:.3g}, {row['effect_ci_high']:.3g}]"
        lines.append(f"effect {row['effect']:.3g}{ci}")
    if pd.notna(row.get("q")):
        lines.append(f"q = {row['q']:.2g}")
    lines.append(f"value at risk {money(row.get('value_at_risk'))}")
    lines.append(
        f"expected value {money(row['expected_value'])} "
        f"({money(row.get('expected_value_ci_low'))} to "
        f"{money(row.get('expected_value_ci_high'))})"
    )
    if pd.notna(row.get("confidence")):
        lines.append(f"confidence {row['confidence']:.0%} · score {row['score']:,.0f}")
    return "<br>".join(lines)


def impact_effort_matrix(
    backlog: Any,
    *,
    label: str = "opportunity",
    numbered: bool = True,
    title: str | None = "Impact–effort matrix",
    height: int = 600,
    width: int = 1100,
    max_label: int = 28,
) -> Any:
    """Impact (expected value per year) against effort, in four quadrants.

    Parameters
    ----------
    backlog : Backlog or pandas.DataFrame
        The result of :func:`cjlib.action.prioritise` (or its ``.table``).
    label : str
        Column naming the opportunities (default their titles; ``"opportunity_id"`` for ids).
    numbered : bool, default True
        Mark each point with its backlog rank and list ``rank  title`` in a key beside the
        plot (readable however crowded the points are); False writes the (shortened) titles
        next to the points instead.
    title : str, optional
        Figure title (None for none).
    height, width : int
        Figure size in pixels; the labels are laid out for this size.
    max_label : int
        Point labels longer than this are cut at a word with an ellipsis (the key allows 10
        more characters); hover shows the full title.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per quadrant; marker size shows the confidence; hover shows the evidence.
        Opportunities without a measured moment sit on the zero line in grey, labelled too.
        Each point's label is an annotation placed so that no two labels overlap each other,
        a marker or a quadrant name (a thin leader line joins a label set away from its point).
    """
    import plotly.graph_objects as go

    table = getattr(backlog, "table", backlog)
    if not isinstance(table, pd.DataFrame):
        raise DataError(f"backlog: expected a Backlog or its table, got {type(backlog).__name__}")
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise DataError(
            f"backlog: columns {missing} are missing; pass the result of cjlib.action.prioritise"
        )
    if label not in table.columns:
        raise DataError(
            f"label: column {label!r} is not in the backlog; available: {list(table.columns)}"
        )
    currency = getattr(backlog, "currency", "")
    table = table.reset_index(drop=True)
    conf = table["confidence"].fillna(0.3) if "confidence" in table else pd.Series(0.6, table.index)
    plotted = table.assign(
        x=_spread(table),
        y=table["expected_value"].fillna(0.0),
        marker_size=10 + 16 * conf.astype(float),
    )
    measured = plotted[plotted["quadrant"] != "not measured"]
    y_top = (
        float(measured["expected_value_ci_high"].max())
        if (
            "expected_value_ci_high" in measured
            and measured["expected_value_ci_high"].notna().any()
        )
        else float(measured["y"].max())
        if len(measured)
        else 1.0
    )
    y_top = max(y_top, float(plotted["y"].max()), 1.0) * 1.12
    threshold = getattr(backlog, "impact_threshold", np.nan)
    if not np.isfinite(threshold):
        threshold = float(measured["y"].median()) if len(measured) else y_top / 2
    effort_cut = getattr(backlog, "effort_threshold", 2.0)
    weights = (
        table.drop_duplicates("effort").set_index("effort")["effort_weight"]
        if ("effort_weight" in table)
        else pd.Series({"S": 1.0, "M": 2.0, "L": 4.0, "XL": 8.0})
    )
    low = [e for e in _EFFORTS if e in weights.index and weights[e] <= effort_cut]
    x_cut = (_EFFORTS.index(low[-1]) + 0.5) if low else 1.5

    fig = go.Figure()
    frame = _Frame(
        width=width,
        height=height,
        x_range=(-0.5, 3.9),
        y_top=y_top,
        titled=bool(title),
        key_width=_KEY_WIDTH if numbered else 0,
    )
    regions = [
        ("Quick wins", "quick win", -0.5, x_cut, threshold, y_top),
        ("Big bets", "big bet", x_cut, 3.9, threshold, y_top),
        ("Fill-ins", "fill-in", -0.5, x_cut, 0, threshold),
        ("Money pits", "money pit", x_cut, 3.9, 0, threshold),
    ]
    region_boxes = []
    for name, key, x0, x1, y0, y1 in regions:
        fig.add_shape(
            type="rect",
            x0=x0,
            x1=x1,
            y0=y0,
            y1=y1,
            layer="below",
            line_width=0,
            fillcolor=QUADRANT_COLORS[key],
            opacity=0.07,
        )
        left = x0 < x_cut
        x_text = x0 + 0.05 if left else x1 - 0.05
        fig.add_annotation(
            x=x_text,
            y=y1,
            text=f"<b>{name}</b>",
            showarrow=False,
            xanchor="left" if left else "right",
            yanchor="top",
            font={"size": _REGION_FONT, "color": QUADRANT_COLORS[key]},
        )
        w, h = text_size(name, _REGION_FONT + 1)
        px, py = frame.to_px(x_text, y1)
        region_boxes.append(Box(px, py, px + w, py + h) if left else Box(px - w, py, px, py + h))
    fig.add_hline(y=threshold, line_dash="dot", line_color=NEUTRAL, line_width=1)
    fig.add_vline(x=x_cut, line_dash="dot", line_color=NEUTRAL, line_width=1)

    for key, colour in QUADRANT_COLORS.items():
        part = plotted[plotted["quadrant"] == key]
        if part.empty:
            continue
        error = None
        if key != "not measured" and "expected_value_ci_low" in part:
            error = {
                "type": "data",
                "symmetric": False,
                "array": (part["expected_value_ci_high"] - part["y"]).clip(lower=0),
                "arrayminus": (part["y"] - part["expected_value_ci_low"]).clip(lower=0),
                "color": colour,
                "thickness": 1,
                "width": 0,
            }
        unmeasured = key == "not measured"
        fig.add_trace(
            go.Scatter(
                x=part["x"],
                y=part["y"],
                mode="markers",
                name=f"{key} ({len(part)})" if unmeasured else key,
                text=part[label].astype(str),
                marker={
                    "size": part["marker_size"],
                    "color": colour,
                    "line": {"color": "white", "width": 1},
                    "symbol": "circle-open" if key == "not measured" else "circle",
                },
                error_y=error,
                cliponaxis=False,
                hovertext=[_hover(r, currency) for _, r in part.iterrows()],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    order = plotted.assign(by=plotted["rank"] if "rank" in plotted else plotted.index + 1)
    order = order.sort_values("by", kind="stable")
    if numbered:
        texts = [str(int(r)) for r in order["by"]]
        _add_key(fig, order, label=label, max_label=max_label + 10, frame=frame)
    else:
        texts = [shorten(t, max_label) for t in order[label].astype(str)]
    _add_labels(fig, order, texts, frame=frame, obstacles=region_boxes)
    fig.update_xaxes(
        title="Effort",
        tickmode="array",
        tickvals=list(range(4)),
        ticktext=list(_EFFORTS),
        range=[-0.5, 3.9],
        showgrid=False,
        zeroline=False,
        automargin=False,
    )
    unit = f" ({currency})" if currency else ""
    fig.update_yaxes(
        title=f"Expected value recovered per year{unit}",
        range=[0, y_top],
        tickformat=",.0f",
        rangemode="tozero",
        automargin=False,
    )
    fig = apply_base_layout(fig, title=title, height=height)
    fig.update_layout(
        width=width,
        margin={**frame.margin, "autoexpand": False},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.01,
            "xanchor": "right",
            "x": 1,
            "title": None,
        },
    )
    return fig


_LABEL_FONT = 13
_KEY_WIDTH = 330
_REGION_FONT = 14


@dataclass(frozen=True)
class _Frame:
    """Data → pixel mapping of the matrix (fixed margins: the labels are placed in pixels)."""

    width: int
    height: int
    x_range: tuple[float, float]
    y_top: float
    titled: bool
    key_width: int = 0

    @property
    def margin(self) -> dict[str, int]:
        return {"l": 90, "r": 30 + self.key_width, "t": 100 if self.titled else 50, "b": 60}

    @property
    def plot_area(self) -> Box:
        m = self.margin
        return Box(m["l"], m["t"], self.width - m["r"], self.height - m["b"])

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        area = self.plot_area
        x0, x1 = self.x_range
        return (
            area.x0 + (x - x0) / (x1 - x0) * (area.x1 - area.x0),
            area.y1 - y / self.y_top * (area.y1 - area.y0),
        )

    def to_data(self, px: float, py: float) -> tuple[float, float]:
        area = self.plot_area
        x0, x1 = self.x_range
        return (
            x0 + (px - area.x0) / (area.x1 - area.x0) * (x1 - x0),
            (area.y1 - py) / (area.y1 - area.y0) * self.y_top,
        )


def _add_key(fig: Any, order: pd.DataFrame, *, label: str, max_label: int, frame: _Frame) -> None:
    """The list ``rank  title`` right of the plot, the rank coloured by quadrant."""
    lines = [
        f'<span style="color:{QUADRANT_COLORS.get(q, NEUTRAL)}"><b>{int(r):\u2007>2}</b></span>  '
        f"{html.escape(shorten(t, max_label), quote=False)}"
        for r, t, q in zip(order["by"], order[label].astype(str), order["quadrant"], strict=True)
    ]
    area = frame.plot_area
    fig.add_annotation(
        x=1 + 16 / (area.x1 - area.x0),
        y=1.0,
        xref="paper",
        yref="paper",
        showarrow=False,
        xanchor="left",
        yanchor="top",
        align="left",
        text="<br>".join(lines),
        font={"size": _LABEL_FONT, "color": "#37474f"},
        name="key",
    )


def _add_labels(
    fig: Any, order: pd.DataFrame, texts: list[str], *, frame: _Frame, obstacles: list[Box]
) -> None:
    """One annotation per point, in ``order``, none overlapping another, a marker or a name."""
    points = [frame.to_px(x, y) for x, y in zip(order["x"], order["y"], strict=True)]
    sizes = [text_size(t, _LABEL_FONT) for t in texts]
    radii = [s / 2 + 1 for s in order["marker_size"]]
    bars = []
    if "expected_value_ci_low" in order:
        for x, low, high in zip(
            order["x"], order["expected_value_ci_low"], order["expected_value_ci_high"], strict=True
        ):
            if pd.notna(low) and pd.notna(high):
                (bx, top), (_, bottom) = frame.to_px(x, high), frame.to_px(x, max(low, 0.0))
                bars.append(Box(bx - 1.5, top, bx + 1.5, bottom))
    boxes = place_labels(
        points,
        sizes,
        radii=radii,
        bounds=frame.plot_area,
        obstacles=bars,
        fixed=obstacles,
        tolerated=2,
    )
    annotations, leaders = [], []
    for (px, py), box, text, r, (_, row) in zip(
        points, boxes, texts, radii, order.iterrows(), strict=True
    ):
        # anchor the text on the side facing its point: the width estimate errs on the large
        # side, so the slack falls away from the point
        cx, cy = box.centre
        xanchor = "left" if box.x0 > px else "right" if box.x1 < px else "center"
        yanchor = "top" if box.y0 > py else "bottom" if box.y1 < py else "middle"
        ax = {"left": box.x0 + _PAD, "right": box.x1 - _PAD, "center": cx}[xanchor] - px
        ay = {"top": box.y0 + _PAD, "bottom": box.y1 - _PAD, "middle": cy}[yanchor] - py
        grey = row["quadrant"] == "not measured"
        annotations.append(
            dict(
                x=row["x"],
                y=row["y"],
                xshift=ax,
                yshift=-ay,
                showarrow=False,
                text=html.escape(text, quote=False),
                xanchor=xanchor,
                yanchor=yanchor,
                borderpad=0,
                font={"size": _LABEL_FONT, "color": "#78909c" if grey else "#37474f"},
                hovertext=html.escape(str(row["opportunity"]), quote=False),
                name=f"label:{row['opportunity_id']}",
            )
        )
        # a label set away from its point gets a leader line from the marker to the box
        ex, ey = min(max(px, box.x0), box.x1), min(max(py, box.y0), box.y1)
        gap = float(np.hypot(ex - px, ey - py))
        if gap > r + 8:
            sx, sy = px + (ex - px) * r / gap, py + (ey - py) * r / gap
            (x0, y0), (x1, y1) = frame.to_data(sx, sy), frame.to_data(ex, ey)
            leaders.append(
                dict(
                    type="line",
                    x0=x0,
                    y0=y0,
                    x1=x1,
                    y1=y1,
                    layer="above",
                    line={"color": "#90a4ae", "width": 1},
                    name="leader",
                )
            )
    # one layout update: add_annotation/add_shape validate the whole list on every call
    fig.update_layout(
        annotations=[*fig.layout.annotations, *annotations], shapes=[*fig.layout.shapes, *leaders]
    )
