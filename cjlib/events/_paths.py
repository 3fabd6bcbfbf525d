"""Customer paths up to the first conversion, counted by path (``EventLog.paths``).

This is the input of Markov-chain attribution (:mod:`cjlib.stats`): one row per distinct
path with the number of customers who converted after it and who never converted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis

from cjlib.errors import DataError
from cjlib.events._common import ORDER
from cjlib.events._results import PathsResult

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog
    from cjlib.map import JourneyMap

__all__ = ["SEPARATOR", "paths"]

SEPARATOR = ">"
BY = ("event", "channel", "touchpoint")


def paths(
    log: EventLog,
    conversion_event: str,
    *,
    by: str = "event",
    journey_map: JourneyMap | None = None,
) -> PathsResult:
    """Paths to the first conversion; see :meth:`EventLog.paths`."""
    if by not in BY:
        raise DataError(f"by must be one of {list(BY)}; got {by!r}")
    if not isinstance(conversion_event, str) or not conversion_event:
        raise DataError(f"conversion_event must be an event name; got {conversion_event!r}")
    known = log.event_names
    if conversion_event not in known:
        raise DataError(
            f"conversion_event {conversion_event!r} never occurs in the log; known events "
            f"include {known[:12]}"
        )
    if by == "touchpoint":
        if journey_map is not None:
            log = log.bind(journey_map)
        log._require_bound("paths(by='touchpoint')")
    t = log._table
    t = t.mutate(us=log._micros(t.timestamp))
    conv = t.filter(t.event == conversion_event).select("customer_id", "us", ORDER)
    conv = conv.mutate(
        rk=ibis.row_number().over(ibis.window(group_by="customer_id", order_by=["us", ORDER]))
    )
    conv = conv.filter(conv.rk == 0).select("customer_id", cu="us", co=ORDER)
    step: Any
    if by == "event":
        step = t.event
    elif by == "channel":
        step = t.channel.fill_null("(none)")
    else:
        step = t.touchpoint
    rows = t.mutate(step=step).left_join(conv, "customer_id")
    rows = rows.filter(
        rows.cu.isnull() | (rows.us < rows.cu) | ((rows.us == rows.cu) & (rows[ORDER] < rows.co))
    )
    rows = rows.filter(rows.step.notnull())
    point = ibis.struct({"t": rows.us, "o": rows[ORDER], "s": rows.step})
    per = rows.group_by("customer_id").agg(p=point.collect(), converted=rows.cu.notnull().max())
    per = per.mutate(path=per.p.sort().map(lambda x: x.s).join(SEPARATOR))
    conv_int = per.converted.cast("int64")
    counted = per.group_by("path").agg(conversions=conv_int.sum(), nulls=(1 - conv_int).sum())
    table = log._execute(counted)
    n_conv = int(log._execute(conv.count()))
    for col in ("conversions", "nulls"):
        table[col] = table[col].astype("int64")
    table = table.sort_values(
        ["conversions", "nulls", "path"], ascending=[False, False, True]
    ).reset_index(drop=True)
    direct = n_conv - int(table["conversions"].sum())
    return PathsResult(
        table=table[["path", "conversions", "nulls"]],
        conversion_event=conversion_event,
        by=by,
        n_direct=direct,
    )
