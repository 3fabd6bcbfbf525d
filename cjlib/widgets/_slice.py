"""Headless filtering behind the JourneyExplorer: one slice of the events, customers and surveys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from cjlib.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events import EventLog

__all__ = ["JourneySlice", "slice_journey_data"]


@dataclass(frozen=True)
class JourneySlice:
    """Events, customers and surveys restricted to the same filter.

    Attributes
    ----------
    log : EventLog
        The filtered event log (bound to the same map as the input log, if it was).
    customers : DataFrame or None
        The customers kept (those matching the persona/segment filter), or None.
    surveys : DataFrame or None
        Survey responses of the kept customers in the date range, or None.
    description : str
        The filter in words, e.g. ``"persona family, channel app, web"`` (``"everyone"``).
    """

    log: EventLog
    customers: pd.DataFrame | None
    surveys: pd.DataFrame | None
    description: str


def _names(value: str | Iterable[str] | None, param: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    try:
        names = [str(v) for v in value]
    except TypeError as exc:
        raise DataError(f"{param} must be a string or a list of strings; got {value!r}") from exc
    return names or None


def _timestamp(value: Any, param: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise DataError(f"{param} must be a date or timestamp; got {value!r}") from exc
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


def _pick_customers(
    customers: pd.DataFrame | None,
    personas: list[str] | None,
    segments: list[str] | None,
) -> pd.DataFrame | None:
    if customers is None:
        if personas or segments:
            raise DataError(
                "filtering by persona or segment needs the customers table (customers=...)"
            )
        return None
    if not isinstance(customers, pd.DataFrame):
        raise DataError(f"customers must be a DataFrame; got {type(customers).__name__}")
    if "customer_id" not in customers.columns:
        raise DataError("customers: column 'customer_id' not found")
    keep = pd.Series(True, index=customers.index)
    for col, wanted in (("persona", personas), ("segment", segments)):
        if wanted is None:
            continue
        if col not in customers.columns:
            raise DataError(f"customers: column {col!r} not found (needed to filter by {col})")
        known = set(customers[col].dropna().astype(str))
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise DataError(
                f"{col}s {unknown} not found in customers[{col!r}]; allowed: {sorted(known)}"
            )
        keep &= customers[col].astype(str).isin(wanted)
    return customers.loc[keep].copy()


def slice_journey_data(
    log: EventLog,
    *,
    customers: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    personas: str | Iterable[str] | None = None,
    segments: str | Iterable[str] | None = None,
    channels: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
) -> JourneySlice:
    """Restrict the events, customers and surveys to the same personas, channels and dates.

    Persona and segment filters pick customers from ``customers`` (columns ``persona`` and
    ``segment``) and keep their events and survey answers. ``channels`` keeps the events on
    those channels (survey answers are kept whatever the channel: a survey is about a
    touchpoint, not an event's channel). ``start``/``end`` keep events and answers in
    ``[start, end)``. Every filter left at None keeps everything. Inputs are never changed.

    Parameters
    ----------
    log : EventLog
        The events.
    customers, surveys : DataFrame, optional
        The customers and surveys contracts.
    personas, segments : str or list of str, optional
        Values of ``customers["persona"]`` / ``customers["segment"]`` to keep.
    channels : str or list of str, optional
        Event channels to keep.
    start, end : date-like, optional
        Time range ``[start, end)``.

    Returns
    -------
    JourneySlice

    Raises
    ------
    cjlib.DataError
        A persona, segment or channel that the data do not have, a persona/segment filter
        without ``customers``, or ``start`` not before ``end``.

    Examples
    --------
    >>> import cjlib
    >>> from cjlib.datasets import load_map, simulate
    >>> data = simulate(load_map("telco"), 200, seed=1)
    >>> log = cjlib.EventLog.from_pandas(data.events)
    >>> part = slice_journey_data(log, customers=data.customers, personas="family")
    >>> set(part.customers["persona"])
    {'family'}
    >>> part.description
    'persona family'
    """
    from cjlib.events import EventLog

    if not isinstance(log, EventLog):
        raise DataError(f"log must be a cjlib.EventLog; got {type(log).__name__}")
    persona_names = _names(personas, "personas")
    segment_names = _names(segments, "segments")
    channel_names = _names(channels, "channels")
    t0, t1 = _timestamp(start, "start"), _timestamp(end, "end")
    if t0 is not None and t1 is not None and t0 >= t1:
        raise DataError(f"start must be before end; got start={t0} and end={t1}")
    kept = _pick_customers(customers, persona_names, segment_names)

    # one filter call: channels are checked against the whole log, so a channel that merely
    # has no events in the chosen period or persona gives an empty slice, not an error; a
    # bound log stays bound to its map, its binding counting the events kept
    by_customer = kept is not None and bool(persona_names or segment_names)
    out = log.filter(
        customers=kept["customer_id"].astype(str) if by_customer else None,
        channels=channel_names,
        start=t0,
        end=t1,
    )

    kept_surveys = None
    if surveys is not None:
        if not isinstance(surveys, pd.DataFrame):
            raise DataError(f"surveys must be a DataFrame; got {type(surveys).__name__}")
        keep = pd.Series(True, index=surveys.index)
        if (persona_names or segment_names) and kept is not None:
            keep &= surveys["customer_id"].astype(str).isin(kept["customer_id"].astype(str))
        if (t0 is not None or t1 is not None) and "timestamp" in surveys.columns:
            ts = pd.to_datetime(surveys["timestamp"])
            if t0 is not None:
                keep &= ts >= t0
            if t1 is not None:
                keep &= ts < t1
        kept_surveys = surveys.loc[keep].copy()

    return JourneySlice(
        log=out,
        customers=kept,
        surveys=kept_surveys,
        description=_describe(persona_names, segment_names, channel_names, t0, t1),
    )


def _describe(
    personas: list[str] | None,
    segments: list[str] | None,
    channels: list[str] | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> str:
    parts = []
    for label, names in (("persona", personas), ("segment", segments), ("channel", channels)):
        if names:
            parts.append(f"{label} {', '.join(names)}")
    if start is not None or end is not None:
        lo = "…" if start is None else str(start.date() if start == start.normalize() else start)
        hi = "…" if end is None else str(end.date() if end == end.normalize() else end)
        parts.append(f"from {lo} to before {hi}")
    return "; ".join(parts) if parts else "everyone"
