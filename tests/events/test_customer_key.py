"""Per-customer results carry the user's customer column name and dtype (issue 13)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cjlib
from cjlib.errors import SchemaError
from cjlib.events import count, flag


def _events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uid": np.array([10, 2, 2, 10, 3], dtype="int64"),
            "ts": pd.to_datetime(
                [
                    "2024-01-01 08:00",
                    "2024-01-01 10:00",
                    "2024-01-05 08:00",
                    "2024-01-03 08:00",
                    "2024-01-04 08:00",
                ]
            ),
            "action": ["visit", "visit", "buy", "buy", "visit"],
        }
    )


@pytest.fixture(scope="module")
def log():
    return cjlib.EventLog.from_pandas(
        _events(), customer_col="uid", time_col="ts", event_col="action"
    )


def test_signals_come_back_keyed_by_the_users_column_and_dtype(log):
    got = log.signals([count("visit"), flag("buy")]).table
    assert list(got.columns) == ["uid", "n_visit", "has_buy"]
    assert got["uid"].dtype == np.dtype("int64")
    assert got["uid"].tolist() == [2, 3, 10]  # numeric order, not text order ("10" < "2")
    assert got["has_buy"].tolist() == [True, False, True]


def test_signals_merge_into_the_users_table_unchanged(log):
    people = pd.DataFrame({"uid": np.array([3, 10, 2, 99], dtype="int64"), "age": [30, 40, 50, 60]})
    before = people.copy()
    merged = people.merge(log.signals([flag("buy")]).table, on="uid", how="left")
    pd.testing.assert_frame_equal(people, before)
    assert merged["has_buy"].iloc[:3].tolist() == [False, True, True]
    assert pd.isna(merged["has_buy"].iloc[3])  # 99 has no events
    assert merged["uid"].dtype == np.dtype("int64")


def test_sessions_and_journeys_carry_the_key(log):
    sessions = log.sessions("1D")
    assert sessions.table.columns[0] == "uid" and sessions.table["uid"].dtype == "int64"
    assert sessions.table["uid"].tolist() == [2, 2, 3, 10, 10]
    assert "3 customers" in sessions.summary()
    journeys = log.journeys(start="visit", success="buy")
    assert journeys.table["uid"].tolist() == [2, 3, 10]
    assert journeys.table["outcome"].tolist() == ["success", "open", "success"]
    assert journeys.customer_col == "uid"


def test_filter_takes_ids_in_the_users_dtype(log):
    assert log.filter(customers=[2]).n_events == 2
    assert log.filter(customers=10).n_events == 2


def test_string_ids_keep_the_contract_name():
    log = cjlib.EventLog.from_pandas(
        pd.DataFrame(
            {"customer_id": ["a", "b"], "timestamp": ["2024-01-01"] * 2, "event": ["x", "y"]}
        )
    )
    got = log.signals([flag("x")]).table
    assert list(got.columns) == ["customer_id", "has_x"]
    assert got["customer_id"].tolist() == ["a", "b"]


def test_mixed_int_and_text_ids_are_refused_with_examples():
    df = pd.DataFrame(
        {"user": [1, "1", 2, "b"], "timestamp": ["2024-01-01"] * 4, "event": ["x"] * 4}
    )
    with pytest.raises(SchemaError, match="would silently become one customer") as err:
        cjlib.EventLog.from_pandas(df, customer_col="user")
    assert "1 (int) and '1' (str)" in str(err.value)
    # mixed types that do not collide as text are distinct customers
    ok = cjlib.EventLog.from_pandas(df.iloc[[0, 2, 3]], customer_col="user")
    assert ok.n_customers == 3


def test_parquet_int_ids_come_back_as_int64(tmp_path):
    path = tmp_path / "events.parquet"
    _events().to_parquet(path)
    log = cjlib.EventLog.read_parquet(path, customer_col="uid", time_col="ts", event_col="action")
    got = log.signals([flag("buy")]).table
    assert got["uid"].dtype == np.dtype("int64") and got["uid"].tolist() == [2, 3, 10]


def test_measure_takes_customer_col(log):
    from cjlib.map import JourneyMap

    jm = JourneyMap.from_dict(
        {
            "id": "shop",
            "name": "Shop",
            "personas": [
                {"id": "p1", "name": "Buyer", "segment": "b"},
                {"id": "p2", "name": "Browser", "segment": "v"},
            ],
            "stages": [
                {
                    "id": "look",
                    "name": "Look",
                    "touchpoints": [{"id": "visit", "name": "Visit", "events": ["visit"]}],
                },
                {
                    "id": "pay",
                    "name": "Pay",
                    "touchpoints": [{"id": "buy", "name": "Buy", "events": ["buy"]}],
                },
            ],
        }
    )
    people = pd.DataFrame({"uid": np.array([2, 3, 10], dtype="int64"), "segment": ["b", "v", "b"]})
    surveys = pd.DataFrame(
        {
            "uid": [2, 10],
            "touchpoint": ["buy", "buy"],
            "kind": ["csat"] * 2,
            "score": [5, 4],
            "timestamp": pd.to_datetime(["2024-01-06"] * 2),
        }
    )
    mm = cjlib.measure(jm, log, customers=people, surveys=surveys)
    tp = mm.touchpoints.set_index("touchpoint")
    assert tp.loc["buy", "reach"] == 2 and tp.loc["buy", "csat"] == pytest.approx(4.5)
    emotion = mm.emotion
    buyer = emotion[(emotion["touchpoint"] == "buy") & (emotion["persona"] == "p1")]
    assert buyer["n"].iloc[0] == 2  # both answers matched persona p1 through uid
    assert "uid" in mm.surveys.columns and "customer_id" not in mm.surveys.columns
    renamed = people.rename(columns={"uid": "member"})
    same = cjlib.measure(jm, log, customers=renamed, customer_col="member")
    assert same.info["customers"] == 3
    with pytest.raises(cjlib.DataError, match="customer_col='nope'"):
        cjlib.measure(jm, log, customers=people, customer_col="nope")


def test_funnel_has_a_share_of_all_customers(log):
    # 3 customers; 3 visit, 2 of them buy later: step 0 is 3 of 3, step 1 is 2 of 3
    got = log.funnel(["visit", "buy"])
    t = got.table
    assert got.n_customers == 3
    assert t["share_of_all"].tolist() == pytest.approx([1.0, 2 / 3])
    assert t["conversion_from_start"].tolist() == pytest.approx([1.0, 2 / 3])
    only_buyers = log.funnel(["buy"]).table  # 2 of 3 customers ever bought
    assert only_buyers["share_of_all"].iloc[0] == pytest.approx(2 / 3)
    assert only_buyers["conversion_from_start"].iloc[0] == pytest.approx(1.0)
    assert "(66.7% of all)" in log.funnel(["buy"]).summary()
    # Wilson 95 % interval of 2/3 (Wilson 1927; as statsmodels proportion_confint "wilson")
    assert only_buyers["ci_low_all"].iloc[0] == pytest.approx(0.2077, abs=1e-4)
    assert only_buyers["ci_high_all"].iloc[0] == pytest.approx(0.9385, abs=1e-4)
