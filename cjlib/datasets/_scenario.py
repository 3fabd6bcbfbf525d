"""The planted world of a simulation: signals, covariate effects, process parameters.

A :class:`Scenario` holds every knob the simulator turns that is not in the journey map itself.
The two sample maps have hand-written scenarios (:func:`scenario_for`); any other map gets a
generic one derived from its structure, so ``simulate`` works on every valid map.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cjlib.errors import DataError
from cjlib.map import JourneyMap

__all__ = ["Scenario", "SignalRule", "apply_effects", "concrete_event_names", "scenario_for"]


@dataclass(frozen=True)
class SignalRule:
    """A journey signal computed from a customer's events; it switches on at its onset time.

    Parameters
    ----------
    name : str
        Signal name (a key of ``truth["hazard"]["signals"]``).
    kind : {"any", "sequence"}
        ``"any"``: onset is the first event named in ``trigger``. ``"sequence"``: onset is the
        earliest time at which some ``trigger`` event has been followed by at least
        ``min_count`` events named in ``follow`` strictly after it and within ``window_days``.
    trigger, follow : tuple of str
        Event names.
    min_count : int
    window_days : float
    hazard_ratio : float
        Multiplicative effect on the churn hazard from onset on.
    description : str
    """

    name: str
    kind: str
    trigger: tuple[str, ...]
    follow: tuple[str, ...] = ()
    min_count: int = 1
    window_days: float = math.inf
    hazard_ratio: float = 1.0
    description: str = ""

    def rule_text(self) -> str:
        """Return the exact rule in words (stored in the truth)."""
        if self.kind == "any":
            return f"onset = timestamp of the customer's first event in {list(self.trigger)}"
        return (
            f"onset = earliest timestamp t such that some event in {list(self.trigger)} at time d "
            f"is followed by at least {self.min_count} events in {list(self.follow)} with "
            f"d < timestamp <= d + {self.window_days:g} days, the {self.min_count}th of which is "
            "at t"
        )


@dataclass(frozen=True)
class Scenario:
    """Everything planted besides the map (see ``docs/adr/0003-simulator.md``)."""

    conversion_touchpoint: str
    cycle_stage: str
    churn_touchpoint: str | None = None
    transaction_touchpoint: str | None = None
    scheduled: Mapping[str, float] = field(default_factory=dict)  # touchpoint id -> period days
    emission: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    loops: Mapping[str, float] = field(default_factory=dict)
    stage_entry: Mapping[str, float] = field(default_factory=dict)  # stage id -> multiplier
    return_weight: float = 0.5  # later stages -> first touchpoint of the cycle stage
    touchpoint_entry: Mapping[str, float] = field(default_factory=dict)  # tp id -> multiplier
    extra_edges: Mapping[tuple[str, str], float] = field(default_factory=dict)
    plans: tuple[str, ...] = ("basic", "standard", "premium")
    plan_probs: Mapping[str, tuple[float, ...]] = field(default_factory=dict)  # persona -> probs
    monthly_fee: Mapping[str, float] = field(default_factory=dict)
    confounding: Mapping[str, Mapping[tuple[str, str], float]] = field(default_factory=dict)
    signals: tuple[SignalRule, ...] = ()
    covariate_hazard_ratios: Mapping[str, float] = field(default_factory=dict)
    baseline_hazard_per_day: float = 0.0006
    age_mean: Mapping[str, float] = field(default_factory=dict)
    regions: tuple[str, ...] = ("north", "south", "east", "west", "capital")
    region_probs: tuple[float, ...] = (0.2, 0.2, 0.15, 0.15, 0.3)
    csat_touchpoints: tuple[str, ...] = ()
    nps_touchpoints: tuple[str, ...] = ()
    nps_signal_shift: Mapping[str, float] = field(default_factory=dict)
    off_map_events: tuple[str, ...] = ("cookie_consent", "password_reset", "push_notification_open")
    app_preference: Mapping[str, float] = field(default_factory=dict)  # persona -> P(app | digital)
    bgnbd: Mapping[str, float] = field(
        default_factory=lambda: {"r": 0.8, "alpha": 60.0, "a": 0.7, "b": 3.0}
    )
    gamma_gamma: Mapping[str, float] = field(
        default_factory=lambda: {"p": 6.0, "q": 4.0, "gamma": 15.0}
    )
    session_gap_median_days: float = 4.0
    csat_noise_sd: float = 0.75
    nps_noise_sd: float = 1.5
    survey_invite_prob: float = 0.4  # CSAT invitations per visit of a CSAT touchpoint
    nps_invite_prob: float = 0.15  # NPS invitations per visit of an NPS touchpoint
    response_logit: tuple[float, float] = (-0.8, 0.5)  # intercept, per unit |true emotion|
    description: str = ""


def concrete_event_names(patterns: tuple[str, ...]) -> tuple[str, ...]:
    """Turn a touchpoint's event names/patterns into names the simulator can emit."""
    names = []
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            name = pattern.replace("*", "contact").replace("?", "x")
            name = "".join(ch for ch in name if ch not in "[]!")
            names.append(name)
        else:
            names.append(pattern)
    return tuple(dict.fromkeys(names))


