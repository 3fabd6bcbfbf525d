"""Survey scores of the measured map: CSAT, NPS and the measured emotion, with intervals.

The measured emotion puts both survey kinds on the map's −2…+2 scale with a linear map of
each scale's ends onto the emotion range: CSAT 1…5 → ``score − 3`` (1 → −2, 3 → 0, 5 → +2)
and NPS 0…10 → ``(score − 5) / 2.5`` (0 → −2, 5 → 0, 10 → +2).

Examples
--------
>>> to_emotion(pd.Series(["csat", "nps"]), pd.Series([5, 0])).tolist()
[2.0, -2.0]
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from cjlib.errors import Problem, SchemaError

__all__ = ["SCALES", "check_surveys", "mean_ci", "nps_ci", "score_summary", "to_emotion"]

#: Allowed score range per survey kind.
SCALES: dict[str, tuple[int, int]] = {"csat": (1, 5), "nps": (0, 10)}


def to_emotion(kind: pd.Series, score: pd.Series) -> pd.Series:
    """Survey scores mapped linearly onto the map's −2…+2 emotion scale."""
    score = score.astype("float64")
    out = pd.Series(np.nan, index=score.index, dtype="float64")
    csat = kind.eq("csat").to_numpy()
    nps = kind.eq("nps").to_numpy()
    out[csat] = score[csat] - 3.0
    out[nps] = (score[nps] - 5.0) / 2.5
    return out


def check_surveys(surveys: object) -> pd.DataFrame:
    """Validate the surveys contract; return a copy with ``kind`` lower-cased, ``score`` float."""
    if not isinstance(surveys, pd.DataFrame):
        raise SchemaError(
            [Problem("surveys", "must be a pandas DataFrame", type(surveys).__name__)],
            title="surveys must be a pandas DataFrame",
        )
    problems: list[Problem] = []
    missing = [c for c in ("customer_id", "kind", "score") if c not in surveys.columns]
    if "touchpoint" not in surveys.columns and "event" not in surveys.columns:
        missing.append("touchpoint (or event)")
    for col in missing:
        problems.append(Problem(f"surveys.{col}", "required column is missing", None))
    if problems:
        raise SchemaError(
            problems,
            title="surveys is missing required columns (contract: customer_id, timestamp, "
            "touchpoint or event, kind 'csat'|'nps', score)",
        )
    df = surveys.copy()
    df["customer_id"] = df["customer_id"].astype(str)
    df["kind"] = df["kind"].astype(str).str.lower()
    bad_kind = ~df["kind"].isin(list(SCALES))
    if bad_kind.any():
        examples = sorted(df.loc[bad_kind, "kind"].unique().tolist())[:5]
        problems.append(Problem("surveys.kind", "must be 'csat' or 'nps'", examples))
    score = pd.to_numeric(df["score"], errors="coerce")
    not_numeric = score.isna() & df["score"].notna()
    if not_numeric.any():
        problems.append(
            Problem(
                "surveys.score", "must be numeric", df.loc[not_numeric, "score"].head(3).tolist()
            )
        )
    for kind, (low, high) in SCALES.items():
        rows = df["kind"].eq(kind) & score.notna() & ~score.between(low, high)
        if rows.any():
            problems.append(
                Problem(
                    "surveys.score",
                    f"{kind.upper()} scores must lie in {low}..{high}",
                    score[rows].head(3).tolist(),
                )
            )
    if problems:
        raise SchemaError(problems, title="surveys has invalid values")
    df["score"] = score.astype("float64")
    return df[score.notna()]


def mean_ci(values: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Mean and Student-t interval (NaN bounds below two responses)."""
    from scipy import stats

    values = np.asarray(values, dtype="float64")
    n = len(values)
    if n == 0:
        return np.nan, np.nan, np.nan
    mean = float(values.mean())
    if n < 2:
        return mean, np.nan, np.nan
    se = float(values.std(ddof=1)) / np.sqrt(n)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * se
    return mean, mean - half, mean + half


def nps_ci(scores: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Net Promoter Score (−100…100) with a Wald interval from the multinomial variance.

    NPS = 100 (p_P − p_D); Var(p_P − p_D) = (p_P + p_D − (p_P − p_D)²) / n, the variance of a
    difference of two proportions of one multinomial sample.
    """
    scores = np.asarray(scores, dtype="float64")
    n = len(scores)
    if n == 0:
        return np.nan, np.nan, np.nan
    promoters = float(np.mean(scores >= 9))
    detractors = float(np.mean(scores <= 6))
    diff = promoters - detractors
    se = np.sqrt(max(promoters + detractors - diff**2, 0.0) / n)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    if n < 2:
        return 100 * diff, np.nan, np.nan
    return 100 * diff, 100 * max(diff - z * se, -1.0), 100 * min(diff + z * se, 1.0)


def score_summary(group: pd.DataFrame, confidence: float) -> dict[str, float]:
    """CSAT, NPS and measured emotion (each with n and interval) of one group of responses."""
    csat = group.loc[group["kind"].eq("csat"), "score"].to_numpy()
    nps = group.loc[group["kind"].eq("nps"), "score"].to_numpy()
    emotion = group["emotion"].to_numpy()
    c, c_lo, c_hi = mean_ci(csat, confidence)
    p, p_lo, p_hi = nps_ci(nps, confidence)
    e, e_lo, e_hi = mean_ci(emotion, confidence)
    return {
        "csat_n": len(csat),
        "csat": c,
        "csat_ci_low": c_lo,
        "csat_ci_high": c_hi,
        "nps_n": len(nps),
        "nps": p,
        "nps_ci_low": p_lo,
        "nps_ci_high": p_hi,
        "emotion_n": len(emotion),
        "measured_emotion": e,
        "emotion_ci_low": e_lo,
        "emotion_ci_high": e_hi,
    }
