"""Event → next-event transitions with exact median gaps (``EventLog.transitions``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cjlib.events._common import ORDER, customer_window, encode, micros_to_timedelta
from cjlib.events._results import TransitionsResult

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["END", "transitions"]

_LAST = -1  # next-event code of a customer's last event (it has no successor)
END = "(end)"  # the next state of a customer's last event, with include_end=True


def transitions(
    log: EventLog, *, per_channel: bool = False, include_end: bool = False
) -> TransitionsResult:
    """Count consecutive event pairs per customer; see :meth:`EventLog.transitions`."""
    t = log._table
    names = log.event_names
    coded = encode(t.select("customer_id", "timestamp", ORDER, "channel", "event"), "event", names)
    w = customer_window()
    micros = log._micros(coded.timestamp)
    payload = {"channel": coded.channel} if per_channel else {}
    pairs = coded.select(
        code=coded._code,
        next_code=coded._code.lead(default=_LAST).over(w),
        gap=(micros.lead().over(w) - micros),
        **payload,
    )
    # each customer's last event has no successor: those rows (kept until after the
    # aggregate) count the customers in the same pass
    keys = ["channel", "code", "next_code"] if per_channel else ["code", "next_code"]
    with log._materialized(pairs) as stored:
        agg = stored.group_by(keys).agg(
            n=stored.count(),
            median_gap=stored.gap.cast("float64").median(),
        )
        table = log._execute(agg)
    last = table["next_code"] == _LAST
    n_customers = int(table.loc[last, "n"].sum())
    n_events = int(table["n"].sum())
    if not include_end:
        table = table.loc[~last].reset_index(drop=True)
    lookup = {**dict(enumerate(names)), _LAST: END}
    table["event"] = table["code"].map(lookup)
    table["next_event"] = table["next_code"].map(lookup)
    keys = ["channel", "event", "next_event"] if per_channel else ["event", "next_event"]
    source = ["channel", "event"] if per_channel else ["event"]
    table["n"] = table["n"].astype("int64")
    totals = table.groupby(source, dropna=False)["n"].transform("sum")
    table["share"] = table["n"] / totals
    table["median_gap"] = micros_to_timedelta(table["median_gap"])
    table = table.sort_values(
        [*source, "n", "next_event"], ascending=[True] * len(source) + [False, True]
    ).reset_index(drop=True)
    table = table[[*keys, "n", "share", "median_gap"]]
    return TransitionsResult(
        table=table,
        n_customers=n_customers,
        n_events=n_events,
        by_channel=per_channel,
        include_end=include_end,
    )
