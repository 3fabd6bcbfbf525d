"""The whole arc reads an EventLog on Spark exactly as on DuckDB.

Every function downstream of the events layer that takes an ``EventLog`` (``measure``, the
report's analyses, ``EventLog.read_parquet``) runs unchanged on a Spark session and returns
the same tables as on DuckDB, on a slice of the telco sample (150 customers, to keep Spark
lean). The reference is DuckDB, which the rest of the suite checks against hand-computed and
independent values.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import cjlib
from cjlib._report_analysis import run_analyses
from cjlib.datasets import load_sample
from cjlib.events import EventLog

pytestmark = [pytest.mark.spark, pytest.mark.slow]

N_CUSTOMERS = 150


@pytest.fixture(scope="module")
def sample() -> Any:
    """The first customers of the telco sample, with their events, surveys and purchases."""
    data = load_sample("telco")
    keep = set(data.customers["customer_id"].astype(str).head(N_CUSTOMERS))

    def only(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["customer_id"].astype(str).isin(keep)].reset_index(drop=True)

    return {
        "map": data.journey_map,
        "events": only(data.events),
        "customers": only(data.customers),
        "surveys": only(data.surveys),
        "transactions": only(data.transactions),
    }


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order (by every non-float column), so engines may return any order."""
    keys = [c for c in frame.columns if not pd.api.types.is_float_dtype(frame[c])]
    if keys:
        frame = frame.sort_values(keys, kind="stable", na_position="last")
    return frame.reset_index(drop=True)


def assert_same(duck: pd.DataFrame, spark: pd.DataFrame) -> None:
    assert len(duck) > 0
    pd.testing.assert_frame_equal(
        _canonical(duck), _canonical(spark), check_exact=False, rtol=1e-12, atol=1e-12
    )


@pytest.fixture(scope="module")
def measured(sample: Any, spark: Any) -> tuple[Any, Any]:
    runs = []
    for engine in ("duckdb", spark):
        log = EventLog.from_pandas(sample["events"], engine=engine)
        runs.append(
            cjlib.measure(
                sample["map"], log, surveys=sample["surveys"], customers=sample["customers"]
            )
        )
    return runs[0], runs[1]


def test_measure_on_spark_equals_duckdb(measured: tuple[Any, Any]) -> None:
    duck, spark = measured
    assert_same(duck.stages, spark.stages)
    assert_same(duck.touchpoints, spark.touchpoints)
    assert_same(duck.emotion, spark.emotion)
    assert duck.info == spark.info
    assert duck.warnings == spark.warnings
    # the slice is not degenerate: customers reach the first stage and some go further
    assert int(duck.stages.loc[0, "reach"]) > 0
    assert duck.stages["reach"].gt(0).sum() >= 3


def test_report_analyses_on_spark_equal_duckdb(sample: Any, spark: Any) -> None:
    runs = []
    for engine in ("duckdb", spark):
        log = EventLog.from_pandas(sample["events"], engine=engine)
        runs.append(
            run_analyses(
                sample["map"],
                log,
                customers=sample["customers"],
                surveys=sample["surveys"],
                transactions=None,
                landmark_days=30,
                controls=[],
                clv_weeks=26,
            )
        )
    duck, spark_run = runs
    assert duck.skipped == spark_run.skipped
    assert_same(duck.flows.table, spark_run.flows.table)
    assert_same(duck.funnel.table, spark_run.funnel.table)
    assert_same(duck.measured.touchpoints, spark_run.measured.touchpoints)
    assert duck.signal_touchpoints == spark_run.signal_touchpoints
    # the slice reaches the linked-signals section: only CLV is skipped (no transactions)
    assert list(duck.skipped) == ["clv"]
    assert_same(duck.landmark_table, spark_run.landmark_table)
    assert_same(duck.link.table, spark_run.link.table)
    assert_same(duck.backlog.table, spark_run.backlog.table)


def test_read_parquet_on_spark_measures_like_duckdb(
    sample: Any, spark: Any, measured: tuple[Any, Any], tmp_path: Any
) -> None:
    path = tmp_path / "events.parquet"
    # microsecond timestamps: Spark cannot read pandas' default nanosecond Parquet times
    sample["events"].to_parquet(path, coerce_timestamps="us", allow_truncated_timestamps=True)
    log = EventLog.read_parquet(path, engine=spark)
    assert log.engine == "pyspark"
    result = cjlib.measure(
        sample["map"], log, surveys=sample["surveys"], customers=sample["customers"]
    )
    assert_same(measured[0].stages, result.stages)
    assert_same(measured[0].touchpoints, result.touchpoints)
