"""Tidy pandas tables of a journey map (pandas is imported on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cjlib.map._model import EFFORTS, SEVERITIES, JourneyMap, PainPoint

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["map_to_frame", "opportunities_frame", "pain_points_frame"]

_FRAME_COLUMNS = [
    "stage_id",
    "stage_name",
    "stage_order",
    "touchpoint_id",
    "touchpoint_name",
    "touchpoint_order",
    "channel",
    "owner",
    "ownership",
    "persona",
    "emotion",
    *(f"pain_points_{s}" for s in SEVERITIES),
    "pain_points",
    "opportunities",
    "events",
]


def _affects(pain_point: PainPoint, persona: str | None) -> bool:
    return not pain_point.personas or persona is None or persona in pain_point.personas


def map_to_frame(journey_map: JourneyMap) -> pd.DataFrame:
    """One row per touchpoint × persona; see :meth:`JourneyMap.to_frame`."""
    import pandas as pd

    persona_ids: list[str | None] = [p.id for p in journey_map.personas] or [None]
    rows: list[dict[str, Any]] = []
    order = 0
    for stage_order, stage in enumerate(journey_map.stages, start=1):
        for tp in stage.touchpoints:
            order += 1
            for persona in persona_ids:
                emotion = tp.emotion.get(persona) if persona is not None else None
                counts = dict.fromkeys(SEVERITIES, 0)
                for pp in tp.pain_points:
                    if _affects(pp, persona) and pp.severity in counts:
                        counts[pp.severity] += 1
                rows.append(
                    {
                        "stage_id": stage.id,
                        "stage_name": stage.name,
                        "stage_order": stage_order,
                        "touchpoint_id": tp.id,
                        "touchpoint_name": tp.name,
                        "touchpoint_order": order,
                        "channel": tp.channel,
                        "owner": tp.owner or stage.owner,
                        "ownership": tp.ownership,
                        "persona": persona,
                        "emotion": float("nan") if emotion is None else float(emotion),
                        **{f"pain_points_{s}": n for s, n in counts.items()},
                        "pain_points": sum(counts.values()),
                        "opportunities": len(tp.opportunities),
                        "events": tuple(tp.events),
                    }
                )
    frame = pd.DataFrame(rows, columns=_FRAME_COLUMNS)
    int_columns = ["stage_order", "touchpoint_order", "pain_points", "opportunities"]
    int_columns += [f"pain_points_{s}" for s in SEVERITIES]
    return frame.astype({c: "int64" for c in int_columns} | {"emotion": "float64"})


def pain_points_frame(journey_map: JourneyMap) -> pd.DataFrame:
    """One row per pain point; see :meth:`JourneyMap.pain_points_frame`."""
    import pandas as pd

    addressed_by: dict[str, list[str]] = {}
    for _, tp in journey_map.iter_touchpoints():
        for op in tp.opportunities:
            for pp_id in op.addresses:
                if op.id is not None:
                    addressed_by.setdefault(pp_id, []).append(op.id)
    rows = []
    for order, (stage, tp) in enumerate(journey_map.iter_touchpoints(), start=1):
        for pp in tp.pain_points:
            rows.append(
                {
                    "stage_id": stage.id,
                    "touchpoint_id": tp.id,
                    "touchpoint_name": tp.name,
                    "touchpoint_order": order,
                    "pain_point_id": pp.id,
                    "text": pp.text,
                    "severity": pp.severity,
                    "personas": tuple(pp.personas),
                    "owner": tp.owner or stage.owner,
                    "opportunities": tuple(addressed_by.get(pp.id, ())) if pp.id else (),
                }
            )
    columns = [
        "stage_id",
        "touchpoint_id",
        "touchpoint_name",
        "touchpoint_order",
        "pain_point_id",
        "text",
        "severity",
        "personas",
        "owner",
        "opportunities",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["touchpoint_order"] = frame["touchpoint_order"].astype("int64")
    frame["severity"] = pd.Categorical(frame["severity"], categories=SEVERITIES, ordered=True)
    return frame


def opportunities_frame(journey_map: JourneyMap) -> pd.DataFrame:
    """One row per opportunity; see :meth:`JourneyMap.opportunities_frame`."""
    import pandas as pd

    rows = []
    for order, (stage, tp) in enumerate(journey_map.iter_touchpoints(), start=1):
        for op in tp.opportunities:
            rows.append(
                {
                    "stage_id": stage.id,
                    "touchpoint_id": tp.id,
                    "touchpoint_name": tp.name,
                    "touchpoint_order": order,
                    "opportunity_id": op.id,
                    "text": op.text,
                    "effort": op.effort,
                    "owner": op.owner,
                    "expected_effect": (
                        float("nan") if op.expected_effect is None else float(op.expected_effect)
                    ),
                    "addresses": tuple(op.addresses),
                }
            )
    columns = [
        "stage_id",
        "touchpoint_id",
        "touchpoint_name",
        "touchpoint_order",
        "opportunity_id",
        "text",
        "effort",
        "owner",
        "expected_effect",
        "addresses",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["touchpoint_order"] = frame["touchpoint_order"].astype("int64")
    frame["expected_effect"] = frame["expected_effect"].astype("float64")
    frame["effort"] = pd.Categorical(frame["effort"], categories=EFFORTS, ordered=True)
    return frame
