"""The committed sample data sets: loaders, sizes, and exact regeneration from the seed."""

from __future__ import annotations

import json
import math

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
    # assert_frame_equal compares float columns with rtol=1e-5 and everything else exactly
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(rebuilt, table), getattr(committed, table))
        on_disk = pd.read_parquet(tmp_path / f"{table}.parquet")
        pd.testing.assert_frame_equal(
            on_disk, pd.read_parquet(samples_dir() / name / f"{table}.parquet")
        )
    assert_same_truth(json.loads(json.dumps(rebuilt.truth)), committed.truth)


# Floats in truth.json (log hazard ratios, conversion probabilities) come out of exp/log and
# sums whose last bits differ across CPUs and BLAS builds; everything else must match exactly.
TRUTH_REL_TOL = 1e-9


def assert_same_truth(got, want, where="truth"):
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{where}: expected an object, got {got!r}"
        assert sorted(got) == sorted(want), f"{where}: keys differ"
        for key in want:
            assert_same_truth(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: lists differ"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same_truth(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(want, bool):
        assert isinstance(got, int | float), f"{where}: expected a number, got {got!r}"
        assert math.isclose(got, want, rel_tol=TRUTH_REL_TOL, abs_tol=1e-12), (
            f"{where}: {got!r} != {want!r}"
        )
    else:
        assert got == want and type(got) is type(want), f"{where}: {got!r} != {want!r}"


def test_truth_comparison_tolerates_last_digit_but_not_real_changes():
    want = {"hr": {"log": -0.2876820724517809, "n": 3}, "levels": ["a", "b"]}
    assert_same_truth({"hr": {"log": -0.2876820724517808, "n": 3}, "levels": ["a", "b"]}, want)
    for bad in (
        {"hr": {"log": -0.2877, "n": 3}, "levels": ["a", "b"]},
        {"hr": {"log": -0.2876820724517809, "n": 4}, "levels": ["a", "b"]},
        {"hr": {"log": -0.2876820724517809, "n": 3}, "levels": ["a", "c"]},
        {"hr": {"log": -0.2876820724517809}, "levels": ["a", "b"]},
    ):
        with pytest.raises(AssertionError):
            assert_same_truth(bad, want)


@pytest.mark.parametrize("name", ["telco", "shop"])
def test_events_csv_holds_the_same_events_as_the_parquet(name, request):
    data = request.getfixturevalue(f"{name}_sample")
    csv = pd.read_csv(samples_dir() / name / "events.csv.gz", parse_dates=["timestamp"])
    pd.testing.assert_frame_equal(csv, data.events, check_dtype=False)
    assert csv["timestamp"].dtype.kind == "M"


def test_load_sample_rejects_unknown_names():
    with pytest.raises(DataError, match=r"name: got 'Telco'; available samples"):
        load_sample("Telco")
