"""The analyses behind the HTML report: measure → flows → landmark link → backlog → CLV.

Every number in the report comes from a public cjlib function called here; this module only
chains them and decides which inputs each section needs. A section whose inputs are missing
is skipped with a reason, never filled with a placeholder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from cjlib.errors import DataError, Problem, SchemaError

__all__ = ["ReportAnalyses", "run_analyses"]

#: Columns the landmark analysis needs from the customers table.
LANDMARK_COLUMNS = ("customer_id", "start_date", "tenure_days", "churned")
#: Exposure shares outside this range carry no contrast worth testing.
MIN_SHARE, MAX_SHARE = 0.01, 0.99


@dataclass
class ReportAnalyses:
    """Results of each report section; ``skipped`` maps a section to why it is absent."""

    measured: Any
    flows: Any
    funnel: Any
    objectives: Any = None
    landmark_table: pd.DataFrame | None = None
    signal_touchpoints: dict[str, str] = field(default_factory=dict)
    link: Any = None
    moments: Any = None
    backlog: Any = None
    clv_table: pd.DataFrame | None = None
    clv_summary: dict[str, float] = field(default_factory=dict)
    skipped_previous: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def run_analyses(
    journey_map: Any,
    log: Any,
    *,
    customers: pd.DataFrame | None,
    surveys: pd.DataFrame | None,
    transactions: pd.DataFrame | None,
    landmark_days: int,
    controls: Sequence[str],
    clv_weeks: int,
) -> ReportAnalyses:
    """Run every analysis the inputs allow."""
    import cjlib

    bound = log.bind(journey_map)
    customers = _with_contract_ids(customers, log.customer_col)
    surveys = _with_contract_ids(surveys, log.customer_col)
    measured = cjlib.measure(journey_map, log, surveys=surveys, customers=customers)
    stage_ids = [stage.id for stage in journey_map.stages]
    out = ReportAnalyses(
        measured=measured,
        flows=bound.step_flows(max_steps=len(stage_ids), level="stage"),
        funnel=bound.funnel(stage_ids, level="stage"),
    )
    out.skipped_previous = _skipped_previous(bound, stage_ids)
    if journey_map.objectives:
        out.objectives = measured.objectives()
    _linked_signals(out, journey_map, bound, customers, landmark_days, controls)
    _clv(out, transactions, clv_weeks)
    return out


def _with_contract_ids(frame: pd.DataFrame | None, log_col: str) -> pd.DataFrame | None:
    """A copy keyed ``customer_id`` when the table uses the log's own id column (``uid``)."""
    if frame is None or "customer_id" in frame.columns or log_col not in frame.columns:
        return frame
    return frame.rename(columns={log_col: "customer_id"})

def _skipped_previous(bound: Any, stage_ids: Sequence[str]) -> dict[str, int]:
    """Stage → customers with an event in it but none in the stage before it (map order)."""
    seen = bound.to_pandas()[["customer_id", "stage"]].dropna().drop_duplicates()
    by_stage = seen.groupby("stage")["customer_id"].agg(set)
    out = {}
    for previous, stage in pairwise(stage_ids):
        here = by_stage.get(stage, set())
        out[stage] = len(here - by_stage.get(previous, set()))
    return out


def _linked_signals(
    out: ReportAnalyses,
    journey_map: Any,
    bound: Any,
    customers: pd.DataFrame | None,
    landmark_days: int,
    controls: Sequence[str],
) -> None:
    from cjlib.action import moments_that_matter, prioritise
    from cjlib.stats import link

    if customers is None:
        out.skipped["signals"] = "no customers table was given (it holds the churn outcome)"
        return
    missing = [c for c in (*LANDMARK_COLUMNS, *controls) if c not in customers.columns]
    if missing:
        raise SchemaError(
            [
                Problem(
                    f"customers.{c}",
                    "column is missing; the linked-signals section needs "
                    "customer_id, start_date, tenure_days, churned and the controls",
                )
                for c in missing
            ],
            title="customers table lacks columns the report needs",
        )
    table = _landmark_table(journey_map, bound, customers, landmark_days, controls)
    out.signal_touchpoints = _usable_signals(table)
    if not out.signal_touchpoints:
        out.skipped["signals"] = (
            f"no touchpoint reached by between {MIN_SHARE:.0%} and {MAX_SHARE:.0%} of the "
            f"customers still active after {landmark_days} days"
        )
        return
    out.landmark_table = table
    if table["churned"].nunique() < 2:
        out.skipped["signals"] = "every customer in the landmark cohort has the same churn outcome"
        return
    out.link = link(
        table,
        outcome="churned",
        higher_is_worse=True,
        signals=list(out.signal_touchpoints),
        controls=list(controls),
    )
    out.moments = moments_that_matter(
        out.measured, out.link, signal_touchpoints=out.signal_touchpoints
    )
    out.backlog = prioritise(journey_map, out.moments)


