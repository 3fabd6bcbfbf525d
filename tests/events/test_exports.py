"""Export loaders: each tool's real-shaped file gives back the hand-worked scenario.

The scenario and the expected journeys (customers after stitching, UTC times, channels,
amounts) are written out by hand in ``export_fixtures.py``; the loaders must reproduce them
from Parquet and from newline-delimited JSON.
"""

from __future__ import annotations

from pathlib import Path

import export_fixtures as fx
import pandas as pd
import pytest

from cjlib.errors import DataError, SchemaError
from cjlib.events import (
    read_amplitude,
    read_ga4,
    read_mixpanel,
    read_segment,
    read_snowplow,
)

LOADERS = {
    "ga4": (read_ga4, fx.write_ga4, {}),
    "segment": (read_segment, fx.write_segment, {}),
    "snowplow": (read_snowplow, fx.write_snowplow, {}),
    "amplitude": (read_amplitude, fx.write_amplitude, {}),
    "mixpanel": (read_mixpanel, fx.write_mixpanel, {"value_property": "Amount"}),
}
CASES = [(tool, fmt) for tool in LOADERS for fmt in ("parquet", "json")]
COLUMNS = ["customer_id", "timestamp", "event", "channel", "value"]
SUFFIX = {"parquet": "parquet", "json": "ndjson"}


_CACHE: dict[tuple, pd.DataFrame] = {}


def _load(tool: str, fmt: str, folder: Path, **kwargs: object) -> pd.DataFrame:
    """Load a tool's fixture once per test module (loads are compiled queries, ~1 s each)."""
    key = (tool, fmt, tuple(sorted(kwargs.items())))
    if key not in _CACHE:
        read, write, defaults = LOADERS[tool]
        path = write(folder / f"{tool}.{SUFFIX[fmt]}", fmt)
        _CACHE[key] = read(path, **{**defaults, **kwargs}).to_pandas()
    return _CACHE[key].copy()


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df[COLUMNS].sort_values(["customer_id", "timestamp"]).reset_index(drop=True)


@pytest.mark.parametrize(("tool", "fmt"), CASES)
def test_each_export_gives_the_hand_worked_journeys(tool: str, fmt: str, tmp_path: Path) -> None:
    got = _load(tool, fmt, tmp_path)
    expected = fx.EXPECTED.copy()
    if tool == "ga4":  # event_timestamp is in microseconds; the fixture adds 123 µs
        expected["timestamp"] = expected["timestamp"] + pd.Timedelta(microseconds=123)
    pd.testing.assert_frame_equal(_sorted(got), _sorted(expected), check_dtype=False)
    assert sorted(got["customer_id"].unique()) == ["anon-3", "u1", "u2", "u3"]


@pytest.mark.parametrize("tool", list(LOADERS))
def test_without_stitching_anonymous_ids_stay_customers(tool: str, tmp_path: Path) -> None:
    got = _load(tool, "json", tmp_path, stitch=False)
    expected = fx.EXPECTED_UNSTITCHED.copy()
    if tool == "ga4":
        expected["timestamp"] = expected["timestamp"] + pd.Timedelta(microseconds=123)
    pd.testing.assert_frame_equal(_sorted(got), _sorted(expected), check_dtype=False)
    assert got["customer_id"].nunique() == 7


def test_sessions_follow_each_tools_documented_rule(tmp_path: Path) -> None:
    keys = [(r[0], r[5]) for r in fx.SCENARIO]
    ga4 = _load("ga4", "parquet", tmp_path).sort_values(["anonymous_id", "timestamp"])
    amp = _load("amplitude", "json", tmp_path).sort_values(["anonymous_id", "timestamp"])
    snow = _load("snowplow", "parquet", tmp_path).sort_values(["anonymous_id", "timestamp"])
    order = sorted(range(len(keys)), key=lambda i: (keys[i][0], fx.SCENARIO[i][2]))
    assert ga4["session_id"].tolist() == [fx.ga4_session(*keys[i]) for i in order]
    assert amp["session_id"].tolist() == [fx.amplitude_session(*keys[i]) for i in order]
    assert snow["session_id"].tolist() == [f"sess-{keys[i][1]}" for i in order]


def test_rudderstack_session_ids_pair_the_anonymous_id(tmp_path: Path) -> None:
    path = fx.write_segment(tmp_path / "rudder.jsonl", "json", flavour="rudderstack")
    got = read_segment(path).to_pandas().sort_values(["anonymous_id", "timestamp"])
    first = got.iloc[0]
    assert first["anonymous_id"] == "anon-1"
    assert first["session_id"] == f"anon-1.{fx.SESSION_START['s1'] * 1000}"


