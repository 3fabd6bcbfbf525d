"""Frozen dataclasses of the designed journey map.

The shape follows the field's paper map: a map is drawn for one or more personas; it has stages
in time order; each stage has touchpoints (owned by the company, by a partner, or external such
as review sites and friends); each touchpoint records what the customer does, thinks and feels
(an emotion score on -2..+2 per persona), their expectation, pain points with a severity,
opportunities, the channel, the owning department, and the event names that represent it in
event data (the binding later layers use).

Objects are immutable: "changing" a map means building a new one with
:func:`dataclasses.replace`.

Examples
--------
>>> from cjlib.map import JourneyMap, Persona, Stage, Touchpoint, PainPoint
>>> tp = Touchpoint(id="bill", name="First bill", channel="email", owner="billing",
...                 emotion={"family": -1.0}, events=("bill_issued",),
...                 pain_points=(PainPoint(text="Unexpected roaming fee", severity="high"),))
>>> jm = JourneyMap(id="demo", name="Demo", personas=(Persona(id="family", name="Family"),),
...                 stages=(Stage(id="billing", name="Billing", touchpoints=(tp,)),))
>>> jm.touchpoint("bill").emotion["family"]
-1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DIRECTIONS",
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

#: Allowed pain-point severities, mildest first (the colours of the paper post-its).
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
#: Allowed opportunity efforts, smallest first (T-shirt sizes).
EFFORTS: tuple[str, ...] = ("S", "M", "L", "XL")
#: Who owns a touchpoint: the company, a partner, or nobody the company controls.
OWNERSHIPS: tuple[str, ...] = ("owned", "partner", "external")
#: Inclusive range of the emotion scale.
EMOTION_RANGE: tuple[float, float] = (-2.0, 2.0)
#: Whether an objective's KPI should go up or down.
DIRECTIONS: tuple[str, ...] = ("increase", "decrease")


class FrozenMapping(Mapping[str, Any]):
    """A read-only, hashable mapping (used for per-persona emotions and free metadata).

    Examples
    --------
    >>> m = FrozenMapping({"family": -1.0})
    >>> m["family"], len(m), hash(m) == hash(FrozenMapping({"family": -1.0}))
    (-1.0, 1, True)
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, Any] = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, repr(v)) for k, v in self._data.items())))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._data) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"


def _freeze_mapping(obj: Any, name: str) -> None:
    value = getattr(obj, name)
    if not isinstance(value, FrozenMapping):
        object.__setattr__(obj, name, FrozenMapping(value if value is not None else {}))


