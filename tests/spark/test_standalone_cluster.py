"""The arc on a real cluster shape: a standalone master and two workers on localhost.

The log is written as Parquet parts into a folder every node reads; a client process
(``cluster_client.py``) opens it with ``EventLog.read_parquet`` on the cluster and runs
transitions, a stage funnel and ``measure``. Its tables must equal DuckDB's on the same files.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import cjlib
from cjlib.datasets import load_sample
from cjlib.events import EventLog

pytestmark = [pytest.mark.spark, pytest.mark.slow]

N_CUSTOMERS = 120
CLIENT_TIMEOUT_S = 900
CLIENT = Path(__file__).with_name("cluster_client.py")


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in frame.columns if not pd.api.types.is_float_dtype(frame[c])]
    if keys:
        frame = frame.sort_values(keys, kind="stable", na_position="last")
    return frame.reset_index(drop=True)


@pytest.fixture(scope="module")
def cluster_run(standalone_cluster: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    data = load_sample("telco")
    keep = set(data.customers["customer_id"].astype(str).head(N_CUSTOMERS))

    def only(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["customer_id"].astype(str).isin(keep)].reset_index(drop=True)

    shared = standalone_cluster.shared
    (shared / "events").mkdir()
    events = only(data.events)
    half = len(events) // 2
    for i, part in enumerate((events.iloc[:half], events.iloc[half:])):
        # microsecond timestamps: Spark cannot read pandas' default nanosecond Parquet times
        part.to_parquet(
            shared / "events" / f"part-{i}.parquet",
            coerce_timestamps="us",
            allow_truncated_timestamps=True,
        )
    only(data.customers).to_parquet(shared / "customers.parquet")
    only(data.surveys).to_parquet(shared / "surveys.parquet")

    out = tmp_path_factory.mktemp("cluster-out")
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}
    client = subprocess.Popen(
        [sys.executable, str(CLIENT), standalone_cluster.master_url, str(shared), str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = client.communicate(timeout=CLIENT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        # the client's process group holds its driver JVM too: stop them together
        os.killpg(client.pid, signal.SIGKILL)
        output, _ = client.communicate()
        pytest.fail(f"the cluster client ran past {CLIENT_TIMEOUT_S} s:\n{output[-5000:]}")
    if client.returncode != 0:
        pytest.fail(f"the cluster client failed:\n{output[-5000:]}")
    return out, shared


def test_the_client_ran_on_two_executors_of_the_standalone_master(
    cluster_run: Any, standalone_cluster: Any
) -> None:
    out, shared = cluster_run
    info = json.loads((out / "info.json").read_text())
    assert info["master"] == standalone_cluster.master_url
    assert info["executors"] == 2
    duck = EventLog.read_parquet(str(shared / "events" / "part-*.parquet"))
    assert info["n_events"] == duck.n_events > 0


def test_arc_on_the_cluster_equals_duckdb(cluster_run: Any) -> None:
    out, shared = cluster_run
    journey_map = load_sample("telco").journey_map
    log = EventLog.read_parquet(str(shared / "events" / "part-*.parquet"))
    measured = cjlib.measure(
        journey_map,
        log,
        surveys=pd.read_parquet(shared / "surveys.parquet"),
        customers=pd.read_parquet(shared / "customers.parquet"),
    )
    stages = [stage.id for stage in journey_map.stages]
    expected = {
        "transitions": log.transitions().table,
        "funnel": log.bind(journey_map).funnel(stages, level="stage").table,
        "measure_stages": measured.stages,
        "measure_touchpoints": measured.touchpoints,
    }
    for name, table in expected.items():
        assert len(table) > 0, name
        pd.testing.assert_frame_equal(
            _canonical(table),
            _canonical(pd.read_pickle(out / f"{name}.pkl")),
            check_exact=False,
            rtol=1e-12,
            atol=1e-12,
            obj=name,
        )
