"""``moments_that_matter``: touchpoints whose linked signal puts the most value at risk.

value at risk (per horizon) = reach × effect × value per customer, where

* **reach** — customers at risk per horizon: those exposed to a harmful signal, or those
  *not* exposed to a protective one (e.g. customers who never complete onboarding), from the
  link table's group sizes, scaled from the measured period to the horizon;
* **effect** — the harm per customer at risk: the extra churn probability (risk difference,
  or the adjusted odds ratio turned into a risk difference) for binary outcomes, the value
  lost (difference in means) for continuous ones;
* **value per customer** — what losing a customer costs over the horizon: the CLV you pass,
  or else revenue per customer-year from the measured map's customers table. For continuous
  outcomes the effect is already in value units and the value per customer is 1. Logs without
  revenue (clickstreams): pass ``clv=`` the value of one conversion (for a conversion outcome
  the effect is conversions per customer), or ``rank_by="customers"`` to rank by customers
  lost / conversions missed (value per customer 1, the unit ``"customers"``).

The interval is a parametric (Monte-Carlo) bootstrap: each draw takes the effect from a
split normal that matches the link interval on both sides, the reach from a binomial, and the
value per customer from the normal sampling distribution of its mean.

A signal lands on the touchpoint whose events it is built from: the trigger (``after``) of
``repeat_within`` / ``time_between`` signals, otherwise its events (first touchpoint in map
order), read from the signal spec you pass (``signals``); failing that, from the signal's
name (``has_billing_dispute`` → the touchpoint of ``billing_dispute``). ``signal_touchpoints``
names the touchpoint (or a pain point id) explicitly and wins.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cjlib.action._result import ActionResult
from cjlib.errors import DataError
from cjlib.map._model import SEVERITIES, JourneyMap, PainPoint, Stage, Touchpoint
from cjlib.stats._link import check_direction, direction_words

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from cjlib.action._measure import MeasuredMap

__all__ = ["MomentsResult", "moments_that_matter"]

_PREFIXES = ("has_", "n_", "first_", "last_", "time_")
COLUMNS = [
    "touchpoint", "stage", "pain_point", "signal", "owner", "at_risk", "reach",
    "reach_observed", "effect", "effect_ci_low", "effect_ci_high", "q", "value_per_customer",
    "value_at_risk", "value_at_risk_ci_low", "value_at_risk_ci_high", "mapped_by",
]


class MomentsResult(ActionResult):
    """Result of :func:`moments_that_matter`: one row per (signal, touchpoint), largest value
    at risk first. See :func:`moments_that_matter` for the columns."""

    def plot(self, top: int = 15) -> go.Figure:
        """Value at risk per moment with its bootstrap interval, coloured by owner."""
        import plotly.graph_objects as go

        from cjlib.plot._style import apply_base_layout, color_for

        t = self._table.head(top).iloc[::-1]  # plotly draws the first category at the bottom
        owners = list(dict.fromkeys(self._table["owner"].fillna("—")))
        fig = go.Figure()
        for k, owner in enumerate(owners):
            rows = t[t["owner"].fillna("—") == owner]
            if not len(rows):
                continue
            labels = _bar_labels(rows)
            fig.add_trace(go.Bar(
                x=rows["value_at_risk"], y=labels, orientation="h", name=owner,
                marker={"color": color_for(k)},
                error_x={
                    "type": "data", "symmetric": False,
                    "array": rows["value_at_risk_ci_high"] - rows["value_at_risk"],
                    "arrayminus": rows["value_at_risk"] - rows["value_at_risk_ci_low"],
                    "color": "#455a64", "thickness": 1.5,
                },
                customdata=np.column_stack([
                    rows["stage"], rows["pain_point"].fillna("—"), rows["reach"].round(0),
                    rows["effect"], rows["q"], rows["at_risk"],
                ]),
                hovertemplate=(
                    "<b>%{y}</b><br>stage %{customdata[0]} · pain point %{customdata[1]}"
                    "<br>%{customdata[2]} customers (%{customdata[5]}) × effect "
                    "%{customdata[3]:.3f} (q=%{customdata[4]:.2g})"
                    "<br>value at risk %{x:,.0f}<extra>%{fullData.name}</extra>"
                ),
            ))
        fig.update_layout(barmode="overlay", legend={"title": {"text": "owner"}})
        # one trace per owner would order the bars by owner; keep the ranking instead
        fig.update_yaxes(categoryorder="array", categoryarray=_bar_labels(t))
        per = _horizon_words(self._info.get("horizon")) or "measured period"
        what = "customers at risk" if self._info.get("unit") == "customers" else "value at risk"
        fig.update_xaxes(title=f"{what} per {per}",
                         zeroline=True, zerolinecolor="#90a4ae")
        apply_base_layout(fig, title="Moments that matter", height=180 + 34 * len(t))
        fig.update_layout(legend={"title": {"text": "owner"}})
        return fig


def _bar_labels(rows: pd.DataFrame) -> list[str]:
    return [f"{tp} · {sig}" for tp, sig in zip(rows["touchpoint"], rows["signal"], strict=True)]


def _horizon_words(horizon: Any) -> str:
    """``"1Y"`` → ``"year"``, ``"2Y"`` → ``"2 years"``, ``"180D"`` → ``"180 days"``."""
    if horizon is None or horizon == "":
        return ""
    years = re.fullmatch(r"\s*(\d+(?:\.\d+)?)?\s*[Yy]\s*", str(horizon))
    if years:
        n = float(years.group(1) or 1)
        return "year" if n == 1 else f"{n:g} years"
    try:
        td = pd.Timedelta(horizon)
    except (TypeError, ValueError):
        return str(horizon)
    for unit, seconds in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        n = td.total_seconds() / seconds
        if n >= 1 and n == int(n):
            return unit if n == 1 else f"{int(n)} {unit}s"
    return str(td)


# ----------------------------------------------------------------------------- mapping
def _pain_point_index(jm: JourneyMap) -> dict[str, tuple[Stage, Touchpoint, PainPoint]]:
    return {pp.id: (st, tp, pp) for st, tp in jm.iter_touchpoints() for pp in tp.pain_points
            if pp.id}


def _worst_pain_point(tp: Touchpoint) -> str | None:
    ranked = [pp for pp in tp.pain_points if pp.id]
    if not ranked:
        return None
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return max(ranked, key=lambda pp: order.get(pp.severity, -1)).id  # first of the worst


def _touchpoint_of_events(jm: JourneyMap, names: Sequence[str]) -> Touchpoint | None:
    for name in names:
        for _, tp in jm.iter_touchpoints():
            if any(fnmatch.fnmatchcase(name, pat) or fnmatch.fnmatchcase(pat, name)
                   for pat in tp.events):
                return tp
    return None


def _spec_of(signals: Any) -> dict[str, Any]:
    """Signal name → Signal, from a SignalsResult, a list of signals or a mapping."""
    if signals is None:
        return {}
    spec = getattr(signals, "spec", signals)
    if isinstance(spec, Mapping):
        items = [sig.named(str(k)) if hasattr(sig, "named") else sig for k, sig in spec.items()]
    elif isinstance(spec, Sequence) and not isinstance(spec, str):
        items = list(spec)
    else:
        raise DataError(
            "signals must be a SignalsResult (log.signals(...)), a list of signals or a "
            f"mapping name → signal; got {type(signals).__name__}"
        )
    out = {}
    for sig in items:
        if not hasattr(sig, "kind") or not hasattr(sig, "name"):
            raise DataError(f"signals holds {sig!r}, not a signal built with cjlib.events")
        out[sig.name] = sig
    return out


def _locate(
    jm: JourneyMap,
    signal: str,
    explicit: Mapping[str, str],
    spec: Mapping[str, Any],
) -> tuple[Touchpoint, str | None, str] | None:
    """(touchpoint, pain point id, how) of a signal, or None."""
    pain = _pain_point_index(jm)
    if signal in explicit:
        target = explicit[signal]
        if target in pain:
            return pain[target][1], target, "explicit"
        try:
            tp = jm.touchpoint(target)
        except (KeyError, LookupError):
            tp = None
        if tp is None:
            raise DataError(
                f"signal_touchpoints[{signal!r}] = {target!r} is neither a touchpoint id nor a "
                f"pain point id of the map; touchpoints: {[t.id for t in jm.touchpoints]}"
            )
        return tp, _worst_pain_point(tp), "explicit"
    sig = spec.get(signal)
    if sig is not None:
        names = tuple(sig.after) or tuple(sig.events)
        if getattr(sig, "level", "event") == "touchpoint":
            tp = next((t for t in jm.touchpoints if t.id in names), None)
        else:
            tp = _touchpoint_of_events(jm, names)
        if tp is not None:
            return tp, _worst_pain_point(tp), f"spec ({sig.kind})"
    stem = signal
    for prefix in _PREFIXES:
        if stem.startswith(prefix):
            stem = stem[len(prefix):]
            break
    tp = next((t for t in jm.touchpoints if t.id == stem), None) or _touchpoint_of_events(
        jm, [stem]
    )
    if tp is not None:
        return tp, _worst_pain_point(tp), "name"
    return None


# ----------------------------------------------------------------------------- numbers
def _direction(link_result: Any, higher_is_worse: Any) -> bool:
    """The outcome's direction: the argument, else the one stated on the link result."""
    given = check_direction(higher_is_worse)
    stated = getattr(link_result, "higher_is_worse", None)
    info = getattr(link_result, "info", {})
    if stated is None:
        stated = info.get("higher_is_worse")
    if stated is None and info.get("direction") in ("lower_is_better", "higher_is_better"):
        stated = info["direction"] == "lower_is_better"  # a find_signals result
    stated = check_direction(stated, "link_result.higher_is_worse")
    outcome = getattr(link_result, "outcome", None) or "the outcome"
    if given is not None and stated is not None and given != stated:
        raise DataError(
            f"higher_is_worse={given} contradicts the link result, which states "
            f"{direction_words(outcome, stated)!r}; pass the same direction or leave "
            "higher_is_worse=None to use the link's"
        )
    if given is None and stated is None:
        raise DataError(
            f"the direction of outcome {outcome!r} is not stated: pass higher_is_worse=True "
            "(a higher outcome is a loss, e.g. churned) or higher_is_worse=False (a gain, "
            "e.g. purchased or revenue) to cjlib.stats.link(...) or to moments_that_matter(...)"
        )
    return given if given is not None else bool(stated)


