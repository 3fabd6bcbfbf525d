"""Small simulation study (the full one is benchmarks/stats_simulation_study.py)."""

import numpy as np

from cjlib.stats._study import bh_fdr_study, cox_study, odds_ratio_study


def test_adjusted_odds_ratio_is_recovered_and_ci_covers():
    res = odds_ratio_study(reps=60, n=1500, odds_ratio=2.0, seed=1)
    assert abs(np.log(res["mean_estimate"]) - np.log(2.0)) < 0.05
    # 60 replications: coverage 0.95 has sd 0.028; 0.85 is 3.6 sd below nominal
    assert 0.85 <= res["coverage"] <= 1.0


def test_cox_hazard_ratio_is_recovered_and_ci_covers():
    res = cox_study(reps=60, n=800, hazard_ratio=1.8, seed=2)
    assert abs(np.log(res["mean_estimate"]) - np.log(1.8)) < 0.05
    assert 0.85 <= res["coverage"] <= 1.0


def test_bh_controls_fdr_under_the_null_and_with_real_effects():
    complete_null = bh_fdr_study(reps=400, n_null=30, n_real=0, seed=3)
    # complete null: FDR = P(any rejection) <= 0.05 (binomial sd over 400 reps ~0.011)
    assert complete_null["fdr"] <= 0.05 + 0.03
    mixed = bh_fdr_study(reps=300, n_null=40, n_real=10, seed=4)
    # BH bounds the FDR by alpha * m0 / m = 0.04
    assert mixed["fdr"] <= 0.04 + 0.02
    assert mixed["power"] > 0.5
