"""Add and remove stages, personas and opportunities without mutating the map.

The companions of :mod:`cjlib.map._edit` for the structure a workshop redraws: every function
returns a new :class:`JourneyMap`, refuses an id the map already uses, and refuses to remove
something other parts of the map still point at (a stage with touchpoints, a persona with
emotion scores or pain points), naming what points at it, so nothing is dropped silently.

Examples
--------
>>> from cjlib.map import JourneyMap, Persona, Stage, Touchpoint
>>> from cjlib.map import add_opportunity, add_persona, add_stage
>>> jm = JourneyMap(id="demo", name="Demo", personas=(Persona("p", "P"),),
...                 stages=(Stage("s", "S", touchpoints=(Touchpoint("t", "T"),)),))
>>> jm2 = add_stage(jm, Stage("after", "Aftercare"))
>>> jm2 = add_persona(jm2, Persona("q", "Q"))
>>> jm2 = add_opportunity(jm2, "t", "Explain the bill", "S", id="explain")
>>> [s.id for s in jm2.stages], [p.id for p in jm2.personas]
(['s', 'after'], ['p', 'q'])
>>> jm2.touchpoint("t").opportunities[0].effort
'S'
>>> len(jm.stages)  # the original is untouched
1
"""

from __future__ import annotations

import dataclasses
import numbers
from typing import Any

from cjlib.errors import DataError
from cjlib.map._edit import _check_map, _locate, _stage_index, replace_touchpoint
from cjlib.map._model import JourneyMap, Opportunity, Persona, Stage

__all__ = [
    "add_opportunity",
    "add_persona",
    "add_stage",
    "remove_opportunity",
    "remove_persona",
    "remove_stage",
]


def _insert(items: tuple[Any, ...], item: Any, position: int | None) -> tuple[Any, ...]:
    n = len(items)
    if position is None:
        position = n
    if (
        isinstance(position, bool)
        or not isinstance(position, numbers.Integral)
        or not 0 <= position <= n
    ):
        raise DataError(f"position: expected an integer in 0..{n} or None, got {position!r}")
    return (*items[: int(position)], item, *items[int(position) :])


def _refuse_taken(kind: str, new_id: Any, taken: list[Any]) -> None:
    if new_id in taken:
        raise DataError(
            f"{kind}.id: {new_id!r} is already used; {kind} ids must be unique across the map "
            f"(taken: {taken})"
        )


def add_stage(journey_map: JourneyMap, stage: Stage, *, position: int | None = None) -> JourneyMap:
    """Return a copy of the map with ``stage`` inserted among the stages.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    stage : Stage
        The new stage; its id, and the ids of any touchpoints it brings, must be new to the map.
    position : int, optional
        Index among the stages, which are in time order (default: at the end).

    Returns
    -------
    JourneyMap

    Raises
    ------
    cjlib.DataError
        Not a Stage, a stage or touchpoint id the map already uses, or a position out of range.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Stage
    >>> jm = JourneyMap(id="m", name="M", stages=(Stage("buy", "Buy"),))
    >>> [s.id for s in add_stage(jm, Stage("learn", "Learn"), position=0).stages]
    ['learn', 'buy']
    """
    _check_map(journey_map)
    if not isinstance(stage, Stage):
        raise DataError(f"stage: expected a Stage, got {type(stage).__name__}")
    _refuse_taken("stage", stage.id, [s.id for s in journey_map.stages])
    taken = [tp.id for tp in journey_map.touchpoints]
    for touchpoint in stage.touchpoints:
        _refuse_taken("touchpoint", touchpoint.id, taken)
    stages = _insert(journey_map.stages, stage, position)
    return dataclasses.replace(journey_map, stages=stages)


