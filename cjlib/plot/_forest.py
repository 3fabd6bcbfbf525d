"""Forest plot: one row per effect with its confidence interval.

Examples
--------
>>> import pandas as pd
>>> from cjlib.plot import forest
>>> t = pd.DataFrame({"effect": [0.1, -0.05], "ci_low": [0.05, -0.12], "ci_high": [0.15, 0.02],
...                   "q": [0.001, 0.3]}, index=["support_call", "app_login"])
>>> fig = forest(t, x_title="Risk difference")
>>> len(fig.data)
2
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cjlib.errors import DataError
from cjlib.plot._style import NEUTRAL, PALETTE, apply_base_layout

__all__ = ["forest"]

_RATIO_TICKS = (
    0.01,
    0.02,
    0.05,
    0.1,
    0.2,
    0.3,
    0.4,
    0.5,
    0.67,
    0.8,
    1.0,
    1.25,
    1.5,
    2.0,
    3.0,
    4.0,
    5.0,
    10.0,
    20.0,
    50.0,
    100.0,
)


def forest(
    table: pd.DataFrame,
    *,
    effect_col: str = "effect",
    ci_low_col: str = "ci_low",
    ci_high_col: str = "ci_high",
    label_col: str | None = None,
    q_col: str | None = "q",
    alpha: float = 0.05,
    null_value: float = 0.0,
    log_x: bool = False,
    x_title: str = "Effect",
    title: str | None = None,
) -> Any:
    """Draw effects with confidence intervals, sorted by effect, significant ones marked.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per effect (e.g. ``link(...).table``).
    effect_col, ci_low_col, ci_high_col : str
        Columns of the estimate and its interval.
    label_col : str, optional
        Column with row labels; default the index.
    q_col : str or None
        Column of (FDR-adjusted) p-values; rows with ``q <= alpha`` are drawn filled and
        coloured, the others hollow and grey. ``None`` marks rows whose CI excludes the null.
    alpha : float
        Significance threshold.
    null_value : float
        Value of "no effect" (0 for differences, 1 for ratios), drawn as a dashed line.
    log_x : bool
        Log-scaled x axis (ratios).
    x_title, title : str
        Axis and figure titles.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    needed = [effect_col, ci_low_col, ci_high_col] + ([q_col] if q_col else [])
    needed += [label_col] if label_col else []
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise DataError(f"forest: columns {missing} not in table; available {list(table.columns)}")
    data = table.copy()
    data["_label"] = data[label_col].astype(str) if label_col else data.index.astype(str)
    data = data[np.isfinite(data[effect_col].astype(float))].sort_values(effect_col)
    if data.empty:
        raise DataError(f"forest: no finite values in {effect_col!r} to draw")
    if q_col:
        significant = data[q_col].astype(float) <= alpha
    else:
        significant = (data[ci_low_col] > null_value) | (data[ci_high_col] < null_value)
    fig = go.Figure()
    for flag, name, colour, symbol in (
        (False, "not significant", NEUTRAL, "circle-open"),
        (
            True,
            f"significant ({q_col} ≤ {alpha:g})" if q_col else "CI excludes no effect",
            PALETTE[5],
            "diamond",
        ),
    ):
        part = data[significant == flag]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part[effect_col],
                y=part["_label"],
                mode="markers",
                name=name,
                marker={
                    "color": colour,
                    "size": 11,
                    "symbol": symbol,
                    "line": {"width": 2, "color": colour},
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": part[ci_high_col] - part[effect_col],
                    "arrayminus": part[effect_col] - part[ci_low_col],
                    "color": colour,
                    "thickness": 2,
                    "width": 5,
                },
                customdata=np.c_[
                    part[ci_low_col],
                    part[ci_high_col],
                    part[q_col] if q_col else np.full(len(part), np.nan),
                ],
                hovertemplate="<b>%{y}</b><br>effect %{x:.3g}"
                "<br>CI %{customdata[0]:.3g} to %{customdata[1]:.3g}"
                + ("<br>q %{customdata[2]:.3g}" if q_col else "")
                + "<extra></extra>",
            )
        )
    fig.add_vline(x=null_value, line_dash="dash", line_color="#607d8b", line_width=1)
    fig.update_yaxes(categoryorder="array", categoryarray=list(data["_label"]), title=None)
    fig.update_xaxes(title=x_title, type="log" if log_x else "linear", zeroline=False)
    if log_x:
        low = float(np.nanmin(data[ci_low_col].clip(lower=1e-6)))
        high = float(np.nanmax(data[ci_high_col].replace(np.inf, np.nan)))
        ticks = [t for t in _RATIO_TICKS if low / 1.5 <= t <= high * 1.5] or [null_value]
        fig.update_xaxes(tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    apply_base_layout(fig, title=title, height=max(260, 90 + 34 * len(data)))
    fig.update_yaxes(automargin=True)
    fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0})
    return fig
