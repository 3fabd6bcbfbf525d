"""Kaplan–Meier, log-rank, Cox and the horizon churn model against lifelines (test-only)."""

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.datasets import load_rossi, load_waltons
from lifelines.statistics import logrank_test, proportional_hazard_test
from lifelines.utils import concordance_index as lifelines_cindex
from lifelines.utils import median_survival_times

from cjlib.errors import DataError
from cjlib.stats import churn_model, cox, survival
from cjlib.stats._concordance import concordance_index

ROSSI_COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


def test_kaplan_meier_matches_lifelines_on_waltons():
    w = load_waltons()
    before = w.copy()
    res = survival(w, duration_col="T", event_col="E", group_col="group")
    pd.testing.assert_frame_equal(w, before)
    for group in ("control", "miR-137"):
        part = w[w.group == group]
        km = KaplanMeierFitter().fit(part["T"], part["E"])
        ours = res.table[res.table.group == group].set_index("time")
        ci = km.confidence_interval_.loc[ours.index]
        assert np.allclose(km.survival_function_.loc[ours.index].iloc[:, 0], ours.survival)
        assert np.allclose(ci.iloc[:, 0], ours.ci_low, atol=1e-10)
        assert np.allclose(ci.iloc[:, 1], ours.ci_high, atol=1e-10)
        assert res.medians.loc[group, "median"] == km.median_survival_time_
        med_ci = median_survival_times(km.confidence_interval_).iloc[0].tolist()
        assert [
            res.medians.loc[group, "median_ci_low"],
            res.medians.loc[group, "median_ci_high"],
        ] == med_ci
    # lifelines reference: log-rank chi2 = 122.249, p = 2.04e-28 (waltons, two groups)
    a, c = w[w.group == "miR-137"], w[w.group == "control"]
    ref = logrank_test(a["T"], c["T"], a["E"], c["E"])
    assert res.logrank["statistic"] == pytest.approx(ref.test_statistic, rel=1e-9)
    assert res.logrank["p"] == pytest.approx(ref.p_value, rel=1e-6)
    assert res.logrank["df"] == 1
    assert "Median survival" in res.summary()


def test_survival_without_groups_and_survival_at():
    df = pd.DataFrame({"days": [5, 8, 12, 20, 30, 31], "churned": [1, 1, 0, 1, 1, 0]})
    res = survival(df, duration_col="days", event_col="churned")
    assert res.logrank is None
    at = res.survival_at([0, 6, 100]).survival.round(4).tolist()
    assert at == [1.0, round(5 / 6, 4), round(5 / 6 * 4 / 5 * 2 / 3 * 1 / 2, 4)]


def test_survival_bad_input():
    df = pd.DataFrame({"days": [5, -1], "churned": [1, 0]})
    with pytest.raises(DataError, match="days"):
        survival(df, duration_col="days", event_col="churned")
    with pytest.raises(DataError, match="binary"):
        survival(df.assign(days=[1, 2], churned=[2, 0]), duration_col="days", event_col="churned")


def test_cox_matches_lifelines_on_rossi():
    rossi = load_rossi()
    res = cox(rossi, duration_col="week", event_col="arrest", covariates=ROSSI_COVARIATES)
    ref = CoxPHFitter().fit(rossi, "week", "arrest")  # Efron ties, like ours
    t = res.table
    assert np.allclose(t["coef"], ref.params_[t.index], atol=1e-6)
    assert np.allclose(t["se"], ref.standard_errors_[t.index], rtol=1e-4)
    assert np.allclose(t["p"], ref.summary["p"][t.index], rtol=1e-3)
    assert np.allclose(t["ci_low"], ref.summary["exp(coef) lower 95%"][t.index], rtol=1e-4)
    # lifelines: concordance 0.6403, log-likelihood -658.748 on rossi
    assert res.concordance == pytest.approx(ref.concordance_index_, abs=1e-9)
    assert res.log_likelihood == pytest.approx(ref.log_likelihood_, abs=1e-4)


