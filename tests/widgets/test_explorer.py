"""JourneyExplorer and slice_journey_data, driven from Python: set filters, assert the views.

Reference numbers are recomputed independently with plain pandas on the simulator's tables.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import cjlib
from cjlib.datasets import load_map, simulate
from cjlib.errors import DataError
from cjlib.widgets import JourneyExplorer, slice_journey_data
from cjlib.widgets._display import PLOTLY_MIME


@pytest.fixture(scope="module")
def telco():
    return load_map("telco")


@pytest.fixture(scope="module")
def data(telco):
    return simulate(telco, 400, seed=3)


@pytest.fixture(scope="module")
def log(data):
    return cjlib.EventLog.from_pandas(data.events)


@pytest.fixture(scope="module")
def explorer(log, telco, data):
    return JourneyExplorer(log, telco, surveys=data.surveys, customers=data.customers)


def _spec(output) -> dict:
    (out,) = output.outputs
    return out["data"][PLOTLY_MIME]


# ---------------------------------------------------------------------- slice_journey_data
def test_slice_by_persona_keeps_their_events_and_answers(log, data):
    events, customers, surveys = data.events.copy(), data.customers.copy(), data.surveys.copy()
    part = slice_journey_data(
        log, customers=data.customers, surveys=data.surveys, personas="family"
    )
    family = set(data.customers.loc[data.customers["persona"] == "family", "customer_id"])
    expected = data.events[data.events["customer_id"].isin(family)]
    assert part.log.n_events == len(expected)
    assert part.log.n_customers == expected["customer_id"].nunique()
    assert set(part.customers["customer_id"]) == family
    assert len(part.surveys) == data.surveys["customer_id"].isin(family).sum()
    assert part.description == "persona family"
    # inputs untouched
    pd.testing.assert_frame_equal(data.events, events)
    pd.testing.assert_frame_equal(data.customers, customers)
    pd.testing.assert_frame_equal(data.surveys, surveys)


def test_slice_by_channel_and_dates_matches_pandas(log, data):
    start, end = pd.Timestamp("2024-06-01"), pd.Timestamp("2025-01-01")
    part = slice_journey_data(
        log, surveys=data.surveys, channels=["app", "web"], start=start, end=end
    )
    ev = data.events
    expected = ev[
        ev["channel"].isin(["app", "web"]) & (ev["timestamp"] >= start) & (ev["timestamp"] < end)
    ]
    got = part.log.to_pandas()
    assert len(got) == len(expected) > 0
    assert set(got["channel"]) == {"app", "web"}
    assert got["timestamp"].min() >= start and got["timestamp"].max() < end
    st = data.surveys["timestamp"]
    assert len(part.surveys) == ((st >= start) & (st < end)).sum()
    assert part.description == "channel app, web; from 2024-06-01 to before 2025-01-01"


def test_slice_keeps_the_binding_of_a_bound_log(log, telco):
    part = slice_journey_data(log.bind(telco), channels="store")
    assert part.log.journey_map is telco
    assert set(part.log.binding["touchpoint"].dropna()) == {"store"}


def test_slice_binding_counts_only_the_kept_events(log, telco, data):
    # a persona or date slice of a bound log: the binding (which measure() reads its event
    # counts from) counts the slice's events, not the whole log's
    part = slice_journey_data(
        log.bind(telco), customers=data.customers, personas="family", end="2024-09-01"
    )
    family = set(data.customers.loc[data.customers["persona"] == "family", "customer_id"])
    ev = data.events
    kept = ev[ev["customer_id"].isin(family) & (ev["timestamp"] < pd.Timestamp("2024-09-01"))]
    assert 0 < len(kept) < len(ev)
    assert part.log.journey_map is telco
    assert part.log.binding.set_index("event")["n"].to_dict() == (
        kept["event"].value_counts().to_dict()
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"personas": "robot"}, r"personas \['robot'\] not found.*allowed: \['family'"),
        ({"channels": ["pigeon"]}, r"channels \['pigeon'\] not found in the log; allowed"),
        ({"start": "2025-01-01", "end": "2024-01-01"}, "start must be before end"),
        ({"start": "yesterday-ish"}, "start must be a date or timestamp; got 'yesterday-ish'"),
    ],
)
def test_slice_bad_filters_are_named(log, data, kwargs, message):
    with pytest.raises(DataError, match=message):
        slice_journey_data(log, customers=data.customers, **kwargs)


def test_slice_persona_filter_needs_customers(log):
    with pytest.raises(DataError, match="needs the customers table"):
        slice_journey_data(log, segments="consumer_family")


# ---------------------------------------------------------------------- the explorer
def test_explorer_starts_unfiltered_with_every_view(explorer, data, telco):
    assert explorer.slice.description == "everyone"
    assert explorer.slice.log.n_events == len(data.events)
    assert set(explorer.figures) == {"sankey", "funnel", "emotion"}
    # the funnel runs on the map's stages; its first step is everyone reaching awareness
    funnel = explorer.slice.log.funnel([s.id for s in telco.stages], level="stage").table
    sankey = _spec(explorer.sankey_out)
    assert sankey["data"][0]["type"] == "sankey"
    assert _spec(explorer.funnel_out)["data"][0]["type"] == "bar"
    assert list(explorer.figures["funnel"].data[0].x) == funnel["customers"].tolist()
    # the KPI table is measure()'s stage table
    assert explorer.kpis["stage"].tolist() == [s.id for s in telco.stages]
    assert "Awareness" in explorer.kpi_table.value
    # options come from the customers table and the log
    assert [v for _, v in explorer.persona.options] == ["(all)", "family", "young_pro"]
    assert set(explorer.channels.options) == set(data.events["channel"])
    assert explorer.start_date.value == data.events["timestamp"].min().date()


def test_a_persona_filter_updates_every_view_together(log, telco, data):
    ex = JourneyExplorer(log, telco, surveys=data.surveys, customers=data.customers)
    before_sankey, before_funnel = _spec(ex.sankey_out), _spec(ex.funnel_out)
    ex.persona.value = "family"
    family = data.customers.loc[data.customers["persona"] == "family", "customer_id"]
    reached = data.events.loc[data.events["customer_id"].isin(family), "customer_id"].nunique()
    assert ex.slice.log.n_customers == reached
    assert f"<b>{reached:,}</b> customers" in ex.status.value
    assert "persona family" in ex.status.value
    # the stage KPIs: awareness reach counts family customers with an awareness event
    awareness_events = {e for tp in telco.stage("awareness").touchpoints for e in tp.events}
    ev = data.events
    aware = ev.loc[
        ev["customer_id"].isin(family) & ev["event"].isin(awareness_events), "customer_id"
    ].nunique()
    assert ex.kpis.loc[ex.kpis["stage"] == "awareness", "reach"].item() == aware
    assert _spec(ex.sankey_out) != before_sankey
    assert _spec(ex.funnel_out) != before_funnel
    # measured emotion of the family persona only: no young_pro answer is left
    n_by_persona = ex.measured.emotion.groupby("persona")["n"].sum()
    assert n_by_persona["young_pro"] == 0 < n_by_persona["family"]
    assert ex.figures["emotion"].layout.title.text is not None
    # the survey answers used are the family's
    assert set(ex.measured.surveys["customer_id"]) <= set(family)


def test_channel_and_date_filters_and_reset(log, telco, data):
    ex = JourneyExplorer(log, telco, surveys=data.surveys, customers=data.customers)
    ex.channels.value = ("app",)
    assert set(ex.slice.log.to_pandas()["channel"]) == {"app"}
    assert ex.slice.log.n_events == (data.events["channel"] == "app").sum()
    ex.start_date.value = dt.date(2024, 7, 1)
    ex.end_date.value = dt.date(2024, 12, 31)  # inclusive: up to the end of that day
    ev = data.events
    expected = ev[
        (ev["channel"] == "app")
        & (ev["timestamp"] >= "2024-07-01")
        & (ev["timestamp"] < "2025-01-01")
    ]
    assert ex.slice.log.n_events == len(expected)
    assert ex.filters()["end"] == dt.date(2025, 1, 1)
    ex.reset()
    assert ex.slice.description == "everyone"
    assert ex.slice.log.n_events == len(data.events)


def test_an_empty_or_impossible_filter_is_shown_not_raised(log, telco, data):
    ex = JourneyExplorer(log, telco, surveys=data.surveys, customers=data.customers)
    ex.start_date.value = dt.date(2030, 1, 1)  # after the end date
    assert "the From date (2030-01-01) is after the To date" in ex.error.value
    ex.reset()
    assert ex.error.value == ""
    ex.start_date.value = dt.date(2025, 6, 29)
    ex.channels.value = ("tv",)  # ads happen at the start of a journey, not in its last day
    assert ex.slice.log.n_events == 0
    assert "No events match" in ex.kpi_table.value
    assert ex.figures == {}


def test_without_a_map_the_explorer_shows_events(log, data):
    steps = ["website_visit", "plan_compare", "contract_signed"]
    ex = JourneyExplorer(log, funnel_steps=steps)
    assert set(ex.figures) == {"sankey", "funnel"}
    assert ex.persona.disabled and ex.segment.disabled
    kpis = dict(zip(ex.kpis["kpi"], ex.kpis["value"], strict=True))
    assert kpis["events"] == len(data.events)
    assert kpis["customers"] == data.events["customer_id"].nunique()
    expected = log.funnel(steps).table["customers"].tolist()
    assert list(ex.figures["funnel"].data[0].x) == expected
    assert _spec(ex.funnel_out)["data"][0]["type"] == "bar"
    (msg,) = ex.emotion_out.outputs
    assert "journey map" in msg["data"]["text/plain"]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("events",), {}, "log must be a cjlib.EventLog; got str"),
        ((None,), {"max_steps": 0}, "max_steps must be a positive integer; got 0"),
        ((None,), {"funnel_level": "stage"}, "funnel_level='stage' needs a journey_map"),
        ((None,), {"customers": pd.DataFrame({"id": [1]})}, "column 'customer_id' not found"),
    ],
)
def test_bad_arguments_are_named(log, args, kwargs, message):
    args = tuple(log if a is None else a for a in args)
    with pytest.raises(DataError, match=message):
        JourneyExplorer(*args, **kwargs)
