import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep

from cjlib.errors import DataError, SchemaError
from cjlib.stats import bh_qvalues, link
from cjlib.stats._intervals import bca_mean_diff_ci, katz_ratio_ci, newcombe_diff_ci


def test_newcombe_matches_published_example():
    # Newcombe (1998) Stat Med 17:873-890, Table II, example (a) 56/70 vs 48/80, method 10
    low, high = newcombe_diff_ci(56, 70, 48, 80, 0.05)
    assert (low, high) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    # example (b) 9/10 vs 3/10: 0.1705 to 0.8090
    low, high = newcombe_diff_ci(9, 10, 3, 10, 0.05)
    assert (low, high) == pytest.approx((0.1705, 0.8090), abs=5e-5)


@pytest.mark.parametrize("cells", [(56, 70, 48, 80), (15, 200, 30, 180), (3, 12, 9, 14)])
def test_intervals_match_statsmodels(cells):
    a, n1, c, n0 = cells
    ref = confint_proportions_2indep(a, n1, c, n0, method="newcomb", compare="diff")
    assert np.allclose(newcombe_diff_ci(a, n1, c, n0, 0.05), ref, atol=1e-10)
    rr, lo, hi, _ = katz_ratio_ci(a, n1, c, n0, 0.05)
    ref = confint_proportions_2indep(a, n1, c, n0, method="log", compare="ratio")
    assert np.allclose((lo, hi), ref, rtol=1e-8)
    assert rr == pytest.approx((a / n1) / (c / n0))


def test_bh_matches_statsmodels():
    p = np.random.default_rng(3).uniform(size=40) ** 3
    assert np.allclose(bh_qvalues(p), multipletests(p, method="fdr_bh")[1])
    with pytest.raises(DataError, match="p_values"):
        bh_qvalues([0.1, 1.5])


def _binary_frame(n=4000, seed=1):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "support_calls": rng.poisson(0.6, n),
            "app_login": rng.random(n) < 0.5,
            "plan": rng.choice(["basic", "plus", "pro"], n),
            "age": rng.normal(40, 10, n),
        }
    )
    # planted: any support call raises churn log-odds by log(2); plan also matters
    eta = -2 + np.log(2.0) * (df.support_calls > 0) + 0.4 * (df.plan == "pro")
    df["churned"] = rng.random(n) < 1 / (1 + np.exp(-eta))
    return df


def test_binary_link_matches_independent_references_and_recovers_planted_or():
    df = _binary_frame()
    before = df.copy()
    res = link(
        df, outcome="churned", signals=["support_calls", "app_login"], controls=["plan", "age"]
    )
    pd.testing.assert_frame_equal(df, before)  # user data untouched
    t = res.table
    assert {"effect", "ci_low", "ci_high", "p", "q", "n_exposed"} <= set(t.columns)
    row = t.loc["support_calls"]
    exposed = df.support_calls > 0
    a, n1 = df.churned[exposed].sum(), exposed.sum()
    c, n0 = df.churned[~exposed].sum(), (~exposed).sum()
    table = Table2x2(np.array([[a, n1 - a], [c, n0 - c]]))
    assert row["or"] == pytest.approx(table.oddsratio)
    assert (row["or_ci_low"], row["or_ci_high"]) == pytest.approx(table.oddsratio_confint())
    assert row["test"] == "chi2"
    assert row["p"] == pytest.approx(table.test_nominal_association().pvalue, rel=1e-6)
    assert row["or_adj_ci_low"] < 2.0 < row["or_adj_ci_high"]  # planted OR 2 recovered
    assert t.loc["app_login", "q"] > 0.05 and row["q"] < 1e-6
    assert np.allclose(t["q"], multipletests(t["p"], method="fdr_bh")[1])
    assert res.kind == "binary"
    json.dumps(res.to_dict())
    assert "support_calls" in res.summary() and "<table" in res._repr_html_()


def test_fisher_used_for_small_expected_counts_and_tiny_group_warning():
    df = pd.DataFrame(
        {
            "promo": [True] * 6 + [False] * 200,
            "churned": [True, True, False, False, False, False] + [False] * 180 + [True] * 20,
        }
    )
    res = link(df, outcome="churned", signals="promo")
    row = res.table.loc["promo"]
    assert row["test"] == "fisher"
    from scipy.stats import fisher_exact

    assert row["p"] == pytest.approx(fisher_exact([[2, 4], [20, 180]]).pvalue)
    assert any("tiny group" in w for w in res.warnings)


def test_separation_and_no_variation_are_warnings_not_crashes():
    df = pd.DataFrame(
        {
            "flag": [1] * 30 + [0] * 70,
            "other": [0, 1] * 50,
            "never": 0,
            "churned": [1] * 30 + [0] * 60 + [1] * 10,
        }
    )
    res = link(df, outcome="churned", signals=["flag", "other", "never"])
    assert any("separation" in w for w in res.warnings)
    assert any("no variation" in w for w in res.warnings)
    assert np.isnan(res.table.loc["never", "p"])
    assert res.table.loc["flag", "effect"] == pytest.approx(1 - 10 / 70)


