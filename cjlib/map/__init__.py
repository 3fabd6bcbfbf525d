"""The designed journey: map dataclasses, validation, file I/O and rendering."""

from cjlib.map._model import (
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
    "EFFORTS",
    "EMOTION_RANGE",
    "OWNERSHIPS",
    "SEVERITIES",
    "FrozenMapping",
    "JourneyMap",
    "Objective",
    "Opportunity",
    "PainPoint",
    "Persona",
    "Stage",
    "Touchpoint",
]
