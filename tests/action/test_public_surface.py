"""The public surface of cjlib.action: lazy, explicit, cheap to import."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import cjlib
import cjlib.action as act

HEAVY = ("plotly", "scipy", "statsmodels", "duckdb", "ibis", "pyspark", "pyarrow")


def test_importing_cjlib_action_loads_no_heavy_module():
    code = "import sys, json, cjlib.action; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert [m for m in HEAVY if m in loaded] == []


def test_every_public_name_resolves_and_is_listed():
    for name in act.__all__:
        assert getattr(act, name) is not None, name
    assert sorted(dir(act)) == sorted(act.__all__)
    assert cjlib.action is act


def test_unknown_name_is_a_clear_attribute_error():
    with pytest.raises(AttributeError, match=r"cjlib\.action' has no attribute 'nope'"):
        act.nope  # noqa: B018


def test_warnings_are_user_warnings():
    assert issubclass(act.PreTrendWarning, UserWarning)
    assert issubclass(act.SampleRatioMismatchWarning, UserWarning)
