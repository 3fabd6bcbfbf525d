"""Engine fixtures: every events test runs on DuckDB and on Spark (local mode)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from cjlib.events import EventLog


@pytest.fixture(scope="session")
def spark() -> Any:
    """One local SparkSession per test process (slow to start, so shared)."""
    pyspark = pytest.importorskip("pyspark")
    del pyspark
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)
    session = (
        SparkSession.builder.master("local[1]")
        .appName("cjlib-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine(request: pytest.FixtureRequest) -> Any:
    """``"duckdb"`` or the shared SparkSession."""
    if request.param == "duckdb":
        return "duckdb"
    return request.getfixturevalue("spark")


@pytest.fixture
def make_log(engine: Any) -> Callable[..., EventLog]:
    """Build an EventLog from a pandas frame on the engine under test."""

    def build(df: pd.DataFrame, **kwargs: Any) -> EventLog:
        return EventLog.from_pandas(df, engine=engine, **kwargs)

    return build
