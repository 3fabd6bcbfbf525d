"""Harrell's concordance index in O(n log n), vectorised over chunks of subjects."""

from __future__ import annotations

import itertools

import numpy as np

__all__ = ["concordance_index"]

_CHUNK = 256


def _fenwick_add(tree: np.ndarray, ranks: np.ndarray) -> None:
    """Insert ``ranks`` (1-based) into the tree; slot 0 is a scratch slot, reset after."""
    idx = ranks.copy()
    size = len(tree) - 1
    for _ in range(size.bit_length()):
        np.add.at(tree, idx, 1)
        idx += idx & -idx
        idx[idx > size] = 0
    tree[0] = 0


def _fenwick_below(tree: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """Number of inserted ranks <= each of ``ranks`` (rank 0 reads the empty slot 0)."""
    total = np.zeros(len(ranks), dtype=np.int64)
    idx = ranks.copy()
    for _ in range((len(tree) - 1).bit_length()):
        total += tree[idx]
        idx -= idx & -idx
    return total


def _by_time(
    tree: np.ndarray, r: np.ndarray, e: np.ndarray, block_start: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Prefix-rank counts when times repeat: censored of a time go in before its events."""
    lower, equal = [], []
    bounds = np.r_[block_start, n]
    for start, stop in itertools.pairwise(bounds):
        ranks, events = r[start:stop], e[start:stop]
        _fenwick_add(tree, ranks[~events])
        if events.any():
            qr = ranks[events]
            below = _fenwick_below(tree, qr - 1)
            lower.append(below)
            equal.append(_fenwick_below(tree, qr) - below)
            _fenwick_add(tree, qr)
    if not lower:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(lower), np.concatenate(equal)


def _by_chunk(
    tree: np.ndarray, r: np.ndarray, positions: np.ndarray, limit: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Prefix-rank counts in chunks: earlier chunks from the tree, the rest compared densely."""
    query_rank = r[positions]
    chunk_of = limit // _CHUNK
    by_chunk = np.argsort(chunk_of, kind="stable")
    bounds = np.searchsorted(chunk_of[by_chunk], np.arange(n // _CHUNK + 2))
    lower = np.zeros(len(positions), dtype=np.int64)
    equal = np.zeros(len(positions), dtype=np.int64)
    for k in range(n // _CHUNK + 1):
        start = k * _CHUNK
        mine = by_chunk[bounds[k] : bounds[k + 1]]
        if len(mine):
            qr, ql = query_rank[mine], limit[mine]
            below = _fenwick_below(tree, qr - 1)
            lower[mine] = below
            equal[mine] = _fenwick_below(tree, qr) - below
            part = r[start : start + _CHUNK]
            before = (start + np.arange(len(part)))[None, :] < ql[:, None]
            lower[mine] += (before & (part[None, :] < qr[:, None])).sum(axis=1)
            equal[mine] += (before & (part[None, :] == qr[:, None])).sum(axis=1)
        _fenwick_add(tree, r[start : start + _CHUNK])
    return lower, equal


def concordance_index(duration: np.ndarray, event: np.ndarray, risk: np.ndarray) -> float:
    """Share of comparable pairs whose predicted risk orders them correctly.

    A pair is comparable when the shorter time is an event; a censored subject tied in time
    with an event counts as having lived longer. Ties in risk count one half. A higher
    ``risk`` means an earlier expected event.

    Subjects are sorted by descending time (censored before events at a tie); an event at
    position ``i`` is compared with every subject before ``c_i``, the first event of its
    time. Those counts are a prefix-rank query answered chunk by chunk: a Fenwick tree over
    risk ranks holds the earlier chunks, a small dense comparison the rest.
    """
    event = np.asarray(event, dtype=bool)
    ranks = np.unique(risk, return_inverse=True)[1].astype(np.int64) + 1
    order = np.lexsort((event, -np.asarray(duration, dtype=float)))
    d, e, r = np.asarray(duration, dtype=float)[order], event[order], ranks[order]
    n = len(d)
    if n == 0:
        return float("nan")
    block_start = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
    block_of = np.cumsum(np.r_[True, d[1:] != d[:-1]]) - 1
    censored = np.bincount(block_of, weights=~e, minlength=len(block_start)).astype(np.int64)
    positions = np.flatnonzero(e)
    limit = (block_start + censored)[block_of[positions]]  # compare with positions < limit
    comparable = int(limit.sum())
    if comparable == 0:
        return float("nan")
    tree = np.zeros(int(ranks.max()) + 1, dtype=np.int64)
    if len(block_start) <= n // _CHUNK:  # few distinct times: one tree query per time
        lower, equal = _by_time(tree, r, e, block_start, n)
    else:
        lower, equal = _by_chunk(tree, r, positions, limit, n)
    return float((lower.sum() + 0.5 * equal.sum()) / comparable)
