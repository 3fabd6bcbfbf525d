"""``what_if``: change transition probabilities of the journey chain and see the outcome move.

Examples
--------
>>> import pandas as pd
>>> from cjlib.action import what_if
>>> paths = pd.DataFrame({"path": ["A", "A>B", "B"], "conversions": [3, 3, 0],
...                       "nulls": [1, 1, 2]})
>>> res = what_if(paths, change={("A", "B"): 0.5}, n_draws=0)
>>> res.table.set_index("metric").loc["p_success", ["baseline", "scenario", "difference"]].round(4)
baseline      0.60
scenario      0.65
difference    0.05
Name: p_success, dtype: float64
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cjlib.action._chain import (
    FAILURE,
    START,
    SUCCESS,
    Chain,
    absorption_probabilities,
    chain_from_paths,
)
from cjlib.action._inputs import check_choice, check_probability
from cjlib.action._result import ActionResult
from cjlib.errors import DataError

__all__ = ["WhatIf", "what_if"]

MODES = ("multiply", "set")
_ABSORBING_NAMES = {"(conversion)": SUCCESS, "(success)": SUCCESS, "(null)": FAILURE,
                    "(failure)": FAILURE}


class WhatIf(ActionResult):
    """Result of :func:`what_if`.

    ``.table``: one row per metric (``p_success``, ``successes`` and, with
    ``value_per_success``, ``value``) with ``baseline``, ``scenario``, ``difference``,
    ``difference_ci_low``/``_high`` and ``relative_change``. ``.states``: P(success) from
    every state before and after the change. ``.changes``: the edited transitions.
    ``.draws``: posterior draws of the baseline and scenario P(success).
    """

    def __init__(self, table: pd.DataFrame, *, states: pd.DataFrame, changes: pd.DataFrame,
                 draws: pd.DataFrame, **kwargs: Any) -> None:
        super().__init__(table, **kwargs)
        self._states = states.copy()
        self._changes = changes.copy()
        self._draws = draws.copy()

    @property
    def states(self) -> pd.DataFrame:
        """P(success) from every state, baseline and scenario (a copy)."""
        return self._states.copy()

    @property
    def changes(self) -> pd.DataFrame:
        """The edited transitions: ``from``, ``to``, ``p_before``, ``p_after`` (a copy)."""
        return self._changes.copy()

    @property
    def draws(self) -> pd.DataFrame:
        """Posterior draws of the overall P(success): ``baseline``, ``scenario`` (a copy)."""
        return self._draws.copy()

    def _notes(self) -> list[str]:
        return [
            "The scenario assumes customers who no longer take the changed step behave like "
            "those who took the other observed steps from the same state (the row is "
            "renormalised); it is a simulation from observational data, not a tested effect."
        ]

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python data (with states and changes)."""
        from cjlib.action._result import plain

        out = super().to_dict()
        out["states"] = plain(self._states)
        out["changes"] = plain(self._changes)
        return out

    def plot(self) -> Any:
        """Posterior of the change in P(success) (paired draws), with its interval."""
        import plotly.graph_objects as go

        from cjlib.plot._style import NEUTRAL, apply_base_layout, color_for

        row = self._table.set_index("metric").loc["p_success"]
        diff = float(row["difference"])
        fig = go.Figure()
        if len(self._draws):
            delta = self._draws["scenario"] - self._draws["baseline"]
            fig.add_trace(go.Histogram(x=delta, nbinsx=50, histnorm="probability density",
                                       marker_color=color_for(0), opacity=0.75,
                                       name="posterior draws", showlegend=False))
            fig.add_vrect(x0=float(row["difference_ci_low"]), x1=float(row["difference_ci_high"]),
                          fillcolor=color_for(0), opacity=0.08, line_width=0, layer="below")
        fig.add_vline(x=0.0, line_color=NEUTRAL, line_width=1)
        fig.add_vline(x=diff, line_dash="dash", line_color=color_for(5))
        text = (f"P({self._info.get('success')}): {row['baseline']:.2%} → "
                f"{row['scenario']:.2%}<br>difference {diff:+.2%}")
        if pd.notna(row["difference_ci_low"]):
            text += (f" ({self._info.get('ci', 0.95):.0%} interval "
                     f"{row['difference_ci_low']:+.2%} to {row['difference_ci_high']:+.2%})")
        fig.add_annotation(text=text, xref="paper", yref="paper", x=1.0, y=1.01,
                           showarrow=False, xanchor="right", yanchor="bottom", align="right")
        fig.update_xaxes(title="Change in the probability of reaching "
                               f"{self._info.get('success')}", tickformat="+.2%")
        fig.update_yaxes(title="posterior density")
        fig = apply_base_layout(fig, title=self._title, height=440)
        return fig.update_layout(margin={"t": 100})