def test_cox_ph_check_agrees_with_lifelines_and_warns():
    rossi = load_rossi()
    res = cox(
        rossi,
        duration_col="week",
        event_col="arrest",
        covariates=ROSSI_COVARIATES,
        ph_transform="rank",
    )
    ref = proportional_hazard_test(
        CoxPHFitter().fit(rossi, "week", "arrest"), rossi, time_transform="rank"
    ).summary
    ours = res.ph_test
    # lifelines (rank): age 11.45 (p 0.0007), wexp 7.31 (p 0.007); residuals under tied
    # times differ slightly between the implementations, hence the 10% tolerance
    for cov in ("age", "wexp", "race"):
        assert ours.loc[cov, "ph_statistic"] == pytest.approx(
            ref.loc[cov, "test_statistic"], rel=0.1
        )
    assert set(ours.index[ours.ph_p < 0.05]) == set(ref.index[ref.p < 0.05]) == {"age", "wexp"}
    assert any("proportional hazards doubtful" in w for w in res.warnings)


def test_concordance_matches_lifelines_with_ties():
    rng = np.random.default_rng(2)
    t = rng.integers(1, 30, 500).astype(float)
    e = rng.random(500) < 0.6
    risk = rng.integers(0, 10, 500).astype(float)
    assert concordance_index(t, e, risk) == pytest.approx(lifelines_cindex(t, -risk, e))


def test_cox_recovers_planted_hazard_ratio_and_rejects_bad_input():
    rng = np.random.default_rng(4)
    n = 4000
    df = pd.DataFrame({"called": rng.integers(0, 2, n), "plan": rng.choice(["a", "b"], n)})
    rate = 0.01 * np.exp(np.log(1.8) * df.called + np.log(0.7) * (df.plan == "b"))
    time = rng.exponential(1 / rate)
    censor = rng.uniform(50, 300, n)
    df["days"], df["churned"] = np.minimum(time, censor), time <= censor
    res = cox(df, duration_col="days", event_col="churned", covariates=["called", "plan"])
    assert res.table.loc["called", "ci_low"] < 1.8 < res.table.loc["called", "ci_high"]
    assert res.table.loc["plan[b]", "ci_low"] < 0.7 < res.table.loc["plan[b]", "ci_high"]
    assert not res.warnings
    assert res.plot().layout.xaxis.type == "log"
    with pytest.raises(DataError, match="constant"):
        cox(df.assign(k=1), duration_col="days", event_col="churned", covariates=["k"])
    with pytest.raises(DataError, match="no events"):
        cox(
            df.assign(churned=False),
            duration_col="days",
            event_col="churned",
            covariates=["called"],
        )


def test_churn_model_planted_odds_ratio_and_calibration():
    rng = np.random.default_rng(8)
    n = 6000
    called = rng.integers(0, 2, n)
    # exponential churn: P(churn by 90) known per group -> logit difference is the truth
    mean_life = np.where(called == 1, 120.0, 400.0)
    time = rng.exponential(mean_life)
    censor = rng.uniform(20, 500, n)
    df = pd.DataFrame(
        {
            "days": np.minimum(time, censor),
            "churned": time <= censor,
            "called": called,
            "followup": censor,
        }
    )
    res = churn_model(
        df,
        duration_col="days",
        event_col="churned",
        horizon=90,
        covariates="called",
        followup_col="followup",
    )
    p1, p0 = 1 - np.exp(-90 / 120), 1 - np.exp(-90 / 400)
    true_or = (p1 / (1 - p1)) / (p0 / (1 - p0))
    row = res.table.loc["called"]
    assert row["ci_low"] < true_or < row["ci_high"]
    assert res.info["calibration_slope"] == pytest.approx(1.0, abs=1e-6)  # in-sample MLE
    assert res.info["hosmer_lemeshow_p"] > 0.01
    assert any("followed for less than the horizon" in w for w in res.warnings)
    naive = churn_model(
        df, duration_col="days", event_col="churned", horizon=90, covariates="called"
    )
    assert any("over-represents early churners" in w for w in naive.warnings)
    pred = res.predict(pd.DataFrame({"called": [0, 1]}))
    assert pred.iloc[1] > pred.iloc[0]
    cal = res.calibration
    assert np.allclose(
        (cal.predicted * cal.customers).sum() / cal.customers.sum(),
        (cal.observed * cal.customers).sum() / cal.customers.sum(),
    )


