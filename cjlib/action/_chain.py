"""The absorbing Markov chain of journeys, as needed by next-best-touchpoint and what-if.

The chain itself is built by :func:`cjlib.stats.markov_attribution` (one implementation in
the library); this module reads its transition matrix and recovers the transition *counts*
behind it, which the uncertainty of :func:`~cjlib.action.what_if` and
:func:`~cjlib.action.next_best_touchpoint` needs.

Why the counts can be recovered exactly: the chain is estimated from observed flows, and every
arrival at a transient state is followed by exactly one departure, so the number of visits
``N`` of each state solves ``N = W e_start (I - Q)^-1`` (``W`` = customers). The count of
``i -> j`` is then ``N_i P_ij``.

Examples
--------
>>> import pandas as pd
>>> from cjlib.action._chain import chain_from_paths
>>> p = pd.DataFrame({"path": ["A", "A>B", "B"], "conversions": [3, 3, 0],
...                   "nulls": [1, 1, 2]})
>>> chain = chain_from_paths(p)
>>> chain.counts.loc["A", ["B", "(conversion)"]].round(6).tolist()
[4.0, 3.0]
>>> round(float(chain.absorption()["(start)"]), 4)
0.6
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cjlib.errors import DataError

__all__ = ["FAILURE", "START", "SUCCESS", "Chain", "absorption_probabilities", "chain_from_paths"]

START, SUCCESS, FAILURE = "(start)", "(conversion)", "(null)"


def absorption_probabilities(P: np.ndarray) -> np.ndarray:
    """Probability of ending in success from every transient state.

    ``P`` holds one or a stack of matrices ``[..., n, n + 2]``: rows are transient states,
    the first ``n`` columns transitions between them, column ``n`` success and ``n + 1``
    failure. Returns ``(I - Q)^-1 r`` with shape ``[..., n]``.
    """
    n = P.shape[-2]
    system = np.eye(n) - P[..., :n]
    return np.linalg.solve(system, P[..., n][..., None])[..., 0]


@dataclass(frozen=True)
class Chain:
    """An estimated absorbing chain: transient ``states`` and the counts out of each."""

    states: tuple[str, ...]
    #: rows: transient states (``(start)`` first); columns: states + success + failure.
    counts: pd.DataFrame
    success_event: str | None = None

    @property
    def probabilities(self) -> pd.DataFrame:
        """Row-stochastic transition probabilities (states + ``(conversion)``/``(null)``)."""
        totals = self.counts.sum(axis=1)
        return self.counts.div(totals.where(totals > 0, 1.0), axis=0)

    @property
    def touchpoints(self) -> tuple[str, ...]:
        """The transient states that are journey steps (everything but ``(start)``)."""
        return tuple(s for s in self.states if s != START)

    def absorption(self, probabilities: pd.DataFrame | None = None) -> pd.Series:
        """P(success) from every state under ``probabilities`` (default: the estimate)."""
        P = self.probabilities if probabilities is None else probabilities
        values = absorption_probabilities(P.to_numpy(dtype=float))
        return pd.Series(values, index=list(self.states), name="p_success")

    def draw(self, n_draws: int, rng: np.random.Generator) -> np.ndarray:
        """Posterior draws of the transition matrix, shape ``[n_draws, n, n + 2]``.

        Each row is drawn from ``Dirichlet(observed counts)`` over the transitions that were
        observed (the Bayesian bootstrap of Rubin 1981): a move never seen stays impossible.
        """
        counts = self.counts.to_numpy(dtype=float)
        out = np.zeros((n_draws, *counts.shape))
        for i, row in enumerate(counts):
            seen = np.flatnonzero(row > 0)
            if len(seen) == 0:
                continue
            if len(seen) == 1:
                out[:, i, seen[0]] = 1.0
                continue
            out[:, i, seen] = rng.dirichlet(row[seen], size=n_draws)
        return out


def _paths_table(
    source: Any, success: str | None, by: str, journey_map: Any
) -> tuple[pd.DataFrame, str | None]:
    if isinstance(source, pd.DataFrame):
        return source, success
    if hasattr(source, "paths"):
        if not isinstance(success, str) or not success:
            raise DataError(
                f"success must name the success event of the event log; got {success!r}"
            )
        if success not in source.event_names:
            raise DataError(
                f"success: {success!r} never occurs in the log; allowed: an event of the log, "
                f"e.g. {source.event_names[:12]}"
            )
        result = source.paths(success, by=by, journey_map=journey_map)
        return result.table, success
    raise DataError(
        "log_or_paths: expected an EventLog or a paths table (columns path, conversions, "
        f"nulls, as given by EventLog.paths(...).table); got {type(source).__name__}"
    )


def chain_from_paths(
    source: Any,
    *,
    success: str | None = None,
    by: str = "event",
    journey_map: Any = None,
    path_col: str = "path",
    conversions_col: str = "conversions",
    nulls_col: str = "nulls",
    sep: str = ">",
) -> Chain:
    """Estimate the first-order absorbing chain of an event log or a table of paths."""
    from cjlib.stats import markov_attribution

    paths, success = _paths_table(source, success, by, journey_map)
    fitted = markov_attribution(
        paths,
        path_col=path_col,
        conversions_col=conversions_col,
        nulls_col=nulls_col,
        sep=sep,
        order=1,
    )
    P = fitted.transition_matrix
    states = [s for s in P.index]
    if states[0] != START:  # pragma: no cover - guaranteed by markov_attribution
        raise DataError("the chain has no (start) state")
    P = P.loc[states, [*states, SUCCESS, FAILURE]].clip(lower=0.0)
    n_customers = float(
        pd.to_numeric(paths[conversions_col]).sum() + pd.to_numeric(paths[nulls_col]).sum()
    )
    n = len(states)
    fundamental_row = np.linalg.solve((np.eye(n) - P.iloc[:, :n].to_numpy()).T, np.eye(n)[0])
    visits = n_customers * fundamental_row
    counts = P.mul(visits, axis=0)
    # the counts are integers up to solver rounding; snap them so Dirichlet draws are exact
    counts = counts.where((counts - counts.round()).abs() > 1e-6, counts.round())
    return Chain(states=tuple(states), counts=counts, success_event=success)
