"""simulate(): data contracts, determinism, effects overrides and argument errors."""

from __future__ import annotations

import copy
import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest
from datasets_reference import reference_onsets

from cjlib.datasets import SimulatedData, simulate
from cjlib.datasets._scenario import SignalRule
from cjlib.datasets._signals import signal_onsets
from cjlib.errors import DataError


@pytest.fixture(scope="module")
def small(shop_map):
    return simulate(shop_map, 400, seed=5)


def test_tables_follow_the_data_contracts(telco_sim):
    data = telco_sim
    assert isinstance(data, SimulatedData)
    ev, cu, su, tx = data.events, data.customers, data.surveys, data.transactions
    assert list(ev.columns) == [
        "customer_id",
        "timestamp",
        "event",
        "channel",
        "session_id",
        "value",
    ]
    assert ev["timestamp"].dtype == "datetime64[ns]" and ev["value"].dtype == float
    assert ev.groupby("customer_id")["timestamp"].is_monotonic_increasing.all()
    assert cu["customer_id"].is_unique and len(cu) == 5000
    assert set(cu["persona"]) == {"young_pro", "family"}
    assert set(zip(cu["persona"], cu["segment"], strict=True)) == {
        ("young_pro", "consumer_young"),
        ("family", "consumer_family"),
    }
    # churn bookkeeping
    churned = cu[cu["churned"]]
    assert churned["churn_date"].notna().all() and cu.loc[~cu["churned"], "churn_date"].isna().all()
    assert (churned["end_date"] == churned["churn_date"]).all()
    tenure = (cu["end_date"] - cu["start_date"]).dt.total_seconds() / 86400
    np.testing.assert_allclose(cu["tenure_days"], tenure, atol=1 / 86400)
    # no customer event, survey or purchase after the end date
    for table in (ev, su, tx):
        merged = table.merge(cu[["customer_id", "end_date"]], on="customer_id")
        assert (merged["timestamp"] <= merged["end_date"]).all()
    # each churned customer has exactly one cancellation event, at the churn date
    cancel = ev[ev["event"] == "contract_cancelled"].set_index("customer_id")["timestamp"]
    assert cancel.index.is_unique
    pd.testing.assert_series_equal(
        cancel.sort_index(),
        churned.set_index("customer_id")["churn_date"].sort_index(),
        check_names=False,
    )
    # every customer starts with the conversion event, valued at the initial purchase
    first = ev[ev["customer_id"].str.startswith("C") & (ev["event"] == "contract_signed")]
    assert first["customer_id"].is_unique and len(first) == len(cu)
    initial = tx.groupby("customer_id").head(1).set_index("customer_id")["amount"]
    np.testing.assert_allclose(first.set_index("customer_id")["value"].loc[initial.index], initial)
    # values only on purchases, bills and conversions
    valued = set(ev.loc[ev["value"].notna(), "event"])
    assert valued == {"contract_signed", "addon_purchase", "bill_issued"}
    # surveys
    assert set(su["kind"]) == {"csat", "nps"}
    assert su.loc[su["kind"] == "csat", "score"].between(1, 5).all()
    assert su.loc[su["kind"] == "nps", "score"].between(0, 10).all()
    assert su["comment"].map(lambda c: c is None or isinstance(c, str)).all()
    # revenue: fees for every started month plus all purchases
    months = np.floor(cu["tenure_days"] / 30.4375) + 1
    spend = tx.groupby("customer_id")["amount"].sum().reindex(cu["customer_id"]).to_numpy()
    np.testing.assert_allclose(cu["revenue"], cu["monthly_fee"] * months + spend, atol=0.01)
    # the truth is plain JSON data
    json.dumps(data.truth)


def test_library_signal_onsets_match_the_independent_reference(telco_sim):
    ev = telco_sim.events[telco_sim.events["customer_id"].str.startswith("C")]
    customers = telco_sim.customers["customer_id"]
    position = pd.Series(np.arange(len(customers)), index=customers)
    for info in telco_sim.truth["hazard"]["signals"].values():
        rule = SignalRule(
            name="x",
            kind=info["kind"],
            trigger=tuple(info["trigger"]),
            follow=tuple(info["follow"]),
            min_count=info["min_count"],
            window_days=info["window_days"] or math.inf,
        )
        seconds = ev["timestamp"].to_numpy().astype("datetime64[s]").astype(np.int64)
        got = signal_onsets(
            position[ev["customer_id"]].to_numpy(),
            seconds,
            ev["event"].to_numpy(),
            rule,
            len(customers),
        )
        ref = reference_onsets(ev, info)
        expected = np.full(len(customers), np.inf)
        expected[position[ref.index].to_numpy()] = (
            ref.to_numpy().astype("datetime64[s]").astype(np.int64)
        )
        np.testing.assert_array_equal(got, expected)
        assert np.isfinite(got).sum() > 100


def test_same_seed_gives_identical_tables_and_another_seed_does_not(shop_map, small):
    again = simulate(shop_map, 400, seed=5)
    for table in ("customers", "events", "surveys", "transactions"):
        pd.testing.assert_frame_equal(getattr(small, table), getattr(again, table))
    assert small.truth == again.truth
    other = simulate(shop_map, 400, seed=6)
    assert not other.events["timestamp"].equals(small.events["timestamp"])
    # the planted parameters do not depend on the seed
    assert other.truth["transitions"] == small.truth["transitions"]
    assert other.truth["true_emotion"] == small.truth["true_emotion"]


