"""Reference for the vectorised Markov attribution: cjlib's earlier per-path loop.

The loop builds the absorbing chain state by state exactly as the method is written in
Anderl et al. (2016), "Mapping the customer journey"; the vectorised ``markov_attribution``
must give the same removal effects and heuristic credits.
"""

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import spsolve

_START = ("(start)",)


def _absorption(Q, r_conv):
    system = sparse.identity(Q.shape[0], format="csc") - Q
    return np.atleast_1d(spsolve(system.tocsc(), r_conv))


def reference_markov(paths, conv, null, value, *, order=1, sep=">", path_col="path"):
    """Removal effects, heuristic credits, P(conversion) and the number of states."""
    steps_per_path = [
        [s.strip() for s in str(p).split(sep) if s.strip()] if pd.notna(p) else []
        for p in paths[path_col]
    ]
    channels = sorted({s for steps in steps_per_path for s in steps})
    if not channels:
        raise ValueError(f"{path_col!r} holds no touchpoints")

    index: dict[tuple[str, ...], int] = {_START: 0}
    flows: dict[tuple[int, int], float] = {}
    conv_flow: dict[int, float] = {}
    null_flow: dict[int, float] = {}
    for steps, c, n in zip(steps_per_path, conv, null, strict=True):
        weight = c + n
        if weight == 0:
            continue
        current = 0
        for i in range(len(steps)):
            state = tuple(steps[max(0, i - order + 1) : i + 1])
            nxt = index.setdefault(state, len(index))
            flows[(current, nxt)] = flows.get((current, nxt), 0.0) + weight
            current = nxt
        conv_flow[current] = conv_flow.get(current, 0.0) + c
        null_flow[current] = null_flow.get(current, 0.0) + n

    from scipy import sparse

    size = len(index)
    out_total = np.zeros(size)
    for (i, _), w in flows.items():
        out_total[i] += w
    for i, w in conv_flow.items():
        out_total[i] += w
    for i, w in null_flow.items():
        out_total[i] += w
    rows = np.array([k[0] for k in flows], dtype=int)
    cols_ = np.array([k[1] for k in flows], dtype=int)
    probs = np.array(list(flows.values())) / out_total[rows]
    Q = sparse.csr_matrix((probs, (rows, cols_)), shape=(size, size))
    r_conv = np.zeros(size)
    for i, w in conv_flow.items():
        r_conv[i] = w / out_total[i]
    p_conv = float(_absorption(Q, r_conv)[0])

    states = list(index)
    removal = {}
    for ch in channels:
        removed = np.array([ch in s for s in states])
        keep = sparse.diags((~removed).astype(float))
        p_without = float(_absorption(keep @ Q, r_conv * ~removed)[0])
        removal[ch] = 1 - p_without / p_conv if p_conv > 0 else 0.0

    heur = {
        k: dict.fromkeys(channels, 0.0)
        for k in (
            "first_touch",
            "last_touch",
            "linear",
            "first_touch_value",
            "last_touch_value",
            "linear_value",
        )
    }
    for steps, c, v in zip(steps_per_path, conv, value, strict=True):
        if not steps or c == 0:
            continue
        heur["first_touch"][steps[0]] += c
        heur["last_touch"][steps[-1]] += c
        heur["first_touch_value"][steps[0]] += v
        heur["last_touch_value"][steps[-1]] += v
        for s in steps:
            heur["linear"][s] += c / len(steps)
            heur["linear_value"][s] += v / len(steps)
    return removal, heur, p_conv, len(index)
