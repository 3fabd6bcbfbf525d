"""Planted-effect simulation study: are effects recovered and do CIs cover the truth?

Used by ``tests/stats/test_simulation_study.py`` (few replications) and
``benchmarks/stats_simulation_study.py`` (many). Not part of the public API.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["bh_fdr_study", "cox_study", "odds_ratio_study"]


def odds_ratio_study(reps: int, n: int, *, odds_ratio: float = 2.0, seed: int = 0) -> dict:
    """Adjusted odds ratio from ``link`` with a confounder; returns coverage and bias."""
    from cjlib.stats import link

    rng = np.random.default_rng(seed)
    estimates, covered = [], []
    for _ in range(reps):
        plan = rng.integers(0, 2, n)  # confounder: raises both exposure and churn
        exposed = rng.random(n) < np.where(plan == 1, 0.5, 0.2)
        eta = -1.5 + np.log(odds_ratio) * exposed + 0.8 * plan
        churned = rng.random(n) < 1 / (1 + np.exp(-eta))
        frame = pd.DataFrame({"exposed": exposed, "plan": plan, "churned": churned})
        row = link(frame, outcome="churned", signals="exposed", controls=["plan"]).table.iloc[0]
        estimates.append(np.log(row["or_adj"]))
        covered.append(row["or_adj_ci_low"] <= odds_ratio <= row["or_adj_ci_high"])
    return {
        "estimator": "adjusted odds ratio (link)",
        "truth": odds_ratio,
        "mean_estimate": float(np.exp(np.mean(estimates))),
        "coverage": float(np.mean(covered)),
        "replications": reps,
        "n": n,
    }


def cox_study(reps: int, n: int, *, hazard_ratio: float = 1.8, seed: int = 0) -> dict:
    """Hazard ratio from ``cox`` under random censoring; returns coverage and bias."""
    from cjlib.stats import cox

    rng = np.random.default_rng(seed)
    estimates, covered = [], []
    for _ in range(reps):
        x = rng.integers(0, 2, n)
        age = rng.normal(0, 1, n)
        time = rng.exponential(1 / (0.01 * np.exp(np.log(hazard_ratio) * x + 0.3 * age)))
        censor = rng.uniform(30, 250, n)
        # whole days, as in customer data (ties handled by Efron's method)
        frame = pd.DataFrame(
            {"t": np.ceil(np.minimum(time, censor)), "e": time <= censor, "x": x, "age": age}
        )
        row = cox(frame, duration_col="t", event_col="e", covariates=["x", "age"]).table.loc["x"]
        estimates.append(row["coef"])
        covered.append(row["ci_low"] <= hazard_ratio <= row["ci_high"])
    return {
        "estimator": "hazard ratio (cox)",
        "truth": hazard_ratio,
        "mean_estimate": float(np.exp(np.mean(estimates))),
        "coverage": float(np.mean(covered)),
        "replications": reps,
        "n": n,
    }


def bh_fdr_study(
    reps: int,
    *,
    n_null: int = 40,
    n_real: int = 10,
    n: int = 200,
    alpha: float = 0.05,
    seed: int = 0,
) -> dict:
    """False discovery rate of BH q <= alpha over Welch tests (some real, most null)."""
    from cjlib.stats import bh_qvalues

    rng = np.random.default_rng(seed)
    fdp, power = [], []
    m = n_null + n_real
    shift = np.r_[np.zeros(n_null), np.full(n_real, 0.35)]
    for _ in range(reps):
        a = rng.normal(size=(m, n)) + shift[:, None]
        b = rng.normal(size=(m, n))
        p = stats.ttest_ind(a, b, axis=1, equal_var=False).pvalue
        rejected = bh_qvalues(p) <= alpha
        false = rejected[:n_null].sum()
        fdp.append(false / max(rejected.sum(), 1))
        power.append(rejected[n_null:].mean() if n_real else np.nan)
    return {
        "estimator": f"BH at q<={alpha} ({n_null} null, {n_real} real tests)",
        "truth": alpha,
        "fdr": float(np.mean(fdp)),
        "power": float(np.nanmean(power)) if n_real else float("nan"),
        "replications": reps,
    }
