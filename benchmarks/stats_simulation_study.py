"""Full simulation study of cjlib.stats: planted effects recovered, CI coverage, BH FDR.

Run: .venv/bin/python benchmarks/stats_simulation_study.py [--quick]
Prints one table; also times BG/NBD on 1,000,000 simulated customers.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from cjlib.stats import BetaGeoModel
from cjlib.stats._study import bh_fdr_study, cox_study, odds_ratio_study


def bgnbd_timing(n: int, seed: int = 0) -> dict:
    """Fit BG/NBD on n customers drawn from known parameters (weekly, whole days)."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b, big_t = 0.25, 4.4, 0.8, 2.4, 52.0
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    now, x, t_x = np.zeros(n), np.zeros(n), np.zeros(n)
    active = np.ones(n, bool)
    while active.any():
        now[active] += rng.exponential(1 / lam[active])
        active &= now <= big_t
        x[active] += 1
        t_x[active] = now[active]
        active &= rng.random(n) >= p
    summary = pd.DataFrame({"frequency": x, "recency": np.ceil(t_x * 7) / 7, "T": big_t})
    start = time.perf_counter()
    model = BetaGeoModel().fit(summary)
    seconds = time.perf_counter() - start
    truth = {"r": r, "alpha": alpha, "a": a, "b": b}
    return {
        "estimator": f"BG/NBD fit, {n:,} customers ({model.n_groups_:,} distinct rows)",
        "truth": str(truth),
        "mean_estimate": str({k: round(v, 3) for k, v in model.params_.items()}),
        "seconds": round(seconds, 2),
    }


def main(quick: bool = False) -> None:
    scale = 0.2 if quick else 1.0
    coverage = pd.DataFrame(
        [
            odds_ratio_study(int(400 * scale), 1500, odds_ratio=2.0, seed=10),
            odds_ratio_study(int(400 * scale), 1500, odds_ratio=1.0, seed=11),
            cox_study(int(300 * scale), 800, hazard_ratio=1.8, seed=12),
            cox_study(int(300 * scale), 800, hazard_ratio=1.0, seed=13),
        ]
    ).set_index("estimator")
    fdr = pd.DataFrame(
        [
            bh_fdr_study(int(4000 * scale), n_null=50, n_real=0, seed=14),
            bh_fdr_study(int(4000 * scale), n_null=40, n_real=10, seed=15),
        ]
    ).set_index("estimator")
    speed = pd.DataFrame([bgnbd_timing(1_000_000)]).set_index("estimator")
    fmt = {"float_format": lambda v: f"{v:.3f}"}
    with pd.option_context("display.width", 200, "display.max_colwidth", 90):
        print("Planted effects: mean estimate (geometric) and 95% CI coverage")
        print(coverage.to_string(**fmt))
        print("\nBenjamini-Hochberg false discovery rate (nominal 0.05)")
        print(fdr.drop(columns="truth").to_string(**fmt))
        print("\nBG/NBD fitting speed")
        print(speed.to_string(**fmt))


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