def _landmark_table(
    journey_map: Any,
    bound: Any,
    customers: pd.DataFrame,
    landmark_days: int,
    controls: Sequence[str],
) -> pd.DataFrame:
    """One row per customer still active at the landmark; ``early_<tp>``: reached the
    touchpoint in the first ``landmark_days`` after the start; ``churned``: churn afterwards."""
    from cjlib.events import flag, landmark

    people = customers[list(dict.fromkeys((*LANDMARK_COLUMNS, *controls)))].copy()
    people["customer_id"] = people["customer_id"].astype(str)
    try:
        start = pd.to_datetime(people["start_date"])
        tenure = pd.to_numeric(people["tenure_days"])
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"customers: start_date must hold dates and tenure_days numbers ({exc})"
        ) from None
    people["churned"] = _churn_flags(people["churned"])
    people["start_date"], people["tenure_days"] = start, tenure
    design = landmark(bound, people, days=landmark_days)
    spec = [
        flag(tp.id, level="touchpoint", name=f"early_{tp.id}") for tp in journey_map.touchpoints
    ]
    cohort = design.signals(spec).drop(columns="days_after_landmark")
    unreached = [s.name for s in spec if not cohort[s.name].any()]
    return cohort.drop(columns=unreached)


def _churn_flags(values: pd.Series) -> pd.Series:
    """``churned`` as booleans; accepts bools, 0/1 and the strings true/false (any case)."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    text = values.map(lambda v: str(v).strip().lower() if pd.notna(v) else None)
    mapping = {"true": True, "false": False, "1": True, "0": False, "1.0": True, "0.0": False}
    bad = sorted({str(v) for v, t in zip(values, text, strict=True) if t not in mapping})
    if bad:
        raise DataError(
            f"customers.churned: expected true/false (or 1/0), got {bad[:5]}"
            + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        )
    return text.map(mapping).astype(bool)


def _usable_signals(table: pd.DataFrame) -> dict[str, str]:
    """Signal column → touchpoint id, for exposures that leave both groups populated."""
    shares = {c: float(table[c].mean()) for c in table.columns if c.startswith("early_")}
    return {c: c.removeprefix("early_") for c, s in shares.items() if MIN_SHARE < s < MAX_SHARE}


def _clv(out: ReportAnalyses, transactions: pd.DataFrame | None, weeks: int) -> None:
    from cjlib.stats import BetaGeoModel, GammaGammaModel, rfm_summary

    if transactions is None:
        out.skipped["clv"] = "no transactions table was given"
        return
    summary = rfm_summary(transactions, freq="W")
    repeaters = summary[summary["frequency"] > 0]
    if len(repeaters) < 20:
        out.skipped["clv"] = f"only {len(repeaters)} customers bought more than once (need 20)"
        return
    purchases = BetaGeoModel().fit(summary)
    spend = GammaGammaModel().fit(repeaters)
    clv = np.asarray(
        spend.clv(
            purchases,
            frequency=summary["frequency"],
            recency=summary["recency"],
            T=summary["T"],
            monetary_value=summary["monetary_value"],
            horizon=float(weeks),
        ),
        dtype=float,
    )
    expected = np.asarray(
        purchases.expected_purchases(
            float(weeks),
            frequency=summary["frequency"],
            recency=summary["recency"],
            T=summary["T"],
        ),
        dtype=float,
    )
    out.clv_table = summary.assign(expected_purchases=expected, clv=clv)
    ranked = np.sort(clv)[::-1]
    top = ranked[: max(1, len(ranked) // 10)]
    out.clv_summary = {
        "customers": float(len(clv)),
        "weeks": float(weeks),
        "mean_clv": float(clv.mean()),
        "median_clv": float(np.median(clv)),
        "total_clv": float(clv.sum()),
        "top_decile_share": float(top.sum() / ranked.sum()) if ranked.sum() > 0 else float("nan"),
        "mean_expected_purchases": float(expected.mean()),
    }
