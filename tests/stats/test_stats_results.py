"""The result-object contract and the lazy public surface of cjlib.stats."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd

import cjlib.stats as cs


def test_public_names_resolve():
    for name in cs.__all__:
        assert getattr(cs, name) is not None


def test_import_stays_cheap():
    code = (
        "import sys, cjlib.stats; "
        "print(any(m in sys.modules for m in ('scipy', 'statsmodels', 'plotly')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_result_has_the_common_surface():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "days": rng.exponential(100, 300).round() + 1,
            "churned": rng.random(300) < 0.7,
            "called": rng.integers(0, 2, 300),
            "csat": rng.normal(size=300),
            "nps": rng.normal(size=300),
        }
    )
    results = [
        cs.link(df, outcome="churned", signals=["called"]),
        cs.survival(df, duration_col="days", event_col="churned", group_col="called"),
        cs.cox(df, duration_col="days", event_col="churned", covariates=["called"]),
        cs.churn_model(
            df,
            duration_col="days",
            event_col="churned",
            horizon=60,
            covariates=["called"],
            n_bins=4,
        ),
        cs.markov_attribution(
            pd.DataFrame({"path": ["a>b", "b"], "conversions": [2, 1], "nulls": [3, 4]})
        ),
        cs.drivers(df, outcome="nps", drivers=["csat", "called"], n_boot=50),
    ]
    for res in results:
        table = res.table
        original = res.table.copy()
        table[table.columns[0]] = "changed"  # .table is a copy: the result is not changed
        pd.testing.assert_frame_equal(res.table, original)
        assert isinstance(res.summary(), str)
        json.dumps(res.to_dict())
        assert res._repr_html_().startswith("<div")
        assert type(res.plot()).__name__ == "Figure"
