"""The planted truth of a simulation as plain, JSON-serialisable data."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cjlib.datasets._chain import Chain
from cjlib.datasets._scenario import Scenario
from cjlib.datasets._walk import HOUR_WEIGHTS, WEEKEND_POSTPONE
from cjlib.map import JourneyMap

__all__ = ["build_truth"]


def _day_str(day: float) -> str:
    return str(np.datetime64(round(day * 86400), "s"))


def build_truth(
    journey_map: JourneyMap,
    scenario: Scenario,
    chain: Chain,
    emotions: dict[str, dict[str, float]],
    *,
    persona_ids: tuple[str, ...],
    persona_shares: np.ndarray,
    conversion_prob: np.ndarray,
    seed: int,
    start_day: float,
    end_day: float,
) -> dict[str, Any]:
    """Collect every planted parameter (see ``docs/adr/0003-simulator.md``)."""
    states = list(chain.states)
    transitions = {
        persona: {
            plan: np.round(chain.matrices[p_i, q_i], 6).tolist()
            for q_i, plan in enumerate(scenario.plans)
        }
        for p_i, persona in enumerate(persona_ids)
    }
    signals = {
        rule.name: {
            "kind": rule.kind,
            "trigger": list(rule.trigger),
            "follow": list(rule.follow),
            "min_count": rule.min_count,
            "window_days": None if math.isinf(rule.window_days) else rule.window_days,
            "rule": rule.rule_text(),
            "description": rule.description,
            "hazard_ratio": rule.hazard_ratio,
            "log_hazard_ratio": math.log(rule.hazard_ratio),
            "time_varying": True,
        }
        for rule in scenario.signals
    }
    covariates = {
        name: {"hazard_ratio": hr, "log_hazard_ratio": math.log(hr)}
        for name, hr in scenario.covariate_hazard_ratios.items()
    }
    b0, b1 = scenario.response_logit
    return {
        "map_id": journey_map.id,
        "seed": seed,
        "start": _day_str(start_day),
        "end": _day_str(end_day),
        "time_unit": "days",
        "scenario": scenario.description,
        "personas": {
            p: {"share": float(s), "conversion_probability": float(c)}
            for p, s, c in zip(persona_ids, persona_shares, conversion_prob, strict=True)
        },
        "plans": {
            "levels": list(scenario.plans),
            "probabilities": {p: list(v) for p, v in scenario.plan_probs.items()},
            "monthly_fee": dict(scenario.monthly_fee),
        },
        "covariates": {
            "age": {p: {"mean": scenario.age_mean.get(p, 38.0), "sd": 6.0} for p in persona_ids},
            "regions": dict(zip(scenario.regions, scenario.region_probs, strict=True)),
            "acquisition_channel": "id of the first touchpoint a customer visited",
        },
        "hazard": {
            "model": (
                "h(t) = baseline_per_day * exp(sum of covariate log-HRs + sum over signals of "
                "log-HR * 1[t >= onset]); t in days since start_date; constant baseline"
            ),
            "baseline_per_day": scenario.baseline_hazard_per_day,
            "covariate_coding": (
                "'column[level]' is 1 when the column equals level (reference: the other "
                "levels); 'age_per_10_years' multiplies (age - 40) / 10"
            ),
            "covariates": covariates,
            "signals": signals,
            "censoring": "administrative at 'end'",
        },
        "confounding": {
            "description": (
                "the plan changes transition probabilities that lead to a signal; plan also "
                "has its own hazard ratio, so a signal's unadjusted effect is biased"
            ),
            "transition_multipliers": {
                plan: [{"from": a, "to": b, "multiplier": m} for (a, b), m in edges.items()]
                for plan, edges in scenario.confounding.items()
            },
        },
        "transitions": {
            "states": states,
            "note": (
                "rows: from, columns: to; EXIT = drop-off / going quiet. Scheduled, purchase "
                "and churn touchpoints are not chain states; off-map events are not states."
            ),
            "initial": {
                p: np.round(chain.initial[i], 6).tolist() for i, p in enumerate(persona_ids)
            },
            "matrices": transitions,
            "conversion_touchpoint": scenario.conversion_touchpoint,
            "cycle_stage": scenario.cycle_stage,
            "emission": {
                states[i]: dict(
                    zip(evs, np.round(chain.emission[i, : len(evs)], 6).tolist(), strict=True)
                )
                for i, evs in enumerate(chain.state_events)
            },
        },
        "scheduled_touchpoints": {
            "monthly": {tp: period for tp, period in scenario.scheduled.items()},
            "purchases": scenario.transaction_touchpoint,
            "churn": scenario.churn_touchpoint,
        },
        "off_map_events": list(scenario.off_map_events),
        "true_emotion": emotions,
        "surveys": {
            "csat_touchpoints": list(scenario.csat_touchpoints),
            "nps_touchpoints": list(scenario.nps_touchpoints),
            "invite_probability": {
                "csat": scenario.survey_invite_prob,
                "nps": scenario.nps_invite_prob,
            },
            "csat": f"round(3 + true_emotion + N(0, {scenario.csat_noise_sd})) clipped to 1..5",
            "nps": (
                f"round(7 + 1.5 * true_emotion + shift + N(0, {scenario.nps_noise_sd})) "
                "clipped to 0..10"
            ),
            "nps_signal_shift": dict(scenario.nps_signal_shift),
            "response_model": {
                "form": "logit P(respond | invited) = intercept + slope * |true_emotion|",
                "intercept": b0,
                "slope": b1,
                "odds_ratio_per_unit_abs_emotion": math.exp(b1),
            },
        },
        "bgnbd": {**scenario.bgnbd, "time_unit": "days"},
        "gamma_gamma": dict(scenario.gamma_gamma),
        "revenue": {
            "definition": (
                "monthly_fee * (number of started months) + sum of transaction amounts "
                "(initial purchase at start_date plus repeat purchases)"
            ),
            "mean_transaction_amount": scenario.gamma_gamma["p"]
            * scenario.gamma_gamma["gamma"]
            / (scenario.gamma_gamma["q"] - 1)
            if scenario.gamma_gamma["q"] > 1
            else None,
        },
        "sessions": {
            "gap_median_days": scenario.session_gap_median_days,
            "hour_weights": HOUR_WEIGHTS.tolist(),
            "weekend_postpone_probability": WEEKEND_POSTPONE,
            "off_map_rate": 0.1,
        },
    }
