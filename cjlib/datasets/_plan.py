"""Everything fixed once per simulation: arguments, scenario, planted chain and truth."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cjlib.datasets._chain import Chain, build_chain, true_emotions
from cjlib.datasets._scenario import Scenario, apply_effects, scenario_for
from cjlib.datasets._truth import build_truth
from cjlib.errors import DataError
from cjlib.map import JourneyMap

__all__ = ["SimulationPlan", "check_arguments", "prepare"]


def _to_day(value: Any, name: str) -> float:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}: got {value!r}; expected a date such as '2024-01-01'") from exc
    if ts is pd.NaT:
        raise DataError(f"{name}: got {value!r}; expected a date such as '2024-01-01'")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return (ts - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)


def check_arguments(
    journey_map: Any, n_customers: Any, seed: Any, start: Any, end: Any
) -> tuple[float, float]:
    """Validate the common arguments; return ``(start_day, end_day)``."""
    if not isinstance(journey_map, JourneyMap):
        raise DataError(
            f"journey_map: expected a cjlib JourneyMap (e.g. cjlib.datasets.load_map('telco')); "
            f"got {type(journey_map).__name__}"
        )
    if isinstance(n_customers, bool) or not isinstance(n_customers, int | np.integer):
        raise DataError(f"n_customers: got {n_customers!r}; expected a positive integer")
    if n_customers < 1:
        raise DataError(f"n_customers: got {n_customers!r}; expected a positive integer")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise DataError(f"seed: got {seed!r}; expected a non-negative integer")
    start_day, end_day = _to_day(start, "start"), _to_day(end, "end")
    if end_day - start_day < 30:
        raise DataError(
            f"end: got {end!r} with start {start!r}; the period must be at least 30 days"
        )
    if len(journey_map.stages) < 2 or not journey_map.touchpoints:
        raise DataError(
            f"journey_map: map {journey_map.id!r} needs at least 2 stages with touchpoints "
            "to simulate a journey"
        )
    return start_day, end_day


@dataclass(frozen=True)
class SimulationPlan:
    """Everything derived once per simulation (shared by all chunks)."""

    journey_map: JourneyMap
    scenario: Scenario
    chain: Chain
    emotions: dict[str, dict[str, float]]
    persona_ids: tuple[str, ...]
    persona_shares: np.ndarray
    conversion_prob: np.ndarray  # per persona
    truth: dict[str, Any]


def prepare(
    journey_map: JourneyMap,
    effects: Mapping[str, Any] | str | None,
    *,
    seed: int,
    start_day: float,
    end_day: float,
) -> SimulationPlan:
    """Build the scenario, chain and truth for one simulation."""
    scenario = apply_effects(scenario_for(journey_map), effects)
    emotions = true_emotions(journey_map)
    chain = build_chain(journey_map, scenario, emotions)
    personas = tuple(p.id for p in journey_map.personas) or ("all",)
    shares = np.array(
        [p.share if p.share is not None else np.nan for p in journey_map.personas] or [1.0]
    )
    shares = np.where(np.isnan(shares), 1.0 / len(shares), shares)
    shares = shares / shares.sum()
    conversion = _conversion_probability(chain)
    truth = build_truth(
        journey_map,
        scenario,
        chain,
        emotions,
        persona_ids=personas,
        persona_shares=shares,
        conversion_prob=conversion,
        seed=seed,
        start_day=start_day,
        end_day=end_day,
    )
    return SimulationPlan(
        journey_map, scenario, chain, emotions, personas, shares, conversion, truth
    )


def _conversion_probability(chain: Chain) -> np.ndarray:
    """Probability that a prospect reaches the conversion touchpoint (absorbing chain)."""
    k = len(chain.states) - 1
    conv = chain.conversion_state
    out = np.zeros(chain.matrices.shape[0])
    transient = [i for i in range(k) if i != conv]
    for p in range(chain.matrices.shape[0]):
        m = chain.matrices[p, 0]
        q = m[np.ix_(transient, transient)]
        r = m[transient, conv]
        absorb = np.linalg.solve(np.eye(len(transient)) - q, r)
        start = chain.initial[p, transient]
        out[p] = float(start @ absorb)
    return out
