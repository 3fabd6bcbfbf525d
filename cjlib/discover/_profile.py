"""Engine-side measurements discovery needs, written once as Ibis expressions.

Everything here runs in the event log's engine (DuckDB or Spark) and returns small pandas
tables: one row per event name, per (event, persona), per discovered stage or per pair of
stages. The per-event row carries the directly-follows structure discovery uses (the median
time from a customer's first event to their first occurrence of the event, the gap to the next
event) and the counts behind every behavioural pain-point candidate, split by outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pandas as pd

from cjlib.events._common import ORDER, customer_window

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["EventProfile", "profile_events", "stage_order_pairs", "stage_profile"]

_US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class EventProfile:
    """Per-event measurements (``events``) and per-(persona, event) reach (``personas``)."""

    events: pd.DataFrame
    personas: pd.DataFrame
    n_customers: int
    gap_norm_days: float


def _base(log: EventLog, labels: Mapping[str, str] | None = None) -> ir.Table:
    """Events with their micros, the customer's first micros and the gap to the next event.

    ``labels`` renames event names (e.g. to the touchpoint that groups them) before measuring.
    """
    t = log._table
    if labels:
        t = t.mutate(event=t.event.substitute(dict(labels), else_=t.event).cast("string"))
    m = log._micros(t.timestamp)
    # the log's end as a scalar: an unpartitioned window would run on one thread
    end = int(log._execute(log._micros(log._table.timestamp).max()))
    w = customer_window()
    same = ibis.window(group_by=["customer_id", "event"], order_by=["timestamp", ORDER])
    whole = ibis.window(group_by="customer_id")
    return t.select(
        "customer_id",
        "event",
        "channel",
        m=m,
        first_m=m.min().over(whole),
        gap=m.lead().over(w) - m,
        since_same=m - m.lag().over(same),
        before_end=end - m,
    )


def profile_events(
    log: EventLog,
    *,
    repeat_window_days: float,
    wait_factor: float,
    outcome: pd.DataFrame | None,
    persona: pd.DataFrame | None,
    labels: Mapping[str, str] | None = None,
    quiet_days: float = 30.0,
) -> EventProfile:
    """Measure every event name of ``log`` in a few passes over one materialised table.

    Parameters
    ----------
    log : EventLog
        The log to measure.
    repeat_window_days : float
        A customer "repeats" an event when two of its occurrences are at most this far apart.
    wait_factor : float
        A customer "waits" after an event when their gap to the next event is more than
        ``wait_factor`` times that event's median gap (the norm for that touchpoint).
    outcome : DataFrame, optional
        ``customer_id`` (str) and ``bad`` (0/1): the outcome pain points are linked to.
    persona : DataFrame, optional
        ``customer_id`` (str) and ``persona`` (str).
    labels : mapping, optional
        Event name -> label measured instead of the name (grouped touchpoints).
    quiet_days : float
        A customer's journey "ends" at their last event only when the log goes on for more
        than this many days after it (so customers still active at the end do not count).
    """
    window_us = int(repeat_window_days * _US_PER_DAY)
    quiet_us = int(quiet_days * _US_PER_DAY)
    with log._materialized(_base(log, labels)) as base:
        gaps = log._execute(
            base.group_by("event").agg(
                n_events=base.count(),
                median_gap=base.gap.cast("float64").median(),
            )
        )
        norms = gaps.dropna(subset=["median_gap"])
        norm = ibis.memtable(
            pd.DataFrame(
                {
                    "norm_event": norms["event"].astype(str),
                    "wait_limit": wait_factor * norms["median_gap"],
                }
            )
        )
        base_n = base.left_join(norm, base.event == norm.norm_event)
        wait_flag = (base_n.gap.cast("float64") > base_n.wait_limit).fill_null(False)
        per_customer = base_n.group_by(["customer_id", "event"]).agg(
            first_rel=(base_n.m - base_n.first_m).min(),
            is_last=(base_n.gap.isnull() & (base_n.before_end > quiet_us)).any(),
            repeat=(base_n.since_same <= window_us).fill_null(False).any(),
            waited=wait_flag.any(),
        )
        with log._materialized(per_customer) as ce:
            agg = {
                "reach": ce.count(),
                "median_first_us": ce.first_rel.cast("float64").median(),
                "n_last": ce.is_last.cast("int64").sum(),
                "n_repeat": ce.repeat.cast("int64").sum(),
                "n_wait": ce.waited.cast("int64").sum(),
            }
            events = log._execute(ce.group_by("event").agg(**agg))
            if outcome is not None:
                events = events.merge(_outcome_counts(log, ce, outcome), on="event", how="left")
            personas = (
                _persona_reach(log, ce, persona)
                if persona is not None
                else pd.DataFrame(columns=["persona", "event", "reach"])
            )
        channels = log._execute(base.group_by(["event", "channel"]).agg(n=base.count()))
        n_customers = int(log._execute(base.customer_id.nunique()))
    events = events.merge(gaps, on="event", how="left")
    events["channel"] = events["event"].map(_modal_channel(channels))
    events["median_first_days"] = events.pop("median_first_us") / _US_PER_DAY
    events["median_gap_days"] = events.pop("median_gap") / _US_PER_DAY
    for col in events.columns:
        if col.startswith("n_") or col in ("reach",) or col.startswith("out_"):
            events[col] = events[col].fillna(0).astype("int64")
    events = events.sort_values(["median_first_days", "event"]).reset_index(drop=True)
    return EventProfile(
        events=events,
        personas=personas,
        n_customers=n_customers,
        gap_norm_days=float(gaps["median_gap"].median()) / _US_PER_DAY,
    )


def _outcome_counts(log: EventLog, ce: ir.Table, outcome: pd.DataFrame) -> pd.DataFrame:
    """Per event: customers with an outcome who reached it, had a bad outcome, and each flag."""
    out = ibis.memtable(outcome[["customer_id", "bad"]])
    j = ce.inner_join(out, ce.customer_id == out.customer_id)
    bad = j.bad.cast("int64")
    agg = {"out_reach": j.count(), "out_bad": bad.sum()}
    for flag in ("repeat", "waited", "is_last"):
        f = j[flag].cast("int64")
        agg[f"out_{flag}"] = f.sum()
        agg[f"out_{flag}_bad"] = (f * bad).sum()
    return log._execute(j.group_by("event").agg(**agg))


def _persona_reach(log: EventLog, ce: ir.Table, persona: pd.DataFrame) -> pd.DataFrame:
    p = ibis.memtable(persona[["customer_id", "persona"]])
    j = ce.inner_join(p, ce.customer_id == p.customer_id)
    table = log._execute(j.group_by(["persona", "event"]).agg(reach=j.count()))
    table["reach"] = table["reach"].astype("int64")
    return table


def _modal_channel(channels: pd.DataFrame) -> dict[str, str]:
    known = channels.dropna(subset=["channel"])
    if known.empty:
        return {}
    top = known.sort_values(["event", "n", "channel"], ascending=[True, False, True])
    return dict(top.drop_duplicates("event")[["event", "channel"]].itertuples(index=False))


def _stage_labels(log: EventLog, stage_of: Mapping[str, str]) -> ir.Table:
    """The log's events with the ``stage`` each event name belongs to (unmapped dropped)."""
    t = log._table
    m = log._micros(t.timestamp)
    labels = t.event.substitute(dict(stage_of), else_=ibis.null("string")).cast("string")
    w = customer_window()
    end = int(log._execute(m.max()))
    s = t.select(
        "customer_id",
        m=m,
        stage=labels,
        gap=m.lead().over(w) - m,
        before_end=end - m,
    )
    return s.filter(s.stage.notnull())


