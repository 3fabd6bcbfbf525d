"""Widgets for notebooks and workshops (ipywidgets).

Each widget is a thin shell over public headless functions: :class:`MapEditor` edits a map
through :mod:`cjlib.map`'s edit functions (``replace_touchpoint``, ``set_emotion``,
``add_pain_point`` ...) and draws it with :func:`cjlib.render_map` and
:func:`cjlib.plot.emotion_curve`, so everything it does can be scripted without it.
:class:`JourneyExplorer` filters with :func:`slice_journey_data` and draws the Sankey, funnel,
emotion curve and KPIs of the slice; :class:`Workshop` runs a room through the map with the
headless :func:`reveal` (guess versus measured versus designed) and :class:`VoteTally`
(dot-votes).

ipywidgets and plotly load on first use of a widget, not on ``import cjlib``.

Examples
--------
>>> from cjlib.datasets import load_map
>>> from cjlib.widgets import MapEditor
>>> editor = MapEditor(load_map("telco"))
>>> editor.touchpoint_dropdown.value
'ads'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cjlib._lazy import lazy_names

__all__ = [
    "JourneyExplorer",
    "JourneySlice",
    "MapEditor",
    "RevealResult",
    "VoteTally",
    "Workshop",
    "reveal",
    "slice_journey_data",
]

_LAZY = {
    "MapEditor": "cjlib.widgets._map_editor",
    "JourneyExplorer": "cjlib.widgets._explorer",
    "Workshop": "cjlib.widgets._workshop",
    "JourneySlice": "cjlib.widgets._slice",
    "slice_journey_data": "cjlib.widgets._slice",
    "VoteTally": "cjlib.widgets._votes",
    "RevealResult": "cjlib.widgets._reveal",
    "reveal": "cjlib.widgets._reveal",
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)


if TYPE_CHECKING:  # pragma: no cover
    from cjlib.widgets._explorer import JourneyExplorer
    from cjlib.widgets._map_editor import MapEditor
    from cjlib.widgets._reveal import RevealResult, reveal
    from cjlib.widgets._slice import JourneySlice, slice_journey_data
    from cjlib.widgets._votes import VoteTally
    from cjlib.widgets._workshop import Workshop
