"""Simulation study of :func:`find_signals`: power, false discovery proportion, null FDR.

The telco simulator plants three signals with known hazard ratios. A reported signal is a
**true discovery** when it, or a member of its near-duplicate group, is built on the event
that triggers a planted signal (``billing_dispute`` for the dispute escalation, the
``coverage_issue`` and ``onboarding_complete`` events); every other reported signal is a
**false discovery**, including downstream consequences of a planted signal (more support
calls after a dispute), which are real associations but not the planted cause. Under
``effects="null"`` nothing is planted and every reported signal is false.

Examples
--------
>>> row = planted_matches(["has_coverage_issue"], {"has_coverage_issue": ("coverage_issue",)})
>>> row["coverage_problem"]
True
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["PLANTED_TRIGGERS", "find_signals_run", "planted_matches", "summarise_runs"]

#: Planted telco signal → the events its rule is triggered by.
PLANTED_TRIGGERS: dict[str, tuple[str, ...]] = {
    "dispute_escalation": ("billing_dispute",),
    "coverage_problem": ("coverage_issue",),
    "onboarding_completed": ("onboarding_complete",),
}
STRONG_EFFECTS = {
    "hazard_ratios": {
        "dispute_escalation": 3.0,
        "coverage_problem": 2.0,
        "onboarding_completed": 0.4,
    }
}


def planted_matches(
    reported: Sequence[str], events_of: Mapping[str, tuple[str, ...]]
) -> dict[str, bool]:
    """Which planted signals a list of reported signals recovers (by trigger events)."""
    found = {}
    for planted, triggers in PLANTED_TRIGGERS.items():
        found[planted] = any(set(events_of.get(r, ())) & set(triggers) for r in reported)
    return found


def _events_of(result: Any) -> dict[str, tuple[str, ...]]:
    """Reported signal → every event its near-duplicate group's members are built from."""
    cands = result.candidates
    out = {}
    for rep in result.table.index:
        members = cands.index[cands["group"] == rep]
        evs = [e for m in members for e in result.candidate_events.get(m, ())]
        out[rep] = tuple(dict.fromkeys(evs))
    return out


def find_signals_run(
    seed: int, *, n_customers: int = 2000, effects: Any = None, alpha: float = 0.05
) -> dict[str, Any]:
    """One simulated data set analysed with ``find_signals``: what it reported."""
    import cjlib
    from cjlib.datasets import load_map, simulate
    from cjlib.stats._find_signals import find_signals

    data = simulate(load_map("telco"), n_customers, seed=seed, effects=effects)
    log = cjlib.EventLog.from_pandas(data.events)
    start = time.perf_counter()
    res = find_signals(
        log,
        data.customers,
        outcome="churned",
        landmark=90,
        controls=["plan", "age", "acquisition_channel", "region"],
        alpha=alpha,
        seed=seed,
    )
    seconds = time.perf_counter() - start
    reported = list(res.reported().index)
    events_of = _events_of(res)
    true = [r for r in reported if any(planted_matches([r], events_of).values())]
    found = planted_matches(reported, events_of)
    return {
        "seed": seed,
        "reported": len(reported),
        "false": len(reported) - len(true),
        "fdp": (len(reported) - len(true)) / len(reported) if reported else 0.0,
        "candidates": res.info["candidates_tried"],
        "seconds": seconds,
        **{f"found_{k}": v for k, v in found.items()},
    }


def summarise_runs(planted: pd.DataFrame, null: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """The study table: power per planted signal, mean FDP, null FDR (share of null runs
    with any discovery, which equals the FDR when nothing is planted)."""
    rows = []
    for name in PLANTED_TRIGGERS:
        rows.append(
            {
                "setting": "planted",
                "measure": f"power: {name}",
                "value": float(planted[f"found_{name}"].mean()),
            }
        )
    rows.append(
        {
            "setting": "planted",
            "measure": "false discovery proportion (mean)",
            "value": float(planted["fdp"].mean()),
        }
    )
    rows.append(
        {
            "setting": "planted",
            "measure": "signals reported per run (mean)",
            "value": float(planted["reported"].mean()),
        }
    )
    rows.append(
        {
            "setting": "null",
            "measure": f"FDR (nominal {alpha:g})",
            "value": float(null["fdp"].mean()),
        }
    )
    rows.append(
        {
            "setting": "null",
            "measure": "signals reported per run (mean)",
            "value": float(null["reported"].mean()),
        }
    )
    out = pd.DataFrame(rows)
    out["seeds"] = [len(planted)] * (len(PLANTED_TRIGGERS) + 2) + [len(null)] * 2
    out["value"] = np.round(out["value"], 3)
    return out
