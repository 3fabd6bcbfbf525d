"""One visual language for every cjlib figure: colours, fonts and the base layout.

Examples
--------
>>> from cjlib.plot._style import SEVERITY_COLORS
>>> SEVERITY_COLORS["critical"]
'#c62828'
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "EMOTION_COLORSCALE",
    "FONT_FAMILY",
    "NEUTRAL",
    "PALETTE",
    "SEVERITY_COLORS",
    "apply_base_layout",
    "color_for",
]

FONT_FAMILY = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
#: Paper-map post-it colours by pain-point severity.
SEVERITY_COLORS: dict[str, str] = {
    "low": "#fdd835",
    "medium": "#fb8c00",
    "high": "#e53935",
    "critical": "#c62828",
}
#: Qualitative palette for personas, segments, groups (colour-blind friendly, Okabe-Ito based).
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
NEUTRAL = "#9e9e9e"
#: Diverging scale for emotion (-2 red ... 0 grey ... +2 green).
EMOTION_COLORSCALE: list[list[Any]] = [
    [0.0, "#c62828"],
    [0.25, "#ef9a9a"],
    [0.5, "#eeeeee"],
    [0.75, "#a5d6a7"],
    [1.0, "#2e7d32"],
]


def color_for(index: int) -> str:
    """Return the palette colour for the ``index``-th series (cycling)."""
    return PALETTE[index % len(PALETTE)]


def apply_base_layout(fig: Any, *, title: str | None = None, height: int | None = None) -> Any:
    """Apply cjlib's common layout (white template, font, margins) to ``fig`` and return it."""
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": 13, "color": "#263238"},
        title={"text": title, "x": 0.01, "xanchor": "left"} if title else None,
        margin={"l": 60, "r": 30, "t": 70 if title else 30, "b": 60},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        legend={"bgcolor": "rgba(255,255,255,0.8)"},
    )
    if height is not None:
        fig.update_layout(height=height)
    return fig
