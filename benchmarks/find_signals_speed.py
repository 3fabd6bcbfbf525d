"""Wall-clock of cjlib.stats.find_signals (candidates="auto") on telco and on a large log.

Run: .venv/bin/python benchmarks/find_signals_speed.py [--customers 200000] [--skip-large]

Prints, per data set, the seconds of find_signals with the number of candidates tried, next
to a baseline: the hand-specified analysis of notebook 03 (landmark + four named signals +
``link`` with the same controls), and their ratio. The large data set is simulated to Parquet
(telco map, chunks of 25,000 customers) in a temporary folder and read with
``EventLog.read_parquet``.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import pandas as pd

import cjlib
from cjlib.datasets import load_map, load_sample, simulate_to_parquet
from cjlib.events import flag, landmark, repeat_within
from cjlib.stats import find_signals, link

CONTROLS = ["plan", "age", "acquisition_channel", "region"]
SPEC = {
    "dispute_escalation": repeat_within(
        "support_call", after="billing_dispute", window="14D", at_least=2
    ),
    "coverage_problem": flag("coverage_issue"),
    "onboarding_completed": flag("onboarding_complete"),
    "payment_failed": flag("payment_failed"),
}


def measure(name: str, log: cjlib.EventLog, customers: pd.DataFrame) -> dict:
    start = time.perf_counter()
    cohort = landmark(log, customers, days=90).signals(SPEC)
    link(cohort, outcome="churned", signals=list(SPEC), controls=CONTROLS)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    res = find_signals(log, customers, outcome="churned", landmark=90, controls=CONTROLS)
    seconds = time.perf_counter() - start
    return {
        "data": name,
        "customers": len(customers),
        "events": log.n_events,
        "candidates tried": res.info["candidates_tried"],
        "reported": len(res.reported()),
        "find_signals s": round(seconds, 1),
        "baseline s (4 named signals)": round(baseline, 1),
        "ratio": round(seconds / baseline, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    import statsmodels.api  # noqa: F401  (first-use import cost kept out of the timings)

    rows = []
    data = load_sample("telco")
    rows.append(measure("telco sample", cjlib.EventLog.from_pandas(data.events), data.customers))
    print(pd.DataFrame(rows).to_string(index=False), flush=True)
    if not args.skip_large:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            out = simulate_to_parquet(
                load_map("telco"), args.customers, tmp, seed=17, chunk_customers=25_000
            )
            print(
                f"simulated {args.customers:,} customers in {time.perf_counter() - start:.0f} s",
                flush=True,
            )
            log = cjlib.EventLog.read_parquet(out["files"]["events"])
            customers = pd.read_parquet(Path(out["files"]["customers"]))
            rows.append(measure(f"simulated, {args.customers:,} customers", log, customers))
    print()
    print(pd.DataFrame(rows).to_string(index=False))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