def stage_profile(
    log: EventLog, stage_of: Mapping[str, str], quiet_days: float = 30.0
) -> pd.DataFrame:
    """Per stage: ``reach``, ``median_days`` spent (first to last event) and ``n_last``.

    ``n_last`` counts customers whose last event in the whole log falls in the stage, more
    than ``quiet_days`` before the log ends.
    """
    if not stage_of:
        return pd.DataFrame(columns=["stage", "reach", "median_days", "n_last"])
    s = _stage_labels(log, stage_of)
    per = s.group_by(["customer_id", "stage"]).agg(
        span=s.m.max() - s.m.min(),
        is_last=(s.gap.isnull() & (s.before_end > int(quiet_days * _US_PER_DAY))).any(),
    )
    table = log._execute(
        per.group_by("stage").agg(
            reach=per.count(),
            median_span=per.span.cast("float64").median(),
            n_last=per.is_last.cast("int64").sum(),
        )
    )
    table["median_days"] = table.pop("median_span") / _US_PER_DAY
    table["reach"] = table["reach"].astype("int64")
    table["n_last"] = table["n_last"].astype("int64")
    return table


def stage_order_pairs(log: EventLog, stage_of: Mapping[str, str]) -> pd.DataFrame:
    """For every ordered pair of stages (a, b): customers who reached both and those whose
    first ``a`` event came before their first ``b`` event (``n_a_first``).

    Also per stage pair the customers who reached ``a`` but never ``b`` (``n_a_only``).
    """
    cols = ["stage_a", "stage_b", "n_both", "n_a_first", "n_a_only"]
    if len(set(stage_of.values())) < 2:
        return pd.DataFrame(columns=cols)
    s = _stage_labels(log, stage_of)
    first = s.group_by(["customer_id", "stage"]).agg(first=s.m.min())
    with log._materialized(first) as f:
        a = f.rename(customer_a="customer_id", stage_a="stage", first_a="first")
        b = f.rename(customer_b="customer_id", stage_b="stage", first_b="first")
        j = a.inner_join(b, (a.customer_a == b.customer_b) & (a.stage_a != b.stage_b))
        pairs = log._execute(
            j.group_by(["stage_a", "stage_b"]).agg(
                n_both=j.count(), n_a_first=(j.first_a < j.first_b).cast("int64").sum()
            )
        )
        reach = log._execute(f.group_by("stage").agg(reach=f.count()))
    pairs = pairs.merge(reach.rename(columns={"stage": "stage_a"}), on="stage_a")
    pairs["n_a_only"] = pairs.pop("reach") - pairs["n_both"]
    for col in ("n_both", "n_a_first", "n_a_only"):
        pairs[col] = pairs[col].astype("int64")
    return pairs[cols]
