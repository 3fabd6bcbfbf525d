"""Event-log benchmark: cjlib versus hand-written DuckDB SQL, pandas, retentioneering, pm4py.

Generates simulated event logs with ``cjlib.datasets.simulate_to_parquet`` (about 1M and 10M
events; 50M with ``--with-50m``), then times three computations — transitions with exact
median gaps, step flows (6 steps) and a 4-step ordered funnel — for each implementation,
each run in a fresh process, median of ``--repeats`` runs, and checks that every
implementation returns the same counts. retentioneering 5.x and pm4py (transitions only:
their Eventstream / directly-follows graph with median times) are installed by the script
into their own temporary virtual environments.

Run::

    .venv/bin/python benchmarks/events_bench.py                 # 1M and 10M
    .venv/bin/python benchmarks/events_bench.py --sizes 1M      # quick
    .venv/bin/python benchmarks/events_bench.py --with-50m      # adds the 50M regression run
    .venv/bin/python benchmarks/events_bench.py --skip-external # no retentioneering / pm4py

Two hand-written DuckDB SQL baselines: ``duckdb_sql`` is the query most people write (one
statement; its exact median over the window output runs out of disk at 50M events on DuckDB
2.0), ``duckdb_sql_mat`` (transitions only) first materialises the windowed rows into a
temporary table, the known workaround. Ratios are against ``duckdb_sql``, or against
``duckdb_sql_mat`` where the first failed.

Memory and disk: ``--memory-limit 3GB`` caps DuckDB's memory (cjlib through
``configure_duckdb``, the SQL baselines through ``SET memory_limit``); by default both use
cjlib's default (60 % of RAM). Every DuckDB run gets a fresh temporary directory that a
background thread polls every 20 ms; the largest disk use seen is printed as "spill (MB)"
(0 = no spill). Example — the scale targets::

    .venv/bin/python benchmarks/events_bench.py --sizes 50M --repeats 1 --skip-external \
        --tasks transitions --impls cjlib,duckdb_sql,duckdb_sql_mat
    .venv/bin/python benchmarks/events_bench.py --sizes 100M --repeats 1 --skip-external \
        --impls cjlib --memory-limit 3GB

Library import time is excluded (it is paid once per session); reading the Parquet file is
included. Printed: one table per size with median wall time (s), peak RSS (MB), spill (MB) and
the ratio to the hand-written DuckDB SQL, plus whether the counts agree with it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve()
EVENTS_PER_CUSTOMER = 45  # simulate_to_parquet's documented average
SIZES = {"1M": 1_000_000, "10M": 10_000_000, "50M": 50_000_000, "100M": 100_000_000}
TASKS = ("transitions", "step_flows", "funnel")
CORE = ("cjlib", "duckdb_sql", "duckdb_sql_mat", "pandas")
ONLY = {"duckdb_sql_mat": ("transitions",)}  # implementations written for some tasks only
EXTERNAL = {
    "retentioneering": ["retentioneering>=5,<6", "pyarrow"],
    "pm4py": ["pm4py", "pyarrow"],
}
MAX_STEPS = 6


# --------------------------------------------------------------------------- workers
# Each worker runs in a fresh interpreter and prints one JSON line: seconds, peak RSS and
# a "check" value (counts) compared across implementations.


def _peak_rss_mb() -> float:
    """Peak resident memory of this process (MB).

    Linux's VmHWM belongs to this process's own address space. ``ru_maxrss`` is not used
    where VmHWM exists: a child process inherits its parent's peak across fork + exec, so
    every worker would report at least the driver's memory.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # not Linux
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class SpillWatch:
    """Poll a directory every 20 ms in a thread and keep the largest disk use seen (bytes)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _usage(self) -> int:
        total = 0
        for root, _, files in os.walk(self.folder):
            for name in files:
                with contextlib.suppress(OSError):  # a spill file removed while we looked
                    total += os.stat(os.path.join(root, name)).st_blocks * 512
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._usage())
            self._stop.wait(0.02)

    def __enter__(self) -> SpillWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._usage())


def _spill_dir() -> str:
    """A fresh, empty temporary directory for this run's DuckDB spill files."""
    return tempfile.mkdtemp(prefix="cjlib-bench-spill-")


MEMORY_LIMIT = os.environ.get("CJLIB_BENCH_MEMORY_LIMIT") or None


