"""The common shape of every action result: ``.table``, ``.summary()``, ``.plot()``...

Examples
--------
>>> import pandas as pd
>>> from cjlib.action._result import ActionResult
>>> res = ActionResult(pd.DataFrame({"estimate": [0.1]}), title="demo")
>>> res.to_dict()["table"]
[{'estimate': 0.1}]
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cjlib._text import SummaryText

__all__ = ["ActionResult"]


def plain(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to plain, JSON-serialisable Python."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return [plain(r) for r in value.to_dict(orient="records")]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp | pd.Period):
        return str(value) if isinstance(value, pd.Period) else value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    return value


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{value:.4g}"
    return str(value)


class ActionResult:
    """Base class of the results of :mod:`cjlib.action`.

    Parameters
    ----------
    table : pandas.DataFrame
        The main result table (kept as a copy; ``.table`` returns a fresh copy each time).
    title : str
        One line describing the analysis, used by ``summary`` and the HTML view.
    info : mapping, optional
        Scalar facts about the analysis (sizes, options, diagnostics).
    warnings : sequence of str, optional
        Problems met during the analysis, as readable sentences.
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        title: str,
        info: Mapping[str, Any] | None = None,
        warnings: Sequence[str] = (),
    ) -> None:
        self._table = table.copy()
        self._title = title
        self._info = dict(info or {})
        self._warnings = tuple(dict.fromkeys(warnings))

    @property
    def table(self) -> pd.DataFrame:
        """The result table (a copy: changing it does not change the result)."""
        return self._table.copy()

    @property
    def info(self) -> dict[str, Any]:
        """Scalar facts about the analysis (sizes, options used, diagnostics)."""
        return dict(self._info)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Problems met during the analysis, as readable sentences."""
        return self._warnings

    def _notes(self) -> list[str]:
        """Extra sentences for ``summary`` (an interpretation); subclasses override."""
        return []

    def summary(self) -> str:
        """Return a plain-text report: title, facts, the table, notes and warnings."""
        lines = [self._title, "=" * len(self._title)]
        lines += [f"{key}: {_fmt(value)}" for key, value in self._info.items()]
        with pd.option_context("display.width", 140, "display.max_columns", 40):
            lines += ["", self._table.to_string(index=False, float_format=_fmt)]
        notes = self._notes()
        if notes:
            lines += ["", *notes]
        if self._warnings:
            lines += ["", "Warnings:", *(f"  - {w}" for w in self._warnings)]
        return SummaryText("\n".join(lines))

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self._title}>"

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python data (JSON-serialisable)."""
        return {
            "title": self._title,
            "info": plain(self._info),
            "table": plain(self._table),
            "warnings": list(self._warnings),
        }

    def plot(self) -> Any:  # pragma: no cover - every subclass overrides
        """Return a plotly figure of the result."""
        raise NotImplementedError

    def _repr_html_(self) -> str:
        facts = "".join(
            f"<li><b>{html.escape(str(k))}</b>: {html.escape(_fmt(v))}</li>"
            for k, v in self._info.items()
        )
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self._notes())
        warn = "".join(f"<li>{html.escape(w)}</li>" for w in self._warnings)
        table = self._table.to_html(index=False, float_format=_fmt, border=0, max_rows=60)
        warn_block = f"<p style='color:#c62828'><b>Warnings</b></p><ul>{warn}</ul>" if warn else ""
        return (
            f"<div class='cjlib-result'><h4>{html.escape(self._title)}</h4>"
            f"<ul>{facts}</ul>{table}{notes}{warn_block}</div>"
        )
