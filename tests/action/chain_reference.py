"""Reference chains for the next-best-touchpoint and what-if tests.

Two sources of truth: a tiny chain small enough to solve by hand, and a planted chain whose
exact absorption probabilities are known, from which customers are walked at random.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Hand-worked chain (counts from the paths below; 10 customers):
#   (start) -> A: 8, (start) -> B: 2
#   A -> conversion 3, A -> null 1, A -> B 4        (8 visits of A)
#   B -> conversion 3, B -> null 3                  (6 visits of B)
# P(success | B) = 3/6 = 0.5
# P(success | A) = 3/8 + 4/8 * 0.5 = 0.625
# P(success | start) = 0.8 * 0.625 + 0.2 * 0.5 = 0.6
PATHS = pd.DataFrame({"path": ["A", "A>B", "B"], "conversions": [3, 3, 0], "nulls": [1, 1, 2]})


def simulate_paths(P: np.ndarray, start: np.ndarray, names: list[str], n: int,
                   seed: int) -> pd.DataFrame:
    """Walk ``n`` customers through a known absorbing chain; count paths like EventLog.paths.

    ``P`` rows: transient states ``names``; columns: names + conversion + null.
    """
    rng = np.random.default_rng(seed)
    k = len(names)
    counts: dict[str, list[int]] = {}
    for _ in range(n):
        state = rng.choice(k, p=start)
        steps = [names[state]]
        while True:
            nxt = rng.choice(k + 2, p=P[state])
            if nxt >= k:
                break
            state = nxt
            steps.append(names[state])
        c = counts.setdefault(">".join(steps), [0, 0])
        c[0 if nxt == k else 1] += 1
    return pd.DataFrame([(p, c, u) for p, (c, u) in counts.items()],
                        columns=["path", "conversions", "nulls"])


def exact_absorption(P: np.ndarray) -> np.ndarray:
    k = P.shape[0]
    return np.linalg.solve(np.eye(k) - P[:, :k], P[:, k])


# A planted chain: from "browse" the best next step is "demo" (P(success) 0.7), not "pricing".
NAMES = ["browse", "pricing", "demo"]
P_TRUE = np.array([
    # browse pricing demo  conv  null
    [0.00, 0.45, 0.15, 0.05, 0.35],
    [0.20, 0.00, 0.10, 0.30, 0.40],
    [0.05, 0.10, 0.00, 0.65, 0.20],
])
START_TRUE = np.array([0.7, 0.2, 0.1])
