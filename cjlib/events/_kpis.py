"""Journey KPIs, overall and per segment, with survey scores (``EventLog.journey_kpis``)."""

from __future__ import annotations

from collections.abc import Iterable
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cjlib._proportions import wilson_interval
from cjlib.errors import Problem, SchemaError
from cjlib.events._common import check_confidence, parse_duration
from cjlib.events._journeys import journey_table, journeys_frame
from cjlib.events._results import JourneyKPIResult
from cjlib.events._validate import suggest

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["csat_interval", "journey_kpis", "nps_interval"]

ALL = "(all)"


def csat_interval(scores: pd.Series, confidence: float) -> tuple[float, float, float]:
    """Mean CSAT and its Student-t interval (NaN when fewer than two scores)."""
    x = pd.to_numeric(scores, errors="coerce").dropna().to_numpy(dtype=float)
    if len(x) == 0:
        return np.nan, np.nan, np.nan
    mean = float(x.mean())
    if len(x) < 2:
        return mean, np.nan, np.nan
    from scipy import stats

    half = stats.t.ppf(0.5 + confidence / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return mean, mean - half, mean + half


def nps_interval(scores: pd.Series, confidence: float) -> tuple[float, float, float]:
    """NPS (% promoters 9–10 minus % detractors 0–6) with a normal-approximation interval.

    The variance of the difference of two multinomial shares is
    ``(p + d - (p - d)**2) / n`` (e.g. Rocks, "Confidence intervals for Net Promoter Score",
    MeasuringU 2016); the interval is clipped to [-100, 100].
    """
    x = pd.to_numeric(scores, errors="coerce").dropna().to_numpy(dtype=float)
    n = len(x)
    if n == 0:
        return np.nan, np.nan, np.nan
    p = float(np.mean(x >= 9))
    d = float(np.mean(x <= 6))
    nps = 100 * (p - d)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    se = 100 * np.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    return nps, max(nps - z * se, -100.0), min(nps + z * se, 100.0)


def _check_frame(df: Any, name: str, required: list[str]) -> list[Problem]:
    if not isinstance(df, pd.DataFrame):
        return [Problem(name, f"must be a pandas DataFrame; got {type(df).__name__}")]
    cols = [str(c) for c in df.columns]
    return [
        Problem(name, f"column {c!r} not found;{suggest(c, cols)} available: {cols}", c)
        for c in required
        if c not in cols
    ]


def _keyed(frame: Any, given: str | None, log_col: str, what: str) -> Any:
    """``frame`` with its id column (``given``, else the log's where present) as ``customer_id``."""
    if not isinstance(frame, pd.DataFrame):
        return frame  # None, or refused by _check_frame
    if given is not None and given not in frame.columns:
        raise SchemaError(
            [Problem(f"{what}.{given}", "customer_col is not a column", list(frame.columns))],
            title="journey_kpis inputs do not follow the contract",
        )
    col = given if given is not None else log_col
    if col == "customer_id" or col not in frame.columns:
        return frame
    return frame.drop(columns="customer_id", errors="ignore").rename(columns={col: "customer_id"})


def journey_kpis(
    log: EventLog,
    *,
    start: str | Iterable[str],
    success: str | Iterable[str],
    failure: str | Iterable[str] | None = None,
    timeout: Any = None,
    customers: pd.DataFrame | None = None,
    segment_col: str = "segment",
    surveys: pd.DataFrame | None = None,
    survey_window: Any = "7D",
    confidence: float = 0.95,
    customer_col: str | None = None,
) -> JourneyKPIResult:
    """KPIs of journey instances; see :meth:`EventLog.journey_kpis`."""
    confidence = check_confidence(confidence)
    customers = _keyed(customers, customer_col, log.customer_col, "customers")
    surveys = _keyed(surveys, customer_col, log.customer_col, "surveys")
    window = parse_duration(survey_window, "survey_window", allow_none=False)
    problems: list[Problem] = []
    if customers is not None:
        problems += _check_frame(customers, "customers", ["customer_id", segment_col])
    if surveys is not None:
        problems += _check_frame(surveys, "surveys", ["customer_id", "timestamp", "kind", "score"])
        if not problems:
            kinds = set(surveys["kind"].dropna().unique()) - {"csat", "nps"}
            if kinds:
                problems.append(
                    Problem("surveys.kind", "must be 'csat' or 'nps'", sorted(map(str, kinds)))
                )
    if problems:
        raise SchemaError(problems, title="journey_kpis inputs do not follow the contract")
    table, params = journey_table(
        log, start=start, success=success, failure=failure, timeout=timeout
    )
    jt = journeys_frame(log._execute(table), params["limit_us"])
    jt = jt.assign(segment=ALL)
    frames = [jt]
    if customers is not None:
        seg = customers[["customer_id", segment_col]].copy()
        seg["customer_id"] = seg["customer_id"].astype(str)
        seg = seg.drop_duplicates("customer_id")
        by_seg = jt.drop(columns="segment").merge(seg, on="customer_id", how="left")
        by_seg["segment"] = by_seg[segment_col].astype(object).where(
            by_seg[segment_col].notna(), "(unknown)"
        ).astype(str)
        frames.append(by_seg[jt.columns])
    journeys_all = pd.concat(frames, ignore_index=True)
    rows = []
    scored = _survey_matches(jt, surveys, window) if surveys is not None else None
    for segment, g in journeys_all.groupby("segment", sort=False):
        started = len(g)
        completed = int((g["outcome"] == "success").sum())
        lo, hi = wilson_interval([completed], [started], confidence)
        done = g.loc[g["outcome"] == "success", "duration"]
        failed = g.loc[g["outcome"].isin(["failure", "abandoned"]), "last_event"]
        row: dict[str, Any] = {
            "segment": segment,
            "started": started,
            "completed": completed,
            "completion_rate": completed / started if started else np.nan,
            "ci_low": float(lo[0]),
            "ci_high": float(hi[0]),
            "median_time_to_complete": done.median() if len(done) else pd.NaT,
            "p90_time_to_complete": done.quantile(0.9) if len(done) else pd.NaT,
            "top_drop_off": failed.value_counts().index[0] if len(failed) else None,
        }
        if scored is not None:
            ids = set(g["customer_id"])
            s = scored[scored["customer_id"].isin(ids)]
            csat = s.loc[s["kind"] == "csat", "score"]
            nps = s.loc[s["kind"] == "nps", "score"]
            row["csat"], row["csat_ci_low"], row["csat_ci_high"] = csat_interval(csat, confidence)
            row["n_csat"] = int(csat.notna().sum())
            row["nps"], row["nps_ci_low"], row["nps_ci_high"] = nps_interval(nps, confidence)
            row["n_nps"] = int(nps.notna().sum())
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("median_time_to_complete", "p90_time_to_complete"):
        out[col] = pd.to_timedelta(out[col])
    return JourneyKPIResult(table=out, confidence=confidence)


def _survey_matches(
    jt: pd.DataFrame, surveys: pd.DataFrame, window: pd.Timedelta | None
) -> pd.DataFrame:
    """Survey responses given from a journey's start to ``window`` after its end."""
    s = surveys[["customer_id", "timestamp", "kind", "score"]].copy()
    s["customer_id"] = s["customer_id"].astype(str)
    s["timestamp"] = pd.to_datetime(s["timestamp"])
    if isinstance(s["timestamp"].dtype, pd.DatetimeTZDtype):
        s["timestamp"] = s["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None)
    s["_row"] = np.arange(len(s))
    m = s.merge(jt[["customer_id", "start", "end"]], on="customer_id")
    inside = (m["timestamp"] >= m["start"]) & (m["timestamp"] <= m["end"] + window)
    return m[inside].drop_duplicates("_row")[["customer_id", "kind", "score"]]
