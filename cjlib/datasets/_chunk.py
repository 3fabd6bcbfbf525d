"""Simulate one chunk of customers: journeys, churn, purchases, surveys -> four tables.

The steps, in order (each uses the numpy generator in a fixed order, so a seed reproduces a
chunk exactly):

1. prospects walk the pre-purchase journey until ``n`` have converted (``_people``);
2. customers get covariates and walk the rest of the journey until the end of the period;
3. signal onsets are computed from their events and churn times drawn from the hazard;
4. events after churn are dropped; purchases (BG/NBD), monthly events, the churn event and
   off-map events are added; sessions are numbered;
5. survey answers are drawn for visits of CSAT/NPS touchpoints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cjlib.datasets._churn import churn_times, covariate_log_hazard
from cjlib.datasets._events import (
    DAY,
    DIGITAL,
    as_datetime,
    assemble_events,
    channels,
    designed_channels,
    emit_names,
    event_rows,
    make_ids,
    seconds,
)
from cjlib.datasets._people import People, walk_prospects
from cjlib.datasets._plan import SimulationPlan
from cjlib.datasets._purchases import repeat_purchases
from cjlib.datasets._scenario import concrete_event_names
from cjlib.datasets._signals import signal_onsets
from cjlib.datasets._surveys import survey_answers, survey_visits
from cjlib.datasets._walk import session_start_time, walk

__all__ = ["simulate_chunk"]

MONTH_DAYS = 30.4375
#: Chance that a journey event is accompanied by an off-map event in the same session.
OFF_MAP_RATE = 0.1


@dataclass(frozen=True)
class _Customers:
    persona: np.ndarray
    plan: np.ndarray
    age: np.ndarray
    region: np.ndarray
    first_state: np.ndarray
    start_sec: np.ndarray


@dataclass(frozen=True)
class _Fate:
    onsets: np.ndarray  # (n, signals) seconds since the epoch, inf if never
    churned: np.ndarray
    churn_sec: np.ndarray
    stop_sec: np.ndarray  # churn or censoring time


def simulate_chunk(
    plan: SimulationPlan,
    n_customers: int,
    rng: np.random.Generator,
    start_day: float,
    end_day: float,
    *,
    id_offset: int,
) -> dict[str, pd.DataFrame]:
    """Simulate ``n_customers`` customers (ids from ``id_offset + 1``) and their prospects."""
    people = walk_prospects(plan, rng, n_customers, start_day, end_day)
    customers = _draw_covariates(plan, rng, people)
    journey = _journey_events(plan, rng, people, customers, end_day)
    end_sec = np.int64(math.floor(end_day * DAY))
    fate = _churn(plan, rng, customers, journey, end_sec)

    # customers leave no trace after churning
    is_customer = journey["kind"] == 0
    alive = ~is_customer | (
        journey["sec"] <= fate.stop_sec[np.where(is_customer, journey["pos"], 0)]
    )
    journey = {key: v[alive] for key, v in journey.items()}
    persona_of_row = journey.pop("persona")

    duration = (fate.stop_sec - customers.start_sec) / DAY
    purchases = _purchases(plan, rng, customers, fate, duration)
    conversion_rows = (journey["kind"] == 0) & (journey["state"] == plan.chain.conversion_state)
    journey["value"][conversion_rows] = purchases["first_amount"][journey["pos"][conversion_rows]]
    journey["channel"] = _journey_channels(plan, rng, journey, persona_of_row, customers)
    journey["touch"] = np.array(plan.chain.states, dtype=object)[journey["state"]]
    del journey["state"]

    fee = np.array([plan.scenario.monthly_fee.get(p, 0.0) for p in plan.scenario.plans])
    fee = fee[customers.plan]
    parts = [
        journey,
        _off_map_events(plan, rng, journey),
        *_purchase_events(plan, purchases),
        *_monthly_events(plan, rng, customers, fate, duration, fee),
        *_churn_events(plan, fate),
    ]
    customer_ids = make_ids("C", id_offset, n_customers)
    prospect_ids = make_ids("P", id_offset, people.prospect_persona.size)
    events, rows, ids = assemble_events(parts, customer_ids, prospect_ids)

    visits = survey_visits(
        plan.scenario, plan.chain, rows, ids, customers.persona, fate.onsets, fate.stop_sec
    )
    pain = {tp.id: tuple(pp.text for pp in tp.pain_points) for tp in plan.journey_map.touchpoints}
    surveys = survey_answers(rng, plan.scenario, visits, pain)
    surveys = surveys.sort_values(["customer_id", "timestamp"], kind="stable")
    return {
        "customers": _customer_table(plan, customers, fate, duration, fee, purchases, customer_ids),
        "events": events,
        "surveys": surveys.reset_index(drop=True),
        "transactions": _transaction_table(customers, purchases, customer_ids),
    }


def _draw_covariates(plan: SimulationPlan, rng: np.random.Generator, people: People) -> _Customers:
    scenario = plan.scenario
    n = people.customer_persona.size
    persona = people.customer_persona
    even = tuple([1.0 / len(scenario.plans)] * len(scenario.plans))
    plan_probs = np.array([scenario.plan_probs.get(p, even) for p in plan.persona_ids])
    plan_cum = np.cumsum(plan_probs[persona], axis=1)
    tier = np.minimum((rng.random(n)[:, None] > plan_cum).sum(axis=1), len(scenario.plans) - 1)
    age_mean = np.array([scenario.age_mean.get(p, 38.0) for p in plan.persona_ids])
    age = np.clip(np.rint(rng.normal(age_mean[persona], 6.0)), 18, 85).astype(np.int64)
    region = rng.choice(len(scenario.regions), size=n, p=np.array(scenario.region_probs))
    return _Customers(
        persona=persona,
        plan=tier,
        age=age,
        region=region,
        first_state=people.customer_first_state,
        start_sec=seconds(people.customer_start),
    )


def _journey_events(
    plan: SimulationPlan,
    rng: np.random.Generator,
    people: People,
    customers: _Customers,
    end_day: float,
) -> dict[str, np.ndarray]:
    """Chain events of prospects and customers (before and after their purchase)."""
    chain = plan.chain
    n = customers.persona.size
    post = walk(
        chain,
        rng,
        customers.persona,
        customers.plan,
        np.full(n, chain.conversion_state),
        people.customer_start,
        np.full(n, end_day),
        stop_at_conversion=False,
        gap_median_days=plan.scenario.session_gap_median_days,
        record_first=False,
    )
    kind = np.concatenate([people.pre_kind, np.zeros(post.walker.size, dtype=int)])
    pos = np.concatenate([people.pre_pos, post.walker])
    state = np.concatenate([people.pre_state, post.state])
    persona = np.where(
        kind == 0,
        customers.persona[np.where(kind == 0, pos, 0)],
        people.prospect_persona[np.where(kind == 1, pos, 0)] if people.prospect_persona.size else 0,
    )
    return {
        "kind": kind,
        "pos": pos,
        "state": state,
        "sec": seconds(np.concatenate([people.pre_time, post.time])),
        "new": np.concatenate([people.pre_new, post.new_session]),
        "name": emit_names(chain, rng, state),
        "value": np.full(state.size, np.nan),
        "persona": persona,
    }


def _churn(
    plan: SimulationPlan,
    rng: np.random.Generator,
    customers: _Customers,
    journey: dict[str, np.ndarray],
    end_sec: np.int64,
) -> _Fate:
    scenario, chain = plan.scenario, plan.chain
    n = customers.persona.size
    mine = journey["kind"] == 0
    pos, sec, name = journey["pos"][mine], journey["sec"][mine], journey["name"][mine]
    onsets = np.full((n, len(scenario.signals)), np.inf)
    for k, rule in enumerate(scenario.signals):
        onsets[:, k] = signal_onsets(pos, sec, name, rule, n)
    columns = {
        "plan": np.array(scenario.plans, dtype=object)[customers.plan],
        "region": np.array(scenario.regions, dtype=object)[customers.region],
        "acquisition_channel": np.array(chain.states, dtype=object)[customers.first_state],
    }
    eta = covariate_log_hazard(scenario.covariate_hazard_ratios, columns, customers.age)
    log_hr = np.log(np.array([s.hazard_ratio for s in scenario.signals]))
    onset_days = (onsets - customers.start_sec[:, None]) / DAY
    t_churn = churn_times(rng, scenario.baseline_hazard_per_day * np.exp(eta), onset_days, log_hr)
    churned = t_churn < (end_sec - customers.start_sec) / DAY
    # ceil: the churn second is never before an onset that caused it
    churn_offset = np.ceil(np.where(churned, t_churn, 0.0) * DAY).astype(np.int64)
    churn_sec = np.where(churned, customers.start_sec + churn_offset, end_sec).astype(np.int64)
    return _Fate(onsets=onsets, churned=churned, churn_sec=churn_sec, stop_sec=churn_sec)


def _purchases(
    plan: SimulationPlan,
    rng: np.random.Generator,
    customers: _Customers,
    fate: _Fate,
    duration: np.ndarray,
) -> dict[str, np.ndarray]:
    scenario = plan.scenario
    who, offset, amount, first = repeat_purchases(
        rng, duration, scenario.bgnbd, scenario.gamma_gamma
    )
    sec = customers.start_sec[who] + seconds(offset)
    # purchases keep their day but follow the hour-of-day pattern when that stays in range
    moved = seconds(session_start_time(rng, np.floor(sec / DAY)))
    inside = (moved > customers.start_sec[who]) & (moved <= fate.stop_sec[who])
    return {
        "who": who,
        "sec": np.where(inside, moved, sec),
        "amount": amount,
        "first_amount": first,
    }


def _journey_channels(
    plan: SimulationPlan,
    rng: np.random.Generator,
    journey: dict[str, np.ndarray],
    persona: np.ndarray,
    customers: _Customers,
) -> np.ndarray:
    """Channels of journey events; prospects (no app yet) keep the designed channel."""
    jm, chain = plan.journey_map, plan.chain
    state = journey["state"]
    switched = channels(jm, plan.scenario, chain, rng, state, persona, plan.persona_ids)
    is_customer = journey["kind"] == 0
    start = customers.start_sec[np.where(is_customer, journey["pos"], 0)]
    prospecting = ~is_customer | (journey["sec"] <= start)
    return np.where(prospecting, designed_channels(jm, chain)[state], switched)


def _off_map_events(
    plan: SimulationPlan, rng: np.random.Generator, journey: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Events the map never names (log-ins, consent banners...) inside journey sessions."""
    off = rng.random(journey["sec"].size) < OFF_MAP_RATE
    m = int(off.sum())
    names = np.array(plan.scenario.off_map_events, dtype=object)
    channel = journey["channel"][off]
    return {
        "kind": journey["kind"][off],
        "pos": journey["pos"][off],
        "sec": journey["sec"][off] + rng.integers(10, 120, m),
        "name": names[rng.integers(0, names.size, m)],
        "channel": np.where(np.isin(channel, DIGITAL), channel, "app").astype(object),
        "value": np.full(m, np.nan),
        "new": np.zeros(m, dtype=bool),
        "touch": np.full(m, None, dtype=object),
    }


