"""EventLog constructors and construction-time validation, on DuckDB and Spark."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from events_reference import ordered, random_log

from cjlib.errors import CjlibError, DataError, SchemaError
from cjlib.events import DuplicateEventsWarning, EventLog


def _tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user": ["u1", "u1", "u2"],
            "when": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:05", "2024-01-02 09:00"]),
            "what": ["visit", "buy", "visit"],
            "channel": ["web", "web", "app"],
            "value": [np.nan, 19.5, np.nan],
            "plan": ["basic", "basic", "pro"],
        }
    )


def test_columns_are_mapped_to_the_contract(make_log):
    df = _tiny()
    log = make_log(df, customer_col="user", time_col="when", event_col="what")
    out = log.to_pandas()
    assert list(out.columns[:6]) == [
        "customer_id", "timestamp", "event", "channel", "session_id", "value"
    ]
    assert out["customer_id"].tolist() == ["u1", "u1", "u2"]
    assert out["event"].tolist() == ["visit", "buy", "visit"]
    assert out["value"].iloc[1] == 19.5
    assert out["plan"].tolist() == ["basic", "basic", "pro"]  # attributes are kept
    assert log.n_events == 3 and log.n_customers == 2
    assert log.event_names == ["buy", "visit"]


def test_user_frame_is_never_mutated(make_log):
    df = _tiny()
    before = df.copy(deep=True)
    log = make_log(df, customer_col="user", time_col="when", event_col="what")
    log.transitions()
    log.funnel(["visit", "buy"])
    pd.testing.assert_frame_equal(df, before)


def test_log_is_immutable():
    log = EventLog.from_pandas(_tiny(), customer_col="user", time_col="when", event_col="what")
    with pytest.raises(AttributeError, match="immutable"):
        log.n_duplicates = 3
    with pytest.raises(TypeError, match="from_pandas"):
        EventLog()


def test_missing_columns_are_all_reported_with_suggestions():
    df = _tiny().rename(columns={"user": "customer_idd"})
    with pytest.raises(SchemaError) as info:
        EventLog.from_pandas(df, customer_col="customer_id", time_col="time", event_col="what")
    problems = {p.path: p.message for p in info.value.problems}
    assert set(problems) == {"customer_col", "time_col"}
    assert "did you mean 'customer_idd'" in problems["customer_col"]
    assert "available columns" in problems["time_col"]
    assert isinstance(info.value, CjlibError) and isinstance(info.value, ValueError)


def test_every_data_problem_is_collected_at_once(make_log):
    df = pd.DataFrame(
        {
            "customer_id": ["a", None, "b", "c"],
            "timestamp": ["2024-01-01T10:00", "2024-01-01T11:00", "not a time", None],
            "event": ["x", "y", None, "z"],
        }
    )
    with pytest.raises(SchemaError) as info:
        make_log(df)
    text = str(info.value)
    assert "1 timestamps cannot be parsed" in text and "not a time" in text
    paths = [p.path for p in info.value.problems]
    assert paths.count("timestamp") == 1
    # pandas input: parse problems are reported first; nulls are checked in the engine
    # once timestamps parse, so fix the time and check the null report
    df2 = df.assign(timestamp=["2024-01-01T10:00", "2024-01-01T11:00", "2024-01-02", None])
    with pytest.raises(SchemaError) as info2:
        make_log(df2)
    messages = " | ".join(str(p) for p in info2.value.problems)
    assert "customer_id: 1 of 4 rows have a missing customer id" in messages
    assert "event: 1 of 4 rows have a missing event" in messages
    assert "timestamp: 1 of 4 rows have a missing timestamp" in messages


def test_mixed_time_zones_are_rejected():
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "timestamp": ["2024-01-01T10:00:00+01:00", "2024-01-01T10:00:00"],
            "event": ["x", "y"],
        }
    )
    with pytest.raises(SchemaError, match="mixed time zones"):
        EventLog.from_pandas(df)


def test_aware_times_become_utc_wall_time(make_log):
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "timestamp": pd.to_datetime(["2024-06-01 12:00", "2024-06-01 13:30"]).tz_localize(
                "Europe/Paris"
            ),
            "event": ["x", "y"],
        }
    )
    out = make_log(df).to_pandas()
    assert out["timestamp"].tolist() == [
        pd.Timestamp("2024-06-01 10:00"),
        pd.Timestamp("2024-06-01 11:30"),
    ]


def test_iso_strings_with_one_offset_are_parsed_to_utc():
    df = pd.DataFrame(
        {"customer_id": ["a"], "timestamp": ["2024-01-01T10:00:00+02:00"], "event": ["x"]}
    )
    assert EventLog.from_pandas(df).to_pandas()["timestamp"][0] == pd.Timestamp(
        "2024-01-01 08:00"
    )


def test_numeric_timestamps_need_an_explicit_unit():
    df = pd.DataFrame({"customer_id": ["a"], "timestamp": [1_700_000_000], "event": ["x"]})
    with pytest.raises(SchemaError, match="unit='s'"):
        EventLog.from_pandas(df)


def test_empty_log_is_an_error(make_log):
    df = pd.DataFrame({"customer_id": [], "timestamp": pd.to_datetime([]), "event": []})
    with pytest.raises(SchemaError, match="empty"):
        make_log(df)


def test_duplicates_are_counted_and_optionally_dropped(make_log):
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b"],
            "timestamp": pd.to_datetime(["2024-01-01"] * 3 + ["2024-01-02"]),
            "event": ["x", "x", "x", "x"],
        }
    )
    with pytest.warns(DuplicateEventsWarning, match="2 duplicated events"):
        kept = make_log(df)
    assert kept.n_duplicates == 2 and kept.n_events == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error", DuplicateEventsWarning)
        dropped = make_log(df, dedupe=True)
    assert dropped.n_events == 2 and dropped.n_duplicates == 0


def test_non_numeric_values_are_reported():
    df = pd.DataFrame(
        {"customer_id": ["a"], "timestamp": [pd.Timestamp("2024-01-01")], "event": ["x"],
         "value": ["ten"]}
    )
    with pytest.raises(SchemaError, match="1 values are not numbers"):
        EventLog.from_pandas(df)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(DataError, match="pandas DataFrame"):
        EventLog.from_pandas([1, 2])
    with pytest.raises(DataError, match="engine must be"):
        EventLog.from_pandas(_tiny(), customer_col="user", time_col="when", event_col="what",
                             engine="postgres")


@pytest.mark.filterwarnings("ignore::cjlib.events.DuplicateEventsWarning")
def test_parquet_is_read_lazily_with_file_order_for_ties(tmp_path, engine):
    df = random_log(15, seed=3)
    first, second = df.iloc[:40], df.iloc[40:]
    # microsecond timestamps: Spark cannot read pandas' default nanosecond Parquet times
    first.to_parquet(tmp_path / "part-0.parquet", coerce_timestamps="us")
    second.to_parquet(tmp_path / "part-1.parquet", coerce_timestamps="us")
    log = EventLog.read_parquet(str(tmp_path / "part-*.parquet"), engine=engine)
    got = log.to_pandas()[["customer_id", "timestamp", "event", "channel"]]
    pd.testing.assert_frame_equal(got, ordered(df), check_dtype=False)


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore::cjlib.events.DuplicateEventsWarning")
def test_spark_reads_uri_paths_and_globs_as_given(tmp_path, spark):
    # s3a://, hdfs:// ... cannot be listed locally: Spark expands the glob itself
    df = random_log(15, seed=4)
    df.iloc[:30].to_parquet(tmp_path / "part-0.parquet", coerce_timestamps="us")
    df.iloc[30:].to_parquet(tmp_path / "part-1.parquet", coerce_timestamps="us")
    log = EventLog.read_parquet(f"file://{tmp_path}/part-*.parquet", engine=spark)
    got = log.to_pandas()[["customer_id", "timestamp", "event", "channel"]]
    pd.testing.assert_frame_equal(got, ordered(df), check_dtype=False)


def test_parquet_with_text_times_reports_unparsable(tmp_path):
    df = pd.DataFrame(
        {"customer_id": ["a", "b"], "timestamp": ["2024-01-01 10:00:00", "yesterday"],
         "event": ["x", "y"]}
    )
    df.to_parquet(tmp_path / "e.parquet")
    with pytest.raises(SchemaError, match="1 timestamps cannot be parsed"):
        EventLog.read_parquet(tmp_path / "e.parquet")


def test_missing_parquet_file_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        EventLog.read_parquet(tmp_path / "nope.parquet")
    with pytest.raises(DataError, match="matches no file"):
        EventLog.read_parquet(str(tmp_path / "*.parquet"))


def test_csv_round_trip(tmp_path):
    df = _tiny()
    df.to_csv(tmp_path / "e.csv", index=False)
    log = EventLog.read_csv(tmp_path / "e.csv", customer_col="user", time_col="when",
                            event_col="what")
    assert log.to_pandas()["value"].iloc[1] == 19.5
    assert log.transitions().table["n"].tolist() == [1]


def test_from_ibis_and_from_spark(spark):
    import ibis

    df = _tiny()
    con = ibis.duckdb.connect()
    con.con.register("t", df)
    log = EventLog.from_ibis(con.table("t"), customer_col="user", time_col="when",
                             event_col="what")
    assert log.n_events == 3
    slog = EventLog.from_spark(spark.createDataFrame(df), customer_col="user", time_col="when",
                               event_col="what")
    assert slog.engine == "pyspark"
    assert slog.transitions().table[["event", "next_event", "n"]].values.tolist() == [
        ["visit", "buy", 1]
    ]


def test_filter_returns_a_new_log(make_log):
    log = make_log(_tiny(), customer_col="user", time_col="when", event_col="what")
    assert log.filter(events="visit").n_events == 2
    assert log.filter(customers=["u2"]).n_events == 1
    assert log.filter(start="2024-01-01 10:01", end="2024-01-02").n_events == 1
    assert log.n_events == 3
    with pytest.raises(DataError, match="start must be a timestamp"):
        log.filter(start="soon")


def test_repr_and_html(make_log):
    log = make_log(_tiny(), customer_col="user", time_col="when", event_col="what")
    assert "3 events, 2 customers, 2 event types" in repr(log)
    assert "<table" in log._repr_html_()
