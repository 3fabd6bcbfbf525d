"""Discovery: the customer's journey drawn from the data, and designed versus discovered.

Examples
--------
>>> from cjlib import discover
>>> sorted(discover.__all__)
['DiscoveredMap', 'MapComparison', 'compare_maps', 'discover_map']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cjlib._lazy import lazy_names

__all__ = ["DiscoveredMap", "MapComparison", "compare_maps", "discover_map"]

_LAZY = {
    "DiscoveredMap": "cjlib.discover._result",
    "discover_map": "cjlib.discover._discover",
    "MapComparison": "cjlib.discover._compare",
    "compare_maps": "cjlib.discover._compare",
}

__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.discover._compare import MapComparison, compare_maps
    from cjlib.discover._discover import discover_map
    from cjlib.discover._result import DiscoveredMap
