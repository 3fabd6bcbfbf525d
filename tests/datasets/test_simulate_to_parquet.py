"""simulate_to_parquet(): chunked streaming to Parquet files."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cjlib.datasets import simulate_to_parquet
from cjlib.errors import DataError


@pytest.fixture(scope="module")
def written(shop_map, tmp_path_factory):
    path = tmp_path_factory.mktemp("stream")
    return simulate_to_parquet(shop_map, 1000, path, seed=8, chunk_customers=300), path


def test_chunks_are_written_as_row_groups_with_continuous_ids(written):
    out, path = written
    assert out["chunks"] == 4
    customers = pd.read_parquet(path / "customers.parquet")
    assert list(customers["customer_id"]) == [f"C{i:07d}" for i in range(1, 1001)]
    events = pq.ParquetFile(path / "events.parquet")
    assert events.metadata.num_row_groups == 4
    assert events.metadata.num_rows == out["rows"]["events"] > 30_000
    ev = pd.read_parquet(path / "events.parquet")
    # prospects of different chunks get different ids too
    prospects = ev.loc[ev["customer_id"].str.startswith("P"), "customer_id"].unique()
    assert len(prospects) == len(set(prospects))
    assert set(ev.loc[ev["customer_id"].str.startswith("C"), "customer_id"]) == set(
        customers["customer_id"]
    )
    truth = json.loads((path / "truth.json").read_text())
    assert truth["n_customers"] == 1000 and truth["chunk_customers"] == 300
    # the stream carries the same planted churn process: a plausible churn share
    assert 0.08 < customers["churned"].mean() < 0.35


def test_streaming_is_deterministic(shop_map, written, tmp_path):
    _, first = written
    simulate_to_parquet(shop_map, 1000, tmp_path, seed=8, chunk_customers=300)
    for table in ("customers", "events", "surveys", "transactions"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(first / f"{table}.parquet"),
            pd.read_parquet(tmp_path / f"{table}.parquet"),
        )


def test_bad_chunk_size_and_path(shop_map, tmp_path):
    with pytest.raises(DataError, match=r"chunk_customers: got 0; expected a positive integer"):
        simulate_to_parquet(shop_map, 10, tmp_path, seed=1, chunk_customers=0)
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    with pytest.raises(DataError, match=r"path: .*file.txt' exists and is not a directory"):
        simulate_to_parquet(shop_map, 10, afile, seed=1)


def test_parquet_timestamps_are_microseconds_so_spark_can_read_them(shop_map, tmp_path):
    simulate_to_parquet(shop_map, 50, tmp_path, seed=2)
    for name in ("events", "transactions", "surveys"):
        field = pq.read_schema(tmp_path / f"{name}.parquet").field("timestamp")
        assert field.type == pa.timestamp("us"), (name, field.type)
