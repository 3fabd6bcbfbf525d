"""``prioritise``: the map's opportunities, costed and ranked by the value they can recover.

Examples
--------
>>> import pandas as pd
>>> from cjlib.map import JourneyMap, Opportunity, PainPoint, Stage, Touchpoint
>>> from cjlib.action import prioritise
>>> bill = Touchpoint(id="bill", name="Bill", owner="billing",
...     pain_points=(PainPoint(text="Unreadable", severity="high", id="pp_bill"),),
...     opportunities=(Opportunity(text="Plain bill", effort="S", owner="billing",
...                                expected_effect=0.5, id="op_bill",
...                                addresses=("pp_bill",)),))
>>> jm = JourneyMap(id="m", name="M", stages=(Stage(id="billing", name="Billing",
...                                                 touchpoints=(bill,)),))
>>> moments = pd.DataFrame({"touchpoint": ["bill"], "pain_point": ["pp_bill"],
...     "value_at_risk": [10_000.0], "q": [0.001]})
>>> prioritise(jm, moments).table[["opportunity_id", "expected_value", "score"]]
  opportunity_id  expected_value   score
0        op_bill          5000.0  5000.0
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cjlib._text import SummaryText
from cjlib.action._backlog_export import backlog_html, backlog_markdown
from cjlib.action._confidence import evidence_confidence
from cjlib.action._inputs import check_choice
from cjlib.action._result import ActionResult
from cjlib.errors import DataError, Problem, SchemaError
from cjlib.map import EFFORTS, JourneyMap

__all__ = ["DEFAULT_EFFORT_WEIGHTS", "QUADRANTS", "Backlog", "prioritise"]

#: Relative cost of each T-shirt size (each size doubles the work).
DEFAULT_EFFORT_WEIGHTS: dict[str, float] = {"S": 1.0, "M": 2.0, "L": 4.0, "XL": 8.0}
#: Quadrants of the impact–effort matrix: (high impact?, high effort?) -> name.
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, False): "quick win",
    (True, True): "big bet",
    (False, False): "fill-in",
    (False, True): "money pit",
}
METHODS = ("rice", "value_effort")
MOMENT_COLUMNS = (
    "touchpoint", "stage", "pain_point", "signal", "owner", "reach", "effect", "effect_ci_low",
    "effect_ci_high", "q", "value_per_customer", "value_at_risk", "value_at_risk_ci_low",
    "value_at_risk_ci_high",
)
_REQUIRED = ("touchpoint", "pain_point", "value_at_risk")
_NUMERIC = ("reach", "effect", "effect_ci_low", "effect_ci_high", "q", "value_per_customer",
            "value_at_risk", "value_at_risk_ci_low", "value_at_risk_ci_high")


class Backlog(ActionResult):
    """Result of :func:`prioritise`: a ranked, owned, costed action plan.

    ``.table``: one row per opportunity, best first: ``rank``, ``opportunity_id``,
    ``opportunity`` (text), ``owner``, ``stage``, ``touchpoint``, ``effort``,
    ``effort_weight``, ``addresses``, ``linked_by`` ("pain_point", "touchpoint" or "none"),
    the evidence of its strongest linked moment (``signal``, ``effect``, ``effect_ci_low``,
    ``effect_ci_high``, ``q``), ``reach``, ``value_at_risk`` (with CI), ``expected_effect``
    (share of the value at risk it recovers), ``expected_value`` (with CI), ``impact``
    (expected value per reached customer), ``confidence``, ``score`` and ``quadrant``.
    ``.uncovered``: measured moments that no opportunity addresses (value at risk nobody has
    an idea for yet).
    """

    def __init__(self, table: pd.DataFrame, *, uncovered: pd.DataFrame, currency: str,
                 impact_threshold: float, effort_threshold: float, **kwargs: Any) -> None:
        super().__init__(table, **kwargs)
        self._uncovered = uncovered.copy()
        self.currency = currency
        self.impact_threshold = impact_threshold
        self.effort_threshold = effort_threshold

    @property
    def uncovered(self) -> pd.DataFrame:
        """Moments with value at risk that no opportunity of the map addresses (a copy)."""
        return self._uncovered.copy()

    def _notes(self) -> list[str]:
        notes = []
        measured = self._table[self._table["linked_by"] != "none"]
        if len(measured):
            top = measured.iloc[0]
            notes.append(
                f"Top action: {top['opportunity']} ({top['opportunity_id']}, owner "
                f"{top['owner']}, effort {top['effort']}), expected to recover "
                f"{_money(top['expected_value'], self.currency)} a year."
            )
        if len(self._uncovered):
            lost = float(self._uncovered["value_at_risk"].abs().sum())
            notes.append(
                f"{len(self._uncovered)} measured moments ({_money(lost, self.currency)} at "
                "risk) have no opportunity on the map yet: see .uncovered."
            )
        return notes

    def summary(self) -> str:
        """The action plan as plain text: facts, the ranked plan, notes and warnings."""
        from cjlib.action._backlog_export import plan_text

        lines = [self._title, "=" * len(self._title)]
        lines += [f"{key}: {_fact(value)}" for key, value in self._info.items()]
        lines += ["", plan_text(self._table, self.currency)]
        notes = self._notes()
        if notes:
            lines += ["", *notes]
        if self._warnings:
            lines += ["", "Warnings:", *(f"  - {w}" for w in self._warnings)]
        return SummaryText("\n".join(lines))

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python data (with the uncovered moments)."""
        from cjlib.action._result import plain

        out = super().to_dict()
        out["uncovered"] = plain(self._uncovered)
        return out

    def plot(self, **kwargs: Any) -> Any:
        """The impact–effort matrix (see :func:`cjlib.plot._matrix.impact_effort_matrix`)."""
        from cjlib.plot._matrix import impact_effort_matrix

        return impact_effort_matrix(self, **kwargs)

    def to_csv(self, path: str | Path) -> Path:
        """Write the backlog as CSV (lists joined by ``;``) and return the path."""
        target = Path(path)
        table = self._table.copy()
        table["addresses"] = table["addresses"].map(";".join)
        table.to_csv(target, index=False)
        return target

    def to_markdown(self) -> str:
        """The action plan as a Markdown table (cell text escaped)."""
        return backlog_markdown(self._table, currency=self.currency)

    def to_html(self) -> str:
        """The action plan as a standalone HTML document (all text HTML-escaped)."""
        return backlog_html(self._table, title=self._title, notes=self._notes(),
                            currency=self.currency)

    def _repr_html_(self) -> str:
        body = backlog_html(self._table, title=self._title, notes=self._notes(),
                            currency=self.currency, standalone=False)
        warn = "".join(f"<li>{html.escape(w)}</li>" for w in self._warnings)
        return body + (f"<p><b>Warnings</b></p><ul>{warn}</ul>" if warn else "")


