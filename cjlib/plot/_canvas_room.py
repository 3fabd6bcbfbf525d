"""Room layouts of the map canvas: a whole map on one screen, or on one A3 / A1 sheet.

The screen canvas gives every touchpoint a 210 px column, so a 30-touchpoint map is 6,300 px
wide. A room layout keeps what a room reads from a distance (stages, touchpoints, the feeling
curve, the most severe pain point and the first opportunity of each touchpoint), wraps the
stages into bands (rows) so the columns stay wide enough for 14 px text, and sizes everything
to a fixed page: 1920 x 1080 CSS px for a presentation, the paper at 96 CSS px per inch for
print (``@page`` sets the PDF sheet; the sheet is laid out 1920 px wide and zoomed to the
paper). Text that does not fit is cut with an ellipsis; the full
text is kept in the element's tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations, pairwise
from typing import Any

from cjlib.map._model import SEVERITIES, JourneyMap, Stage, Touchpoint
from cjlib.plot._style import FONT_FAMILY, SEVERITY_COLORS

__all__ = ["CSS_PX_PER_INCH", "LAYOUTS", "PAPER_MM", "page_size", "room_body"]

LAYOUTS = ("screen", "presentation", "print")
#: Landscape paper sizes (width, height) in millimetres (ISO 216).
PAPER_MM = {"A3": (420, 297), "A1": (841, 594)}
#: CSS pixels per inch: the resolution at which a print page is laid out.
CSS_PX_PER_INCH = 96
#: A presentation page in CSS pixels (a 1080p screen or projector).
SCREEN_PX = (1920, 1080)
_PAD = 16  # page padding
_LABEL = 118  # lane-label column
_MIN_COLUMN = 100  # narrowest touchpoint column that keeps 14 px text readable
_CURVE = 160  # height of the feeling lane
_SEVERITY_TEXT = {"low": "#3e2f00", "medium": "#3b1f00", "high": "#ffffff", "critical": "#ffffff"}


def page_size(layout: str, paper: str) -> tuple[int, int]:
    """The page in CSS pixels: 1920 x 1080 for a presentation, the paper at 96 px/inch for print.

    Examples
    --------
    >>> page_size("print", "A3")
    (1587, 1123)
    """
    if layout == "presentation":
        return SCREEN_PX
    width_mm, height_mm = PAPER_MM[paper]
    return (
        round(width_mm / 25.4 * CSS_PX_PER_INCH),
        round(height_mm / 25.4 * CSS_PX_PER_INCH),
    )


def split_bands(counts: Sequence[int], max_columns: int) -> list[int]:
    """Cut stages (``counts`` touchpoints each, in order) into the fewest bands of at most
    ``max_columns`` columns, choosing the cut that makes the widest band narrowest.

    Returns the number of stages in each band. A stage wider than ``max_columns`` gets a band
    of its own.

    Examples
    --------
    >>> split_bands([4, 4, 4, 5, 4, 5, 4], 17)
    [4, 3]
    """
    n = len(counts)
    for bands in range(1, n + 1):
        best = _best_cut(list(counts), bands)
        if max(sum(counts[i:j]) for i, j in _spans(best)) <= max_columns or bands == n:
            return [j - i for i, j in _spans(best)]
    return [n]  # pragma: no cover - the loop always returns at bands == n


def _spans(cuts: list[int]) -> list[tuple[int, int]]:
    return list(pairwise(cuts))


def _best_cut(counts: list[int], bands: int) -> list[int]:
    # few stages: try every way to cut them into ``bands`` contiguous runs

    n = len(counts)
    best: list[int] = [0, n]
    best_width = math.inf
    for inner in combinations(range(1, n), bands - 1):
        cuts = [0, *inner, n]
        width = max(sum(counts[i:j]) for i, j in _spans(cuts))
        if width < best_width:
            best, best_width = cuts, width
    return best


def _clamp(text: str, cls: str, e: Any) -> str:
    return f'<div class="{cls}" title="{e(text)}">{e(text)}</div>'


def _pain_cell(touchpoint: Touchpoint, e: Any) -> str:
    if not touchpoint.pain_points:
        return ""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    worst = max(touchpoint.pain_points, key=lambda p: order.get(p.severity, -1))
    more = len(touchpoint.pain_points) - 1
    color = SEVERITY_COLORS.get(worst.severity, "#bdbdbd")
    ink = _SEVERITY_TEXT.get(worst.severity, "#222")
    return (
        f'<div class="cr-note" style="background:{color};color:{ink}">'
        + _clamp(worst.text, "cr-clamp4", e)
        + "</div>"
        + (f'<div class="cr-more">+{more} more</div>' if more else "")
    )


def _opportunity_cell(touchpoint: Touchpoint, e: Any) -> str:
    if not touchpoint.opportunities:
        return ""
    more = len(touchpoint.opportunities) - 1
    return (
        '<div class="cr-opp">'
        + _clamp(touchpoint.opportunities[0].text, "cr-clamp4", e)
        + "</div>"
        + (f'<div class="cr-more">+{more} more</div>' if more else "")
    )


def room_body(
    journey_map: JourneyMap,
    persona_ids: list[str],
    colors: dict[str, str],
    *,
    layout: str,
    paper: str,
    scope: str,
    emotion_svg: Any,
    escape: Any,
    heading_level: int,
) -> str:
    """The room-layout canvas (header strip and banded grid) inside ``<div id=scope>``."""
    e = escape
    width, height = page_size(layout, paper)
    # a sheet is laid out 1920 px wide, like the screen, then zoomed to the paper: the 14 px
    # of the smallest text print at 8.7 pt on A3 and 17 pt on A1
    # zoom rounded down and the box floored: a sheet a fraction of a pixel too big spills
    # onto a second PDF page
    zoom = 1.0 if layout == "presentation" else math.floor(width / SCREEN_PX[0] * 1e4) / 1e4
    inner_w = math.floor(width / zoom)
    inner_h = math.floor(height / zoom)
    stages = [s for s in journey_map.stages if s.touchpoints]
    usable = inner_w - 2 * _PAD - _LABEL - 2
    per_band = split_bands([len(s.touchpoints) for s in stages], int(usable // _MIN_COLUMN))
    widest = 1
    bands: list[list[Stage]] = []
    start = 0
    for count in per_band:
        bands.append(stages[start : start + count])
        widest = max(widest, sum(len(s.touchpoints) for s in bands[-1]))
        start += count
    column = math.floor(usable / widest)
    names = {p.id: p.name for p in journey_map.personas}
    personas = "".join(
        f'<span class="cr-persona"><i style="background:{colors[p]}"></i>{e(names[p])}</span>'
        for p in persona_ids
    )
    severities = "".join(
        f'<span class="cr-sev" style="background:{SEVERITY_COLORS[s]};'
        f'color:{_SEVERITY_TEXT[s]}">{s}</span>'
        for s in SEVERITIES
    )
    head = (
        '<header class="cr-head">'
        f'<h{heading_level} class="cr-name">{e(journey_map.name)}</h{heading_level}>'
        f'<div class="cr-keys">{personas}<span class="cr-keylabel">pain</span>{severities}</div>'
        "</header>"
    )
    grids = []
    number = 0
    for band in bands:
        grids.append(_band(journey_map, band, number, persona_ids, colors, column, emotion_svg, e))
        number += len(band)
    if layout == "print":
        w_mm, h_mm = PAPER_MM[paper]
        page_css = f"@page {{size:{w_mm}mm {h_mm}mm;margin:0;}}"
    else:
        page_css = f"@page {{size:{width}px {height}px;margin:0;}}"
    return (
        f'<div class="cj-map cr-room" id="{scope}" data-layout="{layout}" '
        f'data-page="{width}x{height}" '
        f'style="width:{inner_w}px;height:{inner_h}px;zoom:{zoom:.4f}">'
        f"<style>{page_css}{_room_css(scope)}</style>" + head + "".join(grids) + "</div>"
    )


def _band(
    journey_map: JourneyMap,
    band: list[Stage],
    first_number: int,
    persona_ids: list[str],
    colors: dict[str, str],
    column: int,
    emotion_svg: Any,
    e: Any,
) -> str:
    n = sum(len(s.touchpoints) for s in band)
    cells = ['<div class="cr-label cr-corner">Stage</div>']
    for i, stage in enumerate(band):
        cells.append(
            f'<div class="cr-stage" style="grid-column: span {len(stage.touchpoints)}">'
            f'<span class="cr-num">{first_number + i + 1}</span>'
            f'<span class="cr-stagename" title="{e(stage.name)}">{e(stage.name)}</span></div>'
        )

    def lane(label: str, render: Any, cls: str) -> None:
        cells.append(f'<div class="cr-label">{label}</div>')
        for stage in band:
            for ti, tp in enumerate(stage.touchpoints):
                first = " cr-first" if ti == 0 else ""
                cells.append(f'<div class="cr-cell {cls}{first}">{render(tp)}</div>')

    lane("Touch&shy;points", lambda t: _clamp(t.name, "cr-clamp3 cr-tpname", e), "cr-tpcell")
    sub = JourneyMap(
        id=journey_map.id, name=journey_map.name, personas=journey_map.personas, stages=tuple(band)
    )
    cells.append('<div class="cr-label">Feeling</div>')
    svg = emotion_svg(sub, persona_ids, colors, n, column_width=column, height=_CURVE)
    cells.append(f'<div class="cr-curvecell" style="grid-column: span {n}">{svg}</div>')
    lane("Pain", lambda t: _pain_cell(t, e), "cr-paincell")
    lane("Ideas", lambda t: _opportunity_cell(t, e), "cr-oppcell")
    columns = f"{_LABEL}px repeat({n}, {column}px)"
    return f'<div class="cr-grid" style="grid-template-columns:{columns}">{"".join(cells)}</div>'


def _room_css(scope: str) -> str:
    s = f"#{scope}"
    return f"""
{s} {{font-family:{FONT_FAMILY};color:#263238;background:#fff;font-size:14px;line-height:1.3;
  padding:{_PAD}px;box-sizing:border-box;overflow:hidden;display:flex;flex-direction:column;
  gap:12px;}}
{s} *, {s} *::before, {s} *::after {{box-sizing:border-box;}}
{s} .cr-head {{display:flex;align-items:baseline;gap:24px;flex-wrap:nowrap;min-width:0;}}
{s} .cr-name {{font-size:26px;margin:0;font-weight:700;white-space:nowrap;overflow:hidden;
  text-overflow:ellipsis;min-width:0;flex:1 1 auto;}}
{s} .cr-keys {{display:flex;align-items:center;gap:10px;flex:none;font-size:16px;}}
{s} .cr-persona {{display:flex;align-items:center;gap:6px;margin-right:8px;}}
{s} .cr-persona i {{display:inline-block;width:14px;height:14px;border-radius:50%;}}
{s} .cr-keylabel {{color:#607d8b;text-transform:uppercase;font-size:14px;}}
{s} .cr-sev {{padding:1px 8px;border-radius:2px;font-size:14px;}}
{s} .cr-grid {{flex:none;display:grid;border:1px solid #cfd8dc;border-radius:8px;overflow:hidden;}}
{s} .cr-label {{background:#37474f;color:#eceff1;font-weight:700;font-size:14px;
  text-transform:uppercase;letter-spacing:.5px;padding:8px;border-bottom:1px solid #546e7a;
  overflow:hidden;hyphens:manual;}}
{s} .cr-corner {{background:#263238;}}
{s} .cr-stage {{background:#eceff1;border-left:3px solid #90a4ae;padding:6px 10px;
  border-bottom:1px solid #cfd8dc;display:flex;align-items:center;gap:8px;min-width:0;}}
{s} .cr-stage:nth-child(2) {{border-left:none;}}
{s} .cr-num {{flex:none;background:#37474f;color:#fff;border-radius:50%;width:26px;height:26px;
  text-align:center;line-height:26px;font-weight:700;font-size:15px;}}
{s} .cr-stagename {{font-size:19px;font-weight:700;white-space:nowrap;overflow:hidden;
  text-overflow:ellipsis;min-width:0;}}
{s} .cr-cell {{padding:6px;border-bottom:1px solid #eceff1;border-left:1px dashed #e0e0e0;
  min-width:0;}}
{s} .cr-first {{border-left:3px solid #90a4ae;}}
{s} .cr-clamp3 {{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:3;
  overflow:hidden;overflow-wrap:anywhere;hyphens:auto;max-height:3.9em;}}
{s} .cr-clamp4 {{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:4;
  overflow:hidden;overflow-wrap:anywhere;hyphens:auto;max-height:5.2em;}}
{s} .cr-tpname {{font-weight:700;font-size:15px;}}
{s} .cr-curvecell {{padding:0;border-bottom:1px solid #eceff1;}}
{s} .cj-curve {{display:block;}}
{s} .cj-curve .cj-axis {{font-size:14px;fill:#78909c;font-family:{FONT_FAMILY};}}
{s} .cj-curve .cj-score {{font-size:14px;font-weight:700;text-anchor:middle;
  font-family:{FONT_FAMILY};}}
{s} .cr-note {{padding:5px 6px;border-radius:2px;box-shadow:1px 1px 3px rgba(0,0,0,.18);}}
{s} .cr-opp {{background:#e0f2f1;border-left:4px solid #00897b;padding:5px 6px;
  border-radius:2px;}}
{s} .cr-more {{font-size:14px;color:#607d8b;margin-top:3px;white-space:nowrap;}}
@media print {{ {s} {{break-inside:avoid;}} }}
"""
