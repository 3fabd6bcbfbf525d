"""``markov_attribution``: removal effects from the absorbing Markov chain of journeys."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cjlib.errors import DataError
from cjlib.stats._checks import numeric_values, require_columns, require_frame
from cjlib.stats._markov_chain import build_chain, heuristic_credit, path_tokens
from cjlib.stats._result import StatsResult

__all__ = ["MarkovResult", "markov_attribution"]


class MarkovResult(StatsResult):
    """Result of :func:`markov_attribution`.

    ``.table`` is indexed by touchpoint with ``removal_effect``, ``conversions``
    (attributed), ``value`` (attributed), ``first_touch``, ``last_touch``, ``linear`` (and
    their ``*_value`` twins when a value column was given). ``.transition_matrix`` holds the
    estimated transition probabilities.
    """

    def __init__(
        self, table: pd.DataFrame, *, transition_matrix: pd.DataFrame, **kwargs: Any
    ) -> None:
        super().__init__(table, **kwargs)
        self._transitions = transition_matrix

    @property
    def transition_matrix(self) -> pd.DataFrame:
        """Row-stochastic transition probabilities between states (copy)."""
        return self._transitions.copy()

    def plot(self) -> Any:
        """Grouped bars of attributed conversions: Markov against the heuristics."""
        import plotly.graph_objects as go

        from cjlib.plot._style import apply_base_layout, color_for

        t = self._table.sort_values("conversions", ascending=False)
        fig = go.Figure()
        for i, (col, name) in enumerate(
            [
                ("conversions", "Markov (removal effect)"),
                ("first_touch", "first touch"),
                ("last_touch", "last touch"),
                ("linear", "linear"),
            ]
        ):
            fig.add_trace(
                go.Bar(x=t.index.astype(str), y=t[col], name=name, marker_color=color_for(i))
            )
        fig.update_layout(barmode="group")
        fig.update_yaxes(title="Attributed conversions")
        fig.update_xaxes(title="Touchpoint")
        return apply_base_layout(fig, title="Conversion attribution", height=430)


def _absorption(Q: Any, r_conv: np.ndarray) -> np.ndarray:
    """Probability of ending in conversion from every transient state: (I - Q)^-1 r."""
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    system = sparse.identity(Q.shape[0], format="csc") - Q
    return np.atleast_1d(spsolve(system.tocsc(), r_conv))


def _paths_from_log(log: Any, conversion_event: str | None, by: str | None) -> pd.DataFrame:
    if conversion_event is None:
        raise DataError("markov_attribution on an EventLog needs conversion_event=...")
    kwargs = {"by": by} if by is not None else {}
    result = log.paths(conversion_event, **kwargs)
    table = getattr(result, "table", result)  # EventLog.paths returns a PathsResult
    if not isinstance(table, pd.DataFrame):
        raise DataError("the event log's paths(...) did not give a table of paths")
    return table


def markov_attribution(
    paths: Any,
    *,
    path_col: str = "path",
    conversions_col: str = "conversions",
    nulls_col: str = "nulls",
    value_col: str | None = None,
    sep: str = ">",
    order: int = 1,
    conversion_event: str | None = None,
    by: str | None = None,
) -> MarkovResult:
    """Attribute conversions to touchpoints with an absorbing Markov chain.

    The journeys become a chain ``(start) → touchpoints → (conversion) | (null)``; for
    ``order > 1`` a state is the last ``order`` touchpoints. The removal effect of a
    touchpoint is ``1 − P(conversion without it) / P(conversion)``, where removing it sends
    every state that contains it to ``(null)``. Both probabilities are solved exactly from the
    fundamental matrix (no simulation). Conversions (and value) are shared out in
    proportion to the removal effects.

    Parameters
    ----------
    paths : pandas.DataFrame or EventLog
        One row per distinct path with its conversion and null counts, or an ``EventLog``
        (the table of its ``paths(conversion_event, by=...)`` is used; customers who
        convert at their first event have no path and are not attributed).
    path_col, conversions_col, nulls_col : str
        Columns of the path (steps joined by ``sep``) and its counts.
    value_col : str, optional
        Column of conversion value per path (e.g. revenue); attributed like conversions.
    sep : str
        Step separator in the path strings.
    order : int
        Markov order (1 = next step depends on the current touchpoint only).
    conversion_event, by : str, optional
        Passed to ``EventLog.paths`` when ``paths`` is an ``EventLog`` (``by``: ``"event"``,
        ``"channel"`` or ``"touchpoint"``).

    Returns
    -------
    MarkovResult
        ``.table`` indexed by touchpoint: ``removal_effect``, ``conversions``, ``value``,
        ``first_touch``, ``last_touch``, ``linear``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjlib.stats import markov_attribution
    >>> p = pd.DataFrame({"path": ["A>B", "A", "B"], "conversions": [1, 0, 1],
    ...                   "nulls": [0, 1, 1]})
    >>> markov_attribution(p).table["removal_effect"].round(4).to_dict()
    {'B': 1.0, 'A': 0.3333}
    """
    if not isinstance(paths, pd.DataFrame) and hasattr(paths, "paths"):
        paths = _paths_from_log(paths, conversion_event, by)
    require_frame(paths, "paths")
    cols = {"path_col": [path_col], "conversions_col": [conversions_col], "nulls_col": [nulls_col]}
    if value_col is not None:
        cols["value_col"] = [value_col]
    require_columns(paths, cols, "paths")
    if not isinstance(order, int) or order < 1:
        raise DataError(f"order must be a positive integer, got {order!r}")
    conv = numeric_values(paths[conversions_col], "conversions_col")
    null = numeric_values(paths[nulls_col], "nulls_col")
    value = numeric_values(paths[value_col], "value_col") if value_col else conv * 0.0
    for name, arr in (("conversions_col", conv), ("nulls_col", null)):
        if np.isnan(arr).any() or (arr < 0).any():
            raise DataError(f"{name} must be non-negative counts without missing values")
    if conv.sum() <= 0:
        raise DataError(f"no conversions in {conversions_col!r}: nothing to attribute")
    tokens = path_tokens(paths[path_col], sep)
    channels = tokens.names
    if not channels:
        raise DataError(f"{path_col!r} holds no touchpoints")
    chain = build_chain(tokens, conv, null, order)
    Q, r_conv = chain.transient, chain.to_conversion
    p_conv = float(_absorption(Q, r_conv)[0])

    from scipy import sparse

    removal = {}
    for code, ch in enumerate(tokens.names):
        removed = chain.contains(code)
        keep = sparse.diags((~removed).astype(float))
        p_without = float(_absorption(keep @ Q, r_conv * ~removed)[0])
        removal[ch] = 1 - p_without / p_conv if p_conv > 0 else 0.0

    total_conv, total_value = conv.sum(), value.sum()
    effects = pd.Series(removal)
    share = effects / effects.sum() if effects.sum() > 0 else effects * 0
    table = pd.DataFrame(
        {
            "removal_effect": effects,
            "conversions": share * total_conv,
            "value": share * total_value if value_col else np.nan,
        }
    )
    for key, values in heuristic_credit(tokens, conv, value).items():
        if key.endswith("_value") and value_col is None:
            continue
        table[key] = pd.Series(values, index=tokens.names)
    table.index.name = "touchpoint"
    names = chain.state_names(tokens.names)
    dense = pd.DataFrame(Q.toarray(), index=names, columns=names)
    dense["(conversion)"] = r_conv
    dense["(null)"] = 1 - dense.sum(axis=1)
    notes = []
    unconverted = int((conv == 0).sum())
    if order > 1 and chain.n_states > 50 * len(channels):
        notes.append(
            f"order {order} gives {chain.n_states} states for {len(channels)} touchpoints; "
            "sparse data make higher-order estimates noisy"
        )
    return MarkovResult(
        table.sort_values("removal_effect", ascending=False),
        transition_matrix=dense,
        title=f"Markov attribution (order {order})",
        warnings=notes,
        info={
            "order": order,
            "paths": len(paths),
            "paths_without_conversion": int(unconverted),
            "conversions": float(total_conv),
            "conversion_probability": p_conv,
            "states": chain.n_states,
        },
    )
