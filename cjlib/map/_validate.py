"""Semantic checks of a journey map: every rule runs and every problem is collected.

Each problem names the dotted path of the field (``stages[2].touchpoints[0].emotion.family``),
what is wrong and what is allowed, and carries the offending value.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from typing import Any

from cjlib.errors import Problem
from cjlib.map._codec import join_path
from cjlib.map._model import (
    DIRECTIONS,
    EFFORTS,
    EMOTION_RANGE,
    OWNERSHIPS,
    SEVERITIES,
    JourneyMap,
    Objective,
    Opportunity,
    PainPoint,
    Persona,
    Stage,
    Touchpoint,
)

__all__ = ["ID_PATTERN", "find_problems"]

#: Ids are used as keys (emotion per persona) and in dotted paths, so they are one word.
ID_PATTERN = re.compile(r"^[^\W][\w.\-]*$")
_SHARE_TOLERANCE = 1e-9


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _choices(allowed: Iterable[str]) -> str:
    return ", ".join(repr(a) for a in allowed)


class _Checker:
    def __init__(self, journey_map: JourneyMap) -> None:
        self.map = journey_map
        self.problems: list[Problem] = []
        self.persona_ids: set[str] = set()
        self.pain_point_ids: set[str] = set()

    def add(self, path: str, message: str, value: Any = None) -> None:
        self.problems.append(Problem(path, message, value))

    # -- field-level rules --------------------------------------------------------------
    def text(self, obj: Any, name: str, path: str, *, required: bool = False) -> None:
        value = getattr(obj, name)
        where = join_path(path, name)
        if not isinstance(value, str):
            kind = "a non-empty string" if required else "a string"
            self.add(where, f"must be {kind}, got {type(value).__name__}", value)
        elif required and not value.strip():
            self.add(where, "must not be empty", value)

    def identifier(self, obj: Any, path: str, *, required: bool = True) -> str | None:
        value = obj.id
        where = join_path(path, "id")
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(where, "must be a non-empty string", value)
            return None
        if not ID_PATTERN.match(value):
            self.add(
                where,
                "must be one word: letters, digits, '_', '-' or '.', "
                "starting with a letter or digit",
                value,
            )
        return value

    def strings(self, obj: Any, name: str, path: str, *, allow_empty: bool = False) -> None:
        values = getattr(obj, name)
        where = join_path(path, name)
        if not isinstance(values, tuple):
            self.add(where, "must be a list of strings", values)
            return
        for i, value in enumerate(values):
            if not isinstance(value, str):
                self.add(f"{where}[{i}]", f"must be a string, got {type(value).__name__}", value)
            elif not allow_empty and not value.strip():
                self.add(f"{where}[{i}]", "must not be empty", value)

    def choice(self, obj: Any, name: str, path: str, allowed: tuple[str, ...]) -> None:
        value = getattr(obj, name)
        if value in allowed and isinstance(value, str):
            return
        close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        self.add(join_path(path, name), f"must be one of {_choices(allowed)}{hint}", value)

    def number(
        self,
        obj: Any,
        name: str,
        path: str,
        *,
        low: float | None = None,
        high: float | None = None,
        optional: bool = False,
    ) -> float | None:
        value = getattr(obj, name)
        where = join_path(path, name)
        if value is None and optional:
            return None
        if not _is_number(value) or not math.isfinite(value):
            self.add(where, "must be a finite number", value)
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.add(where, f"must lie in {low:g}..{high:g}", value)
            return None
        return float(value)

    def typed_items(self, owner: Any, name: str, path: str, cls: type) -> list[tuple[str, Any]]:
        items = getattr(owner, name)
        where = join_path(path, name)
        if not isinstance(items, tuple):
            self.add(where, f"must be a list of {cls.__name__}", items)
            return []
        good = []
        for i, item in enumerate(items):
            if isinstance(item, cls):
                good.append((f"{where}[{i}]", item))
            else:
                self.add(f"{where}[{i}]", f"must be a {cls.__name__}, got {type(item).__name__}")
        return good

    def unique(self, kind: str, ids: list[tuple[str, str | None]]) -> None:
        seen: dict[str, str] = {}
        for path, value in ids:
            if not isinstance(value, str):
                continue  # a missing or malformed id is reported on its own
            if value in seen:
                self.add(
                    join_path(path, "id"),
                    f"duplicate {kind} id; first used at {seen[value]}",
                    value,
                )
            else:
                seen[value] = join_path(path, "id")

    # -- objects ------------------------------------------------------------------------
    def check(self) -> list[Problem]:
        jm = self.map
        self.identifier(jm, "")
        self.text(jm, "name", "", required=True)
        self.text(jm, "description", "")
        personas = self.typed_items(jm, "personas", "", Persona)
        stages = self.typed_items(jm, "stages", "", Stage)
        objectives = self.typed_items(jm, "objectives", "", Objective)
        if isinstance(jm.personas, tuple) and not jm.personas:
            self.add("personas", "a map needs at least one persona (the journey is theirs)")
        if isinstance(jm.stages, tuple) and not jm.stages:
            self.add("stages", "a map needs at least one stage")

        self.check_personas(personas)
        touchpoints = [
            (join_path(p, "touchpoints") + f"[{i}]", tp)
            for p, stage in stages
            if isinstance(stage.touchpoints, tuple)
            for i, tp in enumerate(stage.touchpoints)
            if isinstance(tp, Touchpoint)
        ]
        pain_points = [
            (f"{p}.pain_points[{i}]", pp)
            for p, tp in touchpoints
            if isinstance(tp.pain_points, tuple)
            for i, pp in enumerate(tp.pain_points)
            if isinstance(pp, PainPoint)
        ]
        self.pain_point_ids = {pp.id for _, pp in pain_points if isinstance(pp.id, str)}
        for path, stage in stages:
            self.check_stage(stage, path)
        self.check_event_bindings(touchpoints)
        for path, objective in objectives:
            self.check_objective(objective, path)
        self.check_metadata(jm.metadata)

        self.unique("persona", [(p, persona.id) for p, persona in personas])
        self.unique("stage", [(p, s.id) for p, s in stages])
        self.unique("touchpoint", [(p, tp.id) for p, tp in touchpoints])
        self.unique("pain point", [(p, pp.id) for p, pp in pain_points])
        opportunities = [
            (f"{p}.opportunities[{i}]", op)
            for p, tp in touchpoints
            if isinstance(tp.opportunities, tuple)
            for i, op in enumerate(tp.opportunities)
            if isinstance(op, Opportunity)
        ]
        self.unique("opportunity", [(p, op.id) for p, op in opportunities])
        self.unique("objective", [(p, o.id) for p, o in objectives])
        return self.problems

    def check_personas(self, personas: list[tuple[str, Persona]]) -> None:
        total = 0.0
        segments: dict[str, str] = {}
        for path, persona in personas:
            pid = self.identifier(persona, path)
            if pid is not None:
                self.persona_ids.add(pid)
            self.text(persona, "name", path, required=True)
            self.text(persona, "description", path)
            self.strings(persona, "goals", path)
            self.strings(persona, "frustrations", path)
            share = self.number(persona, "share", path, low=0.0, high=1.0, optional=True)
            total += share or 0.0
            segment = persona.segment
            if segment is not None:
                if not isinstance(segment, str) or not segment.strip():
                    self.add(
                        join_path(path, "segment"), "must be a non-empty string or absent", segment
                    )
                elif segment in segments:
                    self.add(
                        join_path(path, "segment"),
                        f"segment already identifies the persona at {segments[segment]}; each "
                        "persona needs its own segment value",
                        segment,
                    )
                else:
                    segments[segment] = path
        if total > 1.0 + _SHARE_TOLERANCE:
            self.add("personas", "persona shares must sum to at most 1", round(total, 6))

    def check_stage(self, stage: Stage, path: str) -> None:
        self.identifier(stage, path)
        self.text(stage, "name", path, required=True)
        self.text(stage, "description", path)
        self.text(stage, "owner", path)
        touchpoints = self.typed_items(stage, "touchpoints", path, Touchpoint)
        if isinstance(stage.touchpoints, tuple) and not stage.touchpoints:
            self.add(join_path(path, "touchpoints"), "a stage needs at least one touchpoint")
        for tp_path, touchpoint in touchpoints:
            self.check_touchpoint(touchpoint, tp_path)

    def check_touchpoint(self, tp: Touchpoint, path: str) -> None:
        self.identifier(tp, path)
        self.text(tp, "name", path, required=True)
        for name in ("channel", "owner", "expectation"):
            self.text(tp, name, path)
        self.choice(tp, "ownership", path, OWNERSHIPS)
        self.strings(tp, "actions", path)
        self.strings(tp, "thoughts", path)
        self.strings(tp, "events", path)
        self.check_emotion(tp.emotion, join_path(path, "emotion"))
        for pp_path, pain_point in self.typed_items(tp, "pain_points", path, PainPoint):
            self.check_pain_point(pain_point, pp_path)
        for op_path, opportunity in self.typed_items(tp, "opportunities", path, Opportunity):
            self.check_opportunity(opportunity, op_path)

    def check_emotion(self, emotion: Any, path: str) -> None:
        if not isinstance(emotion, Mapping):
            self.add(path, "must be a mapping of persona id to a score in -2..+2", emotion)
            return
        low, high = EMOTION_RANGE
        for key, score in emotion.items():
            where = join_path(path, key)
            if key not in self.persona_ids:
                self.add(
                    where,
                    f"not a persona id; known personas: {_choices(sorted(self.persona_ids))}",
                    key,
                )
            if not _is_number(score) or not math.isfinite(score):
                self.add(where, f"emotion must be a number in {low:g}..{high:+g}", score)
            elif not low <= score <= high:
                self.add(where, f"emotion must lie in {low:g}..{high:+g}", score)

    def check_pain_point(self, pp: PainPoint, path: str) -> None:
        self.text(pp, "text", path, required=True)
        self.choice(pp, "severity", path, SEVERITIES)
        self.identifier(pp, path, required=False)
        self.strings(pp, "personas", path)
        self.references(pp.personas, join_path(path, "personas"), self.persona_ids, "persona")

    def check_opportunity(self, op: Opportunity, path: str) -> None:
        self.text(op, "text", path, required=True)
        self.choice(op, "effort", path, EFFORTS)
        self.text(op, "owner", path)
        self.number(op, "expected_effect", path, low=0.0, high=1.0, optional=True)
        self.identifier(op, path, required=False)
        self.strings(op, "addresses", path)
        self.references(
            op.addresses, join_path(path, "addresses"), self.pain_point_ids, "pain point"
        )

    def references(self, values: Any, path: str, known: set[str], kind: str) -> None:
        if not isinstance(values, tuple):
            return
        for i, value in enumerate(values):
            if isinstance(value, str) and value not in known:
                close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}? " if close else ""
                shown = _choices(sorted(known)) if known else "none defined"
                self.add(f"{path}[{i}]", f"unknown {kind} id; {hint}known: {shown}", value)

    def check_event_bindings(self, touchpoints: list[tuple[str, Touchpoint]]) -> None:
        bound: dict[str, str] = {}
        for path, tp in touchpoints:
            if not isinstance(tp.events, tuple):
                continue
            for i, event in enumerate(tp.events):
                if not isinstance(event, str):
                    continue
                if event in bound:
                    self.add(
                        f"{path}.events[{i}]",
                        f"event already binds the touchpoint at {bound[event]}; an event name "
                        "may represent only one touchpoint",
                        event,
                    )
                else:
                    bound[event] = path

    def check_objective(self, objective: Objective, path: str) -> None:
        self.identifier(objective, path)
        self.text(objective, "kpi", path, required=True)
        target = self.number(objective, "target", path)
        baseline = self.number(objective, "baseline", path, optional=True)
        deadline = objective.deadline
        if isinstance(deadline, dt.datetime) or not isinstance(deadline, dt.date):
            self.add(
                join_path(path, "deadline"), "must be a date (ISO format YYYY-MM-DD)", deadline
            )
        for name in ("owner", "unit", "description"):
            self.text(objective, name, path)
        self.choice(objective, "direction", path, DIRECTIONS)
        if target is not None and baseline is not None and objective.direction in DIRECTIONS:
            if objective.direction == "increase" and target <= baseline:
                self.add(
                    join_path(path, "target"),
                    f"direction is 'increase' but the target is not above the baseline "
                    f"{baseline:g}",
                    target,
                )
            if objective.direction == "decrease" and target >= baseline:
                self.add(
                    join_path(path, "target"),
                    f"direction is 'decrease' but the target is not below the baseline "
                    f"{baseline:g}",
                    target,
                )

    def check_metadata(self, metadata: Any) -> None:
        if not isinstance(metadata, Mapping):
            self.add("metadata", "must be a mapping of free key/value pairs", metadata)
            return
        self._json_like(metadata, "metadata")

    def _json_like(self, value: Any, path: str) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                if not isinstance(key, str):
                    self.add(join_path(path, key), "metadata keys must be strings", key)
                self._json_like(item, join_path(path, key))
        elif isinstance(value, tuple | list):
            for i, item in enumerate(value):
                self._json_like(item, f"{path}[{i}]")
        elif isinstance(value, float) and not math.isfinite(value):
            self.add(path, "metadata numbers must be finite (JSON has no NaN or infinity)", value)
        elif value is not None and not isinstance(value, str | bool | int | float):
            self.add(
                path,
                "metadata values must be strings, numbers, booleans, null, lists or mappings",
                value,
            )


def find_problems(journey_map: JourneyMap) -> list[Problem]:
    """Return every semantic problem of ``journey_map`` (an empty list when it is valid)."""
    if not isinstance(journey_map, JourneyMap):
        return [Problem("(map)", f"expected a JourneyMap, got {type(journey_map).__name__}")]
    return _Checker(journey_map).check()
