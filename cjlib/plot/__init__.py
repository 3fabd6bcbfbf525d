"""Plotly figures of journeys: every function returns a ``plotly.graph_objects.Figure``.

No function here calls ``.show()``; display the figure in Jupyter or export it with
``fig.write_html`` / ``fig.write_image``. plotly is imported on first use.
"""

from __future__ import annotations

from cjlib._lazy import lazy_names

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


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)
