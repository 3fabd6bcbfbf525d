"""Per-customer journey signals declared in a small spec (``EventLog.signals``).

A spec is a list of signal objects (or a mapping name → signal), built with readable
functions::

    log.signals([
        count("support_*"),                                   # n_support_*
        flag("billing_dispute"),                              # has_billing_dispute
        first_time("signup"), last_time("support_call"),
        time_between("signup", "first_use"),                  # first signup → next first_use
        repeat_within("support_call", after="billing_dispute", window="14D", at_least=2),
        channel_switches(), path_length(), followed_stage_order(),
    ])

Every signal is an Ibis expression; the per-customer aggregates run as one grouped query
and the two relational signals (time between, repeats within a window) as one more each.

Examples
--------
>>> count("support_call").name
'n_support_call'
>>> repeat_within("support_call", after="billing_dispute", window="14D").name
'support_call_2x_within_14D_after_billing_dispute'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

from cjlib.errors import DataError
from cjlib.events._common import (
    ORDER,
    as_names,
    customer_window,
    expand,
    micros_to_timedelta,
    micros_to_timestamp,
    parse_duration,
)
from cjlib.events._results import SignalsResult

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = [
    "Signal",
    "channel_switches",
    "compute_signals",
    "count",
    "first_time",
    "flag",
    "followed_stage_order",
    "last_time",
    "path_length",
    "repeat_within",
    "time_between",
]

_KINDS = (
    "count",
    "flag",
    "first_time",
    "last_time",
    "time_between",
    "repeat_within",
    "channel_switches",
    "path_length",
    "followed_stage_order",
)


@dataclass(frozen=True)
class Signal:
    """One declared signal. Build it with the functions of this module, not directly.

    Parameters
    ----------
    kind : str
        One of ``count``, ``flag``, ``first_time``, ``last_time``, ``time_between``,
        ``repeat_within``, ``channel_switches``, ``path_length``, ``followed_stage_order``.
    name : str
        Output column name.
    events : tuple of str
        Event names or glob patterns the signal looks at.
    after : tuple of str
        Anchor events (``time_between``: the "from" event; ``repeat_within``: the trigger).
    window : pandas.Timedelta, optional
        Window of ``repeat_within``.
    at_least : int
        Threshold of ``repeat_within``.
    level : str
        ``"event"`` or ``"touchpoint"`` (``count``/``flag`` on touchpoint ids of a bound log).
    """

    kind: str
    name: str
    events: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    window: pd.Timedelta | None = None
    at_least: int = 1
    level: str = "event"

    def named(self, name: str) -> Signal:
        """The same signal with another output column name."""
        return replace(self, name=name)


def _label(names: Sequence[str]) -> str:
    return "_or_".join(names)


def _level(level: str) -> str:
    if level not in ("event", "touchpoint"):
        raise DataError(f"level must be 'event' or 'touchpoint'; got {level!r}")
    return level


def count(events: str | Sequence[str], *, name: str | None = None, level: str = "event") -> Signal:
    """Number of the customer's events matching ``events`` (names or glob patterns)."""
    ev = as_names(events, "events")
    return Signal("count", name or f"n_{_label(ev)}", ev, level=_level(level))


def flag(events: str | Sequence[str], *, name: str | None = None, level: str = "event") -> Signal:
    """Whether the customer had any event matching ``events``."""
    ev = as_names(events, "events")
    return Signal("flag", name or f"has_{_label(ev)}", ev, level=_level(level))


def first_time(events: str | Sequence[str], *, name: str | None = None) -> Signal:
    """Time of the customer's first matching event (NaT if none)."""
    ev = as_names(events, "events")
    return Signal("first_time", name or f"first_{_label(ev)}", ev)


def last_time(events: str | Sequence[str], *, name: str | None = None) -> Signal:
    """Time of the customer's last matching event (NaT if none)."""
    ev = as_names(events, "events")
    return Signal("last_time", name or f"last_{_label(ev)}", ev)


def time_between(
    start: str | Sequence[str], end: str | Sequence[str], *, name: str | None = None
) -> Signal:
    """Time from the customer's first ``start`` event to the first ``end`` event after it."""
    s = as_names(start, "start")
    e = as_names(end, "end")
    return Signal("time_between", name or f"time_{_label(s)}_to_{_label(e)}", e, after=s)


