"""Engine policy (settings, clear failures) and the result-object contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from events_reference import random_log

from cjlib.errors import DataError
from cjlib.events import EventLog, _engine, configure_duckdb, count, flag

pytestmark = pytest.mark.filterwarnings("ignore::cjlib.events.DuplicateEventsWarning")


def test_duckdb_settings_are_applied_and_validated():
    before = configure_duckdb()
    try:
        configure_duckdb(max_temp_directory_size="7GB")
        raw = _engine.duckdb_backend().con
        got = raw.execute("SELECT current_setting('max_temp_directory_size')").fetchall()[0][0]
        assert got.replace(" ", "").upper().startswith(("7GB", "6.5GIB", "6.5GB"))
        assert raw.execute("SELECT current_setting('TimeZone')").fetchall()[0][0] == "UTC"
    finally:
        configure_duckdb(max_temp_directory_size=before.max_temp_directory_size)
    with pytest.raises(DataError, match="memory_limit must be a size"):
        configure_duckdb(memory_limit="lots")
    with pytest.raises(DataError, match="threads"):
        configure_duckdb(threads=0)


_OUT_OF_DISK = """
import numpy as np, pandas as pd
from cjlib.errors import EngineError
from cjlib.events import EventLog, configure_duckdb
configure_duckdb(memory_limit="20MB", max_temp_directory_size="1MB", threads=1)
rng = np.random.default_rng(0)
n = 400_000
df = pd.DataFrame({
    "customer_id": rng.integers(0, 50_000, n).astype(str),
    "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**9, n), "s"),
    "event": rng.choice([f"event_{i:03d}_with_a_long_name" for i in range(200)], n),
})
try:
    EventLog.from_pandas(df).transitions()
except EngineError as exc:
    print("ENGINE-ERROR:", exc)
"""


def test_out_of_memory_or_disk_becomes_a_clear_engine_error():
    # a fresh interpreter: DuckDB's limits are tightened before anything is stored
    out = subprocess.run(
        [sys.executable, "-c", _OUT_OF_DISK], capture_output=True, text=True, timeout=300
    )
    assert "ENGINE-ERROR:" in out.stdout, out.stderr[-2000:]
    message = out.stdout.split("ENGINE-ERROR:", 1)[1]
    assert "configure_duckdb" in message
    assert "memory_limit=20MB" in message or "max_temp_directory_size=1MB" in message


def test_epoch_micros_is_exact(make_log):
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "timestamp": pd.to_datetime(
                ["2024-01-01 00:00:00.000001", "2024-01-01 00:00:00.000004"], format="ISO8601"
            ),
            "event": ["x", "y"],
        }
    )
    gap = make_log(df).transitions().table["median_gap"].iloc[0]
    assert gap == pd.Timedelta(microseconds=3)


def test_every_result_has_table_summary_plot_dict_and_html():
    df = random_log(30, seed=8)
    log = EventLog.from_pandas(df)
    results = [
        log.transitions(),
        log.step_flows(max_steps=3),
        log.funnel(["visit", "view", "buy"]),
        log.sessions(),
        log.journeys(start="visit", success="buy", failure="dispute", timeout="2D"),
        log.journey_kpis(start="visit", success="buy"),
        log.signals([count("call"), flag("dispute")]),
        log.paths("buy"),
    ]
    for r in results:
        assert isinstance(r.table, pd.DataFrame) and len(r.table)
        assert isinstance(r.summary(), str) and r.summary()
        assert "<table" in r._repr_html_()
        json.dumps(r.to_dict())  # JSON-ready
        fig = r.plot()
        assert fig.__class__.__name__ == "Figure" and len(fig.data) >= 1
        assert type(r).__name__ in repr(r)


def test_materialized_table_is_dropped_on_exit_even_after_an_error():
    import ibis

    backend = _engine.duckdb_backend()

    def temp_tables() -> set[str]:
        rows = backend.con.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE temporary AND table_name LIKE 'cjlib_tmp%'"
        ).fetchall()
        return {r[0] for r in rows}

    before = temp_tables()
    with _engine.materialized(ibis.memtable({"x": [1, 2, 3]}), backend) as stored:
        assert int(_engine.execute(stored.x.sum(), backend)) == 6
        assert len(temp_tables() - before) == 1
    assert temp_tables() == before
    with (
        pytest.raises(RuntimeError, match="boom"),
        _engine.materialized(ibis.memtable({"x": [1]}), backend),
    ):
        raise RuntimeError("boom")
    assert temp_tables() == before


def test_encode_maps_text_to_positions_and_unknown_to_null(engine):
    import ibis

    from cjlib.events._common import encode

    df = pd.DataFrame({"customer_id": ["a", "a", "b"], "event": ["y", "x", "zzz"]})
    log = EventLog.from_pandas(
        df.assign(timestamp=pd.Timestamp("2024-01-01")), engine=engine
    )
    coded = encode(log._table.select("customer_id", "event"), "event", ["x", "y"])
    assert coded.columns == ("customer_id", "_code")
    got = log._execute(coded.order_by(["customer_id", ibis._._code]))
    assert got["customer_id"].tolist() == ["a", "a", "b"]
    assert got["_code"].tolist()[:2] == [0, 1]
    assert pd.isna(got["_code"].iloc[2])  # not in the names: NULL, row kept


def test_event_names_are_computed_once_per_log_and_not_shared_with_derived_logs(monkeypatch):
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
            "event": ["visit", "buy", "visit"],
        }
    )
    log = EventLog.from_pandas(df)
    calls = []
    original = EventLog._execute

    def counting(self, expr):
        calls.append(expr)
        return original(self, expr)

    monkeypatch.setattr(EventLog, "_execute", counting)
    assert log.event_names == ["buy", "visit"]
    assert log.event_names == ["buy", "visit"]
    assert len(calls) == 1
    assert log.filter(events=["visit"]).event_names == ["visit"]
    assert len(calls) == 2


def test_micro_conversions_keep_missing_values_index_and_rounding():
    import numpy as np

    from cjlib.events._common import micros_to_timedelta, micros_to_timestamp

    # many missing values among large ones: the pattern that made pandas 2.x's float unit
    # conversion raise FloatingPointError at random (pandas issue 58419); run it strictly
    values = pd.Series([1.7e15, np.nan, 1_500_000.6, None] * 5_000, index=range(10, 20_010))
    with np.errstate(all="raise"):
        stamps = micros_to_timestamp(values)
        gaps = micros_to_timedelta(values)
    assert stamps.index.equals(values.index) and gaps.index.equals(values.index)
    assert stamps.dtype == "datetime64[ns]" and gaps.dtype == "timedelta64[ns]"
    assert stamps.iloc[0] == pd.Timestamp("2023-11-14 22:13:20")  # 1.7e9 s after the epoch
    assert gaps.iloc[2] == pd.Timedelta(microseconds=1_500_001)  # rounded to 1 µs
    assert stamps.isna().sum() == gaps.isna().sum() == 10_000
    masked = pd.Series([5, None], dtype="Float64")  # a masked array, as engines return
    assert micros_to_timedelta(masked).tolist() == [pd.Timedelta(microseconds=5), pd.NaT]
