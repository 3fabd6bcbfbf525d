"""Input checks shared by the statistics functions: clear cjlib errors, never deep tracebacks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from cjlib.errors import DataError, Problem, SchemaError

__all__ = [
    "as_names",
    "binary_values",
    "check_choice",
    "check_probability",
    "numeric_values",
    "require_columns",
    "require_frame",
]


def require_frame(table: object, param: str) -> pd.DataFrame:
    """Raise :class:`DataError` unless ``table`` is a non-empty DataFrame."""
    if not isinstance(table, pd.DataFrame):
        raise DataError(f"{param} must be a pandas DataFrame, got {type(table).__name__}")
    if table.empty:
        raise DataError(f"{param} is empty: at least one row is needed")
    return table


def as_names(value: str | Iterable[str] | None, param: str) -> list[str]:
    """Turn a column name or a sequence of names into a list, rejecting non-strings."""
    if value is None:
        return []
    names = [value] if isinstance(value, str) else list(value)
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise DataError(f"{param} must hold column names (str), got {bad!r}")
    if len(set(names)) != len(names):
        raise DataError(f"{param} lists a column more than once: {names!r}")
    return names


def require_columns(table: pd.DataFrame, columns: dict[str, Sequence[str]], name: str) -> None:
    """Check that every named column exists; report all missing ones at once.

    ``columns`` maps the parameter name to the column names it gave.
    """
    available = list(map(str, table.columns))
    problems = [
        Problem(param, f"column not found in {name}; available: {available}", col)
        for param, cols in columns.items()
        for col in cols
        if col not in table.columns
    ]
    if problems:
        raise SchemaError(problems, title=f"{name}: missing columns")


def numeric_values(series: pd.Series, param: str) -> np.ndarray:
    """Return a float array of ``series`` or raise naming the column and bad examples."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float).to_numpy()
    converted = pd.to_numeric(series, errors="coerce")
    bad = series[converted.isna() & series.notna()]
    if len(bad):
        raise DataError(
            f"{param} column {series.name!r} must be numeric; "
            f"non-numeric values such as {bad.head(3).tolist()!r}"
        )
    values = converted.to_numpy(dtype=float)
    if np.isinf(values).any():
        raise DataError(f"{param} column {series.name!r} contains infinite values")
    return values


def binary_values(series: pd.Series, param: str) -> np.ndarray:
    """Return a 0/1 float array (NaN kept) for a bool or 0/1 column, else raise."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float).to_numpy()
    if series.dtype == object and series.dropna().map(lambda v: isinstance(v, bool)).all():
        return series.map(lambda v: np.nan if pd.isna(v) else float(v)).to_numpy(dtype=float)
    values = numeric_values(series, param)
    seen = set(np.unique(values[~np.isnan(values)]).tolist())
    if not seen <= {0.0, 1.0}:
        raise DataError(
            f"{param} column {series.name!r} must be binary (bool or 0/1); "
            f"found values {sorted(seen)[:6]!r}"
        )
    return values


def check_choice(value: object, param: str, allowed: Sequence[object]) -> None:
    """Raise :class:`DataError` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise DataError(f"{param} must be one of {list(allowed)!r}, got {value!r}")


def check_probability(value: float, param: str) -> float:
    """Raise unless ``0 < value < 1``."""
    if not isinstance(value, int | float) or not 0 < value < 1:
        raise DataError(f"{param} must be a number strictly between 0 and 1, got {value!r}")
    return float(value)