def repeat_within(
    events: str | Sequence[str],
    *,
    after: str | Sequence[str],
    window: Any,
    at_least: int = 2,
    name: str | None = None,
) -> Signal:
    """Whether ``at_least`` matching events happened within ``window`` after some ``after`` event.

    E.g. ``repeat_within("support_call", after="billing_dispute", window="14D")``: at least
    two support calls in the 14 days following a billing dispute (``(t, t + window]``).
    """
    ev = as_names(events, "events")
    trig = as_names(after, "after")
    td = parse_duration(window, "window", allow_none=False)
    if not isinstance(at_least, int) or isinstance(at_least, bool) or at_least < 1:
        raise DataError(f"at_least must be a positive integer; got {at_least!r}")
    label = window if isinstance(window, str) else f"{int(td.total_seconds())}s"
    default = f"{_label(ev)}_{at_least}x_within_{label}_after_{_label(trig)}"
    return Signal(
        "repeat_within",
        name or re.sub(r"\s+", "", default),
        ev,
        after=trig,
        window=td,
        at_least=at_least,
    )


def channel_switches(*, name: str = "channel_switches") -> Signal:
    """Number of consecutive event pairs whose channel differs."""
    return Signal("channel_switches", name)


def path_length(*, name: str = "path_length") -> Signal:
    """Number of the customer's events."""
    return Signal("path_length", name)


def followed_stage_order(*, name: str = "followed_stage_order") -> Signal:
    """Whether the customer's stages (consecutive repeats collapsed) never go backwards in
    the designed order of the bound map. Needs :meth:`EventLog.bind`."""
    return Signal("followed_stage_order", name)


def _normalise(spec: Any) -> list[Signal]:
    if isinstance(spec, Signal):
        spec = [spec]
    if isinstance(spec, Mapping):
        items = []
        for key, sig in spec.items():
            if not isinstance(sig, Signal):
                raise DataError(
                    f"spec[{key!r}] must be a signal built with cjlib.events.count/flag/...; "
                    f"got {sig!r}"
                )
            items.append(sig.named(str(key)))
    elif isinstance(spec, Sequence) and not isinstance(spec, str):
        items = list(spec)
        for i, sig in enumerate(items):
            if not isinstance(sig, Signal):
                raise DataError(
                    f"spec[{i}] must be a signal built with cjlib.events.count/flag/...; "
                    f"got {sig!r}"
                )
    else:
        raise DataError(
            f"spec must be a list of signals or a mapping name → signal; got {type(spec).__name__}"
        )
    if not items:
        raise DataError("spec is empty: declare at least one signal")
    names = [s.name for s in items]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes or "customer_id" in names:
        raise DataError(
            "signal names must be unique and not 'customer_id'; repeated: "
            f"{dupes or ['customer_id']}"
        )
    return items


