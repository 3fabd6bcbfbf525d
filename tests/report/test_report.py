"""build_report: one self-contained HTML page whose numbers are the public functions' numbers."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

import cjlib
from cjlib.datasets import load_sample, simulate
from cjlib.errors import DataError, SchemaError
from cjlib.report import Report, build_report
from cjlib.stats import BetaGeoModel, GammaGammaModel, link, rfm_summary

LANDMARK_DAYS = 90
SECTIONS = (
    "kpis",
    "map",
    "emotion",
    "sankey",
    "funnel",
    "signals",
    "clv",
    "backlog",
    "discovery",
    "notes",
)


def _landmark_reference(telco) -> pd.DataFrame:
    """Independent landmark table: exposure = touchpoint event in the first 90 days after the
    start; outcome = churn, among customers still active at day 90."""
    c = telco.customers[["customer_id", "start_date", "tenure_days", "churned", "plan"]]
    event_to_tp = {e: tp.id for tp in telco.journey_map.touchpoints for e in tp.events}
    ev = telco.events.assign(touchpoint=telco.events["event"].map(event_to_tp)).dropna(
        subset=["touchpoint"]
    )
    ev = ev.merge(c[["customer_id", "start_date"]], on="customer_id")
    since = ev["timestamp"] - ev["start_date"]
    early = ev[(since >= pd.Timedelta(0)) & (since < pd.Timedelta(days=LANDMARK_DAYS))]
    cohort = c[c["tenure_days"] > LANDMARK_DAYS].reset_index(drop=True)
    for tp, ids in early.groupby("touchpoint")["customer_id"]:
        share = cohort["customer_id"].isin(set(ids)).mean()
        if 0.01 < share < 0.99:
            cohort[f"early_{tp}"] = cohort["customer_id"].isin(set(ids))
    return cohort


def test_every_section_is_present_with_a_toc_link(report):
    assert isinstance(report, Report)
    assert report.sections == SECTIONS
    assert report.skipped == {}
    for anchor in SECTIONS:
        assert f'id="{anchor}"' in report.html
        assert f'href="#{anchor}"' in report.html
    assert report.html.startswith("<!DOCTYPE html>")
    assert "<title>Journey report — Northwind Mobile" in report.html


def test_the_page_has_one_h1_and_the_map_nests_under_its_section(report):
    html = report.html
    assert len(re.findall(r"<h1\b", html)) == 1
    section = html[html.index('id="map"') :]
    section = section[: section.index("</section>", section.index('class="cj-map"'))]
    assert re.search(r"<h2>Journey map</h2>", section)
    assert re.search(r'<h3 class="cj-name">Northwind Mobile', section)


def test_plotly_is_embedded_once_and_nothing_is_fetched(report):
    html = report.html
    assert html.count("plotly.js v") >= 1
    # the library bundle is inlined exactly once: its licence banner appears once
    assert len(re.findall(r"\* plotly\.js v\d", html)) == 1
    assert not re.search(r"<script[^>]+src=", html, flags=re.I)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", html, flags=re.I)
    assert "cdn.plot.ly/plotly" not in html
    for name in report.figures:
        assert f'id="figure-{name}"' in html
    assert set(report.figures) == {
        "emotion",
        "sankey",
        "funnel",
        "signals",
        "backlog",
        "diff_canvas",
    }


def test_funnel_numbers_equal_the_public_funnel(report, telco, log):
    stages = [s.id for s in telco.journey_map.stages]
    expected = log.bind(telco.journey_map).funnel(stages, level="stage").table
    got = report.results["funnel"].table
    pd.testing.assert_frame_equal(got, expected)
    for count in expected["customers"]:
        assert f">{count:,}<" in report.html


def test_kpis_equal_measure(report, telco, log):
    measured = cjlib.measure(
        telco.journey_map, log, surveys=telco.surveys, customers=telco.customers
    )
    pd.testing.assert_frame_equal(report.results["measured"].stages, measured.stages)
    assert f">{log.n_customers:,}<" in report.html
    assert f">{log.n_events:,}<" in report.html
    churn = telco.customers["churned"].mean()
    assert f">{churn:.1%}<" in report.html
    status = measured.objectives().table.set_index("objective")["status"]
    assert f">{status['obj_retention']}<" in report.html


def test_linked_signals_equal_an_independent_landmark_analysis(report, telco):
    reference = _landmark_reference(telco)
    signals = [c for c in reference.columns if c.startswith("early_")]
    expected = link(reference, outcome="churned", signals=signals, controls=["plan"]).table
    got = report.results["link"].table
    assert sorted(got.index) == sorted(expected.index)
    pd.testing.assert_frame_equal(got.loc[expected.index], expected)
    top = expected.sort_values("q").iloc[0]
    assert f">{top['effect']:+.1%}<" in report.html
    assert f"among the {len(reference):,} customers still active" in report.html
    assert "immortal-time" in report.html and "associations, not causal" in report.html


def test_planted_effects_show_up_in_the_signals(report):
    # simulator truth (telco): finishing the welcome tour HR 0.6 (protective); a billing dispute
    # escalating to support calls HR 2.0 (harmful)
    table = report.results["link"].table
    welcome, dispute = table.loc["early_welcome"], table.loc["early_dispute"]
    assert welcome["ci_high"] < 0 and welcome["q"] < 0.05
    assert dispute["ci_low"] > 0
    top = report.results["backlog"].table.iloc[0]
    assert top["touchpoint"] == "welcome"
    assert f">{top['opportunity']}<" in report.html


def test_clv_equals_the_fitted_models(report, telco):
    summary = rfm_summary(telco.transactions, freq="W")
    bg = BetaGeoModel().fit(summary)
    gg = GammaGammaModel().fit(summary[summary["frequency"] > 0])
    clv = gg.clv(
        bg,
        frequency=summary["frequency"],
        recency=summary["recency"],
        T=summary["T"],
        monetary_value=summary["monetary_value"],
        horizon=52.0,
    )
    np.testing.assert_allclose(report.results["clv"]["clv"].to_numpy(), np.asarray(clv))
    assert report.results["clv_summary"]["mean_clv"] == pytest.approx(float(np.mean(clv)))
    assert f">{float(np.mean(clv)):,.2f}<" in report.html


def test_user_data_is_not_mutated(report, telco, originals):
    for name, before in originals.items():
        pd.testing.assert_frame_equal(getattr(telco, name), before)


# ------------------------------------------------------------------ smaller inputs
@pytest.fixture(scope="module")
def small():
    data = load_sample("shop")
    return data, cjlib.EventLog.from_pandas(data.events.iloc[:20_000])


def test_missing_tables_skip_their_sections_with_a_reason(small):
    data, log = small
    out = build_report(data.journey_map, log)
    assert "signals" not in out.sections and "clv" not in out.sections
    assert "backlog" not in out.sections
    assert "customers" in out.skipped["signals"] and "transactions" in out.skipped["clv"]
    assert "no customers table was given" in out.html
    assert out.sections[:5] == ("kpis", "map", "emotion", "sankey", "funnel")


def test_user_text_is_escaped():
    telco_map = cjlib.datasets.load_map("telco")
    payload = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    stage = telco_map.stages[0]
    tp = dataclasses.replace(stage.touchpoints[0], name="Ads " + payload)
    stage = dataclasses.replace(
        stage, name="Aware " + payload, touchpoints=(tp, *stage.touchpoints[1:])
    )
    evil = dataclasses.replace(
        telco_map,
        name="Evil " + payload,
        description=payload,
        stages=(stage, *telco_map.stages[1:]),
    )
    data = simulate(telco_map, 300, seed=4)
    out = build_report(
        evil,
        cjlib.EventLog.from_pandas(data.events),
        customers=data.customers,
        title="T " + payload,
    )
    assert "<script>window.__pwned" not in out.html
    assert "<img src=x" not in out.html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in out.html
    # the only script elements are plotly's bundle and the figure initialisers
    n_scripts = len(re.findall(r"<script\b", out.html))
    assert n_scripts == 1 + len(out.figures)


def test_save_writes_the_file_and_names_a_missing_folder(small, tmp_path):
    data, log = small
    out = build_report(data.journey_map, log, title="Shop")
    path = out.save(tmp_path / "r.html")
    assert path.read_text(encoding="utf-8") == out.html
    with pytest.raises(DataError, match="nope"):
        out.save(tmp_path / "nope" / "r.html")
    assert out._repr_html_().startswith("<iframe srcdoc=")


def test_bad_input_is_named(small, telco):
    data, log = small
    with pytest.raises(DataError, match="log: expected an EventLog, got DataFrame"):
        build_report(data.journey_map, data.events)
    with pytest.raises(DataError, match="journey_map"):
        build_report("map.yaml", log)
    with pytest.raises(DataError, match=r"landmark_days: expected a positive whole number.* 0"):
        build_report(data.journey_map, log, landmark_days=0)
    with pytest.raises(DataError, match="customers: expected a pandas DataFrame"):
        build_report(data.journey_map, log, customers={"a": 1})
    with pytest.raises(SchemaError, match=r"customers\.start_date: column is missing"):
        build_report(data.journey_map, log, customers=data.customers.drop(columns=["start_date"]))
    with pytest.raises(SchemaError, match=r"customers\.segmentx: column is missing"):
        build_report(data.journey_map, log, customers=data.customers, controls=["segmentx"])


def test_a_churn_flag_that_is_not_boolean_is_named():
    data = simulate(cjlib.datasets.load_map("telco"), 200, seed=2)
    log = cjlib.EventLog.from_pandas(data.events)
    customers = data.customers.assign(
        churned=data.customers["churned"].map({True: "yes", False: "no"})
    )
    with pytest.raises(DataError, match=r"customers\.churned: expected true/false.*'no', 'yes'"):
        build_report(data.journey_map, log, customers=customers)
    as_text = data.customers.assign(
        churned=data.customers["churned"].map({True: "TRUE", False: "false"})
    )
    out = build_report(data.journey_map, log, customers=as_text)
    assert "signals" in out.sections