def work_cjlib(task: str, path: str, steps: list[str]) -> object:
    from cjlib.events import EventLog, configure_duckdb

    configure_duckdb(temp_directory=SPILL_DIR, memory_limit=MEMORY_LIMIT)
    log = EventLog.read_parquet(path, validate=False)
    if task == "transitions":
        t = log.transitions().table
        return [int(t["n"].sum()), len(t)]
    if task == "step_flows":
        t = log.step_flows(max_steps=MAX_STEPS, top_k=1000).table
        return [int(x) for x in t.groupby("step")["n"].sum().tolist()]
    t = log.funnel(steps).table
    return [int(x) for x in t["customers"]]


def _sql_connect():
    import duckdb

    con = duckdb.connect()
    # the same settings cjlib applies (see cjlib.events.DuckDBSettings)
    con.execute(f"SET temp_directory='{SPILL_DIR}'")
    con.execute("SET max_temp_directory_size='20GB'")
    con.execute(f"SET memory_limit='{MEMORY_LIMIT or _default_memory_limit()}'")
    con.execute("SET preserve_insertion_order=false")
    return con


def _default_memory_limit() -> str:
    from cjlib.events import DuckDBSettings

    return DuckDBSettings().memory_limit


_WINDOWED = """
    SELECT event,
           lead(event) OVER w AS nxt,
           epoch_us(lead(timestamp) OVER w) - epoch_us(timestamp) AS gap
    FROM {src}
    WINDOW w AS (PARTITION BY customer_id ORDER BY timestamp, o)"""


def work_duckdb_sql_mat(task: str, path: str, steps: list[str]) -> object:
    """Transitions with the windowed rows materialised first (DuckDB 2.0's spill workaround)."""
    con = _sql_connect()
    src = f"(SELECT customer_id, timestamp, event, file_row_number AS o " \
          f"FROM read_parquet('{path}', file_row_number=true))"
    con.execute(f"CREATE TEMP TABLE w AS {_WINDOWED.format(src=src)}")
    rows = con.execute(
        "SELECT event, nxt, count(*) AS n, median(gap::DOUBLE) AS median_gap "
        "FROM w WHERE nxt IS NOT NULL GROUP BY ALL"
    ).fetchall()
    return [int(sum(r[2] for r in rows)), len(rows)]


def work_duckdb_sql(task: str, path: str, steps: list[str]) -> object:
    con = _sql_connect()
    src = (
        f"(SELECT customer_id, timestamp, event, file_row_number AS o "
        f"FROM read_parquet('{path}', file_row_number=true))"
    )
    if task == "transitions":
        rows = con.execute(
            f"""
            WITH w AS ({_WINDOWED.format(src=src)})
            SELECT event, nxt, count(*) AS n, median(gap::DOUBLE) AS median_gap
            FROM w WHERE nxt IS NOT NULL GROUP BY ALL"""
        ).fetchall()
        return [int(sum(r[2] for r in rows)), len(rows)]
    if task == "step_flows":
        rows = con.execute(
            f"""
            WITH w AS (
              SELECT event,
                     row_number() OVER (PARTITION BY customer_id ORDER BY timestamp, o) - 1
                       AS step,
                     lead(event) OVER (PARTITION BY customer_id ORDER BY timestamp, o) AS nxt
              FROM {src})
            SELECT step, event, coalesce(nxt, '(drop-off)') AS target, count(*) AS n
            FROM w WHERE step < {MAX_STEPS - 1} GROUP BY ALL"""
        ).fetchall()
        per: dict[int, int] = {}
        for step, _, _, n in rows:
            per[step] = per.get(step, 0) + n
        return [per[k] for k in sorted(per)]
    # the usual hand-written ordered funnel: one CTE per step, each joining the step events
    ctes = [
        f"s0 AS (SELECT customer_id, arg_min(timestamp, (timestamp, o)) AS t, "
        f"min((timestamp, o)) AS k FROM {src} WHERE event = '{steps[0]}' GROUP BY 1)"
    ]
    for i, step in enumerate(steps[1:], start=1):
        ctes.append(
            f"s{i} AS (SELECT e.customer_id, min((e.timestamp, e.o)) AS k "
            f"FROM {src} e JOIN s{i - 1} p USING (customer_id) "
            f"WHERE e.event = '{step}' AND (e.timestamp, e.o) > p.k GROUP BY 1)"
        )
    counts = ", ".join(f"(SELECT count(*) FROM s{i})" for i in range(len(steps)))
    row = con.execute(f"WITH {', '.join(ctes)} SELECT {counts}").fetchone()
    return [int(x) for x in row]


