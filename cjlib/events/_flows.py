"""Step-by-step flows of customer journeys for Sankey diagrams (``EventLog.step_flows``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import pandas as pd

from cjlib.errors import DataError
from cjlib.events._common import customer_window, sequence
from cjlib.events._results import StepFlowsResult

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["DROP_OFF", "OTHER", "step_flows"]

DROP_OFF = "(drop-off)"
OTHER = "other"


def step_flows(
    log: EventLog,
    *,
    max_steps: int = 6,
    top_k: int = 10,
    anchor: str | None = None,
    level: str = "event",
) -> StepFlowsResult:
    """Flows between consecutive steps; see :meth:`EventLog.step_flows`."""
    if not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < 2:
        raise DataError(f"max_steps must be an integer of at least 2; got {max_steps!r}")
    if not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1:
        raise DataError(f"top_k must be a positive integer; got {top_k!r}")
    if anchor is not None and not isinstance(anchor, str):
        raise DataError(f"anchor must be an event (or item) name; got {anchor!r}")
    s = sequence(log, level)
    w = customer_window()
    s = s.mutate(step=ibis.row_number().over(w), target=s.item.lead().over(w))
    if anchor is not None:
        first = s.step.min(where=s.item == anchor).over(group_by="customer_id")
        s = s.mutate(anchor_step=first)
        s = s.filter(s.anchor_step.notnull())
        s = s.mutate(step=s.step - s.anchor_step)
        low, high = -(max_steps - 1), max_steps - 1
    else:
        low, high = 0, max_steps - 1
    # a flow leaves every shown step but the last one
    s = s.filter((s.step >= low) & (s.step < high))
    agg = s.group_by(["step", "item", "target"]).agg(n=s.count())
    raw = log._execute(agg).rename(columns={"item": "source"})
    if anchor is not None and raw.empty:
        known = log.event_names if level == "event" else None
        hint = f"; known events include {known[:10]}" if known else ""
        raise DataError(f"anchor {anchor!r} never occurs in the log{hint}")
    raw["step"] = raw["step"].astype("int64")
    raw["n"] = raw["n"].astype("int64")
    raw["target"] = raw["target"].where(raw["target"].notna(), DROP_OFF)
    table = _fold_rare(raw, top_k)
    # every customer (with the anchor) leaves step 0 exactly once, drop-off included
    customers = int(raw.loc[raw["step"] == 0, "n"].sum())
    return StepFlowsResult(
        table=table,
        n_customers=customers,
        max_steps=max_steps,
        anchor=anchor,
        level=level,
    )


def _fold_rare(raw: pd.DataFrame, top_k: int) -> pd.DataFrame:
    """Keep the ``top_k`` most visited items per step; fold the rest into ``"other"``."""
    visits = pd.concat(
        [
            raw.groupby(["step", "source"], as_index=False)["n"].sum().rename(
                columns={"source": "item"}
            ),
            raw[raw["target"] != DROP_OFF]
            .assign(step=lambda d: d["step"] + 1)
            .groupby(["step", "target"], as_index=False)["n"]
            .sum()
            .rename(columns={"target": "item"}),
        ]
    )
    visits = visits.groupby(["step", "item"], as_index=False)["n"].max()
    visits = visits.sort_values(["step", "n", "item"], ascending=[True, False, True])
    keep = set(
        map(tuple, visits.groupby("step").head(top_k)[["step", "item"]].itertuples(index=False))
    )

    def fold(step: pd.Series, item: pd.Series) -> pd.Series:
        kept = [(s, i) in keep or i == DROP_OFF for s, i in zip(step, item, strict=True)]
        return item.where(kept, OTHER)

    out = raw.assign(
        source=fold(raw["step"], raw["source"]),
        target=fold(raw["step"] + 1, raw["target"]),
    )
    out = out.groupby(["step", "source", "target"], as_index=False)["n"].sum()
    out = out.sort_values(["step", "n", "source", "target"], ascending=[True, False, True, True])
    return out.reset_index(drop=True)[["step", "source", "target", "n"]]
