"""The public simulator: ``simulate`` and the ``SimulatedData`` bundle."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cjlib._text import SummaryText
from cjlib.datasets._chunk import simulate_chunk
from cjlib.datasets._plan import check_arguments, prepare
from cjlib.map import JourneyMap

__all__ = ["SimulatedData", "simulate"]


@dataclass(frozen=True)
class SimulatedData:
    """Tables simulated from a journey map, with every planted parameter in ``truth``.

    Attributes
    ----------
    customers, events, surveys, transactions : pandas.DataFrame
        Tables that follow cjlib's data contracts (see :func:`simulate` for every column).
    truth : dict
        Plain data (JSON-serialisable): every planted parameter and the exact signal rules.
    journey_map : JourneyMap or None
        The map the data were simulated from.
    """

    customers: pd.DataFrame
    events: pd.DataFrame
    surveys: pd.DataFrame
    transactions: pd.DataFrame
    truth: dict[str, Any] = field(repr=False)
    journey_map: JourneyMap | None = field(default=None, repr=False, compare=False)

    def summary(self) -> str:
        """Describe the tables and the main planted effects in a few lines.

        Examples
        --------
        >>> from cjlib.datasets import load_map, simulate
        >>> print(simulate(load_map("shop"), 300, seed=2).summary().splitlines()[0])
        Simulated journeys on map 'shop' (seed 2): 300 customers
        """
        cu = self.customers
        lines = [
            f"Simulated journeys on map {self.truth.get('map_id')!r} "
            f"(seed {self.truth.get('seed')}): {len(cu):,} customers",
            f"  period {self.truth.get('start')} .. {self.truth.get('end')}; "
            f"churned {cu['churned'].mean():.1%}; mean tenure {cu['tenure_days'].mean():.0f} days",
            f"  events {len(self.events):,} ({self.events['customer_id'].nunique():,} people, "
            f"{self.events['event'].nunique()} event names); surveys {len(self.surveys):,}; "
            f"transactions {len(self.transactions):,}",
            "  planted churn hazard ratios (signals switch on at their onset):",
        ]
        hazard = self.truth.get("hazard", {})
        for name, info in {**hazard.get("signals", {}), **hazard.get("covariates", {})}.items():
            lines.append(f"    {name:<34} {info['hazard_ratio']:.2f}")
        return SummaryText("\n".join(lines))

    def _repr_html_(self) -> str:
        body = html.escape(self.summary())
        return f"<pre>{body}</pre>"

    def __repr__(self) -> str:
        return (
            f"SimulatedData(customers={len(self.customers):,}, events={len(self.events):,}, "
            f"surveys={len(self.surveys):,}, transactions={len(self.transactions):,})"
        )


def simulate(
    journey_map: JourneyMap,
    n_customers: int,
    *,
    seed: int,
    start: Any = "2024-01-01",
    end: Any = "2025-06-30",
    effects: Mapping[str, Any] | str | None = None,
) -> SimulatedData:
    """Simulate customers walking through ``journey_map``, with planted, known effects.

    People enter the journey at random times between ``start`` and 90 days before ``end`` and
    move through the map's touchpoints by a persona-specific Markov chain (loops such as repeat
    support contacts, skipped stages, drop-off, off-map events, channel switches, sessions with
    bursts and quiet gaps, hour-of-day and weekday patterns). Those who reach the map's
    conversion touchpoint become customers (``n_customers`` of them); the others stay prospects
    that appear in ``events`` only (ids ``P...``). Customers then churn by a hazard process whose
    log-hazard depends on covariates and on journey signals that switch on when their rule is
    met (see ``truth["hazard"]``); they buy again by a BG/NBD process with gamma-gamma amounts,
    and answer CSAT/NPS surveys driven by a planted true emotion.

    Parameters
    ----------
    journey_map : JourneyMap
        The designed map; the sample maps ``telco`` and ``shop`` have hand-written scenarios,
        any other valid map gets a generic one derived from its structure.
    n_customers : int
        Number of customers (converted people) to simulate.
    seed : int
        Seed of the numpy random generator; the same seed gives identical tables.
    start, end : date-like
        The observation period (UTC). Customers still active at ``end`` are censored.
    effects : mapping, "null" or None
        Overrides of planted effects. Keys: ``"hazard_ratios"`` (signal or covariate name ->
        hazard ratio, 1.0 = no effect; names as in ``truth["hazard"]``),
        ``"baseline_hazard_per_day"``, ``"confounding"`` (0 removes the plan's effect on the
        signal, 1 keeps it), ``"bgnbd"`` (any of r, alpha, a, b), ``"gamma_gamma"`` (any of
        p, q, gamma), ``"nps_signal_shift"`` (signal name -> NPS points). ``"null"`` sets every
        hazard ratio to 1, removes confounding and NPS shifts (for null studies).

    Returns
    -------
    SimulatedData
        ``customers``: customer_id (str), persona (str, persona id), segment (str, the
        persona's segment), acquisition_channel (str, id of the first touchpoint visited),
        plan (str), region (str), age (int64), start_date (datetime64, conversion time),
        churned (bool), churn_date (datetime64, NaT if not churned), end_date (datetime64,
        churn or censoring time), tenure_days (float64), monthly_fee (float64), revenue
        (float64: fees for every started month plus all transactions).
        ``events``: customer_id, timestamp (datetime64[ns], tz-naive UTC), event (str),
        channel (str), session_id (str), value (float64, amount of purchase/bill events, NaN
        otherwise); sorted by customer and time.
        ``surveys``: customer_id, timestamp, touchpoint (touchpoint id), event (str, the event
        that triggered the survey), kind ("csat"/"nps"), score (int64: CSAT 1-5, NPS 0-10),
        comment (str or None).
        ``transactions``: customer_id, timestamp, amount (float64); the first row of each
        customer is the initial purchase at start_date.
        ``truth``: every planted parameter as plain data.

    Raises
    ------
    cjlib.DataError
        For a bad argument (the message names it, the value and what is allowed).

    Examples
    --------
    >>> from cjlib.datasets import load_map, simulate
    >>> data = simulate(load_map("telco"), 200, seed=1)
    >>> sorted(data.truth["hazard"]["signals"])
    ['coverage_problem', 'dispute_escalation', 'onboarding_completed']
    >>> len(data.customers)
    200
    """
    start_day, end_day = check_arguments(journey_map, n_customers, seed, start, end)
    plan = prepare(journey_map, effects, seed=int(seed), start_day=start_day, end_day=end_day)
    rng = np.random.default_rng(int(seed))
    tables = simulate_chunk(plan, int(n_customers), rng, start_day, end_day, id_offset=0)
    truth = dict(plan.truth)
    truth["n_customers"] = int(n_customers)
    return SimulatedData(**tables, truth=truth, journey_map=journey_map)
