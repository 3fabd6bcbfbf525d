"""The whole arc from a GA4-shaped and a Segment-shaped export (issue 13, done-when).

The telco simulator's events (coverage problems triple the churn hazard) are written in each
tool's real nested shape (:mod:`events.export_fixtures`: a GA4 BigQuery export table in
Parquet, Segment ``identify`` + ``track`` messages in newline-delimited JSON with Europe/Paris
offsets), each person browsing anonymously on a device before logging in. The user's ids
are integers (``1``, ``2``, ...; the tools export user ids as text, ``"17"``) and the user's
customer table is keyed ``uid`` (int64). Loaded with ``read_ga4`` / ``read_segment``
(``customer_col="uid", id_dtype="int64"``), stitching must give back the simulator's
customers, and log → flows → funnel → signals → link → measure → moments → backlog → report
must run, key every per-customer output ``uid`` int64 and merge into the user's customer
table unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from events import export_fixtures as fx

import cjlib
from cjlib.action import moments_that_matter, prioritise
from cjlib.datasets import load_map, simulate
from cjlib.events import flag, read_ga4, read_segment, repeat_within
from cjlib.stats import link

N_CUSTOMERS = 600
SIGNALS = ["dispute_escalation", "coverage_problem", "onboarding_completed"]
TOOLS = {
    "ga4": (fx.write_ga4_events, "events_20250101.parquet", read_ga4),
    "segment": (fx.write_segment_events, "segment-archive.json", read_segment),
}


def _spec():
    return [
        repeat_within(
            "support_call", after="billing_dispute", window="14D", name="dispute_escalation"
        ),
        flag("coverage_issue", name="coverage_problem"),
        flag("onboarding_complete", name="onboarding_completed"),
    ]


@pytest.fixture(scope="module")
def sim():
    jm = load_map("telco")
    data = simulate(jm, N_CUSTOMERS, seed=13, effects={"hazard_ratios": {"coverage_problem": 3.0}})
    ids = set(data.events["customer_id"]) | set(data.customers["customer_id"])
    numbers = {c: k + 1 for k, c in enumerate(sorted(ids))}  # prospects have events too
    events = data.events.assign(customer_id=data.events["customer_id"].map(numbers).astype(str))
    people = data.customers.rename(columns={"customer_id": "uid"})
    people["uid"] = people["uid"].map(numbers).astype("int64")
    surveys = data.surveys.rename(columns={"customer_id": "uid"})
    surveys["uid"] = surveys["uid"].map(numbers).astype("int64")
    return jm, events, people, surveys


@pytest.fixture(scope="module", params=sorted(TOOLS))
def run(request, sim, tmp_path_factory):
    jm, events, people, surveys = sim
    write, name, read = TOOLS[request.param]
    path = write(events, tmp_path_factory.mktemp(request.param) / name)
    before = (people.copy(), surveys.copy())
    log = read(path, customer_col="uid", id_dtype="int64")
    key = log.customer_col
    stages = [st.id for st in jm.stages]
    out = {"tool": request.param, "log": log, "key": key, "people": people, "before": before}
    out["surveys"] = surveys
    out["flows"] = log.bind(jm).step_flows(max_steps=len(stages), level="stage")
    out["funnel"] = log.bind(jm).funnel(stages, level="stage")
    out["signals"] = log.signals(_spec())
    out["table"] = people.merge(out["signals"].table, on=key, how="left")
    out["link"] = link(
        out["table"], outcome="churned", signals=SIGNALS, controls=["plan"], higher_is_worse=True
    )
    out["measured"] = cjlib.measure(jm, log, customers=people, surveys=surveys)
    out["moments"] = moments_that_matter(
        out["measured"], out["link"], signals=out["signals"], n_boot=200
    )
    out["backlog"] = prioritise(jm, out["moments"])
    return out


@pytest.fixture(scope="module")
def contract(sim):
    """The same events given as a pandas table under the contract names."""
    _jm, events, _people, _surveys = sim
    log = cjlib.EventLog.from_pandas(events)
    signals = log.signals(_spec())
    return {"log": log, "signals": signals}


def test_stitching_gives_back_the_simulated_customers(run, contract):
    log, ref = run["log"], contract["log"]
    assert (log.n_customers, log.n_events) == (ref.n_customers, ref.n_events)
    cols = ["customer_id", "timestamp", "event", "channel", "value"]
    got = log.to_pandas()[cols].sort_values(cols[:3], ignore_index=True)
    want = ref.to_pandas()[cols].sort_values(cols[:3], ignore_index=True)
    pd.testing.assert_frame_equal(got, want)


def test_per_customer_outputs_merge_into_the_users_table_unchanged(run, contract):
    people, key = run["people"], run["key"]
    assert key == "uid" and people[key].dtype == np.dtype("int64")
    for given, copy in zip((people, run["surveys"]), run["before"], strict=True):
        pd.testing.assert_frame_equal(given, copy)  # inputs not mutated
    sig = run["signals"].table
    assert sig.columns[0] == key and sig[key].dtype == people[key].dtype
    merged = run["table"]
    assert len(merged) == len(people)
    pd.testing.assert_frame_equal(merged[people.columns], people)
    assert merged[SIGNALS].notna().all().all()
    ours = sig.set_index(key).sort_index()[SIGNALS]
    theirs = contract["signals"].table.astype({"customer_id": "int64"})
    theirs = theirs.set_index("customer_id").rename_axis(key).sort_index()[SIGNALS]
    pd.testing.assert_frame_equal(ours, theirs)


def test_the_arc_runs_and_finds_the_planted_effect(run):
    moments = run["moments"].table
    planted = moments[moments["signal"] == "coverage_problem"]
    assert list(planted["at_risk"].unique()) == ["exposed"]  # the exposed churn more
    assert run["link"].table.loc["coverage_problem", "ci_low"] > 0
    assert "churned: higher is worse" in run["backlog"].summary()
    funnel = run["funnel"].table
    assert funnel["share_of_all"].to_numpy() == pytest.approx(
        funnel["customers"] / run["log"].n_customers
    )
    assert funnel["customers"].iloc[0] > 0 and len(run["flows"].table) > 0


def test_the_report_runs_on_the_export(sim, run, tmp_path):
    from cjlib.report import build_report

    jm, _events, people, surveys = sim
    report = build_report(jm, run["log"], customers=people, surveys=surveys)
    assert "signals" not in report.skipped
    pd.testing.assert_frame_equal(report.results["measured"].stages, run["measured"].stages)
    assert report.save(tmp_path / f"{run['tool']}.html").stat().st_size > 10_000