def _fact(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def _money(value: float, currency: str) -> str:
    if value is None or not np.isfinite(value):
        return "n/a"
    return f"{value:,.0f} {currency}".strip()


def _moments_frame(moments: Any) -> pd.DataFrame:
    table = getattr(moments, "table", moments)
    if not isinstance(table, pd.DataFrame):
        raise DataError(
            "moments: expected the result of cjlib.action.moments_that_matter or a DataFrame "
            f"with columns {list(MOMENT_COLUMNS)}; got {type(moments).__name__}"
        )
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise SchemaError(
            [Problem(c, f"required column is missing; available: {list(table.columns)}")
             for c in missing],
            title="moments table",
        )
    frame = table.loc[:, [c for c in MOMENT_COLUMNS if c in table.columns]].copy()
    for col in MOMENT_COLUMNS:
        if col not in frame.columns:
            frame[col] = np.nan if col in _NUMERIC else None
    problems = []
    for col in _NUMERIC:
        numbers = pd.to_numeric(frame[col], errors="coerce")
        bad = frame[col].notna() & numbers.isna()
        if bad.any():
            problems.append(Problem(col, "expected numbers", frame.loc[bad, col].head(3).tolist()))
        frame[col] = numbers.astype(float)
    if problems:
        raise SchemaError(problems, title="moments table")
    frame["pain_point"] = frame["pain_point"].astype(object).where(frame["pain_point"].notna(),
                                                                   None)
    frame["touchpoint"] = frame["touchpoint"].astype(str)
    return frame.reset_index(drop=True)


def _effort_weights(effort_weights: Mapping[str, float] | None) -> dict[str, float]:
    weights = dict(DEFAULT_EFFORT_WEIGHTS)
    if effort_weights is None:
        return weights
    if not isinstance(effort_weights, Mapping):
        raise DataError(f"effort_weights: expected a mapping effort -> positive number, e.g. "
                        f"{DEFAULT_EFFORT_WEIGHTS}; got {effort_weights!r}")
    for key, value in effort_weights.items():
        if key not in EFFORTS:
            raise DataError(f"effort_weights: unknown effort {key!r}; allowed: {list(EFFORTS)}")
        if not isinstance(value, int | float) or not np.isfinite(value) or value <= 0:
            raise DataError(f"effort_weights[{key!r}]: expected a positive number, got {value!r}")
        weights[key] = float(value)
    return weights


def _confidence_override(confidence: Any, ids: list[str]) -> dict[str, float] | float | None:
    def check(name: str, value: Any) -> float:
        if not isinstance(value, int | float) or not 0 < value <= 1:
            raise DataError(f"{name}: expected a number in (0, 1], got {value!r}")
        return float(value)

    if confidence is None:
        return None
    if isinstance(confidence, Mapping):
        unknown = [k for k in confidence if k not in ids]
        if unknown:
            raise DataError(f"confidence: unknown opportunity ids {unknown}; known: {ids}")
        return {k: check(f"confidence[{k!r}]", v) for k, v in confidence.items()}
    return check("confidence", confidence)


def _magnitude(value: float, low: float, high: float) -> tuple[float, float, float]:
    """|value| with the matching interval (an interval that spans zero starts at zero)."""
    if not np.isfinite(value):
        return np.nan, np.nan, np.nan
    if value >= 0:
        return value, low, high
    lo, hi = -high, -low
    return -value, lo, hi


def _evidence(linked: pd.DataFrame) -> dict[str, Any]:
    """Combine the moments an opportunity acts on (one signal counted once)."""
    linked = linked.assign(_abs=linked["value_at_risk"].abs())
    linked = linked.sort_values("_abs", ascending=False, kind="stable")
    distinct = linked.drop_duplicates(subset=["signal", "touchpoint"], keep="first")
    if distinct["signal"].isna().all():
        distinct = linked.drop_duplicates(subset=["touchpoint", "pain_point"], keep="first")
    parts = [_magnitude(v, lo, hi) for v, lo, hi in
             distinct[["value_at_risk", "value_at_risk_ci_low", "value_at_risk_ci_high"]]
             .to_numpy(dtype=float)]
    top = distinct.iloc[0]
    return {
        "signal": top["signal"], "effect": top["effect"], "effect_ci_low": top["effect_ci_low"],
        "effect_ci_high": top["effect_ci_high"], "q": top["q"],
        "reach": float(distinct["reach"].max()) if distinct["reach"].notna().any() else np.nan,
        "value_at_risk": float(sum(p[0] for p in parts)),
        "value_at_risk_ci_low": float(sum(p[1] for p in parts)),
        "value_at_risk_ci_high": float(sum(p[2] for p in parts)),
        "moments": linked.index.tolist(),
    }


def prioritise(
    journey_map: JourneyMap,
    moments: Any,
    *,
    method: str = "rice",
    confidence: float | Mapping[str, float] | None = None,
    effort_weights: Mapping[str, float] | None = None,
    default_effect: float = 0.25,
    impact_threshold: float | None = None,
    effort_threshold: str = "M",
) -> Backlog:
    """Rank the map's opportunities by the measured value they can recover per unit of effort.

    Each opportunity is joined with the measured moments it acts on: the moments of the pain
    points it ``addresses``; when none of those was measured, the touchpoint-level moments
    (no pain point) of its own touchpoint. One signal counts once. Then:

    - ``value_at_risk``: the summed value at risk of those moments per year (in magnitude: a
      protective signal such as "finished onboarding" puts the value at risk of *not*
      reaching it), with the sum of the interval bounds;
    - ``expected_value = value_at_risk × expected_effect``, the opportunity's own guess of the
      share of the problem it removes (``default_effect`` when the map has none);
    - RICE (``method="rice"``): ``reach × impact × confidence / effort`` with reach = customers
      reached by the moment, impact = expected value per reached customer, so the score is
      ``expected_value × confidence / effort_weight``; ``method="value_effort"`` drops the
      confidence: ``expected_value / effort_weight``.
    - ``confidence`` when not given is derived from the evidence of the strongest moment:
      ``tier(q) × precision`` with tier 1.0 / 0.8 / 0.5 / 0.3 for ``q ≤ 0.01 / 0.05 / 0.20 /
      above`` (0.5 when q is unknown) and ``precision = clip(1 − h/2, 0.5, 1)``, ``h`` the
      effect's CI half-width relative to the effect (see ``docs/adr/0008-prioritisation.md``).

    Opportunities with no measured moment stay in the backlog, after the measured ones,
    with ``linked_by="none"`` and no score. The quadrant splits impact at
    ``impact_threshold`` (default: the median expected value of the measured opportunities)
    and effort at ``effort_threshold`` (that size and smaller are low effort).

    Parameters
    ----------
    journey_map : JourneyMap
        The map whose opportunities are ranked.
    moments : MomentsResult or pandas.DataFrame
        The result of :func:`cjlib.action.moments_that_matter` or a table with at least
        ``touchpoint``, ``pain_point`` and ``value_at_risk`` (and, when known, ``stage``,
        ``signal``, ``owner``, ``reach``, ``effect``, ``effect_ci_low``, ``effect_ci_high``,
        ``q``, ``value_per_customer``, ``value_at_risk_ci_low``, ``value_at_risk_ci_high``).
    method : {"rice", "value_effort"}
        RICE (confidence-weighted) or plain value per unit of effort.
    confidence : float or mapping, optional
        One confidence in (0, 1] for all, or per opportunity id (others derived).
    effort_weights : mapping, optional
        Relative cost per effort size (merged with ``{"S": 1, "M": 2, "L": 4, "XL": 8}``).
    default_effect : float
        Share of the value at risk recovered by an opportunity without ``expected_effect``.
    impact_threshold : float, optional
        Expected value separating high from low impact in the quadrants.
    effort_threshold : {"S", "M", "L", "XL"}
        Largest size still counted as low effort.

    Returns
    -------
    Backlog
        ``.table`` (ranked), ``.uncovered``, ``.plot()`` (impact–effort matrix),
        ``.to_csv(path)``, ``.to_markdown()``, ``.to_html()``.

    Examples
    --------
    >>> from cjlib.datasets import load_map
    >>> import pandas as pd
    >>> jm = load_map("telco")
    >>> moments = pd.DataFrame({"touchpoint": ["dispute", "coverage"],
    ...     "pain_point": ["pp_dispute_slow", "pp_indoor_coverage"],
    ...     "value_at_risk": [120_000.0, 60_000.0], "q": [0.001, 0.001]})
    >>> backlog = prioritise(jm, moments)
    >>> backlog.table["opportunity_id"].head(3).tolist()
    ['op_dispute_credit', 'op_wifi_calling', 'op_contact_history']
    """
    if not isinstance(journey_map, JourneyMap):
        raise DataError(f"journey_map: expected a cjlib JourneyMap, got "
                        f"{type(journey_map).__name__}")
    check_choice("method", method, METHODS)
    check_choice("effort_threshold", effort_threshold, EFFORTS)
    if not isinstance(default_effect, int | float) or not 0 < default_effect <= 1:
        raise DataError(f"default_effect: expected a number in (0, 1], got {default_effect!r}")
    if impact_threshold is not None and (not isinstance(impact_threshold, int | float)
                                         or not np.isfinite(impact_threshold)):
        raise DataError(f"impact_threshold: expected a finite number, got {impact_threshold!r}")
    weights = _effort_weights(effort_weights)
    frame = _moments_frame(moments)
    ops = journey_map.opportunities_frame()
    ids = [op if isinstance(op, str) else f"{tp}#{k}" for k, (op, tp) in
           enumerate(zip(ops["opportunity_id"], ops["touchpoint_id"], strict=True))]
    override = _confidence_override(confidence, ids)

    warnings: list[str] = []
    known_tps = {tp.id for tp in journey_map.touchpoints}
    known_pps = {pp.id for tp in journey_map.touchpoints for pp in tp.pain_points if pp.id}
    odd_tp = sorted(set(frame["touchpoint"]) - known_tps)
    odd_pp = sorted({p for p in frame["pain_point"] if p is not None} - known_pps)
    if odd_tp:
        warnings.append(f"moments name touchpoints the map does not have: {odd_tp[:8]}")
    if odd_pp:
        warnings.append(f"moments name pain points the map does not have: {odd_pp[:8]}")

    rows, used = [], set()
    for k, op in ops.reset_index(drop=True).iterrows():
        addresses = tuple(op["addresses"])
        linked = frame[frame["pain_point"].isin(addresses)] if addresses else frame.iloc[:0]
        linked_by = "pain_point"
        if linked.empty:
            linked = frame[(frame["touchpoint"] == op["touchpoint_id"])
                           & frame["pain_point"].isna()]
            linked_by = "touchpoint"
        tp = journey_map.touchpoint(op["touchpoint_id"])
        stage = journey_map.stage_of(tp.id)
        effect_share = (float(op["expected_effect"]) if pd.notna(op["expected_effect"])
                        else float(default_effect))
        row: dict[str, Any] = {
            "opportunity_id": ids[k], "opportunity": op["text"],
            "owner": op["owner"] or tp.owner or stage.owner, "stage": stage.id,
            "touchpoint": tp.id, "effort": str(op["effort"]),
            "effort_weight": weights[str(op["effort"])], "addresses": addresses,
            "expected_effect": effect_share,
        }
        if linked.empty:
            row |= {"linked_by": "none", "signal": None, "effect": np.nan,
                    "effect_ci_low": np.nan, "effect_ci_high": np.nan, "q": np.nan,
                    "reach": np.nan, "value_at_risk": np.nan, "value_at_risk_ci_low": np.nan,
                    "value_at_risk_ci_high": np.nan, "confidence": np.nan}
        else:
            ev = _evidence(linked)
            used.update(ev.pop("moments"))
            derived = evidence_confidence(q=ev["q"], effect=ev["effect"],
                                          ci_low=ev["effect_ci_low"],
                                          ci_high=ev["effect_ci_high"])
            if isinstance(override, dict):
                derived = override.get(ids[k], derived)
            elif override is not None:
                derived = override
            row |= {"linked_by": linked_by, **ev, "confidence": derived}
        rows.append(row)

    table = pd.DataFrame(rows)
    if table.empty:
        raise DataError(f"journey_map {journey_map.id!r} has no opportunities to prioritise")
    for col in ("expected_value", "expected_value_ci_low", "expected_value_ci_high"):
        source = col.replace("expected_value", "value_at_risk")
        table[col] = table[source] * table["expected_effect"]
    table["impact"] = np.where(table["reach"] > 0, table["expected_value"] / table["reach"],
                               np.nan)
    factor = table["confidence"] if method == "rice" else 1.0
    table["score"] = table["expected_value"] * factor / table["effort_weight"]
    measured = table["linked_by"] != "none"
    threshold = (float(table.loc[measured, "expected_value"].median())
                 if impact_threshold is None and measured.any() else impact_threshold)
    effort_cut = weights[effort_threshold]
    table["quadrant"] = [
        QUADRANTS[(bool(v >= threshold), bool(w > effort_cut))] if m else "not measured"
        for v, w, m in zip(table["expected_value"], table["effort_weight"], measured,
                           strict=True)
    ]
    table = table.sort_values(["score", "expected_value", "effort_weight"],
                              ascending=[False, False, True], na_position="last", kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    columns = ["rank", "opportunity_id", "opportunity", "owner", "stage", "touchpoint",
               "effort", "effort_weight", "addresses", "linked_by", "signal", "effect",
               "effect_ci_low", "effect_ci_high", "q", "reach", "value_at_risk",
               "value_at_risk_ci_low", "value_at_risk_ci_high", "expected_effect",
               "expected_value", "expected_value_ci_low", "expected_value_ci_high", "impact",
               "confidence", "score", "quadrant"]
    table = table[columns].reset_index(drop=True)

    uncovered = frame.loc[[i for i in frame.index if i not in used], list(MOMENT_COLUMNS)]
    uncovered = uncovered[uncovered["value_at_risk"].abs() > 0]
    uncovered = uncovered.sort_values("value_at_risk", key=np.abs, ascending=False)
    facts = getattr(moments, "info", None)  # a DataFrame's .info is a method, not facts
    currency = str(journey_map.metadata.get("currency", "")) if journey_map.metadata else ""
    if isinstance(facts, Mapping) and facts.get("unit") == "customers":
        currency = "customers"  # count-based moments (rank_by="customers"): no money
    direction = facts.get("direction") if isinstance(facts, Mapping) else None
    info = {"map": journey_map.id, **({"direction": direction} if direction else {}),
            "method": method, "opportunities": len(table),
            "measured": int(measured.sum()), "impact_threshold": threshold,
            "effort_threshold": effort_threshold,
            "expected_value_total": float(table["expected_value"].sum())}
    title = f"Prioritised backlog for map {journey_map.id!r} ({method.replace('_', ' / ')})"
    return Backlog(table, uncovered=uncovered.reset_index(drop=True), currency=currency,
                   impact_threshold=np.nan if threshold is None else float(threshold),
                   effort_threshold=effort_cut, title=title, info=info, warnings=warnings)
