"""CLV models against the published CDNOW results and the models' own generative process."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cjlib.errors import DataError, NotFittedError
from cjlib.stats import BetaGeoModel, GammaGammaModel, holdout_validation, rfm_summary

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def cdnow_summary():
    return pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv").set_index("ID")


@pytest.fixture(scope="module")
def cdnow_transactions():
    raw = pd.read_csv(
        DATA / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
    )
    raw["timestamp"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    return raw


def test_bgnbd_reproduces_fader_hardie_lee_2005(cdnow_summary):
    # Fader, Hardie & Lee (2005) Marketing Science 24(2), p. 280, CDNOW 2,357 customers,
    # 39-week calibration: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4
    model = BetaGeoModel().fit(cdnow_summary, frequency_col="x", recency_col="t_x")
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert model.params_[name] == pytest.approx(value, abs=5e-4)
    assert model.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert model.converged_ and model.n_customers_ == 2357
    assert model.n_groups_ < 2357  # identical (x, t_x, T) rows were grouped
    assert set(model.table.columns) == {"estimate", "se", "ci_low", "ci_high"}
    assert all(se > 0 for se in model.standard_errors_.values())


def test_gamma_gamma_reproduces_fader_hardie_2013(cdnow_summary):
    # Fader & Hardie (2013) "The Gamma-Gamma Model of Monetary Value", 946 CDNOW repeat
    # buyers: p = 6.25, q = 3.74, gamma = 15.44 (the LL is flat along the ridge: our MLE
    # has a higher LL than the rounded published point, -4055.923 vs -4055.925)
    gg = GammaGammaModel().fit(cdnow_summary, frequency_col="x", monetary_col="zbar")
    assert gg.n_customers_ == 946
    assert gg.params_["p"] == pytest.approx(6.25, abs=0.005)
    assert gg.params_["q"] == pytest.approx(3.74, abs=0.006)
    assert gg.params_["gamma"] == pytest.approx(15.44, abs=0.01)
    from cjlib.stats._gammagamma import _log_likelihood

    repeat = cdnow_summary[cdnow_summary.x > 0]
    at_published = _log_likelihood(
        np.array([6.25, 3.74, 15.44]), repeat.x.to_numpy(float), repeat.zbar.to_numpy()
    ).sum()
    assert gg.log_likelihood_ >= at_published
    # Fader & Hardie (2013): a customer with x = 2, zbar = 22.35 -> E(M) weighted mean
    p, q, g = (gg.params_[k] for k in ("p", "q", "gamma"))
    expected = (g + 2 * 22.35) * p / (2 * p + q - 1)
    assert gg.expected_spend(frequency=2, monetary_value=22.35) == pytest.approx(expected)
    assert gg.expected_spend(frequency=0, monetary_value=0) == pytest.approx(p * g / (q - 1))


def test_rfm_summary_reproduces_hardie_cdnow_summary(cdnow_transactions, cdnow_summary):
    before = cdnow_transactions.copy()
    s = rfm_summary(cdnow_transactions, calibration_end="1997-09-30", observation_end="1998-06-30")
    pd.testing.assert_frame_equal(cdnow_transactions, before)
    ref = cdnow_summary
    assert len(s) == 2357
    assert (s.frequency == ref.x.reindex(s.index)).all()
    assert np.allclose(s.recency, ref.t_x.reindex(s.index), atol=0.005)
    assert np.allclose(s["T"], ref["T"].reindex(s.index), atol=0.005)
    assert np.allclose(s.monetary_value, ref.zbar.reindex(s.index), atol=0.006)
    assert (s.duration_holdout == 39).all()


def test_rfm_summary_errors():
    tx = pd.DataFrame({"customer_id": ["a"], "timestamp": ["not a date"], "amount": [1.0]})
    with pytest.raises(DataError, match="timestamp"):
        rfm_summary(tx)
    with pytest.raises(DataError, match="freq"):
        rfm_summary(tx.assign(timestamp="2024-01-01"), freq="fortnight")
    with pytest.raises(DataError, match="observation_end"):
        rfm_summary(
            tx.assign(timestamp="2024-01-01"),
            calibration_end="2024-02-01",
            observation_end="2024-01-15",
        )


def _simulate_bgnbd(n, r, alpha, a, b, T, horizon, seed):
    """Draw customers from the BG/NBD generative process (Fader, Hardie & Lee 2005)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    now = np.zeros(n)
    alive = np.ones(n, bool)
    x = np.zeros(n)
    t_x = np.zeros(n)
    future = np.zeros(n)
    active = np.ones(n, bool)  # still generating events before T + horizon
    while active.any():
        now[active] += rng.exponential(1 / lam[active])
        active &= alive & (now <= T + horizon)
        in_cal = active & (now <= T)
        x[in_cal] += 1
        t_x[in_cal] = now[in_cal]
        future[active & (now > T)] += 1
        dies = active & (rng.random(n) < p)
        alive[dies] = False
        active &= alive
    return pd.DataFrame(
        {
            "frequency": x,
            "recency": t_x,
            "T": float(T),
            "future": future,
            "alive_at_T": alive | (now > T),
        }
    )


