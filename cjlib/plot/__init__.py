"""Plotly figures of journeys: every function returns a ``plotly.graph_objects.Figure``.

No function here calls ``.show()``; display the figure in Jupyter or export it with
``fig.write_html`` / ``fig.write_image``. plotly is imported on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> private module that defines it
_LAZY: dict[str, str] = {
    "emotion_curve": "cjlib.plot._emotion",
    "render_map": "cjlib.plot._canvas",
    "sankey": "cjlib.plot._sankey",
    "funnel": "cjlib.plot._funnel",
    "forest": "cjlib.plot._forest",
    "survival_curves": "cjlib.plot._survival",
    "impact_effort_matrix": "cjlib.plot._matrix",
    "export": "cjlib.plot._export",
    "export_all": "cjlib.plot._export",
}

__all__ = [
    "emotion_curve",
    "export",
    "export_all",
    "forest",
    "funnel",
    "impact_effort_matrix",
    "render_map",
    "sankey",
    "survival_curves",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cjlib.plot' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
