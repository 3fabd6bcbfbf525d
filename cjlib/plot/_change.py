"""Figures of "did it work?": change over time, A/B test effects, power curves.

The result objects of :mod:`cjlib.action` call these from their ``.plot()`` method.

Examples
--------
>>> from cjlib.action import sample_size
>>> fig = sample_size(baseline=0.2, mde=0.05).plot()
>>> fig.layout.xaxis.title.text
'customers in control'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from cjlib.plot._style import NEUTRAL, PALETTE, apply_base_layout, color_for

__all__ = ["ab_test_figure", "change_figure", "power_curve_figure"]

_BAND = "rgba(230, 159, 0, 0.18)"  # PALETTE[1] (counterfactual colour), translucent
_CHANGE_LINE = "#37474f"


def _signed(value: float, pct: bool = False) -> str:
    return f"{value * 100:+.2f} pts" if pct else f"{value:+.3g}"


def change_figure(result: Any) -> go.Figure:
    """Observed KPI, fitted counterfactual with its band and the change line.

    Parameters
    ----------
    result : cjlib.action.ChangeEvaluation
        The result to draw.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    series = result.series
    fig = go.Figure()
    if result.method == "its":
        observed = series
        _observed_trace(fig, observed, result.metric, PALETTE[0])
        pre = observed[~observed["post"]]
        post = observed[observed["post"]]
        fig.add_trace(
            go.Scatter(
                x=pre["period"],
                y=pre["fitted"],
                mode="lines",
                name="fitted trend (before)",
                line={"color": PALETTE[0], "width": 2},
                opacity=0.6,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=post["period"],
                y=post["fitted"],
                mode="lines",
                name="fitted (after change)",
                line={"color": PALETTE[0], "width": 3},
            )
        )
        _counterfactual_traces(fig, post, "counterfactual (no change)")
    else:
        treated = series[series["series"] == "treated"]
        comparison = series[series["series"] == "comparison"]
        _observed_trace(fig, comparison, "comparison", NEUTRAL, joined=True)
        _observed_trace(fig, treated, "treated", PALETTE[0], joined=True)
        _counterfactual_traces(fig, treated[treated["post"]], "treated without the change")
    change_x = series.loc[series["post"], "period"].min()
    fig.add_vline(x=change_x, line={"color": _CHANGE_LINE, "dash": "dot", "width": 1.5})
    fig.add_annotation(
        x=change_x,
        y=1.0,
        yref="paper",
        text="change",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        xshift=4,
        font={"color": _CHANGE_LINE},
    )
    what = "average effect" if result.method == "its" else "DiD effect"
    title = (
        f"{result.metric}: {what} {_signed(result.estimate)} "
        f"({1 - result.alpha:.0%} CI {_signed(result.ci_low)} to {_signed(result.ci_high)}, "
        f"p = {result.p_value:.2g})"
    )
    apply_base_layout(fig, title=title, height=460)
    fig.update_layout(
        xaxis_title="period",
        yaxis_title=result.metric,
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0},
        margin={"b": 110},
    )
    return fig


def _observed_trace(
    fig: go.Figure, frame: Any, name: str, colour: str, *, joined: bool = False
) -> None:
    fig.add_trace(
        go.Scatter(
            x=frame["period"],
            y=frame["observed"],
            mode="lines+markers" if joined else "markers",
            name=f"{name} (observed)",
            line={"color": colour, "width": 1.2},
            marker={"color": colour, "size": 6, "opacity": 0.75},
            customdata=frame["n_obs"],
            hovertemplate="%{y:.4g} (%{customdata} rows)<extra>" + name + "</extra>",
        )
    )


def _counterfactual_traces(fig: go.Figure, post: Any, name: str) -> None:
    x = list(post["period"])
    if np.isfinite(post["counterfactual_low"].to_numpy()).all():
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=list(post["counterfactual_high"]) + list(post["counterfactual_low"])[::-1],
                mode="lines",
                fill="toself",
                fillcolor=_BAND,
                line={"width": 0},
                hoverinfo="skip",
                name="counterfactual band",
                showlegend=False,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=post["counterfactual"],
            mode="lines",
            name=name,
            line={"color": PALETTE[1], "width": 2.5, "dash": "dash"},
        )
    )


