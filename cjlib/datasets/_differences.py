"""Planted differences between the map customers really follow and the map the analyst gets.

:func:`plant_map_differences` takes the *true* map (data are simulated from it) and returns a
*designed* map that differs from it in known ways, plus the simulator effect that plants a
real behavioural pain point. The planted truth lets tests measure discovery's recall and
precision (``docs/discovery.md``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cjlib.datasets._scenario import concrete_event_names, scenario_for
from cjlib.errors import DataError
from cjlib.map import JourneyMap, Stage, Touchpoint

__all__ = ["DIFFERENCE_KINDS", "PlantedDifferences", "plant_map_differences"]

#: Kinds of planted difference.
DIFFERENCE_KINDS: tuple[str, ...] = (
    "missing_touchpoint",
    "swapped_stages",
    "unmapped_pain",
    "unused_touchpoint",
)
#: Churn hazard ratio of the planted pain point (a repeat visit within 14 days).
PAIN_HAZARD_RATIO = 3.0
#: Loop weight added at the pain point's touchpoint (customers come back to it).
PAIN_LOOP = 0.6


@dataclass(frozen=True)
class PlantedDifferences:
    """A true map, the designed map given to the analyst, and what differs.

    Attributes
    ----------
    true_map : JourneyMap
        The map the data follow.
    designed : JourneyMap
        The map the analyst is given.
    differences : tuple of dict
        Each with ``kind`` and the ids involved (``touchpoint``, ``events``, ``stages``).
    effects : dict
        Simulator effects that plant the behaviour (pass to :func:`simulate`).
    """

    true_map: JourneyMap
    designed: JourneyMap
    differences: tuple[dict[str, Any], ...]
    effects: dict[str, Any] = field(default_factory=dict)

    def simulate(self, n_customers: int, *, seed: int, **kwargs: Any) -> Any:
        """Simulate customers on the true map with the planted effects.

        Examples
        --------
        >>> from cjlib.datasets import load_map
        >>> planted = plant_map_differences(load_map("telco"), seed=1)
        >>> data = planted.simulate(200, seed=1)
        >>> len(data.customers)
        200
        """
        from cjlib.datasets._simulate import simulate

        effects = {**self.effects, **kwargs.pop("effects", {})}
        return simulate(self.true_map, n_customers, seed=seed, effects=effects or None, **kwargs)


def _candidates(jm: JourneyMap) -> list[tuple[Stage, Touchpoint]]:
    """Owned touchpoints after the purchase that the simulator walks through."""
    sc = scenario_for(jm)
    # rarely visited touchpoints (damped entry) would leave too few customers to measure
    excluded = {
        sc.conversion_touchpoint,
        sc.churn_touchpoint,
        sc.transaction_touchpoint,
        *sc.scheduled,
        *sc.loops,
        *sc.touchpoint_entry,
    }
    damped = {s for s, m in sc.stage_entry.items() if m < 0.5}
    conv_stage = jm.stage_of(sc.conversion_touchpoint).id
    after = False
    out = []
    for stage in jm.stages:
        if after and stage.id not in damped:
            out += [
                (stage, tp)
                for tp in stage.touchpoints
                if tp.id not in excluded and tp.ownership == "owned" and tp.events
            ]
        if stage.id == conv_stage:
            after = True
    return out


def plant_map_differences(
    journey_map: JourneyMap,
    *,
    kinds: Sequence[str] = DIFFERENCE_KINDS,
    seed: int = 0,
) -> PlantedDifferences:
    """Derive a designed map that differs from ``journey_map`` in known, planted ways.

    Parameters
    ----------
    journey_map : JourneyMap
        The true map (customers follow it in the simulation).
    kinds : sequence of str
        Which differences to plant (:data:`DIFFERENCE_KINDS`); empty gives a null run
        (designed = true map, with the designed emotions set to the simulator's true ones).
    seed : int
        Chooses the touchpoints and stages involved.

    Returns
    -------
    PlantedDifferences

    Examples
    --------
    >>> from cjlib.datasets import load_map
    >>> planted = plant_map_differences(load_map("telco"), seed=3)
    >>> sorted(d["kind"] for d in planted.differences)
    ['missing_touchpoint', 'swapped_stages', 'unmapped_pain', 'unused_touchpoint']
    """
    from cjlib.datasets._chain import true_emotions

    unknown = sorted(set(kinds) - set(DIFFERENCE_KINDS))
    if unknown:
        raise DataError(f"kinds: unknown {unknown}; allowed: {list(DIFFERENCE_KINDS)}")
    rng = np.random.default_rng(seed)
    truth_emotion = true_emotions(journey_map)
    # the designed map starts as the true map with its true emotions (a null run differs in
    # nothing the data can show)
    stages = [
        dataclasses.replace(
            s,
            touchpoints=tuple(
                dataclasses.replace(tp, emotion=truth_emotion.get(tp.id, {}))
                for tp in s.touchpoints
            ),
        )
        for s in journey_map.stages
    ]
    diffs: list[dict[str, Any]] = []
    effects: dict[str, Any] = {}
    pool = _candidates(journey_map)
    order = rng.permutation(len(pool)).tolist()
    picked = [pool[i] for i in order]
    # the pain point goes where customers do not come back anyway (before the recurring part
    # of the journey), so "came back within 14 days" is the planted behaviour, not routine
    cycle = [s.id for s in journey_map.stages].index(scenario_for(journey_map).cycle_stage)
    once = [x for x in picked if [s.id for s in journey_map.stages].index(x[0].id) < cycle]
    if "unmapped_pain" in kinds and picked:
        stage, tp = (once or picked)[0]
        picked.remove((stage, tp))
        events = concrete_event_names(tp.events)
        effects["planted_pain"] = {
            "touchpoint": tp.id,
            "events": list(events),
            "loop": PAIN_LOOP,
            "hazard_ratio": PAIN_HAZARD_RATIO,
        }
        stages = _edit_tp(
            stages, tp.id, lambda t: dataclasses.replace(t, pain_points=(), opportunities=())
        )
        diffs.append(
            {
                "kind": "unmapped_pain",
                "touchpoint": tp.id,
                "events": list(events),
                "stage": stage.id,
            }
        )
    if "missing_touchpoint" in kinds and picked:
        stage, tp = picked.pop(0)
        stages = _edit_tp(stages, tp.id, lambda t: None)
        diffs.append(
            {
                "kind": "missing_touchpoint",
                "touchpoint": tp.id,
                "events": list(concrete_event_names(tp.events)),
                "stage": stage.id,
            }
        )
    if "swapped_stages" in kinds and len(stages) >= 2:
        i = int(rng.integers(0, len(stages) - 1))
        a, b = stages[i], stages[i + 1]
        stages[i], stages[i + 1] = b, a
        diffs.append({"kind": "swapped_stages", "stages": [a.id, b.id]})
    if "unused_touchpoint" in kinds:
        i = int(rng.integers(1, len(stages)))
        new = Touchpoint(
            id="planted_unused",
            name="Planted unused touchpoint",
            channel="web",
            owner=stages[i].owner,
            events=("planted_unused_event",),
        )
        stages[i] = dataclasses.replace(stages[i], touchpoints=(*stages[i].touchpoints, new))
        diffs.append(
            {
                "kind": "unused_touchpoint",
                "touchpoint": new.id,
                "events": list(new.events),
                "stage": stages[i].id,
            }
        )
    designed = dataclasses.replace(
        journey_map, id=f"{journey_map.id}_designed", stages=_drop_dangling(stages), objectives=()
    )
    designed.validate()
    return PlantedDifferences(journey_map, designed, tuple(diffs), effects)


def _edit_tp(stages: list[Stage], tp_id: str, edit: Any) -> list[Stage]:
    out = []
    for s in stages:
        tps = []
        for tp in s.touchpoints:
            new = edit(tp) if tp.id == tp_id else tp
            if new is not None:
                tps.append(new)
        out.append(dataclasses.replace(s, touchpoints=tuple(tps)))
    return out


def _drop_dangling(stages: list[Stage]) -> tuple[Stage, ...]:
    """Remove opportunities' references to pain points the edits took away."""
    known = {pp.id for s in stages for tp in s.touchpoints for pp in tp.pain_points if pp.id}
    out = []
    for s in stages:
        tps = []
        for tp in s.touchpoints:
            ops = tuple(
                dataclasses.replace(op, addresses=tuple(a for a in op.addresses if a in known))
                for op in tp.opportunities
            )
            tps.append(dataclasses.replace(tp, opportunities=ops))
        out.append(dataclasses.replace(s, touchpoints=tuple(tps)))
    return tuple(out)