def work_pandas(task: str, path: str, steps: list[str]) -> object:
    import pandas as pd

    df = pd.read_parquet(path, columns=["customer_id", "timestamp", "event"])
    df["o"] = range(len(df))
    df = df.sort_values(["customer_id", "timestamp", "o"], kind="stable")
    g = df.groupby("customer_id", sort=False)
    if task == "transitions":
        nxt = g["event"].shift(-1)
        gap = g["timestamp"].shift(-1) - df["timestamp"]
        out = (
            pd.DataFrame({"event": df["event"], "nxt": nxt, "gap": gap})
            .dropna(subset=["nxt"])
            .groupby(["event", "nxt"], observed=True)["gap"]
            .agg(["size", "median"])
        )
        return [int(out["size"].sum()), len(out)]
    if task == "step_flows":
        step = g.cumcount()
        nxt = g["event"].shift(-1).fillna("(drop-off)")
        f = pd.DataFrame({"step": step, "event": df["event"], "nxt": nxt})
        f = f[f["step"] < MAX_STEPS - 1]
        out = f.groupby(["step", "event", "nxt"], observed=True).size()
        return [int(x) for x in out.groupby(level=0).sum().tolist()]
    df = df.reset_index(drop=True)
    df["rank"] = range(len(df))  # global (customer, time, order) rank
    prev = df[df["event"] == steps[0]].groupby("customer_id")["rank"].min()
    counts = [len(prev)]
    for step in steps[1:]:
        cand = df.loc[df["event"] == step, ["customer_id", "rank"]]
        cand = cand.merge(prev.rename("prev"), left_on="customer_id", right_index=True)
        prev = cand[cand["rank"] > cand["prev"]].groupby("customer_id")["rank"].min()
        counts.append(len(prev))
    return counts


def work_retentioneering(task: str, path: str, steps: list[str]) -> object:
    import pandas as pd
    from retentioneering.eventstream import Eventstream

    df = pd.read_parquet(path, columns=["customer_id", "timestamp", "event"])
    stream = Eventstream(
        df,
        schema={"path_cols": ["customer_id"], "event_col": "event",
                "timestamp_col": "timestamp"},
    )
    counts = stream.transition_graph_data(edge_weight="count")
    medians = stream.transition_graph_data(edge_weight="time_median")
    real = sorted(set(df["event"].unique()))  # leave out synthetic path_start / path_end
    counts = counts.reindex(index=real, columns=real).fillna(0)
    assert medians.shape[0] >= len(real)
    return [int(counts.to_numpy().sum()), int((counts.to_numpy() > 0).sum())]


def work_pm4py(task: str, path: str, steps: list[str]) -> object:
    import pandas as pd
    import pm4py

    df = pd.read_parquet(path, columns=["customer_id", "timestamp", "event"])
    log = pm4py.format_dataframe(
        df, case_id="customer_id", activity_key="event", timestamp_key="timestamp"
    )
    dfg, _, _ = pm4py.discover_dfg(log)
    perf, _, _ = pm4py.discover_performance_dfg(log)
    assert set(perf) == set(dfg)
    return [int(sum(dfg.values())), len(dfg)]


PRELOAD = {
    "cjlib": (
        "pandas",
        "pyarrow",
        "ibis",
        "ibis.backends.duckdb",
        "duckdb",
        "cjlib.events._log",
        # modules imported on first use (once per session, like the library itself)
        "cjlib.events._transitions",
        "cjlib.events._flows",
        "cjlib.events._funnel",
        "ibis.backends.duckdb.converter",
        "ibis.expr.types.groupby",
        "ibis.formats.pandas",
    ),
    "duckdb_sql": ("duckdb", "cjlib.events._engine"),
    "duckdb_sql_mat": ("duckdb", "cjlib.events._engine"),
    "pandas": ("pandas", "pyarrow"),
    "retentioneering": ("pandas", "pyarrow", "retentioneering"),
    "pm4py": ("pandas", "pyarrow", "pm4py"),
}