def compute_signals(log: EventLog, spec: Any) -> SignalsResult:
    """Compute the per-customer signal table; see :meth:`EventLog.signals`."""
    items = _normalise(spec)
    if log.customer_col in {s.name for s in items}:
        raise DataError(
            f"signal name {log.customer_col!r} is the log's customer column (customer_col); "
            "name the signal differently"
        )
    known = log.event_names
    from cjlib.events._typos import warn_unknown_names

    warn_unknown_names(items, events=known, touchpoints=_touchpoints(log))
    t = log._table
    w = customer_window()
    t = t.mutate(us=log._micros(t.timestamp), prev_channel=t.channel.lag().over(w))
    bound = "touchpoint" in t.columns
    aggs: dict[str, Any] = {}
    for sig in items:
        if sig.level == "touchpoint" and not bound:
            log._require_bound(f"signal {sig.name!r} (level='touchpoint')")
        column = t.touchpoint if sig.level == "touchpoint" else t.event
        pool = _touchpoints(log) if sig.level == "touchpoint" else known
        hit = column.isin(sorted(expand(sig.events, pool)) or ["\x00"])
        if sig.kind == "count":
            aggs[sig.name] = hit.cast("int64").sum()
        elif sig.kind == "flag":
            aggs[sig.name] = hit.cast("int64").max()
        elif sig.kind == "first_time":
            aggs[sig.name] = t.us.min(where=hit)
        elif sig.kind == "last_time":
            aggs[sig.name] = t.us.max(where=hit)
        elif sig.kind == "channel_switches":
            switched = t.channel.notnull() & t.prev_channel.notnull() & (
                t.channel != t.prev_channel
            )
            aggs[sig.name] = switched.cast("int64").sum()
        elif sig.kind == "path_length":
            aggs[sig.name] = t.count()
    base = t.group_by("customer_id").agg(_n=t.count(), **aggs)
    for sig in items:
        if sig.kind == "time_between":
            base = base.left_join(_time_between(log, t, sig, known), "customer_id").drop(
                "customer_id_right"
            )
        elif sig.kind == "repeat_within":
            base = base.left_join(_repeat_within(log, t, sig, known), "customer_id").drop(
                "customer_id_right"
            )
        elif sig.kind == "followed_stage_order":
            base = base.left_join(_stage_order(log, sig), "customer_id").drop(
                "customer_id_right"
            )
    df = log._execute(base).drop(columns="_n")
    for sig in items:
        col = df[sig.name]
        if sig.kind in ("count", "channel_switches", "path_length"):
            df[sig.name] = col.fillna(0).astype("int64")
        elif sig.kind in ("flag", "repeat_within"):
            df[sig.name] = col.fillna(0).astype(int).astype(bool)
        elif sig.kind in ("first_time", "last_time"):
            df[sig.name] = micros_to_timestamp(col)
        elif sig.kind == "time_between":
            df[sig.name] = micros_to_timedelta(col)
        elif sig.kind == "followed_stage_order":
            df[sig.name] = col.astype("boolean").fillna(True).astype(bool)
    df = df[["customer_id", *[s.name for s in items]]]
    df = log._key.restore(df.sort_values("customer_id"), sort=True)
    return SignalsResult(table=df, spec=tuple(items), customer_col=log.customer_col)


def _touchpoints(log: EventLog) -> list[str]:
    jm = log.journey_map
    return [tp.id for tp in jm.touchpoints] if jm is not None else []


def _time_between(log: EventLog, t: Any, sig: Signal, known: list[str]) -> Any:
    starts = sorted(expand(sig.after, known)) or ["\x00"]
    ends = sorted(expand(sig.events, known)) or ["\x00"]
    # the customer's first start event, ties in time broken by input order
    firsts = t.filter(t.event.isin(starts)).select("customer_id", "us", ORDER)
    firsts = firsts.mutate(rk=ibis.row_number().over(customer_window_us()))
    firsts = firsts.filter(firsts.rk == 0).select("customer_id", t0="us", o0=ORDER)
    e = t.filter(t.event.isin(ends)).select("customer_id", "us", ORDER)
    j = e.join(firsts, "customer_id")
    j = j.filter((j.us > j.t0) | ((j.us == j.t0) & (j[ORDER] > j.o0)))
    return j.group_by("customer_id").agg(**{sig.name: (j.us - j.t0).min().cast("float64")})


def customer_window_us() -> Any:
    """Per-customer window ordered by microsecond time and input order."""
    return ibis.window(group_by="customer_id", order_by=["us", ORDER])


def _repeat_within(log: EventLog, t: Any, sig: Signal, known: list[str]) -> Any:
    triggers = sorted(expand(sig.after, known)) or ["\x00"]
    targets = sorted(expand(sig.events, known)) or ["\x00"]
    assert sig.window is not None
    limit = int(sig.window / pd.Timedelta(microseconds=1))
    a = t.filter(t.event.isin(triggers)).select("customer_id", ta="us", oa=ORDER)
    b = t.filter(t.event.isin(targets)).select("customer_id", tb="us", ob=ORDER)
    j = a.join(b, "customer_id")
    j = j.filter((j.tb > j.ta) & (j.tb - j.ta <= limit) & (j.ob != j.oa))
    per_trigger = j.group_by(["customer_id", "ta", "oa"]).agg(k=j.count())
    return per_trigger.group_by("customer_id").agg(
        **{sig.name: (per_trigger.k >= sig.at_least).cast("int64").max()}
    )


def _stage_order(log: EventLog, sig: Signal) -> Any:
    from cjlib.events._binding import stage_index_sequence

    s = stage_index_sequence(log)
    back = (s.prev_idx.notnull() & (s.idx < s.prev_idx)).cast("int64")
    return s.group_by("customer_id").agg(
        **{sig.name: ibis.ifelse(back.sum() == 0, True, False)}
    )
