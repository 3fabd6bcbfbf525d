"""``measure``: the designed map with what the data say about every stage and touchpoint.

Definitions (one customer = one row of the per-customer table the event log computes):

* **reach** — customers with at least one event bound to the stage / touchpoint; **share** —
  reach over all customers in the log (Wilson interval).
* **conversion to the next stage** — of those reached, the share with an event in the next
  stage of the map (map order) after their first event here.
* **drop-off** — of those reached, the share with no event in *any* later stage after their
  first event here: the journey stops moving forward at this point. The last stage has none.
  Customers observed only briefly (recent arrivals) count as dropped off; read drop-off near
  the end of the observation period with that in mind.
* **median time in stage** — from the customer's first event in the stage to the earliest
  first entry into a later stage that comes after it (customers who move forward only), in
  days.
* **CSAT / NPS / measured emotion** — from the surveys (see :mod:`cjlib.action._scores`).
"""

from __future__ import annotations

import fnmatch
import html
import warnings as _warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cjlib._proportions import wilson_interval
from cjlib._text import SummaryText
from cjlib.action._result import ActionResult, plain
from cjlib.action._scores import check_surveys, score_summary, to_emotion
from cjlib.errors import DataError, DataWarning
from cjlib.map._model import JourneyMap

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from cjlib.action._objectives import ObjectiveProgress
    from cjlib.events import EventLog

__all__ = ["MeasuredMap", "measure"]

ALL = "(all)"  # persona label of the rows over every customer
_DAY_NS = 86_400e9


