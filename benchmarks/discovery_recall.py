"""Recall and precision of discovery on planted map differences, and a null run.

Run: .venv/bin/python benchmarks/discovery_recall.py [--seeds 20] [--customers 1500] [--map telco]

For each seed, ``plant_map_differences`` derives a designed map that differs from the map the
simulated customers follow (missing touchpoint, swapped stages, a real pain point absent from
the map, an unused designed touchpoint); ``discover_map`` + ``compare_maps`` must find them.
Precision counts every reported row except the simulator's documented background (its off-map
events) and handover stalls (a property of the journey, not a map difference). The null run
uses the true map as the designed one (emotions set to the simulator's true ones).
"""

from __future__ import annotations

import argparse
import time
import warnings

import cjlib
from cjlib.datasets import DIFFERENCE_KINDS, load_map, plant_map_differences
from cjlib.discover import compare_maps, discover_map
from cjlib.discover._evaluate import score_comparison


def run(map_id: str, seed: int, n: int, kinds: tuple[str, ...]) -> dict:
    planted = plant_map_differences(load_map(map_id), seed=seed, kinds=kinds)
    data = planted.simulate(n, seed=1000 + seed)
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--customers", type=int, default=1500)
    ap.add_argument("--map", default="telco")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    planted = [run(args.map, s, args.customers, DIFFERENCE_KINDS) for s in range(args.seeds)]
    null = [run(args.map, s, args.customers, ()) for s in range(args.seeds)]
    print(
        f"map {args.map}, {args.customers} customers, {args.seeds} seeds "
        f"({time.perf_counter() - start:.0f} s)"
    )
    print(f"{'planted difference':<22}{'recall':>10}")
    for kind in DIFFERENCE_KINDS:
        hits = sum(r["found"][kind] for r in planted)
        print(f"{kind:<22}{hits:>4}/{len(planted):<3} {hits / len(planted):>5.0%}")
    reported = sum(r["n_reported"] for r in planted)
    alarms = [a for r in planted for a in r["false_alarms"]]
    print(
        f"precision: {reported - len(alarms)}/{reported} = "
        f"{(reported - len(alarms)) / max(reported, 1):.1%}  false alarms: {alarms}"
    )
    null_alarms = [a for r in null for a in r["false_alarms"]]
    print(
        f"null run: {len(null_alarms)} differences reported over {len(null)} seeds "
        f"(beyond background): {null_alarms}"
    )


if __name__ == "__main__":
    main()
