import numpy as np
import pandas as pd
import pytest

from cjlib.errors import DataError, SchemaError
from cjlib.stats import markov_attribution

HAND = pd.DataFrame(
    {
        "path": ["A>B", "A", "B"],
        "conversions": [1, 0, 1],
        "nulls": [0, 1, 1],
        "revenue": [100.0, 0.0, 50.0],
    }
)


def test_removal_effects_on_a_hand_worked_example():
    """Worked by hand.

    Transitions: start->A 2/4, start->B 2/4; A->B 1/2, A->null 1/2; B->conv 2/3, B->null 1/3.
    P(conv) = 1/2 * 1/2 * 2/3 + 1/2 * 2/3 = 1/6 + 1/3 = 1/2.
    Without A (A -> null): P = 1/2 * 2/3 = 1/3, removal effect 1 - (1/3)/(1/2) = 1/3.
    Without B: P = 0, removal effect 1.
    2 conversions shared 1/3 : 1 -> A 0.5, B 1.5; revenue 150 -> A 37.5, B 112.5.
    Heuristics: first touch A 1, B 1; last touch B 2; linear A 0.5, B 1.5.
    """
    before = HAND.copy()
    res = markov_attribution(HAND, value_col="revenue")
    pd.testing.assert_frame_equal(HAND, before)
    t = res.table
    assert t.loc["A", "removal_effect"] == pytest.approx(1 / 3)
    assert t.loc["B", "removal_effect"] == pytest.approx(1.0)
    assert t.conversions.to_dict() == pytest.approx({"A": 0.5, "B": 1.5})
    assert t.value.to_dict() == pytest.approx({"A": 37.5, "B": 112.5})
    assert t.first_touch.to_dict() == {"A": 1.0, "B": 1.0}
    assert t.last_touch.to_dict() == {"A": 0.0, "B": 2.0}
    assert t.linear.to_dict() == {"A": 0.5, "B": 1.5}
    assert res.info["conversion_probability"] == pytest.approx(0.5)
    tm = res.transition_matrix
    assert tm.loc["B", "(conversion)"] == pytest.approx(2 / 3)
    assert np.allclose(tm.sum(axis=1), 1.0)


def _walk(tm, removed, n, rng):
    """Brute force: random walks through the transition matrix, removed states -> null."""
    states = list(tm.columns)
    probs = tm.to_numpy()
    conversions = 0
    for _ in range(n):
        state = "(start)"
        while state not in ("(conversion)", "(null)"):
            i = tm.index.get_loc(state)
            state = states[rng.choice(len(states), p=probs[i])]
            if state not in ("(conversion)", "(null)") and removed in state.split(" > "):
                state = "(null)"
        conversions += state == "(conversion)"
    return conversions / n


@pytest.mark.parametrize("order", [1, 2])
def test_removal_effects_match_brute_force_simulation(order):
    paths = pd.DataFrame(
        {
            "path": [
                "search>email>web",
                "search>web",
                "email",
                "display>search>web",
                "display",
                "web>web>email",
                "search>display>search",
            ],
            "conversions": [30, 50, 5, 20, 0, 10, 4],
            "nulls": [70, 100, 95, 80, 300, 40, 60],
        }
    )
    res = markov_attribution(paths, order=order)
    tm = res.transition_matrix
    rng = np.random.default_rng(0)
    n = 20_000
    p_all = _walk(tm, None, n, rng)
    assert p_all == pytest.approx(res.info["conversion_probability"], abs=4 * np.sqrt(0.25 / n))
    p_without = _walk(tm, "search", n, rng)
    exact = res.info["conversion_probability"] * (1 - res.table.loc["search", "removal_effect"])
    assert p_without == pytest.approx(exact, abs=4 * np.sqrt(0.25 / n))


def test_attributed_conversions_add_up_and_plot():
    paths = pd.DataFrame(
        {"path": ["a>b>c", "b>c", "c", "a"], "conversions": [5, 3, 1, 0], "nulls": [10, 5, 8, 20]}
    )
    res = markov_attribution(paths)
    assert res.table.conversions.sum() == pytest.approx(9)
    assert res.table.first_touch.sum() == res.table.last_touch.sum() == 9
    assert res.table["value"].isna().all()  # no value column given
    assert len(res.plot().data) == 4


def test_eventlog_is_used_through_its_paths_method():
    class FakeLog:
        def paths(self, conversion_event, *, by=None):
            assert conversion_event == "purchase"
            return HAND

    res = markov_attribution(FakeLog(), conversion_event="purchase")
    assert res.table.loc["A", "removal_effect"] == pytest.approx(1 / 3)
    with pytest.raises(DataError, match="conversion_event"):
        markov_attribution(FakeLog())


def test_markov_errors():
    with pytest.raises(SchemaError, match="conversions"):
        markov_attribution(HAND.drop(columns="conversions"))
    with pytest.raises(DataError, match="no conversions"):
        markov_attribution(HAND.assign(conversions=0))
    with pytest.raises(DataError, match="order"):
        markov_attribution(HAND, order=0)
    with pytest.raises(DataError, match="non-negative"):
        markov_attribution(HAND.assign(nulls=[-1, 0, 0]))


@pytest.mark.parametrize("order", [1, 2, 3])
def test_vectorised_chain_equals_the_per_path_reference(order):
    """Random paths with blanks, missing paths, spaces and zero-count rows."""
    from markov_reference import reference_markov

    rng = np.random.default_rng(order)
    channels = np.array(["ad", "search", "email", "web", "store", "app"])
    paths = [" > ".join(rng.choice(channels, k)) for k in rng.integers(1, 6, 400)]
    paths[3], paths[7], paths[11] = None, "", "web>>app> "
    table = pd.DataFrame(
        {
            "path": paths,
            "conversions": rng.poisson(1.0, 400),
            "nulls": rng.poisson(3.0, 400),
            "revenue": rng.gamma(2.0, 20.0, 400),
        }
    )
    table.loc[[5, 9], ["conversions", "nulls"]] = 0
    conv = table["conversions"].to_numpy(float)
    null = table["nulls"].to_numpy(float)
    value = table["revenue"].to_numpy(float)
    removal, heur, p_conv, n_states = reference_markov(table, conv, null, value, order=order)
    res = markov_attribution(table, value_col="revenue", order=order)
    t = res.table
    assert res.info["states"] == n_states
    assert res.info["conversion_probability"] == pytest.approx(p_conv, abs=1e-12)
    assert np.allclose(t["removal_effect"], pd.Series(removal)[t.index], rtol=0, atol=1e-9)
    for key, credit in heur.items():
        assert np.allclose(t[key], pd.Series(credit)[t.index], rtol=0, atol=1e-9), key
    assert np.allclose(res.transition_matrix.sum(axis=1), 1.0)
