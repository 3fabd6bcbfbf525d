"""CSAT and NPS answers driven by the planted true emotion, with noise and non-response."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cjlib.datasets._chain import Chain
from cjlib.datasets._scenario import Scenario

__all__ = ["survey_answers", "survey_visits"]

_GOOD_COMMENTS = ("Quick and friendly", "Exactly what I expected", "Easy, thank you")
_BAD_FALLBACK = "Not happy with how this went"


def survey_answers(
    rng: np.random.Generator,
    scenario: Scenario,
    visits: pd.DataFrame,
    pain_texts: dict[str, tuple[str, ...]],
) -> pd.DataFrame:
    """Turn touchpoint visits into survey answers.

    ``visits`` has columns ``c`` (customer position), ``customer_id``, ``t`` (int seconds),
    ``touchpoint``, ``event``, ``kind`` ("csat"/"nps"), ``emotion`` (true emotion of the visit's
    touchpoint for the customer's persona), ``shift`` (NPS shift from active signals) and ``end``
    (seconds; answers after it are dropped).
    """
    n = len(visits)
    is_csat = (visits["kind"] == "csat").to_numpy()
    invite = np.where(is_csat, scenario.survey_invite_prob, scenario.nps_invite_prob)
    invited = rng.random(n) < invite
    b0, b1 = scenario.response_logit
    emotion = visits["emotion"].to_numpy()
    p_respond = 1.0 / (1.0 + np.exp(-(b0 + b1 * np.abs(emotion))))
    responded = invited & (rng.random(n) < p_respond)
    csat = np.clip(np.rint(3.0 + emotion + rng.normal(0, scenario.csat_noise_sd, n)), 1, 5)
    nps_latent = 7.0 + 1.5 * emotion + visits["shift"].to_numpy()
    nps = np.clip(np.rint(nps_latent + rng.normal(0, scenario.nps_noise_sd, n)), 0, 10)
    score = np.where(is_csat, csat, nps)
    delay = 300 + np.floor(rng.exponential(0.5 * 86400, n)).astype(np.int64)
    when = visits["t"].to_numpy() + delay
    keep = responded & (when <= visits["end"].to_numpy())
    low = np.where(is_csat, score <= 2, score <= 6)
    high = np.where(is_csat, score >= 5, score >= 9)
    write = rng.random(n)
    pick = rng.random(n)
    comments: list[str | None] = []
    for i in np.flatnonzero(keep):
        if low[i] and write[i] < 0.35:
            texts = pain_texts.get(visits["touchpoint"].iat[i]) or (_BAD_FALLBACK,)
            comments.append(texts[int(pick[i] * len(texts))])
        elif high[i] and write[i] < 0.15:
            comments.append(_GOOD_COMMENTS[int(pick[i] * len(_GOOD_COMMENTS))])
        else:
            comments.append(None)
    sel = visits.loc[keep]
    return pd.DataFrame(
        {
            "customer_id": sel["customer_id"].to_numpy(),
            "timestamp": when[keep].astype("datetime64[s]").astype("datetime64[ns]"),
            "touchpoint": sel["touchpoint"].to_numpy(),
            "event": sel["event"].to_numpy(),
            "kind": sel["kind"].to_numpy(),
            "score": score[keep].astype(np.int64),
            "comment": pd.Series(comments, dtype=object),
        }
    )


def survey_visits(
    scenario: Scenario,
    chain: Chain,
    rows: dict[str, np.ndarray],
    ids: np.ndarray,
    customer_persona: np.ndarray,
    onsets: np.ndarray,
    stop_sec: np.ndarray,
) -> pd.DataFrame:
    """Customer visits of CSAT/NPS touchpoints, with the true emotion and NPS shift of each."""
    kinds = {t: "csat" for t in scenario.csat_touchpoints}
    kinds.update({t: "nps" for t in scenario.nps_touchpoints})
    touch = rows["touch"]
    mask = (rows["kind"] == 0) & np.isin(touch, list(kinds))
    pos = rows["pos"][mask]
    tps = touch[mask]
    kind = np.array([kinds[t] for t in tps], dtype=object)
    state_index = {t: i for i, t in enumerate(chain.states)}
    states = np.array([state_index[t] for t in tps], dtype=int)
    shift = np.zeros(pos.size)
    for k, rule in enumerate(scenario.signals):
        amount = scenario.nps_signal_shift.get(rule.name, 0.0)
        if amount:
            shift += amount * (onsets[pos, k] <= rows["sec"][mask])
    return pd.DataFrame(
        {
            "c": pos,
            "customer_id": ids[mask],
            "t": rows["sec"][mask],
            "touchpoint": tps,
            "event": rows["name"][mask],
            "kind": kind,
            "emotion": chain.emotions[customer_persona[pos], states],
            "shift": np.where(kind == "nps", shift, 0.0),
            "end": stop_sec[pos],
        }
    )
