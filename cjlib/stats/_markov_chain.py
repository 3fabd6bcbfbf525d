"""Path strings to an absorbing Markov chain, with array operations only.

``markov_attribution`` spends its time here on large path tables: each path string is split
once by Arrow's string kernels, touchpoints become integer codes, and every count (flows
between states, absorptions, heuristic credits) is a ``bincount`` over those codes, so no
Python loop runs per path or per step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["MarkovChain", "PathTokens", "build_chain", "heuristic_credit", "path_tokens"]


@dataclass(frozen=True)
class PathTokens:
    """The steps of every path, flattened.

    ``path`` is the row of each step in the path table, ``position`` its place in that
    path (0-based, after blank steps are dropped), ``code`` the index of its touchpoint in
    ``names`` (sorted), ``length`` the number of steps per path row.
    """

    path: np.ndarray
    position: np.ndarray
    code: np.ndarray
    names: list[str]
    length: np.ndarray


def path_tokens(column: pd.Series, sep: str) -> PathTokens:
    """Split ``sep``-joined path strings into steps; blanks are dropped, missing = empty path."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        array = pa.array(column, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers or other objects: as str(p) does
        text = column.where(column.isna(), column.astype(str))
        array = pa.array(text, type=pa.string(), from_pandas=True)
    pieces = pc.split_pattern(array, pattern=sep)
    encoded = pc.list_flatten(pieces).dictionary_encode()
    rows = pc.list_parent_indices(pieces).to_numpy().astype(np.int64)
    # trim and sort the (few) distinct labels, not every step
    labels = [str(v).strip() for v in encoded.dictionary.to_pylist()]
    names = sorted(set(labels) - {""})
    rank = {name: i for i, name in enumerate(names)}
    label_code = np.array([rank.get(label, -1) for label in labels], dtype=np.int64)
    codes = label_code[encoded.indices.to_numpy()] if labels else np.zeros(0, np.int64)
    if (codes < 0).any():  # blank steps ("a>>b", trailing separators) are not touchpoints
        kept = codes >= 0
        rows, codes = rows[kept], codes[kept]
    length = np.bincount(rows, minlength=len(column))
    starts = np.cumsum(length) - length
    position = np.arange(len(rows)) - starts[rows]
    return PathTokens(rows, position, codes, names, length)


@dataclass(frozen=True)
class MarkovChain:
    """Transient part ``Q`` (state 0 is ``(start)``) and the one-step conversion probabilities.

    ``members[s]`` lists the touchpoint codes making up state ``s`` (newest first, ``-1``
    where a short state has fewer than ``order`` steps).
    """

    transient: object  # scipy.sparse.csr_matrix
    to_conversion: np.ndarray
    members: np.ndarray

    @property
    def n_states(self) -> int:
        return int(self.transient.shape[0])

    def contains(self, code: int) -> np.ndarray:
        """Which states include touchpoint ``code``."""
        return (self.members == code).any(axis=1)

    def state_names(self, names: list[str]) -> list[str]:
        """``(start)`` then each state's touchpoints, oldest first, joined by ``" > "``."""
        labels = np.asarray(names, dtype=object)
        out = ["(start)"]
        for row in self.members[1:]:
            out.append(" > ".join(labels[row[row >= 0][::-1]]))
        return out


def _shifted(values: np.ndarray, position: np.ndarray, lag: int) -> np.ndarray:
    """The value ``lag`` steps earlier in the same path, ``-1`` before the path starts."""
    earlier = np.full(len(values), -1, dtype=np.int64)
    if lag < len(values):
        earlier[lag:] = values[:-lag]
    return np.where(position >= lag, earlier, -1)


def build_chain(tokens: PathTokens, conversions: np.ndarray, nulls: np.ndarray, order: int):
    """The absorbing chain of the paths with a positive count, states = last ``order`` steps.

    States are numbered in order of first appearance along the table (``(start)`` = 0), as
    a walk through the paths one by one would meet them.
    """
    from scipy import sparse

    weight = conversions + nulls
    counted = weight[tokens.path] > 0
    path, position, code = tokens.path[counted], tokens.position[counted], tokens.code[counted]
    n_codes = len(tokens.names) + 1
    members = [code] + [_shifted(code, position, lag) for lag in range(1, order)]
    key = code
    for earlier in members[1:]:
        key = pd.factorize(key * n_codes + (earlier + 1))[0].astype(np.int64)
    state_ids, _ = pd.factorize(key)
    state = state_ids.astype(np.int64) + 1
    n_states = int(state.max()) + 1 if len(state) else 1
    first_seen = np.unique(state, return_index=True)[1]
    member_table = np.full((n_states, order), -1, dtype=np.int64)
    member_table[1:] = np.column_stack(members)[first_seen] if len(state) else member_table[1:]

    source = np.where(position > 0, _shifted(state, position, 1), 0)
    step_weight = weight[path]
    last_state = np.zeros(len(weight), dtype=np.int64)
    last_state[path] = state  # steps are in path order, so the last write is the last step
    counted_paths = weight > 0
    conv_flow = np.bincount(
        last_state[counted_paths], weights=conversions[counted_paths], minlength=n_states
    )
    null_flow = np.bincount(
        last_state[counted_paths], weights=nulls[counted_paths], minlength=n_states
    )
    out_total = np.bincount(source, weights=step_weight, minlength=n_states) + conv_flow + null_flow
    pair, pairs = pd.factorize(source * n_states + state)
    pair_weight = np.bincount(pair, weights=step_weight, minlength=len(pairs))
    rows, cols = pairs // n_states, pairs % n_states
    transient = sparse.csr_matrix(
        (pair_weight / out_total[rows], (rows, cols)), shape=(n_states, n_states)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        to_conversion = np.where(out_total > 0, conv_flow / out_total, 0.0)
    return MarkovChain(transient, to_conversion, member_table)


def heuristic_credit(
    tokens: PathTokens, conversions: np.ndarray, value: np.ndarray
) -> dict[str, np.ndarray]:
    """First-touch, last-touch and linear credit (conversions and value) per touchpoint code."""
    n_codes = len(tokens.names)
    credited = (tokens.length > 0) & (conversions != 0)
    starts = np.cumsum(tokens.length) - tokens.length
    rows = np.flatnonzero(credited)
    first = tokens.code[starts[rows]]
    last = tokens.code[starts[rows] + tokens.length[rows] - 1]
    step_credited = credited[tokens.path]
    step_code = tokens.code[step_credited]
    step_path = tokens.path[step_credited]
    share = 1.0 / np.maximum(tokens.length, 1)

    def count(codes: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=n_codes).astype(float)

    return {
        "first_touch": count(first, conversions[rows]),
        "last_touch": count(last, conversions[rows]),
        "linear": count(step_code, (conversions * share)[step_path]),
        "first_touch_value": count(first, value[rows]),
        "last_touch_value": count(last, value[rows]),
        "linear_value": count(step_code, (value * share)[step_path]),
    }