def worker_main(impl: str, task: str, path: str, steps: list[str]) -> None:
    import importlib

    # library import time is excluded: it is paid once per session, not per computation
    for module in PRELOAD[impl]:
        with contextlib.suppress(ImportError):  # an Ibis-internal module another version lacks
            importlib.import_module(module)
    with SpillWatch(SPILL_DIR) as watch:
        start = time.perf_counter()
        check = globals()[f"work_{impl}"](task, path, steps)
        seconds = time.perf_counter() - start
    spill_mb = watch.peak / 2**20 if impl in SPILLERS else None
    print(
        json.dumps(
            {"seconds": seconds, "rss_mb": _peak_rss_mb(), "spill_mb": spill_mb, "check": check}
        )
    )


SPILLERS = ("cjlib", "duckdb_sql", "duckdb_sql_mat")  # the implementations that run DuckDB
SPILL_DIR = ""  # set per worker process


# --------------------------------------------------------------------------- driver


def make_data(size: str, root: Path) -> Path:
    """Simulate a log of about ``size`` events (cached under ``root``)."""
    target = SIZES[size]
    folder = root / f"events_{size}"
    events = folder / "events.parquet"
    if not events.exists():
        from cjlib.datasets import load_map, simulate_to_parquet

        customers = max(1000, target // EVENTS_PER_CUSTOMER)
        print(f"simulating ~{size} events ({customers:,} customers) into {folder} ...", flush=True)
        t0 = time.perf_counter()
        simulate_to_parquet(load_map("telco"), customers, folder, seed=2024)
        print(f"  done in {time.perf_counter() - t0:.0f} s", flush=True)
    return events


def funnel_steps(path: Path) -> list[str]:
    """Four frequent events in their typical order (from first occurrence times)."""
    import duckdb

    with duckdb.connect() as con:
        rows = con.execute(
            f"""SELECT event, count(DISTINCT customer_id) AS c,
                       median(epoch(timestamp) - epoch(first_ts)) AS at
                FROM (SELECT *, min(timestamp) OVER (PARTITION BY customer_id) AS first_ts
                      FROM read_parquet('{path}'))
                GROUP BY event ORDER BY c DESC LIMIT 10"""
        ).fetchall()
    top = sorted(rows[:8], key=lambda r: r[2])
    picked = [top[0], top[2], top[4], top[6]] if len(top) >= 7 else top[:4]
    return [r[0] for r in picked]


def ensure_venv(name: str, root: Path) -> Path | None:
    """A venv with ``EXTERNAL[name]`` installed; None if installation fails."""
    env = root / f"venv-{name}"
    python = env / "bin" / "python"
    marker = env / ".ok"
    if marker.exists():
        return python
    print(f"installing {name} into {env} ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *EXTERNAL[name]],
            check=True,
            timeout=1200,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"  could not install {name}: {exc}", flush=True)
        return None
    marker.write_text("ok")
    return python


def run_once(
    python: Path | str,
    impl: str,
    task: str,
    path: Path,
    steps: list[str],
    memory_limit: str | None = None,
) -> dict:
    cmd = [str(python), str(HERE), "--worker", impl, task, str(path), ",".join(steps)]
    env = {**os.environ, "RETENTIONEERING_NO_TRACK": "1"}  # no usage telemetry
    if memory_limit:
        env["CJLIB_BENCH_MEMORY_LIMIT"] = memory_limit
    spill = _spill_dir()
    env["CJLIB_BENCH_SPILL_DIR"] = spill
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env=env)
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines() or ["?"]
        # the exception line (engines print advice after it), else the last line
        errors = [line for line in lines if "Error" in line or "Exception" in line]
        return {"error": (errors or lines)[-1][:200]}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_seconds"] = wall
    return out


def bench(
    size: str,
    root: Path,
    repeats: int,
    externals: dict[str, Path],
    tasks: tuple[str, ...] = TASKS,
    core: tuple[str, ...] = CORE,
    memory_limit: str | None = None,
) -> list[dict]:
    path = make_data(size, root)
    import duckdb

    with duckdb.connect() as con:
        n = con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]
    steps = funnel_steps(path)
    print(f"\n== {size}: {n:,} events; funnel steps {steps}", flush=True)
    rows = []
    for task in tasks:
        impls: list[tuple[str, Path | str]] = [
            (i, sys.executable) for i in core if task in ONLY.get(i, TASKS)
        ]
        if task == "transitions":
            impls += list(externals.items())
        for impl, python in impls:
            runs = [
                run_once(python, impl, task, path, steps, memory_limit) for _ in range(repeats)
            ]
            ok = [r for r in runs if "error" not in r]
            if not ok:
                rows.append({"size": size, "task": task, "impl": impl, "error": runs[0]["error"]})
                print(f"  {task:12s} {impl:16s} FAILED: {runs[0]['error']}", flush=True)
                continue
            row = {
                "size": size,
                "task": task,
                "impl": impl,
                "seconds": statistics.median(r["seconds"] for r in ok),
                "rss_mb": statistics.median(r["rss_mb"] for r in ok),
                # the largest spill of any run: "no spill" must hold for every run
                "spill_mb": None if ok[0]["spill_mb"] is None
                else max(r["spill_mb"] for r in ok),
                "check": ok[0]["check"],
            }
            rows.append(row)
            print(
                f"  {task:12s} {impl:16s} {row['seconds']:8.2f} s {row['rss_mb']:8.0f} MB"
                f"  spill {_spill_text(row['spill_mb'])}  {row['check']}",
                flush=True,
            )
    return rows


