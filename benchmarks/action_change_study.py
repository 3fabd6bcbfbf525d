"""Calibration and speed of cjlib.action's "did it work?" tools.

Run: .venv/bin/python benchmarks/action_change_study.py [--quick]

1. False-positive rate at alpha = 0.05 of evaluate_change on null KPI series (no change),
   for interrupted time series (average post-period effect) and series DiD, by series length,
   AR(1) autocorrelation of the noise and error model. Nominal: 0.05.
2. Wall time of evaluate_change (unit-level DiD, 1,000,000 rows) and ab_test (revenue,
   2 x 500,000 customers, 2,000 bootstrap resamples).
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import pandas as pd

from cjlib.action import PreTrendWarning, ab_test, evaluate_change


def _ar1(n: int, rho: float, rng: np.random.Generator) -> np.ndarray:
    out = np.empty(n)
    state = rng.normal(0, 1 / np.sqrt(1 - rho**2))
    for i in range(n):
        state = rho * state + rng.normal()
        out[i] = state
    return out


def false_positive_rates(reps: int) -> pd.DataFrame:
    rows = []
    for periods in (30, 52, 104):
        weeks = pd.date_range("2024-01-01", periods=periods, freq="W-MON")
        change = weeks[periods // 2]
        for rho in (0.0, 0.3, 0.6):
            for design in ("its", "did"):
                for errors in ("ar1", "newey-west", "ols"):
                    rejected = 0
                    for seed in range(reps):
                        rng = np.random.default_rng(seed)
                        if design == "its":
                            data = pd.DataFrame({"week": weeks, "kpi": _ar1(periods, rho, rng)})
                            extra = {}
                        else:
                            data = pd.DataFrame(
                                {
                                    "week": np.tile(weeks, 2),
                                    "segment": np.repeat(["pilot", "rest"], periods),
                                    "kpi": np.r_[_ar1(periods, rho, rng), _ar1(periods, rho, rng)],
                                }
                            )
                            extra = {"group_col": "segment", "treated": "pilot"}
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", PreTrendWarning)
                            res = evaluate_change(
                                data,
                                metric_col="kpi",
                                time_col="week",
                                change_date=change,
                                errors=errors,
                                **extra,
                            )
                        rejected += res.p_value < 0.05
                    rows.append(
                        {
                            "periods": periods,
                            "rho": rho,
                            "design": design,
                            "errors": errors,
                            "false_positive_rate": rejected / reps,
                        }
                    )
    table = pd.DataFrame(rows)
    return table.pivot_table(
        index=["design", "periods", "rho"], columns="errors", values="false_positive_rate"
    )


def timings() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    units, weeks = 20_000, 50
    unit = np.repeat(np.arange(units), weeks)
    week = np.tile(np.arange(weeks), units)
    panel = pd.DataFrame(
        {
            "customer_id": unit.astype(str),
            "timestamp": pd.Timestamp("2025-01-06") + pd.to_timedelta(week * 7, unit="D"),
            "segment": np.where(unit < units // 2, "pilot", "rest"),
            "spend": rng.normal(0, 1, units * weeks) + 0.5 * ((unit < units // 2) & (week >= 25)),
        }
    )
    results = []
    start = time.perf_counter()
    evaluate_change(
        panel,
        metric_col="spend",
        time_col="timestamp",
        change_date=pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=25),
        group_col="segment",
        treated="pilot",
        unit_col="customer_id",
    )
    results.append(
        {
            "task": "evaluate_change, unit DiD, 1,000,000 rows",
            "seconds": time.perf_counter() - start,
        }
    )
    n = 500_000
    revenue = pd.DataFrame(
        {"variant": np.repeat(["A", "B"], n), "revenue": rng.lognormal(3, 1.2, 2 * n)}
    )
    start = time.perf_counter()
    ab_test(revenue, variant_col="variant", outcome_col="revenue")
    results.append(
        {
            "task": "ab_test, revenue, 2 x 500,000, 2,000 bootstraps",
            "seconds": time.perf_counter() - start,
        }
    )
    return pd.DataFrame(results)


def main() -> None:
    reps = 100 if "--quick" in sys.argv else 300
    print(f"False-positive rate at alpha 0.05 ({reps} null series per cell; nominal 0.05)")
    print(false_positive_rates(reps).round(3).to_string())
    print()
    print(timings().round(2).to_string(index=False))


if __name__ == "__main__":
    main()
