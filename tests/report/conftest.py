"""The telco report, built once for every test module of tests/report."""

from __future__ import annotations

import pytest

import cjlib
from cjlib.datasets import load_sample
from cjlib.report import build_report


@pytest.fixture(scope="package")
def telco():
    return load_sample("telco")


@pytest.fixture(scope="package")
def log(telco):
    return cjlib.EventLog.from_pandas(telco.events)


@pytest.fixture(scope="package")
def originals(telco):
    return {
        name: getattr(telco, name).copy(deep=True)
        for name in ("customers", "surveys", "transactions", "events")
    }


@pytest.fixture(scope="package")
def report(telco, log, originals):
    return build_report(
        telco.journey_map,
        log,
        customers=telco.customers,
        surveys=telco.surveys,
        transactions=telco.transactions,
        controls=["plan"],
    )