class MeasuredMap(ActionResult):
    """The designed map with measured figures per stage, touchpoint and persona.

    Attributes
    ----------
    journey_map : JourneyMap
        The designed map.
    stages : pandas.DataFrame
        One row per stage in map order: ``stage``, ``name``, ``owner``, ``reach``, ``share``
        (+ ``share_ci_low/high``), ``conversion_next`` (+ CI), ``drop_off`` (+ CI),
        ``median_days_in_stage``, ``n_events``, and the survey columns ``csat`` / ``nps`` /
        ``measured_emotion`` with ``_n``, ``_ci_low``, ``_ci_high``.
    touchpoints : pandas.DataFrame
        One row per touchpoint in map order: ``touchpoint``, ``stage``, ``name``, ``owner``,
        ``channel``, the same measures, and ``designed_emotion`` (mean over personas).
    emotion : pandas.DataFrame
        Designed versus measured emotion per touchpoint and persona (``persona`` ``"(all)"``
        for every respondent): ``designed``, ``measured``, ``ci_low``, ``ci_high``, ``n``,
        ``gap`` (measured − designed) and ``disagrees`` (the interval lies more than
        ``margin`` away from the designed score).
    table : pandas.DataFrame
        Same as ``touchpoints``.
    """

    def __init__(
        self,
        *,
        journey_map: JourneyMap,
        stages: pd.DataFrame,
        touchpoints: pd.DataFrame,
        emotion: pd.DataFrame,
        customers: pd.DataFrame | None,
        surveys: pd.DataFrame | None,
        period: tuple[pd.Timestamp, pd.Timestamp],
        info: Mapping[str, Any],
        warnings: Sequence[str],
    ) -> None:
        super().__init__(
            touchpoints,
            title=f"Measured map {journey_map.name!r}: {info['customers']:,} customers",
            info=info,
            warnings=warnings,
        )
        self.journey_map = journey_map
        self._stages = stages
        self._emotion = emotion
        self._customers = customers
        self._surveys = surveys
        self.period = period

    @property
    def stages(self) -> pd.DataFrame:
        """Measures per stage (a copy)."""
        return self._stages.copy()

    @property
    def touchpoints(self) -> pd.DataFrame:
        """Measures per touchpoint (a copy)."""
        return self._table.copy()

    @property
    def emotion(self) -> pd.DataFrame:
        """Designed versus measured emotion per touchpoint and persona (a copy)."""
        return self._emotion.copy()

    @property
    def customers(self) -> pd.DataFrame | None:
        """The customers table given to :func:`measure` (a copy), or None."""
        return None if self._customers is None else self._customers.copy()

    @property
    def surveys(self) -> pd.DataFrame | None:
        """The surveys used, with ``touchpoint``, ``persona`` and ``emotion`` (a copy)."""
        return None if self._surveys is None else self._surveys.copy()

    def disagreements(self) -> pd.DataFrame:
        """Rows of :attr:`emotion` where designed and measured emotion disagree."""
        e = self._emotion
        return e[e["disagrees"]].reset_index(drop=True)

    def objectives(
        self,
        values: Mapping[str, float] | None = None,
        *,
        as_of: Any = None,
        since: Any = None,
    ) -> ObjectiveProgress:
        """Progress of the map's objectives; see :func:`cjlib.action.objective_progress`."""
        from cjlib.action._objectives import objective_progress

        return objective_progress(
            self.journey_map, values, measured=self, as_of=as_of, since=since
        )

    def plot(self, personas: Sequence[str] | str | None = None, **kwargs: Any) -> go.Figure:
        """Designed and measured emotion curves (see :func:`cjlib.plot.emotion_curve`)."""
        from cjlib.plot._emotion import emotion_curve

        return emotion_curve(self.journey_map, personas, measured=self, **kwargs)

    def render(self, **kwargs: Any) -> str:
        """The map canvas with the measured figures (see :func:`cjlib.plot.render_map`)."""
        from cjlib.plot._canvas import render_map

        return render_map(self.journey_map, measured=self, **kwargs)

    def summary(self) -> str:
        """Plain-text report: facts, the stage table, the touchpoint table, disagreements."""
        cols = ["stage", "reach", "share", "conversion_next", "drop_off",
                "median_days_in_stage", "csat", "nps", "measured_emotion"]
        tcols = ["touchpoint", "stage", "reach", "share", "drop_off", "csat", "nps",
                 "measured_emotion", "designed_emotion"]
        lines = [self._title, "=" * len(self._title)]
        lines += [f"{k}: {v:.4g}" if isinstance(v, float) else f"{k}: {v}"
                  for k, v in self._info.items()]
        fmt = {"float_format": lambda v: f"{v:.3g}", "index": False}
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            lines += ["", "Stages", self._stages[cols].to_string(**fmt)]
            lines += ["", "Touchpoints", self._table[tcols].to_string(**fmt)]
            dis = self.disagreements()
            if len(dis):
                lines += ["", "Designed and measured emotion disagree at",
                          dis[["touchpoint", "persona", "designed", "measured", "ci_low",
                               "ci_high", "n"]].to_string(**fmt)]
        if self._warnings:
            lines += ["", "Warnings:", *(f"  - {w}" for w in self._warnings)]
        return SummaryText("\n".join(lines))

    def to_dict(self) -> dict[str, Any]:
        """Plain Python data: info, stages, touchpoints, emotion and warnings."""
        return {
            "title": self._title,
            "info": plain(self._info),
            "stages": plain(self._stages),
            "touchpoints": plain(self._table),
            "emotion": plain(self._emotion),
            "warnings": list(self._warnings),
        }

    def _repr_html_(self) -> str:
        def table(df: pd.DataFrame) -> str:
            return df.to_html(index=False, float_format=lambda v: f"{v:.3g}", border=0)

        facts = "".join(
            f"<li><b>{html.escape(str(k))}</b>: {html.escape(str(v))}</li>"
            for k, v in self._info.items()
        )
        warn = "".join(f"<li>{html.escape(w)}</li>" for w in self._warnings)
        return (
            f"<div class='cjlib-result'><h4>{html.escape(self._title)}</h4><ul>{facts}</ul>"
            f"<h5>Stages</h5>{table(self._stages)}<h5>Touchpoints</h5>{table(self._table)}"
            + (f"<h5>Emotion disagreements</h5>{table(self.disagreements())}"
               if self._emotion["disagrees"].any() else "")
            + (f"<p style='color:#c62828'><b>Warnings</b></p><ul>{warn}</ul>" if warn else "")
            + "</div>"
        )