def freeze_json_value(value: Any) -> Any:
    """Return ``value`` with mappings made :class:`FrozenMapping`, lists made tuples, dates ISO.

    Free metadata must survive YAML and JSON round trips unchanged, so it is kept in the shapes
    both formats give back: nested read-only mappings, tuples for lists and ISO strings for dates.
    """
    if isinstance(value, Mapping):
        return FrozenMapping({key: freeze_json_value(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze_json_value(item) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _freeze_tuple(obj: Any, name: str) -> None:
    value = getattr(obj, name)
    if isinstance(value, str):
        object.__setattr__(obj, name, (value,))
    elif not isinstance(value, tuple):
        object.__setattr__(obj, name, tuple(value) if value is not None else ())


@dataclass(frozen=True)
class Persona:
    """A customer type the map is drawn for.

    Parameters
    ----------
    id : str
        Short identifier used as the key of emotion scores.
    name : str
        Display name.
    description : str
        Who they are.
    goals, frustrations : tuple of str
        What they want and what annoys them.
    share : float, optional
        Share of customers (0..1).
    segment : str, optional
        The value of the customers table's segment column that identifies this persona.
    """

    id: str
    name: str
    description: str = ""
    goals: tuple[str, ...] = ()
    frustrations: tuple[str, ...] = ()
    share: float | None = None
    segment: str | None = None

    def __post_init__(self) -> None:
        _freeze_tuple(self, "goals")
        _freeze_tuple(self, "frustrations")


@dataclass(frozen=True)
class PainPoint:
    """A pain point on a touchpoint (a coloured post-it on the paper map).

    Parameters
    ----------
    text : str
        What hurts.
    severity : {"low", "medium", "high", "critical"}
    id : str, optional
        Stable identifier (used for votes and for opportunities' ``addresses``).
    personas : tuple of str
        Persona ids affected; empty means all.
    """

    text: str
    severity: str = "medium"
    id: str | None = None
    personas: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _freeze_tuple(self, "personas")


@dataclass(frozen=True)
class Opportunity:
    """An improvement idea on a touchpoint.

    Parameters
    ----------
    text : str
        The idea.
    effort : {"S", "M", "L", "XL"}
    owner : str
        Department that would deliver it.
    expected_effect : float, optional
        Expected relative reduction of the linked problem (0..1), if the team has a guess.
    id : str, optional
        Stable identifier.
    addresses : tuple of str
        Ids of the pain points it addresses.
    """

    text: str
    effort: str = "M"
    owner: str = ""
    expected_effect: float | None = None
    id: str | None = None
    addresses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _freeze_tuple(self, "addresses")


@dataclass(frozen=True)
class Touchpoint:
    """A point of contact between customer and company (or a third party).

    Parameters
    ----------
    id, name : str
    channel : str
        e.g. "web", "app", "phone", "store", "email", "review site".
    owner : str
        Department responsible (marketing, sales, customer care...).
    ownership : {"owned", "partner", "external"}
        Whether the company owns the touchpoint; reviews, friends and press are external.
    actions, thoughts : tuple of str
        What the customer does and thinks.
    expectation : str
        What the customer expects here.
    emotion : mapping of persona id to float
        Designed emotion score on -2..+2 per persona.
    pain_points : tuple of PainPoint
    opportunities : tuple of Opportunity
    events : tuple of str
        Event names, or glob patterns such as ``"support_*"``, that represent this touchpoint in
        event data.
    """

    id: str
    name: str
    channel: str = ""
    owner: str = ""
    ownership: str = "owned"
    actions: tuple[str, ...] = ()
    thoughts: tuple[str, ...] = ()
    expectation: str = ""
    emotion: Mapping[str, float] = field(default_factory=FrozenMapping)
    pain_points: tuple[PainPoint, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    events: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("actions", "thoughts", "pain_points", "opportunities", "events"):
            _freeze_tuple(self, name)
        _freeze_mapping(self, "emotion")


@dataclass(frozen=True)
class Stage:
    """A stage of the journey (stages are kept in time order by the map).

    Parameters
    ----------
    id, name : str
    description : str
        The customer's goal in this stage.
    owner : str
        Department that leads this stage.
    touchpoints : tuple of Touchpoint
    """

    id: str
    name: str
    description: str = ""
    owner: str = ""
    touchpoints: tuple[Touchpoint, ...] = ()

    def __post_init__(self) -> None:
        _freeze_tuple(self, "touchpoints")


@dataclass(frozen=True)
class Objective:
    """A measurable goal of the map: KPI, target, deadline and owner.

    Parameters
    ----------
    id : str
    kpi : str
        Name of the KPI, e.g. "90-day retention".
    target : float
        Target value of the KPI.
    deadline : datetime.date
    owner : str
    baseline : float, optional
        KPI value when the objective was set.
    direction : {"increase", "decrease"}
        Whether higher or lower is better.
    unit : str
        e.g. "%", "EUR", "days".
    description : str
    """

    id: str
    kpi: str
    target: float
    deadline: dt.date
    owner: str = ""
    baseline: float | None = None
    direction: str = "increase"
    unit: str = ""
    description: str = ""


@dataclass(frozen=True)
class JourneyMap:
    """A designed customer journey map.

    Parameters
    ----------
    id, name : str
    description : str
    personas : tuple of Persona
    stages : tuple of Stage
        In time order.
    objectives : tuple of Objective
    metadata : mapping
        Free key/value pairs (author, workshop date...), kept on round trips.
    """

    id: str
    name: str
    description: str = ""
    personas: tuple[Persona, ...] = ()
    stages: tuple[Stage, ...] = ()
    objectives: tuple[Objective, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=FrozenMapping)

    def __post_init__(self) -> None:
        for name in ("personas", "stages", "objectives"):
            _freeze_tuple(self, name)
        metadata = self.metadata if self.metadata is not None else {}
        if isinstance(metadata, Mapping):
            object.__setattr__(self, "metadata", freeze_json_value(metadata))

    # -- navigation -------------------------------------------------------------------------
    def iter_touchpoints(self) -> Iterator[tuple[Stage, Touchpoint]]:
        """Yield ``(stage, touchpoint)`` pairs in journey order."""
        for stage in self.stages:
            for touchpoint in stage.touchpoints:
                yield stage, touchpoint

    @property
    def touchpoints(self) -> tuple[Touchpoint, ...]:
        """All touchpoints in journey order."""
        return tuple(tp for _, tp in self.iter_touchpoints())

    def stage(self, stage_id: str) -> Stage:
        """Return the stage with id ``stage_id`` (``KeyError`` naming the known ids if absent)."""
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(f"no stage with id {stage_id!r}; known: {[s.id for s in self.stages]}")

    def touchpoint(self, touchpoint_id: str) -> Touchpoint:
        """Return the touchpoint with id ``touchpoint_id``."""
        for _, tp in self.iter_touchpoints():
            if tp.id == touchpoint_id:
                return tp
        known = [tp.id for tp in self.touchpoints]
        raise KeyError(f"no touchpoint with id {touchpoint_id!r}; known: {known}")

    def persona(self, persona_id: str) -> Persona:
        """Return the persona with id ``persona_id``."""
        for persona in self.personas:
            if persona.id == persona_id:
                return persona
        known = [p.id for p in self.personas]
        raise KeyError(f"no persona with id {persona_id!r}; known: {known}")

    def stage_of(self, touchpoint_id: str) -> Stage:
        """Return the stage that holds touchpoint ``touchpoint_id``."""
        for stage, tp in self.iter_touchpoints():
            if tp.id == touchpoint_id:
                return stage
        raise KeyError(f"no touchpoint with id {touchpoint_id!r}")

    # -- plain data and files -------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, validate: bool = True) -> JourneyMap:
        """Build a map from plain data in the file format (as ``yaml.safe_load`` returns it).

        Parameters
        ----------
        data : mapping
            Field names exactly as the dataclasses', nested (map → stages → touchpoints →
            pain_points / opportunities); emotion as a mapping persona id → score; deadline as
            an ISO date string or a date. A lone string where a list of strings is expected
            is read as a one-item list; an empty (null) optional field as "not given".
        validate : bool, default True
            Also run :meth:`validate`, so that one error lists both the structural and the
            semantic problems. With ``False`` only structural problems raise.

        Raises
        ------
        cjlib.MapValidationError
            With ``.problems`` listing every problem: wrong shapes (a list where a mapping is
            expected), unknown fields (with the closest allowed name), missing required
            fields, and with ``validate=True`` every rule of :meth:`validate`.

        Examples
        --------
        >>> jm = JourneyMap.from_dict({
        ...     "id": "demo", "name": "Demo", "personas": [{"id": "p", "name": "P"}],
        ...     "stages": [{"id": "s", "name": "S", "touchpoints": [
        ...         {"id": "t", "name": "T", "emotion": {"p": 1}}]}]})
        >>> jm.touchpoint("t").emotion["p"]
        1.0
        """
        from cjlib.errors import MapValidationError
        from cjlib.map._codec import map_from_dict
        from cjlib.map._validate import find_problems

        journey_map, problems = map_from_dict(data)
        if journey_map is not None and validate:
            structural = [p.path for p in problems]
            for problem in find_problems(journey_map):
                if not any(_covers(path, problem.path) for path in structural):
                    problems.append(problem)
        if problems or journey_map is None:
            raise MapValidationError(problems)
        return journey_map

    def to_dict(self, *, include_defaults: bool = True) -> dict[str, Any]:
        """Return the map as plain data in the file format (dicts, lists, strings, numbers).

        Parameters
        ----------
        include_defaults : bool, default True
            With ``False``, fields still at their default value are left out (as
            :func:`cjlib.map.write_map` does); :meth:`from_dict` restores them.

        Examples
        --------
        >>> jm = JourneyMap(id="demo", name="Demo")
        >>> jm.to_dict(include_defaults=False)
        {'id': 'demo', 'name': 'Demo'}
        >>> JourneyMap.from_dict(jm.to_dict(), validate=False) == jm
        True
        """
        from cjlib.map._codec import map_to_dict

        return map_to_dict(self, include_defaults=include_defaults)

    def problems(self) -> list[Any]:
        """Return every problem of the map as :class:`cjlib.errors.Problem` (empty when valid).

        Examples
        --------
        >>> [str(p) for p in JourneyMap(id="demo", name="").problems()][:1]
        ["name: must not be empty (got '')"]
        """
        from cjlib.map._validate import find_problems

        return find_problems(self)

    def validate(self) -> JourneyMap:
        """Check every rule of a well-formed map; return the map itself when it is valid.

        The rules: ids are present, one word and unique per kind (stages, touchpoints across
        all stages, personas, pain points, opportunities, objectives); names and texts are
        non-empty strings; references resolve (emotion keys and pain-point ``personas`` are
        persona ids, opportunity ``addresses`` are pain-point ids); emotions are numbers in
        -2..+2; severity, effort, ownership and direction take their allowed values; every
        stage has a touchpoint; persona shares lie in 0..1 and sum to at most 1; persona
        segments are distinct; an event name binds at most one touchpoint; objectives have a
        date deadline and a target on the right side of their baseline; metadata is
        JSON-like.

        Returns
        -------
        JourneyMap
            ``self``, so that ``jm = JourneyMap(...).validate()`` reads naturally.

        Raises
        ------
        cjlib.MapValidationError
            ``.problems`` lists every problem, each with the field path (for example
            ``stages[2].touchpoints[0].emotion.family``), what is allowed and the bad value.

        Examples
        --------
        >>> from cjlib.errors import MapValidationError
        >>> jm = JourneyMap(id="demo", name="Demo", personas=(Persona("p", "P"),),
        ...                 stages=(Stage("s", "S", touchpoints=(
        ...                     Touchpoint("t", "T", emotion={"p": 3, "q": 0}),)),))
        >>> try:
        ...     jm.validate()
        ... except MapValidationError as err:
        ...     print([p.path for p in err.problems])
        ['stages[0].touchpoints[0].emotion.p', 'stages[0].touchpoints[0].emotion.q']
        """
        from cjlib.errors import MapValidationError

        problems = self.problems()
        if problems:
            raise MapValidationError(problems)
        return self

    # -- tables ----------------------------------------------------------------------------
    def to_frame(self) -> Any:
        """Return a tidy table with one row per touchpoint × persona.

        Columns: ``stage_id``, ``stage_name``, ``stage_order`` (1 = first stage),
        ``touchpoint_id``, ``touchpoint_name``, ``touchpoint_order`` (1 = first touchpoint of
        the journey), ``channel``, ``owner`` (the touchpoint's, else its stage's),
        ``ownership``, ``persona``, ``emotion`` (NaN when not drawn for that persona),
        ``pain_points_low`` … ``pain_points_critical`` and ``pain_points`` (counts of the pain
        points that affect that persona), ``opportunities`` (count) and ``events`` (tuple).
        A map without personas gets one row per touchpoint with a missing persona.

        Examples
        --------
        >>> jm = JourneyMap(id="demo", name="Demo", personas=(Persona("p", "P"),),
        ...                 stages=(Stage("s", "S", touchpoints=(
        ...                     Touchpoint("t", "T", emotion={"p": -1.0},
        ...                                pain_points=(PainPoint("Slow", "high"),)),)),))
        >>> jm.to_frame()[["touchpoint_id", "persona", "emotion", "pain_points_high"]]
          touchpoint_id persona  emotion  pain_points_high
        0             t       p     -1.0                 1
        """
        from cjlib.map._frame import map_to_frame

        return map_to_frame(self)

    def pain_points_frame(self) -> Any:
        """Return one row per pain point: where it sits, its text, severity and personas.

        Columns: ``stage_id``, ``touchpoint_id``, ``touchpoint_name``, ``touchpoint_order``,
        ``pain_point_id``, ``text``, ``severity`` (ordered categorical, low < … < critical),
        ``personas`` (tuple; empty means all), ``owner``, ``opportunities`` (ids of the
        opportunities that address it).

        Examples
        --------
        >>> jm = JourneyMap(id="demo", name="Demo", stages=(Stage("s", "S", touchpoints=(
        ...     Touchpoint("t", "T", pain_points=(PainPoint("Slow", "high", id="slow"),)),)),))
        >>> jm.pain_points_frame()[["pain_point_id", "severity"]]
          pain_point_id severity
        0          slow     high
        """
        from cjlib.map._frame import pain_points_frame

        return pain_points_frame(self)

    def opportunities_frame(self) -> Any:
        """Return one row per opportunity: where it sits, text, effort, owner and effect.

        Columns: ``stage_id``, ``touchpoint_id``, ``touchpoint_name``, ``touchpoint_order``,
        ``opportunity_id``, ``text``, ``effort`` (ordered categorical, S < M < L < XL),
        ``owner``, ``expected_effect`` (NaN when not given), ``addresses`` (tuple of pain
        point ids).

        Examples
        --------
        >>> from cjlib.map import Opportunity
        >>> jm = JourneyMap(id="demo", name="Demo", stages=(Stage("s", "S", touchpoints=(
        ...     Touchpoint("t", "T", opportunities=(Opportunity("Cache", "S", id="c"),)),)),))
        >>> jm.opportunities_frame()[["opportunity_id", "effort"]]
          opportunity_id effort
        0              c      S
        """
        from cjlib.map._frame import opportunities_frame

        return opportunities_frame(self)

    # -- display ---------------------------------------------------------------------------
    def _repr_html_(self) -> str:
        from cjlib.plot._canvas import render_map

        return render_map(self, standalone=False)


def _covers(parent: str, path: str) -> bool:
    """Whether a problem at ``parent`` already explains one at ``path`` (same field or inside)."""
    return path == parent or path.startswith((parent + ".", parent + "["))
