"""find_signals on simulated journeys with planted effects (and none), and its contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

import cjlib
from cjlib.datasets import load_map, simulate
from cjlib.errors import DataError
from cjlib.events import flag, repeat_within
from cjlib.stats import FindSignalsResult, find_signals
from cjlib.stats._find_signals_study import STRONG_EFFECTS, find_signals_run

CONTROLS = ["plan", "age", "acquisition_channel", "region"]


@pytest.fixture(scope="module")
def planted():
    data = simulate(load_map("telco"), 3000, seed=1000, effects=STRONG_EFFECTS)
    log = cjlib.EventLog.from_pandas(data.events)
    before = data.customers.copy()
    res = find_signals(
        log,
        data.customers,
        outcome="churned",
        landmark=90,
        controls=CONTROLS,
        direction="lower_is_better",
    )
    pd.testing.assert_frame_equal(data.customers, before)  # the user's table is unchanged
    return data, log, res


def test_planted_signals_are_found_with_the_planted_sign(planted):
    _, _, res = planted
    rep = res.reported()
    # planted: onboarding completed lowers the churn hazard (HR 0.4), a dispute escalation
    # raises it (HR 3.0; found through its trigger event, billing_dispute)
    assert rep.loc["has_onboarding_complete", "effect"] < 0
    dispute = [s for s in rep.index if "billing_dispute" in s]
    assert dispute and (rep.loc[dispute, "effect"] > 0).all()
    assert (rep["q"] <= 0.05).all()
    assert (rep["evalue"] >= rep["evalue_ci"]).all() and (rep["evalue_ci"] > 1).all()


def test_q_values_are_bh_over_every_candidate_tried(planted):
    _, _, res = planted
    t, cands = res.table, res.candidates
    assert res.info["candidates_tried"] == len(cands) > 100
    p = pd.Series(1.0, index=cands.index)
    p[t.index] = t["p_adj"].fillna(t["p"])
    expected = multipletests(p.to_numpy(), method="fdr_bh")[1]  # independent BH
    got = pd.Series(expected, index=cands.index)[t.index]
    np.testing.assert_allclose(t["q"].to_numpy(), got.to_numpy(), rtol=1e-9)


def test_estimates_come_from_the_estimation_half_only(planted):
    _, _, res = planted
    info = res.info
    assert info["n_selection"] + info["n_estimation"] == info["n"]
    row = res.table.iloc[0]
    assert row["n_exposed"] + row["n_unexposed"] <= info["n_estimation"]


def test_near_duplicates_are_grouped(planted):
    _, _, res = planted
    cands = res.candidates
    carried = cands[cands["carried_forward"]]
    assert set(carried.index) == set(res.table.index)
    members = cands[cands["group"].notna() & ~cands["carried_forward"]]
    for name, row in members.iterrows():
        assert name in res.table.loc[row["group"], "near_duplicates"].split(", ")


def test_summary_says_what_was_done(planted):
    text = planted[2].summary()
    for words in (
        "Landmark design",
        "Sample split",
        "Benjamini-Hochberg over all",
        "Controls: plan",
        "E-values",
        "Association, not causation",
    ):
        assert words in text


def test_feeds_moments_that_matter_and_prioritise(planted):
    data, log, res = planted
    jm = load_map("telco")
    mm = cjlib.measure(jm, log, customers=data.customers)
    moments = cjlib.action.moments_that_matter(mm, res, n_boot=400)
    table = moments.table
    onboarding = table[table["signal"] == "has_onboarding_complete"].iloc[0]
    assert onboarding["at_risk"] == "not exposed"  # protective: those who miss it are at risk
    assert onboarding["mapped_by"].startswith("spec")
    backlog = cjlib.action.prioritise(jm, moments)
    assert len(backlog.table) > 0


def test_null_setting_reports_nothing():
    run = find_signals_run(5000, n_customers=2000, effects="null")
    assert run["candidates"] > 100
    assert run["reported"] == 0


def test_own_candidate_list_and_continuous_outcome(planted):
    data, log, _ = planted
    res = find_signals(
        log,
        data.customers,
        outcome="revenue",
        landmark=90,
        direction="higher_is_better",
        candidates=[
            flag("onboarding_complete"),
            repeat_within("support_call", after="billing_dispute", window="14D"),
        ],
    )
    assert res.kind == "continuous"
    assert res.info["direction"] == "higher_is_better"
    assert res.info["candidates_tried"] == 2
    assert isinstance(res, FindSignalsResult)


def test_repeat_candidates_equal_repeat_within(planted):
    from cjlib.events import landmark
    from cjlib.stats._find_signals_candidates import generate_candidates

    data, log, _ = planted
    lm = landmark(log, data.customers, days=90)
    raw = generate_candidates(lm.log).raw
    ref = lm.signals(
        [repeat_within("support_call", after="billing_dispute", window="30D", name="ref")]
    ).set_index("customer_id")["ref"]
    got = raw["rep__support_call__billing_dispute__30D"].reindex(ref.index.astype(str))
    assert (got.fillna(0).astype(bool).to_numpy() == ref.to_numpy()).all()
    assert ref.sum() > 10


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outcome": "nope"}, "nope"),
        ({"outcome": "churned", "candidates": "all"}, "candidates must be 'auto'"),
        ({"outcome": "churned", "direction": "up"}, "direction"),
        ({"outcome": "churned", "landmark": "90"}, "landmark must be"),
        ({"outcome": "churned", "min_share": 0.7}, "min_share"),
    ],
)
def test_bad_input_is_named(planted, kwargs, message):
    data, log, _ = planted
    with pytest.raises(DataError, match=message):
        find_signals(log, data.customers, **kwargs)


def test_result_object_contract(planted):
    import json

    res = planted[2]
    payload = json.loads(json.dumps(res.to_dict()))
    assert payload["info"]["candidates_tried"] == res.info["candidates_tried"]
    assert "Signals found for churned" in res._repr_html_()
    fig = res.plot()
    assert len(fig.data) >= 1
    assert res.table.index.name == "signal"


def test_evalues_of_adjusted_odds_ratios_including_a_separated_fit():
    from cjlib.stats._find_signals import _evalues

    # common outcome: RR = sqrt(OR) (VanderWeele & Ding 2017, Table 2); OR 4 (2.25, 9)
    # -> RR 2 (1.5, 3) -> E = 2 + sqrt(2) = 3.414, CI 1.5 + sqrt(0.75) = 2.366
    row = pd.Series({"or_adj": 4.0, "or_adj_ci_low": 2.25, "or_adj_ci_high": 9.0})
    est, ci = _evalues(row, "binary", True, True, 1.0)
    assert est == pytest.approx(3.4142, abs=1e-4) and ci == pytest.approx(2.3660, abs=1e-4)
    # a separated logistic fit: limits 0 and infinity -> the interval holds 1, E-value 1
    row = pd.Series({"or_adj": 0.2, "or_adj_ci_low": 0.0, "or_adj_ci_high": np.inf})
    est, ci = _evalues(row, "binary", True, False, 1.0)
    assert est == pytest.approx(5 + np.sqrt(20)) and ci == pytest.approx(1.0)


def test_a_candidate_nobody_had_is_unexposed_not_an_error():
    from cjlib.stats._find_signals_candidates import Candidate, CandidateSet

    rows = pd.Index(["x", "y", "z"])
    cset = CandidateSet(
        raw=pd.DataFrame({"n": [1.0, 3.0]}, index=pd.Index(["x", "y"])),
        candidates=[
            Candidate("rep", "repeat", "never happened", "absent", "positive"),
            Candidate("slow", "time", "never happened", "gone", "above_median"),
            Candidate("twice", "count", "two or more", "n", "at_least_2"),
        ],
    )
    out = cset.exposures(rows, cset.thresholds(rows))
    assert out["rep"].tolist() == [0.0, 0.0, 0.0]
    assert out["slow"].isna().all()
    assert out["twice"].tolist() == [0.0, 1.0, 0.0]
