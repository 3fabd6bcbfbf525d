"""Sessions and journey instances with outcomes (``EventLog.sessions`` / ``.journeys``).

Both are window computations over each customer's time-ordered events, so they run in the
engine in one pass; only the per-session / per-journey rows come back to pandas.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

from cjlib.errors import DataError
from cjlib.events._common import (
    ORDER,
    as_names,
    customer_window,
    expand,
    micros_to_timestamp,
    parse_duration,
)
from cjlib.events._results import JourneysResult, SessionsResult

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from cjlib.events._log import EventLog

__all__ = ["journey_table", "journeys", "sessions"]

OUTCOMES = ("success", "failure", "abandoned", "open")


def sessions(log: EventLog, *, gap: Any = "30min") -> SessionsResult:
    """One row per session; see :meth:`EventLog.sessions`."""
    limit = parse_duration(gap, "gap", allow_none=False)
    assert limit is not None
    limit_us = int(limit / pd.Timedelta(microseconds=1))
    t = log._table
    w = customer_window()
    t = t.mutate(us=log._micros(t.timestamp))
    t = t.mutate(prev_us=t.us.lag().over(w), prev_channel=t.channel.lag().over(w))
    t = t.mutate(
        new=ibis.ifelse(t.prev_us.isnull() | (t.us - t.prev_us > limit_us), 1, 0),
    )
    t = t.mutate(session=t.new.sum().over(customer_window(rows=(None, 0))) - 1)
    agg = t.group_by(["customer_id", "session"]).agg(
        start_us=t.us.min(),
        end_us=t.us.max(),
        n_events=t.count(),
        n_channels=t.channel.nunique(),
    )
    # first/last event must follow time order, not input order alone: pick by (time, order)
    agg = _first_last(t, ["customer_id", "session"], agg)
    df = log._execute(agg)
    df = _finish_intervals(df)
    df["session"] = df["session"].astype("int64")
    df = log._key.restore(df.sort_values(["customer_id", "session"]))
    df = df.sort_values([log.customer_col, "session"], kind="stable").reset_index(drop=True)
    return SessionsResult(
        customer_col=log.customer_col,
        table=df[
            [
                log.customer_col,
                "session",
                "start",
                "end",
                "duration",
                "n_events",
                "first_event",
                "last_event",
                "n_channels",
            ]
        ],
        gap=limit,
    )


def _first_last(t: ir.Table, keys: list[str], agg: ir.Table) -> ir.Table:
    """Replace first/last event by the event at the smallest / largest (time, order)."""
    w = ibis.window(group_by=keys, order_by=["us", ORDER])
    ranked = t.mutate(
        _first=ibis.row_number().over(w),
        _last=ibis.row_number().over(
            ibis.window(group_by=keys, order_by=[ibis.desc("us"), ibis.desc(ORDER)])
        ),
    )
    firsts = ranked.filter(ranked._first == 0).select(*keys, first_event_=ranked.event)
    lasts = ranked.filter(ranked._last == 0).select(*keys, last_event_=ranked.event)
    out = agg.join(firsts, keys).join(lasts, keys)
    return out.rename(first_event="first_event_", last_event="last_event_")


def _finish_intervals(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["start"] = micros_to_timestamp(df.pop("start_us"))
    df["end"] = micros_to_timestamp(df.pop("end_us"))
    df["duration"] = df["end"] - df["start"]
    df["n_events"] = df["n_events"].astype("int64")
    if "n_channels" in df:
        df["n_channels"] = df["n_channels"].astype("int64")
    return df


def journey_table(
    log: EventLog,
    *,
    start: str | Iterable[str],
    success: str | Iterable[str],
    failure: str | Iterable[str] | None,
    timeout: Any,
) -> tuple[ir.Table, dict[str, Any]]:
    """The engine-side table of journey instances (one row per journey), and the parameters."""
    starts = as_names(start, "start")
    successes = as_names(success, "success")
    failures = as_names(failure, "failure")
    if not starts or not successes:
        raise DataError("start and success must each name at least one event")
    limit = parse_duration(timeout, "timeout")
    known = log.event_names
    s_set, ok_set, ko_set = (sorted(expand(x, known)) for x in (starts, successes, failures))
    overlap = set(ok_set) & set(ko_set)
    if overlap:
        raise DataError(f"events {sorted(overlap)} are both success and failure events")
    if not set(s_set) & set(known):
        raise DataError(
            f"start = {list(starts)!r} matches no event in the log; known events include "
            f"{known[:12]}"
        )
    t = log._table
    w = customer_window()
    t = t.mutate(us=log._micros(t.timestamp))
    is_end = t.event.isin(ok_set + ko_set) if ko_set else t.event.isin(ok_set)
    t = t.mutate(
        is_end=ibis.ifelse(is_end, 1, 0),
        is_start=ibis.ifelse(t.event.isin(s_set), 1, 0),
        prev_us=t.us.lag().over(w),
        prev_channel=t.channel.lag().over(w),
    )
    if limit is not None:
        limit_us = int(limit / pd.Timedelta(microseconds=1))
        gap_break = ibis.ifelse(t.prev_us.notnull() & (t.us - t.prev_us > limit_us), 1, 0)
    else:
        limit_us = None
        gap_break = ibis.literal(0)
    # an episode closes after an end event or before an inactivity gap longer than timeout
    prev_end = t.is_end.lag().over(w)
    t = t.mutate(brk=ibis.ifelse(prev_end.fill_null(0) == 1, 1, 0) + gap_break)
    t = t.mutate(episode=t.brk.sum().over(customer_window(rows=(None, 0))))
    ew = ibis.window(group_by=["customer_id", "episode"], order_by=["timestamp", ORDER])
    t = t.mutate(started=t.is_start.max().over(ibis.window(
        group_by=["customer_id", "episode"], order_by=["timestamp", ORDER], rows=(None, 0)
    )))
    j = t.filter(t.started == 1)
    first_in = ibis.row_number().over(ew)
    j = j.mutate(pos=first_in)
    switch = ibis.ifelse(
        (j.pos > 0) & j.channel.notnull() & j.prev_channel.notnull()
        & (j.channel != j.prev_channel),
        1,
        0,
    )
    j = j.mutate(switch=switch)
    items = j.touchpoint if "touchpoint" in j.columns else j.event
    last_end = j.is_end.max()
    per = j.group_by(["customer_id", "episode"]).agg(
        start_us=j.us.min(),
        end_us=j.us.max(),
        n_events=j.count(),
        n_touchpoints=items.nunique(),
        channel_switches=j.switch.sum(),
        ended=last_end,
        success=j.event.isin(ok_set).max(),
    )
    lasts = j.mutate(
        _last=ibis.row_number().over(
            ibis.window(
                group_by=["customer_id", "episode"], order_by=[ibis.desc("us"), ibis.desc(ORDER)]
            )
        )
    )
    lasts = lasts.filter(lasts._last == 0).select("customer_id", "episode", last_event=lasts.event)
    # the time of the customer's next event after the episode tells whether a gap ended it
    nexts = t.group_by(["customer_id", "episode"]).agg(ep_end=t.us.max())
    per = per.join(lasts, ["customer_id", "episode"]).join(nexts, ["customer_id", "episode"])
    log_end = t.us.max()
    params = {
        "start": tuple(starts),
        "success": tuple(successes),
        "failure": tuple(failures),
        "timeout": limit,
        "limit_us": limit_us,
    }
    return per.mutate(log_end_us=log_end.as_scalar()), params


def _outcomes(df: pd.DataFrame, limit_us: int | None) -> pd.Series:
    ended = df["ended"].astype(bool)
    success = df["success"].astype(bool)
    outcome = pd.Series("open", index=df.index, dtype=object)
    outcome[ended & success] = "success"
    outcome[ended & ~success] = "failure"
    if limit_us is not None:
        later = df.groupby("customer_id")["episode"].transform("max") > df["episode"]
        timed_out = ~ended & (later | (df["log_end_us"] - df["end_us"] > limit_us))
        outcome[timed_out] = "abandoned"
    return outcome


def journeys(
    log: EventLog,
    *,
    start: str | Iterable[str],
    success: str | Iterable[str],
    failure: str | Iterable[str] | None = None,
    timeout: Any = None,
) -> JourneysResult:
    """One row per journey instance; see :meth:`EventLog.journeys`."""
    table, params = journey_table(
        log, start=start, success=success, failure=failure, timeout=timeout
    )
    df = log._execute(table)
    frame = log._key.restore(journeys_frame(df, params["limit_us"]))
    return JourneysResult(
        table=frame.sort_values(log.customer_col, kind="stable").reset_index(drop=True),
        customer_col=log.customer_col,
        start=params["start"],
        success=params["success"],
        failure=params["failure"],
        timeout=params["timeout"],
    )


def journeys_frame(df: pd.DataFrame, limit_us: int | None) -> pd.DataFrame:
    """Turn the engine's per-journey rows into the public journeys table."""
    columns = [
        "customer_id",
        "journey",
        "start",
        "end",
        "outcome",
        "duration",
        "n_events",
        "n_touchpoints",
        "channel_switches",
        "last_event",
    ]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    df = df.sort_values(["customer_id", "episode"]).reset_index(drop=True)
    df["outcome"] = _outcomes(df, limit_us)
    df["journey"] = df.groupby("customer_id").cumcount().astype("int64")
    df = _finish_intervals(df)
    for col in ("n_touchpoints", "channel_switches"):
        df[col] = df[col].astype("int64")
    return df[columns]