# ---------------------------------------------------------------------------------- checks
def _check_inputs(journey_map: Any, log: Any, confidence: Any, margin: Any) -> None:
    from cjlib.events import EventLog

    if not isinstance(journey_map, JourneyMap):
        raise DataError(f"journey_map must be a cjlib JourneyMap; got {type(journey_map).__name__}")
    if not isinstance(log, EventLog):
        raise DataError(
            f"log must be a cjlib EventLog (e.g. EventLog.from_pandas(events)); "
            f"got {type(log).__name__}"
        )
    if not isinstance(confidence, float | int) or isinstance(confidence, bool) or not (
        0 < confidence < 1
    ):
        raise DataError(f"confidence must be a number between 0 and 1; got {confidence!r}")
    if not isinstance(margin, float | int) or isinstance(margin, bool) or margin < 0:
        raise DataError(f"margin must be a non-negative number of emotion points; got {margin!r}")


def _personas_of(
    journey_map: JourneyMap,
    customers: pd.DataFrame | None,
    segment_col: str,
    persona_col: str,
    warnings: list[str],
) -> pd.Series:
    """customer_id → persona id, from the segment (via ``Persona.segment``) or persona column."""
    empty = pd.Series(dtype="object")
    if customers is None:
        return empty
    if not isinstance(customers, pd.DataFrame) or "customer_id" not in customers.columns:
        raise DataError("customers must be a DataFrame with a 'customer_id' column")
    ids = customers["customer_id"].astype(str)
    by_segment: dict[str, list[str]] = {}
    for p in journey_map.personas:
        if p.segment:
            by_segment.setdefault(p.segment, []).append(p.id)
    known = {p.id for p in journey_map.personas}
    if segment_col in customers.columns and by_segment:
        ambiguous = sorted(s for s, ps in by_segment.items() if len(ps) > 1)
        if ambiguous and persona_col not in customers.columns:
            raise DataError(
                f"segments {ambiguous} belong to several personas of the map; give customers a "
                f"{persona_col!r} column (persona ids) to tell them apart"
            )
        unique = {s: ps[0] for s, ps in by_segment.items() if len(ps) == 1}
        persona = customers[segment_col].map(unique)
        if persona_col in customers.columns:
            own = customers[persona_col].where(customers[persona_col].isin(known))
            persona = persona.fillna(own)
        unmatched = customers.loc[persona.isna() & customers[segment_col].notna(), segment_col]
        if len(unmatched):
            _warn(
                warnings,
                f"{len(unmatched)} customers have a {segment_col!r} no persona of the map "
                f"declares (e.g. {sorted(unmatched.astype(str).unique())[:3]}; declared "
                f"{sorted(by_segment)}); they count in the '(all)' figures only",
            )
    elif persona_col in customers.columns:
        persona = customers[persona_col].where(customers[persona_col].isin(known))
        unknown = customers.loc[persona.isna() & customers[persona_col].notna(), persona_col]
        if len(unknown):
            _warn(
                warnings,
                f"{len(unknown)} customers have a {persona_col!r} that is not a persona id of "
                f"the map (e.g. {sorted(unknown.astype(str).unique())[:3]}; known "
                f"{sorted(known)}); they count in the '(all)' figures only",
            )
    else:
        raise DataError(
            f"customers needs a {segment_col!r} column (mapped to personas through each "
            f"persona's segment) or a {persona_col!r} column (persona ids); it has "
            f"{list(customers.columns)}"
        )
    return pd.Series(persona.to_numpy(), index=ids.to_numpy()).dropna()


def _warn(notes: list[str], message: str) -> None:
    """Keep ``message`` for the result's warnings and raise it as a Python warning."""
    notes.append(message)
    _warnings.warn(f"measure: {message}", DataWarning, stacklevel=4)


