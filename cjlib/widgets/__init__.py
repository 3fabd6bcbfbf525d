"""Widgets for notebooks and workshops (ipywidgets).

Each widget is a thin shell over public headless functions: :class:`MapEditor` edits a map
through :mod:`cjlib.map`'s edit functions (``replace_touchpoint``, ``set_emotion``,
``add_pain_point`` ...) and draws it with :func:`cjlib.render_map` and
:func:`cjlib.plot.emotion_curve`, so everything it does can be scripted without it.

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

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["MapEditor"]

_LAZY = {"MapEditor": "cjlib.widgets._map_editor"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cjlib.widgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from cjlib.widgets._map_editor import MapEditor
