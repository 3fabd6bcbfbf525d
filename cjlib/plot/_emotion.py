"""The designed emotion curve: touchpoints along x under stage bands, one line per persona."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cjlib.errors import DataError
from cjlib.map._model import EMOTION_RANGE, SEVERITIES, JourneyMap
from cjlib.plot._style import NEUTRAL, SEVERITY_COLORS, apply_base_layout, color_for

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["emotion_curve", "touchpoint_positions"]

_PAIN_ROW = EMOTION_RANGE[0] - 0.75  # y of the pain-point strip, below the emotion scale
_ANGLE_FROM = 14  # from this many touchpoints on, x labels are angled instead of wrapped


def touchpoint_positions(journey_map: JourneyMap) -> dict[str, int]:
    """Return the x position (0, 1, ...) of every touchpoint in journey order.

    Figures that add measured values on top of the designed curve place them with this.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Stage, Touchpoint
    >>> jm = JourneyMap(id="m", name="M", stages=(
    ...     Stage("s", "S", touchpoints=(Touchpoint("a", "A"), Touchpoint("b", "B"))),))
    >>> touchpoint_positions(jm)
    {'a': 0, 'b': 1}
    """
    return {tp.id: i for i, tp in enumerate(journey_map.touchpoints)}


def _score(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _resolve_personas(journey_map: JourneyMap, personas: Sequence[str] | str | None) -> list[str]:
    known = [p.id for p in journey_map.personas]
    if personas is None:
        return known
    chosen = [personas] if isinstance(personas, str) else list(personas)
    unknown = [p for p in chosen if p not in known]
    if unknown:
        raise DataError(f"personas: unknown persona id(s) {unknown}; known: {known}")
    if not chosen:
        raise DataError("personas: give at least one persona id, or None for all")
    return chosen


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width=max(width, 6)) or [""])


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def emotion_curve(
    journey_map: JourneyMap,
    personas: Sequence[str] | str | None = None,
    *,
    measured: Any = None,
    show_pain_points: bool = True,
    title: str | None = None,
    height: int | None = None,
    width: int | None = None,
) -> go.Figure:
    """Plot the designed emotion of each persona along the journey, and the measured one.

    Touchpoints run along the x axis in journey order, grouped under shaded stage bands named
    at the top; one line per persona (colours as on the map canvas); a zero line separates
    positive from negative feelings; pain points sit in a strip below the curve as squares
    coloured like the paper post-its of their severity, with their text on hover.

    With ``measured`` (a :class:`cjlib.action.MeasuredMap`), each persona's measured emotion
    (survey scores on the −2…+2 scale) is drawn as a dashed line of the persona's colour with
    its confidence interval as a shaded band (whiskers where a touchpoint stands alone), and
    touchpoints where designed and measured disagree (the interval lies more than the
    measured map's ``margin`` away from the designed score) are ringed in red with the
    numbers on hover. Personas without persona-level survey data fall back to one grey
    curve over every respondent.

    Parameters
    ----------
    journey_map : JourneyMap
        The designed map.
    personas : str or sequence of str, optional
        Persona ids to draw (default: all, in map order).
    measured : MeasuredMap, optional
        The result of :func:`cjlib.measure` on this map.
    show_pain_points : bool, default True
        Draw the pain-point strip.
    title : str, optional
        Figure title (default: the map's name).
    height : int, optional
        Figure height in pixels (default: grows with the space the x labels need).
    width : int, optional
        Figure width in pixels (default: the page's; :func:`cjlib.plot.export` writes
        1280 px, a 16:9 slide). The legend rows and the top margin are sized for it (for
        960 px when not given), so title, legend and stage names never overlap.

    Returns
    -------
    plotly.graph_objects.Figure
        x positions are the touchpoints' journey order (see :func:`touchpoint_positions`).

    Raises
    ------
    cjlib.DataError
        ``personas`` names an id the map does not have, or ``measured`` is not a measured
        map of this journey map.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Persona, Stage, Touchpoint
    >>> jm = JourneyMap(id="m", name="M", personas=(Persona("p", "P"),), stages=(
    ...     Stage("s", "S", touchpoints=(Touchpoint("a", "A", emotion={"p": 1}),
    ...                                  Touchpoint("b", "B", emotion={"p": -1}))),))
    >>> fig = emotion_curve(jm)
    >>> list(fig.data[0].y)
    [1.0, -1.0]
    """
    import plotly.graph_objects as go

    if not isinstance(journey_map, JourneyMap):
        raise DataError(f"journey_map: expected a JourneyMap, got {type(journey_map).__name__}")
    chosen = _resolve_personas(journey_map, personas)
    colors = {p.id: color_for(i) for i, p in enumerate(journey_map.personas)}
    names = {p.id: p.name for p in journey_map.personas}
    pairs = list(journey_map.iter_touchpoints())
    n = len(pairs)
    xs = list(range(n))
    fig = go.Figure()

    low, high = EMOTION_RANGE
    for pid in chosen:
        ys = [_score(tp.emotion.get(pid)) for _, tp in pairs]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                name=names[pid],
                line={"color": colors[pid], "width": 3},
                marker={"size": 9, "color": "white", "line": {"color": colors[pid], "width": 2.5}},
                customdata=[[tp.name, stage.name, tp.channel or "\u2014"] for stage, tp in pairs],
                hovertemplate=(
                    f"<b>{names[pid]}</b><br>%{{customdata[0]}} (%{{customdata[1]}})<br>"
                    "channel: %{customdata[2]}<br>emotion: %{y:+.1f}<extra></extra>"
                ),
                connectgaps=False,
            )
        )

    if measured is not None:
        from cjlib.plot._measured import add_measured_emotion

        add_measured_emotion(fig, journey_map, measured, chosen, colors, names)

    if show_pain_points:
        _add_pain_points(fig, journey_map, pairs, chosen)

    _add_stage_bands(fig, journey_map, n)
    fig.add_hline(y=0, line={"color": NEUTRAL, "width": 1.5, "dash": "dot"})

    angled = n >= _ANGLE_FROM
    if angled:
        ticktext = [_shorten(tp.name, 26) for _, tp in pairs]
    else:
        ticktext = [_wrap(tp.name, 14) for _, tp in pairs]
    longest = max((len(t) for t in ticktext), default=0)
    bottom = (
        int(min(longest, 26) * 4.1) + 24
        if angled
        else 20 + 15 * max((t.count("<br>") + 1 for t in ticktext), default=1)
    )
    y_bottom = _PAIN_ROW - 0.5 if show_pain_points else low - 0.35
    fig.update_xaxes(
        tickmode="array",
        tickvals=xs,
        ticktext=ticktext,
        tickangle=-40 if angled else 0,
        range=[-0.5, n - 0.5],
        showgrid=False,
        zeroline=False,
        tickfont={"size": 11 if angled else 12},
    )
    tickvals: list[float] = [-2, -1, 0, 1, 2]
    ticktext = ["\u22122", "\u22121", "0", "+1", "+2"]
    if show_pain_points:
        tickvals.append(_PAIN_ROW)
        ticktext.append("<i>pain points</i>")
    fig.update_yaxes(
        range=[y_bottom, high + 0.45],
        tickvals=tickvals,
        ticktext=ticktext,
        title={"text": "emotion" if measured is not None else "designed emotion"},
        zeroline=False,
        gridcolor="#eceff1",
    )
    shown_title = journey_map.name if title is None else title
    title_room = 44 if shown_title else 8
    rows = _legend_rows([t.name for t in fig.data if t.showlegend is not False], width or 960)
    legend_room = 26 * rows + 8
    top = title_room + legend_room + 34  # the stage names sit in the last 34 px
    apply_base_layout(
        fig,
        title=shown_title,
        height=height if height is not None else 440 + bottom + top - 110,
    )
    fig.update_layout(
        margin={"l": 95, "r": 30, "b": bottom + 10, "t": top, "autoexpand": False},
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "top",
            "y": 1.0,
            "x": 0,
            "xanchor": "left",
            "groupclick": "toggleitem",
            "font": {"size": 13},
            "tracegroupgap": 0,
        },
        hovermode="closest",
    )
    if shown_title:
        fig.update_layout(
            title={"yref": "container", "y": 1.0, "yanchor": "top", "pad": {"t": 12}},
            legend={"y": 1.0, "yanchor": "top", "yref": "container"},
        )
        # the legend starts below the title: container y counts from the bottom
        total = fig.layout.height
        fig.update_layout(legend={"y": 1 - title_room / total})
    if width is not None:
        fig.update_layout(width=width)
    return fig


def _legend_rows(names: list[str], width: int) -> int:
    """Rows a horizontal legend of these entries takes at ``width`` pixels (errs high)."""
    from cjlib.plot._labels import text_size

    rows, used = 1, 0.0
    room = width - 90  # the figure's side margins
    for name in names:
        entry = text_size(name, 13)[0] + 50  # symbol and gap
        if used and used + entry > room:
            rows, used = rows + 1, 0.0
        used += entry
    return rows


def _add_pain_points(
    fig: go.Figure, journey_map: JourneyMap, pairs: list[Any], chosen: list[str]
) -> None:
    import plotly.graph_objects as go

    names = {p.id: p.name for p in journey_map.personas}
    by_severity: dict[str, dict[str, list[Any]]] = {
        s: {"x": [], "y": [], "text": []} for s in SEVERITIES
    }
    for x, (stage, tp) in enumerate(pairs):
        shown = [pp for pp in tp.pain_points if not pp.personas or set(pp.personas) & set(chosen)]
        for k, pp in enumerate(shown):
            if pp.severity not in by_severity:
                continue
            # several pain points on one touchpoint sit side by side
            offset = (k - (len(shown) - 1) / 2) * 0.28
            who = ", ".join(names.get(p, p) for p in pp.personas) or "all personas"
            points = by_severity[pp.severity]
            points["x"].append(x + offset)
            points["y"].append(_PAIN_ROW)
            points["text"].append(
                f"<b>{_wrap(pp.text, 40)}</b><br>{pp.severity} \u00b7 {tp.name} "
                f"({stage.name})<br>{who}"
            )
    for severity, points in by_severity.items():
        if not points["x"]:
            continue
        fig.add_trace(
            go.Scatter(
                x=points["x"],
                y=points["y"],
                mode="markers",
                name=f"{severity} pain point",
                marker={
                    "symbol": "square",
                    "size": 14 if len(pairs) < _ANGLE_FROM else 11,
                    "color": SEVERITY_COLORS[severity],
                    "line": {"color": "rgba(0,0,0,0.25)", "width": 1},
                },
                text=points["text"],
                hovertemplate="%{text}<extra></extra>",
            )
        )


def _add_stage_bands(fig: go.Figure, journey_map: JourneyMap, n: int) -> None:
    start = 0
    for i, stage in enumerate(journey_map.stages):
        width = len(stage.touchpoints)
        if width == 0:
            continue
        x0, x1 = start - 0.5, start + width - 0.5
        fig.add_vrect(
            x0=x0,
            x1=x1,
            fillcolor="#eceff1" if i % 2 == 0 else "#ffffff",
            opacity=0.7,
            layer="below",
            line_width=0,
        )
        if start > 0:
            fig.add_vline(x=x0, line={"color": "#b0bec5", "width": 1})
        # stage names wrap to their band: about 7 characters per touchpoint column at n=40
        chars = max(6, int(width * max(7.0, 110 / max(n, 1) * 1.0)))
        fig.add_annotation(
            x=(x0 + x1) / 2,
            y=1.0,
            xref="x",
            yref="paper",
            yanchor="bottom",
            text=f"<b>{_wrap(stage.name, chars)}</b>",
            showarrow=False,
            font={"size": 12 if n >= _ANGLE_FROM else 13, "color": "#37474f"},
        )
        start += width
