"""what_if: exact scenario values on a hand-worked chain, and planted chains."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from chain_reference import NAMES, P_TRUE, PATHS, START_TRUE, simulate_paths

from cjlib.action import WhatIf, what_if
from cjlib.errors import DataError

# Hand-worked: halving A -> B (0.5 -> 0.25) frees 0.25 of A's row; A's other moves
# (conversion 3/8, null 1/8) are scaled by (1 - 0.25) / (1 - 0.5) = 1.5:
#   A -> conversion 9/16, A -> null 3/16, A -> B 4/16
#   P(success | A) = 9/16 + 1/4 * 0.5 = 11/16 = 0.6875
#   P(success | start) = 0.8 * 0.6875 + 0.2 * 0.5 = 0.65 (baseline 0.6)


def test_halving_a_transition_hand_worked():
    res = what_if(PATHS, change={("A", "B"): 0.5}, n_draws=0)
    t = res.table.set_index("metric")
    assert t.loc["p_success", "baseline"] == pytest.approx(0.6)
    assert t.loc["p_success", "scenario"] == pytest.approx(0.65)
    assert t.loc["p_success", "difference"] == pytest.approx(0.05)
    assert t.loc["p_success", "relative_change"] == pytest.approx(0.05 / 0.6)
    assert t.loc["successes", "difference"] == pytest.approx(0.5)  # 10 customers
    s = res.states.set_index("state")
    assert s.loc["A", "p_success_scenario"] == pytest.approx(11 / 16)
    assert s.loc["B", "difference"] == pytest.approx(0.0)
    ch = res.changes.iloc[0]
    assert (ch["from"], ch["to"], ch["p_before"], ch["p_after"]) == ("A", "B", 0.5, 0.25)
    assert isinstance(res, WhatIf)


def test_set_mode_and_absorbing_targets():
    # A -> null set to 0: the 1/8 is spread over conversion (3/8) and B (4/8) -> x 8/7
    # P(success | A) = 3/7 + 4/7 * 0.5 = 5/7; start: 0.8 * 5/7 + 0.1 = 0.671428...
    res = what_if(PATHS, change={("A", "(null)"): 0.0}, mode="set", n_draws=0)
    assert res.states.set_index("state").loc["A", "p_success_scenario"] == pytest.approx(5 / 7)
    t = res.table.set_index("metric")
    assert t.loc["p_success", "scenario"] == pytest.approx(0.8 * 5 / 7 + 0.1)


def test_two_changes_in_one_row():
    # A -> B = 0.25 and A -> conversion = 0.5: null takes the rest, 0.25
    # P(success | A) = 0.5 + 0.25 * 0.5 = 0.625 (unchanged); start unchanged 0.6
    res = what_if(PATHS, change={("A", "B"): 0.25, ("A", "(conversion)"): 0.5}, mode="set",
                  n_draws=0)
    assert res.table.set_index("metric").loc["p_success", "difference"] == pytest.approx(0.0)
    s = res.changes.set_index("to")
    assert s.loc["(conversion)", "p_after"] == pytest.approx(0.5)


def test_value_and_population():
    res = what_if(PATHS, change={("A", "B"): 0.5}, population=1000, value_per_success=-40.0,
                  n_draws=0)
    t = res.table.set_index("metric")
    assert t.loc["successes", "difference"] == pytest.approx(50.0)
    assert t.loc["value", "difference"] == pytest.approx(-2000.0)


def test_uncertainty_is_carried_through():
    res = what_if(PATHS, change={("A", "B"): 0.5}, n_draws=2000, seed=3)
    t = res.table.set_index("metric")
    lo, hi = t.loc["p_success", ["difference_ci_low", "difference_ci_high"]]
    assert lo < 0.05 < hi
    assert hi - lo > 0.05  # ten customers: a wide interval
    assert len(res.draws) == 2000
    # successes interval is the p interval times the population
    assert t.loc["successes", "difference_ci_low"] == pytest.approx(10 * lo)
    json.dumps(res.to_dict())
    assert "renormalised" in res.summary()
    fig = res.plot()
    assert fig.data[0].type == "histogram"


def test_planted_change_is_predicted():
    # walk 8,000 customers through the planted chain; ask what halving browse -> pricing
    # does; the truth is the exact absorption probability of the edited planted chain
    paths = simulate_paths(P_TRUE, START_TRUE, NAMES, 8000, seed=11)
    P_new = P_TRUE.copy()
    row = P_new[0]
    freed = row[1] / 2
    others = [2, 3, 4]
    row[others] *= (1 - row[1] + freed) / row[others].sum()
    row[1] -= freed
    k = 3

    def overall(P):
        x = np.linalg.solve(np.eye(k) - P[:, :k], P[:, k])
        return START_TRUE @ x

    true_diff = overall(P_new) - overall(P_TRUE)
    assert true_diff == pytest.approx(-0.028224, abs=1e-6)  # pricing beats browse's other moves
    res = what_if(paths, change={("browse", "pricing"): 0.5}, n_draws=600, seed=5)
    t = res.table.set_index("metric").loc["p_success"]
    assert t["difference"] == pytest.approx(true_diff, abs=0.006)
    assert t["difference_ci_low"] < true_diff < t["difference_ci_high"]
    assert t["difference_ci_high"] < 0  # detectable with 8,000 customers


def test_user_data_not_mutated():
    before = PATHS.copy()
    change = {("A", "B"): 0.5}
    what_if(PATHS, change=change, n_draws=10)
    pd.testing.assert_frame_equal(PATHS, before)
    assert change == {("A", "B"): 0.5}


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"change": {}}, "change"),
    ({"change": {"A": 0.5}}, "pairs"),
    ({"change": {("Z", "B"): 0.5}}, "from_state 'Z'"),
    ({"change": {("A", "Z"): 0.5}}, "to_state 'Z'"),
    ({"change": {("A", "B"): -1}}, "multiplier"),
    ({"change": {("A", "B"): "half"}}, "number"),
    ({"change": {("A", "B"): 1.5}, "mode": "set"}, "probability"),
    ({"change": {("A", "B"): 3.0}}, "more than 1"),
    ({"change": {("A", "B"): 0.5}, "mode": "scale"}, "mode"),
    ({"change": {("A", "B"): 0.5}, "population": -5}, "population"),
    ({"change": {("A", "B"): 0.5}, "value_per_success": "x"}, "value_per_success"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(DataError, match=match):
        what_if(PATHS, n_draws=0, **kwargs)


def test_freed_probability_needs_somewhere_to_go():
    paths = pd.DataFrame({"path": ["A>B"], "conversions": [2], "nulls": [1]})
    with pytest.raises(DataError, match="no other observed transition"):
        what_if(paths, change={("A", "B"): 0.5}, n_draws=0)


def test_docstring_examples_run():
    import doctest

    import cjlib.action._what_if as module

    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
