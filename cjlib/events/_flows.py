"""Step-by-step flows of customer journeys for Sankey diagrams (``EventLog.step_flows``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import pandas as pd

from cjlib.errors import DataError
from cjlib.events._common import customer_window, encode, known_items, sequence
from cjlib.events._results import StepFlowsResult

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["DROP_OFF", "OTHER", "step_flows"]

DROP_OFF = "(drop-off)"
OTHER = "other"
_END = -1  # target code of a journey's last step


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
    names = known_items(log, level)
    if anchor is not None and anchor not in names:
        hint = f"; known {level}s include {sorted(names)[:10]}" if names else ""
        raise DataError(f"anchor {anchor!r} never occurs in the log{hint}")
    s = encode(sequence(log, level), "item", names)
    w = customer_window()
    s = s.mutate(step=ibis.row_number().over(w), target=s._code.lead(default=_END).over(w))
    if anchor is not None:
        code = names.index(anchor)
        first = s.step.min(where=s._code == code).over(group_by="customer_id")
        s = s.mutate(anchor_step=first)
        s = s.filter(s.anchor_step.notnull())
        s = s.mutate(step=s.step - s.anchor_step)
        low, high = -(max_steps - 1), max_steps - 1
    else:
        low, high = 0, max_steps - 1
    # a flow leaves every shown step but the last one
    s = s.filter((s.step >= low) & (s.step < high))
    agg = s.group_by(["step", "_code", "target"]).agg(n=s.count())
    raw = log._execute(agg)
    if anchor is not None and raw.empty:
        raise DataError(f"anchor {anchor!r} never occurs in the log")
    lookup = {**dict(enumerate(names)), _END: DROP_OFF}
    raw = pd.DataFrame(
        {
            "step": raw["step"].astype("int64"),
            "source": raw["_code"].map(lookup),
            "target": raw["target"].map(lookup),
            "n": raw["n"].astype("int64"),
        }
    )
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
