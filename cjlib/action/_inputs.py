"""Checks at the edge of :mod:`cjlib.action`: accept a table, name what is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from cjlib.errors import DataError, Problem, SchemaError

__all__ = ["as_frame", "check_choice", "check_probability", "require_columns"]


def as_frame(table: Any, *, param: str = "table") -> pd.DataFrame:
    """Return ``table`` as a pandas DataFrame without copying user data.

    A DataFrame is returned as is (callers select and copy the columns they use); an object
    with a ``to_pandas()`` method (a cjlib ``EventLog``, a polars or Ibis table) is converted.
    """
    if isinstance(table, pd.DataFrame):
        return table
    to_pandas = getattr(table, "to_pandas", None)
    if callable(to_pandas):
        frame = to_pandas()
        if isinstance(frame, pd.DataFrame):
            return frame
    raise DataError(
        f"{param}: expected a pandas DataFrame or an object with a to_pandas() method, "
        f"got {type(table).__name__}"
    )


def require_columns(frame: pd.DataFrame, columns: Mapping[str, str | None]) -> None:
    """Raise :class:`SchemaError` naming every ``param=column`` that is not in ``frame``."""
    available = [str(c) for c in frame.columns]
    problems = [
        Problem(
            param,
            f"column {column!r} is not in the table; available columns: {available}",
            column,
        )
        for param, column in columns.items()
        if column is not None and column not in frame.columns
    ]
    if problems:
        raise SchemaError(problems, title="missing columns")


def check_choice(param: str, value: Any, allowed: tuple[Any, ...]) -> None:
    """Raise :class:`DataError` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise DataError(f"{param}: got {value!r}; allowed values are {list(allowed)}")


def check_probability(param: str, value: Any) -> float:
    """Return ``value`` as a float in (0, 1), or raise :class:`DataError` naming ``param``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{param}: expected a number between 0 and 1, got {value!r}") from None
    if not 0.0 < number < 1.0:
        raise DataError(f"{param}: expected a number strictly between 0 and 1, got {value!r}")
    return number