def _survey_touchpoints(
    journey_map: JourneyMap, surveys: pd.DataFrame, warnings: list[str]
) -> pd.Series:
    """The touchpoint id of each response: its ``touchpoint`` if the map knows it, otherwise
    the touchpoint its ``event`` binds to (first matching touchpoint in map order)."""
    known = {tp.id for tp in journey_map.touchpoints}
    tp = pd.Series(np.nan, index=surveys.index, dtype="object")
    if "touchpoint" in surveys.columns:
        given = surveys["touchpoint"].astype("object")
        tp = given.where(given.isin(known))
    if "event" in surveys.columns:
        events = surveys.loc[tp.isna() & surveys["event"].notna(), "event"].astype(str)
        lookup: dict[str, str | None] = {}
        for name in events.unique():
            lookup[name] = next(
                (t.id for _, t in journey_map.iter_touchpoints()
                 if any(fnmatch.fnmatchcase(name, pat) for pat in t.events)),
                None,
            )
        tp.loc[events.index] = events.map(lookup)
    lost = int(tp.isna().sum())
    if lost:
        warnings.append(
            f"{lost} survey responses name no touchpoint of the map (neither by 'touchpoint' "
            "nor by 'event'); they are left out"
        )
    return tp


def _id_column(frame: Any, given: str | None, log_col: str, what: str) -> str:
    """The customer id column of a customers/surveys table (see ``measure(customer_col=)``)."""
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{what} must be a pandas DataFrame; got {type(frame).__name__}")
    if given is not None:
        if not isinstance(given, str) or given not in frame.columns:
            raise DataError(
                f"customer_col={given!r} is not a column of {what}; its columns: "
                f"{list(map(str, frame.columns))}"
            )
        return given
    if log_col in frame.columns:
        return log_col
    if "customer_id" in frame.columns:
        return "customer_id"
    raise DataError(
        f"{what} has no customer id column: the log's is {log_col!r}, and there is no "
        f"'customer_id'; pass customer_col=... (columns: {list(map(str, frame.columns))})"
    )


def _internal_ids(
    frame: pd.DataFrame | None, given: str | None, log_col: str, what: str
) -> pd.DataFrame | None:
    """A copy of ``frame`` whose id column is ``customer_id`` as text, as the log holds it."""
    if frame is None:
        return None
    col = _id_column(frame, given, log_col, what)
    out = frame.drop(columns=["customer_id"]) if col != "customer_id" and (
        "customer_id" in frame.columns) else frame.copy()
    ids = frame[col]
    out["customer_id"] = ids.astype(object).where(ids.isna(), ids.astype(str)).to_numpy()
    if col != "customer_id":
        out = out.drop(columns=[col])
    return out


