"""``next_best_touchpoint``: journey orchestration, lite, from the absorbing Markov chain.

Examples
--------
>>> import pandas as pd
>>> from cjlib.action import next_best_touchpoint
>>> paths = pd.DataFrame({"path": ["A", "A>B", "B"], "conversions": [3, 3, 0],
...                       "nulls": [1, 1, 2]})
>>> nbt = next_best_touchpoint(paths, min_transitions=1, n_draws=0)
>>> nbt.table[["state", "p_success", "best_next", "p_success_next"]].head(2)
     state  p_success best_next  p_success_next
0  (start)      0.600         A           0.625
1        A      0.625         B           0.500
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cjlib.action._chain import START, Chain, absorption_probabilities, chain_from_paths
from cjlib.action._inputs import check_choice, check_probability
from cjlib.action._result import ActionResult
from cjlib.errors import DataError

__all__ = ["CAUSAL_CAVEAT", "NextBestTouchpoint", "next_best_touchpoint"]

CAUSAL_CAVEAT = (
    "Causal caveat: these probabilities describe how customers who were at each step went on "
    "in the observed data. Customers who reach a touchpoint differ from those who do not "
    "(self-selection), and the chain assumes the next step depends on the current one only. "
    "A recommended touchpoint is a hypothesis of where to intervene, not a proven effect: "
    "test it (e.g. cjlib.action.ab_test) before rolling it out."
)
DIRECTIONS = ("increase", "decrease")


class NextBestTouchpoint(ActionResult):
    """Result of :func:`next_best_touchpoint`.

    ``.table``: one row per state: ``state``, ``visits`` (customers passing through),
    ``p_success`` (probability of reaching success from there, with ``p_success_ci_low``/
    ``_high``), ``best_next`` (the observed next touchpoint with the best probability of
    success), ``p_success_next`` (its probability, with CI), ``uplift``
    (``p_success_next - p_success``), ``n_transitions`` (observed moves state → best_next) and
    ``recommended`` (``best_next`` when it moves the probability the wanted way, else None).
    ``.customers``: the recommendation per customer given where they are now.
    ``.caveat``: the causal caveat (also printed by ``summary()``).
    """

    #: The causal caveat of every recommendation.
    caveat: str = CAUSAL_CAVEAT

    def __init__(self, table: pd.DataFrame, *, customers: pd.DataFrame, chain: Chain,
                 direction: str, **kwargs: Any) -> None:
        super().__init__(table, **kwargs)
        self._customers = customers.copy()
        self._chain = chain
        self._direction = direction

    @property
    def customers(self) -> pd.DataFrame:
        """Per customer: ``customer_id``, ``state`` (where they are now), ``p_success``,
        ``recommended``, ``p_success_next`` and ``uplift`` (a copy)."""
        return self._customers.copy()

    @property
    def transition_matrix(self) -> pd.DataFrame:
        """The estimated transition probabilities (rows: states; plus success/failure)."""
        return self._chain.probabilities

    def _notes(self) -> list[str]:
        return [CAUSAL_CAVEAT]

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python data (with the customers and the caveat)."""
        from cjlib.action._result import plain

        out = super().to_dict()
        out["customers"] = plain(self._customers)
        out["caveat"] = CAUSAL_CAVEAT
        return out

    def plot(self, *, top: int = 20) -> Any:
        """Dumbbell chart: P(success) now and after the best next touchpoint, per state."""
        import plotly.graph_objects as go

        from cjlib.plot._style import NEUTRAL, apply_base_layout, color_for

        t = self._table[self._table["state"] != START].dropna(subset=["p_success"])
        t = t.nlargest(top, "visits").sort_values("p_success")
        best = t[t["recommended"].notna()]
        fig = go.Figure()
        for _, row in best.iterrows():
            fig.add_trace(go.Scatter(
                x=[row["p_success"], row["p_success_next"]], y=[row["state"]] * 2,
                mode="lines", line={"color": NEUTRAL, "width": 2}, showlegend=False,
                hoverinfo="skip"))
        fig.add_trace(go.Scatter(
            x=t["p_success"], y=t["state"], mode="markers", name="now",
            marker={"color": NEUTRAL, "size": 10},
            error_x={"type": "data", "symmetric": False,
                     "array": t["p_success_ci_high"] - t["p_success"],
                     "arrayminus": t["p_success"] - t["p_success_ci_low"],
                     "color": NEUTRAL, "thickness": 1},
            customdata=t[["visits"]].to_numpy(),
            hovertemplate="%{y}<br>P(success) now %{x:.1%}<br>visits %{customdata[0]:,.0f}"
                          "<extra></extra>"))
        fig.add_trace(go.Scatter(
            x=best["p_success_next"], y=best["state"], mode="markers+text",
            name="after the recommended next touchpoint", text=best["recommended"],
            textposition="middle right", textfont={"size": 11}, cliponaxis=False,
            marker={"color": color_for(2), "size": 11, "symbol": "diamond"},
            customdata=best[["recommended", "uplift", "n_transitions"]].to_numpy(),
            hovertemplate="%{y} → %{customdata[0]}<br>P(success) %{x:.1%}"
                          "<br>uplift %{customdata[1]:+.1%}<br>observed moves "
                          "%{customdata[2]:,.0f}<extra></extra>"))
        fig.update_xaxes(title="Probability of reaching success", tickformat=".0%")
        fig.update_yaxes(title=None)
        fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0,
                                  "xanchor": "left", "x": 0})
        fig.add_annotation(text="Observational: test recommendations before acting",
                           xref="paper", yref="paper", x=1, y=1.0, showarrow=False,
                           xanchor="right", yanchor="bottom", font={"size": 11, "color": NEUTRAL})
        fig = apply_base_layout(fig, title="Next best touchpoint",
                                height=max(380, 30 * len(t) + 170))
        return fig.update_layout(margin={"r": 120, "b": 80})


