"""The classic paper journey map as one self-contained HTML canvas.

Stages are columns (one sub-column per touchpoint); lanes run across them: what the customer
does, the touchpoints (channel, owner and an owned/partner/external badge), what they think and
expect, an emotion curve per persona (inline SVG drawn here: no plotly, no CDN, no script), pain
points as post-its coloured by severity, opportunities, and the backstage lane with the owning
department, hand-offs between departments and the event names that bind each touchpoint to data.
Personas and objectives sit in the header.

Every piece of user text goes through :func:`html.escape`; the canvas holds no JavaScript.
"""

from __future__ import annotations

import html
import math
import uuid
from collections.abc import Sequence
from typing import Any

from cjlib.errors import DataError
from cjlib.map._model import EMOTION_RANGE, SEVERITIES, JourneyMap, Stage, Touchpoint
from cjlib.plot._canvas_room import LAYOUTS, PAPER_MM, room_body
from cjlib.plot._style import FONT_FAMILY, SEVERITY_COLORS, color_for

__all__ = ["render_map"]

_COLUMN_WIDTH = 210  # px per touchpoint column
_LABEL_WIDTH = 132  # px of the sticky lane-label column
_CURVE_HEIGHT = 190  # px of the emotion lane
_SEVERITY_TEXT = {"low": "#3e2f00", "medium": "#3b1f00", "high": "#ffffff", "critical": "#ffffff"}
_EFFORT_LABEL = {"S": "effort S", "M": "effort M", "L": "effort L", "XL": "effort XL"}
_OWNERSHIP_NOTE = {
    "owned": "the company runs it",
    "partner": "run by a partner",
    "external": "outside the company's control",
}
# soft department colours for the backstage lane (assigned in order of first appearance)
_OWNER_TINTS = (
    "#e3f2fd",
    "#f3e5f5",
    "#e8f5e9",
    "#fff3e0",
    "#e0f7fa",
    "#fce4ec",
    "#f1f8e9",
    "#ede7f6",
    "#fffde7",
    "#eceff1",
)