# ------------------------------------------------------------------------------- measuring
def _per_customer(bound: EventLog, journey_map: JourneyMap) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per customer: first time at each touchpoint, first/last time in each stage."""
    from cjlib.events import first_time, last_time

    binding = bound.binding
    on_map = binding[binding["touchpoint"].notna()]
    tp_events = on_map.groupby("touchpoint")["event"].apply(list).to_dict()
    st_events = on_map.groupby("stage")["event"].apply(list).to_dict()
    spec: dict[str, Any] = {"_first": first_time("*"), "_last": last_time("*")}
    for i, tp in enumerate(journey_map.touchpoints):
        if tp.id in tp_events:
            spec[f"t{i}"] = first_time(tp_events[tp.id])
    for j, st in enumerate(journey_map.stages):
        if st.id in st_events:
            spec[f"f{j}"] = first_time(st_events[st.id])
            spec[f"l{j}"] = last_time(st_events[st.id])
    per = bound.signals(spec).table
    counts = {
        "touchpoint": on_map.groupby("touchpoint")["n"].sum().to_dict(),
        "stage": on_map.groupby("stage")["n"].sum().to_dict(),
        "off_map_events": int(binding.loc[binding["touchpoint"].isna(), "n"].sum()),
        "events": int(binding["n"].sum()),
    }
    return per, counts


def _ns(per: pd.DataFrame, col: str) -> np.ndarray:
    """Times of a column as float nanoseconds (NaN when missing or absent)."""
    if col not in per.columns:
        return np.full(len(per), np.nan)
    values = per[col]
    out = values.astype("int64").astype("float64").to_numpy()
    out[values.isna().to_numpy()] = np.nan
    return out


def _wilson(k: int, n: int, confidence: float) -> tuple[float, float]:
    low, high = wilson_interval(k, n, confidence)
    return float(low), float(high)


def _flow_measures(
    start: np.ndarray, stage_index: int, first: list[np.ndarray], last: list[np.ndarray],
    n_total: int, confidence: float,
) -> dict[str, float]:
    """Reach, share, conversion to the next stage and drop-off from entry times ``start``."""
    reached = ~np.isnan(start)
    reach = int(reached.sum())
    n_stages = len(first)
    out: dict[str, float] = {"reach": reach}
    out["share"] = reach / n_total if n_total else np.nan
    out["share_ci_low"], out["share_ci_high"] = _wilson(reach, n_total, confidence)
    if stage_index + 1 < n_stages and reach:
        with np.errstate(invalid="ignore"):
            nxt = reached & (last[stage_index + 1] > start)
            later = np.zeros(len(start), dtype=bool)
            for j in range(stage_index + 1, n_stages):
                later |= reached & (last[j] > start)
        k_next, k_drop = int(nxt.sum()), int((reached & ~later).sum())
        out["conversion_next"] = k_next / reach
        out["conversion_next_ci_low"], out["conversion_next_ci_high"] = _wilson(
            k_next, reach, confidence
        )
        out["drop_off"] = k_drop / reach
        out["drop_off_ci_low"], out["drop_off_ci_high"] = _wilson(k_drop, reach, confidence)
    else:
        for key in ("conversion_next", "drop_off"):
            out[key] = out[f"{key}_ci_low"] = out[f"{key}_ci_high"] = np.nan
    return out


def _median_days_in_stage(j: int, first: list[np.ndarray]) -> float:
    """Median days from first entering stage ``j`` to first entering any later stage."""
    if j + 1 >= len(first):
        return np.nan
    start = first[j]
    later = np.vstack(first[j + 1:])
    with np.errstate(invalid="ignore"):
        ahead = np.where(later > start, later, np.inf)  # later-stage entries after this one
    entry = ahead.min(axis=0)
    moved = np.isfinite(entry) & ~np.isnan(start)
    if not moved.any():
        return np.nan
    return float(np.median((entry[moved] - start[moved]) / _DAY_NS))


def _survey_measures(
    responses: pd.DataFrame | None, key: str, value: str, confidence: float
) -> dict[str, float]:
    empty = responses is None or not len(responses)
    group = None if empty else responses[responses[key] == value]
    if group is None or not len(group):
        group = pd.DataFrame({"kind": [], "score": [], "emotion": []})
    return score_summary(group, confidence)


def _designed_mean(journey_map: JourneyMap, tp: Any) -> float:
    scores = [tp.emotion[p.id] for p in journey_map.personas if p.id in tp.emotion]
    return float(np.mean(scores)) if scores else np.nan


def measure(
    journey_map: JourneyMap,
    log: EventLog,
    *,
    surveys: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    customer_col: str | None = None,
    segment_col: str = "segment",
    persona_col: str = "persona",
    confidence: float = 0.95,
    margin: float = 0.5,
) -> MeasuredMap:
    """Measure every stage and touchpoint of ``journey_map`` on the event log and surveys.

    Parameters
    ----------
    journey_map : JourneyMap
        The designed map; its touchpoints' ``events`` bind the log to it.
    log : EventLog
        The observed events (bound to the map here if it is not already).
    surveys : DataFrame, optional
        The surveys contract: ``customer_id``, ``touchpoint`` (or ``event``), ``kind``
        (``"csat"``/``"nps"``), ``score`` (CSAT 1–5, NPS 0–10). Adds CSAT (mean, Student-t
        interval), NPS (−100…100, multinomial Wald interval) and the measured emotion.
    customers : DataFrame, optional
        ``customer_id`` and ``segment_col`` (mapped to personas through each persona's
        ``segment``) or ``persona_col`` (persona ids): gives measured emotion per persona.
        Kept for :meth:`MeasuredMap.objectives` (churn KPIs) and
        :func:`cjlib.action.moments_that_matter` (value per customer).
    customer_col : str, optional
        The customer id column of ``customers`` and ``surveys``. Default: the log's
        (``log.customer_col``, e.g. ``"uid"``) where the table has it, else ``"customer_id"``.
        Ids match the log's whatever their dtype (``1`` and ``"1"`` are the same customer).
    segment_col, persona_col : str
        Column names in ``customers``.
    confidence : float, default 0.95
        Level of every interval.
    margin : float, default 0.5
        Designed and measured emotion *disagree* at a touchpoint when the measured interval
        lies entirely more than ``margin`` points away from the designed score.

    Returns
    -------
    MeasuredMap
        ``.stages``, ``.touchpoints`` (= ``.table``), ``.emotion``, ``.summary()``,
        ``.plot()`` (designed vs measured emotion), ``.render()`` (canvas), ``.objectives()``.

    Notes
    -----
    The measured emotion maps survey scores linearly onto the map's −2…+2 scale: CSAT
    1…5 → ``score − 3``; NPS 0…10 → ``(score − 5) / 2.5``. Drop-off, conversion and time in
    stage follow the map's stage order; see the module notes for their exact definitions.

    Examples
    --------
    >>> import cjlib
    >>> from cjlib.datasets import load_map, simulate
    >>> jm = load_map("telco")
    >>> data = simulate(jm, 300, seed=1)
    >>> log = cjlib.EventLog.from_pandas(data.events)
    >>> mm = cjlib.measure(jm, log, surveys=data.surveys, customers=data.customers)
    >>> mm.stages.loc[0, "stage"], int(mm.stages.loc[0, "reach"]) > 0
    ('awareness', True)
    """
    _check_inputs(journey_map, log, confidence, margin)
    confidence = float(confidence)
    warnings: list[str] = []
    bound = log if log.journey_map == journey_map else log.bind(journey_map)
    per, counts = _per_customer(bound, journey_map)
    n_total = len(per)
    if n_total == 0:
        raise DataError("log has no events: nothing to measure")
    if counts["off_map_events"]:
        warnings.append(
            f"{counts['off_map_events']:,} of {counts['events']:,} events match no touchpoint "
            "of the map (off-map) and are not measured"
        )

    persona = _personas_of(
        journey_map,
        _internal_ids(customers, customer_col, log.customer_col, "customers"),
        segment_col,
        persona_col,
        warnings,
    )
    responses = None
    survey_col = "customer_id"
    if surveys is not None:
        survey_col = _id_column(surveys, customer_col, log.customer_col, "surveys")
        responses = check_surveys(_internal_ids(surveys, customer_col, log.customer_col, "surveys"))
        responses["touchpoint"] = _survey_touchpoints(journey_map, responses, warnings)
        responses = responses[responses["touchpoint"].notna()].copy()
        stage_of = {tp.id: st.id for st, tp in journey_map.iter_touchpoints()}
        responses["stage"] = responses["touchpoint"].map(stage_of)
        responses["persona"] = responses["customer_id"].map(persona)
        responses["emotion"] = to_emotion(responses["kind"], responses["score"])

    first = [_ns(per, f"f{j}") for j in range(len(journey_map.stages))]
    last = [_ns(per, f"l{j}") for j in range(len(journey_map.stages))]
    stage_rows = []
    for j, st in enumerate(journey_map.stages):
        row: dict[str, Any] = {"stage": st.id, "name": st.name, "owner": st.owner}
        row.update(_flow_measures(first[j], j, first, last, n_total, confidence))
        row["median_days_in_stage"] = _median_days_in_stage(j, first)
        row["n_events"] = int(counts["stage"].get(st.id, 0))
        row.update(_survey_measures(responses, "stage", st.id, confidence))
        stage_rows.append(row)
    stages = pd.DataFrame(stage_rows)

    index_of = {st.id: j for j, st in enumerate(journey_map.stages)}
    tp_rows = []
    for i, (st, tp) in enumerate(journey_map.iter_touchpoints()):
        row = {
            "touchpoint": tp.id,
            "stage": st.id,
            "name": tp.name,
            "owner": tp.owner or st.owner,
            "channel": tp.channel,
        }
        row.update(
            _flow_measures(_ns(per, f"t{i}"), index_of[st.id], first, last, n_total, confidence)
        )
        row["n_events"] = int(counts["touchpoint"].get(tp.id, 0))
        row.update(_survey_measures(responses, "touchpoint", tp.id, confidence))
        row["designed_emotion"] = _designed_mean(journey_map, tp)
        tp_rows.append(row)
    touchpoints = pd.DataFrame(tp_rows)
    for frame in (stages, touchpoints):
        for col in ("reach", "n_events", "csat_n", "nps_n", "emotion_n"):
            frame[col] = frame[col].astype("int64")

    emotion = _emotion_table(journey_map, responses, confidence, margin)
    unused = touchpoints.loc[touchpoints["reach"].eq(0), "touchpoint"].tolist()
    if unused:
        warnings.append(f"no customer reached touchpoints {unused} (check their event names)")
    start, end = pd.Timestamp(per["_first"].min()), pd.Timestamp(per["_last"].max())
    info = {
        "customers": n_total,
        "events": counts["events"],
        "off_map_share": counts["off_map_events"] / counts["events"] if counts["events"] else 0.0,
        "survey_responses": 0 if responses is None else len(responses),
        "period": f"{start.date()} .. {end.date()}",
        "confidence": confidence,
        "emotion_mapping": "CSAT 1..5 -> score - 3; NPS 0..10 -> (score - 5) / 2.5",
    }
    return MeasuredMap(
        journey_map=journey_map,
        stages=stages,
        touchpoints=touchpoints,
        emotion=emotion,
        customers=None if customers is None else customers.copy(),
        surveys=None
        if responses is None
        else responses.rename(columns={"customer_id": survey_col}),
        period=(start, end),
        info=info,
        warnings=warnings,
    )


def _emotion_table(
    journey_map: JourneyMap,
    responses: pd.DataFrame | None,
    confidence: float,
    margin: float,
) -> pd.DataFrame:
    from cjlib.action._scores import mean_ci

    groups: dict[tuple[str, str], np.ndarray] = {}
    if responses is not None and len(responses):
        for (tp, p), g in responses.dropna(subset=["persona"]).groupby(["touchpoint", "persona"]):
            groups[(str(tp), str(p))] = g["emotion"].to_numpy()
        for tp, g in responses.groupby("touchpoint"):
            groups[(str(tp), ALL)] = g["emotion"].to_numpy()
    rows = []
    personas = [p.id for p in journey_map.personas] + [ALL]
    for st, tp in journey_map.iter_touchpoints():
        for pid in personas:
            designed = (
                _designed_mean(journey_map, tp) if pid == ALL else tp.emotion.get(pid, np.nan)
            )
            values = groups.get((tp.id, pid), np.array([]))
            mean, lo, hi = mean_ci(values, confidence)
            rows.append(
                {
                    "touchpoint": tp.id,
                    "stage": st.id,
                    "persona": pid,
                    "designed": float(designed) if designed is not None else np.nan,
                    "measured": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": len(values),
                }
            )
    table = pd.DataFrame(rows)
    table["gap"] = table["measured"] - table["designed"]
    below = table["ci_high"] < table["designed"] - margin
    above = table["ci_low"] > table["designed"] + margin
    table["disagrees"] = (below | above).fillna(False).astype(bool)
    table["direction"] = np.select([below, above], ["worse than designed",
                                                     "better than designed"], "")
    return table
