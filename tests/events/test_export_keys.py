"""Export loaders key the log by the user's column name and dtype (issue 13).

The hand-worked scenario of :mod:`export_fixtures` (4 people; user ids ``u1``..``u3``, one
device ``anon-3`` that never logs in) and a variant whose user ids are numbers exported as
text, as GA4 and Segment write them.
"""

from __future__ import annotations

import export_fixtures as fx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cjlib.errors import DataError
from cjlib.events import flag, read_ga4, read_segment


def test_customer_col_names_the_key_of_every_per_customer_table(tmp_path):
    log = read_segment(fx.write_segment(tmp_path / "s.json"), customer_col="person")
    assert log.customer_col == "person"
    table = log.signals([flag("purchase", name="bought")]).table
    assert table.columns.tolist() == ["person", "bought"]
    got = dict(zip(table["person"], table["bought"], strict=True))
    assert got == {"anon-3": False, "u1": True, "u2": False, "u3": True}  # by hand: SCENARIO


def test_numeric_user_ids_come_back_as_int64(tmp_path):
    path = fx.write_ga4(tmp_path / "g.parquet")
    table = pq.read_table(path).to_pandas()
    numbers = {"u1": "101", "u2": "102", "u3": "103", "anon-3": "104"}
    table["user_id"] = table["user_id"].map(numbers)  # anon-3 logs in only as a number here
    table.loc[table["user_pseudo_id"] == "anon-3", "user_id"] = "104"
    pq.write_table(
        pa.Table.from_pandas(table, schema=fx.GA4_SCHEMA, preserve_index=False),
        path,
    )
    log = read_ga4(path, customer_col="uid", id_dtype="int64")
    table = log.signals([flag("purchase", name="bought")]).table
    assert table["uid"].dtype == np.dtype("int64")
    assert dict(zip(table["uid"], table["bought"], strict=True)) == {
        101: True,
        102: False,
        103: True,
        104: False,
    }
    assert log.filter(customers=[101]).n_events == 6  # u1's six events, by hand


def test_int_ids_refused_when_a_device_never_logged_in(tmp_path):
    path = fx.write_ga4(tmp_path / "g.parquet")
    with pytest.raises(DataError, match=r"id_dtype='int64'.*anon-3.*u1"):
        read_ga4(path, id_dtype="int64")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"customer_col": "user_id"}, r"customer_col='user_id' is already a column"),
        ({"id_dtype": "int32"}, r"id_dtype must be one of \[None, 'int64'\]; got 'int32'"),
        ({"customer_col": ""}, r"customer_col must be a non-empty column name"),
    ],
)
def test_bad_key_arguments_are_refused_by_name(tmp_path, kwargs, message):
    path = fx.write_ga4(tmp_path / "g.parquet")
    with pytest.raises(DataError, match=message):
        read_ga4(path, **kwargs)


def test_journey_kpis_take_customers_and_surveys_keyed_by_the_logs_column(tmp_path):
    log = read_segment(fx.write_segment(tmp_path / "s.json"), customer_col="person")
    people = pd.DataFrame({"person": ["u1", "u2", "u3", "anon-3"], "segment": list("aabb")})
    surveys = pd.DataFrame(
        {
            "person": ["u1", "u3"],
            "timestamp": pd.to_datetime(["2024-03-31 02:00", "2024-04-05 19:00"]),
            "kind": ["csat", "csat"],
            "score": [5, 3],
        }
    )
    before = (people.copy(), surveys.copy())
    kpis = log.journey_kpis(
        start="view_item", success="purchase", customers=people, surveys=surveys
    ).table.set_index("segment")
    # by hand (SCENARIO): view_item starts u1, anon-3, u2 (its anonymous view); u1 buys;
    # u3 buys but never views an item, so starts no journey; only u1's answer (5) is matched
    assert kpis.loc["a", "started"] == 2 and kpis.loc["a", "completed"] == 1
    assert kpis.loc["b", "started"] == 1 and kpis.loc["b", "completed"] == 0
    assert kpis.loc["a", "n_csat"] == 1 and kpis.loc["a", "csat"] == pytest.approx(
        5.0
    )  # mean score
    pd.testing.assert_frame_equal(people, before[0])
    pd.testing.assert_frame_equal(surveys, before[1])
