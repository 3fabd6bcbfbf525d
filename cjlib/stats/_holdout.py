"""``holdout_validation``: predicted against actual holdout purchases by calibration frequency."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cjlib.errors import DataError
from cjlib.stats._model_base import check_summary_columns
from cjlib.stats._result import StatsResult

__all__ = ["HoldoutResult", "holdout_validation"]


class HoldoutResult(StatsResult):
    """Result of :func:`holdout_validation`: ``.table`` indexed by frequency bucket with
    ``customers``, ``actual`` and ``predicted`` mean holdout purchases."""

    def plot(self) -> Any:
        """Bars of actual against predicted mean holdout purchases per bucket."""
        import plotly.graph_objects as go

        from cjlib.plot._style import PALETTE, apply_base_layout

        t = self._table
        labels = [str(i) for i in t.index]
        fig = go.Figure(
            [
                go.Bar(x=labels, y=t["actual"], name="actual", marker_color=PALETTE[0]),
                go.Bar(x=labels, y=t["predicted"], name="predicted", marker_color=PALETTE[1]),
            ]
        )
        fig.update_layout(barmode="group")
        fig.update_xaxes(title="Repeat purchases in the calibration period", type="category")
        fig.update_yaxes(title="Mean purchases in the holdout period")
        return apply_base_layout(fig, title="Holdout validation: predicted vs actual", height=420)


def holdout_validation(
    model: Any,
    summary: pd.DataFrame,
    *,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    frequency_holdout_col: str = "frequency_holdout",
    duration_holdout_col: str = "duration_holdout",
    max_frequency: int = 7,
) -> HoldoutResult:
    """Compare a fitted purchase model's holdout predictions with what customers did.

    Parameters
    ----------
    model : BetaGeoModel
        A fitted model with ``expected_purchases``.
    summary : pandas.DataFrame
        Calibration/holdout summary, e.g. ``rfm_summary(..., observation_end=...)``.
    frequency_col, recency_col, T_col : str
        Calibration columns.
    frequency_holdout_col, duration_holdout_col : str
        Purchases in the holdout period and its length (model time units).
    max_frequency : int
        Calibration frequencies above this are pooled into one ``"{max}+"`` bucket.

    Returns
    -------
    HoldoutResult
        ``.table`` per bucket (``customers``, ``actual``, ``predicted``); ``.info`` has the
        totals, the mean absolute error per customer and the correlation.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjlib.stats import BetaGeoModel, holdout_validation
    >>> s = pd.DataFrame({"frequency": [0, 2, 5, 1] * 50, "recency": [0, 20, 35, 5] * 50,
    ...                   "T": [39.0] * 200, "frequency_holdout": [0, 1, 4, 0] * 50,
    ...                   "duration_holdout": 39.0})
    >>> res = holdout_validation(BetaGeoModel().fit(s), s)
    >>> list(res.table.columns)
    ['customers', 'actual', 'predicted']
    """
    if not hasattr(model, "params_"):
        raise DataError("model must be a fitted BetaGeoModel (call .fit first)")
    cols = check_summary_columns(
        summary,
        {
            "frequency_col": frequency_col,
            "recency_col": recency_col,
            "T_col": T_col,
            "frequency_holdout_col": frequency_holdout_col,
            "duration_holdout_col": duration_holdout_col,
        },
    )
    x = cols["frequency_col"]
    predicted = np.atleast_1d(
        model.expected_purchases(
            cols["duration_holdout_col"], frequency=x, recency=cols["recency_col"], T=cols["T_col"]
        )
    )
    actual = cols["frequency_holdout_col"]
    bucket = np.minimum(x, max_frequency).astype(int)
    frame = pd.DataFrame({"bucket": bucket, "actual": actual, "predicted": predicted})
    table = frame.groupby("bucket").agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    table.index = [f"{i}+" if i == max_frequency else str(i) for i in table.index]
    table.index.name = "frequency"
    info = {
        "customers": len(frame),
        "actual_total": float(actual.sum()),
        "predicted_total": float(predicted.sum()),
        "mae_per_customer": float(np.mean(np.abs(actual - predicted))),
        "correlation": float(np.corrcoef(actual, predicted)[0, 1]) if len(frame) > 1 else np.nan,
    }
    return HoldoutResult(table, title="Holdout validation of the purchase model", info=info)