def remove_stage(journey_map: JourneyMap, stage_id: str) -> JourneyMap:
    """Return a copy of the map without stage ``stage_id``, which must have no touchpoints.

    A stage with touchpoints is refused rather than emptied: remove (or move) its touchpoints
    first with :func:`remove_touchpoint`, so no touchpoint, emotion or pain point is lost
    by accident.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    stage_id : str
        Id of the stage to remove.

    Returns
    -------
    JourneyMap

    Raises
    ------
    cjlib.DataError
        Unknown stage id, or the stage still has touchpoints (they are named).

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Stage
    >>> jm = JourneyMap(id="m", name="M", stages=(Stage("a", "A"), Stage("b", "B")))
    >>> [s.id for s in remove_stage(jm, "a").stages]
    ['b']
    """
    _check_map(journey_map)
    i = _stage_index(journey_map, stage_id)
    touchpoints = [tp.id for tp in journey_map.stages[i].touchpoints]
    if touchpoints:
        raise DataError(
            f"stage_id: stage {stage_id!r} still has touchpoints {touchpoints}; only a stage "
            "without touchpoints can be removed (remove or move them first)"
        )
    stages = journey_map.stages[:i] + journey_map.stages[i + 1 :]
    return dataclasses.replace(journey_map, stages=stages)


def add_persona(
    journey_map: JourneyMap, persona: Persona, *, position: int | None = None
) -> JourneyMap:
    """Return a copy of the map with ``persona`` added (it has no emotion scores yet).

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    persona : Persona
        The new persona; its id must be new to the map.
    position : int, optional
        Index among the personas (default: at the end).

    Returns
    -------
    JourneyMap

    Raises
    ------
    cjlib.DataError
        Not a Persona, a persona id the map already uses, or a position out of range.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Persona
    >>> jm = JourneyMap(id="m", name="M", personas=(Persona("p", "P"),))
    >>> [p.id for p in add_persona(jm, Persona("q", "Q")).personas]
    ['p', 'q']
    """
    _check_map(journey_map)
    if not isinstance(persona, Persona):
        raise DataError(f"persona: expected a Persona, got {type(persona).__name__}")
    _refuse_taken("persona", persona.id, [p.id for p in journey_map.personas])
    personas = _insert(journey_map.personas, persona, position)
    return dataclasses.replace(journey_map, personas=personas)


def _persona_references(journey_map: JourneyMap, persona_id: str) -> list[str]:
    references = []
    for touchpoint in journey_map.touchpoints:
        if persona_id in touchpoint.emotion:
            references.append(f"{touchpoint.id}.emotion")
        for k, pain_point in enumerate(touchpoint.pain_points):
            if persona_id in pain_point.personas:
                references.append(f"{touchpoint.id}.pain_points[{k}]")
    return references


def remove_persona(journey_map: JourneyMap, persona_id: str) -> JourneyMap:
    """Return a copy of the map without persona ``persona_id``, which nothing may reference.

    A persona that still has emotion scores or is named by pain points is refused: clear its
    scores with :func:`set_emotion` (``score=None``) and edit those pain points first. Dropping
    the persona from a pain point silently would change its meaning (no personas = all).

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    persona_id : str
        Id of the persona to remove.

    Returns
    -------
    JourneyMap

    Raises
    ------
    cjlib.DataError
        Unknown persona id, or the persona is still referenced (the references are named).

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Persona
    >>> jm = JourneyMap(id="m", name="M", personas=(Persona("p", "P"), Persona("q", "Q")))
    >>> [p.id for p in remove_persona(jm, "p").personas]
    ['q']
    """
    _check_map(journey_map)
    known = [p.id for p in journey_map.personas]
    if persona_id not in known:
        raise DataError(f"persona_id: no persona with id {persona_id!r}; known: {known}")
    references = _persona_references(journey_map, persona_id)
    if references:
        raise DataError(
            f"persona_id: persona {persona_id!r} is still referenced by {references}; only an "
            "unreferenced persona can be removed (clear its emotion scores and pain points first)"
        )
    personas = tuple(p for p in journey_map.personas if p.id != persona_id)
    return dataclasses.replace(journey_map, personas=personas)


