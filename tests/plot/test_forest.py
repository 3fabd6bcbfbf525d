import pandas as pd
import plotly.graph_objects as go
import pytest

from cjlib.errors import DataError
from cjlib.plot import forest


def _table():
    return pd.DataFrame(
        {
            "effect": [0.10, -0.05, 0.02],
            "ci_low": [0.05, -0.12, -0.01],
            "ci_high": [0.15, 0.02, 0.05],
            "q": [0.001, 0.30, 0.04],
        },
        index=["support_call", "app_login", "promo"],
    )


def test_forest_sorts_and_marks_significant_rows():
    t = _table()
    before = t.copy()
    fig = forest(t, x_title="Risk difference", title="Signals")
    pd.testing.assert_frame_equal(t, before)
    assert isinstance(fig, go.Figure)
    sig = next(tr for tr in fig.data if tr.name.startswith("significant"))
    assert list(sig.y) == ["promo", "support_call"]  # q <= 0.05, ascending effect
    assert list(fig.layout.yaxis.categoryarray) == ["app_login", "promo", "support_call"]
    assert list(sig.error_x.array) == pytest.approx([0.03, 0.05])
    assert fig.layout.xaxis.title.text == "Risk difference"


def test_forest_ratio_scale_and_errors():
    t = _table().assign(effect=[2.0, 0.8, 1.1], ci_low=[1.5, 0.5, 0.9], ci_high=[2.6, 1.2, 1.3])
    fig = forest(t, null_value=1.0, log_x=True, q_col=None)
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.shapes[0].x0 == 1.0
    with pytest.raises(DataError, match="nope"):
        forest(t, effect_col="nope")