def test_stratified_cox_matches_lifelines():
    rossi = load_rossi()
    covs = ["fin", "age", "race", "mar", "paro", "prio"]
    res = cox(rossi, duration_col="week", event_col="arrest", covariates=covs, strata_col="wexp")
    ref = CoxPHFitter().fit(rossi, "week", "arrest", strata=["wexp"])
    assert np.allclose(res.table["coef"], ref.params_[covs], atol=1e-6)
    assert np.allclose(res.table["se"], ref.standard_errors_[covs], rtol=1e-4)


def test_missing_groups_are_reported():
    df = pd.DataFrame(
        {
            "days": [5, 8, 12, 20, 30, 31],
            "churned": [1, 1, 0, 1, 1, 0],
            "plan": ["a", "a", None, "b", "b", "b"],
        }
    )
    res = survival(df, duration_col="days", event_col="churned", group_col="plan")
    assert res.medians["n"].sum() == 5
    assert any("missing 'plan'" in w for w in res.warnings)


def test_plot_legend_names_the_group_column_for_flags_and_numbers():
    df = pd.DataFrame(
        {
            "days": [5, 8, 12, 20, 30, 31, 7, 9],
            "churned": [1, 1, 0, 1, 1, 0, 1, 0],
            "dispute_escalation": [True, False] * 4,
            "plan_tier": [1, 2] * 4,
            "persona": ["saver", "pro"] * 4,
        }
    )
    before = df.copy()

    def legend(group_col):
        res = survival(df, duration_col="days", event_col="churned", group_col=group_col)
        fig = res.plot()
        return res, [tr.name for tr in fig.data if tr.showlegend is not False]

    res, names = legend("dispute_escalation")
    assert names == ["dispute_escalation: no", "dispute_escalation: yes"]
    assert res.group_col == "dispute_escalation"
    assert list(res.table["group"].unique()) == ["False", "True"]  # the data keep their values
    assert legend("plan_tier")[1] == ["plan_tier = 1", "plan_tier = 2"]
    assert legend("persona")[1] == ["pro", "saver"]  # text labels already say what they are
    # a flag column holding missing values is still read as a flag
    with_missing = df.astype({"dispute_escalation": object})
    with_missing.loc[0, "dispute_escalation"] = None
    res = survival(
        with_missing, duration_col="days", event_col="churned", group_col="dispute_escalation"
    )
    assert [tr.name for tr in res.plot().data if tr.showlegend is not False][1].endswith("yes")
    assert survival(df, duration_col="days", event_col="churned").plot().data[-1].name == "all"
    pd.testing.assert_frame_equal(df, before)