def test_continuous_link_bootstrap_matches_scipy_bca_and_is_seeded():
    from scipy import stats

    rng = np.random.default_rng(5)
    n = 1500
    df = pd.DataFrame({"used_app": rng.random(n) < 0.4})
    df["revenue"] = rng.lognormal(3, 1.0, n) * np.where(df.used_app, 1.3, 1.0)
    res = link(df, outcome="revenue", signals="used_app", n_boot=4000, seed=11)
    row = res.table.loc["used_app"]
    x1, x0 = df.revenue[df.used_app].to_numpy(), df.revenue[~df.used_app].to_numpy()
    assert row["effect"] == pytest.approx(x1.mean() - x0.mean())
    assert row["p"] == pytest.approx(stats.ttest_ind(x1, x0, equal_var=False).pvalue)
    ref = stats.bootstrap(
        (x1, x0),
        lambda a, b, axis=-1: a.mean(axis) - b.mean(axis),
        method="BCa",
        n_resamples=4000,
        rng=np.random.default_rng(0),
    )
    width = ref.confidence_interval.high - ref.confidence_interval.low
    assert row["ci_low"] == pytest.approx(ref.confidence_interval.low, abs=0.06 * width)
    assert row["ci_high"] == pytest.approx(ref.confidence_interval.high, abs=0.06 * width)
    assert row["p_mannwhitney"] == pytest.approx(stats.mannwhitneyu(x1, x0).pvalue)
    again = link(df, outcome="revenue", signals="used_app", n_boot=4000, seed=11)
    assert again.table.loc["used_app", "ci_low"] == row["ci_low"]


def test_bca_interval_on_a_normal_sample_is_close_to_welch():
    rng = np.random.default_rng(0)
    x1, x0 = rng.normal(1, 1, 800), rng.normal(0, 1, 900)
    low, high = bca_mean_diff_ci(x1, x0, alpha=0.05, n_boot=4000, rng=rng)
    se = np.sqrt(x1.var(ddof=1) / 800 + x0.var(ddof=1) / 900)
    diff = x1.mean() - x0.mean()
    assert low == pytest.approx(diff - 1.96 * se, abs=0.2 * se)
    assert high == pytest.approx(diff + 1.96 * se, abs=0.2 * se)


def test_link_errors_name_the_problem():
    df = _binary_frame(200)
    with pytest.raises(SchemaError, match="nope"):
        link(df, outcome="churned", signals=["nope"])
    with pytest.raises(DataError, match="plan"):
        link(df, outcome="churned", signals=["plan"])
    with pytest.raises(DataError, match="kind"):
        link(df, outcome="churned", signals=["app_login"], kind="weird")
    with pytest.raises(DataError, match="both"):
        link(df, outcome="churned", signals=["app_login"], controls=["app_login"])
    with pytest.raises(DataError, match="binary"):
        link(df, outcome="age", signals=["app_login"], kind="binary")
    with pytest.raises(DataError, match="DataFrame"):
        link([1, 2], outcome="churned", signals="x")


def test_forest_plot_marks_significant_signals():
    res = link(_binary_frame(), outcome="churned", signals=["support_calls", "app_login"])
    fig = res.plot()
    names = {tr.name for tr in fig.data}
    assert any(n.startswith("significant") for n in names)
    assert res.plot("rr").layout.xaxis.type == "log"
    with pytest.raises(DataError, match="measure"):
        res.plot("diff")


def test_summary_fits_100_columns_with_the_key_columns_and_points_to_table():
    from cjlib._text import SummaryText

    df = _binary_frame(n=1500, seed=3)
    long_name = "support_calls_about_billing_disputes_in_the_first_ninety_days_of_the_contract"
    df[long_name] = df.support_calls
    res = link(
        df, outcome="churned", signals=["support_calls", "app_login", long_name], controls=["plan"]
    )
    text = res.summary()
    assert isinstance(text, SummaryText)  # shown as lines in Jupyter, not an escaped repr
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100, [ln for ln in lines if len(ln) > 100]
    header = next(ln for ln in lines if ln.startswith("signal"))
    assert header.split("  ")[0] == "signal" and "risk diff. [95% CI]" in header
    assert "n exposed" in header and " q " in header and "adj. OR [95% CI]" in header
    row = res.table.loc["support_calls"]
    line = next(ln for ln in lines if ln.startswith("support_calls "))
    assert line.split()[1] == str(int(row["n_exposed"]))
    expected_effect = f"{row['effect']:+.3g} [{row['ci_low']:.3g}, {row['ci_high']:.3g}]"
    assert expected_effect in line
    assert f"{row['or_adj']:.3g} [{row['or_adj_ci_low']:.3g}, {row['or_adj_ci_high']:.3g}]" in line
    assert any(ln.startswith("support_calls_about_billing") and "…" in ln for ln in lines)
    assert f"All {len(res.table.columns)} columns" in text and "`.table`" in text


def test_continuous_summary_fits_100_columns():
    rng = np.random.default_rng(8)
    df = pd.DataFrame({"used_app": rng.random(600) < 0.4, "region": rng.choice(["n", "s"], 600)})
    df["revenue"] = rng.lognormal(6, 1.0, 600) * np.where(df.used_app, 1.3, 1.0)
    res = link(df, outcome="revenue", signals="used_app", controls=["region"], n_boot=200, seed=1)
    lines = res.summary().splitlines()
    assert max(len(line) for line in lines) <= 100
    header = next(ln for ln in lines if ln.startswith("signal"))
    assert "mean diff. [95% CI]" in header and "adj. diff. [95% CI]" in header
    row = res.table.loc["used_app"]
    assert f"{row['effect']:+.3g} [{row['ci_low']:.3g}, {row['ci_high']:.3g}]" in res.summary()