def _telco() -> Scenario:
    return Scenario(
        description="Mobile telecom provider: contract customers, monthly bills, add-on purchases.",
        conversion_touchpoint="contract",
        cycle_stage="usage",
        churn_touchpoint="cancellation",
        transaction_touchpoint="addon_shop",
        scheduled={"bill": 30.4375},
        emission={
            "payment": {"payment_made": 0.88, "payment_failed": 0.12},
            "plan_change": {"plan_upgrade": 0.55, "plan_downgrade": 0.45},
        },
        loops={"call_centre": 0.4, "chat": 0.25, "app": 0.35, "help_centre": 0.2},
        stage_entry={"support": 0.3, "renewal": 0.12},
        touchpoint_entry={"coverage": 0.2, "technician": 0.3, "dispute": 0.15, "roaming": 0.4},
        return_weight=0.7,
        extra_edges={
            ("bill_review", "dispute"): 0.08,
            ("payment", "dispute"): 0.04,
            ("dispute", "call_centre"): 3.0,
            ("coverage", "call_centre"): 0.8,
            ("coverage", "technician"): 0.3,
            ("help_centre", "call_centre"): 0.6,
            ("chat", "call_centre"): 0.4,
            ("data_alert", "app"): 0.6,
            ("app", "bill_review"): 0.4,
            ("renewal_offer", "retention_call"): 0.3,
        },
        plans=("basic", "standard", "premium"),
        plan_probs={"young_pro": (0.45, 0.4, 0.15), "family": (0.3, 0.45, 0.25)},
        monthly_fee={"basic": 15.0, "standard": 30.0, "premium": 55.0},
        confounding={
            "basic": {("bill_review", "dispute"): 2.5, ("payment", "dispute"): 2.5},
        },
        signals=(
            SignalRule(
                name="dispute_escalation",
                kind="sequence",
                trigger=("billing_dispute",),
                follow=("support_call",),
                min_count=2,
                window_days=14.0,
                hazard_ratio=2.0,
                description="a billing dispute followed by 2+ support calls within 14 days",
            ),
            SignalRule(
                name="onboarding_completed",
                kind="any",
                trigger=("onboarding_complete",),
                hazard_ratio=0.6,
                description="finished the welcome tour in the app",
            ),
            SignalRule(
                name="coverage_problem",
                kind="any",
                trigger=("coverage_issue",),
                hazard_ratio=1.4,
                description="reported or hit a network coverage issue",
            ),
        ),
        covariate_hazard_ratios={
            "plan[standard]": 0.75,
            "plan[premium]": 0.55,
            "age_per_10_years": 0.85,
            "acquisition_channel[friends]": 0.75,
            "region[capital]": 1.0,
        },
        baseline_hazard_per_day=0.0011,
        age_mean={"young_pro": 29.0, "family": 42.0},
        csat_touchpoints=("store", "delivery", "porting", "call_centre", "chat", "technician"),
        nps_touchpoints=("welcome", "app", "renewal_offer"),
        nps_signal_shift={"dispute_escalation": -2.0},
        off_map_events=(
            "password_reset",
            "push_notification_open",
            "cookie_consent",
            "speed_test_run",
            "esim_qr_download",
        ),
        app_preference={"young_pro": 0.7, "family": 0.3},
        bgnbd={"r": 0.6, "alpha": 90.0, "a": 0.8, "b": 4.0},
        gamma_gamma={"p": 5.0, "q": 4.0, "gamma": 18.0},
        session_gap_median_days=9.0,
    )


