"""Event → next-event transitions with exact median gaps (``EventLog.transitions``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cjlib.events._common import ORDER, customer_window, micros_to_timedelta
from cjlib.events._results import TransitionsResult

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["transitions"]


def transitions(log: EventLog, *, per_channel: bool = False) -> TransitionsResult:
    """Count consecutive event pairs per customer; see :meth:`EventLog.transitions`."""
    t = log._table
    w = customer_window()
    micros = log._micros(t.timestamp)
    pairs = t.select(
        "event",
        "channel",
        ORDER,
        next_event=t.event.lead().over(w),
        gap=(micros.lead().over(w) - micros),
    )
    # each customer's last event has no successor: those rows (kept until after the
    # aggregate) count the customers in the same pass
    pairs = log._maybe_materialize(pairs)
    keys = ["channel", "event", "next_event"] if per_channel else ["event", "next_event"]
    agg = pairs.group_by(keys).agg(
        n=pairs.count(),
        median_gap=pairs.gap.cast("float64").median(),
    )
    table = log._execute(agg)
    last = table["next_event"].isna()
    n_customers = int(table.loc[last, "n"].sum())
    n_events = int(table["n"].sum())
    table = table.loc[~last].reset_index(drop=True)
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
    )


