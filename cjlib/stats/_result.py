"""The common shape of every statistics result: ``.table``, ``.summary()``, ``.plot()``...

Examples
--------
>>> import pandas as pd
>>> from cjlib.stats._result import StatsResult
>>> res = StatsResult(pd.DataFrame({"effect": [0.1]}), title="demo")
>>> res.to_dict()["table"]
[{'effect': 0.1}]
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cjlib._text import SummaryText

__all__ = ["StatsResult"]


def _plain(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to plain Python for ``to_dict``."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, pd.DataFrame):
        if isinstance(value.index, pd.RangeIndex) and value.index.name is None:
            return [_plain(r) for r in value.to_dict(orient="records")]
        return [_plain(r) for r in value.reset_index().to_dict(orient="records")]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


class StatsResult:
    """Base class of the statistics results.

    Parameters
    ----------
    table : pandas.DataFrame
        The main result table (a copy is kept; ``.table`` returns a fresh copy each time).
    title : str
        A one-line description used by ``summary`` and the HTML representation.
    warnings : sequence of str, optional
        Problems met during the analysis (tiny groups, separation, non-convergence...).
    info : mapping, optional
        Extra scalar facts shown in ``summary`` and ``to_dict`` (sample size, test statistics).
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        title: str,
        warnings: Sequence[str] = (),
        info: Mapping[str, Any] | None = None,
    ) -> None:
        self._table = table.copy()
        self._title = title
        self._warnings = tuple(dict.fromkeys(warnings))  # de-duplicated, order kept
        self._info = dict(info or {})

    @property
    def table(self) -> pd.DataFrame:
        """The result table (a copy: changing it does not change the result)."""
        return self._table.copy()

    @property
    def warnings(self) -> tuple[str, ...]:
        """Problems met during the analysis, as readable sentences."""
        return self._warnings

    @property
    def info(self) -> dict[str, Any]:
        """Scalar facts about the analysis (sizes, statistics, options used)."""
        return dict(self._info)

    def summary(self) -> str:
        """Return a plain-text report: title, facts, the table and the warnings."""
        lines = [self._title, "=" * len(self._title)]
        for key, value in self._info.items():
            shown = f"{value:.4g}" if isinstance(value, float) else value
            lines.append(f"{key}: {shown}")
        with pd.option_context("display.width", 120, "display.max_columns", 30):
            lines += ["", self._table.to_string(float_format=lambda v: f"{v:.4g}")]
        if self._warnings:
            lines += ["", "Warnings:"] + [f"  - {w}" for w in self._warnings]
        return SummaryText("\n".join(lines))

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python data (JSON-serialisable)."""
        return {
            "title": self._title,
            "info": _plain(self._info),
            "table": _plain(self._table),
            "warnings": list(self._warnings),
        }

    def plot(self) -> Any:
        """Return a plotly figure of the result."""
        raise NotImplementedError(f"{type(self).__name__} has no figure")

    def _repr_html_(self) -> str:
        facts = "".join(
            f"<li><b>{html.escape(str(k))}</b>: "
            f"{html.escape(f'{v:.4g}' if isinstance(v, float) else str(v))}</li>"
            for k, v in self._info.items()
        )
        warn = "".join(f"<li>{html.escape(w)}</li>" for w in self._warnings)
        table = self._table.to_html(float_format=lambda v: f"{v:.4g}", border=0, max_rows=60)
        return (
            f"<div class='cjlib-result'><h4>{html.escape(self._title)}</h4>"
            f"<ul>{facts}</ul>{table}"
            + (f"<p><b>Warnings</b></p><ul style='color:#b71c1c'>{warn}</ul>" if warn else "")
            + "</div>"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self._title}, {len(self._table)} rows>"
