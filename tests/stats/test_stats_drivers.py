from itertools import permutations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cjlib.errors import DataError
from cjlib.stats import drivers


def _frame(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    X[:, 1] += 0.7 * X[:, 0]  # correlated drivers
    df = pd.DataFrame(X, columns=["csat_app", "csat_store", "csat_call", "csat_bill"])
    df["nps"] = X @ [1.0, 0.5, 0.25, 0.0] + rng.normal(size=n)
    return df


def test_shapley_matches_brute_force_over_orderings_with_statsmodels():
    df = _frame()
    names = ["csat_app", "csat_store", "csat_call", "csat_bill"]
    res = drivers(df, outcome="nps", drivers=names, method="shapley", n_boot=50)

    def r2(cols):
        if not cols:
            return 0.0
        return sm.OLS(df.nps, sm.add_constant(df[list(cols)])).fit().rsquared

    lmg = dict.fromkeys(names, 0.0)
    orders = list(permutations(names))
    for order in orders:  # LMG: average gain in R² over every order of entry
        for i, name in enumerate(order):
            lmg[name] += (r2(order[: i + 1]) - r2(order[:i])) / len(orders)
    assert res.table.importance.to_dict() == pytest.approx(lmg, abs=1e-10)
    assert res.table.importance.sum() == pytest.approx(r2(names))
    full = sm.OLS(
        (df.nps - df.nps.mean()) / df.nps.std(),
        sm.add_constant((df[names] - df[names].mean()) / df[names].std()),
    ).fit()
    assert res.table.std_coef.to_dict() == pytest.approx(full.params[names].to_dict())


def test_relative_weights_sum_to_r2_and_rank_planted_drivers():
    df = _frame()
    names = ["csat_app", "csat_store", "csat_call", "csat_bill"]
    before = df.copy()
    res = drivers(df, outcome="nps", drivers=names, method="relative_weights", n_boot=200)
    pd.testing.assert_frame_equal(df, before)
    t = res.table
    assert t.importance.sum() == pytest.approx(res.info["r_squared"])
    assert t["rank"].to_dict() == {"csat_app": 1, "csat_store": 2, "csat_call": 3, "csat_bill": 4}
    assert t.loc["csat_bill", "std_coef_ci_low"] < 0 < t.loc["csat_bill", "std_coef_ci_high"]
    assert t.loc["csat_app", "importance_ci_low"] > t.loc["csat_store", "importance_ci_high"]
    shap = drivers(df, outcome="nps", drivers=names, method="shapley", n_boot=50).table
    assert np.allclose(t.importance_share, shap.importance_share.reindex(t.index), atol=0.03)
    assert res.plot().data[0].orientation == "h"


def test_drivers_errors():
    df = _frame(100)
    with pytest.raises(DataError, match="at least two"):
        drivers(df, outcome="nps", drivers=["csat_app"])
    with pytest.raises(DataError, match="constant"):
        drivers(df.assign(k=1.0), outcome="nps", drivers=["csat_app", "k"], n_boot=50)
    with pytest.raises(DataError, match="method"):
        drivers(df, outcome="nps", drivers=["csat_app", "csat_call"], method="magic")
    res = drivers(
        df.assign(csat_app=[np.nan, *df.csat_app[1:]]),
        outcome="nps",
        drivers=["csat_app", "csat_call"],
        n_boot=50,
    )
    assert any("missing" in w for w in res.warnings)


def test_binary_outcome_uses_the_linear_probability_model():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(3000, 3))
    churned = rng.random(3000) < 1 / (1 + np.exp(-(-1 + 1.2 * X[:, 0] + 0.4 * X[:, 1])))
    df = pd.DataFrame(X, columns=["csat_call", "csat_bill", "csat_web"]).assign(churned=churned)
    res = drivers(df, outcome="churned", drivers=["csat_call", "csat_bill", "csat_web"], n_boot=100)
    lpm = sm.OLS(df.churned.astype(float), sm.add_constant(df.iloc[:, :3])).fit()
    assert res.info["r_squared"] == pytest.approx(lpm.rsquared)
    assert list(res.table.index) == ["csat_call", "csat_bill", "csat_web"]
