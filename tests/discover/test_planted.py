"""Recall and precision of compare_maps on differences planted by the simulator, and a null run.

``plant_map_differences`` hands the analyst a designed map that differs from the map the
customers follow (a missing touchpoint, two stages swapped, a real pain point absent, an unused
touchpoint). Over several seeds discovery must find each planted difference and report nothing
else beyond the simulator's documented background (its off-map events such as
``password_reset``, which customers really do and no map lists). With no planted difference it
must report nothing beyond that background. The full study (more seeds) is
``benchmarks/discovery_recall.py``; its figures are in ``docs/discovery.md``.
"""

from __future__ import annotations

import pytest

import cjlib
from cjlib.datasets import DIFFERENCE_KINDS, load_map, plant_map_differences
from cjlib.discover import compare_maps, discover_map
from cjlib.discover._evaluate import score_comparison

SEEDS = (0, 1, 2)
N_CUSTOMERS = 900


def _run(seed: int, kinds):
    planted = plant_map_differences(load_map("telco"), seed=seed, kinds=kinds)
    data = planted.simulate(N_CUSTOMERS, seed=100 + seed)
    log = cjlib.EventLog.from_pandas(data.events, dedupe=True)
    found = discover_map(
        log,
        customers=data.customers,
        surveys=data.surveys,
        persona_col="persona",
        designed=planted.designed,
    )
    diff = compare_maps(planted.designed, found)
    return score_comparison(diff.table, planted.differences, data.truth["off_map_events"])


@pytest.fixture(scope="module")
def planted_runs():
    return [_run(seed, DIFFERENCE_KINDS) for seed in SEEDS]


@pytest.fixture(scope="module")
def null_runs():
    return [_run(seed, ()) for seed in SEEDS[:2]]


@pytest.mark.parametrize("kind", DIFFERENCE_KINDS)
def test_recall_of_each_planted_difference(planted_runs, kind):
    found = [run["found"][kind] for run in planted_runs]
    # every seed: the planted effects are large (a whole touchpoint, a stage swap, HR 3)
    assert all(found), f"{kind} found in {sum(found)}/{len(found)} seeds"


def test_precision(planted_runs):
    reported = sum(run["n_reported"] for run in planted_runs)
    alarms = [a for run in planted_runs for a in run["false_alarms"]]
    hits = reported - len(alarms)
    assert hits >= len(SEEDS) * len(DIFFERENCE_KINDS)
    assert hits / reported >= 0.9, alarms


def test_null_run_reports_nothing_beyond_noise(null_runs):
    alarms = [a for run in null_runs for a in run["false_alarms"]]
    assert len(alarms) <= 1, alarms