def _horizon_factor(horizon: Any, period: tuple[pd.Timestamp, pd.Timestamp]) -> tuple[float, str]:
    if horizon is None:
        return 1.0, ""
    years = re.fullmatch(r"\s*(\d+(?:\.\d+)?)?\s*[Yy]\s*", horizon) \
        if isinstance(horizon, str) else None
    try:
        td = (pd.Timedelta(days=365.25 * float(years.group(1) or 1)) if years
              else pd.Timedelta(horizon))
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"horizon must be a duration such as '1Y', '180D' or None; got {horizon!r}"
        ) from exc
    if pd.isna(td) or td <= pd.Timedelta(0):
        raise DataError(f"horizon must be a positive duration; got {horizon!r}")
    span = period[1] - period[0]
    if span <= pd.Timedelta(0):
        raise DataError("the measured period is empty; pass horizon=None")
    return td / span, str(horizon)


def _value_per_customer(
    clv: Any, measured: MeasuredMap, horizon_years: float | None
) -> tuple[float, float, int, str]:
    """(mean, standard error, n, source) of the value one lost customer costs."""
    if clv is not None:
        if isinstance(clv, int | float) and not isinstance(clv, bool):
            if not np.isfinite(clv) or clv < 0:
                raise DataError(f"clv must be a non-negative number; got {clv!r}")
            return float(clv), 0.0, 0, "clv (given)"
        try:
            values = pd.to_numeric(pd.Series(np.asarray(clv).ravel()), errors="raise")
        except (TypeError, ValueError) as exc:
            raise DataError(
                "clv must be a number or per-customer numbers (Series/array); "
                f"got {type(clv).__name__}"
            ) from exc
        values = values.dropna().to_numpy(dtype="float64")
        if not len(values):
            raise DataError("clv holds no numbers")
        se = float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0
        return float(values.mean()), se, len(values), f"mean CLV of {len(values)} customers"
    customers = measured.customers
    if customers is None or "revenue" not in customers.columns:
        raise DataError(
            "value per customer unknown: pass clv=... (the value of one customer, or of one "
            "conversion for a conversion outcome), give measure() a customers table with "
            "'revenue' (and 'tenure_days' to turn it into revenue per year), or rank by "
            "customers lost with rank_by='customers'"
        )
    revenue = pd.to_numeric(customers["revenue"], errors="coerce")
    if horizon_years is not None and "tenure_days" in customers.columns:
        years = pd.to_numeric(customers["tenure_days"], errors="coerce") / 365.25
        keep = revenue.notna() & years.gt(0)
        rate = revenue[keep].sum() / years[keep].sum()  # revenue per customer-year
        per = revenue[keep] / years[keep].clip(lower=1 / 12)
        se = float(per.std(ddof=1) / np.sqrt(keep.sum())) * horizon_years
        return float(rate * horizon_years), se, int(keep.sum()), (
            "revenue per customer-year × horizon (customers table)")
    keep = revenue.dropna()
    return float(keep.mean()), float(keep.std(ddof=1) / np.sqrt(len(keep))), len(keep), (
        "mean revenue per customer (customers table)")


