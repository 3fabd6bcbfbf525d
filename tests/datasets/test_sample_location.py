"""Where the samples are found: the installed package first, the repository otherwise."""

from __future__ import annotations

import shutil

import pytest

from cjlib.datasets import _loaders
from cjlib.datasets._loaders import SAMPLE_FILES, load_map, samples_dir
from cjlib.errors import DataError


def test_a_checkout_reads_the_repository_samples():
    # the editable install of the test environment has no cjlib/datasets/samples/
    assert samples_dir() == _loaders._REPOSITORY_SAMPLES
    assert {p.name for p in samples_dir().iterdir() if p.is_dir()} >= {"telco", "shop"}


def test_packaged_samples_win_over_the_repository(tmp_path, monkeypatch):
    packaged = tmp_path / "samples"
    shutil.copytree(_loaders._REPOSITORY_SAMPLES / "telco", packaged / "telco")
    monkeypatch.setattr(_loaders, "_packaged_samples", lambda: packaged)
    assert samples_dir() == packaged
    assert load_map("telco").id == "telco"


def test_a_missing_sample_file_names_it_and_the_fix(tmp_path, monkeypatch):
    packaged = tmp_path / "samples"
    (packaged / "telco").mkdir(parents=True)
    for name in SAMPLE_FILES:
        if name != "events.parquet":
            shutil.copy(_loaders._REPOSITORY_SAMPLES / "telco" / name, packaged / "telco" / name)
    monkeypatch.setattr(_loaders, "_packaged_samples", lambda: packaged)
    with pytest.raises(DataError, match=r"'telco': events\.parquet missing from .*reinstall"):
        _loaders.load_sample("telco")


def test_a_checkout_without_parquet_files_says_how_to_rebuild(tmp_path, monkeypatch):
    (tmp_path / "telco").mkdir()
    shutil.copy(_loaders._REPOSITORY_SAMPLES / "telco" / "map.yaml", tmp_path / "telco")
    monkeypatch.setattr(_loaders, "_REPOSITORY_SAMPLES", tmp_path)
    with pytest.raises(
        DataError, match=r"customers\.parquet, events\.parquet.*cjlib\.datasets\.build"
    ):
        _loaders.load_sample("telco")
