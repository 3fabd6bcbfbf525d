"""Speed of next_best_touchpoint and what_if, and calibration of the what-if interval.

Part 1 (speed): the telco sample (5,000 customers, ~243k events) and a simulated log of
``--customers`` customers; times chain estimation + posterior draws for
``next_best_touchpoint`` (by event and by touchpoint) and ``what_if``. Median of
``--repeats`` runs; library import and building the EventLog are excluded.

Part 2 (calibration): walks customers through a planted absorbing chain, asks what halving one
transition does, and counts how often the 95 % interval of the difference covers the exact
planted difference (target 95 %).

Run::

    .venv/bin/python benchmarks/action_orchestration.py
    .venv/bin/python benchmarks/action_orchestration.py --customers 20000 --coverage-runs 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "action"))

import cjlib
from cjlib.action import next_best_touchpoint, what_if
from cjlib.datasets import load_map, load_sample, simulate


def _median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def speed(customers: int, repeats: int) -> None:
    jm = load_map("telco")
    logs = {
        "telco sample": load_sample("telco").events,
        f"simulated {customers:,}": simulate(jm, customers, seed=1).events,
    }
    print(f"{'log':<22}{'events':>10}  {'computation':<42}{'median s':>9}")
    for name, events in logs.items():
        log = cjlib.EventLog.from_pandas(events).bind(jm)
        jobs = {
            "next_best_touchpoint by event (500 draws)": lambda log=log: next_best_touchpoint(
                log, success="contract_signed"),
            "next_best_touchpoint by touchpoint": lambda log=log: next_best_touchpoint(
                log, success="contract_signed", by="touchpoint"),
            "what_if dispute->call_centre (1000 draws)": lambda log=log: what_if(
                log, success="contract_cancelled", by="touchpoint",
                change={("dispute", "call_centre"): 0.5}),
        }
        for label, job in jobs.items():
            print(f"{name:<22}{len(events):>10,}  {label:<42}{_median_time(job, repeats):>9.2f}")


def coverage(runs: int, n: int) -> None:
    from chain_reference import NAMES, P_TRUE, START_TRUE, simulate_paths

    P_new = P_TRUE.copy()
    freed = P_new[0, 1] / 2
    P_new[0, [2, 3, 4]] *= (1 - P_new[0, 1] + freed) / P_new[0, [2, 3, 4]].sum()
    P_new[0, 1] -= freed

    def overall(P: np.ndarray) -> float:
        return float(START_TRUE @ np.linalg.solve(np.eye(3) - P[:, :3], P[:, 3]))

    truth = overall(P_new) - overall(P_TRUE)
    hits, widths = 0, []
    for seed in range(runs):
        paths = simulate_paths(P_TRUE, START_TRUE, NAMES, n, seed=1000 + seed)
        row = what_if(paths, change={("browse", "pricing"): 0.5}, n_draws=400, seed=seed)
        t = row.table.set_index("metric").loc["p_success"]
        hits += t["difference_ci_low"] <= truth <= t["difference_ci_high"]
        widths.append(t["difference_ci_high"] - t["difference_ci_low"])
    print(f"\nwhat_if 95% interval, planted difference {truth:+.4f}, {n:,} customers per run:")
    print(f"  coverage {hits / runs:.1%} over {runs} runs; median width {np.median(widths):.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--coverage-runs", type=int, default=100)
    parser.add_argument("--coverage-n", type=int, default=2_000)
    args = parser.parse_args()
    speed(args.customers, args.repeats)
    coverage(args.coverage_runs, args.coverage_n)


if __name__ == "__main__":
    main()
