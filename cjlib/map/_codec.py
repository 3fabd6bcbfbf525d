"""Plain data (dicts and lists, as YAML and JSON give them) to map objects and back.

Reading collects every *structural* problem (a list where a mapping is expected, unknown or
missing fields) instead of stopping at the first one, and still builds as much of the map as it
can, so that :mod:`cjlib.map._validate` can report the semantic problems of the rest in the same
error. Scalar values are passed through unchanged apart from two lossless normalisations
(integers in numeric fields become floats, ISO date strings in ``deadline`` become dates); their
types and ranges are the validator's job, because maps built in Python never pass through here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import numbers
from collections.abc import Callable, Mapping
from typing import Any

from cjlib.errors import Problem
from cjlib.map._model import (
    JourneyMap,
    Objective,
    Opportunity,
    PainPoint,
    Persona,
    Stage,
    Touchpoint,
)

__all__ = ["map_from_dict", "map_to_dict"]

ROOT_PATH = ""
#: How problems about the whole document (not one field) name their place.
WHOLE_MAP = "(map)"


def join_path(path: str, key: object) -> str:
    """Return the dotted path of field ``key`` under ``path`` (``""`` is the map itself)."""
    return f"{path}.{key}" if path else str(key)


# field kinds of the file format
_REQUIRED = "required"  # any scalar, must be present
_SCALAR = "scalar"  # any scalar, optional
_NUMBER = "number"  # optional number (ints become floats)
_REQUIRED_NUMBER = "required number"
_DATE = "date"  # required ISO date
_STRINGS = "strings"  # list of strings (a lone string is accepted as a one-item list)
_EMOTION = "emotion"  # mapping persona id -> number
_METADATA = "metadata"  # free JSON-like mapping

_Spec = dict[str, Any]

_SPECS: dict[type, _Spec] = {
    Persona: {
        "id": _REQUIRED,
        "name": _REQUIRED,
        "description": _SCALAR,
        "goals": _STRINGS,
        "frustrations": _STRINGS,
        "share": _NUMBER,
        "segment": _SCALAR,
    },
    PainPoint: {"text": _REQUIRED, "severity": _SCALAR, "id": _SCALAR, "personas": _STRINGS},
    Opportunity: {
        "text": _REQUIRED,
        "effort": _SCALAR,
        "owner": _SCALAR,
        "expected_effect": _NUMBER,
        "id": _SCALAR,
        "addresses": _STRINGS,
    },
    Touchpoint: {
        "id": _REQUIRED,
        "name": _REQUIRED,
        "channel": _SCALAR,
        "owner": _SCALAR,
        "ownership": _SCALAR,
        "actions": _STRINGS,
        "thoughts": _STRINGS,
        "expectation": _SCALAR,
        "emotion": _EMOTION,
        "pain_points": PainPoint,
        "opportunities": Opportunity,
        "events": _STRINGS,
    },
    Stage: {
        "id": _REQUIRED,
        "name": _REQUIRED,
        "description": _SCALAR,
        "owner": _SCALAR,
        "touchpoints": Touchpoint,
    },
    Objective: {
        "id": _REQUIRED,
        "kpi": _REQUIRED,
        "target": _REQUIRED_NUMBER,
        "deadline": _DATE,
        "owner": _SCALAR,
        "baseline": _NUMBER,
        "direction": _SCALAR,
        "unit": _SCALAR,
        "description": _SCALAR,
    },
    JourneyMap: {
        "id": _REQUIRED,
        "name": _REQUIRED,
        "description": _SCALAR,
        "personas": Persona,
        "stages": Stage,
        "objectives": Objective,
        "metadata": _METADATA,
    },
}
_REQUIRED_KINDS = (_REQUIRED, _REQUIRED_NUMBER, _DATE)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _as_number(value: Any) -> Any:
    return float(value) if _is_number(value) else value


def _unknown_key_message(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown field; {hint}allowed: {', '.join(allowed)}"


class _Reader:
    """Turns plain data into map objects, collecting every structural problem on the way."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str, value: Any = None) -> None:
        self.problems.append(Problem(path, message, value))

    def read(self, cls: type, data: Any, path: str) -> Any | None:
        if not isinstance(data, Mapping):
            self.problem(
                path or WHOLE_MAP,
                f"expected a mapping of {cls.__name__} fields, got {_type_name(data)}",
                data if not isinstance(data, Mapping | list) else None,
            )
            return None
        spec = _SPECS[cls]
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in spec:
                self.problem(join_path(path, key), _unknown_key_message(key, list(spec)), key)
                continue
            kind = spec[key]
            if value is None:
                if kind in _REQUIRED_KINDS:
                    self.problem(join_path(path, key), "is required and may not be empty", value)
                    kwargs[key] = None
                continue  # an empty optional YAML field means "not given"
            converted = self._convert(kind, value, join_path(path, key))
            if converted is not _SKIP:
                kwargs[key] = converted
            elif kind in _REQUIRED_KINDS:
                kwargs[key] = None
        for key, kind in spec.items():
            if kind in _REQUIRED_KINDS and key not in data:
                self.problem(join_path(path, key), f"missing required field of {cls.__name__}")
                kwargs[key] = None
        return cls(**kwargs)

    def _convert(self, kind: Any, value: Any, path: str) -> Any:
        if isinstance(kind, type):
            return self._read_list(kind, value, path)
        converters: dict[str, Callable[[Any, str], Any]] = {
            _REQUIRED: self._scalar,
            _SCALAR: self._scalar,
            _NUMBER: lambda v, p: _as_number(self._scalar(v, p)),
            _REQUIRED_NUMBER: lambda v, p: _as_number(self._scalar(v, p)),
            _DATE: self._date,
            _STRINGS: self._strings,
            _EMOTION: self._emotion,
            _METADATA: self._metadata,
        }
        return converters[kind](value, path)

    def _scalar(self, value: Any, path: str) -> Any:
        if isinstance(value, Mapping | list | tuple):
            self.problem(path, f"expected a single value, got {_type_name(value)}")
            return _SKIP
        return value

    def _date(self, value: Any, path: str) -> Any:
        if isinstance(value, dt.datetime):
            return value  # the validator explains that a date without time is expected
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                return value  # reported by the validator with the allowed format
        return self._scalar(value, path)

    def _strings(self, value: Any, path: str) -> Any:
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list | tuple):
            return tuple(value)
        self.problem(
            path,
            f"expected a list of strings, got {_type_name(value)}",
            None if isinstance(value, Mapping) else value,
        )
        return _SKIP

    def _emotion(self, value: Any, path: str) -> Any:
        if not isinstance(value, Mapping):
            self.problem(
                path,
                "expected a mapping of persona id to emotion score (-2..+2), "
                f"got {_type_name(value)}",
                None if isinstance(value, list | tuple) else value,
            )
            return _SKIP
        return {key: _as_number(score) for key, score in value.items()}

    def _metadata(self, value: Any, path: str) -> Any:
        if not isinstance(value, Mapping):
            self.problem(
                path, f"expected a mapping of free key/value pairs, got {_type_name(value)}"
            )
            return _SKIP
        return value

    def _read_list(self, cls: type, value: Any, path: str) -> Any:
        if not isinstance(value, list | tuple):
            self.problem(
                path,
                f"expected a list of {cls.__name__} mappings, got {_type_name(value)}",
                None if isinstance(value, Mapping) else value,
            )
            return _SKIP
        items = []
        for i, item in enumerate(value):
            read = self.read(cls, item, f"{path}[{i}]")
            # an unreadable item keeps its place, so the paths of the items after it stay right
            items.append(read if read is not None else _placeholder(cls))
        return tuple(items)


