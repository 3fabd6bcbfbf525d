"""Construction-time checks of an event table, collecting every problem at once.

Column checks and timestamp parsing of pandas input happen here in pandas; the data checks
that must scan the whole log (nulls, duplicates, emptiness) are one aggregate expression run
by the engine, so a large Parquet file is never loaded into memory.

Examples
--------
>>> suggest("custmer_id", ["customer_id", "timestamp"])
" did you mean 'customer_id'?"
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Sequence
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from cjlib.errors import Problem

__all__ = ["DuplicateEventsWarning", "check_columns", "data_problems", "parse_times", "suggest"]


# ISO text ending in a zone: a time of day, then Z or an offset such as +02:00 / -0500 / +01
_AWARE_TEXT = r"\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|z|[+-]\d\d(:?\d\d)?)$"


class DuplicateEventsWarning(UserWarning):
    """The log has identical events (same customer, time, event, channel, session, value)."""


def suggest(name: str, available: Sequence[str]) -> str:
    """A ``did you mean`` hint for a missing column name, or ``""``."""
    lowered = {a.lower(): a for a in available}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)
    if not close:
        return ""
    return " did you mean " + " or ".join(repr(lowered[c]) for c in close) + "?"


def check_columns(
    mapping: dict[str, tuple[str | None, bool]], available: Sequence[str]
) -> list[Problem]:
    """Check that every named column exists.

    ``mapping`` is parameter name → (column name, required).
    """
    problems = []
    for param, (col, _required) in mapping.items():
        if col is None:
            continue
        if col not in available:
            problems.append(
                Problem(
                    param,
                    f"column {col!r} not found;{suggest(col, available)} available columns: "
                    f"{list(available)}",
                    col,
                )
            )
    seen: dict[str, str] = {}
    for param, (col, _required) in mapping.items():
        if col is None:
            continue
        if col in seen:
            problems.append(
                Problem(param, f"column {col!r} is already used for {seen[col]}", col)
            )
        seen[col] = param
    return problems


def parse_times(series: pd.Series, param: str) -> tuple[pd.Series, list[Problem]]:
    """Turn a column into tz-naive UTC wall times, reporting unparsable values.

    Aware values are converted to UTC whatever their offsets; naive values are UTC wall
    times; a column mixing naive and aware values is refused (its meaning is ambiguous).

    Examples
    --------
    >>> times, problems = parse_times(pd.Series(["2024-03-31T01:30:00+01:00",
    ...     "2024-03-31T03:30:00+02:00"]), "ts")
    >>> [str(t) for t in times], problems
    (['2024-03-31 00:30:00', '2024-03-31 01:30:00'], [])
    """
    problems: list[Problem] = []
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert("UTC").dt.tz_localize(None), problems
    if pd.api.types.is_datetime64_dtype(series.dtype):
        return series.astype("datetime64[ns]"), problems
    non_null = series.dropna()
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        problems.append(
            Problem(
                param,
                "timestamps are numbers; convert them first, e.g. "
                "pd.to_datetime(df[col], unit='s'), so the unit is explicit",
                series.head(3).tolist(),
            )
        )
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]"), problems
    zones = {
        _zone_of(v) for v in non_null.head(100_000) if not isinstance(v, str) or v.strip() != ""
    }
    zones.discard("?")
    # aware values with different offsets (a local-time log across a summer-time change)
    # are one instant each and all go to UTC; only naive mixed with aware is ambiguous
    if "naive" in zones and len(zones) > 1:
        naive = [v for v in non_null.head(100_000) if _zone_of(v) == "naive"][:3]
        aware = [v for v in non_null.head(100_000) if _zone_of(v) not in ("naive", "?")][:3]
        problems.append(
            Problem(
                param,
                "mixed time zones: naive timestamps (no zone) mixed with aware ones (with an "
                "offset); naive ones are read as UTC, so give every value a zone or none "
                f"(naive e.g. {naive}, aware e.g. {aware})",
                sorted(zones)[:5],
            )
        )
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]"), problems
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(series, errors="coerce", format="ISO8601", utc=True)
        except (ValueError, TypeError):
            parsed = pd.to_datetime(series, errors="coerce", format="mixed", utc=True)
        if parsed.notna().sum() < len(non_null):
            retry = pd.to_datetime(series, errors="coerce", format="mixed", utc=True)
            if retry.notna().sum() > parsed.notna().sum():
                parsed = retry
    parsed = parsed.dt.tz_localize(None).astype("datetime64[ns]")
    bad = series.notna() & parsed.isna()
    if bad.any():
        problems.append(
            Problem(
                param,
                f"{int(bad.sum())} timestamps cannot be parsed (first rows "
                f"{series.index[bad][:5].tolist()})",
                series[bad].head(5).tolist(),
            )
        )
    return parsed, problems


def _zone_of(value: Any) -> str:
    """A label of a value's time zone: 'naive', an offset like '+02:00', or '?' (unknown)."""
    if isinstance(value, pd.Timestamp | __import__("datetime").datetime):
        off = value.utcoffset()
        return "naive" if off is None else _offset(off)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            return "+00:00"
        tail = text[-6:]
        if len(text) > 10 and tail[0] in "+-" and tail[3] == ":":
            return tail
        if len(text) > 10 and text[-5] in "+-" and text[-4:].isdigit() and "T" in text:
            return text[-5:-2] + ":" + text[-2:]
        return "naive"
    return "?"


