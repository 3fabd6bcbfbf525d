"""Binding events to the designed map, and designed-versus-observed conformance.

``bind`` matches each distinct event name once, in Python, against the touchpoints' event
names and glob patterns (first touchpoint in map order wins), then labels the log in the
engine with one ``CASE`` expression, so the log is never loaded into pandas.
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

from cjlib.errors import DataError
from cjlib.events._common import customer_window, sequence
from cjlib.events._results import ConformanceResult

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog
    from cjlib.map import JourneyMap

__all__ = ["bind", "binding_of", "conformance", "stage_index_sequence"]


def _check_map(journey_map: Any) -> JourneyMap:
    from cjlib.map import JourneyMap

    if not isinstance(journey_map, JourneyMap):
        raise DataError(
            f"journey_map must be a cjlib JourneyMap; got {type(journey_map).__name__}"
        )
    if not journey_map.stages:
        raise DataError(f"journey map {journey_map.id!r} has no stages to bind events to")
    return journey_map


def match_events(journey_map: JourneyMap, events: list[str]) -> dict[str, tuple[str, str]]:
    """Event name → (touchpoint id, stage id), first matching touchpoint in map order."""
    out: dict[str, tuple[str, str]] = {}
    for stage, tp in journey_map.iter_touchpoints():
        for pattern in tp.events:
            for event in events:
                if event not in out and fnmatch.fnmatchcase(event, pattern):
                    out[event] = (tp.id, stage.id)
    return out


def bind(log: EventLog, journey_map: JourneyMap) -> EventLog:
    """Label events with touchpoints and stages; see :meth:`EventLog.bind`."""
    jm = _check_map(journey_map)
    counts = log._event_counts()
    events = sorted(counts["event"].astype(str))
    matched = match_events(jm, events)
    t = log._table
    t = t.drop(*[c for c in ("touchpoint", "stage") if c in t.columns])
    tp_map = {e: tp for e, (tp, _) in matched.items()}
    st_map = {e: st for e, (_, st) in matched.items()}
    if matched:
        touchpoint = t.event.substitute(tp_map, else_=ibis.null("string"))
        stage = t.event.substitute(st_map, else_=ibis.null("string"))
    else:
        touchpoint = stage = ibis.null("string")
    t = t.mutate(touchpoint=touchpoint.cast("string"), stage=stage.cast("string"))
    binding = _binding_table(counts, matched)
    return log._with_table(t, journey_map=jm, binding=binding, counts=log._counts)


def binding_of(log: EventLog) -> pd.DataFrame:
    """The binding table of a bound log, counted on its current events.

    Used after :meth:`EventLog.filter`, whose events differ from the ones counted at
    :func:`bind` time (the touchpoint and stage columns themselves stay valid).
    """
    jm = log.journey_map
    assert jm is not None
    counts = log._event_counts()
    matched = match_events(jm, sorted(counts["event"].astype(str)))
    return _binding_table(counts, matched)


def _binding_table(counts: pd.DataFrame, matched: dict[str, tuple[str, str]]) -> pd.DataFrame:
    binding = counts.assign(
        touchpoint=counts["event"].map({e: tp for e, (tp, _) in matched.items()}),
        stage=counts["event"].map({e: st for e, (_, st) in matched.items()}),
    )[["event", "touchpoint", "stage", "n"]]
    binding["n"] = binding["n"].astype("int64")
    return binding.sort_values(["n", "event"], ascending=[False, True]).reset_index(drop=True)


def stage_index_sequence(log: EventLog) -> Any:
    """Collapsed stage visits with their designed index ``idx`` and the previous ``prev_idx``."""
    jm = log.journey_map
    log._require_bound("the designed stage order")
    assert jm is not None
    s = sequence(log, "stage")
    index = {st.id: i for i, st in enumerate(jm.stages)}
    s = s.mutate(idx=s.item.substitute(index, else_=ibis.null("int64")).cast("int64"))
    return s.mutate(prev_idx=s.idx.lag().over(customer_window()))


def conformance(log: EventLog, journey_map: JourneyMap | None = None) -> ConformanceResult:
    """Designed versus observed stage order; see :meth:`EventLog.conformance`."""
    if journey_map is not None:
        log = bind(log, journey_map)
    log._require_bound("conformance")
    jm = log.journey_map
    assert jm is not None
    s = stage_index_sequence(log)
    back = (s.prev_idx.notnull() & (s.idx < s.prev_idx)).cast("int64")
    s = s.mutate(back=back)
    per_customer = s.group_by("customer_id").agg(max_idx=s.idx.max(), n_back=s.back.sum())
    per_stage = s.group_by(["customer_id", "idx"]).agg(visits=s.count(), entered_back=s.back.max())
    joined = per_stage.join(per_customer, "customer_id")
    stage_rows = log._execute(
        joined.group_by("idx").agg(
            customers=joined.count(),
            loops=(joined.visits > 1).cast("int64").sum(),
            backtracks=joined.entered_back.sum(),
            reached_and_later=(joined.max_idx > joined.idx).cast("int64").sum(),
        )
    )
    maxima = log._execute(
        per_customer.group_by("max_idx").agg(
            n=per_customer.count(), conforming=(per_customer.n_back == 0).cast("int64").sum()
        )
    )
    n_customers = int(maxima["n"].sum()) if len(maxima) else 0
    conforming = int(maxima["conforming"].sum()) if len(maxima) else 0
    rows = []
    by_idx = stage_rows.set_index("idx") if len(stage_rows) else pd.DataFrame()
    for i, st in enumerate(jm.stages):
        later = int(maxima.loc[maxima["max_idx"] > i, "n"].sum()) if len(maxima) else 0
        if len(by_idx) and i in by_idx.index:
            r = by_idx.loc[i]
            reached, loops, backs = int(r["customers"]), int(r["loops"]), int(r["backtracks"])
            reached_later = int(r["reached_and_later"])
        else:
            reached = loops = backs = reached_later = 0
        rows.append(
            {
                "stage": st.id,
                "customers": reached,
                "skipped": later - reached_later,
                "backtracks": backs,
                "loops": loops,
            }
        )
    binding = log.binding
    used = set(binding.loc[binding["touchpoint"].notna(), "touchpoint"])
    unused = tuple(tp.id for tp in jm.touchpoints if tp.id not in used)
    off = binding[binding["touchpoint"].isna()][["event", "n"]].reset_index(drop=True)
    total = int(binding["n"].sum())
    return ConformanceResult(
        table=pd.DataFrame(rows, columns=["stage", "customers", "skipped", "backtracks", "loops"]),
        conforming_share=conforming / n_customers if n_customers else float("nan"),
        n_customers=n_customers,
        unused_touchpoints=unused,
        off_map_events=off,
        off_map_share=int(off["n"].sum()) / total if total else 0.0,
    )