def _check_changes(change: Any, chain: Chain, mode: str) -> list[tuple[str, str, float]]:
    if not isinstance(change, Mapping) or not change:
        raise DataError(
            "change: expected a non-empty mapping {(from_state, to_state): number}, e.g. "
            f"{{('bill_review', 'support_call'): 0.5}}; got {change!r}"
        )
    states = list(chain.states)
    targets = [*states, SUCCESS, FAILURE]
    out = []
    for key, value in change.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise DataError(f"change: keys must be (from_state, to_state) pairs; got {key!r}")
        source, target = (str(k) for k in key)
        target = _ABSORBING_NAMES.get(target, target)
        if source not in states:
            raise DataError(f"change: from_state {source!r} is not a state of the chain; "
                            f"known states: {states[:30]}")
        if target not in targets:
            raise DataError(f"change: to_state {target!r} is not a state of the chain; "
                            f"known: {targets[:30]}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise DataError(f"change[{key!r}]: expected a number, got {value!r}") from None
        if not np.isfinite(number) or number < 0 or (mode == "set" and number > 1):
            allowed = "a probability in [0, 1]" if mode == "set" else "a multiplier >= 0"
            raise DataError(f"change[{key!r}]: expected {allowed}, got {value!r}")
        row = chain.counts.loc[source]
        if row.sum() <= 0:
            raise DataError(f"change: state {source!r} has no observed transitions")
        out.append((source, target, number))
    return out


def _apply(P: np.ndarray, edits: list[tuple[int, int, float]], mode: str) -> np.ndarray:
    """Edit ``P`` (one or a stack of matrices) and renormalise each edited row."""
    P = P.copy()
    by_row: dict[int, list[tuple[int, float]]] = {}
    for i, j, number in edits:
        by_row.setdefault(i, []).append((j, number))
    for i, cells in by_row.items():
        cols = [j for j, _ in cells]
        old = P[..., i, :].copy()
        new_cells = np.stack([old[..., j] * v if mode == "multiply" else
                              np.broadcast_to(v, old[..., j].shape) for j, v in cells], axis=-1)
        fixed_mass = new_cells.sum(axis=-1)
        rest = old.copy()
        rest[..., cols] = 0.0
        rest_mass = rest.sum(axis=-1)
        if np.any(fixed_mass > 1 + 1e-9):
            raise DataError(f"change: the new probabilities out of row {i} sum to more than 1")
        if np.any((rest_mass <= 0) & (fixed_mass < 1 - 1e-9)):
            raise DataError("change: a changed state has no other observed transition to "
                            "take the freed probability; change another transition instead")
        scale = np.where(rest_mass > 0, (1 - fixed_mass) / np.where(rest_mass > 0, rest_mass, 1),
                         0.0)
        row = rest * scale[..., None]
        row[..., cols] = new_cells
        P[..., i, :] = row
    return P


def what_if(
    log_or_paths: Any,
    *,
    change: Mapping[tuple[str, str], float],
    success: str | None = None,
    mode: str = "multiply",
    by: str = "event",
    journey_map: Any = None,
    population: float | None = None,
    value_per_success: float | None = None,
    n_draws: int = 1000,
    ci: float = 0.95,
    seed: int | None = 0,
) -> WhatIf:
    """Change transition probabilities of the journey chain and simulate the outcome.

    The journeys become the first-order absorbing Markov chain of
    :func:`cjlib.stats.markov_attribution`. Each ``(from, to)`` in ``change`` edits
    ``P(from → to)`` (``mode="multiply"``: times the number, e.g. 0.5 halves the share;
    ``mode="set"``: to the number) and the other observed transitions out of ``from`` are
    rescaled so the row still sums to one (the freed or taken share is spread in proportion
    to the current shares). The probability of reaching success is then solved exactly,
    before and after.

    Uncertainty is carried through by redrawing every row of the transition matrix from
    ``Dirichlet(observed counts)`` (a Bayesian bootstrap over observed moves), applying the
    same change to each draw and re-solving: the interval of the *difference* comes from the
    paired draws, so it reflects how well the affected rows are known.

    ``success`` may be a good outcome (a purchase) or a bad one (a cancellation); give
    ``value_per_success`` a negative sign for a bad one (e.g. minus the CLV lost per churn).
    For churn questions restrict the log to customers first (``log.filter(customers=...)``),
    so prospects who never signed do not count as retained.

    Parameters
    ----------
    log_or_paths : EventLog or pandas.DataFrame
        An event log, or a paths table (``path``, ``conversions``, ``nulls``).
    change : mapping
        ``{(from_state, to_state): number}``; states are steps (event names, channels or
        touchpoint ids as in ``by``) or ``"(conversion)"`` / ``"(null)"`` for the end states.
    success : str
        The success event (required with an event log).
    mode : {"multiply", "set"}
        How the numbers in ``change`` apply.
    by : {"event", "channel", "touchpoint"}
        What a step is (``"touchpoint"`` needs a bound log or ``journey_map``).
    journey_map : JourneyMap, optional
        Binds the log to the map's touchpoints when ``by="touchpoint"``.
    population : float, optional
        Customers entering the journey per period, to express the change as extra
        successes (default: the customers in the data).
    value_per_success : float, optional
        Value of one success (e.g. CLV); adds a ``value`` row.
    n_draws : int
        Posterior draws (0: point estimates only).
    ci : float
        Interval level.
    seed : int or None
        Seed of the random draws.

    Returns
    -------
    WhatIf
        ``.table`` (baseline, scenario, difference with CI per metric), ``.states``,
        ``.changes``, ``.draws``, ``.plot()``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjlib.action import what_if
    >>> paths = pd.DataFrame({"path": ["A", "A>B", "B"], "conversions": [3, 3, 0],
    ...                       "nulls": [1, 1, 2]})
    >>> res = what_if(paths, change={("A", "B"): 0.5}, value_per_success=100.0, n_draws=0)
    >>> res.changes[["from", "to", "p_before", "p_after"]].round(4).to_dict("records")
    [{'from': 'A', 'to': 'B', 'p_before': 0.5, 'p_after': 0.25}]
    >>> round(float(res.table.set_index("metric").loc["value", "difference"]), 2)
    50.0
    """
    check_choice("mode", mode, MODES)
    check_choice("by", by, ("event", "channel", "touchpoint"))
    level = check_probability("ci", ci)
    if not isinstance(n_draws, int) or n_draws < 0:
        raise DataError(f"n_draws: expected a non-negative integer, got {n_draws!r}")
    for name, number in (("population", population), ("value_per_success", value_per_success)):
        if number is not None and (not isinstance(number, int | float)
                                   or not np.isfinite(number)):
            raise DataError(f"{name}: expected a finite number, got {number!r}")
    if population is not None and population <= 0:
        raise DataError(f"population: expected a positive number, got {population!r}")
    chain = chain_from_paths(log_or_paths, success=success, by=by, journey_map=journey_map)
    checked = _check_changes(change, chain, mode)
    columns = [*chain.states, SUCCESS, FAILURE]
    edits = [(chain.states.index(s), columns.index(t), v) for s, t, v in checked]
    P = chain.probabilities.to_numpy(dtype=float)
    P_new = _apply(P, edits, mode)
    base = absorption_probabilities(P)
    scen = absorption_probabilities(P_new)
    n_people = float(chain.counts.loc[START].sum()) if population is None else float(population)

    draws = pd.DataFrame({"baseline": pd.Series(dtype=float),
                          "scenario": pd.Series(dtype=float)})
    diff_lo = diff_hi = np.nan
    if n_draws > 0:
        sampled = chain.draw(n_draws, np.random.default_rng(seed))
        b = absorption_probabilities(sampled)[:, 0]
        s = absorption_probabilities(_apply(sampled, edits, mode))[:, 0]
        draws = pd.DataFrame({"baseline": b, "scenario": s})
        diff_lo, diff_hi = np.quantile(s - b, [(1 - level) / 2, (1 + level) / 2])

    def metric(name: str, scale: float) -> dict[str, Any]:
        before, after = base[0] * scale, scen[0] * scale
        lo, hi = sorted((diff_lo * scale, diff_hi * scale)) if n_draws else (np.nan, np.nan)
        return {"metric": name, "baseline": before, "scenario": after,
                "difference": after - before, "difference_ci_low": lo,
                "difference_ci_high": hi,
                "relative_change": (after - before) / before if before != 0 else np.nan}

    rows = [metric("p_success", 1.0), metric("successes", n_people)]
    if value_per_success is not None:
        rows.append(metric("value", n_people * float(value_per_success)))
    table = pd.DataFrame(rows)
    states = pd.DataFrame({"state": list(chain.states), "p_success_baseline": base,
                           "p_success_scenario": scen, "difference": scen - base})
    changes = pd.DataFrame(
        [{"from": s, "to": t, "p_before": P[chain.states.index(s), columns.index(t)],
          "p_after": P_new[chain.states.index(s), columns.index(t)]} for s, t, _ in checked]
    )
    target = chain.success_event or "conversion"
    described = ", ".join(f"{s}→{t} ×{v:g}" if mode == "multiply" else f"{s}→{t} = {v:g}"
                          for s, t, v in checked)
    info = {"success": target, "by": by, "mode": mode, "population": n_people,
            "value_per_success": value_per_success, "draws": n_draws, "ci": level}
    return WhatIf(table, states=states, changes=changes, draws=draws, info=info,
                  title=f"What if {described}: P({target})")