def ab_test_figure(result: Any) -> go.Figure:
    """Forest plot of each variant's difference from control with its confidence interval.

    Parameters
    ----------
    result : cjlib.action.ABTestResult
        The result to draw.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    table = result.table.iloc[::-1]
    pct = result.kind == "conversion"
    scale = 100.0 if pct else 1.0
    labels = [str(v) for v in table["variant"]]
    colours = [PALETTE[2] if s else NEUTRAL for s in table["significant"]]
    diff = table["difference"].to_numpy() * scale
    low = table["ci_low"].to_numpy() * scale
    high = table["ci_high"].to_numpy() * scale
    texts = [
        f"{_signed(d, pct)}" + ("" if np.isnan(lift) else f" ({lift:+.1%})") + f", p_adj={p:.2g}"
        for d, lift, p in zip(
            table["difference"], table["relative_lift"], table["p_adjusted"], strict=True
        )
    ]
    fig = go.Figure()
    fig.add_vline(x=0, line={"color": _CHANGE_LINE, "width": 1})
    fig.add_trace(
        go.Scatter(
            x=diff,
            y=labels,
            mode="markers+text",
            name="difference",
            marker={"color": colours, "size": 12, "symbol": "diamond"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": high - diff,
                "arrayminus": diff - low,
                "color": "#546e7a",
                "thickness": 2,
                "width": 6,
            },
            text=texts,
            textposition="top center",
            showlegend=False,
            hovertemplate="%{y}: %{x:.4g}<extra></extra>",
        )
    )
    if not pct and "boot_ci_low" in table and table["boot_ci_low"].notna().all():
        fig.add_trace(
            go.Scatter(
                x=table["boot_ci_low"],
                y=labels,
                mode="markers",
                name="bootstrap CI",
                marker={"symbol": "line-ns-open", "size": 16, "color": PALETTE[1]},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=table["boot_ci_high"],
                y=labels,
                mode="markers",
                showlegend=False,
                marker={"symbol": "line-ns-open", "size": 16, "color": PALETTE[1]},
            )
        )
    unit = "percentage points" if pct else "difference in mean"
    title = (
        f"{result.outcome}: each variant vs {result.control} "
        f"({1 - result.alpha:.0%} CI; green = significant after Holm)"
    )
    apply_base_layout(fig, title=title, height=max(260, 120 + 90 * len(labels)))
    fig.update_layout(xaxis_title=f"{unit} vs {result.control}", yaxis_title=None)
    fig.update_yaxes(type="category", range=[-0.6, len(labels) - 0.2])
    return fig


def power_curve_figure(result: Any) -> go.Figure:
    """Power against the control-group size, with the design's point and target marked.

    Parameters
    ----------
    result : cjlib.action.PowerAnalysis
        The design to draw.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    n_design = max(result.n_control_exact, 2.0)
    grid = np.unique(np.linspace(2, 2.5 * n_design, 200))
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=grid,
            y=result.power_at(grid),
            mode="lines",
            name="power",
            line={"color": color_for(0), "width": 3},
            showlegend=False,
            hovertemplate="n=%{x:.0f}: power %{y:.1%}<extra></extra>",
        )
    )
    fig.add_hline(y=result.power, line={"color": NEUTRAL, "dash": "dot"})
    fig.add_trace(
        go.Scatter(
            x=[n_design],
            y=[result.power],
            mode="markers+text",
            name="this design",
            marker={"color": PALETTE[1], "size": 12},
            text=[f"{result.n_control:,} in control, power {result.power:.0%}"],
            textposition="bottom right",
            showlegend=False,
        )
    )
    effect = (
        f"{result.mde * 100:+.2f} pts on {result.baseline:.1%}"
        if result.kind == "conversion"
        else f"{result.mde:+.3g} (sd {result.sd:.3g})"
    )
    apply_base_layout(
        fig,
        title=f"Power to detect {effect} at alpha {result.alpha:g} ({result.alternative})",
        height=420,
    )
    fig.update_layout(
        xaxis_title="customers in control",
        yaxis_title="power",
        yaxis={"range": [0, 1.02], "tickformat": ".0%"},
    )
    return fig