def _current_states(log: Any, success: str, by: str, journey_map: Any) -> pd.DataFrame:
    """Last step of every customer who has not reached ``success`` (loads the log)."""
    if by == "touchpoint" and journey_map is not None:
        log = log.bind(journey_map)
    frame = log.to_pandas()
    step_col = {"event": "event", "channel": "channel", "touchpoint": "touchpoint"}[by]
    if step_col not in frame.columns:
        raise DataError(f"by={by!r}: the event log has no {step_col!r} column")
    reached = set(frame.loc[frame["event"] == success, "customer_id"])
    open_ = frame[~frame["customer_id"].isin(reached)]
    if by == "channel":
        open_ = open_.assign(channel=open_["channel"].fillna("(none)"))
    open_ = open_.dropna(subset=[step_col])
    last = open_.groupby("customer_id", sort=True)[step_col].last()
    return pd.DataFrame({"customer_id": last.index.astype(str), "state": last.to_numpy()})


def _as_current(current: Any, state_col: str) -> pd.DataFrame:
    if isinstance(current, Mapping):
        current = pd.Series(current)
    if isinstance(current, pd.Series):
        return pd.DataFrame({"customer_id": current.index.astype(str),
                             "state": current.astype(str).to_numpy()})
    if isinstance(current, pd.DataFrame):
        missing = [c for c in ("customer_id", state_col) if c not in current.columns]
        if missing:
            raise DataError(
                f"current: columns {missing} are missing; expected 'customer_id' and "
                f"{state_col!r} (set state_col=...); available: {list(current.columns)}"
            )
        return pd.DataFrame({"customer_id": current["customer_id"].astype(str).to_numpy(),
                             "state": current[state_col].astype(str).to_numpy()})
    raise DataError(
        "current: expected a DataFrame (customer_id, state), a Series or a mapping "
        f"customer -> state; got {type(current).__name__}"
    )


