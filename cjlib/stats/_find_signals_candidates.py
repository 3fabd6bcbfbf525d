"""Candidate journey signals generated from an event log for :func:`find_signals`.

Every candidate is a per-customer 0/1 exposure built from the events through ``EventLog``
methods and Ibis expressions (no SQL): each event's flag and "two or more", repeated contacts
after the events that most often lead to them, slow steps between the most frequent
consecutive events, loops (coming back to an event after others), channel switches, path
length and, on a bound log, going back a stage. Thresholds of numeric candidates ("slower
than the median") are set later on the selection half only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cjlib.events._signals import (
    Signal,
    channel_switches,
    count,
    followed_stage_order,
    path_length,
    repeat_within,
    time_between,
)

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["CONTACT_PATTERN", "Candidate", "CandidateSet", "generate_candidates"]

#: Event names that look like a customer contacting the company (repeat-within candidates).
CONTACT_PATTERN = re.compile(r"support|call|chat|contact|complain|ticket|helpdesk", re.I)
REPEAT_WINDOWS = ("7D", "30D")
TOP_PREDECESSORS = 5
TOP_STEPS = 10
MIN_EVENTS = 20
BATCH = 6
_RELATIONAL = ("time_between", "repeat_within", "followed_stage_order")


@dataclass(frozen=True)
class Candidate:
    """One candidate: ``column`` of the raw table, how it becomes 0/1, and its wording."""

    name: str
    kind: str
    description: str
    column: str
    rule: str  # "positive" (> 0), "at_least_2", "true", "false", "above_median"
    signal: Signal | None = None  # for placing the signal on the map (moments_that_matter)


@dataclass
class CandidateSet:
    """Raw per-customer values (index: customer id as text) and the candidates built on them."""

    raw: pd.DataFrame
    candidates: list[Candidate] = field(default_factory=list)

    def exposures(self, rows: pd.Index, thresholds: dict[str, float]) -> pd.DataFrame:
        """0/1 (NaN where undefined) exposure of every candidate for the customers ``rows``."""
        raw = self.raw.reindex(rows)
        out = {}
        for c in self.candidates:
            # a candidate nobody in the log had (e.g. a repeat after a rare trigger) has no column
            v = raw[c.column] if c.column in raw.columns else pd.Series(np.nan, index=rows)
            if c.kind in ("channel_switches", "path_length"):
                v = v.fillna(0)
            if c.rule == "positive":
                x = (v.fillna(0) > 0).astype(float)
            elif c.rule == "at_least_2":
                x = (v.fillna(0) >= 2).astype(float)
            elif c.rule == "true":
                x = v.astype("boolean").fillna(False).astype(float)
            elif c.rule == "false":
                x = (~v.astype("boolean").fillna(True)).astype(float)
            else:  # above_median: undefined where the customer has no value
                x = pd.Series(
                    np.where(v.isna(), np.nan, (v > thresholds.get(c.name, np.nan)).astype(float)),
                    index=v.index,
                )
            out[c.name] = x.to_numpy(dtype=float)
        return pd.DataFrame(out, index=rows)

    def thresholds(self, rows: pd.Index) -> dict[str, float]:
        """Median of each numeric candidate among the customers ``rows`` that have a value."""
        raw = self.raw.reindex(rows)
        return {
            c.name: float(
                (
                    raw[c.column].fillna(0)
                    if c.kind in ("channel_switches", "path_length")
                    else raw[c.column]
                ).median()
            )
            for c in self.candidates
            if c.rule == "above_median" and c.column in raw.columns
        }


def _repeats(log: EventLog, contact: str, triggers: list[str]) -> pd.DataFrame:
    """Customer × (trigger, window): 1 when two or more ``contact`` events followed one
    trigger event within the window (as ``repeat_within``), every trigger in one query."""
    from cjlib.events._common import ORDER

    t = log.to_ibis()
    t = t.mutate(us=log._micros(t.timestamp))
    limits = {w: int(pd.Timedelta(w) / pd.Timedelta(microseconds=1)) for w in REPEAT_WINDOWS}
    a = t.filter(t.event.isin(triggers)).select("customer_id", trig=t.event, ta=t.us, oa=t[ORDER])
    b = t.filter(t.event == contact).select("customer_id", tb=t.us, ob=t[ORDER])
    j = a.join(b, "customer_id")
    gap = j.tb - j.ta
    j = j.filter((j.tb > j.ta) & (gap <= max(limits.values())) & (j.ob != j.oa))
    gap = j.tb - j.ta
    per = j.group_by(["customer_id", "trig", "ta", "oa"]).agg(
        **{f"k{i}": (gap <= lim).cast("int64").sum() for i, lim in enumerate(limits.values())}
    )
    hits = per.group_by(["customer_id", "trig"]).agg(
        **{f"h{i}": (per[f"k{i}"] >= 2).cast("int64").max() for i in range(len(limits))}
    )
    df = log._execute(hits)
    if df.empty:
        return pd.DataFrame()
    df["customer_id"] = df["customer_id"].astype(str)
    out = {}
    for i, w in enumerate(limits):
        wide = df.pivot_table(index="customer_id", columns="trig", values=f"h{i}", aggfunc="max")
        for trig in wide.columns:
            out[f"rep__{contact}__{trig}__{w}"] = wide[trig]
    return pd.DataFrame(out)


def _gaps(log: EventLog, pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """Customer × pair: days from the customer's first ``a`` to the next ``b`` strictly
    later, every pair in one query."""
    import ibis

    t = log.to_ibis()
    t = t.mutate(us=log._micros(t.timestamp))
    starts = sorted({a for a, _ in pairs})
    firsts = t.filter(t.event.isin(starts)).group_by(["customer_id", "event"]).agg(t0=t.us.min())
    firsts = firsts.rename(a="event")
    pair_table = ibis.memtable(pd.DataFrame(pairs, columns=["a", "b"]))
    fp = firsts.join(pair_table, "a")
    ends = t.filter(t.event.isin(sorted({b for _, b in pairs}))).select(
        "customer_id", b=t.event, t1=t.us
    )
    j = fp.join(ends, ["customer_id", "b"])
    j = j.filter(j.t1 > j.t0)
    gaps = j.group_by(["customer_id", "a", "b"]).agg(gap=(j.t1 - j.t0).min())
    df = log._execute(gaps)
    if df.empty:
        return pd.DataFrame()
    df["customer_id"] = df["customer_id"].astype(str)
    df["key"] = "time__" + df["a"].astype(str) + "__" + df["b"].astype(str)
    df["gap"] = df["gap"].astype(float) / 86_400e6
    return df.pivot_table(index="customer_id", columns="key", values="gap", aggfunc="min")


def _loops(log: EventLog) -> pd.DataFrame:
    """Customer × event: 1 when the customer came back to the event after another event."""
    from cjlib.events._common import customer_window

    t = log.to_ibis()
    prev = t.event.lag().over(customer_window())
    runs = t.mutate(_prev=prev)
    runs = runs.filter(runs._prev.isnull() | (runs._prev != runs.event))
    per = runs.group_by(["customer_id", "event"]).agg(runs=runs.count())
    per = per.filter(per.runs >= 2)
    df = log._execute(per)
    if df.empty:
        return pd.DataFrame()
    df["customer_id"] = df["customer_id"].astype(str)
    wide = df.pivot_table(index="customer_id", columns="event", values="runs", aggfunc="max")
    return wide.add_prefix("loop__")


def _signal_table(log: EventLog, spec: list[Signal]) -> pd.DataFrame:
    """``log.signals(spec)`` indexed by customer id as text, the relational signals in
    batches (one query with dozens of self-joins overflows the SQL generator's recursion)."""
    simple = [s for s in spec if s.kind not in _RELATIONAL]
    relational = [s for s in spec if s.kind in _RELATIONAL]
    results = [log.signals(simple)] if simple else []
    for i in range(0, len(relational), BATCH):
        results.append(log.signals(relational[i : i + BATCH]))
    frames = []
    for result in results:  # keyed by the log's own customer column (e.g. uid)
        part, key = result.table, getattr(result, "customer_col", "customer_id")
        part.index = pd.Index(part.pop(key).astype(str), name="customer_id")
        frames.append(part)
    return pd.concat(frames, axis=1) if frames else pd.DataFrame()


def generate_candidates(log: EventLog, *, min_events: int = MIN_EVENTS) -> CandidateSet:
    """Generate the "auto" candidates from ``log`` (already restricted to the landmark)."""
    counts = log._event_counts().set_index("event")["n"]
    events = sorted(str(e) for e in counts[counts >= min_events].index)
    spec: list[Signal] = []
    cands: list[Candidate] = []
    for e in events:
        s = count(e, name=f"raw_n__{e}")
        spec.append(s)
        cands.append(Candidate(f"has_{e}", "flag", f"had {e}", s.name, "positive", s))
        cands.append(
            Candidate(f"{e}_2plus", "count", f"had {e} two or more times", s.name, "at_least_2", s)
        )
    transitions = log.transitions().table
    transitions = transitions[
        transitions["event"].isin(events) & transitions["next_event"].isin(events)
    ]
    extra: list[pd.DataFrame] = []
    for c in (e for e in events if CONTACT_PATTERN.search(e)):
        lead = transitions[(transitions["next_event"] == c) & (transitions["event"] != c)]
        triggers = [c, *lead.nlargest(TOP_PREDECESSORS, "n")["event"].astype(str)]
        extra.append(_repeats(log, c, triggers))
        for trig in triggers:
            for window in REPEAT_WINDOWS:
                s = repeat_within(
                    c,
                    after=trig,
                    window=window,
                    at_least=2,
                    name=f"{c}_2x_within_{window}_after_{trig}",
                )
                cands.append(
                    Candidate(
                        s.name,
                        "repeat",
                        f"two or more {c} within {window} after {trig}",
                        f"rep__{c}__{trig}__{window}",
                        "positive",
                        s,
                    )
                )
    steps = transitions[transitions["event"] != transitions["next_event"]]
    pairs = [
        (str(a), str(b))
        for a, b in steps.nlargest(TOP_STEPS, "n")[["event", "next_event"]].itertuples(index=False)
    ]
    if pairs:
        extra.append(_gaps(log, pairs))
    for a, b in pairs:
        s = time_between(a, b, name=f"slow_{a}_to_{b}")
        cands.append(
            Candidate(
                s.name,
                "time",
                f"time from the first {a} to the next {b} above the median",
                f"time__{a}__{b}",
                "above_median",
                s,
            )
        )
    spec += [channel_switches(name="raw_channel_switches"), path_length(name="raw_path_length")]
    cands.append(
        Candidate(
            "many_channel_switches",
            "channel_switches",
            "channel switches above the median",
            "raw_channel_switches",
            "above_median",
        )
    )
    cands.append(
        Candidate(
            "long_path",
            "path_length",
            "number of events above the median",
            "raw_path_length",
            "above_median",
        )
    )
    if log.journey_map is not None:
        spec.append(followed_stage_order(name="raw_stage_order"))
        cands.append(
            Candidate(
                "went_back_a_stage",
                "stage_order",
                "went back to an earlier stage of the map",
                "raw_stage_order",
                "false",
            )
        )
    raw = _signal_table(log, spec)
    for col in raw.columns:
        if pd.api.types.is_timedelta64_dtype(raw[col]):
            raw[col] = raw[col] / pd.Timedelta(days=1)
    loops = _loops(log)
    for e in events:
        column = f"loop__{e}"
        if column in loops.columns:
            cands.append(
                Candidate(
                    f"loop_{e}",
                    "loop",
                    f"came back to {e} after other events",
                    column,
                    "positive",
                    count(e, name=f"loop_{e}"),
                )
            )
    for part in [*extra, loops]:
        if not part.empty:
            raw = raw.join(part, how="left")
    return CandidateSet(raw=raw, candidates=cands)


def from_spec(log: EventLog, spec: Any) -> CandidateSet:
    """Candidates from a user's own signal list (each exposed as ``link`` would: > 0 / true)."""
    from cjlib.events._signals import _normalise

    items = _normalise(spec)
    raw = _signal_table(log, items)
    cands = []
    for s in items:
        col = raw[s.name]
        if pd.api.types.is_timedelta64_dtype(col):
            raw[s.name] = col / pd.Timedelta(days=1)
            rule = "above_median"
        elif pd.api.types.is_datetime64_any_dtype(col):
            raw[s.name] = col.notna()
            rule = "true"
        elif pd.api.types.is_bool_dtype(col):
            rule = "true"
        else:
            rule = "positive"
        cands.append(Candidate(s.name, s.kind, s.name, s.name, rule, s))
    return CandidateSet(raw=raw, candidates=cands)
