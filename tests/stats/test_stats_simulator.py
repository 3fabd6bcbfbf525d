"""cjlib.stats on the simulator's data: planted effects (cjlib.datasets truth) are recovered."""

import numpy as np
import pandas as pd
import pytest

from cjlib.datasets import load_map, simulate
from cjlib.stats import BetaGeoModel, GammaGammaModel, cox, markov_attribution, rfm_summary

SIGNALS_OFF = {"dispute_escalation": 1.0, "onboarding_completed": 1.0, "coverage_problem": 1.0}


@pytest.fixture(scope="module")
def telco():
    return load_map("telco")


def test_cox_recovers_the_planted_covariate_hazard_ratios(telco):
    # journey-signal effects switched off so the covariates make the true model
    data = simulate(telco, 6000, seed=3, effects={"hazard_ratios": SIGNALS_OFF})
    truth = data.truth["hazard"]["covariates"]
    customers = data.customers
    before = customers.copy()
    table = customers.assign(
        age_per_10_years=(customers.age - 40) / 10,
        **{
            "acquisition_channel[friends]": customers.acquisition_channel == "friends",
            "region[capital]": customers.region == "capital",
        },
    )
    res = cox(
        table,
        duration_col="tenure_days",
        event_col="churned",
        covariates=["plan", "age_per_10_years", "acquisition_channel[friends]", "region[capital]"],
    )
    pd.testing.assert_frame_equal(customers, before)
    for name, planted in truth.items():
        row = res.table.loc[name]
        assert row["ci_low"] < planted["hazard_ratio"] < row["ci_high"], name


def test_clv_models_recover_the_planted_bgnbd_and_gamma_gamma(telco):
    # churn switched off: the simulator stops purchases at churn, which is not BG/NBD
    data = simulate(telco, 6000, seed=5, effects={"baseline_hazard_per_day": 1e-9})
    summary = rfm_summary(data.transactions, freq="D", calibration_end=data.truth["end"])
    assert len(summary) == 6000
    bg = BetaGeoModel().fit(summary)
    for name in ("r", "alpha", "a", "b"):
        planted = data.truth["bgnbd"][name]
        assert abs(bg.params_[name] - planted) < 3 * bg.standard_errors_[name], name
    gg = GammaGammaModel().fit(summary)
    for name in ("p", "q", "gamma"):
        planted = data.truth["gamma_gamma"][name]
        assert abs(gg.params_[name] - planted) < 3 * gg.standard_errors_[name], name


def test_markov_attribution_straight_from_an_event_log(telco):
    from cjlib import EventLog

    data = simulate(telco, 800, seed=7)
    log = EventLog.from_pandas(data.events)
    res = markov_attribution(log, conversion_event="contract_signed")
    paths = log.paths("contract_signed").table
    t = res.table
    assert t.conversions.sum() == pytest.approx(paths.conversions.sum())
    assert ((t.removal_effect >= 0) & (t.removal_effect <= 1)).all()
    assert np.isclose(t.first_touch.sum(), paths.conversions.sum())