def test_segment_identify_calls_link_ids_but_are_not_events(tmp_path: Path) -> None:
    path = fx.write_segment(tmp_path / "seg.json", "json")
    lines = path.read_text().splitlines()
    assert sum('"type": "identify"' in line for line in lines) == 4
    log = read_segment(path)
    assert log.n_events == 13
    assert "identify" not in log.event_names


def test_segment_paris_offsets_across_summer_time_become_utc(tmp_path: Path) -> None:
    path = fx.write_segment(tmp_path / "seg.json", "json")
    text = path.read_text()
    assert "2024-03-31T01:10:00.000+01:00" in text  # 00:10 UTC, winter time
    assert "2024-03-31T03:30:00.000+02:00" in text  # 01:30 UTC, summer time
    got = read_segment(path).to_pandas()
    login = got[(got["customer_id"] == "u1") & (got["event"] == "login")]["timestamp"]
    assert login.min() == pd.Timestamp("2024-03-31 01:30:00")


def test_ga4_channel_choices(tmp_path: Path) -> None:
    path = fx.write_ga4(tmp_path / "ga4.parquet")
    first = read_ga4(path, channel="first_medium").to_pandas()
    # anon-4 came first through cpc: all its events carry that first-acquisition medium
    assert set(first.loc[first["anonymous_id"] == "anon-4", "channel"]) == {"cpc"}
    device = read_ga4(path, channel="device").to_pandas()
    assert set(device.loc[device["anonymous_id"] == "anon-2", "channel"]) == {"mobile"}
    assert read_ga4(path, channel=None).to_pandas()["channel"].isna().all()


def test_a_loaded_export_runs_the_funnel(tmp_path: Path) -> None:
    log = read_ga4(fx.write_ga4(tmp_path / "ga4.parquet"))
    # by hand: page_view by u1, anon-3, u2; of them only u1 purchases afterwards
    assert log.funnel(["page_view", "purchase"]).table["customers"].tolist() == [3, 1]


def test_not_an_export_names_the_missing_fields(tmp_path: Path) -> None:
    path = fx.write_mixpanel(tmp_path / "mp.json", "json")
    with pytest.raises(SchemaError) as info:
        read_ga4(path)
    text = str(info.value)
    assert "not a GA4 export" in text and "event_timestamp" in text and "user_pseudo_id" in text


def test_bad_arguments_are_named(tmp_path: Path) -> None:
    path = fx.write_ga4(tmp_path / "ga4.parquet")
    with pytest.raises(DataError, match="channel must be one of"):
        read_ga4(path, channel="utm")
    with pytest.raises(DataError, match="format: cannot tell"):
        read_ga4(tmp_path / "ga4.dat")
    with pytest.raises(DataError, match="format must be one of"):
        read_ga4(path, format="csv")
    mp = fx.write_mixpanel(tmp_path / "mp.json", "json")
    with pytest.raises(DataError, match="value_property: no event has a property 'Price'"):
        read_mixpanel(mp, value_property="Price")
    with pytest.raises(DataError, match="time_unit must be one of"):
        read_mixpanel(mp, time_unit="us")
    with pytest.raises(DataError, match="no such file"):
        read_segment(tmp_path / "missing.json")


def test_mixpanel_milliseconds(tmp_path: Path) -> None:
    records = fx.mixpanel_records()
    for r in records:
        r["properties"]["time"] = r["properties"]["time"] * 1000 + 250
    import json

    path = tmp_path / "mp_ms.json"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    got = read_mixpanel(path, time_unit="ms").to_pandas()
    assert got["timestamp"].min() == pd.Timestamp("2024-03-30 23:50:00.250")


def test_events_without_any_id_are_refused_naming_the_tools_fields(tmp_path: Path) -> None:
    import json

    records = fx.mixpanel_records()
    for key in ("distinct_id", "$device_id", "$user_id"):
        records[0]["properties"].pop(key, None)
    path = tmp_path / "mp_noid.json"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    with pytest.raises(SchemaError) as info:
        read_mixpanel(path)
    text = str(info.value)
    assert "unexpected Mixpanel export" in text
    assert "properties.$user_id/$device_id/distinct_id: 1 events carry neither" in text
