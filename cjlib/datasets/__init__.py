"""Sample data sets and a journey simulator with planted, known effects.

Examples
--------
>>> from cjlib import datasets
>>> datasets.list_samples()["name"].tolist()
['telco', 'shop']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cjlib._lazy import lazy_names

__all__ = [
    "DIFFERENCE_KINDS",
    "PlantedDifferences",
    "SimulatedData",
    "list_samples",
    "load_map",
    "load_sample",
    "plant_map_differences",
    "simulate",
    "simulate_to_parquet",
]

_LAZY = {
    "DIFFERENCE_KINDS": "cjlib.datasets._differences",
    "PlantedDifferences": "cjlib.datasets._differences",
    "plant_map_differences": "cjlib.datasets._differences",
    "SimulatedData": "cjlib.datasets._simulate",
    "simulate": "cjlib.datasets._simulate",
    "simulate_to_parquet": "cjlib.datasets._parquet",
    "load_map": "cjlib.datasets._loaders",
    "load_sample": "cjlib.datasets._loaders",
    "list_samples": "cjlib.datasets._loaders",
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)


if TYPE_CHECKING:  # pragma: no cover
    from cjlib.datasets._differences import (
        DIFFERENCE_KINDS,
        PlantedDifferences,
        plant_map_differences,
    )
    from cjlib.datasets._loaders import list_samples, load_map, load_sample
    from cjlib.datasets._parquet import simulate_to_parquet
    from cjlib.datasets._simulate import SimulatedData, simulate
