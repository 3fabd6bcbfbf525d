"""Engine-side measurements discovery needs, written once as Ibis expressions.

Everything here runs in the event log's engine (DuckDB or Spark) and returns small pandas
tables: one row per event name, per (event, persona), per discovered stage or per pair of
stages. The per-event row carries the directly-follows structure discovery uses (the median
time from a customer's first event to their first occurrence of the event, the gap to the next
event) and the counts behind every behavioural pain-point candidate, split by outcome.

The per-customer windows sort small integer codes, not text event names (ADR 0012), and
everything past the one pass of windows reads a per-(customer, event) table materialised once,
stage measurements included.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from cjlib.events._common import ORDER, customer_window

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["EventProfile", "profile_events", "stage_order_pairs", "stage_profile"]

_US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class EventProfile:
    """Per-event measurements (``events``) and per-(persona, event) reach (``personas``).

    ``per_customer`` (one row per customer and measured event, with the integer ``code`` of
    the event in ``codes``) stays usable by :func:`stage_profile` while the
    :func:`profile_events` context is open.
    """

    events: pd.DataFrame
    personas: pd.DataFrame
    n_customers: int
    gap_norm_days: float
    log: Any = field(default=None, repr=False)
    per_customer: Any = field(default=None, repr=False)
    codes: Mapping[str, int] = field(default_factory=dict, repr=False)


def _coded(log: EventLog, labels: Mapping[str, str] | None) -> tuple[ir.Table, list[str]]:
    """The log with ``code``: the position of the event's label (its name unless ``labels``
    renames it) in the returned list of labels."""
    names = log.event_names
    label_of = dict(labels or {})
    measured = list(dict.fromkeys(label_of.get(n, n) for n in names))
    position = {lab: i for i, lab in enumerate(measured)}
    codes = ibis.memtable(
        {
            "_name": list(names),
            "code": np.array([position[label_of.get(n, n)] for n in names], dtype="int32"),
        }
    )
    t = log._table
    joined = t.left_join(codes, t.event == codes._name)
    return joined.select("customer_id", "timestamp", ORDER, "channel", "code"), measured


def _base(log: EventLog, coded: ir.Table, quiet_us: int, window_us: int) -> ir.Table:
    """Events with their micros, the gap to the next event, and two flags: the customer's
    last event with the log going on for more than ``quiet_us`` (``last``), and an
    occurrence at most ``window_us`` after the previous one of the same event (``rep``)."""
    coded = coded.mutate(m=log._micros(coded.timestamp))
    m = coded.m
    # the log's end as a scalar: an unpartitioned window would run on one thread
    end = int(log._execute(log._micros(log._table.timestamp).max()))
    w = customer_window()
    # gaps between occurrences of one event do not depend on how ties are ordered, so this
    # window sorts one integer instead of the timestamp and the input order
    same = ibis.window(group_by=["customer_id", "code"], order_by="m")
    gap = m.lead().over(w) - m
    return coded.select(
        "customer_id",
        "code",
        "m",
        first_m=m.first().over(w),
        gap=gap,
        last=gap.isnull() & ((end - m) > quiet_us),
        rep=((m - m.lag().over(same)) <= window_us).fill_null(False),
    )


@contextmanager
def profile_events(
    log: EventLog,
    *,
    repeat_window_days: float,
    wait_factor: float,
    outcome: pd.DataFrame | None,
    persona: pd.DataFrame | None,
    labels: Mapping[str, str] | None = None,
    quiet_days: float = 30.0,
) -> Iterator[EventProfile]:
    """Measure every event name of ``log`` in one pass of windows; a context manager.

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

    Yields
    ------
    EventProfile
        Its per-customer table is dropped when the context closes.
    """
    window_us = int(repeat_window_days * _US_PER_DAY)
    quiet_us = int(quiet_days * _US_PER_DAY)
    coded, measured = _coded(log, labels)
    label = dict(enumerate(measured))
    with ExitStack() as keep:
        with log._materialized(_base(log, coded, quiet_us, window_us)) as base:
            gaps = log._execute(
                base.group_by("code").agg(
                    n_events=base.count(),
                    median_gap=base.gap.cast("float64").median(),
                )
            )
            norms = gaps.dropna(subset=["median_gap"])
            norm = ibis.memtable(
                pd.DataFrame(
                    {
                        "norm_code": norms["code"].astype("int32"),
                        "wait_limit": wait_factor * norms["median_gap"],
                    }
                )
            )
            # waiting after any occurrence = the longest gap after the event beats its norm
            per = base.group_by(["customer_id", "code"]).agg(
                first_rel=(base.m - base.first_m).min(),
                min_m=base.m.min(),
                max_m=base.m.max(),
                max_gap=base.gap.max(),
                is_last=base["last"].any(),
                repeat=base.rep.any(),
            )
            per_n = per.left_join(norm, per.code == norm.norm_code)
            per_customer = per_n.select(
                "customer_id",
                "code",
                "min_m",
                "max_m",
                "is_last",
                "repeat",
                "first_rel",
                waited=(per_n.max_gap.cast("float64") > per_n.wait_limit).fill_null(False),
            )
            ce = keep.enter_context(log._materialized(per_customer))
        agg = {
            "reach": ce.count(),
            "median_first_us": ce.first_rel.cast("float64").median(),
            "n_last": ce.is_last.cast("int64").sum(),
            "n_repeat": ce.repeat.cast("int64").sum(),
            "n_wait": ce.waited.cast("int64").sum(),
        }
        events = log._execute(ce.group_by("code").agg(**agg))
        if outcome is not None:
            events = events.merge(_outcome_counts(log, ce, outcome), on="code", how="left")
        personas = (
            _persona_reach(log, ce, persona, label)
            if persona is not None
            else pd.DataFrame(columns=["persona", "event", "reach"])
        )
        n_customers = int(log._execute(ce.customer_id.nunique()))
        events = events.merge(gaps, on="code", how="left")
        events.insert(0, "event", events.pop("code").map(label))
        channels = _channel_counts(log, labels)
        events["channel"] = events["event"].map(_modal_channel(channels))
        events["median_first_days"] = events.pop("median_first_us") / _US_PER_DAY
        events["median_gap_days"] = events.pop("median_gap") / _US_PER_DAY
        for col in events.columns:
            if col.startswith("n_") or col in ("reach",) or col.startswith("out_"):
                events[col] = events[col].fillna(0).astype("int64")
        events = events.sort_values(["median_first_days", "event"]).reset_index(drop=True)
        yield EventProfile(
            events=events,
            personas=personas,
            n_customers=n_customers,
            gap_norm_days=float(gaps["median_gap"].median()) / _US_PER_DAY,
            log=log,
            per_customer=ce,
            codes={lab: i for i, lab in enumerate(measured)},
        )


def _outcome_counts(log: EventLog, ce: ir.Table, outcome: pd.DataFrame) -> pd.DataFrame:
    """Per event code: customers with an outcome who reached it, had a bad outcome, and each
    flag."""
    out = ibis.memtable(outcome[["customer_id", "bad"]])
    j = ce.inner_join(out, ce.customer_id == out.customer_id)
    bad = j.bad.cast("int64")
    agg = {"out_reach": j.count(), "out_bad": bad.sum()}
    for flag in ("repeat", "waited", "is_last"):
        f = j[flag].cast("int64")
        agg[f"out_{flag}"] = f.sum()
        agg[f"out_{flag}_bad"] = (f * bad).sum()
    return log._execute(j.group_by("code").agg(**agg))


def _persona_reach(
    log: EventLog, ce: ir.Table, persona: pd.DataFrame, label: Mapping[int, str]
) -> pd.DataFrame:
    p = ibis.memtable(persona[["customer_id", "persona"]])
    j = ce.inner_join(p, ce.customer_id == p.customer_id)
    table = log._execute(j.group_by(["persona", "code"]).agg(reach=j.count()))
    table.insert(1, "event", table.pop("code").map(label))
    table["reach"] = table["reach"].astype("int64")
    return table


def _channel_counts(log: EventLog, labels: Mapping[str, str] | None) -> pd.DataFrame:
    """Events per (measured event, channel), counted on the log itself (no window needed)."""
    t = log._table
    counts = log._execute(t.group_by(["event", "channel"]).agg(n=t.count()))
    counts["event"] = counts["event"].map(lambda e: (labels or {}).get(e, e))
    return counts.groupby(["event", "channel"], as_index=False, dropna=False)["n"].sum()


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
    s = t.select("customer_id", m=m, stage=labels)
    return s.filter(s.stage.notnull())


def stage_profile(profile: EventProfile, stage_of: Mapping[str, str]) -> pd.DataFrame:
    """Per stage: ``reach``, ``median_days`` spent (first to last event) and ``n_last``.

    ``stage_of`` maps measured events (labels) to stages; it is read from the open
    :func:`profile_events` context. ``n_last`` counts customers whose last event in the
    whole log falls in the stage, more than ``quiet_days`` before the log ends.
    """
    codes = {profile.codes[e]: s for e, s in stage_of.items() if e in profile.codes}
    if not codes:
        return pd.DataFrame(columns=["stage", "reach", "median_days", "n_last"])
    log, ce = profile.log, profile.per_customer
    lookup = ibis.memtable(
        {
            "stage_code": np.array(list(codes), dtype="int32"),
            "stage": [str(s) for s in codes.values()],
        }
    )
    s = ce.inner_join(lookup, ce.code == lookup.stage_code)
    per = s.group_by(["customer_id", "stage"]).agg(
        span=s.max_m.max() - s.min_m.min(),
        is_last=s.is_last.any(),
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