def _spill_text(mb: float | None) -> str:
    if mb is None:
        return "–"
    return "0" if mb == 0 else f"{mb:.0f}"


def _reference(rows: list[dict], row: dict) -> dict | None:
    """The SQL baseline to compare ``row`` with: plain SQL, else the materialised one."""
    for impl in ("duckdb_sql", "duckdb_sql_mat"):
        for r in rows:
            if (r["size"], r["task"], r["impl"]) == (row["size"], row["task"], impl) and (
                "error" not in r
            ):
                return r
    return None


def report(rows: list[dict], memory_limit: str | None = None) -> None:
    limit = memory_limit or f"{_default_memory_limit()} (cjlib's default)"
    print(f"\nDuckDB memory_limit: {limit}")
    print("\n| size | task | implementation | time (s) | peak RSS (MB) | spill (MB) | "
          "time / SQL | RSS / SQL | same counts |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        if "error" in row:
            print(f"| {row['size']} | {row['task']} | {row['impl']} | failed: {row['error']} "
                  "| | | | | |")
            continue
        ref = _reference(rows, row)
        if ref is None:
            ratio_t = ratio_m = same = "–"
        else:
            mark = "" if ref["impl"] == "duckdb_sql" else " (vs _mat)"
            ratio_t = f"{row['seconds'] / ref['seconds']:.2f}{mark}"
            ratio_m = f"{row['rss_mb'] / ref['rss_mb']:.2f}"
            same = "yes" if row["check"] == ref["check"] else f"NO {row['check']}"
        print(
            f"| {row['size']} | {row['task']} | {row['impl']} | {row['seconds']:.2f} | "
            f"{row['rss_mb']:.0f} | {_spill_text(row.get('spill_mb'))} | {ratio_t} | "
            f"{ratio_m} | {same} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,10M", help="comma list of 1M,10M,50M,100M")
    parser.add_argument("--with-50m", action="store_true", help="add the 50M-event run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-external", action="store_true")
    parser.add_argument("--tasks", default=",".join(TASKS), help="comma list of tasks")
    parser.add_argument("--impls", default=",".join(CORE), help="comma list of core impls")
    parser.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "cjlib-bench"))
    parser.add_argument(
        "--memory-limit",
        default=None,
        help="DuckDB memory_limit for cjlib and the SQL baselines (e.g. 3GB); "
        "default: cjlib's default",
    )
    parser.add_argument("--worker", nargs=4, metavar=("IMPL", "TASK", "PATH", "STEPS"))
    args = parser.parse_args()
    if args.worker:
        global SPILL_DIR
        SPILL_DIR = os.environ["CJLIB_BENCH_SPILL_DIR"]
        impl, task, path, steps = args.worker
        worker_main(impl, task, path, steps.split(","))
        return
    root = Path(args.data_dir)
    root.mkdir(parents=True, exist_ok=True)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if args.with_50m and "50M" not in sizes:
        sizes.append("50M")
    externals: dict[str, Path] = {}
    if not args.skip_external:
        for name in EXTERNAL:
            python = ensure_venv(name, root)
            if python is not None:
                externals[name] = python
    rows: list[dict] = []
    for size in sizes:
        rows += bench(
            size,
            root,
            args.repeats,
            externals,
            tasks=tuple(t for t in args.tasks.split(",") if t),
            core=tuple(i for i in args.impls.split(",") if i),
            memory_limit=args.memory_limit,
        )
    report(rows, args.memory_limit)


if __name__ == "__main__":
    main()