def add_opportunity(
    journey_map: JourneyMap,
    touchpoint_id: str,
    text: str | Opportunity,
    effort: str = "M",
    *,
    owner: str = "",
    expected_effect: float | None = None,
    id: str | None = None,
    addresses: tuple[str, ...] = (),
) -> JourneyMap:
    """Return a copy of the map with an opportunity appended to touchpoint ``touchpoint_id``.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    touchpoint_id : str
        Id of the touchpoint.
    text : str or Opportunity
        The idea, or a ready :class:`Opportunity` (then the other arguments are ignored).
    effort : {"S", "M", "L", "XL"}, default "M"
        T-shirt size of the work.
    owner : str
        Department that would deliver it.
    expected_effect : float, optional
        Expected relative reduction of the linked problem (0..1).
    id : str, optional
        Stable id; must be new to the map.
    addresses : tuple of str
        Ids of the pain points it addresses; each must be a pain point of the map.

    Returns
    -------
    JourneyMap

    Raises
    ------
    cjlib.DataError
        Unknown touchpoint, an opportunity id the map already uses, or an ``addresses`` entry
        that is not a pain point id.

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Stage, Touchpoint
    >>> jm = JourneyMap(id="m", name="M", stages=(Stage("s", "S", touchpoints=(
    ...     Touchpoint("t", "T"),)),))
    >>> add_opportunity(jm, "t", "Cache", "S", id="c").touchpoint("t").opportunities[0].id
    'c'
    """
    _check_map(journey_map)
    opportunity = (
        text
        if isinstance(text, Opportunity)
        else Opportunity(
            text=text,
            effort=effort,
            owner=owner,
            expected_effect=expected_effect,
            id=id,
            addresses=addresses,
        )
    )
    i, j = _locate(journey_map, touchpoint_id)
    if opportunity.id is not None:
        taken = [
            op.id for tp in journey_map.touchpoints for op in tp.opportunities if op.id is not None
        ]
        _refuse_taken("opportunity", opportunity.id, taken)
    pain_point_ids = sorted(
        {pp.id for tp in journey_map.touchpoints for pp in tp.pain_points if pp.id is not None}
    )
    unknown = [a for a in opportunity.addresses if a not in pain_point_ids]
    if unknown:
        raise DataError(
            f"addresses: {unknown} are not pain point ids of the map; known: {pain_point_ids}"
        )
    touchpoint = journey_map.stages[i].touchpoints[j]
    return replace_touchpoint(
        journey_map, touchpoint_id, opportunities=(*touchpoint.opportunities, opportunity)
    )


def remove_opportunity(journey_map: JourneyMap, touchpoint_id: str, index: int) -> JourneyMap:
    """Return a copy of the map without opportunity ``index`` of touchpoint ``touchpoint_id``.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to edit (left unchanged).
    touchpoint_id : str
        Id of the touchpoint.
    index : int
        Position of the opportunity on the touchpoint (negative counts from the end).

    Returns
    -------
    JourneyMap

    Raises
    ------
    cjlib.DataError
        Unknown touchpoint or index out of range (the allowed range is named).

    Examples
    --------
    >>> from cjlib.map import JourneyMap, Opportunity, Stage, Touchpoint
    >>> jm = JourneyMap(id="m", name="M", stages=(Stage("s", "S", touchpoints=(
    ...     Touchpoint("t", "T", opportunities=(Opportunity("A"), Opportunity("B"))),)),))
    >>> [op.text for op in remove_opportunity(jm, "t", 0).touchpoint("t").opportunities]
    ['B']
    """
    _check_map(journey_map)
    i, j = _locate(journey_map, touchpoint_id)
    opportunities = journey_map.stages[i].touchpoints[j].opportunities
    n = len(opportunities)
    if isinstance(index, bool) or not isinstance(index, numbers.Integral) or not -n <= index < n:
        allowed = f"an integer in {-n}..{n - 1}" if n else "none (it has no opportunities)"
        raise DataError(
            f"index: no opportunity at {index!r} on touchpoint {touchpoint_id!r}; "
            f"allowed: {allowed}"
        )
    k = int(index) % n
    return replace_touchpoint(
        journey_map, touchpoint_id, opportunities=opportunities[:k] + opportunities[k + 1 :]
    )