def test_bgnbd_conditional_expectations_match_the_generative_process():
    params = {"r": 0.25, "alpha": 4.4, "a": 0.8, "b": 2.4}
    sim = _simulate_bgnbd(60_000, *params.values(), T=39, horizon=39, seed=1)
    model = BetaGeoModel()
    model.params_ = dict(params)  # evaluate the formulas at the true parameters
    pred = model.expected_purchases(39, frequency=sim.frequency, recency=sim.recency, T=sim["T"])
    se = sim.future.std() / np.sqrt(len(sim))
    # law of total expectation: mean conditional prediction = mean future purchases
    assert pred.mean() == pytest.approx(sim.future.mean(), abs=4 * se)
    p_alive = model.probability_alive(frequency=sim.frequency, recency=sim.recency, T=sim["T"])
    truly_alive = sim.alive_at_T.mean()
    assert p_alive.mean() == pytest.approx(truly_alive, abs=4 * np.sqrt(0.25 / len(sim)))
    # unconditional E[X(t)] against simulated calibration purchases
    assert model.expected_purchases(39) == pytest.approx(
        sim.frequency.mean(), abs=4 * sim.frequency.std() / np.sqrt(len(sim))
    )


def test_bgnbd_fit_recovers_simulated_parameters_within_ses():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 3.0}
    sim = _simulate_bgnbd(20_000, *truth.values(), T=52, horizon=0, seed=7)
    sim["recency"] = np.ceil(sim.recency * 7) / 7  # whole days, as rfm_summary gives
    model = BetaGeoModel().fit(sim)
    assert model.n_groups_ < 10_000
    for name, value in truth.items():
        assert abs(model.params_[name] - value) < 3.5 * model.standard_errors_[name]


def test_model_contract_and_errors(cdnow_summary):
    model = BetaGeoModel()
    with pytest.raises(NotFittedError):
        model.probability_alive(frequency=1, recency=1, T=2)
    assert "not fitted" in model._repr_html_()
    with pytest.raises(DataError, match="recency"):
        BetaGeoModel().fit(
            pd.DataFrame({"frequency": [1.0] * 20, "recency": [5.0] * 20, "T": [3.0] * 20})
        )
    with pytest.raises(DataError, match="T_col"):
        BetaGeoModel().fit(cdnow_summary, frequency_col="x", recency_col="t_x", T_col="nope")
    fitted = BetaGeoModel().fit(cdnow_summary, frequency_col="x", recency_col="t_x")
    assert fitted.probability_alive(frequency=0, recency=0, T=30) == 1.0
    arr = fitted.expected_purchases(10, frequency=[0, 2], recency=[0, 30.43], T=[38.86, 38.86])
    assert arr.shape == (2,) and (arr > 0).all()
    with pytest.raises(DataError, match="all of"):
        fitted.expected_purchases(10, frequency=1)
    assert "BG/NBD" in fitted.summary()
    assert fitted.to_dict()["table"][0]["parameter"] == "r"


def test_clv_discounting_and_margin(cdnow_summary):
    bg = BetaGeoModel().fit(cdnow_summary, frequency_col="x", recency_col="t_x")
    gg = GammaGammaModel().fit(cdnow_summary, frequency_col="x", monetary_col="zbar")
    kwargs = {"frequency": 2, "recency": 30.43, "T": 38.86, "monetary_value": 22.35}
    undiscounted = gg.clv(bg, horizon=52, **kwargs)
    spend = gg.expected_spend(frequency=2, monetary_value=22.35)
    purchases = bg.expected_purchases(52, frequency=2, recency=30.43, T=38.86)
    assert undiscounted == pytest.approx(spend * purchases)  # telescoping sum
    manual = (
        sum(
            (
                bg.expected_purchases(k, frequency=2, recency=30.43, T=38.86)
                - bg.expected_purchases(k - 1, frequency=2, recency=30.43, T=38.86)
            )
            / 1.01**k
            for k in range(1, 53)
        )
        * spend
        * 0.3
    )
    assert gg.clv(bg, horizon=52, discount_rate=0.01, margin=0.3, **kwargs) == pytest.approx(manual)
    with pytest.raises(DataError, match="step"):
        gg.clv(bg, horizon=5, step=10, **kwargs)