def _shop() -> Scenario:
    return Scenario(
        description="Online fashion and home shop: orders, deliveries, returns, repeat orders.",
        conversion_touchpoint="order_confirmation",
        cycle_stage="use_returns",
        churn_touchpoint="account_closure",
        transaction_touchpoint="repeat_order",
        emission={
            "payment": {"payment_authorised": 0.9, "payment_declined": 0.1},
            "courier": {"parcel_delivered": 0.8, "delivery_delayed": 0.2},
            "support": {"support_email": 0.45, "support_chat": 0.55},
        },
        loops={"support": 0.45, "tracking": 0.5, "product_page": 0.6, "help_centre": 0.2},
        stage_entry={"service": 0.5},
        touchpoint_entry={"loyalty_programme": 0.25, "refund": 0.3},
        extra_edges={
            ("courier", "support"): 0.5,
            ("courier", "tracking"): 0.3,
            ("tracking", "support"): 0.3,
            ("returns_portal", "support"): 0.2,
            ("refund", "support"): 0.4,
            ("unboxing", "returns_portal"): 0.25,
            ("newsletter", "help_centre"): 0.1,
            ("loyalty_programme", "support"): 0.08,
        },
        plans=("standard", "plus"),
        plan_probs={"trend_seeker": (0.75, 0.25), "busy_parent": (0.55, 0.45)},
        monthly_fee={"standard": 0.0, "plus": 4.99},
        confounding={"standard": {("courier", "support"): 2.0, ("tracking", "support"): 2.0}},
        signals=(
            SignalRule(
                name="delivery_escalation",
                kind="sequence",
                trigger=("delivery_delayed",),
                follow=("support_email", "support_chat"),
                min_count=2,
                window_days=14.0,
                hazard_ratio=2.2,
                description="a delayed delivery followed by 2+ service contacts within 14 days",
            ),
            SignalRule(
                name="loyalty_redeemed",
                kind="any",
                trigger=("loyalty_points_redeemed",),
                hazard_ratio=0.5,
                description="redeemed loyalty points",
            ),
            SignalRule(
                name="refund_received",
                kind="any",
                trigger=("refund_issued",),
                hazard_ratio=1.3,
                description="received a refund for a return",
            ),
        ),
        covariate_hazard_ratios={
            "plan[plus]": 0.6,
            "age_per_10_years": 0.9,
            "acquisition_channel[influencer]": 1.3,
        },
        baseline_hazard_per_day=0.0009,
        age_mean={"trend_seeker": 26.0, "busy_parent": 40.0},
        csat_touchpoints=("checkout", "courier", "returns_portal", "refund", "support"),
        nps_touchpoints=("unboxing", "loyalty_programme"),
        nps_signal_shift={"delivery_escalation": -2.0},
        off_map_events=(
            "cookie_consent",
            "password_reset",
            "app_update",
            "push_notification_open",
            "store_locator_view",
        ),
        app_preference={"trend_seeker": 0.75, "busy_parent": 0.4},
        bgnbd={"r": 0.9, "alpha": 70.0, "a": 0.9, "b": 3.5},
        gamma_gamma={"p": 5.0, "q": 3.5, "gamma": 40.0},
        session_gap_median_days=9.0,
    )


_BUILT_IN = {"telco": _telco, "shop": _shop}


