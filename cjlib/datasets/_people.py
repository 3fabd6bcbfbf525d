"""Prospects walking the pre-purchase journey until enough of them have converted."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cjlib.datasets._plan import SimulationPlan
from cjlib.datasets._walk import session_start_time, walk
from cjlib.errors import DataError

__all__ = ["People", "walk_prospects"]

#: People enter the journey until this many days before the end of the period.
ENTRY_TAIL_DAYS = 90.0


@dataclass(frozen=True)
class People:
    """Everyone who entered the journey up to the n-th conversion.

    ``kind`` is 0 for a customer (converted) and 1 for a prospect; ``pos`` is the position
    among customers or among prospects. The ``pre_*`` arrays hold their pre-purchase events.
    """

    customer_persona: np.ndarray
    customer_first_state: np.ndarray  # first touchpoint visited (acquisition channel)
    customer_start: np.ndarray  # conversion time, float days
    prospect_persona: np.ndarray
    pre_kind: np.ndarray
    pre_pos: np.ndarray
    pre_state: np.ndarray
    pre_time: np.ndarray
    pre_new: np.ndarray


def walk_prospects(
    plan: SimulationPlan,
    rng: np.random.Generator,
    n_customers: int,
    start_day: float,
    end_day: float,
) -> People:
    """Walk people from their first contact until ``n_customers`` of them have converted."""
    chain = plan.chain
    expected = float(plan.persona_shares @ plan.conversion_prob)
    if expected <= 0:
        raise DataError(
            f"journey_map: no prospect can reach the conversion touchpoint "
            f"{plan.scenario.conversion_touchpoint!r}"
        )
    latest_entry = end_day - min(ENTRY_TAIL_DAYS, 0.25 * (end_day - start_day))
    personas, firsts, walks = [], [], []
    converted_total = 0
    while converted_total < n_customers:
        m = math.ceil((n_customers - converted_total) / expected * 1.1) + 20
        persona = rng.choice(len(plan.persona_ids), size=m, p=plan.persona_shares)
        cum = np.cumsum(chain.initial[persona], axis=1)
        first = (rng.random(m)[:, None] > cum).sum(axis=1)
        entry = session_start_time(rng, start_day + rng.random(m) * (latest_entry - start_day))
        w = walk(
            chain,
            rng,
            persona,
            np.zeros(m, dtype=np.int64),
            first,
            entry,
            np.full(m, end_day),
            stop_at_conversion=True,
            gap_median_days=plan.scenario.session_gap_median_days,
        )
        converted_total += int((w.final_state == chain.conversion_state).sum())
        personas.append(persona)
        firsts.append(first)
        walks.append(w)

    persona_all = np.concatenate(personas)
    first_all = np.concatenate(firsts)
    offsets = np.concatenate([[0], np.cumsum([w.final_state.size for w in walks])[:-1]])
    final_state = np.concatenate([w.final_state for w in walks])
    final_time = np.concatenate([w.final_time for w in walks])
    converted = final_state == chain.conversion_state
    # keep everyone up to the n-th converter: the people of an unbiased stopping rule
    cutoff = int(np.flatnonzero(converted)[n_customers - 1]) + 1
    customers = np.flatnonzero(converted[:cutoff])
    prospects = np.flatnonzero(~converted[:cutoff])
    kind = np.full(final_state.size, -1)
    pos = np.full(final_state.size, -1)
    kind[customers], pos[customers] = 0, np.arange(customers.size)
    kind[prospects], pos[prospects] = 1, np.arange(prospects.size)

    walker = np.concatenate([w.walker + o for w, o in zip(walks, offsets, strict=True)])
    keep = walker < cutoff
    return People(
        customer_persona=persona_all[customers],
        customer_first_state=first_all[customers],
        customer_start=final_time[customers],
        prospect_persona=persona_all[prospects],
        pre_kind=kind[walker[keep]],
        pre_pos=pos[walker[keep]],
        pre_state=np.concatenate([w.state for w in walks])[keep],
        pre_time=np.concatenate([w.time for w in walks])[keep],
        pre_new=np.concatenate([w.new_session for w in walks])[keep],
    )
