"""The committed sample data sets: loaders, sizes, and exact regeneration from the seed."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cjlib.datasets import list_samples, load_sample
from cjlib.datasets._loaders import samples_dir
from cjlib.datasets.build import build_sample
from cjlib.errors import DataError

TABLES = ("customers", "events", "surveys", "transactions")


def test_list_samples_describes_each_sample():
    listing = list_samples()
    assert list(listing.columns) == ["name", "description"]
    assert list(listing["name"]) == ["telco", "shop"]
    assert listing["description"].str.len().gt(40).all()


@pytest.mark.parametrize("name", ["telco", "shop"])
def test_sample_sizes_are_within_the_budget(name, request):
    data = request.getfixturevalue(f"{name}_sample")
    assert len(data.customers) == 5000
    assert 100_000 <= len(data.events) <= 300_000
    size = sum(f.stat().st_size for f in (samples_dir() / name).iterdir())
    assert size < 10 * 1024**2


@pytest.mark.parametrize("name", ["telco", "shop"])
def test_regeneration_reproduces_the_committed_content(name, tmp_path):
    committed = load_sample(name)
    rebuilt = build_sample(name, tmp_path, write_csv=False)
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(rebuilt, table), getattr(committed, table))
        on_disk = pd.read_parquet(tmp_path / f"{table}.parquet")
        pd.testing.assert_frame_equal(
            on_disk, pd.read_parquet(samples_dir() / name / f"{table}.parquet")
        )
    assert json.loads(json.dumps(rebuilt.truth)) == committed.truth


@pytest.mark.parametrize("name", ["telco", "shop"])
def test_events_csv_holds_the_same_events_as_the_parquet(name, request):
    data = request.getfixturevalue(f"{name}_sample")
    csv = pd.read_csv(samples_dir() / name / "events.csv.gz", parse_dates=["timestamp"])
    pd.testing.assert_frame_equal(csv, data.events, check_dtype=False)
    assert csv["timestamp"].dtype.kind == "M"


def test_load_sample_rejects_unknown_names():
    with pytest.raises(DataError, match=r"name: got 'Telco'; available samples"):
        load_sample("Telco")
