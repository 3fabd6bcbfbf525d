"""next_best_touchpoint: exact values on a hand-worked chain, planted chains, simulator data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from chain_reference import NAMES, P_TRUE, PATHS, START_TRUE, exact_absorption, simulate_paths

import cjlib
from cjlib.action import NextBestTouchpoint, next_best_touchpoint
from cjlib.action._chain import chain_from_paths
from cjlib.errors import DataError


def test_chain_counts_are_recovered_exactly():
    chain = chain_from_paths(PATHS)
    c = chain.counts
    assert c.loc["(start)", ["A", "B"]].tolist() == [8.0, 2.0]
    assert c.loc["A", ["B", "(conversion)", "(null)"]].tolist() == [4.0, 3.0, 1.0]
    assert c.loc["B", ["(conversion)", "(null)"]].tolist() == [3.0, 3.0]


def test_hand_worked_probabilities_and_moves():
    res = next_best_touchpoint(PATHS, min_transitions=1, n_draws=0)
    t = res.table.set_index("state")
    assert t.loc["(start)", "p_success"] == pytest.approx(0.6)
    assert t.loc["A", "p_success"] == pytest.approx(0.625)
    assert t.loc["B", "p_success"] == pytest.approx(0.5)
    assert t.loc["(start)", "best_next"] == "A"
    assert t.loc["(start)", "uplift"] == pytest.approx(0.025)
    assert t.loc["(start)", "recommended"] == "A"
    # from A the only observed next touchpoint (B) lowers the chance: no recommendation
    assert t.loc["A", "best_next"] == "B"
    assert t.loc["A", "uplift"] == pytest.approx(-0.125)
    assert t.loc["A", "recommended"] is None
    assert t.loc["B", "best_next"] is None and np.isnan(t.loc["B", "uplift"])
    assert t.loc["A", "visits"] == 8 and t.loc["A", "n_transitions"] == 4
    assert np.isnan(t.loc["A", "p_success_ci_low"])


def test_direction_decrease_picks_the_lowest():
    res = next_best_touchpoint(PATHS, min_transitions=1, n_draws=0, direction="decrease")
    t = res.table.set_index("state")
    assert t.loc["(start)", "best_next"] == "B"
    assert t.loc["(start)", "recommended"] == "B"  # 0.5 < 0.6
    assert t.loc["A", "recommended"] == "B"  # 0.5 < 0.625


def test_min_transitions_drops_rare_moves():
    res = next_best_touchpoint(PATHS, min_transitions=3, n_draws=0)
    t = res.table.set_index("state")
    assert t.loc["(start)", "best_next"] == "A"  # start -> B (2) is too rare
    res = next_best_touchpoint(PATHS, min_transitions=5, n_draws=0)
    t = res.table.set_index("state")
    assert t.loc["A", "best_next"] is None  # A -> B (4) is too rare


@pytest.mark.parametrize("current", [
    {"c1": "A", "c2": "(start)", "c3": "B"},
    pd.Series({"c1": "A", "c2": "(start)", "c3": "B"}),
    pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "where": ["A", "(start)", "B"]}),
])
def test_per_customer_recommendation(current):
    kwargs = {"state_col": "where"} if isinstance(current, pd.DataFrame) else {}
    res = next_best_touchpoint(PATHS, min_transitions=1, n_draws=0, current=current, **kwargs)
    c = res.customers.set_index("customer_id")
    assert c.loc["c2", "recommended"] == "A"
    assert c.loc["c2", "p_success"] == pytest.approx(0.6)
    assert c.loc["c2", "uplift"] == pytest.approx(0.025)
    assert c.loc["c1", "recommended"] is None and np.isnan(c.loc["c1", "uplift"])
    assert c.loc["c3", "p_success"] == pytest.approx(0.5)


def test_unknown_current_state_is_reported():
    res = next_best_touchpoint(PATHS, min_transitions=1, n_draws=0, current={"c9": "Z"})
    assert res.customers.loc[0, "recommended"] is None
    assert any("never saw" in w for w in res.warnings)


def test_user_data_not_mutated():
    paths, current = PATHS.copy(), pd.DataFrame({"customer_id": ["a"], "state": ["A"]})
    before = current.copy()
    next_best_touchpoint(PATHS, min_transitions=1, n_draws=20, current=current)
    pd.testing.assert_frame_equal(PATHS, paths)
    pd.testing.assert_frame_equal(current, before)


def test_caveat_in_docstring_summary_attribute_and_dict():
    res = next_best_touchpoint(PATHS, min_transitions=1, n_draws=0)
    assert "Causal caveat" in next_best_touchpoint.__doc__
    assert "not a proven effect" in res.caveat
    assert res.caveat in res.summary()
    d = res.to_dict()
    assert d["caveat"] == res.caveat
    json.dumps(d)
    assert "Causal caveat" in res._repr_html_()
    assert isinstance(res, NextBestTouchpoint)


def test_planted_chain_is_recovered_with_calibrated_intervals():
    paths = simulate_paths(P_TRUE, START_TRUE, NAMES, 6000, seed=7)
    truth = exact_absorption(P_TRUE)
    assert truth == pytest.approx([0.355875, 0.442378, 0.712032], abs=1e-6)
    res = next_best_touchpoint(paths, n_draws=400, seed=1)
    t = res.table.set_index("state")
    for name, p in zip(NAMES, truth, strict=True):
        assert t.loc[name, "p_success"] == pytest.approx(p, abs=0.03)
        assert t.loc[name, "p_success_ci_low"] < p < t.loc[name, "p_success_ci_high"]
    # the planted best move from browse and from pricing is demo
    assert t.loc["browse", "recommended"] == "demo"
    assert t.loc["pricing", "recommended"] == "demo"
    assert t.loc["demo", "recommended"] is None  # nothing beats being at demo


def test_exact_absorption_reference_values():
    # solved by hand: x_d = 0.65 + 0.05 x_b + 0.10 x_p, x_p = 0.30 + 0.20 x_b + 0.10 x_d,
    # x_b = 0.05 + 0.45 x_p + 0.15 x_d
    x = exact_absorption(P_TRUE)
    b, p, d = x
    assert d == pytest.approx(0.65 + 0.05 * b + 0.10 * p)
    assert p == pytest.approx(0.30 + 0.20 * b + 0.10 * d)
    assert b == pytest.approx(0.05 + 0.45 * p + 0.15 * d)


def test_event_log_input_and_current_states():
    ev = pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "b", "c", "c", "d"],
        "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
                                     "2024-01-01", "2024-01-05", "2024-01-01", "2024-01-02",
                                     "2024-01-01"]),
        "event": ["ad", "visit", "buy", "ad", "visit", "visit", "buy", "ad"],
    })
    log = cjlib.EventLog.from_pandas(ev)
    res = next_best_touchpoint(log, success="buy", min_transitions=1, n_draws=0)
    t = res.table.set_index("state")
    # paths: a ad>visit (conv), b ad>visit (null), c visit (conv), d ad (null)
    # visit: 3 visits, 2 conversions -> 2/3; ad: 3 visits, 2 -> visit, 1 null -> 4/9
    assert t.loc["visit", "p_success"] == pytest.approx(2 / 3)
    assert t.loc["ad", "p_success"] == pytest.approx(4 / 9)
    assert t.loc["ad", "recommended"] == "visit"
    c = res.customers.set_index("customer_id")
    assert sorted(c.index) == ["b", "d"]  # a and c already bought
    assert c.loc["d", "state"] == "ad" and c.loc["d", "recommended"] == "visit"
    assert c.loc["b", "state"] == "visit" and c.loc["b", "recommended"] is None


def test_simulator_planted_best_step_is_credit_check():
    # the telco scenario plants credit_check -> contract as the strongest pre-purchase move
    # (0.64 young professionals / 0.72 families; truth["transitions"]), so every other
    # pre-purchase touchpoint should be sent to the credit check
    from cjlib.datasets import load_map, simulate

    jm = load_map("telco")
    data = simulate(jm, 600, seed=3)
    log = cjlib.EventLog.from_pandas(data.events)
    res = next_best_touchpoint(log, success="contract_signed", by="touchpoint",
                               journey_map=jm, n_draws=100)
    t = res.table.set_index("state")
    for state in ("store", "plan_comparison", "website", "review_sites"):
        assert t.loc[state, "recommended"] == "credit_check", state
    assert t["p_success"].idxmax() == "credit_check"
    assert len(res.customers) > 0
    assert set(res.customers["recommended"].dropna()) == {"credit_check"}
    fig = res.plot()
    assert len(fig.data) >= 2


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"by": "session"}, "by"),
    ({"direction": "up"}, "direction"),
    ({"min_transitions": 0}, "min_transitions"),
    ({"n_draws": -1}, "n_draws"),
    ({"ci": 1.5}, "ci"),
    ({"current": pd.DataFrame({"customer_id": ["a"]})}, "current"),
    ({"current": 3}, "current"),
])
def test_bad_arguments_raise_clear_errors(kwargs, match):
    with pytest.raises(DataError, match=match):
        next_best_touchpoint(PATHS, **kwargs)


def test_bad_source_and_missing_success():
    with pytest.raises(DataError, match="log_or_paths"):
        next_best_touchpoint([1, 2, 3])
    log = cjlib.EventLog.from_pandas(pd.DataFrame({
        "customer_id": ["a"], "timestamp": pd.to_datetime(["2024-01-01"]), "event": ["x"]}))
    with pytest.raises(DataError, match="success"):
        next_best_touchpoint(log)


def test_docstring_examples_run():
    import doctest

    import cjlib.action._chain as chain_module
    import cjlib.action._next_best as module

    for mod in (module, chain_module):
        result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0 and result.attempted > 0, mod.__name__
