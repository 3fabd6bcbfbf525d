"""Aware times with different offsets become UTC; identity stitching by the documented rule."""

from __future__ import annotations

from pathlib import Path

import export_fixtures as fx
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cjlib.errors import SchemaError
from cjlib.events import EventLog, stitch_identities

# Europe/Paris local times around the 2024-03-31 change (02:00 CET -> 03:00 CEST), by hand:
# 01:10+01:00 = 00:10 UTC, 01:59+01:00 = 00:59 UTC, 03:00+02:00 = 01:00 UTC,
# 03:30+02:00 = 01:30 UTC; and a Z value.
PARIS = [
    "2024-03-31T01:10:00+01:00",
    "2024-03-31T01:59:00+01:00",
    "2024-03-31T03:00:00+02:00",
    "2024-03-31T03:30:00.250+02:00",
    "2024-03-31T02:00:00Z",
]
UTC = [
    pd.Timestamp("2024-03-31 00:10:00"),
    pd.Timestamp("2024-03-31 00:59:00"),
    pd.Timestamp("2024-03-31 01:00:00"),
    pd.Timestamp("2024-03-31 01:30:00.250"),
    pd.Timestamp("2024-03-31 02:00:00"),
]


def _frame(times: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a"] * len(times),
            "timestamp": times,
            "event": list("vwxyz")[: len(times)],
        }
    )


def _parquet(df: pd.DataFrame, path: Path) -> Path:
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path)
    return path


def test_offsets_across_summer_time_become_utc_from_pandas() -> None:
    out = EventLog.from_pandas(_frame(PARIS)).to_pandas()
    assert out["timestamp"].tolist() == UTC


def test_offsets_across_summer_time_become_utc_from_parquet_text(tmp_path: Path) -> None:
    log = EventLog.read_parquet(_parquet(_frame(PARIS), tmp_path / "paris.parquet"))
    assert log.to_pandas()["timestamp"].tolist() == UTC


def test_aware_python_datetimes_with_different_zones_become_utc() -> None:
    times = [
        pd.Timestamp("2024-03-31 01:10", tz="Europe/Paris").to_pydatetime(),
        pd.Timestamp("2024-03-31 03:30", tz="Europe/Paris").to_pydatetime(),
        pd.Timestamp("2024-03-30 21:00", tz="America/New_York").to_pydatetime(),
    ]
    df = pd.DataFrame(
        {
            "customer_id": ["a"] * 3,
            "timestamp": pd.Series(times, dtype=object),
            "event": ["x", "y", "z"],
        }
    )
    out = EventLog.from_pandas(df).to_pandas()["timestamp"].tolist()
    # New York is UTC-4 in summer time (since 2024-03-10): 21:00 -> 01:00 UTC next day
    assert out == [
        pd.Timestamp("2024-03-31 00:10"),
        pd.Timestamp("2024-03-31 01:00"),
        pd.Timestamp("2024-03-31 01:30"),
    ]


@pytest.mark.parametrize("reader", ["pandas", "parquet"])
def test_naive_mixed_with_aware_is_refused_with_examples(reader: str, tmp_path: Path) -> None:
    df = _frame(["2024-03-31T01:10:00+01:00", "2024-03-31 02:00:00"]).rename(
        columns={"timestamp": "ts"}
    )
    with pytest.raises(SchemaError) as info:
        if reader == "pandas":
            EventLog.from_pandas(df, time_col="ts")
        else:
            EventLog.read_parquet(_parquet(df, tmp_path / "mixed.parquet"), time_col="ts")
    text = str(info.value)
    assert "ts: mixed time zones" in text
    assert "2024-03-31 02:00:00" in text and "2024-03-31T01:10:00+01:00" in text


def test_dates_and_naive_text_are_not_taken_for_offsets(tmp_path: Path) -> None:
    df = _frame(["2024-03-31", "2024-04-01 10:00", "2024-04-01T10:00:00.5"])
    log = EventLog.read_parquet(_parquet(df, tmp_path / "naive.parquet"))
    assert log.to_pandas()["timestamp"].tolist() == [
        pd.Timestamp("2024-03-31"),
        pd.Timestamp("2024-04-01 10:00"),
        pd.Timestamp("2024-04-01 10:00:00.5"),
    ]


# ------------------------------------------------------------------ identity stitching
def _scenario_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "device": [r[0] for r in fx.SCENARIO],
            "uid": [r[1] for r in fx.SCENARIO],
            "ts": [r[2] for r in fx.SCENARIO],
            "event": [r[3] for r in fx.SCENARIO],
        }
    )


def test_stitching_follows_the_hand_worked_scenario() -> None:
    df = _scenario_frame()
    before = df.copy()
    out = stitch_identities(df, user_col="uid", anonymous_col="device", time_col="ts")
    pd.testing.assert_frame_equal(df, before)  # the input is not changed
    assert out["customer_id"].tolist() == fx.EXPECTED["customer_id"].tolist()
    assert out.drop(columns="customer_id").equals(before)


def test_a_device_seen_with_two_users_at_once_goes_to_the_smaller_id() -> None:
    df = pd.DataFrame(
        {
            "anonymous_id": ["d", "d", "d"],
            "user_id": ["zoe", "adam", None],
            "timestamp": ["2024-01-01T10:00Z", "2024-01-01T10:00Z", "2024-01-01T09:00Z"],
        }
    )
    assert stitch_identities(df)["customer_id"].tolist() == ["zoe", "adam", "adam"]


def test_integer_ids_are_stitched_as_text() -> None:
    df = pd.DataFrame(
        {
            "anonymous_id": [7, 7],
            "user_id": [None, 42],
            "timestamp": ["2024-01-01T10:00Z", "2024-01-01T11:00Z"],
        }
    )
    assert stitch_identities(df)["customer_id"].tolist() == ["42", "42"]


def test_stitching_refuses_rows_without_any_id_and_missing_columns() -> None:
    df = pd.DataFrame(
        {
            "anonymous_id": ["d", None],
            "user_id": [None, " "],
            "timestamp": ["2024-01-01T10:00Z", "2024-01-01T11:00Z"],
        }
    )
    with pytest.raises(SchemaError, match="1 rows have neither a user id nor an anonymous id"):
        stitch_identities(df)
    with pytest.raises(SchemaError, match="did you mean 'anonymous_id'"):
        stitch_identities(df, anonymous_col="anonymus_id")
