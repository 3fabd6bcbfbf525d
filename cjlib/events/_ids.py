"""The user's customer column: its name and dtype, carried from the input to every
per-customer result so that results merge back into the user's own tables unchanged.

Inside the engine customer ids are text (one comparable type on DuckDB and Spark); the
:class:`CustomerKey` of a log turns them back into the user's column name and dtype.

Examples
--------
>>> import pandas as pd
>>> key = CustomerKey.of_series("uid", pd.Series([3, 10], dtype="int64"))
>>> out = key.restore(pd.DataFrame({"customer_id": ["10", "3"], "n": [1, 2]}), sort=True)
>>> list(out.columns), str(out["uid"].dtype), out["uid"].tolist()
(['uid', 'n'], 'int64', [3, 10])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cjlib.errors import Problem

__all__ = ["CustomerKey", "mixed_id_problem"]

INTERNAL = "customer_id"


@dataclass(frozen=True)
class CustomerKey:
    """Name and dtype of the user's customer id column.

    ``dtype`` is a numpy/pandas dtype the text ids convert back to (integers, floats,
    booleans, categoricals of text), or None when the ids stay text.
    """

    name: str = INTERNAL
    dtype: Any = None

    @classmethod
    def of_series(cls, name: str, series: pd.Series) -> CustomerKey:
        """The key of a pandas id column: numeric dtypes come back as they were."""
        dtype = series.dtype
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
            return cls(str(name), dtype)
        if isinstance(dtype, pd.CategoricalDtype) and all(
            isinstance(c, str) for c in dtype.categories
        ):
            return cls(str(name), dtype)
        return cls(str(name), None)

    @classmethod
    def of_ibis(cls, name: str, ibis_type: Any) -> CustomerKey:
        """The key of an engine column: integer columns come back as int64 (or their width)."""
        if ibis_type.is_integer() or ibis_type.is_floating() or ibis_type.is_boolean():
            return cls(str(name), np.dtype(ibis_type.to_numpy()))
        return cls(str(name), None)

    def values(self, text: pd.Series) -> pd.Series:
        """Text ids as the user's dtype."""
        if self.dtype is None:
            return text
        if pd.api.types.is_bool_dtype(self.dtype):
            return text.map({"True": True, "False": False}).astype(self.dtype)
        if pd.api.types.is_numeric_dtype(self.dtype):
            numbers = pd.to_numeric(text)
            return numbers.astype(self.dtype)
        return text.astype(self.dtype)

    def to_text(self, value: Any) -> str:
        """One id as the engine holds it (``1`` → ``"1"``; in a float column ``1`` → ``"1.0"``)."""
        if self.dtype is not None and pd.api.types.is_float_dtype(self.dtype):
            return str(float(value))
        return value if isinstance(value, str) else str(value)

    def restore(self, frame: pd.DataFrame, *, sort: bool = False) -> pd.DataFrame:
        """``frame`` with its internal ``customer_id`` column in the user's name and dtype."""
        if INTERNAL not in frame.columns:
            return frame
        out = frame.copy()
        out[INTERNAL] = self.values(out[INTERNAL]).to_numpy()
        if self.name != INTERNAL:
            out = out.rename(columns={INTERNAL: self.name})
        if sort:
            out = out.sort_values(self.name, kind="stable").reset_index(drop=True)
        return out


def mixed_id_problem(series: pd.Series, column: str) -> Problem | None:
    """A Problem when different ids would become one customer as text (``1`` and ``"1"``)."""
    if series.dtype != object:
        return None
    values = series.dropna()
    kinds = values.map(type)
    if kinds.nunique() < 2:
        return None
    distinct = pd.DataFrame({"value": values, "kind": kinds.map(lambda k: k.__name__)})
    distinct = distinct.drop_duplicates(subset=["value", "kind"])
    distinct["text"] = distinct["value"].map(str)
    clash = distinct[distinct.duplicated("text", keep=False)]
    if clash.empty:
        return None
    examples = [
        " and ".join(f"{v!r} ({k})" for v, k in zip(g["value"], g["kind"], strict=True))
        for _, g in clash.groupby("text", sort=True)
    ]
    return Problem(
        column,
        f"{clash['text'].nunique()} customer ids appear both as text and as another type, so "
        "they would silently become one customer; convert the column to one type first "
        f"(e.g. df[{column!r}].astype(str) or .astype('int64'))",
        examples[:5],
    )
