"""Survival curves: Kaplan–Meier steps with shaded confidence bands.

Examples
--------
>>> import pandas as pd
>>> from cjlib.plot import survival_curves
>>> km = pd.DataFrame({"group": "all", "time": [1.0, 2.0], "survival": [0.8, 0.5],
...                    "ci_low": [0.6, 0.3], "ci_high": [0.9, 0.7]})
>>> len(survival_curves(km).data)
2
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cjlib.errors import DataError
from cjlib.plot._style import apply_base_layout, color_for

__all__ = ["survival_curves"]


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _steps(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Explicit corner points of a right-continuous step function (for filled bands)."""
    xs = np.repeat(t, 2)[1:]
    ys = np.repeat(y, 2)[:-1]
    return xs, ys


def survival_curves(
    table: pd.DataFrame,
    *,
    group_col: str = "group",
    time_col: str = "time",
    survival_col: str = "survival",
    ci_low_col: str | None = "ci_low",
    ci_high_col: str | None = "ci_high",
    x_title: str = "time",
    title: str | None = "Survival",
    subtitle: str | None = None,
) -> Any:
    """Draw step survival curves (from time 0, S=1) with confidence bands per group.

    Parameters
    ----------
    table : pandas.DataFrame
        Long table of estimates, e.g. ``cjlib.stats.survival(...).table``.
    group_col, time_col, survival_col : str
        Columns of the group label, the event time and the survival probability.
    ci_low_col, ci_high_col : str or None
        Band columns; ``None`` draws no band.
    x_title, title, subtitle : str
        Axis title, figure title and an optional line under it (e.g. the log-rank test).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    cols = [group_col, time_col, survival_col] + [c for c in (ci_low_col, ci_high_col) if c]
    missing = [c for c in cols if c not in table.columns]
    if missing:
        raise DataError(
            f"survival_curves: columns {missing} not in table; available {list(table.columns)}"
        )
    fig = go.Figure()
    for i, (group, part) in enumerate(table.groupby(group_col, sort=False)):
        part = part.sort_values(time_col)
        colour = color_for(i)
        t = np.r_[0.0, part[time_col].to_numpy(float)]
        s = np.r_[1.0, part[survival_col].to_numpy(float)]
        if ci_low_col and ci_high_col:
            lo = np.r_[1.0, part[ci_low_col].to_numpy(float)]
            hi = np.r_[1.0, part[ci_high_col].to_numpy(float)]
            x_hi, y_hi = _steps(t, hi)
            x_lo, y_lo = _steps(t, lo)
            fig.add_trace(
                go.Scatter(
                    x=np.r_[x_hi, x_lo[::-1]],
                    y=np.r_[y_hi, y_lo[::-1]],
                    fill="toself",
                    mode="lines",
                    line={"width": 0},
                    fillcolor=_rgba(colour, 0.15),
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=str(group),
                )
            )
        fig.add_trace(
            go.Scatter(
                x=t,
                y=s,
                mode="lines",
                name=str(group),
                legendgroup=str(group),
                line={"color": colour, "width": 2.5, "shape": "hv"},
                hovertemplate=f"<b>{group}</b><br>{x_title} %{{x:.4g}}"
                "<br>S %{y:.3f}<extra></extra>",
            )
        )
    fig.update_yaxes(title="Share still active", range=[0, 1.02], tickformat=".0%")
    fig.update_xaxes(title=x_title, rangemode="tozero")
    full_title = title if not subtitle else f"{title}<br><sup>{subtitle}</sup>"
    apply_base_layout(fig, title=full_title, height=450)
    return fig
