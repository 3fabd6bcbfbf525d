"""Vectorised walks of many customers through the planted Markov chain, with realistic timing.

All walkers advance together, one step per loop iteration, so the Python loop runs as many times
as the longest walk, not once per event. Times are float days since 1970-01-01 (UTC wall time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cjlib.datasets._chain import Chain

__all__ = ["HOUR_WEIGHTS", "Walks", "session_start_time", "walk"]

#: Relative activity per hour of day (a morning bump, lunch, and an evening peak).
HOUR_WEIGHTS = np.array(
    [
        0.2,
        0.1,
        0.05,
        0.05,
        0.05,
        0.1,
        0.3,
        0.8,
        1.2,
        1.3,
        1.2,
        1.2,
        1.5,
        1.4,
        1.1,
        1.0,
        1.0,
        1.2,
        1.5,
        1.9,
        2.1,
        1.9,
        1.2,
        0.6,
    ]
)
_HOUR_CDF = np.cumsum(HOUR_WEIGHTS) / HOUR_WEIGHTS.sum()
#: Share of weekend sessions postponed to Monday (weekends are quieter).
WEEKEND_POSTPONE = 0.4
_MAX_STEPS = 5000


@dataclass(frozen=True)
class Walks:
    """Flat arrays of visited states, one entry per chain event."""

    walker: np.ndarray
    state: np.ndarray
    time: np.ndarray
    new_session: np.ndarray
    final_state: np.ndarray  # state where each walker stopped (EXIT, conversion, or last state)
    final_time: np.ndarray


def session_start_time(rng: np.random.Generator, not_before: np.ndarray) -> np.ndarray:
    """Place session starts on a day-of-week and hour-of-day pattern, after ``not_before``."""
    day = np.floor(not_before)
    hour = np.searchsorted(_HOUR_CDF, rng.random(day.size), side="right")
    t = day + (hour + rng.random(day.size)) / 24.0
    t = np.where(t <= not_before, t + 1.0, t)
    dow = (np.floor(t).astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    postpone = (dow >= 5) & (rng.random(day.size) < WEEKEND_POSTPONE)
    return np.where(postpone, t + (7 - dow), t)


def walk(
    chain: Chain,
    rng: np.random.Generator,
    persona: np.ndarray,
    plan: np.ndarray,
    state: np.ndarray,
    time: np.ndarray,
    end: np.ndarray,
    *,
    stop_at_conversion: bool,
    gap_median_days: float,
    record_first: bool = True,
) -> Walks:
    """Walk every customer from ``state`` at ``time`` until EXIT, ``end`` (or conversion)."""
    k = len(chain.states) - 1
    cum = np.cumsum(chain.matrices, axis=-1)
    cum[..., -1] = 1.0
    n = persona.size
    rec_w, rec_s, rec_t, rec_new = [], [], [], []
    idx = np.arange(n)
    cur = state.copy()
    t = time.copy()
    final_state = state.copy()
    final_time = time.copy()
    if record_first:
        rec_w.append(idx.copy())
        rec_s.append(cur.copy())
        rec_t.append(t.copy())
        rec_new.append(np.ones(n, dtype=bool))
    active = np.ones(n, dtype=bool)
    if stop_at_conversion:
        active &= cur != chain.conversion_state
    for _ in range(_MAX_STEPS):
        a = np.flatnonzero(active)
        if a.size == 0:
            break
        rows = cum[persona[a], plan[a], cur[a]]
        nxt = (rng.random(a.size)[:, None] > rows).sum(axis=1)
        nxt = np.minimum(nxt, k)
        exited = nxt == k
        emo = chain.emotions[persona[a], cur[a]]
        same_stage = chain.stage_index[nxt] == chain.stage_index[cur[a]]
        same_session = rng.random(a.size) < np.where(same_stage, 0.6, 0.35)
        in_session = t[a] + (30.0 + rng.exponential(150.0, a.size)) / 86400.0
        # negative experiences bring the next contact sooner
        scale = gap_median_days * chain.gap_scale[cur[a]]
        gap = scale * np.exp(0.35 * emo + rng.normal(0.0, 1.0, a.size))
        new_time = np.where(same_session, in_session, session_start_time(rng, t[a] + gap))
        ended = exited | (new_time > end[a])
        moved = a[~ended]
        t[moved] = new_time[~ended]
        cur[moved] = nxt[~ended]
        final_state[a[exited]] = k
        final_state[moved] = cur[moved]
        final_time[moved] = t[moved]
        rec_w.append(moved)
        rec_s.append(cur[moved].copy())
        rec_t.append(t[moved].copy())
        rec_new.append(~same_session[~ended])
        active[a[ended]] = False
        if stop_at_conversion:
            active[moved[cur[moved] == chain.conversion_state]] = False
    return Walks(
        walker=np.concatenate(rec_w) if rec_w else np.empty(0, dtype=np.int64),
        state=np.concatenate(rec_s) if rec_s else np.empty(0, dtype=np.int64),
        time=np.concatenate(rec_t) if rec_t else np.empty(0),
        new_session=np.concatenate(rec_new) if rec_new else np.empty(0, dtype=bool),
        final_state=final_state,
        final_time=final_time,
    )
