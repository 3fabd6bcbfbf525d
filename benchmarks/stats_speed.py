"""Wall-clock figures of cjlib.stats on large synthetic tables.

Run: .venv/bin/python benchmarks/stats_speed.py [n_customers]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from cjlib.stats import (
    BetaGeoModel,
    GammaGammaModel,
    cox,
    drivers,
    link,
    markov_attribution,
    rfm_summary,
    survival,
)


def timed(label: str, fn, rows: list) -> object:
    start = time.perf_counter()
    out = fn()
    rows.append({"step": label, "seconds": round(time.perf_counter() - start, 2)})
    return out


def _bgnbd_summary(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Weekly (x, t_x, T, m) of customers drawn from BG/NBD and gamma-gamma processes."""
    lam, p = rng.gamma(0.25, 1 / 4.4, n), rng.beta(0.8, 2.4, n)
    big_t = rng.integers(7, 540, n) / 7  # customers joined on different days
    now, x, t_x = np.zeros(n), np.zeros(n), np.zeros(n)
    active = np.ones(n, bool)
    while active.any():
        now[active] += rng.exponential(1 / lam[active])
        active &= now <= big_t
        x[active] += 1
        t_x[active] = now[active]
        active &= rng.random(n) >= p
    nu = rng.gamma(3.7, 1 / 15.4, n)
    spend = np.where(x > 0, rng.gamma(6.25 * np.maximum(x, 1), 1 / nu) / np.maximum(x, 1), 0.0)
    return pd.DataFrame(
        {
            "frequency": x,
            "recency": np.minimum(np.ceil(t_x * 7) / 7, big_t),
            "T": big_t,
            "monetary_value": spend,
        }
    )


def main(n: int = 200_000) -> None:
    rng = np.random.default_rng(0)
    signals = {f"signal_{i:02d}": rng.poisson(0.3 + 0.05 * i, n) for i in range(20)}
    customers = pd.DataFrame(signals).assign(
        plan=rng.choice(["basic", "standard", "premium"], n),
        age=rng.integers(18, 80, n),
        csat_app=rng.normal(size=n),
        csat_call=rng.normal(size=n),
        csat_bill=rng.normal(size=n),
    )
    hazard = 0.002 * np.exp(0.5 * (customers.signal_00 > 0) - 0.3 * (customers.plan == "premium"))
    life = rng.exponential(1 / hazard)
    follow = rng.uniform(30, 540, n)
    customers["tenure_days"] = np.ceil(np.minimum(life, follow))
    customers["churned"] = life <= follow
    customers["revenue"] = rng.lognormal(4, 1, n)
    names = list(signals)
    rows: list[dict] = []
    timed(
        f"link binary, {len(names)} signals, 2 controls",
        lambda: link(customers, outcome="churned", signals=names, controls=["plan", "age"]),
        rows,
    )
    timed(
        f"link continuous, {len(names)} signals (BCa 2000)",
        lambda: link(customers, outcome="revenue", signals=names, controls=["plan"]),
        rows,
    )
    timed(
        "survival KM by plan + log-rank",
        lambda: survival(
            customers, duration_col="tenure_days", event_col="churned", group_col="plan"
        ),
        rows,
    )
    timed(
        "cox, 4 covariates (Efron, days)",
        lambda: cox(
            customers,
            duration_col="tenure_days",
            event_col="churned",
            covariates=["signal_00", "signal_01", "plan", "age"],
        ),
        rows,
    )
    timed(
        "drivers, 3 CSATs, Shapley, 500 bootstraps",
        lambda: drivers(
            customers, outcome="revenue", drivers=["csat_app", "csat_call", "csat_bill"]
        ),
        rows,
    )

    per_customer = rng.poisson(4, n) + 1
    tx = pd.DataFrame(
        {
            "customer_id": np.repeat(np.arange(n), per_customer),
            "timestamp": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 540, per_customer.sum()), unit="D"),
            "amount": rng.gamma(5, 8, per_customer.sum()),
        }
    )
    timed(
        f"rfm_summary, {len(tx):,} transactions",
        lambda: rfm_summary(tx, calibration_end="2025-03-31", observation_end="2025-06-23"),
        rows,
    )
    # the CLV models on data from their own process: 1M customers, daily grain, staggered T
    clv_summary = _bgnbd_summary(1_000_000, rng)
    n_groups = len(clv_summary[["frequency", "recency", "T"]].value_counts())
    bg = timed(
        f"BG/NBD fit, 1,000,000 customers ({n_groups:,} distinct (x, t_x, T) rows)",
        lambda: BetaGeoModel().fit(clv_summary),
        rows,
    )
    timed("Gamma-Gamma fit, 1,000,000 customers", lambda: GammaGammaModel().fit(clv_summary), rows)
    timed("BG/NBD predict 1,000,000 customers", lambda: bg.predict(clv_summary, 12), rows)

    channels = np.array(["ad", "search", "email", "web", "store", "app", "call", "chat"])
    lengths = rng.integers(1, 7, 50_000)
    paths = [">".join(rng.choice(channels, k)) for k in lengths]
    path_table = pd.DataFrame(
        {
            "path": paths,
            "conversions": rng.poisson(2, len(paths)),
            "nulls": rng.poisson(8, len(paths)),
        }
    )
    path_table = path_table.groupby("path", as_index=False).sum()
    for order in (1, 2, 3):
        timed(
            f"markov order {order}, {len(path_table):,} distinct paths",
            lambda order=order: markov_attribution(path_table, order=order),
            rows,
        )
    print(f"n_customers = {n:,}")
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
