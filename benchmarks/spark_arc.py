"""The arc at scale: DuckDB with a memory cap versus a local Spark standalone cluster.

Simulates a telco log with ``cjlib.datasets.simulate_to_parquet`` (about 45 events per
customer), then, each in a fresh process:

* **DuckDB**: ``cjlib.measure`` (and transitions, a stage funnel) from Parquet with
  ``configure_duckdb(memory_limit=...)``; prints wall time, peak RSS and the largest spill seen;
* **Spark**: the same computations as a client of a standalone cluster this script starts on
  localhost (one master, two workers, through pyspark's ``bin/spark-class``) and stops after;
  prints wall time beside DuckDB's and whether the results agree.

Run (small while the machine is shared; the issue's scale targets last)::

    .venv/bin/python benchmarks/spark_arc.py --size 100k --duckdb-size 100k
    .venv/bin/python benchmarks/spark_arc.py --size 10M --duckdb-size 100M --memory-limit 3GB

Session start-up (JVMs, executors) is excluded from the Spark time; reading Parquet is
included for both engines. Needs pyspark and Java 17+.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))
from events_bench import SpillWatch, _peak_rss_mb  # noqa: E402

EVENTS_PER_CUSTOMER = 45
UNITS = {"k": 1_000, "M": 1_000_000}
TASKS = ("measure", "transitions", "funnel")


def events_of(size: str) -> int:
    return int(float(size[:-1]) * UNITS[size[-1]]) if size[-1] in UNITS else int(size)


def make_data(size: str, root: Path) -> Path:
    """Simulate about ``size`` events into ``root/events_<size>`` (cached)."""
    folder = root / f"events_{size}"
    if not (folder / "events.parquet").exists():
        from cjlib.datasets import load_map, simulate_to_parquet

        customers = max(200, events_of(size) // EVENTS_PER_CUSTOMER)
        print(f"simulating ~{size} events ({customers:,} customers) ...", flush=True)
        simulate_to_parquet(load_map("telco"), customers, folder, seed=2024)
    return folder / "events.parquet"


# ----------------------------------------------------------------------------- workers
def run_tasks(path: str, engine: object) -> dict[str, object]:
    """Time each task on ``engine``; return seconds and a check value per task."""
    import cjlib
    from cjlib.datasets import load_map
    from cjlib.events import EventLog

    journey_map = load_map("telco")
    stages = [s.id for s in journey_map.stages]
    out: dict[str, object] = {}
    for task in TASKS:
        start = time.perf_counter()
        log = EventLog.read_parquet(path, engine=engine, validate=False)
        if task == "measure":
            table = cjlib.measure(journey_map, log).stages
            check = [int(v) for v in table["reach"]]
        elif task == "transitions":
            table = log.transitions().table
            check = int(table["n"].sum())
        else:
            table = log.bind(journey_map).funnel(stages, level="stage").table
            check = [int(v) for v in table["customers"]]
        out[task] = {"seconds": time.perf_counter() - start, "check": check}
    return out


def worker_duckdb(path: str, memory_limit: str | None) -> None:
    import cjlib.events  # noqa: F401  (import time excluded)
    from cjlib.events import configure_duckdb

    spill = tempfile.mkdtemp(prefix="cjlib-spark-arc-spill-")
    try:
        configure_duckdb(temp_directory=spill, memory_limit=memory_limit)
        with SpillWatch(spill) as watch:
            result = run_tasks(path, "duckdb")
        result["_"] = {"rss_mb": _peak_rss_mb(), "spill_mb": watch.peak / 2**20}
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    print(json.dumps(result))


def worker_spark(path: str, master_url: str) -> None:
    from pyspark.sql import SparkSession

    import cjlib.events  # noqa: F401

    spark = (
        SparkSession.builder.master(master_url)
        .appName("cjlib-spark-arc")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "2g")
        .config("spark.executor.memory", "2g")
        .config("spark.executor.cores", "1")
        .config("spark.cores.max", "2")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
        .config("spark.scheduler.maxRegisteredResourcesWaitingTime", "300s")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        result = run_tasks(path, spark)
        result["_"] = {"rss_mb": _peak_rss_mb(), "spill_mb": None}
    finally:
        spark.stop()
    print(json.dumps(result))


# ------------------------------------------------------------------------------ cluster
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def standalone_cluster(root: Path, worker_memory: str = "3g", timeout: float = 600.0):
    """A master and two workers on localhost; yields the master URL, stops them after."""
    import pyspark

    home = Path(pyspark.__file__).resolve().parent
    spark_class = str(home / "bin" / "spark-class")
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": sys.executable,
    }
    port, ui = _free_port(), _free_port()
    url = f"spark://127.0.0.1:{port}"
    commands = [
        [
            spark_class,
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--webui-port",
            str(ui),
        ]
    ]
    for i in (1, 2):
        (root / f"worker{i}").mkdir(parents=True, exist_ok=True)
        commands.append(
            [
                spark_class,
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--webui-port",
                str(_free_port()),
                "--cores",
                "1",
                "--memory",
                worker_memory,
                "--work-dir",
                str(root / f"worker{i}"),
                url,
            ]
        )
    procs = []
    try:
        for i, command in enumerate(commands):
            log = open(root / f"daemon{i}.log", "wb")  # noqa: SIM115 (closed with the process)
            procs.append(
                subprocess.Popen(
                    command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
        deadline = time.monotonic() + timeout
        while True:
            with (
                contextlib.suppress(OSError, ValueError),
                urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=5) as r,
            ):
                if json.load(r).get("aliveworkers", 0) >= 2:
                    break
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"the standalone cluster did not start; logs in {root}")
            time.sleep(2)
        yield url
    finally:
        for p in reversed(procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)


# ------------------------------------------------------------------------------- driver
def run_worker(args: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(HERE), "--worker", *args], capture_output=True, text=True, check=False
    )
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"error": tail[:300]}
    return json.loads(lines[-1])


def report(title: str, result: dict[str, object], beside: dict[str, object] | None) -> None:
    print(title)
    if "error" in result:
        print(f"  failed: {result['error']}")
        return
    extra = result["_"]
    spill = "-" if extra["spill_mb"] is None else f"{extra['spill_mb']:.0f} MB"
    print(f"  peak RSS of the client {extra['rss_mb']:.0f} MB, spill {spill}")
    for task in TASKS:
        row = result[task]
        line = f"  {task:12s} {row['seconds']:8.2f} s"
        if beside is not None and "error" not in beside:
            other = beside[task]
            same = "same" if other["check"] == row["check"] else "DIFFERENT"
            ratio = row["seconds"] / other["seconds"]
            line += f"   DuckDB {other['seconds']:8.2f} s   ratio {ratio:5.2f}x   {same}"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="10M", help="events on the Spark cluster (and DuckDB)")
    parser.add_argument("--duckdb-size", default="100M", help="events for the capped DuckDB run")
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB memory_limit")
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "cjlib-bench"))
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, path, option = args.worker
        if kind == "duckdb":
            worker_duckdb(path, None if option == "-" else option)
        else:
            worker_spark(path, option)
        return
    root = Path(args.data)
    path = make_data(args.size, root)
    duck = run_worker(["duckdb", str(path), args.memory_limit])
    report(f"DuckDB, {args.size} events, memory_limit={args.memory_limit}", duck, None)
    with (
        tempfile.TemporaryDirectory(prefix="cjlib-cluster-") as tmp,
        standalone_cluster(Path(tmp)) as url,
    ):
        spark = run_worker(["spark", str(path), url])
    report(f"Spark standalone (1 master, 2 workers x 1 core), {args.size} events", spark, duck)
    if args.duckdb_size != args.size:
        big = make_data(args.duckdb_size, root)
        result = run_worker(["duckdb", str(big), args.memory_limit])
        report(f"DuckDB, {args.duckdb_size} events, memory_limit={args.memory_limit}", result, None)


if __name__ == "__main__":
    main()
