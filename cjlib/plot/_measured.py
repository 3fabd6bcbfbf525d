"""Measured figures on top of the designed map: the emotion overlay and the canvas lane."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cjlib.errors import DataError
from cjlib.map._model import JourneyMap
from cjlib.plot._style import NEUTRAL

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["add_measured_emotion", "check_measured", "measured_card"]

ALL = "(all)"
FLAG_COLOR = "#c62828"


def check_measured(journey_map: JourneyMap, measured: Any) -> Any:
    """Return ``measured`` if it is a MeasuredMap of ``journey_map``; raise otherwise."""
    from cjlib.action._measure import MeasuredMap

    if not isinstance(measured, MeasuredMap):
        raise DataError(
            "measured must be the result of cjlib.measure(journey_map, log, ...); "
            f"got {type(measured).__name__}"
        )
    same_touchpoints = [t.id for t in measured.journey_map.touchpoints] == [
        t.id for t in journey_map.touchpoints
    ]
    if measured.journey_map.id != journey_map.id or not same_touchpoints:
        raise DataError(
            f"measured was computed on map {measured.journey_map.id!r}, not on "
            f"{journey_map.id!r} (its touchpoints differ)"
        )
    return measured


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Contiguous runs [start, end] of True in ``mask``."""
    runs, start = [], None
    for i, ok in enumerate(mask):
        if ok and start is None:
            start = i
        if not ok and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(mask) - 1))
    return runs


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def add_measured_emotion(
    fig: go.Figure,
    journey_map: JourneyMap,
    measured: Any,
    chosen: list[str],
    colors: dict[str, str],
    names: dict[str, str],
) -> None:
    """Add measured-emotion curves, interval bands and disagreement rings to ``fig``."""
    import plotly.graph_objects as go

    measured = check_measured(journey_map, measured)
    emotion = measured.emotion
    order = {tp.id: i for i, tp in enumerate(journey_map.touchpoints)}
    has_persona_data = emotion[emotion["persona"].isin(chosen)]["n"].gt(0).any()
    series = (
        [(p, colors[p], names[p]) for p in chosen]
        if has_persona_data
        else [(ALL, NEUTRAL, "all respondents")]
    )
    n = len(order)
    flagged: dict[str, list[Any]] = {"x": [], "y": [], "text": []}
    for pid, color, label in series:
        rows = emotion[emotion["persona"] == pid].copy()
        rows["x"] = rows["touchpoint"].map(order)
        rows = rows.set_index("x").reindex(range(n))
        y = rows["measured"].to_numpy(dtype="float64")
        lo = rows["ci_low"].to_numpy(dtype="float64")
        hi = rows["ci_high"].to_numpy(dtype="float64")
        has = ~np.isnan(y)
        banded = has & ~np.isnan(lo)
        for a, b in _runs(banded):
            if b > a:  # a band over neighbouring touchpoints
                xs = list(range(a, b + 1))
                fig.add_trace(
                    go.Scatter(
                        x=xs + xs[::-1],
                        y=list(hi[a : b + 1]) + list(lo[a : b + 1])[::-1],
                        mode="lines",
                        fill="toself",
                        fillcolor=_rgba(color, 0.18),
                        line={"width": 0},
                        hoverinfo="skip",
                        showlegend=False,
                        legendgroup=f"measured-{pid}",
                    )
                )
        alone = banded.copy()
        for a, b in _runs(banded):
            if b > a:
                alone[a : b + 1] = False
        err_plus = np.where(alone, hi - y, np.nan)
        err_minus = np.where(alone, y - lo, np.nan)
        custom = np.column_stack(
            [
                rows["touchpoint"].fillna(""),
                rows["n"].fillna(0).astype(int),
                np.nan_to_num(lo, nan=np.nan),
                np.nan_to_num(hi, nan=np.nan),
                rows["designed"].to_numpy(dtype="float64"),
            ]
        )
        fig.add_trace(
            go.Scatter(
                x=list(range(n)),
                y=y,
                mode="lines+markers",
                name=f"{label} (measured, 95% CI)",
                line={"color": color, "width": 2.5, "dash": "dash"},
                marker={"size": 9, "color": color, "symbol": "circle"},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": err_plus,
                    "arrayminus": err_minus,
                    "color": _rgba(color, 0.55),
                    "thickness": 2,
                    "width": 5,
                },
                connectgaps=False,
                customdata=custom,
                hovertemplate=(
                    f"<b>{html.escape(label)}: measured</b><br>%{{customdata[0]}}<br>"
                    "emotion %{y:+.2f} [%{customdata[2]:+.2f}, %{customdata[3]:+.2f}]"
                    "<br>designed %{customdata[4]:+.1f} · n=%{customdata[1]}<extra></extra>"
                ),
                legendgroup=f"measured-{pid}",
            )
        )
        for x in np.flatnonzero(has):
            r = rows.iloc[x]
            if bool(r["disagrees"]):
                flagged["x"].append(int(x))
                flagged["y"].append(float(r["measured"]))
                flagged["text"].append(
                    f"<b>Designed and measured disagree</b><br>{html.escape(str(r['touchpoint']))}"
                    f" · {html.escape(label)}<br>designed {r['designed']:+.1f}, measured "
                    f"{r['measured']:+.2f} [{r['ci_low']:+.2f}, {r['ci_high']:+.2f}], "
                    f"n={int(r['n'])}<br>customers feel {r['direction']}"
                )
    if flagged["x"]:
        fig.add_trace(
            go.Scatter(
                x=flagged["x"],
                y=flagged["y"],
                mode="markers",
                name="designed ≠ measured",
                marker={
                    "symbol": "circle-open",
                    "size": 22,
                    "color": FLAG_COLOR,
                    "line": {"width": 3, "color": FLAG_COLOR},
                },
                text=flagged["text"],
                hovertemplate="%{text}<extra></extra>",
            )
        )


def _pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{100 * value:.0f}%"


def measured_card(row: pd.Series | None, flags: list[str]) -> str:
    """HTML of the measured figures of one touchpoint for the canvas (escaped)."""
    if row is None:
        return ""
    parts = [
        f'<div class="cj-mrow"><span>reach</span><b>{int(row["reach"]):,}</b> '
        f"<i>{_pct(row['share'])}</i></div>",
        f'<div class="cj-mrow"><span>drop-off</span><b>{_pct(row["drop_off"])}</b></div>',
    ]
    if row["csat_n"] > 0:
        parts.append(
            f'<div class="cj-mrow"><span>CSAT</span><b>{row["csat"]:.2f}</b> '
            f"<i>n={int(row['csat_n'])}</i></div>"
        )
    if row["nps_n"] > 0:
        parts.append(
            f'<div class="cj-mrow"><span>NPS</span><b>{row["nps"]:+.0f}</b> '
            f"<i>n={int(row['nps_n'])}</i></div>"
        )
    if row["emotion_n"] > 0:
        measured = f"{row['measured_emotion']:+.1f}".replace("-", "\u2212")
        designed = (
            "—"
            if pd.isna(row["designed_emotion"])
            else f"{row['designed_emotion']:+.1f}".replace("-", "\u2212")
        )
        parts.append(
            f'<div class="cj-mrow"><span>feels</span><b>{measured}</b> '
            f"<i>designed {designed}</i></div>"
        )
    for text in flags:
        parts.append(f'<div class="cj-mflag">\u26a0 {html.escape(text)}</div>')
    return '<div class="cj-measured">' + "".join(parts) + "</div>"