def _rd_from_or(odds_ratio: np.ndarray, p0: np.ndarray) -> np.ndarray:
    """Risk difference from an odds ratio at the unexposed risk p0 (Zhang & Yu 1998, JAMA
    280:1690): RR = OR / (1 − p0 + p0·OR), RD = p0 (RR − 1)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rr = odds_ratio / (1 - p0 + p0 * odds_ratio)
    return p0 * (rr - 1)


def _effects(table: pd.DataFrame, kind: str, effect: str) -> pd.DataFrame:
    if kind == "binary" and effect == "adjusted":
        needed = ["or_adj", "or_adj_ci_low", "or_adj_ci_high", "rate_unexposed"]
        missing = [c for c in needed if c not in table.columns]
        if missing:
            raise DataError(f"effect='adjusted' needs link columns {missing} (fit with controls)")
        p0 = table["rate_unexposed"].to_numpy(dtype="float64")
        est = _rd_from_or(table["or_adj"].to_numpy(dtype="float64"), p0)
        lo = _rd_from_or(table["or_adj_ci_low"].to_numpy(dtype="float64"), p0)
        hi = _rd_from_or(table["or_adj_ci_high"].to_numpy(dtype="float64"), p0)
        q = table["q_adj"] if "q_adj" in table.columns else table["q"]
    elif effect == "adjusted":
        est, lo, hi = (table[c].to_numpy(dtype="float64") for c in
                       ("effect_adj", "effect_adj_ci_low", "effect_adj_ci_high"))
        q = table["q_adj"] if "q_adj" in table.columns else table["q"]
    else:
        est, lo, hi = (table[c].to_numpy(dtype="float64") for c in ("effect", "ci_low", "ci_high"))
        q = table["q"]
    return pd.DataFrame({"est": est, "lo": lo, "hi": hi, "q": q.to_numpy()}, index=table.index)


def moments_that_matter(
    measured_map: MeasuredMap,
    link_result: Any,
    *,
    clv: float | Sequence[float] | pd.Series | None = None,
    signals: Any = None,
    signal_touchpoints: Mapping[str, str] | None = None,
    horizon: Any = "1Y",
    effect: str = "rd",
    higher_is_worse: bool | None = None,
    rank_by: str = "value",
    confidence: float = 0.95,
    n_boot: int = 4000,
    seed: int | None = 0,
) -> MomentsResult:
    """Rank the touchpoints whose linked signal puts the most value at risk per horizon.

    Parameters
    ----------
    measured_map : MeasuredMap
        From :func:`cjlib.measure` (gives the map, the measured period and the customers).
    link_result : LinkResult
        From :func:`cjlib.stats.link` (one row per signal, e.g. outcome ``churned``) or
        :func:`cjlib.stats.find_signals` (its signals are placed by the events they are
        built from, and its outcome direction is used when ``higher_is_worse`` is None).
    clv : float or per-customer numbers, optional
        Value of one customer over the horizon (e.g. CLV predictions), or for a conversion
        outcome (``purchased``) the value of one conversion. Default: revenue per
        customer-year from the customers table given to :func:`cjlib.measure`, × horizon.
    signals : SignalsResult or list/mapping of signals, optional
        The spec the signal table was built with: each signal lands on the touchpoint of the
        events it is built from (the trigger of sequence signals).
    signal_touchpoints : mapping, optional
        Signal name → touchpoint id or pain point id; wins over the spec and names.
    horizon : str, timedelta or None, default "1Y"
        Period the value at risk is stated for ("1Y", "90D"); None: the measured period.
    effect : {"rd", "adjusted"}
        Binary outcomes: the risk difference (Newcombe interval) or the adjusted odds ratio
        turned into a risk difference at the unexposed risk (Zhang & Yu 1998). Continuous:
        the difference in means or the adjusted (OLS) difference.
    higher_is_worse : bool, optional
        The outcome's direction: True when a higher outcome is a loss (``churned``), False
        when it is a gain (``purchased``, ``revenue``). Default: the direction stated on the
        link result (``link(..., higher_is_worse=...)``). One of the two is required: the
        direction decides whether a signal's customers are costed as a loss or as a missed
        gain, so it is never guessed.
    rank_by : {"value", "customers"}, default "value"
        ``"customers"`` ranks by customers at risk × effect (customers lost or conversions
        missed per horizon) with no money value: for logs without revenue. ``clv`` is then
        not used; ``info["unit"]`` is ``"customers"``.
    confidence : float
        Level of the bootstrap interval of the value at risk.
    n_boot : int
        Bootstrap draws.
    seed : int or None
        Seed of the bootstrap.

    Returns
    -------
    MomentsResult
        ``.table`` sorted by ``value_at_risk`` (descending), columns ``touchpoint``,
        ``stage``, ``pain_point`` (the explicit one, else the touchpoint's most severe, else
        None), ``signal``, ``owner`` (touchpoint owner, else stage owner), ``at_risk``
        (``"exposed"`` or ``"not exposed"``), ``reach`` (customers at risk per horizon),
        ``reach_observed``, ``effect`` (harm per customer at risk, > 0) with
        ``effect_ci_low/high``, ``q`` (BH q-value of the link), ``value_per_customer``,
        ``value_at_risk`` with ``value_at_risk_ci_low/high``, ``mapped_by``.

    Examples
    --------
    >>> import cjlib
    >>> from cjlib.datasets import load_map, simulate
    >>> from cjlib.events import repeat_within
    >>> jm = load_map("telco")
    >>> data = simulate(jm, 600, seed=3)
    >>> log = cjlib.EventLog.from_pandas(data.events)
    >>> mm = cjlib.measure(jm, log, customers=data.customers)
    >>> spec = [repeat_within("support_call", after="billing_dispute", window="14D",
    ...                       name="dispute_escalation")]
    >>> sig = log.signals(spec)
    >>> df = data.customers.merge(sig.table, on="customer_id")
    >>> res = cjlib.stats.link(df, outcome="churned", signals=["dispute_escalation"],
    ...                        higher_is_worse=True)
    >>> top = moments_that_matter(mm, res, signals=sig).table.iloc[0]
    >>> top["touchpoint"], top["owner"]
    ('dispute', 'billing')
    """
    from cjlib.action._measure import MeasuredMap

    if not isinstance(measured_map, MeasuredMap):
        raise DataError(
            f"measured_map must be the result of cjlib.measure(); got {type(measured_map).__name__}"
        )
    table = getattr(link_result, "table", None)
    needed = ["effect", "ci_low", "ci_high", "q", "n_exposed", "n_unexposed"]
    if not isinstance(table, pd.DataFrame) or any(c not in table.columns for c in needed):
        raise DataError(
            "link_result must be the result of cjlib.stats.link() (a table with columns "
            f"{needed}); got {type(link_result).__name__}"
        )
    kind = getattr(link_result, "kind", "binary")
    if rank_by not in ("value", "customers"):
        raise DataError(f"rank_by must be 'value' or 'customers'; got {rank_by!r}")
    if effect not in ("rd", "adjusted"):
        raise DataError(f"effect must be 'rd' or 'adjusted'; got {effect!r}")
    if not isinstance(confidence, float | int) or not 0 < confidence < 1:
        raise DataError(f"confidence must be a number between 0 and 1; got {confidence!r}")
    if not isinstance(n_boot, int) or isinstance(n_boot, bool) or n_boot < 200:
        raise DataError(f"n_boot must be an integer >= 200; got {n_boot!r}")
    explicit = dict(signal_touchpoints or {})
    unknown = sorted(set(explicit) - set(map(str, table.index)))
    if unknown:
        raise DataError(
            f"signal_touchpoints names signal(s) {unknown} that the link result does not have; "
            f"it has {list(map(str, table.index))}"
        )
    worse = _direction(link_result, higher_is_worse)
    factor, horizon_label = _horizon_factor(horizon, measured_map.period)
    horizon_years = None
    if horizon is not None:
        span_years = (measured_map.period[1] - measured_map.period[0]) / pd.Timedelta(
            days=365.25)
        horizon_years = factor * span_years
    if rank_by == "customers":
        value, value_se = 1.0, 0.0
        value_source = "count-based: customers lost or conversions missed (rank_by='customers')"
    elif kind == "binary":
        value, value_se, _, value_source = _value_per_customer(clv, measured_map, horizon_years)
    else:
        value, value_se, value_source = 1.0, 0.0, "outcome units (continuous outcome)"

    jm = measured_map.journey_map
    spec = _spec_of(signals if signals is not None else getattr(link_result, "spec", None))
    eff = _effects(table, kind, effect)
    alpha_link = float(getattr(link_result, "info", {}).get("alpha", 0.05))
    z_link = NormalDist().inv_cdf(1 - alpha_link / 2)
    rng = np.random.default_rng(seed)
    lo_q, hi_q = 50 * (1 - confidence), 100 - 50 * (1 - confidence)
    stage_of = {tp.id: st for st, tp in jm.iter_touchpoints()}
    rows, warnings = [], []
    for signal, row in table.iterrows():
        name = str(signal)
        where = _locate(jm, name, explicit, spec)
        if where is None:
            warnings.append(
                f"signal {name!r}: no touchpoint found from its spec or name; pass "
                "signal_touchpoints={...} to place it"
            )
            continue
        tp, pain_point, how = where
        est, lo, hi = (float(eff.loc[signal, c]) for c in ("est", "lo", "hi"))
        if not np.isfinite(est):
            warnings.append(f"signal {name!r}: no effect estimate (see the link warnings)")
            continue
        if not worse:
            est, lo, hi = -est, -hi, -lo
        exposed = est >= 0
        if not exposed:  # a protective signal: those who miss it are at risk
            est, lo, hi = -est, -hi, -lo
        n_exp, n_unexp = int(row["n_exposed"]), int(row["n_unexposed"])
        observed = n_exp if exposed else n_unexp
        n_all = n_exp + n_unexp
        # split normal through the link interval: each side keeps its own width
        z = rng.standard_normal(n_boot)
        upper = (hi - est) / z_link if np.isfinite(hi) else 0.0
        lower = (est - lo) / z_link if np.isfinite(lo) else 0.0
        effect_draws = est + np.where(z > 0, z * upper, z * lower)
        reach_draws = rng.binomial(n_all, observed / n_all if n_all else 0.0, n_boot) * factor
        value_draws = value + value_se * rng.standard_normal(n_boot)
        var_draws = reach_draws * effect_draws * value_draws
        st = stage_of[tp.id]
        reach = observed * factor
        rows.append({
            "touchpoint": tp.id,
            "stage": st.id,
            "pain_point": pain_point,
            "signal": name,
            "owner": tp.owner or st.owner or None,
            "at_risk": "exposed" if exposed else "not exposed",
            "reach": reach,
            "reach_observed": observed,
            "effect": est,
            "effect_ci_low": lo,
            "effect_ci_high": hi,
            "q": float(eff.loc[signal, "q"]),
            "value_per_customer": value,
            "value_at_risk": reach * est * value,
            "value_at_risk_ci_low": float(np.percentile(var_draws, lo_q)),
            "value_at_risk_ci_high": float(np.percentile(var_draws, hi_q)),
            "mapped_by": how,
        })
    out = pd.DataFrame(rows, columns=COLUMNS)
    out = out.sort_values("value_at_risk", ascending=False, kind="stable").reset_index(drop=True)
    return MomentsResult(
        out,
        title=f"Moments that matter: {'customers' if rank_by == 'customers' else 'value'} "
        "at risk per "
        f"{_horizon_words(horizon_label) or 'measured period'}",
        info={
            "outcome": getattr(link_result, "outcome", None),
            "direction": direction_words(getattr(link_result, "outcome", "outcome"), worse),
            "effect": f"{'risk difference' if kind == 'binary' else 'difference'}"
                      f"{' (adjusted)' if effect == 'adjusted' else ''}",
            "horizon": horizon_label or None,
            "period": f"{measured_map.period[0].date()} .. {measured_map.period[1].date()}",
            "value_per_customer": round(value, 2),
            "value_source": value_source,
            "unit": "customers" if rank_by == "customers" else "value",
            "bootstrap_draws": n_boot,
            "confidence": confidence,
        },
        warnings=warnings,
    )