def _first_event_name(plan: SimulationPlan, touchpoint_id: str) -> tuple[str, str]:
    tp = plan.journey_map.touchpoint(touchpoint_id)
    return concrete_event_names(tp.events or (tp.id,))[0], tp.channel


def _purchase_events(
    plan: SimulationPlan, purchases: dict[str, np.ndarray]
) -> list[dict[str, np.ndarray]]:
    tp_id = plan.scenario.transaction_touchpoint
    if not tp_id:
        return []
    name, channel = _first_event_name(plan, tp_id)
    return [
        event_rows(purchases["who"], purchases["sec"], name, channel, purchases["amount"], tp_id)
    ]


def _monthly_events(
    plan: SimulationPlan,
    rng: np.random.Generator,
    customers: _Customers,
    fate: _Fate,
    duration: np.ndarray,
    fee: np.ndarray,
) -> list[dict[str, np.ndarray]]:
    """Scheduled events (e.g. the monthly bill), early in the morning, valued at the fee."""
    out = []
    for tp_id, period in plan.scenario.scheduled.items():
        name, channel = _first_event_name(plan, tp_id)
        count = np.floor(duration / period).astype(np.int64)
        who = np.repeat(np.arange(count.size), count)
        starts = np.repeat(np.concatenate([[0], np.cumsum(count)[:-1]]), count)
        k = np.arange(count.sum()) - starts
        when = customers.start_sec[who] + seconds((k + 1) * period)
        when = (when // DAY) * DAY + 6 * 3600 + rng.integers(0, 7200, who.size)
        ok = (when > customers.start_sec[who]) & (when <= fate.stop_sec[who])
        out.append(event_rows(who[ok], when[ok], name, channel, fee[who[ok]], tp_id))
    return out


def _churn_events(plan: SimulationPlan, fate: _Fate) -> list[dict[str, np.ndarray]]:
    tp_id = plan.scenario.churn_touchpoint
    if not tp_id:
        return []
    name, channel = _first_event_name(plan, tp_id)
    who = np.flatnonzero(fate.churned)
    return [event_rows(who, fate.churn_sec[who], name, channel, np.full(who.size, np.nan), tp_id)]


def _transaction_table(
    customers: _Customers, purchases: dict[str, np.ndarray], customer_ids: np.ndarray
) -> pd.DataFrame:
    n = customer_ids.size
    who = np.concatenate([np.arange(n), purchases["who"]])
    sec = np.concatenate([customers.start_sec, purchases["sec"]])
    amount = np.concatenate([purchases["first_amount"], purchases["amount"]])
    order = np.lexsort((sec, who))
    return pd.DataFrame(
        {
            "customer_id": customer_ids[who[order]],
            "timestamp": as_datetime(sec[order]),
            "amount": amount[order].astype(float),
        }
    )


def _customer_table(
    plan: SimulationPlan,
    customers: _Customers,
    fate: _Fate,
    duration: np.ndarray,
    fee: np.ndarray,
    purchases: dict[str, np.ndarray],
    customer_ids: np.ndarray,
) -> pd.DataFrame:
    scenario = plan.scenario
    n = customer_ids.size
    spend = np.bincount(purchases["who"], weights=purchases["amount"], minlength=n)
    spend = spend + purchases["first_amount"]
    months = np.floor(duration / MONTH_DAYS) + 1
    segment_of = {p.id: (p.segment or p.id) for p in plan.journey_map.personas}
    segments = np.array([segment_of.get(p, p) for p in plan.persona_ids], dtype=object)
    return pd.DataFrame(
        {
            "customer_id": customer_ids,
            "persona": np.array(plan.persona_ids, dtype=object)[customers.persona],
            "segment": segments[customers.persona],
            "acquisition_channel": np.array(plan.chain.states, dtype=object)[customers.first_state],
            "plan": np.array(scenario.plans, dtype=object)[customers.plan],
            "region": np.array(scenario.regions, dtype=object)[customers.region],
            "age": customers.age,
            "start_date": as_datetime(customers.start_sec),
            "churned": fate.churned,
            "churn_date": pd.Series(as_datetime(fate.churn_sec)).where(fate.churned),
            "end_date": as_datetime(fate.stop_sec),
            "tenure_days": duration.astype(float),
            "monthly_fee": fee.astype(float),
            "revenue": np.round(spend + fee * months, 2),
        }
    )
