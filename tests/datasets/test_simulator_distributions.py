"""The simulated data look like what the truth claims (planted effects are recoverable)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from datasets_reference import counting_process, reference_onsets
from scipy.special import hyp2f1
from scipy.stats import norm
from statsmodels.duration.hazard_regression import PHReg

from cjlib.datasets._walk import HOUR_WEIGHTS


def _chain_transitions(data) -> pd.DataFrame:
    """Observed touchpoint-to-touchpoint moves of customers after their conversion."""
    truth = data.truth["transitions"]
    event_to_state = {ev: st for st, evs in truth["emission"].items() for ev in evs}
    ev = data.events[data.events["customer_id"].str.startswith("C")]
    ev = ev[ev["event"].isin(event_to_state)].copy()
    ev["state"] = ev["event"].map(event_to_state)
    conversion = truth["conversion_touchpoint"]
    converted_at = ev[ev["state"] == conversion].groupby("customer_id")["timestamp"].min()
    ev = ev[ev["timestamp"] >= ev["customer_id"].map(converted_at)]
    ev["to"] = ev.groupby("customer_id")["state"].shift(-1)
    ev = ev.dropna(subset=["to"])
    customers = data.customers.set_index("customer_id")
    ev["persona"] = ev["customer_id"].map(customers["persona"])
    ev["plan"] = ev["customer_id"].map(customers["plan"])
    return ev.rename(columns={"state": "from"})[["persona", "plan", "from", "to"]]


@pytest.mark.parametrize("name", ["telco_sim", "shop_sample"])
def test_empirical_transition_matrix_matches_the_planted_one(name, request):
    data = request.getfixturevalue(name)
    moves = _chain_transitions(data)
    states = data.truth["transitions"]["states"]
    index = {s: i for i, s in enumerate(states)}
    compared = 0
    for (persona, plan, origin), group in moves.groupby(["persona", "plan", "from"]):
        if len(group) < 400:
            continue
        planted = np.array(data.truth["transitions"]["matrices"][persona][plan])[index[origin]]
        # EXIT is not observable in events: compare the distribution given a next event
        expected = planted[:-1] / planted[:-1].sum()
        observed = group["to"].value_counts(normalize=True).reindex(states[:-1], fill_value=0)
        se = np.sqrt(expected * (1 - expected) / len(group))
        assert np.all(np.abs(observed.to_numpy() - expected) <= 4.5 * se + 0.01), (
            persona,
            plan,
            origin,
        )
        compared += 1
    assert compared >= 10


@pytest.mark.parametrize("name", ["telco_sample", "shop_sample", "telco_sim"])
def test_churn_share_is_plausible_and_ordered_by_plan(name, request):
    customers = request.getfixturevalue(name).customers
    assert 0.10 <= customers["churned"].mean() <= 0.30
    by_plan = customers.groupby("plan")["churned"].mean()
    levels = request.getfixturevalue(name).truth["plans"]["levels"]
    # the planted plan hazard ratios are < 1 and decreasing with the tier
    assert list(by_plan.reindex(levels)) == sorted(by_plan, reverse=True)


def _expected_csat(emotion: float, sd: float) -> float:
    """E[clip(round(3 + e + N(0, sd)), 1, 5)] computed from the normal CDF."""
    cuts = np.array([1.5, 2.5, 3.5, 4.5]) - 3.0 - emotion
    cdf = norm.cdf(cuts / sd)
    probs = np.diff(np.concatenate([[0.0], cdf, [1.0]]))
    return float(probs @ np.arange(1, 6))


@pytest.mark.parametrize("name", ["telco_sample", "shop_sample"])
def test_csat_means_track_the_planted_true_emotion(name, request):
    data = request.getfixturevalue(name)
    csat = data.surveys[data.surveys["kind"] == "csat"]
    csat = csat.merge(data.customers[["customer_id", "persona"]], on="customer_id")
    cells = csat.groupby(["touchpoint", "persona"])["score"].agg(["mean", "std", "size"])
    cells = cells[cells["size"] >= 30]
    assert len(cells) >= 8
    sd = 0.75  # the planted CSAT noise; truth["surveys"]["csat"] states it
    assert str(sd) in data.truth["surveys"]["csat"]
    emotion = [data.truth["true_emotion"][tp][p] for tp, p in cells.index]
    expected = np.array([_expected_csat(e, sd) for e in emotion])
    assert np.corrcoef(cells["mean"], emotion)[0, 1] > 0.95
    se = cells["std"] / np.sqrt(cells["size"])
    assert np.all(np.abs(cells["mean"] - expected) <= 4 * se + 0.02)


def test_nps_is_lower_after_an_escalation(telco_sample):
    data = telco_sample
    nps = data.surveys[data.surveys["kind"] == "nps"]
    info = data.truth["hazard"]["signals"]["dispute_escalation"]
    onset = reference_onsets(data.events, info)
    after = nps["timestamp"] > nps["customer_id"].map(onset).fillna(pd.Timestamp.max)
    diff = nps.loc[~after, "score"].mean() - nps.loc[after, "score"].mean()
    assert data.truth["surveys"]["nps_signal_shift"]["dispute_escalation"] == -2.0
    assert after.sum() >= 30
    assert 1.0 < diff < 3.5  # planted shift of 2 points, softened by clipping at 0 and 10


def _bgnbd_expected_purchases(t, r, alpha, a, b):
    """E[X(t)] of the BG/NBD model, Fader, Hardie & Lee (2005), Marketing Science 24(2), eq. 9."""
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


@pytest.mark.parametrize(
    ("t", "r", "alpha", "a", "b"),
    [
        (39.0, 0.243, 4.414, 0.793, 2.426),
        (200.0, 0.6, 90.0, 0.8, 4.0),
        (300.0, 0.9, 70.0, 1.9, 3.5),
    ],
)
def test_bgnbd_closed_form_agrees_with_numerical_integration(t, r, alpha, a, b):
    # independent route: E[X(t) | lambda, p] = (1 - exp(-lambda p t)) / p (Fader, Hardie & Lee
    # 2005, eq. 8); averaging over lambda ~ Gamma(r, alpha) gives 1 - (alpha / (alpha + p t))^r,
    # then a 1-D integral over p ~ Beta(a, b). First case: their CDNOW fit (weeks).
    from scipy import integrate, stats

    def integrand(p):
        return -np.expm1(r * np.log(alpha / (alpha + p * t))) / p * stats.beta.pdf(p, a, b)

    numeric, _ = integrate.quad(integrand, 0, 1, limit=200)
    assert _bgnbd_expected_purchases(t, r, alpha, a, b) == pytest.approx(numeric, rel=2e-3)


@pytest.mark.parametrize("name", ["telco_sample", "shop_sample"])
def test_repeat_purchases_follow_the_planted_bgnbd_and_gamma_gamma(name, request):
    data = request.getfixturevalue(name)
    bg, gg = data.truth["bgnbd"], data.truth["gamma_gamma"]
    repeat = data.transactions.groupby("customer_id").size() - 1
    repeat = repeat.reindex(data.customers["customer_id"]).to_numpy()
    expected = _bgnbd_expected_purchases(
        data.customers["tenure_days"].to_numpy(), bg["r"], bg["alpha"], bg["a"], bg["b"]
    )
    se = repeat.std() / np.sqrt(len(repeat))
    assert abs(repeat.mean() - expected.mean()) < 4 * se
    # share of customers with no repeat purchase vs the model's P(X(t) = 0) would need the
    # full pmf; the mean amount is the gamma-gamma mean p * gamma / (q - 1)
    amounts = data.transactions["amount"]
    mean_amount = gg["p"] * gg["gamma"] / (gg["q"] - 1)
    assert data.truth["revenue"]["mean_transaction_amount"] == pytest.approx(mean_amount)
    # amounts are heavy-tailed (customer-level nu); allow 4 standard errors of the customer means
    per_customer = data.transactions.groupby("customer_id")["amount"].mean()
    se_amount = per_customer.std() / np.sqrt(len(per_customer))
    assert abs(amounts.mean() - mean_amount) < 6 * se_amount


def _fit_cox(episodes: pd.DataFrame, columns: list[str]):
    return PHReg(
        episodes["exit"].to_numpy(),
        episodes[columns].to_numpy(),
        status=episodes["status"].to_numpy(),
        entry=episodes["entry"].to_numpy(),
        ties="efron",
    ).fit()


@pytest.mark.parametrize("name", ["telco_sample", "shop_sample"])
def test_planted_hazard_ratios_are_recovered_by_a_time_varying_cox_fit(name, request):
    data = request.getfixturevalue(name)
    episodes, columns = counting_process(data)
    fit = _fit_cox(episodes, columns)
    planted = {
        **{k: v["log_hazard_ratio"] for k, v in data.truth["hazard"]["signals"].items()},
        **{k: v["log_hazard_ratio"] for k, v in data.truth["hazard"]["covariates"].items()},
    }
    for column, beta, se in zip(columns, fit.params, fit.bse, strict=True):
        assert abs(beta - planted[column]) < 3.5 * se, (column, beta, planted[column])
        if abs(planted[column]) > 3 * se:
            assert np.sign(beta) == np.sign(planted[column]), column


def test_confounding_by_plan_biases_the_unadjusted_dispute_effect(telco_sample):
    data = telco_sample
    episodes, columns = counting_process(data)
    adjusted = _fit_cox(episodes, columns)
    without_plan = [c for c in columns if not c.startswith("plan[")]
    unadjusted = _fit_cox(episodes, without_plan)
    b_adj = adjusted.params[columns.index("dispute_escalation")]
    b_unadj = unadjusted.params[without_plan.index("dispute_escalation")]
    # basic-plan customers escalate more often and churn more: omitting plan inflates the effect
    assert b_unadj > b_adj
    escalated = reference_onsets(data.events, data.truth["hazard"]["signals"]["dispute_escalation"])
    share = data.customers.assign(esc=data.customers["customer_id"].isin(escalated.index))
    by_plan = share.groupby("plan")["esc"].mean()
    assert by_plan["basic"] > 1.3 * by_plan["premium"]


def test_session_starts_follow_the_hour_and_weekday_pattern(telco_sample):
    data = telco_sample
    truth = data.truth
    chain_events = {ev for evs in truth["transitions"]["emission"].values() for ev in evs}
    first = data.events.groupby("session_id", sort=False).head(1)
    first = first[first["event"].isin(chain_events)]
    hours = first["timestamp"].dt.hour.value_counts(normalize=True).sort_index()
    expected_hours = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()
    assert np.abs(hours.reindex(range(24), fill_value=0).to_numpy() - expected_hours).max() < 0.01
    weekend = (first["timestamp"].dt.dayofweek >= 5).mean()
    postpone = truth["sessions"]["weekend_postpone_probability"]
    assert weekend == pytest.approx(2 / 7 * (1 - postpone), abs=0.015)
    monday = (first["timestamp"].dt.dayofweek == 0).mean()
    assert monday == pytest.approx(1 / 7 + 2 / 7 * postpone, abs=0.015)


def test_journeys_have_loops_skips_dropoff_bursts_and_channel_switches(telco_sample):
    ev = telco_sample.events
    customers = ev[ev["customer_id"].str.startswith("C")]
    prospects = ev[ev["customer_id"].str.startswith("P")]
    # drop-off: prospects never convert
    assert prospects["customer_id"].nunique() > 0.2 * telco_sample.customers.shape[0]
    assert not prospects["event"].eq("contract_signed").any()
    # loops: repeated support calls within one customer
    calls = customers[customers["event"] == "support_call"].groupby("customer_id").size()
    assert (calls >= 2).mean() > 0.3
    # skipped stages: customers who never pass an onboarding touchpoint but use the service
    onboarding = {"sim_delivered", "number_port_complete", "sim_activated", "onboarding_complete"}
    touched = customers.groupby("customer_id")["event"].agg(lambda s: bool(onboarding & set(s)))
    assert 0.02 < (~touched).mean() < 0.5
    # bursts and quiet gaps: short gaps inside sessions, days between sessions
    gaps = customers.groupby("customer_id")["timestamp"].diff().dt.total_seconds().dropna()
    same_session = customers["session_id"].eq(customers["session_id"].shift()).loc[gaps.index]
    assert gaps[same_session].median() < 600
    assert gaps[~same_session].median() > 86400
    # channel switches within a session
    switches = customers.groupby("session_id")["channel"].nunique()
    assert (switches > 1).mean() > 0.05