def test_effects_override_and_null_study(telco_map):
    effects = {"hazard_ratios": {"dispute_escalation": 3.0, "plan[premium]": 0.4}}
    before = copy.deepcopy(effects)
    data = simulate(telco_map, 300, seed=2, effects=effects)
    assert effects == before  # the caller's mapping is not changed
    signals = data.truth["hazard"]["signals"]
    assert signals["dispute_escalation"]["hazard_ratio"] == 3.0
    assert signals["dispute_escalation"]["log_hazard_ratio"] == pytest.approx(math.log(3.0))
    assert data.truth["hazard"]["covariates"]["plan[premium]"]["hazard_ratio"] == 0.4
    null = simulate(telco_map, 300, seed=2, effects="null")
    hrs = [v["hazard_ratio"] for v in null.truth["hazard"]["signals"].values()]
    hrs += [v["hazard_ratio"] for v in null.truth["hazard"]["covariates"].values()]
    assert hrs and all(hr == 1.0 for hr in hrs)
    multipliers = null.truth["confounding"]["transition_multipliers"]["basic"]
    assert all(m["multiplier"] == 1.0 for m in multipliers)
    # without confounding the basic plan no longer changes the transition probabilities
    mats = null.truth["transitions"]["matrices"]["family"]
    assert mats["basic"] == mats["premium"]


def test_null_effects_are_not_recovered_as_effects(telco_map):
    from datasets_reference import counting_process
    from statsmodels.duration.hazard_regression import PHReg

    data = simulate(telco_map, 5000, seed=21, effects="null")
    episodes, columns = counting_process(data)
    fit = PHReg(
        episodes["exit"].to_numpy(),
        episodes[columns].to_numpy(),
        status=episodes["status"].to_numpy(),
        entry=episodes["entry"].to_numpy(),
    ).fit()
    z = np.abs(fit.params / fit.bse)
    assert z.max() < 3.5


def test_bgnbd_and_gamma_gamma_overrides(shop_map):
    data = simulate(
        shop_map, 2000, seed=4, effects={"bgnbd": {"r": 2.0}, "gamma_gamma": {"gamma": 80.0}}
    )
    assert data.truth["bgnbd"]["r"] == 2.0 and data.truth["bgnbd"]["alpha"] == 70.0
    base = simulate(shop_map, 2000, seed=4)
    # more purchases and higher amounts than with the default parameters
    assert len(data.transactions) > 1.3 * len(base.transactions)
    assert data.transactions["amount"].mean() > 1.5 * base.transactions["amount"].mean()


def test_any_valid_map_gets_a_generic_scenario(telco_map):
    other = dataclasses.replace(telco_map, id="acme")
    data = simulate(other, 500, seed=3)
    names = set(data.truth["hazard"]["signals"])
    assert any(n.startswith("repeat_") for n in names)
    assert data.truth["transitions"]["conversion_touchpoint"] == "contract"
    assert 0 < data.customers["churned"].mean() < 0.6
    # every event is a touchpoint event or a declared off-map event
    import fnmatch

    patterns = [p for tp in other.touchpoints for p in tp.events]
    stray = {
        e
        for e in data.events["event"].unique()
        if not any(fnmatch.fnmatchcase(e, p) for p in patterns)
    }
    assert stray <= set(data.truth["off_map_events"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_customers": 0}, r"n_customers: got 0; expected a positive integer"),
        ({"n_customers": 2.5}, r"n_customers: got 2.5"),
        ({"n_customers": "10"}, r"n_customers: got '10'"),
        ({"seed": -1}, r"seed: got -1; expected a non-negative integer"),
        ({"seed": None}, r"seed: got None"),
        ({"start": "2025-01-01", "end": "2024-01-01"}, r"end: got '2024-01-01'.*at least 30 days"),
        ({"start": "not a date"}, r"start: got 'not a date'; expected a date"),
        ({"effects": "none"}, r"effects: got 'none'; allowed: a mapping, None or 'null'"),
        ({"effects": {"hazard": {}}}, r"effects: unknown key\(s\) \['hazard'\]; allowed"),
        (
            {"effects": {"hazard_ratios": {"dispute": 2.0}}},
            r"unknown name 'dispute'; allowed: \['coverage_problem', 'dispute_escalation'",
        ),
        (
            {"effects": {"hazard_ratios": {"dispute_escalation": -1}}},
            r"\['dispute_escalation'\]: got -1; expected a number > 0",
        ),
        (
            {"effects": {"bgnbd": {"beta": 1.0}}},
            r"effects\['bgnbd'\]: expected a mapping with keys",
        ),
    ],
)
def test_bad_arguments_raise_clear_errors(telco_map, kwargs, message):
    args = {"n_customers": 10, "seed": 1, **kwargs}
    n = args.pop("n_customers")
    with pytest.raises(DataError, match=message):
        simulate(telco_map, n, **args)


def test_a_non_map_is_rejected():
    with pytest.raises(DataError, match=r"journey_map: expected a cjlib JourneyMap.*got dict"):
        simulate({"id": "telco"}, 10, seed=1)


def test_summary_reports_counts_and_planted_effects(small):
    text = small.summary()
    churn = f"churned {small.customers['churned'].mean():.1%}"
    assert churn in text
    assert f"{len(small.customers):,} customers" in text
    assert "delivery_escalation                2.20" in text
    assert "plan[plus]                         0.60" in text
    html = small._repr_html_()
    assert html.startswith("<pre>") and "delivery_escalation" in html
    assert repr(small) == (
        f"SimulatedData(customers=400, events={len(small.events):,}, "
        f"surveys={len(small.surveys):,}, transactions={len(small.transactions):,})"
    )
