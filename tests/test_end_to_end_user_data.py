"""The whole arc on the user's own column names and int64 ids (issue 13).

log → flows → funnel → signals → link → measure → moments → backlog → report, from an event
table with ``uid`` (int64), ``event_time`` and ``event_name``. The simulator plants the effect
(coverage problems triple the churn hazard); every per-customer output merges into the user's
customer table unchanged, and the numbers equal those of the same data under the contract names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cjlib
from cjlib.action import moments_that_matter, prioritise
from cjlib.datasets import load_map, simulate
from cjlib.events import flag, repeat_within
from cjlib.stats import link

N_CUSTOMERS = 1500
SIGNALS = ["dispute_escalation", "coverage_problem", "onboarding_completed"]


def _spec():
    return [
        repeat_within(
            "support_call", after="billing_dispute", window="14D", name="dispute_escalation"
        ),
        flag("coverage_issue", name="coverage_problem"),
        flag("onboarding_complete", name="onboarding_completed"),
    ]


@pytest.fixture(scope="module")
def arc():
    jm = load_map("telco")
    data = simulate(jm, N_CUSTOMERS, seed=13, effects={"hazard_ratios": {"coverage_problem": 3.0}})
    # the user's own names and int ids (the contract's "C0000001" become 1, 2, ...)
    ids = set(data.events["customer_id"]) | set(data.customers["customer_id"])
    numbers = {c: k + 1 for k, c in enumerate(sorted(ids))}  # prospects have events too
    events = data.events.rename(
        columns={"customer_id": "uid", "timestamp": "event_time", "event": "event_name"}
    )
    events["uid"] = events["uid"].map(numbers).astype("int64")
    people = data.customers.rename(columns={"customer_id": "uid"})
    people["uid"] = people["uid"].map(numbers).astype("int64")
    surveys = data.surveys.rename(columns={"customer_id": "uid"})
    surveys["uid"] = surveys["uid"].map(numbers).astype("int64")
    return jm, data, numbers, events, people, surveys


@pytest.fixture(scope="module")
def user_run(arc):
    jm, _data, _numbers, events, people, surveys = arc
    before = (events.copy(), people.copy(), surveys.copy())
    log = cjlib.EventLog.from_pandas(
        events, customer_col="uid", time_col="event_time", event_col="event_name"
    )
    bound = log.bind(jm)
    stages = [st.id for st in jm.stages]
    out = {
        "log": log,
        "flows": bound.step_flows(max_steps=len(stages), level="stage"),
        "funnel": bound.funnel(stages, level="stage"),
        "signals": log.signals(_spec()),
        "journeys": log.journeys(start="contract_signed", success="onboarding_complete"),
    }
    out["table"] = people.merge(out["signals"].table, on="uid", how="left")
    out["link"] = link(
        out["table"], outcome="churned", signals=SIGNALS, controls=["plan"], higher_is_worse=True
    )
    out["measured"] = cjlib.measure(jm, log, customers=people, surveys=surveys)
    out["moments"] = moments_that_matter(
        out["measured"], out["link"], signals=out["signals"], n_boot=500
    )
    out["backlog"] = prioritise(jm, out["moments"])
    out["before"] = before
    return out


@pytest.fixture(scope="module")
def contract_run(arc):
    jm, data, *_ = arc
    log = cjlib.EventLog.from_pandas(data.events)
    signals = log.signals(_spec())
    table = data.customers.merge(signals.table, on="customer_id", how="left")
    linked = link(
        table, outcome="churned", signals=SIGNALS, controls=["plan"], higher_is_worse=True
    )
    measured = cjlib.measure(jm, log, customers=data.customers, surveys=data.surveys)
    moments = moments_that_matter(measured, linked, signals=signals, n_boot=500)
    return {
        "signals": signals,
        "link": linked,
        "measured": measured,
        "moments": moments,
        "funnel": log.bind(jm).funnel([st.id for st in jm.stages], level="stage"),
    }


def test_inputs_are_not_changed(arc, user_run):
    _, _, _, events, people, surveys = arc
    for given, copy in zip((events, people, surveys), user_run["before"], strict=True):
        pd.testing.assert_frame_equal(given, copy)


def test_per_customer_outputs_merge_into_the_users_table_unchanged(arc, user_run):
    people = arc[4]
    sig = user_run["signals"].table
    assert sig.columns[0] == "uid" and sig["uid"].dtype == np.dtype("int64")
    merged = user_run["table"]
    assert len(merged) == len(people)
    pd.testing.assert_frame_equal(merged[people.columns], people)  # the user's columns as given
    assert merged[SIGNALS].notna().all().all()  # every customer of the table has a signal row
    journeys = user_run["journeys"].table
    assert journeys["uid"].dtype == np.dtype("int64")
    assert set(journeys["uid"]) <= set(people["uid"])
    assert len(people.merge(journeys, on="uid")) == len(journeys)


def test_the_users_names_give_the_contracts_numbers(arc, user_run, contract_run):
    numbers = arc[2]
    ours = user_run["signals"].table.set_index("uid").sort_index()
    theirs = (
        contract_run["signals"]
        .table.assign(uid=lambda t: t["customer_id"].map(numbers))
        .set_index("uid")
        .sort_index()
    )
    pd.testing.assert_frame_equal(ours[SIGNALS], theirs[SIGNALS])
    cols = ["n_exposed", "effect", "ci_low", "ci_high", "q", "or_adj"]
    pd.testing.assert_frame_equal(user_run["link"].table[cols], contract_run["link"].table[cols])
    pd.testing.assert_frame_equal(user_run["measured"].stages, contract_run["measured"].stages)
    pd.testing.assert_frame_equal(user_run["moments"].table, contract_run["moments"].table)
    pd.testing.assert_frame_equal(user_run["funnel"].table, contract_run["funnel"].table)


def test_the_planted_signal_tops_the_arc(user_run):
    top = user_run["moments"].table.iloc[0]
    assert (top["signal"], top["touchpoint"], top["at_risk"]) == (
        "coverage_problem",
        "coverage",
        "exposed",
    )
    assert user_run["link"].table.loc["coverage_problem", "ci_low"] > 0
    assert "churned: higher is worse" in user_run["backlog"].summary()
    funnel = user_run["funnel"].table
    n_all = user_run["log"].n_customers
    assert funnel["share_of_all"].to_numpy() == pytest.approx(funnel["customers"] / n_all)
    assert len(user_run["flows"].table) > 0


def test_the_report_runs_on_the_users_tables(arc, user_run, tmp_path):
    from cjlib.report import build_report

    jm, _, _, _, people, surveys = arc
    report = build_report(jm, user_run["log"], customers=people, surveys=surveys)
    assert "signals" not in report.skipped
    pd.testing.assert_frame_equal(report.results["measured"].stages, user_run["measured"].stages)
    assert report.results["link"].higher_is_worse is True
    assert report.save(tmp_path / "report.html").stat().st_size > 10_000