_SKIP = object()


def _placeholder(cls: type) -> Any:
    required = {key: None for key, kind in _SPECS[cls].items() if kind in _REQUIRED_KINDS}
    return cls(**required)


def map_from_dict(data: Any) -> tuple[JourneyMap | None, list[Problem]]:
    """Build a map from plain data; return it (``None`` if impossible) and the structural problems.

    Examples
    --------
    >>> jm, problems = map_from_dict({"id": "m", "name": "M", "stagez": []})
    >>> jm.id, [str(p) for p in problems]  # doctest: +NORMALIZE_WHITESPACE
    ('m', ["stagez: unknown field; did you mean 'stages'? allowed: id, name, description,
    personas, stages, objectives, metadata (got 'stagez')"])
    """
    reader = _Reader()
    journey_map = reader.read(JourneyMap, data, ROOT_PATH)
    return journey_map, reader.problems


def _plain(value: Any) -> Any:
    """Turn a field value into YAML/JSON-ready plain data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return object_to_dict(value)
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def object_to_dict(obj: Any, *, include_defaults: bool = True) -> dict[str, Any]:
    """Return the file-format dict of one map object (fields in declaration order)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if not include_defaults and _is_default(f, value):
            continue
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            out[f.name] = object_to_dict(value, include_defaults=include_defaults)
        elif isinstance(value, list | tuple) and any(
            dataclasses.is_dataclass(item) for item in value
        ):
            out[f.name] = [
                object_to_dict(item, include_defaults=include_defaults)
                if dataclasses.is_dataclass(item)
                else _plain(item)
                for item in value
            ]
        else:
            out[f.name] = _plain(value)
    return out


def _is_default(f: dataclasses.Field[Any], value: Any) -> bool:
    if f.default is not dataclasses.MISSING:
        return bool(value == f.default)
    if f.default_factory is not dataclasses.MISSING:
        return bool(value == f.default_factory())
    return False


def map_to_dict(journey_map: JourneyMap, *, include_defaults: bool = True) -> dict[str, Any]:
    """Return the file-format dict of ``journey_map``."""
    return object_to_dict(journey_map, include_defaults=include_defaults)
