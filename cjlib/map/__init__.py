"""The designed journey: map dataclasses, validation, file I/O and rendering.

Examples
--------
>>> from cjlib.map import read_map  # doctest: +SKIP
>>> journey_map = read_map("data/samples/telco/map.yaml")  # doctest: +SKIP
>>> journey_map.to_frame().head()  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cjlib.map._edit import (
    add_pain_point,
    add_touchpoint,
    remove_pain_point,
    remove_touchpoint,
    replace_pain_point,
    replace_stage,
    replace_touchpoint,
    set_emotion,
)
from cjlib.map._edit_structure import (
    add_opportunity,
    add_persona,
    add_stage,
    remove_opportunity,
    remove_persona,
    remove_stage,
)
from cjlib.map._io import MapSyntaxError, read_map, write_map
from cjlib.map._model import (
    DIRECTIONS,
    EFFORTS,
    EMOTION_RANGE,
    OWNERSHIPS,
    SEVERITIES,
    FrozenMapping,
    JourneyMap,
    Objective,
    Opportunity,
    PainPoint,
    Persona,
    Stage,
    Touchpoint,
)

__all__ = [
    "DIRECTIONS",
    "EFFORTS",
    "EMOTION_RANGE",
    "OWNERSHIPS",
    "SEVERITIES",
    "FrozenMapping",
    "JourneyMap",
    "MapSyntaxError",
    "Objective",
    "Opportunity",
    "PainPoint",
    "Persona",
    "Stage",
    "Touchpoint",
    "add_opportunity",
    "add_pain_point",
    "add_persona",
    "add_stage",
    "add_touchpoint",
    "read_map",
    "remove_opportunity",
    "remove_pain_point",
    "remove_persona",
    "remove_stage",
    "remove_touchpoint",
    "render_map",
    "replace_pain_point",
    "replace_stage",
    "replace_touchpoint",
    "set_emotion",
    "write_map",
]


def __getattr__(name: str) -> Any:
    # the HTML canvas lives with the other renderings in cjlib.plot; re-exported here lazily
    if name == "render_map":
        from cjlib.plot._canvas import render_map

        globals()["render_map"] = render_map
        return render_map
    raise AttributeError(f"module 'cjlib.map' has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover
    from cjlib.plot._canvas import render_map
