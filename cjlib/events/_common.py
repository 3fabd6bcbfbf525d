"""Small helpers shared by the event-log computations (Ibis expressions only, no engine)."""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from cjlib.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = [
    "LEVELS",
    "as_names",
    "customer_window",
    "encode",
    "known_items",
    "micros_to_timedelta",
    "micros_to_timestamp",
    "parse_duration",
    "sequence",
]

LEVELS = ("event", "touchpoint", "stage")
ORDER = "_order"


def customer_window(**kwargs: Any) -> Any:
    """Window over one customer's events in time order, ties broken by input order."""
    return ibis.window(group_by="customer_id", order_by=["timestamp", ORDER], **kwargs)


def parse_duration(value: Any, param: str, *, allow_none: bool = True) -> pd.Timedelta | None:
    """Parse ``"30min"``, ``"14D"`` or a timedelta into a positive ``pd.Timedelta``."""
    if value is None:
        if allow_none:
            return None
        raise DataError(f"{param} is required: a duration such as '30min' or '14D'")
    try:
        td = pd.Timedelta(value)
    except (ValueError, TypeError) as exc:
        raise DataError(
            f"{param} must be a duration such as '30min', '14D' or a timedelta; got {value!r}"
        ) from exc
    if pd.isna(td) or td <= pd.Timedelta(0):
        raise DataError(f"{param} must be a positive duration; got {value!r}")
    return td


def _whole_micros(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Microseconds (any numeric, NaN/None allowed) → (int64 rounded to 1 µs, missing mask)."""
    arr = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    missing = np.isnan(arr)
    return np.round(np.where(missing, 0.0, arr)).astype("int64"), missing


def micros_to_timedelta(values: Any) -> Any:
    """Microseconds (float or int, NaN allowed) → pandas timedeltas, rounded to 1 µs.

    Converted through int64, never with ``pd.to_timedelta(floats, unit=...)``: pandas 2.x
    rounds uninitialised memory in the NaN slots there and can raise ``FloatingPointError``
    at random (pandas issue 58419, fixed in pandas 3).

    Examples
    --------
    >>> micros_to_timedelta(pd.Series([1_500_000.4, None])).tolist()
    [Timedelta('0 days 00:00:01.500000'), NaT]
    """
    if isinstance(values, pd.Series):
        whole, missing = _whole_micros(values)
        out = whole.astype("timedelta64[us]").astype("timedelta64[ns]")
        out[missing] = np.timedelta64("NaT")
        return pd.Series(out, index=values.index, name=values.name)
    if values is None or (isinstance(values, float) and math.isnan(values)):
        return pd.NaT
    return pd.Timedelta(round(float(values)), unit="us")


def micros_to_timestamp(values: pd.Series) -> pd.Series:
    """Microseconds since the Unix epoch (NaN allowed) → naive UTC ``datetime64[ns]``.

    Same int64 route as :func:`micros_to_timedelta`, for the same reason.

    Examples
    --------
    >>> micros_to_timestamp(pd.Series([0, None])).tolist()
    [Timestamp('1970-01-01 00:00:00'), NaT]
    """
    whole, missing = _whole_micros(values)
    out = whole.astype("datetime64[us]").astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT")
    return pd.Series(out, index=values.index, name=values.name)


def check_confidence(confidence: float) -> float:
    """Validate a confidence level in (0, 1)."""
    if not isinstance(confidence, int | float) or not 0 < confidence < 1:
        raise DataError(f"confidence must be a number between 0 and 1; got {confidence!r}")
    return float(confidence)


def as_names(value: str | Iterable[str] | None, param: str) -> tuple[str, ...]:
    """Normalise an event name or a list of names (glob patterns allowed) into a tuple."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: tuple[str, ...] = (value,)
    else:
        try:
            items = tuple(value)
        except TypeError as exc:
            raise DataError(
                f"{param} must be an event name or a list of names; got {value!r}"
            ) from exc
    for item in items:
        if not isinstance(item, str) or not item:
            raise DataError(f"{param} must hold non-empty event names; got {item!r}")
    return items


def matches(column: ir.StringValue, names: Sequence[str], known: Sequence[str]) -> ir.BooleanValue:
    """Boolean expression: ``column`` is one of ``names`` (glob patterns expanded on ``known``)."""
    expanded = expand(names, known)
    if not expanded:
        return ibis.literal(False)
    return column.isin(sorted(expanded))


def expand(names: Sequence[str], known: Sequence[str]) -> set[str]:
    """Expand glob patterns (``support_*``) against the known values."""
    out: set[str] = set()
    for name in names:
        if any(ch in name for ch in "*?["):
            out.update(k for k in known if fnmatch.fnmatchcase(k, name))
        else:
            out.add(name)
    return out


def encode(table: ir.Table, column: str, names: Sequence[str]) -> ir.Table:
    """Replace the text ``column`` by ``_code``: its position in ``names`` (NULL if absent).

    Per-customer sorts carry small integer codes instead of text: on 50M events that halves
    the time of transitions and takes a third less memory (``benchmarks/events_bench.py``,
    ADR 0012). Decode with ``dict(enumerate(names))`` once the result is small.

    Examples
    --------
    >>> import ibis
    >>> t = ibis.memtable({"customer_id": ["a", "a"], "event": ["x", "y"]})
    >>> sorted(encode(t, "event", ["x", "y"]).to_pandas()["_code"].tolist())
    [0, 1]
    """
    codes = ibis.memtable({column: list(names), "_code": np.arange(len(names), dtype="int32")})
    joined = table.left_join(codes, table[column] == codes[column])
    return joined.select(*[c for c in table.columns if c != column], "_code")


def known_items(log: EventLog, level: str) -> list[str]:
    """The items a computation at ``level`` can meet: event names, or the map's ids."""
    if level == "event":
        return log.event_names
    jm = log.journey_map
    log._require_bound(f"level={level!r}")
    assert jm is not None
    if level == "stage":
        return [st.id for st in jm.stages]
    return [tp.id for tp in jm.touchpoints]


def sequence(log: EventLog, level: str) -> ir.Table:
    """The customer's sequence of items at ``level`` with columns customer_id, timestamp,
    ``_order``, ``item``, ``channel``.

    At ``touchpoint``/``stage`` level events the map does not know are dropped and
    consecutive repeats of the same item are collapsed into one visit (its first event).
    """
    if level not in LEVELS:
        raise DataError(f"level must be one of {list(LEVELS)}; got {level!r}")
    t = log._table
    if level == "event":
        return t.select("customer_id", "timestamp", ORDER, "channel", item=t.event)
    log._require_bound(f"level={level!r}")
    s = t.filter(t[level].notnull()).select(
        "customer_id", "timestamp", ORDER, "channel", item=t[level]
    )
    prev = s.item.lag().over(customer_window())
    s = s.mutate(_prev=prev)
    return s.filter(s._prev.isnull() | (s._prev != s.item)).drop("_prev")