def test_holdout_validation_on_cdnow(cdnow_transactions):
    s = rfm_summary(cdnow_transactions, calibration_end="1997-09-30", observation_end="1998-06-30")
    model = BetaGeoModel().fit(s)
    res = holdout_validation(model, s)
    t = res.table
    assert list(t.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert t.customers.sum() == 2357
    assert t.actual.is_monotonic_increasing and t.predicted.is_monotonic_increasing
    assert res.info["predicted_total"] == pytest.approx(res.info["actual_total"], rel=0.2)
    fig = res.plot()
    assert [tr.name for tr in fig.data] == ["actual", "predicted"]


def test_rfm_summary_handles_timezones_and_same_day_purchases():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b"],
            "timestamp": pd.to_datetime(
                ["2024-01-01 09:00", "2024-01-01 18:00", "2024-01-08 10:00", "2024-01-03 12:00"]
            ).tz_localize("UTC"),
            "amount": [10.0, 5.0, 20.0, 7.0],
        }
    )
    s = rfm_summary(tx, freq="D", calibration_end="2024-01-10")
    assert s.loc["a"].tolist() == [1.0, 7.0, 9.0, 20.0]  # two orders on day one = one purchase
    assert s.loc["b"].tolist() == [0.0, 0.0, 7.0, 0.0]


def test_bgnbd_analytic_gradient_matches_finite_differences(cdnow_summary):
    from scipy import optimize

    from cjlib.stats._bgnbd import _log_likelihood, _log_likelihood_gradient

    x = cdnow_summary.x.to_numpy(float)
    t_x, big_t = cdnow_summary.t_x.to_numpy(), cdnow_summary["T"].to_numpy()
    for params in ([0.3, 5.0, 0.9, 2.0], [1.5, 20.0, 0.2, 8.0]):
        params = np.array(params)
        numeric = optimize.approx_fprime(
            params, lambda p: _log_likelihood(p, x, t_x, big_t).sum(), 1e-7
        )
        analytic = _log_likelihood_gradient(params, x, t_x, big_t).sum(axis=0)
        assert np.allclose(analytic, numeric, rtol=1e-4, atol=1e-3)


def test_gamma_gamma_analytic_gradient_matches_finite_differences(cdnow_summary):
    from scipy import optimize

    from cjlib.stats._gammagamma import _log_likelihood, _log_likelihood_gradient

    repeat = cdnow_summary[cdnow_summary.x > 0]
    x, m = repeat.x.to_numpy(float), repeat.zbar.to_numpy()
    params = np.array([4.0, 3.0, 12.0])
    numeric = optimize.approx_fprime(params, lambda p: _log_likelihood(p, x, m).sum(), 1e-7)
    analytic = _log_likelihood_gradient(params, x, m).sum(axis=0)
    assert np.allclose(analytic, numeric, rtol=1e-4, atol=1e-3)


def _assert_log_scale_intervals(table: pd.DataFrame) -> None:
    # every parameter is positive: the interval must be too, and must contain the estimate
    assert (table.ci_low > 0).all()
    assert (table.ci_low < table.estimate).all() and (table.estimate < table.ci_high).all()
    # Wald on log(parameter), delta method se_log = se / estimate, back-transformed
    half_width = 1.959964 * table.se / table.estimate
    assert np.allclose(np.log(table.ci_high / table.estimate), half_width, rtol=1e-5)
    assert np.allclose(np.log(table.estimate / table.ci_low), half_width, rtol=1e-5)


def test_clv_intervals_stay_positive_for_poorly_determined_fits(cdnow_summary):
    small = cdnow_summary.sample(50, random_state=3)
    bg = BetaGeoModel().fit(small, frequency_col="x", recency_col="t_x")
    gg = GammaGammaModel().fit(
        cdnow_summary.sample(80, random_state=3), frequency_col="x", monetary_col="zbar"
    )
    for model in (bg, gg):
        table = model.table
        # the fits are poorly determined: a natural-scale Wald interval would go below zero
        assert (table.estimate - 1.96 * table.se < 0).any()
        _assert_log_scale_intervals(table)
        assert "log scale" in type(model).table.__doc__


def test_clv_intervals_match_wald_where_the_se_is_small(cdnow_summary):
    bg = BetaGeoModel().fit(cdnow_summary, frequency_col="x", recency_col="t_x")
    gg = GammaGammaModel().fit(cdnow_summary, frequency_col="x", monetary_col="zbar")
    for model in (bg, gg):
        table = model.table
        _assert_log_scale_intervals(table)
        precise = table[table.se / table.estimate < 0.1]  # r, alpha (BG/NBD); q (Gamma-Gamma)
        assert len(precise) >= 1
        # endpoints differ from the Wald ones by about z^2 se^2 / (2 estimate) << se
        wald_low = precise.estimate - 1.96 * precise.se
        wald_high = precise.estimate + 1.96 * precise.se
        assert ((precise.ci_low - wald_low).abs() < 0.2 * precise.se).all()
        assert ((precise.ci_high - wald_high).abs() < 0.2 * precise.se).all()