def _best_moves(chain: Chain, p_success: np.ndarray, *, direction: str,
                min_transitions: float) -> pd.DataFrame:
    """For each state, the observed next touchpoint with the best P(success)."""
    counts = chain.counts
    states = list(chain.states)
    sign = 1.0 if direction == "increase" else -1.0
    rows = []
    for i, state in enumerate(states):
        moves = counts.loc[state, states]
        moves = moves[(moves >= min_transitions) & (moves.index != START)]
        if moves.empty:
            rows.append({"best_index": -1, "n_transitions": 0.0})
            continue
        candidates = [states.index(s) for s in moves.index]
        best = max(candidates, key=lambda j: (sign * p_success[j], counts.iat[i, j]))
        rows.append({"best_index": best, "n_transitions": float(counts.iat[i, best])})
    return pd.DataFrame(rows)


def next_best_touchpoint(
    log_or_paths: Any,
    *,
    success: str | None = None,
    by: str = "event",
    journey_map: Any = None,
    current: Any = None,
    state_col: str = "state",
    direction: str = "increase",
    min_transitions: int = 10,
    n_draws: int = 500,
    ci: float = 0.95,
    seed: int | None = 0,
) -> NextBestTouchpoint:
    """For every journey step, the next touchpoint that most raises the chance of success.

    The journeys become the first-order absorbing Markov chain of
    :func:`cjlib.stats.markov_attribution` (``(start) → steps → (conversion) | (null)``).
    From it, for each state ``i``: ``p_success`` = probability of eventually reaching success
    from ``i`` (``(I - Q)^-1 r``), and among the touchpoints customers were actually seen to
    go to next from ``i`` (at least ``min_transitions`` times), the one whose own
    ``p_success`` is highest (lowest with ``direction="decrease"``, e.g. when ``success`` is a
    churn event). Steering a customer from ``i`` to ``j`` is assumed to give them ``j``'s
    chance; ``uplift = p_success(j) - p_success(i)``. Each customer who has not reached
    success gets the recommendation of the state they are in now.

    Uncertainty: the rows of the transition matrix are redrawn ``n_draws`` times from
    ``Dirichlet(observed counts)`` (a Bayesian bootstrap over the observed moves) and the
    probabilities re-solved; intervals are the ``ci`` percentile intervals.

    **Causal caveat.** This is observational: customers who reach a touchpoint differ from
    those who do not, and the chain forgets everything but the current step. A recommendation
    is a hypothesis of where to intervene, to be tested (:func:`cjlib.action.ab_test`) before
    it is rolled out. The caveat is repeated in ``summary()`` and in ``.caveat``.

    Parameters
    ----------
    log_or_paths : EventLog or pandas.DataFrame
        An event log, or a paths table (``path``, ``conversions``, ``nulls``) as given by
        ``EventLog.paths(success).table``.
    success : str
        The success event (required with an event log): customers' paths end at its first
        occurrence.
    by : {"event", "channel", "touchpoint"}
        What a step is (``"touchpoint"`` needs a bound log or ``journey_map``).
    journey_map : JourneyMap, optional
        Binds the log to the map's touchpoints when ``by="touchpoint"``.
    current : DataFrame, Series or mapping, optional
        Where each customer is now (``customer_id`` and ``state_col``, or customer → state).
        Default with an event log: the last step of each customer who has not reached
        success (this loads the log into pandas; pass ``current`` for very large logs).
    state_col : str
        Column of ``current`` holding the state.
    direction : {"increase", "decrease"}
        Whether success should be made more likely (conversion) or less likely (churn).
    min_transitions : int
        Only moves observed at least this often are candidates (rare moves are noise).
    n_draws : int
        Posterior draws for the intervals (0: no intervals).
    ci : float
        Interval level.
    seed : int or None
        Seed of the random draws.

    Returns
    -------
    NextBestTouchpoint
        ``.table`` per state, ``.customers`` per customer, ``.caveat``, ``.plot()``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjlib.action import next_best_touchpoint
    >>> paths = pd.DataFrame({"path": ["A", "A>B", "B"], "conversions": [3, 3, 0],
    ...                       "nulls": [1, 1, 2]})
    >>> res = next_best_touchpoint(paths, min_transitions=1, n_draws=0,
    ...                            current={"c1": "A", "c2": "(start)"})
    >>> res.customers[["customer_id", "recommended"]].to_dict("records")
    [{'customer_id': 'c1', 'recommended': None}, {'customer_id': 'c2', 'recommended': 'A'}]
    """
    check_choice("by", by, ("event", "channel", "touchpoint"))
    check_choice("direction", direction, DIRECTIONS)
    level = check_probability("ci", ci)
    if not isinstance(min_transitions, int | float) or min_transitions < 1:
        raise DataError(f"min_transitions: expected a number >= 1, got {min_transitions!r}")
    if not isinstance(n_draws, int) or n_draws < 0:
        raise DataError(f"n_draws: expected a non-negative integer, got {n_draws!r}")
    is_frame = isinstance(log_or_paths, pd.DataFrame)
    chain = chain_from_paths(log_or_paths, success=success, by=by, journey_map=journey_map)
    p_hat = chain.absorption().to_numpy()
    states = list(chain.states)
    lo = hi = np.full(len(states), np.nan)
    if n_draws > 0:
        draws = absorption_probabilities(chain.draw(n_draws, np.random.default_rng(seed)))
        lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2], axis=0)
    moves = _best_moves(chain, p_hat, direction=direction, min_transitions=min_transitions)
    best = moves["best_index"].to_numpy()
    has = best >= 0
    pick = np.where(has, best, 0)
    visits = chain.counts.sum(axis=1).to_numpy()
    sign = 1.0 if direction == "increase" else -1.0
    p_next = np.where(has, p_hat[pick], np.nan)
    uplift = p_next - p_hat
    best_names = [states[j] if ok else None for j, ok in zip(pick, has, strict=True)]
    table = pd.DataFrame({
        "state": states,
        "visits": visits,
        "p_success": p_hat,
        "p_success_ci_low": lo,
        "p_success_ci_high": hi,
        "best_next": best_names,
        "p_success_next": p_next,
        "p_success_next_ci_low": np.where(has, lo[pick], np.nan),
        "p_success_next_ci_high": np.where(has, hi[pick], np.nan),
        "uplift": uplift,
        "n_transitions": moves["n_transitions"].to_numpy(),
        "recommended": [b if b is not None and sign * u > 1e-12 else None
                        for b, u in zip(best_names, uplift, strict=True)],
    })
    warnings: list[str] = []
    if current is None and not is_frame:
        current_frame = _current_states(log_or_paths, str(success), by, journey_map)
    elif current is None:
        current_frame = pd.DataFrame({"customer_id": pd.Series(dtype=str),
                                      "state": pd.Series(dtype=str)})
    else:
        current_frame = _as_current(current, state_col)
    customers = current_frame.merge(
        table[["state", "p_success", "recommended", "p_success_next", "uplift"]],
        on="state", how="left", validate="many_to_one")
    customers["recommended"] = customers["recommended"].astype(object).where(
        customers["recommended"].notna(), None)
    unknown = customers.loc[customers["p_success"].isna(), "state"].unique().tolist()
    if unknown:
        warnings.append(f"{int(customers['p_success'].isna().sum())} customers are in states "
                        f"the chain never saw (e.g. {unknown[:5]}); they get no recommendation")
    customers.loc[customers["recommended"].isna(), ["p_success_next", "uplift"]] = np.nan
    target = chain.success_event or "conversion"
    info = {"success": target, "by": by, "direction": direction, "states": len(states) - 1,
            "customers_in_journey": float(visits[0]),
            "p_success_overall": float(p_hat[0]), "min_transitions": min_transitions,
            "draws": n_draws, "ci": level,
            "customers_with_recommendation": int(customers["recommended"].notna().sum())}
    return NextBestTouchpoint(table, customers=customers, chain=chain, direction=direction,
                              title=f"Next best touchpoint towards {target!r} ({direction})",
                              info=info, warnings=warnings)
