"""Run arc computations as a client of a Spark standalone cluster and save their tables.

Used by ``test_standalone_cluster.py`` in a fresh process, because a Python process holds one
SparkContext and the events tests already keep a local one. Usage::

    python cluster_client.py MASTER_URL SHARED_FOLDER OUT_FOLDER
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
from pyspark.sql import SparkSession

import cjlib
from cjlib.datasets import load_map
from cjlib.events import EventLog


def main(master_url: str, shared: Path, out: Path) -> None:
    spark = (
        SparkSession.builder.master(master_url)
        .appName("cjlib-cluster-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "1g")
        .config("spark.executor.memory", "512m")
        .config("spark.executor.cores", "1")
        .config("spark.cores.max", "2")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        # start computing only once both workers' executors have registered
        .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
        .config("spark.scheduler.maxRegisteredResourcesWaitingTime", "300s")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        journey_map = load_map("telco")
        log = EventLog.read_parquet(str(shared / "events" / "part-*.parquet"), engine=spark)
        bound = log.bind(journey_map)
        stages = [stage.id for stage in journey_map.stages]
        tables = {
            "transitions": log.transitions().table,
            "funnel": bound.funnel(stages, level="stage").table,
        }
        measured = cjlib.measure(
            journey_map,
            log,
            surveys=pd.read_parquet(shared / "surveys.parquet"),
            customers=pd.read_parquet(shared / "customers.parquet"),
        )
        tables["measure_stages"] = measured.stages
        tables["measure_touchpoints"] = measured.touchpoints
        for name, table in tables.items():
            table.to_pickle(out / f"{name}.pkl")
        # the driver counts itself among the block managers: 2 workers -> 3
        executors = spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1
        info = {
            "master": spark.sparkContext.master,
            "executors": int(executors),
            "n_events": log.n_events,
        }
        (out / "info.json").write_text(json.dumps(info))
    finally:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
