"""The planted Markov process over a map's touchpoints (one matrix per persona and plan).

States are the map's touchpoints except those the simulator schedules by other means (monthly
bills, BG/NBD purchases, the churn event), plus an absorbing ``EXIT`` state (drop-off, or a
customer going quiet). Weights come from the map's structure: the next touchpoint in the stage,
the other touchpoints of the stage, the next stage, a skipped stage, loops on touchpoints that
customers repeat, exits that grow with negative emotion. After the last stage the walk returns to
the scenario's ``cycle_stage`` (recurring use). A fixed, map-derived random perturbation makes the
personas differ; it does not depend on the simulation seed, so the planted truth is the same for
every seed.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from cjlib.datasets._scenario import Scenario, concrete_event_names
from cjlib.map import JourneyMap

__all__ = ["EXIT", "Chain", "build_chain", "true_emotions"]

EXIT = "EXIT"
#: Between-session gaps after the purchase and during set-up are this much shorter.
SETUP_GAP_SCALE = 0.15


@dataclass(frozen=True)
class Chain:
    """Arrays the walk needs; ``matrices[persona_index, plan_index]`` is row-stochastic."""

    states: tuple[str, ...]  # touchpoint ids, then EXIT
    stage_index: np.ndarray  # per state (EXIT: -1)
    matrices: np.ndarray  # (n_personas, n_plans, K+1, K+1)
    initial: np.ndarray  # (n_personas, K+1) over awareness touchpoints
    conversion_state: int
    state_events: tuple[tuple[str, ...], ...]  # concrete event names per state
    emission: np.ndarray  # (K, max_events) probabilities
    emotions: np.ndarray  # (n_personas, K) true emotion per state
    gap_scale: np.ndarray  # (K,) multiplier of the between-session gap after each state


def _stable_rng(*parts: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(":".join(parts).encode()))


def true_emotions(journey_map: JourneyMap) -> dict[str, dict[str, float]]:
    """Planted "real" emotion per touchpoint and persona: the designed score plus a fixed gap.

    The gap (normal, sd 0.4, clipped to the -2..+2 scale) stands for the difference between the
    designed map and what customers actually feel; missing designed scores count as 0.
    """
    out: dict[str, dict[str, float]] = {}
    for tp in journey_map.touchpoints:
        out[tp.id] = {}
        for persona in journey_map.personas:
            rng = _stable_rng(journey_map.id, tp.id, persona.id, "emotion")
            designed = float(tp.emotion.get(persona.id, 0.0))
            value = float(np.clip(designed + rng.normal(0.0, 0.4), -2.0, 2.0))
            out[tp.id][persona.id] = round(value, 2)
    return out


def build_chain(
    journey_map: JourneyMap, scenario: Scenario, emotions: dict[str, dict[str, float]]
) -> Chain:
    """Build the planted transition matrices for ``journey_map`` under ``scenario``."""
    excluded = {scenario.churn_touchpoint, scenario.transaction_touchpoint, *scenario.scheduled}
    stage_of: dict[str, int] = {}
    chain_tps = []
    stage_positions = {stage.id: i for i, stage in enumerate(journey_map.stages)}
    for stage in journey_map.stages:
        for tp in stage.touchpoints:
            if tp.id in excluded:
                continue
            stage_of[tp.id] = stage_positions[stage.id]
            chain_tps.append(tp)
    ids = [tp.id for tp in chain_tps]
    k = len(ids)
    index = {tp_id: i for i, tp_id in enumerate(ids)}
    stage_idx = np.array([stage_of[t] for t in ids] + [-1])
    conv = index[scenario.conversion_touchpoint]
    conv_stage = stage_of[scenario.conversion_touchpoint]
    cycle_stage = [s.id for s in journey_map.stages].index(scenario.cycle_stage)
    by_stage: dict[int, list[int]] = {}
    for i, t in enumerate(ids):
        by_stage.setdefault(stage_of[t], []).append(i)
    present = sorted(by_stage)
    stage_ids = [s.id for s in journey_map.stages]

    def next_stage(s: int, step: int = 1) -> int | None:
        later = [x for x in present if x > s]
        if s > conv_stage and len(later) < step:
            # wrap to the recurring part of the journey
            cyc = [x for x in present if x >= cycle_stage] or later
            wrapped = later + cyc
            return wrapped[step - 1] if len(wrapped) >= step else None
        return later[step - 1] if len(later) >= step else None

    personas = [p.id for p in journey_map.personas] or ["all"]
    plans = scenario.plans
    mats = np.zeros((len(personas), len(plans), k + 1, k + 1))
    init = np.zeros((len(personas), k + 1))
    for p_i, persona in enumerate(personas):
        rng = _stable_rng(journey_map.id, persona, "chain")
        w = np.zeros((k + 1, k + 1))
        for i, t in enumerate(ids):
            s = stage_of[t]
            emo = emotions.get(t, {}).get(persona, 0.0)
            members = by_stage[s]
            pos = members.index(i)
            if i == conv:
                targets = by_stage.get(next_stage(s) or -1, [])
                for rank, j in enumerate(targets):
                    w[i, j] = 1.0 if rank == 0 else 0.25
                # some customers skip the set-up stage (e.g. a SIM bought in a store, no porting)
                skip = by_stage.get(next_stage(s, 2) or -1, [])
                for j in skip[:1]:
                    w[i, j] += 0.3
                w[i, k] = 0.02
                continue
            ns = next_stage(s)
            if s < conv_stage:
                # prospects browse: stage members are alternatives, most move on or leave
                if pos + 1 < len(members):
                    w[i, members[pos + 1]] += 0.35
                for j in members:
                    if j != i:
                        w[i, j] += 0.15
                if ns is not None:
                    for rank, j in enumerate(by_stage[ns]):
                        w[i, j] += 0.9 if rank == 0 else 0.3
                w[i, k] = 0.25 + 0.1 * max(0.0, -emo)
            elif s == conv_stage:
                # the purchase funnel runs in order towards the conversion touchpoint
                if pos + 1 < len(members):
                    w[i, members[pos + 1]] += 1.0
                for j in members:
                    if j != i:
                        w[i, j] += 0.1
                w[i, conv] += 0.3
                w[i, k] = 0.25 + 0.1 * max(0.0, -emo)
            else:
                if pos + 1 < len(members):
                    w[i, members[pos + 1]] += 1.0
                setup = s < cycle_stage
                for j in members:
                    # set-up steps (delivery, activation...) move forward only
                    if j != i and (j > i or not setup):
                        w[i, j] += 0.2
                if ns is not None:
                    entry = scenario.stage_entry.get(stage_ids[ns], 1.0)
                    for rank, j in enumerate(by_stage[ns]):
                        w[i, j] += (
                            entry
                            * (0.8 if rank == 0 else 0.25)
                            * (1.0 if pos == len(members) - 1 else 0.4)
                        )
                skip = next_stage(s, 2)
                if skip is not None and skip != ns:
                    entry = scenario.stage_entry.get(stage_ids[skip], 1.0)
                    for j in by_stage[skip]:
                        w[i, j] += entry * 0.12 / len(by_stage[skip])
                if s > cycle_stage and cycle_stage in by_stage:
                    w[i, by_stage[cycle_stage][0]] += scenario.return_weight
                w[i, k] = 0.006 + 0.004 * max(0.0, -emo)
            loop = scenario.loops.get(t, 0.0)
            if loop:
                w[i, i] += loop * (1.0 + 0.3 * max(0.0, -emo))
        for (a, b), weight in scenario.extra_edges.items():
            # customers never walk back into the pre-purchase stages
            if a in index and b in index and not (stage_of[a] > conv_stage >= stage_of[b]):
                w[index[a], index[b]] += weight
        for tp_id, mult in scenario.touchpoint_entry.items():
            if tp_id in index:
                j = index[tp_id]
                keep_loop = w[j, j]
                w[:k, j] *= mult
                w[j, j] = keep_loop
        w[k, k] = 1.0
        # persona-specific, seed-independent perturbation of the structure
        noise = np.exp(rng.normal(0.0, 0.25, size=w.shape))
        w[:k] = np.where(w[:k] > 0, w[:k] * noise[:k], 0.0)
        for q_i, plan in enumerate(plans):
            wq = w.copy()
            for (a, b), mult in scenario.confounding.get(plan, {}).items():
                if a in index and b in index:
                    wq[index[a], index[b]] *= mult
            mats[p_i, q_i] = wq / wq.sum(axis=1, keepdims=True)
        first = by_stage[present[0]]
        start_w = np.exp(rng.normal(0.0, 0.5, size=len(first)))
        init[p_i, first] = start_w / start_w.sum()

    state_events = []
    max_e = 1
    for tp in chain_tps:
        given = scenario.emission.get(tp.id)
        names = tuple(given) if given else concrete_event_names(tp.events or (tp.id,))
        state_events.append(names)
        max_e = max(max_e, len(names))
    emission = np.zeros((k, max_e))
    for i, (tp, names) in enumerate(zip(chain_tps, state_events, strict=True)):
        given = scenario.emission.get(tp.id)
        if given:
            probs = np.array([given.get(n, 0.0) for n in names])
        else:
            probs = np.array([1.0] + [0.15] * (len(names) - 1))
        emission[i, : len(names)] = probs / probs.sum()
    emo = np.array([[emotions.get(t, {}).get(p, 0.0) for t in ids] for p in personas])
    # set-up right after the purchase happens within days, not weeks
    gap_scale = np.where(
        (stage_idx[:k] > conv_stage) & (stage_idx[:k] < cycle_stage), SETUP_GAP_SCALE, 1.0
    )
    gap_scale[conv] = SETUP_GAP_SCALE
    return Chain(
        states=(*ids, EXIT),
        stage_index=stage_idx,
        matrices=mats,
        initial=init,
        conversion_state=conv,
        state_events=tuple(state_events),
        emission=emission,
        emotions=emo,
        gap_scale=gap_scale,
    )
