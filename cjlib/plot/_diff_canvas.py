"""The diff canvas: the designed map with what customers really do marked on it.

Stages are columns in the designed order; each touchpoint is a card. Marked cards: *added*
(customers do it, the map lacks it; green, "+"), *missing* (designed, never in the data; red,
dashed), *unobservable* (not owned and absent from the log; grey, dotted), *pain* (a pain point
customers show that the map lacks; red corner), *emotion off* (designed score outside the
measured interval; purple corner). Order inversions mark both stage headers as *moved*
(orange) with the measured order written under them.
"""

from __future__ import annotations

from typing import Any

from cjlib.errors import DataError

__all__ = ["diff_canvas"]

_COLORS = {
    "same": ("#ffffff", "#90a4ae", "solid"),
    "added": ("#e8f5e9", "#2e7d32", "solid"),
    "missing": ("#ffebee", "#c62828", "dash"),
    "unobservable": ("#f5f5f5", "#757575", "dot"),
}
_MARK = {"unmapped_pain": ("#c62828", "pain"), "emotion_outside": ("#6a1b9a", "emotion off")}
_W, _H, _GAP = 1.0, 0.62, 0.16
_NOT_ON_MAP = "Not on the map"


def _wrap(text: str, width: int = 22) -> str:
    words, lines, line = str(text).split(), [], ""
    for w in words:
        if len(line) + len(w) + 1 > width and line:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(lines[:3])


def _name(event: str) -> str:
    text = str(event).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def diff_canvas(comparison: Any, *, title: str | None = None) -> Any:
    """Draw a :class:`cjlib.discover.MapComparison` as a marked-up map canvas.

    Parameters
    ----------
    comparison : MapComparison
        From :func:`cjlib.compare_maps`.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> fig = diff_canvas(diff)  # doctest: +SKIP
    """
    import plotly.graph_objects as go

    from cjlib.plot._style import apply_base_layout

    jm = getattr(comparison, "designed", None)
    if jm is None:
        raise DataError("diff_canvas needs the MapComparison returned by cjlib.compare_maps")
    t = comparison.table
    state: dict[str, str] = {}
    for r in t.itertuples(index=False):
        if r.kind == "never_seen":
            state[r.item] = "missing"
        elif r.kind == "unobservable":
            state[r.item] = "unobservable"
    marks: dict[str, list[str]] = {}
    for r in t.itertuples(index=False):
        if r.kind in _MARK:
            marks.setdefault(str(r.item).split(":")[0].split(" / ")[0], []).append(r.kind)
    columns: list[tuple[str, list[tuple[str, str, str]]]] = []
    for stage in jm.stages:
        cards = [(tp.id, tp.name, state.get(tp.id, "same")) for tp in stage.touchpoints]
        added = t.loc[(t["kind"] == "not_in_map") & (t["stage"] == stage.id)]
        cards += [(a, f"+ {_name(a)}", "added") for a in added["item"]]
        columns.append((stage.name, cards))
    loose = t.loc[(t["kind"] == "not_in_map") & (t["stage"] == "")]
    if len(loose):
        columns.append((_NOT_ON_MAP, [(a, f"+ {_name(a)}", "added") for a in loose["item"]]))
    moved: dict[str, str] = {}
    for r in t.loc[t["kind"] == "order_inversion"].itertuples(index=False):
        a, b = r.item.split(" -> ")
        moved[jm.stage(a).name] = f"customers reach {jm.stage(b).name} first"
        moved[jm.stage(b).name] = f"customers reach it before {jm.stage(a).name}"
    fig = go.Figure()
    depth = max((len(c) for _, c in columns), default=1)
    for x, (name, cards) in enumerate(columns):
        x0 = x * (_W + _GAP)
        head = "#fff3e0" if name in moved else "#eceff1"
        fig.add_shape(
            type="rect",
            x0=x0,
            x1=x0 + _W,
            y0=0.15,
            y1=0.85,
            fillcolor=head,
            line={"color": "#ef6c00" if name in moved else "#b0bec5", "width": 2},
        )
        label = f"<b>{_wrap(name, 18)}</b>"
        if name in moved:
            label += f"<br><span style='color:#ef6c00'>moved: {_wrap(moved[name], 24)}</span>"
        fig.add_annotation(x=x0 + _W / 2, y=0.5, text=label, showarrow=False, font={"size": 11})
        for k, (tp_id, text, kind) in enumerate(cards):
            y1 = -k * (_H + 0.12) - 0.1
            fill, line, dash = _COLORS[kind]
            fig.add_shape(
                type="rect",
                x0=x0,
                x1=x0 + _W,
                y0=y1 - _H,
                y1=y1,
                fillcolor=fill,
                line={"color": line, "width": 2 if kind != "same" else 1, "dash": dash},
            )
            note = {"added": "added", "missing": "never seen", "unobservable": "not observable"}
            sub = f"<br><i>{note[kind]}</i>" if kind in note else ""
            fig.add_annotation(
                x=x0 + _W / 2,
                y=y1 - _H / 2,
                text=_wrap(text) + sub,
                showarrow=False,
                font={"size": 10, "color": "#263238"},
            )
            for j, m in enumerate(dict.fromkeys(marks.get(tp_id, []))):
                color, word = _MARK[m]
                fig.add_annotation(
                    x=x0 + _W - 0.03,
                    y=y1 - 0.06 - j * 0.17,
                    text=word,
                    showarrow=False,
                    xanchor="right",
                    yanchor="top",
                    font={"size": 9, "color": "#ffffff"},
                    bgcolor=color,
                )
    legend = [
        ("same as designed", "same"),
        ("added: customers do it", "added"),
        ("missing: never seen", "missing"),
        ("not observable", "unobservable"),
    ]
    for label, kind in legend:
        fill, line, dash = _COLORS[kind]
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=label,
            marker={
                "symbol": "square",
                "size": 14,
                "color": fill,
                "line": {"color": line, "width": 2},
            },
        )
    for m, (color, word) in _MARK.items():
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=f"{word}: {m.replace('_', ' ')}",
            marker={"symbol": "square", "size": 14, "color": color},
        )
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        name="moved: stage order inverted",
        marker={
            "symbol": "square",
            "size": 14,
            "color": "#fff3e0",
            "line": {"color": "#ef6c00", "width": 2},
        },
    )
    width = len(columns) * (_W + _GAP)
    apply_base_layout(
        fig,
        title=title or f"Designed map {jm.name!r} vs what customers do",
        height=max(420, int(140 + depth * 82)),
    )
    fig.update_layout(
        width=max(900, int(len(columns) * 170)),
        xaxis={"visible": False, "range": [-0.1, width]},
        yaxis={"visible": False, "range": [-depth * (_H + 0.12) - 0.2, 1.0]},
        legend={"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0},
        plot_bgcolor="#ffffff",
    )
    return fig
