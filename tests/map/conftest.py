from __future__ import annotations

import pytest
from energy_map import build_energy_map

from cjlib.map import JourneyMap


@pytest.fixture
def energy_map() -> JourneyMap:
    return build_energy_map()
