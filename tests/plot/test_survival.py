import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from cjlib.errors import DataError
from cjlib.plot import survival_curves


def _km():
    return pd.DataFrame(
        {
            "group": ["a", "a", "b"],
            "time": [2.0, 5.0, 3.0],
            "survival": [0.8, 0.4, 0.5],
            "ci_low": [0.6, 0.2, 0.3],
            "ci_high": [0.9, 0.6, 0.7],
        }
    )


def test_curves_start_at_one_and_step():
    km = _km()
    fig = survival_curves(km, x_title="days")
    assert isinstance(fig, go.Figure)
    lines = [tr for tr in fig.data if tr.mode == "lines" and tr.showlegend is not False]
    assert [tr.name for tr in lines] == ["a", "b"]
    assert list(lines[0].x) == [0.0, 2.0, 5.0] and list(lines[0].y) == [1.0, 0.8, 0.4]
    assert lines[0].line.shape == "hv"
    band = fig.data[0]
    assert band.fill == "toself"
    # band corners: the upper edge steps down only at event times
    assert list(band.x[:5]) == [0.0, 2.0, 2.0, 5.0, 5.0]
    assert list(band.y[:5]) == pytest.approx([1.0, 1.0, 0.9, 0.9, 0.6])
    assert fig.layout.xaxis.title.text == "days"


def test_missing_columns_and_no_band():
    with pytest.raises(DataError, match="survival"):
        survival_curves(_km().drop(columns="survival"))
    fig = survival_curves(_km(), ci_low_col=None, ci_high_col=None)
    assert all(tr.fill != "toself" for tr in fig.data)
    assert np.isclose(fig.layout.yaxis.range[1], 1.02)
