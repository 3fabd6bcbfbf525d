"""Speed of discovery: the telco sample, and a large Parquet log against EventLog.transitions.

Run: .venv/bin/python benchmarks/discovery_speed.py [--events 10000000] [--skip-large]

Target (issue 16): discovery on the telco sample in seconds; on a 10M-event Parquet log within
3x the time of ``EventLog.transitions`` on the same log. The large log is simulated once with
``cjlib.datasets.simulate_to_parquet`` (about 45 events per customer) into
``$CJLIB_BENCH_DIR/cjlib_bench/discovery_<n>`` (default: the system temp folder). Each
timing is the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

import cjlib
from cjlib.datasets import load_map, load_sample, simulate_to_parquet
from cjlib.discover import compare_maps, discover_map

CACHE = Path(os.environ.get("CJLIB_BENCH_DIR", tempfile.gettempdir())) / "cjlib_bench"


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def telco(repeat: int) -> None:
    data = load_sample("telco")
    log = cjlib.EventLog.from_pandas(data.events)
    log.n_events  # noqa: B018 - count once outside the timing

    def run() -> None:
        found = discover_map(
            log,
            customers=data.customers,
            surveys=data.surveys,
            persona_col="persona",
            designed=data.journey_map,
        )
        compare_maps(data.journey_map, found)

    t_disc = best(run, repeat)
    t_tr = best(lambda: log.transitions(), repeat)
    print(f"telco sample ({log.n_events:,} events, {log.n_customers:,} people)")
    print(f"  discover_map + compare_maps  {t_disc:8.2f} s")
    print(f"  EventLog.transitions         {t_tr:8.2f} s   ratio {t_disc / t_tr:5.2f}x")


def large(n_events: int, repeat: int) -> None:
    folder = CACHE / f"discovery_{n_events}"
    events = folder / "events.parquet"
    if not events.exists():
        folder.mkdir(parents=True, exist_ok=True)
        simulate_to_parquet(load_map("telco"), max(1, n_events // 45), folder, seed=7)
    log = cjlib.EventLog.read_parquet(events, validate=False)
    print(f"large log {events} ({log.n_events:,} events, {log.n_customers:,} people)")
    t_disc = best(lambda: discover_map(log), repeat)
    t_tr = best(lambda: log.transitions(), repeat)
    print(f"  discover_map (events only)   {t_disc:8.2f} s")
    print(
        f"  EventLog.transitions         {t_tr:8.2f} s   ratio {t_disc / t_tr:5.2f}x (target <= 3x)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    telco(args.repeat)
    if not args.skip_large:
        large(args.events, args.repeat)


if __name__ == "__main__":
    main()
