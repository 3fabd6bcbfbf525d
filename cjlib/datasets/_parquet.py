"""Stream large simulations to Parquet, one chunk of customers at a time."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from cjlib.datasets._chunk import simulate_chunk
from cjlib.datasets._plan import check_arguments, prepare
from cjlib.errors import DataError
from cjlib.map import JourneyMap

__all__ = ["simulate_to_parquet"]

_TABLES = ("customers", "events", "surveys", "transactions")


def _schemas() -> dict[str, Any]:
    """Arrow schemas of the four tables (fixed, so every chunk appends to the same file)."""
    import pyarrow as pa

    ts = pa.timestamp("ns")
    text = pa.string()
    return {
        "customers": pa.schema(
            [
                ("customer_id", text),
                ("persona", text),
                ("segment", text),
                ("acquisition_channel", text),
                ("plan", text),
                ("region", text),
                ("age", pa.int64()),
                ("start_date", ts),
                ("churned", pa.bool_()),
                ("churn_date", ts),
                ("end_date", ts),
                ("tenure_days", pa.float64()),
                ("monthly_fee", pa.float64()),
                ("revenue", pa.float64()),
            ]
        ),
        "events": pa.schema(
            [
                ("customer_id", text),
                ("timestamp", ts),
                ("event", text),
                ("channel", text),
                ("session_id", text),
                ("value", pa.float64()),
            ]
        ),
        "surveys": pa.schema(
            [
                ("customer_id", text),
                ("timestamp", ts),
                ("touchpoint", text),
                ("event", text),
                ("kind", text),
                ("score", pa.int64()),
                ("comment", text),
            ]
        ),
        "transactions": pa.schema(
            [("customer_id", text), ("timestamp", ts), ("amount", pa.float64())]
        ),
    }


def simulate_to_parquet(
    journey_map: JourneyMap,
    n_customers: int,
    path: str | Path,
    *,
    seed: int,
    chunk_customers: int = 50_000,
    start: Any = "2024-01-01",
    end: Any = "2025-06-30",
    effects: Mapping[str, Any] | str | None = None,
    compression: str = "zstd",
) -> dict[str, Any]:
    """Simulate a large data set chunk by chunk and write it to Parquet files.

    Memory stays bounded by one chunk: each chunk of ``chunk_customers`` customers (and their
    prospects) is simulated with its own random stream (``numpy.random.SeedSequence(seed)``
    spawned per chunk) and appended to ``<path>/<table>.parquet`` as a row group. About 45
    events per customer: 1,000,000 customers give roughly 45M events. The planted truth is
    written to ``<path>/truth.json``. Results depend on ``chunk_customers`` (the streams are
    per chunk) and differ from ``simulate(..., seed=seed)``, but are deterministic for a given
    (seed, chunk_customers).

    Parameters
    ----------
    journey_map : JourneyMap
        The designed map (as for :func:`cjlib.datasets.simulate`).
    n_customers : int
        Total number of customers; ids run ``C0000001``... across chunks.
    path : str or Path
        Output directory (created if missing); existing table files are overwritten.
    seed : int
        Seed of the root ``numpy.random.SeedSequence``.
    chunk_customers : int, default 50_000
        Customers per chunk (per 100k: about 4.6M events, ~2.4 GB peak memory, ~30 s).
    start, end, effects
        As in :func:`cjlib.datasets.simulate`.
    compression : str, default "zstd"
        Parquet codec.

    Returns
    -------
    dict
        ``{"path": str, "files": {table: str}, "rows": {table: int}, "chunks": int}``.

    Examples
    --------
    >>> import tempfile
    >>> from cjlib.datasets import load_map, simulate_to_parquet
    >>> out = simulate_to_parquet(load_map("shop"), 300, tempfile.mkdtemp(), seed=3,
    ...                           chunk_customers=100)
    >>> out["rows"]["customers"], out["chunks"]
    (300, 3)
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    start_day, end_day = check_arguments(journey_map, n_customers, seed, start, end)
    if (
        isinstance(chunk_customers, bool)
        or not isinstance(chunk_customers, int | np.integer)
        or chunk_customers < 1
    ):
        raise DataError(f"chunk_customers: got {chunk_customers!r}; expected a positive integer")
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise DataError(f"path: {str(out)!r} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    plan = prepare(journey_map, effects, seed=int(seed), start_day=start_day, end_day=end_day)
    n_chunks = math.ceil(n_customers / chunk_customers)
    streams = np.random.SeedSequence(int(seed)).spawn(n_chunks)
    schemas = _schemas()
    writers: dict[str, Any] = {}
    rows = dict.fromkeys(_TABLES, 0)
    try:
        for i, stream in enumerate(streams):
            size = min(chunk_customers, n_customers - i * chunk_customers)
            tables = simulate_chunk(
                plan,
                size,
                np.random.default_rng(stream),
                start_day,
                end_day,
                id_offset=i * chunk_customers,
            )
            for name in _TABLES:
                table = pa.Table.from_pandas(
                    tables[name], schema=schemas[name], preserve_index=False
                )
                if name not in writers:
                    # microsecond timestamps: Spark cannot read Parquet's nanosecond ones
                    writers[name] = pq.ParquetWriter(
                        out / f"{name}.parquet",
                        schemas[name],
                        compression=compression,
                        coerce_timestamps="us",
                        allow_truncated_timestamps=True,
                    )
                writers[name].write_table(table)
                rows[name] += table.num_rows
            del tables
    finally:
        for writer in writers.values():
            writer.close()
    truth = {**plan.truth, "n_customers": int(n_customers), "chunk_customers": chunk_customers}
    (out / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    return {
        "path": str(out),
        "files": {name: str(out / f"{name}.parquet") for name in _TABLES},
        "rows": rows,
        "chunks": n_chunks,
    }
