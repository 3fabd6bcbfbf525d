"""Simulation study of cjlib.stats.find_signals: power, false discovery proportion, null FDR.

Run: .venv/bin/python benchmarks/find_signals_study.py [--seeds 50] [--customers 3000]
     [--first K]  (seeds K .. K+seeds-1, to split the study over processes)
     [--from-logs out1.txt out2.txt ...]  (the table from the per-seed lines of earlier runs)

Each seed simulates the telco journey (three planted signals with strong hazard ratios,
``STRONG_EFFECTS``) and, separately, the null setting (``effects="null"``: nothing planted),
runs ``find_signals`` with a 90-day landmark and the four controls, and counts what it
reports. Prints one row per run as it goes, then the study table.
"""

from __future__ import annotations

import argparse
import ast
import time
from pathlib import Path

import pandas as pd

from cjlib.stats._find_signals_study import STRONG_EFFECTS, find_signals_run, summarise_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--from-logs", nargs="+", default=None)
    args = parser.parse_args()
    start = time.perf_counter()
    planted, null = [], []
    if args.from_logs:
        runs = {}  # by seed: a seed printed by two runs counts once
        for path in args.from_logs:
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                if line.startswith("seed "):
                    left, right = line.split("  null ")
                    run = ast.literal_eval(left.split(": planted ", 1)[1])
                    runs[run["seed"]] = (run, ast.literal_eval(right))
        planted = [p for p, _ in runs.values()]
        null = [n for _, n in runs.values()]
        args.seeds = len(runs)
    for k in range(args.first, args.first + (0 if args.from_logs else args.seeds)):
        planted.append(
            find_signals_run(
                1000 + k, n_customers=args.customers, effects=STRONG_EFFECTS, alpha=args.alpha
            )
        )
        null.append(
            find_signals_run(5000 + k, n_customers=args.customers, effects="null", alpha=args.alpha)
        )
        print(f"seed {k}: planted {planted[-1]}  null {null[-1]}", flush=True)
    table = summarise_runs(pd.DataFrame(planted), pd.DataFrame(null), args.alpha)
    seconds = pd.DataFrame(planted + null)["seconds"]
    print()
    print(
        f"find_signals study: {args.seeds} seeds per setting, {args.customers:,} simulated "
        f"customers each, 90-day landmark, alpha {args.alpha:g}"
    )
    print(table.to_string(index=False))
    print(f"candidates tried per run: {pd.DataFrame(planted)['candidates'].median():.0f} (median)")
    whole = "" if args.from_logs else f"; whole study {time.perf_counter() - start:.0f} s"
    print(f"find_signals seconds per run: median {seconds.median():.1f}{whole}")


if __name__ == "__main__":
    main()