def _offset(off: Any) -> str:
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def data_problems(
    table: ir.Table,
    *,
    names: dict[str, str],
    raw_time: ir.Column | None,
    dup_keys: Sequence[str],
    execute: Any,
) -> tuple[list[Problem], int, int]:
    """Check nulls, unparsable times and emptiness in one engine pass; count duplicates.

    Returns (problems, number of rows, number of duplicated events).
    """
    aggs = {
        "n": table.count(),
        "null_customer": table.customer_id.isnull().sum(),
        "null_event": table.event.isnull().sum(),
        "null_time": table.timestamp.isnull().sum(),
    }
    if raw_time is not None:
        aggs["bad_time"] = (raw_time.notnull() & table.timestamp.isnull()).sum()
        aware = raw_time.re_search(_AWARE_TEXT)
        aggs["aware_time"] = (raw_time.notnull() & aware).sum()
        aggs["naive_time"] = (raw_time.notnull() & ~aware & table.timestamp.notnull()).sum()
    counts = execute(table.aggregate(**aggs)).iloc[0]
    problems = []
    n = int(counts["n"])
    if n == 0:
        problems.append(Problem("data", "the event log is empty (no rows)"))
        return problems, 0, 0
    bad_time = int(counts.get("bad_time", 0) or 0)
    if bad_time:
        examples = execute(
            table.filter(raw_time.notnull() & table.timestamp.isnull()).select(raw_time).limit(5)
        ).iloc[:, 0]
        problems.append(
            Problem(
                names["timestamp"],
                f"{bad_time} timestamps cannot be parsed",
                examples.tolist(),
            )
        )
    n_aware = int(counts.get("aware_time", 0) or 0)
    n_naive = int(counts.get("naive_time", 0) or 0)
    if n_aware and n_naive:
        aware = raw_time.re_search(_AWARE_TEXT)
        examples = [
            execute(table.filter(cond).select(raw_time).limit(2)).iloc[:, 0].tolist()
            for cond in (raw_time.notnull() & ~aware, raw_time.notnull() & aware)
        ]
        problems.append(
            Problem(
                names["timestamp"],
                f"mixed time zones: {n_naive} naive timestamps (no zone) mixed with {n_aware} "
                "aware ones (with an offset); naive ones would be read as UTC, so give every "
                f"value a zone or none (naive e.g. {examples[0]}, aware e.g. {examples[1]})",
            )
        )
    null_time = int(counts["null_time"] or 0) - bad_time
    for key, column, count in (
        ("customer_id", names["customer_id"], int(counts["null_customer"] or 0)),
        ("event", names["event"], int(counts["null_event"] or 0)),
        ("timestamp", names["timestamp"], null_time),
    ):
        if count:
            problems.append(
                Problem(column, f"{count} of {n} rows have a missing {key.replace('_', ' ')}")
            )
    if problems:
        return problems, n, 0
    distinct = execute(table.select(*dup_keys).distinct().count())
    return problems, n, n - int(distinct)
