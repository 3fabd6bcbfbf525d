"""Conversion funnels computed in one pass over the log (``EventLog.funnel``).

One scan groups each customer's step events into small per-step arrays of (time, input
order); every later step is then found inside those arrays. This avoids scanning the log
once per step (which a naive funnel does) and runs the same on DuckDB and Spark.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ibis
import numpy as np
import pandas as pd

from cjlib._proportions import wilson_interval
from cjlib.errors import DataError
from cjlib.events._common import (
    ORDER,
    as_names,
    check_confidence,
    expand,
    micros_to_timedelta,
    parse_duration,
    sequence,
)
from cjlib.events._results import FunnelResult

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["funnel"]


def _step_names(steps: Any) -> list[tuple[str, ...]]:
    if isinstance(steps, str) or not isinstance(steps, Sequence) or len(steps) < 1:
        raise DataError(
            f"steps must be a list of at least one step (names or lists of names); got {steps!r}"
        )
    return [as_names(step, f"steps[{i}]") for i, step in enumerate(steps)]


def funnel(
    log: EventLog,
    steps: Sequence[str | Sequence[str]],
    *,
    within: Any = None,
    ordered: bool = True,
    level: str = "event",
    confidence: float = 0.95,
) -> FunnelResult:
    """Customers reaching each funnel step; see :meth:`EventLog.funnel`."""
    names = _step_names(steps)
    window = parse_duration(within, "within")
    confidence = check_confidence(confidence)
    if not isinstance(ordered, bool):
        raise DataError(f"ordered must be True or False; got {ordered!r}")
    s = sequence(log, level)
    known = _known_items(log, level)
    expanded = [sorted(expand(n, known)) for n in names]
    for i, (given, found) in enumerate(zip(names, expanded, strict=True)):
        if not set(found) & set(known):
            raise DataError(
                f"steps[{i}] = {list(given)!r} matches no {level} in the log; "
                f"known {level}s include {sorted(known)[:12]}"
            )
    every = sorted(set().union(*map(set, expanded)))
    s = s.filter(s.item.isin(every))
    s = s.mutate(us=log._micros(s.timestamp))
    point = ibis.struct({"t": s.us, "o": s[ORDER]})
    per_customer = s.group_by("customer_id").agg(
        **{f"a{k}": point.collect(where=s.item.isin(found)) for k, found in enumerate(expanded)}
    )
    reached = _reach(per_customer, len(names), ordered, window)
    agg: dict[str, Any] = {}
    for k in range(len(names)):
        agg[f"c{k}"] = reached[f"t{k}"].notnull().sum()
        if k:
            gap = (reached[f"t{k}"] - reached[f"t{k - 1}"]).cast("float64")
            agg[f"m{k}"] = gap.median()  # NULL gaps (step not reached) are ignored
    row = log._execute(reached.aggregate(**agg)).iloc[0]
    counts = np.array([int(row[f"c{k}"] or 0) for k in range(len(names))])
    previous = np.concatenate([[counts[0]], counts[:-1]])
    lo_s, hi_s = wilson_interval(counts, np.full(len(counts), counts[0]), confidence)
    lo_p, hi_p = wilson_interval(counts, previous, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        from_start = np.where(counts[0] > 0, counts / max(counts[0], 1), np.nan)
        from_prev = np.where(previous > 0, counts / np.maximum(previous, 1), np.nan)
    medians = [pd.NaT] + [micros_to_timedelta(row[f"m{k}"]) for k in range(1, len(names))]
    table = pd.DataFrame(
        {
            "step": np.arange(len(names)),
            "name": [" | ".join(n) for n in names],
            "customers": counts,
            "conversion_from_start": from_start,
            "ci_low_start": lo_s,
            "ci_high_start": hi_s,
            "conversion_from_previous": from_prev,
            "ci_low_previous": lo_p,
            "ci_high_previous": hi_p,
            "median_time_from_previous": pd.Series(medians, dtype="timedelta64[ns]"),
        }
    )
    return FunnelResult(
        table=table, ordered=ordered, within=window, confidence=confidence, level=level
    )


def _known_items(log: EventLog, level: str) -> list[str]:
    if level == "event":
        return log.event_names
    jm = log.journey_map
    log._require_bound(f"level={level!r}")
    assert jm is not None
    if level == "stage":
        return [st.id for st in jm.stages]
    return [tp.id for tp in jm.touchpoints]


def _reach(per_customer: Any, n_steps: int, ordered: bool, window: pd.Timedelta | None) -> Any:
    """Add ``t{k}``: the time (µs) each customer reached step k, or NULL."""
    limit = None if window is None else int(window / pd.Timedelta(microseconds=1))
    pc = per_customer
    first = pc.a0.mins()
    pc = pc.mutate(t0=first.t, o0=first.o)
    if not ordered:
        for k in range(1, n_steps):
            pc = pc.mutate(**{f"f{k}": pc[f"a{k}"].mins()})
        cols = {}
        lo = pc.t0
        hi = pc.t0
        for k in range(1, n_steps):
            ft = pc[f"f{k}"].t
            lo = ibis.least(lo, ft)
            hi = ibis.greatest(hi, ft)
            ok = ft.notnull() & (pc.t0.notnull())
            if limit is not None:
                ok = ok & ((hi - lo) <= limit)
            cols[f"ok{k}"] = ok
        pc = pc.mutate(**cols)
        out: dict[str, Any] = {"t0": pc.t0}
        chain = pc.t0.notnull()
        for k in range(1, n_steps):
            chain = chain & pc[f"ok{k}"]
            out[f"t{k}"] = ibis.ifelse(chain, pc[f"f{k}"].t, ibis.null("int64"))
        return pc.select(**out)
    for k in range(1, n_steps):
        tp, op = pc[f"t{k - 1}"], pc[f"o{k - 1}"]
        later = pc[f"a{k}"].filter(lambda p, tp=tp, op=op: (p.t > tp) | ((p.t == tp) & (p.o > op)))
        if limit is not None:
            later = later.filter(lambda p, t0=pc.t0: p.t - t0 <= limit)
        nxt = later.mins()
        pc = pc.mutate(**{f"t{k}": nxt.t, f"o{k}": nxt.o})
    return pc.select(*[f"t{k}" for k in range(n_steps)])
