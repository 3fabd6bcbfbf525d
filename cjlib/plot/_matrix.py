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
from typing import Any

import numpy as np
import pandas as pd

from cjlib.errors import DataError
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

    lines = [f"<b>{esc(row['opportunity'])}</b>",
             f"{esc(row['opportunity_id'])} · owner {esc(row.get('owner', ''))}",
             f"{esc(row.get('stage', ''))} / {esc(row.get('touchpoint', ''))} · "
             f"effort {esc(row['effort'])}"]
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
    lines.append(f"expected value {money(row['expected_value'])} "
                 f"({money(row.get('expected_value_ci_low'))} to "
                 f"{money(row.get('expected_value_ci_high'))})")
    if pd.notna(row.get("confidence")):
        lines.append(f"confidence {row['confidence']:.0%} · score {row['score']:,.0f}")
    return "<br>".join(lines)


def impact_effort_matrix(
    backlog: Any,
    *,
    label: str = "opportunity_id",
    title: str | None = "Impact–effort matrix",
    height: int = 560,
) -> Any:
    """Impact (expected value per year) against effort, in four quadrants.

    Parameters
    ----------
    backlog : Backlog or pandas.DataFrame
        The result of :func:`cjlib.action.prioritise` (or its ``.table``).
    label : str
        Column used to label the points (``"opportunity_id"`` or ``"opportunity"``).
    title : str, optional
        Figure title (None for none).
    height : int
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per quadrant; marker size shows the confidence; hover shows the evidence.
        Opportunities without a measured moment sit on the zero line in grey.
    """
    import plotly.graph_objects as go

    table = getattr(backlog, "table", backlog)
    if not isinstance(table, pd.DataFrame):
        raise DataError(f"backlog: expected a Backlog or its table, got {type(backlog).__name__}")
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise DataError(f"backlog: columns {missing} are missing; pass the result of "
                        "cjlib.action.prioritise")
    if label not in table.columns:
        raise DataError(f"label: column {label!r} is not in the backlog; available: "
                        f"{list(table.columns)}")
    currency = getattr(backlog, "currency", "")
    table = table.reset_index(drop=True)
    plotted = table.assign(x=_spread(table), y=table["expected_value"].fillna(0.0))
    measured = plotted[plotted["quadrant"] != "not measured"]
    y_top = float(measured["expected_value_ci_high"].max()) if (
        "expected_value_ci_high" in measured and measured["expected_value_ci_high"].notna().any()
    ) else float(measured["y"].max()) if len(measured) else 1.0
    y_top = max(y_top, float(plotted["y"].max()), 1.0) * 1.12
    threshold = getattr(backlog, "impact_threshold", np.nan)
    if not np.isfinite(threshold):
        threshold = float(measured["y"].median()) if len(measured) else y_top / 2
    effort_cut = getattr(backlog, "effort_threshold", 2.0)
    weights = table.drop_duplicates("effort").set_index("effort")["effort_weight"] if (
        "effort_weight" in table) else pd.Series({"S": 1.0, "M": 2.0, "L": 4.0, "XL": 8.0})
    low = [e for e in _EFFORTS if e in weights.index and weights[e] <= effort_cut]
    x_cut = (_EFFORTS.index(low[-1]) + 0.5) if low else 1.5

    fig = go.Figure()
    regions = [("Quick wins", "quick win", -0.5, x_cut, threshold, y_top),
               ("Big bets", "big bet", x_cut, 3.9, threshold, y_top),
               ("Fill-ins", "fill-in", -0.5, x_cut, 0, threshold),
               ("Money pits", "money pit", x_cut, 3.9, 0, threshold)]
    for name, key, x0, x1, y0, y1 in regions:
        fig.add_shape(type="rect", x0=x0, x1=x1, y0=y0, y1=y1, layer="below", line_width=0,
                      fillcolor=QUADRANT_COLORS[key], opacity=0.07)
        left = x0 < x_cut
        fig.add_annotation(x=x0 + 0.05 if left else x1 - 0.05, y=y1, text=f"<b>{name}</b>",
                           showarrow=False, xanchor="left" if left else "right",
                           yanchor="top", font={"size": 14, "color": QUADRANT_COLORS[key]})
    fig.add_hline(y=threshold, line_dash="dot", line_color=NEUTRAL, line_width=1)
    fig.add_vline(x=x_cut, line_dash="dot", line_color=NEUTRAL, line_width=1)

    for key, colour in QUADRANT_COLORS.items():
        part = plotted[plotted["quadrant"] == key]
        if part.empty:
            continue
        conf = part["confidence"].fillna(0.3) if "confidence" in part else 0.6
        error = None
        if key != "not measured" and "expected_value_ci_low" in part:
            error = {"type": "data", "symmetric": False,
                     "array": (part["expected_value_ci_high"] - part["y"]).clip(lower=0),
                     "arrayminus": (part["y"] - part["expected_value_ci_low"]).clip(lower=0),
                     "color": colour, "thickness": 1, "width": 0}
        unmeasured = key == "not measured"
        fig.add_trace(go.Scatter(
            x=part["x"], y=part["y"], mode="markers" if unmeasured else "markers+text",
            name=f"{key} ({len(part)})" if unmeasured else key,
            text=part[label].astype(str), textposition="middle right",
            textfont={"size": 11, "color": "#37474f"},
            marker={"size": 10 + 16 * np.asarray(conf, dtype=float), "color": colour,
                    "line": {"color": "white", "width": 1},
                    "symbol": "circle-open" if key == "not measured" else "circle"},
            error_y=error, cliponaxis=False,
            hovertext=[_hover(r, currency) for _, r in part.iterrows()],
            hovertemplate="%{hovertext}<extra></extra>",
        ))
    fig.update_xaxes(title="Effort", tickmode="array", tickvals=list(range(4)),
                     ticktext=list(_EFFORTS), range=[-0.5, 3.9], showgrid=False, zeroline=False)
    unit = f" ({currency})" if currency else ""
    fig.update_yaxes(title=f"Expected value recovered per year{unit}", range=[0, y_top],
                     tickformat=",.0f", rangemode="tozero")
    fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0,
                              "xanchor": "right", "x": 1, "title": None})
    return apply_base_layout(fig, title=title, height=height)