def _generic(journey_map: JourneyMap) -> Scenario:
    stages = journey_map.stages
    conv_stage = 1 if len(stages) >= 3 else 0
    conversion = stages[conv_stage].touchpoints[-1].id
    cycle = stages[min(conv_stage + 2, len(stages) - 1)].id
    after = stages[min(conv_stage + 1, len(stages) - 1)]
    chain_tps = [tp for s in stages[conv_stage + 1 :] for tp in s.touchpoints] or list(
        journey_map.touchpoints
    )

    def mean_emotion(tp: Any) -> float:
        values = list(tp.emotion.values())
        return sum(values) / len(values) if values else 0.0

    worst = min(chain_tps, key=mean_emotion)
    worst_events = concrete_event_names(worst.events or (worst.id,))
    milestone = after.touchpoints[-1]
    milestone_events = concrete_event_names(milestone.events or (milestone.id,))
    signals = [
        SignalRule(
            name=f"repeat_{worst.id}",
            kind="sequence",
            trigger=worst_events,
            follow=worst_events,
            min_count=2,
            window_days=14.0,
            hazard_ratio=2.0,
            description=f"three or more visits of {worst.name!r} within 14 days",
        ),
    ]
    if milestone.id != worst.id:
        signals.append(
            SignalRule(
                name=f"reached_{milestone.id}",
                kind="any",
                trigger=milestone_events,
                hazard_ratio=0.6,
                description=f"reached {milestone.name!r}",
            )
        )
    personas = [p.id for p in journey_map.personas]
    return Scenario(
        description=f"Generic scenario derived from map {journey_map.id!r}.",
        conversion_touchpoint=conversion,
        cycle_stage=cycle,
        loops={worst.id: 0.5},
        plan_probs={p: (0.4, 0.4, 0.2) for p in personas},
        monthly_fee={"basic": 10.0, "standard": 20.0, "premium": 35.0},
        signals=tuple(signals),
        covariate_hazard_ratios={"plan[standard]": 0.8, "plan[premium]": 0.6},
        csat_touchpoints=tuple(tp.id for tp in chain_tps if tp.ownership == "owned")[:5],
        nps_touchpoints=(milestone.id,),
    )


def scenario_for(journey_map: JourneyMap) -> Scenario:
    """Return the built-in scenario for the sample maps, else a generic one for ``journey_map``."""
    ids = {tp.id for tp in journey_map.touchpoints}
    factory = _BUILT_IN.get(journey_map.id)
    if factory is not None:
        scenario = factory()
        needed = {scenario.conversion_touchpoint, *scenario.loops, *scenario.csat_touchpoints}
        if needed <= ids:
            return scenario
    return _generic(journey_map)


_EFFECT_KEYS = (
    "hazard_ratios",
    "baseline_hazard_per_day",
    "confounding",
    "bgnbd",
    "gamma_gamma",
    "nps_signal_shift",
    "planted_pain",
)


