"""Model matrices from tidy tables: numeric columns as they are, categories as dummies."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cjlib.errors import DataError

__all__ = ["design_matrix"]


def design_matrix(table: pd.DataFrame, columns: Sequence[str], param: str) -> pd.DataFrame:
    """Return a float design matrix for ``columns`` (no intercept).

    Booleans become 0/1; object/category columns become treatment dummies (first level
    dropped, named ``column[level]``); numeric columns pass through. Rows are not dropped
    here: NaN stays NaN so the caller decides how to handle missing values.
    """
    parts: list[pd.DataFrame] = []
    for col in columns:
        series = table[col]
        if pd.api.types.is_bool_dtype(series):
            parts.append(series.astype(float).to_frame(col))
        elif pd.api.types.is_numeric_dtype(series):
            values = series.astype(float)
            if np.isinf(values).any():
                raise DataError(f"{param} column {col!r} contains infinite values")
            parts.append(values.to_frame(col))
        elif (
            isinstance(series.dtype, pd.CategoricalDtype)
            or series.dtype == object
            or (pd.api.types.is_string_dtype(series))
        ):
            levels = sorted(series.dropna().astype(str).unique())
            if len(levels) > 50:
                raise DataError(
                    f"{param} column {col!r} has {len(levels)} categories; at most 50 are "
                    "supported as dummies (group rare levels first)"
                )
            as_str = series.astype("string")
            for level in levels[1:]:
                dummy = (as_str == level).astype(float)
                dummy[series.isna()] = np.nan
                parts.append(dummy.rename(f"{col}[{level}]").to_frame())
        else:
            raise DataError(
                f"{param} column {col!r} has dtype {series.dtype}; numeric, bool or "
                "categorical columns are allowed"
            )
    if not parts:
        return pd.DataFrame(index=table.index)
    return pd.concat(parts, axis=1)
