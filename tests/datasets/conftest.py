"""Shared fixtures of the datasets tests (helpers live in datasets_reference.py)."""

from __future__ import annotations

import pytest

from cjlib.datasets import load_map, load_sample, simulate


@pytest.fixture(scope="session")
def telco_map():
    return load_map("telco")


@pytest.fixture(scope="session")
def shop_map():
    return load_map("shop")


@pytest.fixture(scope="session")
def telco_sample():
    return load_sample("telco")


@pytest.fixture(scope="session")
def shop_sample():
    return load_sample("shop")


@pytest.fixture(scope="session")
def telco_sim(telco_map):
    # a fresh simulation (not the committed sample) so the tests also cover another seed
    return simulate(telco_map, 5000, seed=11)