def apply_effects(scenario: Scenario, effects: Mapping[str, Any] | str | None) -> Scenario:
    """Return ``scenario`` with user overrides applied (see ``simulate``'s ``effects``)."""
    if effects is None:
        return scenario
    if isinstance(effects, str):
        if effects != "null":
            raise DataError(f"effects: got {effects!r}; allowed: a mapping, None or 'null'")
        signals = {s.name: 1.0 for s in scenario.signals}
        covs = dict.fromkeys(scenario.covariate_hazard_ratios, 1.0)
        effects = {
            "hazard_ratios": {**signals, **covs},
            "confounding": 0.0,
            "nps_signal_shift": dict.fromkeys(scenario.nps_signal_shift, 0.0),
        }
    if not isinstance(effects, Mapping):
        raise DataError(
            f"effects: expected a mapping, None or 'null'; got {type(effects).__name__}"
        )
    unknown = sorted(set(effects) - set(_EFFECT_KEYS))
    if unknown:
        raise DataError(f"effects: unknown key(s) {unknown}; allowed: {list(_EFFECT_KEYS)}")
    changes: dict[str, Any] = {}
    if "hazard_ratios" in effects:
        changes.update(_hazard_ratio_changes(scenario, effects["hazard_ratios"]))
    if "baseline_hazard_per_day" in effects:
        changes["baseline_hazard_per_day"] = _positive(
            effects["baseline_hazard_per_day"], "effects['baseline_hazard_per_day']"
        )
    if "confounding" in effects:
        strength = _nonneg(effects["confounding"], "effects['confounding']")
        # strength 1 keeps the planted multipliers, 0 removes confounding (multipliers -> 1)
        changes["confounding"] = {
            plan: {edge: (1.0 + (m - 1.0) * strength) for edge, m in edges.items()}
            for plan, edges in scenario.confounding.items()
        }
    for key, names in (("bgnbd", ("r", "alpha", "a", "b")), ("gamma_gamma", ("p", "q", "gamma"))):
        if key in effects:
            given = effects[key]
            if not isinstance(given, Mapping) or not set(given) <= set(names):
                raise DataError(f"effects[{key!r}]: expected a mapping with keys from {names}")
            merged = {**getattr(scenario, key)}
            for name, value in given.items():
                merged[name] = _positive(value, f"effects[{key!r}][{name!r}]")
            changes[key] = merged
    if "nps_signal_shift" in effects:
        shift = effects["nps_signal_shift"]
        known = {s.name for s in scenario.signals}
        if not isinstance(shift, Mapping) or not set(shift) <= known:
            raise DataError(
                f"effects['nps_signal_shift']: expected a mapping with keys from {sorted(known)}"
            )
        changes["nps_signal_shift"] = {**scenario.nps_signal_shift, **shift}
    if "planted_pain" in effects:
        changes.update(_planted_pain(changes.get("signals", scenario.signals), scenario, effects))
    return dataclasses.replace(scenario, **changes)


def _planted_pain(
    signals: tuple[SignalRule, ...], scenario: Scenario, effects: Mapping[str, Any]
) -> dict[str, Any]:
    """A loop at one touchpoint whose repeat within 14 days raises the churn hazard.

    Planted by :func:`cjlib.datasets.plant_map_differences` (a real pain point that the
    designed map lacks); the signal is named ``planted_repeat_<touchpoint>`` in the truth.
    """
    spec = effects["planted_pain"]
    keys = {"touchpoint", "events", "loop", "hazard_ratio"}
    if not isinstance(spec, Mapping) or set(spec) != keys:
        raise DataError(f"effects['planted_pain']: expected a mapping with keys {sorted(keys)}")
    tp = str(spec["touchpoint"])
    events = tuple(str(e) for e in spec["events"])
    loop = _positive(spec["loop"], "effects['planted_pain']['loop']")
    hr = _positive(spec["hazard_ratio"], "effects['planted_pain']['hazard_ratio']")
    rule = SignalRule(
        name=f"planted_repeat_{tp}",
        kind="sequence",
        trigger=events,
        follow=events,
        min_count=1,
        window_days=14.0,
        hazard_ratio=hr,
        description=f"came back to {tp} within 14 days (planted pain point)",
    )
    loops = {**scenario.loops, tp: scenario.loops.get(tp, 0.0) + loop}
    return {"signals": (*signals, rule), "loops": loops}


def _hazard_ratio_changes(scenario: Scenario, ratios: Any) -> dict[str, Any]:
    if not isinstance(ratios, Mapping):
        raise DataError("effects['hazard_ratios']: expected a mapping of name -> hazard ratio")
    signals = {s.name: s for s in scenario.signals}
    covs = dict(scenario.covariate_hazard_ratios)
    allowed = sorted(signals) + sorted(covs)
    new_signals = dict(signals)
    for name, value in ratios.items():
        hr = _positive(value, f"effects['hazard_ratios'][{name!r}]")
        if name in signals:
            new_signals[name] = dataclasses.replace(signals[name], hazard_ratio=hr)
        elif name in covs:
            covs[name] = hr
        else:
            raise DataError(f"effects['hazard_ratios']: unknown name {name!r}; allowed: {allowed}")
    return {"signals": tuple(new_signals.values()), "covariate_hazard_ratios": covs}


def _positive(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise DataError(f"{name}: got {value!r}; expected a number > 0")
    return float(value)


def _nonneg(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise DataError(f"{name}: got {value!r}; expected a number >= 0")
    return float(value)