def _e(text: Any) -> str:
    """HTML-escape any user value (quotes too, so it is safe inside attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def _fmt(value: float) -> str:
    text = f"{value:+.1f}"
    return "0" if float(text) == 0 else text.replace("-", "\u2212")


def _owner_of(stage: Stage, touchpoint: Touchpoint) -> str:
    owner = touchpoint.owner or stage.owner
    return owner if isinstance(owner, str) else str(owner)  # drafts may hold odd values


def _check_personas(journey_map: JourneyMap, personas: Sequence[str] | None) -> list[str]:
    known = [p.id for p in journey_map.personas]
    if personas is None:
        return known
    if isinstance(personas, str):
        personas = [personas]
    unknown = [p for p in personas if p not in known]
    if unknown:
        raise DataError(f"personas: unknown persona id(s) {unknown}; known: {known}")
    return list(personas)


# -- header -------------------------------------------------------------------------------
def _header(
    journey_map: JourneyMap, persona_ids: list[str], colors: dict[str, str], level: int
) -> str:
    meta = " · ".join(
        f"{_e(k)}: {_e(v)}"
        for k, v in journey_map.metadata.items()
        if not isinstance(v, tuple | dict) and not hasattr(v, "items")
    )
    parts = [
        '<header class="cj-head">',
        '<div class="cj-title">',
        f'<h{level} class="cj-name">{_e(journey_map.name)}</h{level}>',
        f'<p class="cj-desc">{_e(journey_map.description)}</p>' if journey_map.description else "",
        f'<p class="cj-meta">{meta}</p>' if meta else "",
        "</div>",
        '<div class="cj-head-blocks">',
        _personas_block(journey_map, persona_ids, colors, level + 1),
        _objectives_block(journey_map, level + 1),
        _legend(level + 1),
        "</div>",
        "</header>",
    ]
    return "".join(parts)


def _personas_block(
    journey_map: JourneyMap, persona_ids: list[str], colors: dict[str, str], level: int
) -> str:
    if not persona_ids:
        return ""
    cards = []
    for pid in persona_ids:
        persona = journey_map.persona(pid)
        facts = []
        if persona.share is not None:
            facts.append(f"{persona.share:.0%} of customers")
        if persona.segment:
            facts.append(f"segment <code>{_e(persona.segment)}</code>")
        lists = "".join(
            f'<div class="cj-plist"><span>{label}</span><ul>'
            + "".join(f"<li>{_e(item)}</li>" for item in items)
            + "</ul></div>"
            for label, items in (("Goals", persona.goals), ("Frustrations", persona.frustrations))
            if items
        )
        cards.append(
            f'<div class="cj-persona" style="border-top-color:{colors[pid]}">'
            f'<div class="cj-pname"><i style="background:{colors[pid]}"></i>'
            f"{_e(persona.name)}</div>"
            + (f'<div class="cj-pfacts">{" · ".join(facts)}</div>' if facts else "")
            + (f'<p class="cj-pdesc">{_e(persona.description)}</p>' if persona.description else "")
            + lists
            + "</div>"
        )
    return _block("Personas", "".join(cards), level)


def _objectives_block(journey_map: JourneyMap, level: int) -> str:
    if not journey_map.objectives:
        return ""
    rows = []
    for obj in journey_map.objectives:
        arrow = "\u25b2" if obj.direction == "increase" else "\u25bc"
        unit = _e(obj.unit if obj.unit in ("%", "") else f"\u2009{obj.unit}")
        start = f"{_e(f'{obj.baseline:g}')}{unit} \u2192 " if obj.baseline is not None else ""
        deadline = obj.deadline.isoformat() if hasattr(obj.deadline, "isoformat") else obj.deadline
        rows.append(
            '<div class="cj-objective">'
            f'<div class="cj-kpi"><span class="cj-arrow">{arrow}</span>{_e(obj.kpi)}</div>'
            f'<div class="cj-target">{start}<b>{_e(f"{obj.target:g}")}{unit}</b></div>'
            f'<div class="cj-due">by {_e(deadline)}'
            + (f" · {_e(obj.owner)}" if obj.owner else "")
            + "</div>"
            + (f'<div class="cj-odesc">{_e(obj.description)}</div>' if obj.description else "")
            + "</div>"
        )
    return _block("Objectives", "".join(rows), level)


def _block(title: str, cards: str, level: int) -> str:
    return (
        f'<section class="cj-block"><h{level} class="cj-bhead">{title}</h{level}>'
        f'<div class="cj-cards">{cards}</div></section>'
    )


def _legend(level: int) -> str:
    notes = "".join(
        f'<span class="cj-postit cj-mini" style="background:{SEVERITY_COLORS[s]};'
        f'color:{_SEVERITY_TEXT[s]}">{s}</span>'
        for s in SEVERITIES
    )
    badges = "".join(
        f'<span class="cj-badge cj-{o}" title="{_OWNERSHIP_NOTE[o]}">{o}</span>'
        for o in _OWNERSHIP_NOTE
    )
    return (
        f'<section class="cj-block cj-legend"><h{level} class="cj-bhead">Legend</h{level}>'
        f'<div class="cj-leg-row"><span class="cj-leg-label">Pain points</span>{notes}</div>'
        f'<div class="cj-leg-row"><span class="cj-leg-label">Touchpoints</span>{badges}</div>'
        '<div class="cj-leg-row"><span class="cj-leg-label">Backstage</span>'
        '<span class="cj-handoff">\u21c4 hand-off</span> where the owner changes</div>'
        "</section>"
    )


# -- lanes --------------------------------------------------------------------------------
def _cell(content: str, *, first: bool, stage_index: int, extra: str = "") -> str:
    classes = ["cj-cell", f"cj-s{stage_index % 2}"]
    if first:
        classes.append("cj-first")
    if extra:
        classes.append(extra)
    return f'<div class="{" ".join(classes)}">{content}</div>'


def _bullets(items: Sequence[str], cls: str) -> str:
    if not items:
        return ""
    return f'<ul class="{cls}">' + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"


def _touchpoint_card(touchpoint: Touchpoint, owner: str) -> str:
    ownership = touchpoint.ownership if touchpoint.ownership in _OWNERSHIP_NOTE else "owned"
    return (
        f'<div class="cj-tp cj-tp-{ownership}">'
        f'<div class="cj-tpname">{_e(touchpoint.name)}</div>'
        '<div class="cj-tpmeta">'
        + (
            f'<span class="cj-channel">{_e(touchpoint.channel)}</span>'
            if touchpoint.channel
            else ""
        )
        + f'<span class="cj-badge cj-{ownership}" title="{_OWNERSHIP_NOTE[ownership]}">'
        f"{ownership}</span></div>"
        + (f'<div class="cj-tpowner">{_e(owner)}</div>' if owner else "")
        + "</div>"
    )


def _thoughts(touchpoint: Touchpoint) -> str:
    bubbles = "".join(
        f'<div class="cj-thought">\u201c{_e(t)}\u201d</div>' for t in touchpoint.thoughts
    )
    if touchpoint.expectation:
        bubbles += f'<div class="cj-expect"><span>expects</span> {_e(touchpoint.expectation)}</div>'
    return bubbles


def _pain_points(touchpoint: Touchpoint, persona_names: dict[str, str]) -> str:
    notes = []
    order = {s: i for i, s in enumerate(SEVERITIES)}
    for i, pp in enumerate(
        sorted(touchpoint.pain_points, key=lambda p: -order.get(p.severity, -1))
    ):
        color = SEVERITY_COLORS.get(pp.severity, "#bdbdbd")
        who = ", ".join(persona_names.get(p, p) for p in pp.personas)
        tilt = (-1.2, 0.8, -0.5, 1.1)[i % 4]
        notes.append(
            f'<div class="cj-postit" style="background:{color};'
            f'color:{_SEVERITY_TEXT.get(pp.severity, "#222")};transform:rotate({tilt}deg)">'
            f'<div class="cj-sev">{_e(pp.severity)}</div>{_e(pp.text)}'
            + (f'<div class="cj-who">{_e(who)}</div>' if who else "")
            + "</div>"
        )
    return "".join(notes)


def _opportunities(touchpoint: Touchpoint) -> str:
    notes = []
    for op in touchpoint.opportunities:
        facts = [_EFFORT_LABEL.get(op.effort, f"effort {op.effort}")]
        if op.expected_effect is not None:
            facts.append(f"\u2212{op.expected_effect:.0%} expected")
        notes.append(
            '<div class="cj-opp">'
            f"{_e(op.text)}"
            f'<div class="cj-oppmeta"><span class="cj-effort">{_e(" · ".join(facts))}</span>'
            + (f'<span class="cj-oppowner">{_e(op.owner)}</span>' if op.owner else "")
            + "</div></div>"
        )
    return "".join(notes)


def _backstage(owner: str, previous: str | None, events: Sequence[str], tint: str) -> str:
    handoff = ""
    if previous is not None and owner and previous and owner != previous:
        handoff = (
            f'<div class="cj-handoff" title="ownership changes hands">\u21c4 from '
            f"{_e(previous)}</div>"
        )
    chip = (
        f'<div class="cj-owner" style="background:{tint}">{_e(owner)}</div>'
        if owner
        else '<div class="cj-owner cj-noowner">no owner</div>'
    )
    ev = ""
    if events:
        ev = '<div class="cj-events">' + "".join(f"<code>{_e(e)}</code>" for e in events) + "</div>"
    return handoff + chip + ev


# -- emotion curve (inline SVG) ---------------------------------------------------------------
def _smooth_path(points: list[tuple[float, float]]) -> str:
    """A monotone cubic curve through ``points`` as an SVG path.

    Fritsch-Carlson tangents keep the curve between neighbouring scores: it never swings above
    +2 or below -2, nor suggests a dip between two equal scores that is not on the map.
    """
    n = len(points)
    if n < 2:
        return ""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    slopes = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(n - 1)]
    tangents = (
        [slopes[0]]
        + [
            0.0 if slopes[i - 1] * slopes[i] <= 0 else 2 / (1 / slopes[i - 1] + 1 / slopes[i])
            for i in range(1, n - 1)
        ]
        + [slopes[-1]]
    )
    d = [f"M{xs[0]:.1f},{ys[0]:.1f}"]
    for i in range(n - 1):
        h = (xs[i + 1] - xs[i]) / 3
        d.append(
            f"C{xs[i] + h:.1f},{ys[i] + tangents[i] * h:.1f} "
            f"{xs[i + 1] - h:.1f},{ys[i + 1] - tangents[i + 1] * h:.1f} "
            f"{xs[i + 1]:.1f},{ys[i + 1]:.1f}"
        )
    return " ".join(d)


def _label_above(touchpoint: Touchpoint, persona_id: str, persona_ids: list[str]) -> bool:
    """Place a score label above its dot unless another persona's dot there is higher.

    With two personas the higher one is labelled above and the lower one below, so labels of
    close scores never collide; a lone score is labelled on the side away from the zero line.
    """
    scores = {p: touchpoint.emotion.get(p) for p in persona_ids}
    scores = {
        p: float(v)
        for p, v in scores.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    }
    if len(scores) == 1:
        return scores[persona_id] >= 0
    ranked = sorted(scores, key=lambda p: (-scores[p], persona_ids.index(p)))
    return ranked.index(persona_id) % 2 == 0


def _emotion_svg(
    journey_map: JourneyMap,
    persona_ids: list[str],
    colors: dict[str, str],
    n: int,
    *,
    column_width: float = _COLUMN_WIDTH,
    height: float = _CURVE_HEIGHT,
) -> str:
    width = n * column_width
    pad = 22
    low, high = EMOTION_RANGE

    def y_of(score: float) -> float:
        return pad + (high - score) / (high - low) * (height - 2 * pad)

    parts = [
        f'<svg class="cj-curve" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Emotion curve">',
        f'<rect x="0" y="0" width="{width}" height="{y_of(0):.1f}" fill="#f1f8e9"/>',
        f'<rect x="0" y="{y_of(0):.1f}" width="{width}" height="{height - y_of(0):.1f}" '
        'fill="#fdecea"/>',
    ]
    for level in range(math.ceil(low), math.floor(high) + 1):
        y = y_of(level)
        stroke = (
            'stroke="#90a4ae" stroke-width="1.4"'
            if level == 0
            else ('stroke="#cfd8dc" stroke-width="1" stroke-dasharray="3 4"')
        )
        parts.append(f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" {stroke}/>')
        parts.append(f'<text x="4" y="{y - 3:.1f}" class="cj-axis">{_fmt(level)}</text>')
    boundary = 0
    for stage in journey_map.stages[:-1]:
        boundary += len(stage.touchpoints)
        x = boundary * column_width
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="0" y2="{height}" stroke="#b0bec5" stroke-width="2"/>'
        )
    touchpoints = journey_map.touchpoints
    # one offset per persona keeps equal scores from hiding each other's labels
    offsets = {pid: (i - (len(persona_ids) - 1) / 2) * 7 for i, pid in enumerate(persona_ids)}
    for pid in persona_ids:
        color = colors[pid]
        segment: list[tuple[float, float]] = []
        segments: list[list[tuple[float, float]]] = []
        dots = []
        for i, tp in enumerate(touchpoints):
            score = tp.emotion.get(pid)
            if (
                not isinstance(score, int | float)
                or isinstance(score, bool)
                or not math.isfinite(score)
            ):
                if segment:
                    segments.append(segment)
                segment = []
                continue
            x = i * column_width + column_width / 2 + offsets[pid]
            y = y_of(max(low, min(high, float(score))))
            segment.append((x, y))
            label_y = y - 10 if _label_above(tp, pid, persona_ids) else y + 19
            dots.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="#fff" stroke="{color}" '
                f'stroke-width="3"/>'
                f'<text x="{x:.1f}" y="{label_y:.1f}" class="cj-score" fill="{color}">'
                f"{_fmt(float(score))}</text>"
            )
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f'<path d="{_smooth_path(seg)}" fill="none" stroke="{color}" '
                    'stroke-width="3.5" stroke-linecap="round" opacity="0.9"/>'
                )
        parts.extend(dots)
    parts.append("</svg>")
    return "".join(parts)


# -- the page -----------------------------------------------------------------------------------
def _grid(
    journey_map: JourneyMap,
    persona_ids: list[str],
    colors: dict[str, str],
    measured: Any = None,
) -> str:
    stages = [s for s in journey_map.stages if s.touchpoints]
    n = sum(len(s.touchpoints) for s in stages)
    if n == 0:
        return '<p class="cj-empty">This map has no touchpoints yet.</p>'
    persona_names = {p.id: p.name for p in journey_map.personas}
    shown = JourneyMap(
        id=journey_map.id,
        name=journey_map.name,
        personas=journey_map.personas,
        stages=tuple(stages),
    )

    cells: list[str] = ['<div class="cj-label cj-corner">Stage</div>']
    previous_stage_owner: str | None = None
    for i, stage in enumerate(stages):
        handoff = ""
        if previous_stage_owner and stage.owner and stage.owner != previous_stage_owner:
            handoff = (
                f'<span class="cj-handoff">\u21c4 {_e(previous_stage_owner)} \u2192 '
                f"{_e(stage.owner)}</span>"
            )
        cells.append(
            f'<div class="cj-stage cj-s{i % 2}" style="grid-column: span {len(stage.touchpoints)}">'
            f'<div class="cj-stagenum">{i + 1}</div>'
            f'<div class="cj-stagename">{_e(stage.name)}</div>'
            + (
                f'<div class="cj-stagedesc">{_e(stage.description)}</div>'
                if stage.description
                else ""
            )
            + (
                f'<div class="cj-stageowner">lead: {_e(stage.owner)} {handoff}</div>'
                if stage.owner
                else ""
            )
            + "</div>"
        )
        if stage.owner:
            previous_stage_owner = stage.owner

    owners = list(dict.fromkeys(_owner_of(s, t) for s, t in shown.iter_touchpoints()))
    tints = {o: _OWNER_TINTS[i % len(_OWNER_TINTS)] for i, o in enumerate(owners)}

    def lane(label: str, render: Any, extra: str = "") -> None:
        cells.append(f'<div class="cj-label">{label}</div>')
        for si, stage in enumerate(stages):
            for ti, tp in enumerate(stage.touchpoints):
                cells.append(
                    _cell(render(stage, tp), first=ti == 0 and si > 0, stage_index=si, extra=extra)
                )

    lane("Doing", lambda s, t: _bullets(t.actions, "cj-actions"))
    lane("Touchpoints", lambda s, t: _touchpoint_card(t, _owner_of(s, t)), "cj-tpcell")
    if measured is not None:
        _measured_lane(lane, measured, persona_names)
    lane("Thinking &amp; expecting", lambda s, t: _thoughts(t))

    legend = "".join(
        f'<div class="cj-curveleg"><i style="background:{colors[p]}"></i>'
        f"{_e(persona_names[p])}</div>"
        for p in persona_ids
    )
    cells.append(f'<div class="cj-label">Feeling{legend}</div>')
    cells.append(
        f'<div class="cj-curvecell" style="grid-column: span {n}">'
        f"{_emotion_svg(shown, persona_ids, colors, n)}</div>"
    )

    lane("Pain points", lambda s, t: _pain_points(t, persona_names), "cj-paincell")
    lane("Opportunities", lambda s, t: _opportunities(t))

    previous: list[str | None] = [None]

    def backstage(stage: Stage, tp: Touchpoint) -> str:
        owner = _owner_of(stage, tp)
        out = _backstage(owner, previous[0], tp.events, tints.get(owner, "#eceff1"))
        previous[0] = owner or previous[0]
        return out

    lane("Backstage<br><small>owner · events</small>", backstage, "cj-backcell")
    columns = f"{_LABEL_WIDTH}px repeat({n}, {_COLUMN_WIDTH}px)"
    return f'<div class="cj-grid" style="grid-template-columns:{columns}">{"".join(cells)}</div>'


def _measured_lane(lane: Any, measured: Any, persona_names: dict[str, str]) -> None:
    from cjlib.plot._measured import measured_card

    rows = {r["touchpoint"]: r for _, r in measured.touchpoints.iterrows()}
    flags: dict[str, list[str]] = {}
    for _, r in measured.disagreements().iterrows():
        who = persona_names.get(r["persona"], "all respondents")
        flags.setdefault(r["touchpoint"], []).append(
            f"{who}: feels {r['measured']:+.1f} vs designed {r['designed']:+.1f}"
        )
    lane(
        "Measured<br><small>reach · drop-off · surveys</small>",
        lambda s, t: measured_card(rows.get(t.id), flags.get(t.id, [])),
        "cj-mcell",
    )


def _css(scope: str) -> str:
    s = f"#{scope}"
    return f"""
{s} {{font-family:{FONT_FAMILY};color:#263238;background:#fafafa;font-size:13px;
  line-height:1.35;padding:18px;box-sizing:border-box;}}
{s} *, {s} *::before, {s} *::after {{box-sizing:border-box;}}
{s} .cj-name {{font-size:26px;margin:0 0 4px;font-weight:700;letter-spacing:-0.2px;}}
{s} .cj-bhead {{font-size:12px;text-transform:uppercase;letter-spacing:1.2px;color:#607d8b;
  margin:0 0 8px;font-weight:700;}}
{s} .cj-head {{margin-bottom:16px;}}
{s} .cj-desc {{margin:0 0 4px;font-size:15px;color:#455a64;max-width:1100px;}}
{s} .cj-meta {{margin:0;color:#78909c;font-size:12px;}}
{s} .cj-head-blocks {{display:flex;gap:22px;flex-wrap:wrap;margin-top:14px;align-items:flex-start;}}
{s} .cj-block {{background:#fff;border:1px solid #e0e0e0;border-radius:10px;padding:12px 14px;}}
{s} .cj-cards {{display:flex;gap:12px;flex-wrap:wrap;}}
{s} .cj-persona {{width:270px;border-top:5px solid;border-radius:6px;background:#fcfcfc;
  padding:8px 10px;box-shadow:0 1px 2px rgba(0,0,0,.06);}}
{s} .cj-pname {{font-weight:700;font-size:15px;display:flex;align-items:center;gap:7px;}}
{s} .cj-pname i, {s} .cj-curveleg i {{display:inline-block;width:12px;height:12px;
  border-radius:50%;}}
{s} .cj-pfacts {{color:#607d8b;font-size:12px;margin:2px 0 4px;}}
{s} .cj-pdesc {{margin:4px 0;font-size:12.5px;}}
{s} .cj-plist span {{font-size:11px;text-transform:uppercase;color:#78909c;letter-spacing:.6px;}}
{s} .cj-plist ul {{margin:2px 0 4px;padding-left:16px;font-size:12.5px;}}
{s} .cj-objective {{width:240px;border-left:4px solid #37474f;padding:4px 10px;background:#fcfcfc;}}
{s} .cj-kpi {{font-weight:700;font-size:14px;}}
{s} .cj-arrow {{color:#2e7d32;margin-right:5px;font-size:11px;}}
{s} .cj-target {{font-size:18px;margin:2px 0;}}
{s} .cj-due, {s} .cj-odesc {{font-size:12px;color:#607d8b;}}
{s} .cj-legend {{min-width:300px;}}
{s} .cj-leg-row {{display:flex;align-items:center;gap:6px;margin:5px 0;font-size:12px;
  flex-wrap:wrap;}}
{s} .cj-leg-label {{width:84px;color:#78909c;font-size:11px;text-transform:uppercase;}}
{s} .cj-scroll {{overflow-x:auto;padding-bottom:8px;}}
{s} .cj-grid {{display:grid;width:max-content;background:#fff;border:1px solid #cfd8dc;
  border-radius:10px;overflow:hidden;}}
{s} .cj-label {{position:sticky;left:0;z-index:2;background:#37474f;color:#eceff1;
  font-weight:700;font-size:12px;text-transform:uppercase;letter-spacing:.8px;padding:12px 10px;
  border-bottom:1px solid #546e7a;}}
{s} .cj-label small {{text-transform:none;font-weight:400;letter-spacing:0;color:#b0bec5;}}
{s} .cj-corner {{background:#263238;}}
{s} .cj-stage {{padding:10px 12px;border-left:3px solid #b0bec5;border-bottom:1px solid #cfd8dc;
  background:#eceff1;}}
{s} .cj-stage.cj-s1 {{background:#e3e9ec;}}
{s} .cj-stage:nth-child(2) {{border-left:none;}}
{s} .cj-stagenum {{display:inline-block;background:#37474f;color:#fff;border-radius:50%;
  width:22px;height:22px;text-align:center;line-height:22px;font-weight:700;font-size:12px;
  margin-right:6px;vertical-align:middle;}}
{s} .cj-stagename {{display:inline;font-size:17px;font-weight:700;vertical-align:middle;}}
{s} .cj-stagedesc {{color:#546e7a;font-size:12.5px;margin-top:4px;font-style:italic;}}
{s} .cj-stageowner {{font-size:11.5px;color:#455a64;margin-top:5px;}}
{s} .cj-cell {{padding:8px 9px;border-bottom:1px solid #eceff1;border-left:1px dashed #eceff1;}}
{s} .cj-cell.cj-s1 {{background:#fbfcfc;}}
{s} .cj-cell.cj-first {{border-left:3px solid #b0bec5;}}
{s} .cj-actions {{margin:0;padding-left:16px;}}
{s} .cj-actions li {{margin:2px 0;}}
{s} .cj-tp {{border-radius:8px;padding:8px 9px;background:#fff;border:2px solid #37474f;
  box-shadow:0 1px 3px rgba(0,0,0,.08);}}
{s} .cj-tp-partner {{border-color:#1565c0;}}
{s} .cj-tp-external {{border:2px dashed #90a4ae;background:#f7f9fa;}}
{s} .cj-tpname {{font-weight:700;font-size:13.5px;}}
{s} .cj-tpmeta {{display:flex;gap:5px;flex-wrap:wrap;margin-top:5px;align-items:center;}}
{s} .cj-channel {{background:#eceff1;border-radius:10px;padding:1px 8px;font-size:11.5px;}}
{s} .cj-badge {{border-radius:10px;padding:1px 7px;font-size:10.5px;font-weight:700;
  text-transform:uppercase;letter-spacing:.5px;}}
{s} .cj-owned {{background:#37474f;color:#fff;}}
{s} .cj-partner {{background:#e3f2fd;color:#0d47a1;border:1px solid #1565c0;}}
{s} .cj-external {{background:#fff;color:#546e7a;border:1px dashed #78909c;}}
{s} .cj-tpowner {{font-size:11.5px;color:#607d8b;margin-top:5px;}}
{s} .cj-thought {{background:#f5f7f8;border-radius:12px 12px 12px 2px;padding:5px 9px;
  margin-bottom:5px;font-style:italic;color:#37474f;}}
{s} .cj-expect {{font-size:12px;color:#455a64;border-top:1px dotted #cfd8dc;padding-top:4px;}}
{s} .cj-expect span {{font-size:10.5px;text-transform:uppercase;color:#90a4ae;
  letter-spacing:.5px;}}
{s} .cj-curvecell {{padding:0;border-bottom:1px solid #eceff1;background:#fff;}}
{s} .cj-curve {{display:block;}}
{s} .cj-curve .cj-axis {{font-size:10px;fill:#90a4ae;font-family:{FONT_FAMILY};}}
{s} .cj-curve .cj-score {{font-size:11px;font-weight:700;text-anchor:middle;
  font-family:{FONT_FAMILY};}}
{s} .cj-curveleg {{display:flex;align-items:center;gap:6px;text-transform:none;font-weight:400;
  letter-spacing:0;margin-top:8px;font-size:12px;}}
{s} .cj-paincell {{background-image:none;}}
{s} .cj-postit {{padding:7px 9px 8px;margin:3px 2px 9px;box-shadow:1px 2px 4px rgba(0,0,0,.18);
  font-size:12.5px;border-radius:2px;}}
{s} .cj-postit.cj-mini {{display:inline-block;margin:0 2px;padding:2px 8px;font-size:11px;
  box-shadow:none;}}
{s} .cj-sev {{font-size:10px;text-transform:uppercase;letter-spacing:.8px;font-weight:700;
  opacity:.85;margin-bottom:2px;}}
{s} .cj-who {{font-size:11px;margin-top:4px;opacity:.85;font-style:italic;}}
{s} .cj-opp {{background:#e0f2f1;border-left:4px solid #00897b;border-radius:3px;
  padding:6px 8px;margin-bottom:7px;font-size:12.5px;}}
{s} .cj-oppmeta {{display:flex;justify-content:space-between;gap:6px;margin-top:4px;
  font-size:11px;color:#00695c;}}
{s} .cj-effort {{font-weight:700;}}
{s} .cj-backcell {{background:#f5f5f5;}}
{s} .cj-owner {{border-radius:5px;padding:3px 8px;font-weight:700;font-size:12px;
  display:inline-block;border:1px solid rgba(0,0,0,.08);}}
{s} .cj-noowner {{background:#fff;color:#b71c1c;border:1px dashed #e57373;}}
{s} .cj-handoff {{display:inline-block;background:#fff8e1;color:#e65100;border:1px solid #ffb74d;
  border-radius:10px;padding:1px 7px;font-size:11px;font-weight:700;margin:0 4px 5px 0;}}
{s} .cj-events {{margin-top:6px;display:flex;flex-wrap:wrap;gap:3px;}}
{s} .cj-events code, {s} code {{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;
  font-size:10.5px;background:#eceff1;border-radius:3px;padding:1px 4px;color:#455a64;}}
{s} .cj-empty {{color:#78909c;font-style:italic;}}
{s} .cj-mcell {{background:#f3f8fb;}}
{s} .cj-measured {{font-size:12px;}}
{s} .cj-mrow {{display:flex;align-items:baseline;gap:6px;margin:1px 0;}}
{s} .cj-mrow span {{width:62px;flex:none;white-space:nowrap;font-size:10px;
  text-transform:uppercase;color:#78909c;
  letter-spacing:.5px;}}
{s} .cj-mrow b {{font-size:13px;}}
{s} .cj-mrow i {{color:#78909c;font-size:11px;}}
{s} .cj-mflag {{margin-top:5px;background:#ffebee;color:#b71c1c;border:1px solid #ef9a9a;
  border-radius:4px;padding:3px 6px;font-size:11.5px;font-weight:700;}}
@media print {{ {s} .cj-scroll {{overflow:visible;}} {s} {{background:#fff;}} }}
"""


def render_map(
    journey_map: JourneyMap,
    *,
    personas: Sequence[str] | None = None,
    standalone: bool = True,
    measured: Any = None,
    heading_level: int = 1,
    layout: str = "screen",
    paper: str = "A3",
) -> str:
    """Render ``journey_map`` as a self-contained HTML canvas of the classic paper map.

    Stages are columns; lanes show what customers do, the touchpoints (channel, owner and an
    owned / partner / external badge), what they think and expect, an emotion curve per
    persona, pain points as post-its coloured by severity, opportunities, and backstage: the
    owning department (with a hand-off marker where ownership changes) and the events that
    bind each touchpoint to data. Personas and objectives head the page. The HTML needs no
    network, holds no script, and escapes every piece of user text.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to draw; it need not be valid (a draft renders as far as it goes).
    personas : sequence of str, optional
        Persona ids whose emotion curves to draw (default: all, in map order).
    standalone : bool, default True
        A complete HTML document (to save and open in a browser); ``False`` gives a fragment
        for embedding (Jupyter's ``_repr_html_`` uses it).
    measured : MeasuredMap, optional
        The result of :func:`cjlib.measure` on this map: adds a "Measured" lane under the
        touchpoints with reach (customers and share), drop-off, CSAT / NPS with their
        response counts, measured versus designed emotion, and a red flag where they
        disagree.
    heading_level : int, default 1
        HTML level of the map's title (``<h1>``); the personas, objectives and legend
        headings are one level below. Embed the canvas under a page's own headings with a
        deeper level (e.g. ``3`` inside an ``<h2>`` section) so the page keeps one ``<h1>``
        and a sound outline; the look is the same at every level.
    layout : {"screen", "presentation", "print"}, default "screen"
        ``"screen"``: every lane, 210 px per touchpoint, scrolling sideways.
        ``"presentation"``: the whole map on one 1920 x 1080 page, read from the back of a
        room (smallest text 14 px): stages, touchpoint names, the feeling curve, the most
        severe pain point and the first opportunity per touchpoint, the stages wrapped into
        bands; text that does not fit ends in an ellipsis (full text on hover).
        ``"print"``: the same on one landscape ``paper`` sheet at 96 CSS px per inch
        (A3 = 1587 x 1123 px, A1 = 3179 x 2245 px), laid out 1920 px wide and zoomed to
        the sheet (smallest text 8.7 pt on A3, 17 pt on A1); write it to PDF with
        :func:`cjlib.plot.export`. ``measured`` is drawn only in the screen layout.
    paper : {"A3", "A1"}, default "A3"
        Sheet of the print layout (landscape).

    Returns
    -------
    str

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Persona, Stage, Touchpoint
    >>> jm = JourneyMap(id="demo", name="Demo", personas=(Persona("p", "P"),),
    ...                 stages=(Stage("s", "S", touchpoints=(Touchpoint("t", "T"),)),))
    >>> page = render_map(jm)
    >>> page.startswith("<!DOCTYPE html>"), "<script" in page
    (True, False)
    """
    if not isinstance(journey_map, JourneyMap):
        raise DataError(f"journey_map: expected a JourneyMap, got {type(journey_map).__name__}")
    persona_ids = _check_personas(journey_map, personas)
    if (
        isinstance(heading_level, bool)
        or not isinstance(heading_level, int)
        or not 1 <= heading_level <= 5
    ):
        raise DataError(
            f"heading_level must be an integer from 1 to 5 (its sub-headings go one level "
            f"deeper, down to <h6>); got {heading_level!r}"
        )
    if layout not in LAYOUTS:
        raise DataError(f"layout: got {layout!r}; allowed: {', '.join(LAYOUTS)}")
    if paper not in PAPER_MM:
        raise DataError(f"paper: got {paper!r}; allowed: {', '.join(PAPER_MM)} (landscape)")
    if measured is not None:
        from cjlib.plot._measured import check_measured

        check_measured(journey_map, measured)
    colors = {p.id: color_for(i) for i, p in enumerate(journey_map.personas)}
    scope = f"cjmap-{uuid.uuid4().hex[:10]}"
    if layout != "screen":
        body = room_body(
            journey_map,
            persona_ids,
            colors,
            layout=layout,
            paper=paper,
            scope=scope,
            emotion_svg=_emotion_svg,
            escape=_e,
            heading_level=heading_level,
        )
    else:
        body = (
            f'<div class="cj-map" id="{scope}"><style>{_css(scope)}</style>'
            + _header(journey_map, persona_ids, colors, heading_level)
            + f'<div class="cj-scroll">{_grid(journey_map, persona_ids, colors, measured)}'
            "</div></div>"
        )
    if not standalone:
        return body
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(journey_map.name)} · journey map</title>"
        "<style>body{margin:0;background:#fafafa;}</style></head>"
        f"<body>{body}</body></html>"
    )
