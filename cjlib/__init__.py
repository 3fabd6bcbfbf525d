"""cjlib: customer journeys in Jupyter.

Map the journey, measure it on real data, link its signals to churn, revenue and customer
lifetime value, and prioritise action.

Heavy modules (plotly, scipy, statsmodels, the query engines) load on first use, so
``import cjlib`` is cheap.

Examples
--------
>>> import cjlib
>>> journey_map = cjlib.datasets.load_map("telco")  # doctest: +SKIP
>>> journey_map.validate()  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cjlib._lazy import lazy_names
from cjlib.errors import (
    CjlibError,
    DataError,
    EngineError,
    MapValidationError,
    NotFittedError,
    SchemaError,
)

__version__ = "0.1.0"

# public name -> module that defines it; loaded on first attribute access
_LAZY: dict[str, str] = {
    "JourneyMap": "cjlib.map",
    "Persona": "cjlib.map",
    "Stage": "cjlib.map",
    "Touchpoint": "cjlib.map",
    "PainPoint": "cjlib.map",
    "Opportunity": "cjlib.map",
    "Objective": "cjlib.map",
    "read_map": "cjlib.map",
    "write_map": "cjlib.map",
    "render_map": "cjlib.map",
    "EventLog": "cjlib.events",
    "measure": "cjlib.action",
    "MeasuredMap": "cjlib.action",
    "discover_map": "cjlib.discover",
    "DiscoveredMap": "cjlib.discover",
    "compare_maps": "cjlib.discover",
}
_SUBPACKAGES = (
    "map",
    "events",
    "stats",
    "action",
    "plot",
    "widgets",
    "datasets",
    "report",
    "discover",
)

__all__ = [
    "CjlibError",
    "DataError",
    "DiscoveredMap",
    "EngineError",
    "EventLog",
    "JourneyMap",
    "MapValidationError",
    "MeasuredMap",
    "NotFittedError",
    "Objective",
    "Opportunity",
    "PainPoint",
    "Persona",
    "SchemaError",
    "Stage",
    "Touchpoint",
    "__version__",
    "action",
    "compare_maps",
    "datasets",
    "discover",
    "discover_map",
    "events",
    "map",
    "measure",
    "plot",
    "read_map",
    "render_map",
    "report",
    "stats",
    "widgets",
    "write_map",
]


__getattr__, __dir__ = lazy_names(
    __name__, {**_LAZY, **{name: f"cjlib.{name}" for name in _SUBPACKAGES}}, __all__
)


if TYPE_CHECKING:  # pragma: no cover
    from cjlib import action, datasets, discover, events, map, plot, report, stats, widgets
    from cjlib.action import MeasuredMap, measure
    from cjlib.discover import DiscoveredMap, compare_maps, discover_map
    from cjlib.events import EventLog
    from cjlib.map import (
        JourneyMap,
        Objective,
        Opportunity,
        PainPoint,
        Persona,
        Stage,
        Touchpoint,
        read_map,
        render_map,
        write_map,
    )