def test_counts_based_km_and_logrank_equal_statsmodels():
    """Reference: statsmodels SurvfuncRight / survdiff group by group (independent code)."""
    from statsmodels.duration.survfunc import SurvfuncRight, survdiff

    rng = np.random.default_rng(7)
    n = 3000
    df = pd.DataFrame(
        {
            "days": rng.integers(0, 60, n).astype(float),
            "churned": rng.random(n) < 0.4,
            "plan": rng.choice(["basic", "plus", "pro", "max"], n),
        }
    )
    df.loc[df.plan == "max", "churned"] = False  # a group without events
    df.loc[df.index[:5], ["days", "churned", "plan"]] = [999.0, True, "solo"]  # all die at once
    res = survival(df, duration_col="days", event_col="churned", group_col="plan")
    for plan, part in df.groupby("plan"):
        if not part.churned.any():
            continue  # checked below: one row, S(0) = 1
        sf = SurvfuncRight(part.days.to_numpy(), part.churned.to_numpy(float))
        ours = res.table[res.table.group == plan]
        assert np.allclose(ours.time, sf.surv_times, rtol=0, atol=1e-12)
        assert np.allclose(ours.survival, sf.surv_prob, rtol=0, atol=1e-12)
        assert np.allclose(ours.se, sf.surv_prob_se, rtol=0, atol=1e-12, equal_nan=True)
        assert (ours.n_at_risk.to_numpy() == sf.n_risk).all()
        med = res.medians.loc[plan]
        assert med["n"] == len(part)
        if (sf.surv_prob < 0.5).any():
            assert med["median"] == pytest.approx(sf.quantile(0.5))
            low, high = sf.quantile_ci(0.5, method="cloglog")
            assert med["median_ci_low"] == pytest.approx(low, nan_ok=True)
            assert med["median_ci_high"] == pytest.approx(high, nan_ok=True)
    chisq, _ = survdiff(df.days.to_numpy(), df.churned.to_numpy(float), df.plan.to_numpy())
    assert res.logrank["statistic"] == pytest.approx(chisq, rel=1e-9)
    assert any(w.startswith("group 'max' has no events") for w in res.warnings)
    flat = res.table[res.table.group == "max"]
    assert flat[["time", "survival", "n_at_risk"]].values.tolist() == [
        [0.0, 1.0, (df.plan == "max").sum()]
    ]


def _tied_survival_table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "calls": rng.poisson(1.0, n),
            "age": rng.normal(45, 12, n),
            "app": rng.integers(0, 2, n),
            "spend": rng.gamma(2.0, 30.0, n),
        }
    )
    rate = 0.01 * np.exp(0.3 * df.calls - 0.01 * (df.age - 45) - 0.4 * df.app)
    life = rng.exponential(1 / rate)
    follow = rng.uniform(20, 200, n)
    df["days"] = np.ceil(np.minimum(life, follow))  # whole days: many tied times
    df["churned"] = life <= follow
    return df


def test_cox_newton_equals_lifelines_and_statsmodels_to_1e6_under_heavy_ties():
    """References: lifelines CoxPHFitter (Efron) and statsmodels PHReg (Breslow)."""
    from statsmodels.duration.hazard_regression import PHReg

    df = _tied_survival_table(3000, 11)
    covs = ["calls", "age", "app", "spend"]
    ours = cox(df, duration_col="days", event_col="churned", covariates=covs)
    ref = CoxPHFitter().fit(df[[*covs, "days", "churned"]], "days", "churned")
    assert np.allclose(ours.table["coef"], ref.params_[covs], rtol=0, atol=1e-6)
    assert np.allclose(ours.table["se"], ref.standard_errors_[covs], rtol=1e-6)
    assert ours.log_likelihood == pytest.approx(ref.log_likelihood_, abs=1e-6)
    risk = df[covs].to_numpy(float) @ ours.table["coef"].to_numpy()
    assert ours.concordance == pytest.approx(lifelines_cindex(df.days, -risk, df.churned), abs=1e-9)
    assert ours.concordance == pytest.approx(ref.concordance_index_, abs=1e-5)
    breslow = cox(df, duration_col="days", event_col="churned", covariates=covs, ties="breslow")
    sm = PHReg(df.days, df[covs].to_numpy(float), status=df.churned, ties="breslow").fit()
    assert np.allclose(breslow.table["coef"], sm.params, rtol=0, atol=1e-6)
    assert np.allclose(breslow.table["se"], sm.bse, rtol=1e-6)
    assert breslow.log_likelihood == pytest.approx(sm.llf, abs=1e-6)
