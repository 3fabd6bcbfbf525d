"""Edit a map without mutating it: every function returns a new :class:`JourneyMap`.

Maps are frozen, so an edit rebuilds the path from the map down to the changed object with
:func:`dataclasses.replace` and leaves everything else shared. These are the headless
operations behind :class:`cjlib.widgets.MapEditor`; they are just as handy in a script.

The functions check what they need to find their target (ids exist, positions are in range,
field names are fields) and raise :class:`cjlib.DataError` naming the parameter, the bad value
and what is allowed. Field *values* are not judged here: a draft may be invalid for a while,
and :meth:`JourneyMap.problems` / :meth:`JourneyMap.validate` report every problem at once.

Examples
--------
>>> from cjlib.map import JourneyMap, Persona, Stage, Touchpoint
>>> from cjlib.map import add_pain_point, replace_touchpoint, set_emotion
>>> jm = JourneyMap(id="demo", name="Demo", personas=(Persona("p", "P"),),
...                 stages=(Stage("s", "S", touchpoints=(Touchpoint("t", "T"),)),))
>>> jm2 = replace_touchpoint(jm, "t", name="Bill", channel="email")
>>> jm2 = set_emotion(jm2, "t", "p", -1.5)
>>> jm2 = add_pain_point(jm2, "t", "Unexpected fee", severity="high")
>>> jm2.touchpoint("t").name, jm2.touchpoint("t").emotion["p"], len(jm2.touchpoint("t").pain_points)
('Bill', -1.5, 1)
>>> jm.touchpoint("t").name  # the original is untouched
'T'
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import Any

from cjlib.errors import DataError
from cjlib.map._model import (
    EMOTION_RANGE,
    JourneyMap,
    PainPoint,
    Stage,
    Touchpoint,
)

__all__ = [
    "add_pain_point",
    "add_touchpoint",
    "remove_pain_point",
    "remove_touchpoint",
    "replace_pain_point",
    "replace_stage",
    "replace_touchpoint",
    "set_emotion",
]


def _check_map(journey_map: Any) -> None:
    if not isinstance(journey_map, JourneyMap):
        raise DataError(f"journey_map: expected a JourneyMap, got {type(journey_map).__name__}")


def _check_fields(cls: type, changes: dict[str, Any], *, locked: tuple[str, ...] = ()) -> None:
    allowed = [f.name for f in dataclasses.fields(cls) if f.name not in locked]
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise DataError(
            f"{cls.__name__} has no editable field(s) {unknown}; allowed: {', '.join(allowed)}"
        )


def _stage_index(journey_map: JourneyMap, stage_id: str) -> int:
    for i, stage in enumerate(journey_map.stages):
        if stage.id == stage_id:
            return i
    known = [s.id for s in journey_map.stages]
    raise DataError(f"stage_id: no stage with id {stage_id!r}; known: {known}")


def _locate(journey_map: JourneyMap, touchpoint_id: str) -> tuple[int, int]:
    for i, stage in enumerate(journey_map.stages):
        for j, touchpoint in enumerate(stage.touchpoints):
            if touchpoint.id == touchpoint_id:
                return i, j
    known = [tp.id for tp in journey_map.touchpoints]
    raise DataError(f"touchpoint_id: no touchpoint with id {touchpoint_id!r}; known: {known}")


def _with_stage(journey_map: JourneyMap, index: int, stage: Stage) -> JourneyMap:
    stages = list(journey_map.stages)
    stages[index] = stage
    return dataclasses.replace(journey_map, stages=tuple(stages))


def _with_touchpoint(
    journey_map: JourneyMap, touchpoint_id: str, touchpoint: Touchpoint
) -> JourneyMap:
    i, j = _locate(journey_map, touchpoint_id)
    stage = journey_map.stages[i]
    touchpoints = list(stage.touchpoints)
    touchpoints[j] = touchpoint
    return _with_stage(journey_map, i, dataclasses.replace(stage, touchpoints=tuple(touchpoints)))


def _pain_point_index(touchpoint: Touchpoint, index: int) -> int:
    n = len(touchpoint.pain_points)
    if isinstance(index, bool) or not isinstance(index, numbers.Integral) or not -n <= index < n:
        allowed = f"an integer in {-n}..{n - 1}" if n else "none (it has no pain points)"
        raise DataError(
            f"index: no pain point at {index!r} on touchpoint {touchpoint.id!r}; allowed: {allowed}"
        )
    return int(index) % n


def replace_stage(journey_map: JourneyMap, stage_id: str, **changes: Any) -> JourneyMap:
    """Return a copy of the map with fields of stage ``stage_id`` changed.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    stage_id : str
        Id of the stage to change.
    **changes
        New values of :class:`Stage` fields (``id``, ``name``, ``description``, ``owner``,
        ``touchpoints``).

    Returns
    -------
    JourneyMap

    Raises
    ------
    cjlib.DataError
        Unknown stage id or field name.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Stage
    >>> jm = JourneyMap(id="m", name="M", stages=(Stage("s", "S"),))
    >>> replace_stage(jm, "s", owner="sales").stage("s").owner
    'sales'
    """
    _check_map(journey_map)
    _check_fields(Stage, changes)
    i = _stage_index(journey_map, stage_id)
    return _with_stage(journey_map, i, dataclasses.replace(journey_map.stages[i], **changes))


def replace_touchpoint(journey_map: JourneyMap, touchpoint_id: str, **changes: Any) -> JourneyMap:
    """Return a copy of the map with fields of touchpoint ``touchpoint_id`` changed.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    touchpoint_id : str
        Id of the touchpoint to change.
    **changes
        New values of :class:`Touchpoint` fields (``id``, ``name``, ``channel``, ``owner``,
        ``ownership``, ``actions``, ``thoughts``, ``expectation``, ``emotion``,
        ``pain_points``, ``opportunities``, ``events``).

    Returns
    -------
    JourneyMap

    Raises
    ------
    cjlib.DataError
        Unknown touchpoint id or field name.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Stage, Touchpoint
    >>> jm = JourneyMap(id="m", name="M", stages=(Stage("s", "S", touchpoints=(
    ...     Touchpoint("t", "T"),)),))
    >>> replace_touchpoint(jm, "t", owner="billing").touchpoint("t").owner
    'billing'
    """
    _check_map(journey_map)
    _check_fields(Touchpoint, changes)
    i, j = _locate(journey_map, touchpoint_id)
    touchpoint = dataclasses.replace(journey_map.stages[i].touchpoints[j], **changes)
    return _with_touchpoint(journey_map, touchpoint_id, touchpoint)


def set_emotion(
    journey_map: JourneyMap, touchpoint_id: str, persona_id: str, score: float | None
) -> JourneyMap:
    """Return a copy of the map with one persona's emotion at one touchpoint set (or removed).

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    touchpoint_id : str
        Id of the touchpoint.
    persona_id : str
        A persona of the map.
    score : float or None
        Emotion on -2..+2; ``None`` removes the score (the persona's curve skips the
        touchpoint).

    Returns
    -------
    JourneyMap

    Raises
    ------
    cjlib.DataError
        Unknown touchpoint or persona id, or a score that is not a number in -2..+2.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Persona, Stage, Touchpoint
    >>> jm = JourneyMap(id="m", name="M", personas=(Persona("p", "P"),),
    ...                 stages=(Stage("s", "S", touchpoints=(Touchpoint("t", "T"),)),))
    >>> dict(set_emotion(jm, "t", "p", 2).touchpoint("t").emotion)
    {'p': 2.0}
    """
    _check_map(journey_map)
    known = [p.id for p in journey_map.personas]
    if persona_id not in known:
        raise DataError(f"persona_id: no persona with id {persona_id!r}; known: {known}")
    low, high = EMOTION_RANGE
    if score is not None and (
        isinstance(score, bool)
        or not isinstance(score, numbers.Real)
        or not math.isfinite(score)
        or not low <= score <= high
    ):
        raise DataError(f"score: expected a number in {low:g}..{high:+g} or None, got {score!r}")
    i, j = _locate(journey_map, touchpoint_id)
    touchpoint = journey_map.stages[i].touchpoints[j]
    emotion = dict(touchpoint.emotion)
    if score is None:
        emotion.pop(persona_id, None)
    else:
        emotion[persona_id] = float(score)
    return replace_touchpoint(journey_map, touchpoint_id, emotion=emotion)


def add_pain_point(
    journey_map: JourneyMap,
    touchpoint_id: str,
    text: str | PainPoint,
    severity: str = "medium",
    *,
    id: str | None = None,
    personas: tuple[str, ...] = (),
) -> JourneyMap:
    """Return a copy of the map with a pain point appended to touchpoint ``touchpoint_id``.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    touchpoint_id : str
        Id of the touchpoint.
    text : str or PainPoint
        What hurts, or a ready :class:`PainPoint` (then the other arguments are ignored).
    severity : {"low", "medium", "high", "critical"}, default "medium"
        Severity of the post-it.
    id : str, optional
        Stable id of the pain point.
    personas : tuple of str
        Persona ids affected (empty: all).

    Returns
    -------
    JourneyMap

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Stage, Touchpoint
    >>> jm = JourneyMap(id="m", name="M", stages=(Stage("s", "S", touchpoints=(
    ...     Touchpoint("t", "T"),)),))
    >>> add_pain_point(jm, "t", "Slow", "high").touchpoint("t").pain_points[0].severity
    'high'
    """
    _check_map(journey_map)
    pain_point = (
        text
        if isinstance(text, PainPoint)
        else PainPoint(text=text, severity=severity, id=id, personas=personas)
    )
    i, j = _locate(journey_map, touchpoint_id)
    touchpoint = journey_map.stages[i].touchpoints[j]
    return replace_touchpoint(
        journey_map, touchpoint_id, pain_points=(*touchpoint.pain_points, pain_point)
    )


def replace_pain_point(
    journey_map: JourneyMap, touchpoint_id: str, index: int, **changes: Any
) -> JourneyMap:
    """Return a copy of the map with fields of one pain point changed.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    touchpoint_id : str
        Id of the touchpoint.
    index : int
        Position of the pain point on the touchpoint (negative counts from the end).
    **changes
        New values of :class:`PainPoint` fields (``text``, ``severity``, ``id``,
        ``personas``).

    Returns
    -------
    JourneyMap

    Raises
    ------
    cjlib.DataError
        Unknown touchpoint, index out of range, or unknown field name.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, PainPoint, Stage, Touchpoint
    >>> jm = JourneyMap(id="m", name="M", stages=(Stage("s", "S", touchpoints=(
    ...     Touchpoint("t", "T", pain_points=(PainPoint("Slow"),)),)),))
    >>> replace_pain_point(jm, "t", 0, severity="critical").touchpoint("t").pain_points[0]
    PainPoint(text='Slow', severity='critical', id=None, personas=())
    """
    _check_map(journey_map)
    _check_fields(PainPoint, changes)
    i, j = _locate(journey_map, touchpoint_id)
    touchpoint = journey_map.stages[i].touchpoints[j]
    k = _pain_point_index(touchpoint, index)
    pain_points = list(touchpoint.pain_points)
    pain_points[k] = dataclasses.replace(pain_points[k], **changes)
    return replace_touchpoint(journey_map, touchpoint_id, pain_points=tuple(pain_points))


def remove_pain_point(journey_map: JourneyMap, touchpoint_id: str, index: int) -> JourneyMap:
    """Return a copy of the map without the pain point at ``index`` of touchpoint ``touchpoint_id``.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, PainPoint, Stage, Touchpoint
    >>> jm = JourneyMap(id="m", name="M", stages=(Stage("s", "S", touchpoints=(
    ...     Touchpoint("t", "T", pain_points=(PainPoint("Slow"), PainPoint("Rude"))),)),))
    >>> [p.text for p in remove_pain_point(jm, "t", 0).touchpoint("t").pain_points]
    ['Rude']
    """
    _check_map(journey_map)
    i, j = _locate(journey_map, touchpoint_id)
    touchpoint = journey_map.stages[i].touchpoints[j]
    k = _pain_point_index(touchpoint, index)
    pain_points = touchpoint.pain_points[:k] + touchpoint.pain_points[k + 1 :]
    return replace_touchpoint(journey_map, touchpoint_id, pain_points=pain_points)


def add_touchpoint(
    journey_map: JourneyMap,
    stage_id: str,
    touchpoint: Touchpoint,
    *,
    position: int | None = None,
) -> JourneyMap:
    """Return a copy of the map with ``touchpoint`` inserted into stage ``stage_id``.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    stage_id : str
        Id of the stage that receives the touchpoint.
    touchpoint : Touchpoint
        The new touchpoint; its id must be new to the map.
    position : int, optional
        Index within the stage (default: at the end).

    Raises
    ------
    cjlib.DataError
        Unknown stage, a touchpoint id the map already uses, or a position out of range.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Stage, Touchpoint
    >>> jm = JourneyMap(id="m", name="M", stages=(Stage("s", "S"),))
    >>> [tp.id for tp in add_touchpoint(jm, "s", Touchpoint("t", "T")).touchpoints]
    ['t']
    """
    _check_map(journey_map)
    if not isinstance(touchpoint, Touchpoint):
        raise DataError(f"touchpoint: expected a Touchpoint, got {type(touchpoint).__name__}")
    taken = [tp.id for tp in journey_map.touchpoints]
    if touchpoint.id in taken:
        raise DataError(
            f"touchpoint.id: {touchpoint.id!r} is already used; touchpoint ids must be unique "
            f"across the map (taken: {taken})"
        )
    i = _stage_index(journey_map, stage_id)
    stage = journey_map.stages[i]
    touchpoints = list(stage.touchpoints)
    n = len(touchpoints)
    if position is None:
        position = n
    if (
        isinstance(position, bool)
        or not isinstance(position, numbers.Integral)
        or not (0 <= position <= n)
    ):
        raise DataError(f"position: expected an integer in 0..{n} or None, got {position!r}")
    touchpoints.insert(int(position), touchpoint)
    return _with_stage(journey_map, i, dataclasses.replace(stage, touchpoints=tuple(touchpoints)))


def remove_touchpoint(journey_map: JourneyMap, touchpoint_id: str) -> JourneyMap:
    """Return a copy of the map without touchpoint ``touchpoint_id``.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Stage, Touchpoint
    >>> jm = JourneyMap(id="m", name="M", stages=(Stage("s", "S", touchpoints=(
    ...     Touchpoint("a", "A"), Touchpoint("b", "B"))),))
    >>> [tp.id for tp in remove_touchpoint(jm, "a").touchpoints]
    ['b']
    """
    _check_map(journey_map)
    i, j = _locate(journey_map, touchpoint_id)
    stage = journey_map.stages[i]
    touchpoints = stage.touchpoints[:j] + stage.touchpoints[j + 1 :]
    return _with_stage(journey_map, i, dataclasses.replace(stage, touchpoints=touchpoints))
