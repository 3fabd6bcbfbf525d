"""``compare_maps``: designed versus discovered, with counts and customers affected."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cjlib.discover._profile import stage_order_pairs
from cjlib.discover._result import DiscoveredMap
from cjlib.errors import DataError
from cjlib.events._binding import match_events
from cjlib.events._common import expand
from cjlib.events._results import _jsonable
from cjlib.map import JourneyMap
from cjlib.stats._intervals import wilson_ci

__all__ = ["KINDS", "MapComparison", "compare_maps"]

#: Kinds of difference, in the order the table lists them.
KINDS: tuple[str, ...] = (
    "not_in_map",
    "never_seen",
    "unobservable",
    "order_inversion",
    "handover_stall",
    "persona_gap",
    "unmapped_pain",
    "emotion_outside",
)
_COLUMNS = [
    "kind",
    "item",
    "stage",
    "detail",
    "customers",
    "events",
    "share",
    "severity",
    "evidence",
]


@dataclass(frozen=True)
class MapComparison:
    """Differences between a designed map and the discovered one.

    Attributes
    ----------
    table : DataFrame
        One row per difference: ``kind`` (see :data:`KINDS`), ``item`` (event, touchpoint,
        stage pair or persona), ``stage`` (designed stage), ``detail``, ``customers``
        affected, ``events``, ``share`` (of customers) and ``evidence``.
    designed_id : str
    n_customers : int
    """

    table: pd.DataFrame
    designed_id: str
    n_customers: int
    designed: JourneyMap | None = field(default=None, repr=False, compare=False)

    def counts(self) -> dict[str, int]:
        """Number of differences per kind (every kind listed, zeros included)."""
        got = self.table["kind"].value_counts()
        return {k: int(got.get(k, 0)) for k in KINDS}

    def summary(self) -> str:
        """One line per kind with its count, then the largest differences."""
        lines = [
            f"Designed map {self.designed_id!r} vs discovered ({self.n_customers:,} customers): "
            f"{len(self.table)} differences"
        ]
        for kind, n in self.counts().items():
            if n:
                lines.append(f"  {kind.replace('_', ' ')}: {n}")
        top = self.table.sort_values("customers", ascending=False).head(8)
        for r in top.itertuples(index=False):
            lines.append(f"  - [{r.kind}] {r.item}: {r.detail} ({int(r.customers):,} customers)")
        return "\n".join(lines)

    def amended_map(self, *, owner: str = "") -> JourneyMap:
        """The designed map with what the data showed added, for the team to accept or edit.

        Touchpoints customers use that the map lacks are added (to the designed stage the
        discovery placed them in, else the last stage), and pain points the map lacks are
        added with their measured severity. Nothing is removed: whether a never-seen
        touchpoint should go is the team's call.

        Parameters
        ----------
        owner : str
            Owner written on the added touchpoints (unknown from the data).

        Returns
        -------
        JourneyMap

        Examples
        --------
        >>> amended = diff.amended_map()  # doctest: +SKIP
        """
        from cjlib.map import PainPoint, Touchpoint, add_pain_point, add_touchpoint

        if self.designed is None:
            raise DataError("amended_map needs the MapComparison returned by compare_maps")
        jm = self.designed
        known = {s.id for s in jm.stages}
        for r in self.table.loc[self.table["kind"] == "not_in_map"].itertuples(index=False):
            if r.item.endswith("rare events"):
                continue
            stage = r.stage if r.stage in known else jm.stages[-1].id
            name = str(r.item).replace("_", " ")
            tp = Touchpoint(
                id=str(r.item), name=name[:1].upper() + name[1:], owner=owner, events=(str(r.item),)
            )
            jm = add_touchpoint(jm, stage, tp)
        for r in self.table.loc[self.table["kind"] == "unmapped_pain"].itertuples(index=False):
            tp_id, kind = str(r.item).split(": ")
            jm = add_pain_point(
                jm,
                tp_id,
                PainPoint(
                    text=f"{kind} (from data): {r.evidence}",
                    severity=r.severity,
                    id=f"pp_data_{tp_id}_{kind}",
                ),
            )
        return jm

    def plot(self, **kwargs: Any) -> Any:
        """The diff canvas (see :func:`cjlib.plot.diff_canvas`)."""
        from cjlib.plot._diff_canvas import diff_canvas

        return diff_canvas(self, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the table and the counts."""
        return {
            "kind": "MapComparison",
            "designed_id": self.designed_id,
            "n_customers": self.n_customers,
            "counts": self.counts(),
            "table": _jsonable(self.table),
        }

    def _repr_html_(self) -> str:
        return (
            f"<div><pre>{html.escape(self.summary())}</pre>{self.table.to_html(index=False)}</div>"
        )


def compare_maps(
    designed: JourneyMap,
    discovered: DiscoveredMap,
    *,
    min_reach: float | None = None,
    confidence: float = 0.95,
    stall_factor: float = 1.5,
    persona_min_share: float = 0.02,
    min_customers: int = 10,
) -> MapComparison:
    """List where the designed map and the customers' discovered journey disagree.

    Parameters
    ----------
    designed : JourneyMap
        The workshop's map.
    discovered : DiscoveredMap
        From :func:`cjlib.discover_map` (it carries the event log it was drawn from).
    min_reach : float, optional
        Share of customers an unmapped event must reach to be listed (default: the
        discovery's ``min_reach``); rarer unmapped events are summed in one row.
    confidence : float
        Level of the intervals behind order inversions and handover stalls.
    stall_factor : float
        A handover between owners is a stall when its stall share's lower bound exceeds
        ``stall_factor`` times the median stall share of all consecutive stage pairs.
    persona_min_share : float
        A designed touchpoint a persona's customers reach less often than this is a gap.
    min_customers : int
        Fewest customers behind an order inversion or a handover stall.

    Returns
    -------
    MapComparison

    Examples
    --------
    >>> import cjlib
    >>> from cjlib.datasets import load_map, simulate
    >>> jm = load_map("telco")
    >>> data = simulate(jm, 300, seed=4)
    >>> found = cjlib.discover_map(cjlib.EventLog.from_pandas(data.events))
    >>> diff = compare_maps(jm, found)
    >>> diff.counts()["order_inversion"]
    0
    """
    if not isinstance(designed, JourneyMap):
        raise DataError(f"designed must be a cjlib JourneyMap; got {type(designed).__name__}")
    if not isinstance(discovered, DiscoveredMap) or discovered.log is None:
        raise DataError(
            "discovered must be the DiscoveredMap returned by cjlib.discover_map; got "
            f"{type(discovered).__name__}"
        )
    log = discovered.log
    alpha = 1 - confidence
    min_reach = discovered.method["min_reach"] if min_reach is None else float(min_reach)
    n_cust = max(discovered.n_customers, 1)
    names = log.event_names
    matched = match_events(designed, names)
    rows: list[dict[str, Any]] = []
    rows += _not_in_map(discovered, matched, min_reach, n_cust, {s.id for s in designed.stages})
    rows += _never_seen(designed, names, discovered)
    stage_of = {e: st for e, (_, st) in matched.items()}
    pairs = stage_order_pairs(log, stage_of)
    rows += _inversions(designed, pairs, alpha, n_cust, min_customers)
    rows += _stalls(designed, pairs, alpha, stall_factor, n_cust, min_customers)
    rows += _persona_gaps(designed, discovered, matched, persona_min_share)
    rows += _unmapped_pains(designed, discovered, matched, n_cust)
    rows += _emotions(designed, discovered, matched, alpha)
    table = pd.DataFrame(rows, columns=_COLUMNS)
    order = {k: i for i, k in enumerate(KINDS)}
    table = table.sort_values(
        ["kind", "customers"], key=lambda s: s.map(order) if s.name == "kind" else -s
    ).reset_index(drop=True)
    table["severity"] = table["severity"].fillna("")
    table["customers"] = table["customers"].astype("int64")
    table["events"] = table["events"].astype("int64")
    return MapComparison(
        table=table,
        designed_id=designed.id,
        n_customers=discovered.n_customers,
        designed=designed,
    )


def _not_in_map(
    found: DiscoveredMap, matched: dict, min_reach: float, n_cust: int, stage_ids: set[str]
) -> list[dict[str, Any]]:
    t = pd.concat(
        [
            found.table[["touchpoint", "events", "reach", "share", "stage"]],
            found.rare.assign(events=found.rare["touchpoint"].map(lambda x: (x,)), stage=""),
        ],
        ignore_index=True,
    )
    counts = found.log._event_counts().set_index("event")["n"]
    rows, rare_reach, rare_names = [], 0, []
    for r in t.itertuples(index=False):
        unmapped = [e for e in r.events if e not in matched]
        if not unmapped or len(unmapped) < len(r.events):
            continue
        n_events = int(sum(counts.get(e, 0) for e in unmapped))
        if r.share < min_reach:
            rare_reach += int(r.reach)
            rare_names.append(str(r.touchpoint))
            continue
        rows.append(
            {
                "kind": "not_in_map",
                "item": str(r.touchpoint),
                # discovered stages are named after the designed stage holding most events
                "stage": str(r.stage) if str(r.stage) in stage_ids else "",
                "detail": f"customers do {', '.join(unmapped)} (discovered in {r.stage}); "
                "the map has no touchpoint for it",
                "customers": int(r.reach),
                "events": n_events,
                "share": float(r.share),
                "evidence": f"{int(r.reach):,} customers, {n_events:,} events",
            }
        )
    if rare_names:
        rows.append(
            {
                "kind": "not_in_map",
                "item": f"{len(rare_names)} rare events",
                "stage": "",
                "detail": "each below the reach threshold: " + ", ".join(rare_names[:10]),
                "customers": rare_reach,
                "events": 0,
                "share": rare_reach / n_cust,
                "evidence": "summed reach of events below min_reach",
            }
        )
    return rows


def _never_seen(designed: JourneyMap, names: list[str], found: DiscoveredMap) -> list[dict]:
    rows = []
    for stage, tp in designed.iter_touchpoints():
        if expand(list(tp.events), names) & set(names):
            continue
        external = tp.ownership != "owned"
        rows.append(
            {
                "kind": "unobservable" if external else "never_seen",
                "item": tp.id,
                "stage": stage.id,
                "detail": (
                    f"{tp.ownership} touchpoint with no events: kept, the log cannot see it"
                    if external
                    else f"designed touchpoint {tp.name!r} ({list(tp.events) or 'no events bound'})"
                    " never appears in the data"
                ),
                "customers": 0,
                "events": 0,
                "share": 0.0,
                "evidence": f"0 of {found.n_customers:,} customers",
            }
        )
    return rows


def _inversions(
    designed: JourneyMap, pairs: pd.DataFrame, alpha: float, n_cust: int, min_n: int
) -> list:
    index = {s.id: i for i, s in enumerate(designed.stages)}
    rows = []
    for r in pairs.itertuples(index=False):
        if index.get(r.stage_a, -1) >= index.get(r.stage_b, -1) or r.n_both < min_n:
            continue
        share = r.n_a_first / r.n_both
        _, high = wilson_ci(int(r.n_a_first), int(r.n_both), alpha)
        if share < 0.4 and high < 0.5:
            rows.append(
                {
                    "kind": "order_inversion",
                    "item": f"{r.stage_a} -> {r.stage_b}",
                    "stage": r.stage_a,
                    "detail": f"designed {r.stage_a} before {r.stage_b}, but only {share:.0%} of "
                    f"customers reach {r.stage_a} first",
                    "customers": int(r.n_both - r.n_a_first),
                    "events": 0,
                    "share": (r.n_both - r.n_a_first) / n_cust,
                    "evidence": f"{int(r.n_a_first):,} of {int(r.n_both):,} customers in the "
                    f"designed order (upper {1 - alpha:.0%} bound {high:.0%})",
                }
            )
    return rows


def _stalls(
    designed: JourneyMap,
    pairs: pd.DataFrame,
    alpha: float,
    factor: float,
    n_cust: int,
    min_n: int,
) -> list:
    if pairs.empty:
        return []
    p = pairs.set_index(["stage_a", "stage_b"])
    steps = []
    for a, b in zip(designed.stages[:-1], designed.stages[1:], strict=True):
        if (a.id, b.id) not in p.index:
            continue
        r = p.loc[(a.id, b.id)]
        reach = int(r.n_both + r.n_a_only)
        steps.append((a, b, int(r.n_a_only), reach))
    shares = [s / n for *_, s, n in steps if n]
    if not shares:
        return []
    norm = float(pd.Series(shares).median())
    rows = []
    for a, b, stalled, reach in steps:
        if not a.owner or not b.owner or a.owner == b.owner or reach < min_n:
            continue
        low, _ = wilson_ci(stalled, reach, alpha)
        if norm > 0 and low > factor * norm:
            rows.append(
                {
                    "kind": "handover_stall",
                    "item": f"{a.id} -> {b.id}",
                    "stage": a.id,
                    "detail": f"{a.owner} hands over to {b.owner}: {stalled / reach:.0%} of "
                    f"customers in {a.id} never reach {b.id} (median step {norm:.0%})",
                    "customers": stalled,
                    "events": 0,
                    "share": stalled / n_cust,
                    "evidence": f"{stalled:,} of {reach:,} customers stall",
                }
            )
    return rows


def _persona_gaps(designed: JourneyMap, found: DiscoveredMap, matched: dict, floor: float) -> list:
    reach = found.personas
    if reach.empty or not designed.personas:
        return []
    by_segment = {p.segment or p.id: p.id for p in designed.personas}
    by_segment.update({p.id: p.id for p in designed.personas})
    rows = []
    for stage, tp in designed.iter_touchpoints():
        labels = {found.label_of.get(e, e) for e, (t, _) in matched.items() if t == tp.id}
        if not labels:
            continue
        g = reach.loc[reach["touchpoint"].isin(labels)].groupby("persona")["share"].max()
        for persona_value, share in g.items():
            pid = by_segment.get(str(persona_value))
            if pid is None or share >= floor:
                continue
            others = g.drop(persona_value)
            if others.empty or others.max() < 5 * floor:
                continue
            rows.append(
                {
                    "kind": "persona_gap",
                    "item": f"{pid}: {tp.id}",
                    "stage": stage.id,
                    "detail": f"persona {pid} barely uses {tp.name!r} ({share:.1%} reach; "
                    f"others up to {others.max():.0%})",
                    "customers": 0,
                    "events": 0,
                    "share": float(share),
                    "evidence": "reach share per persona",
                }
            )
    return rows


def _unmapped_pains(designed: JourneyMap, found: DiscoveredMap, matched: dict, n_cust: int) -> list:
    pains = found.pain_points
    if pains.empty:
        return []
    conf = pains.loc[pains["confirmed"].astype(bool) & (pains["kind"] != "drop_off")]
    members: dict[str, list[str]] = {}
    for r in found.table.itertuples(index=False):
        members[r.touchpoint] = list(r.events)
    rows = []
    for p in conf.itertuples(index=False):
        tps = {matched[e][0] for e in members.get(p.touchpoint, [p.touchpoint]) if e in matched}
        if not tps:
            continue  # the whole touchpoint is already reported as not_in_map
        if any(designed.touchpoint(t).pain_points for t in tps):
            continue
        rows.append(
            {
                "kind": "unmapped_pain",
                "item": f"{sorted(tps)[0]}: {p.kind}",
                "stage": designed.stage_of(sorted(tps)[0]).id,
                "detail": f"{p.kind.replace('_', ' ')} at {sorted(tps)[0]} (severity "
                f"{p.severity}, risk ratio {p.risk_ratio:.2f}); the map lists no pain point here",
                "customers": int(p.customers),
                "events": 0,
                "share": int(p.customers) / n_cust,
                "severity": p.severity,
                "evidence": p.evidence,
            }
        )
    return rows


def _emotions(designed: JourneyMap, found: DiscoveredMap, matched: dict, alpha: float) -> list:
    emo = found.emotions
    if emo.empty:
        return []
    emo = emo.loc[emo["emotion"].notna()]
    from scipy import stats

    # Bonferroni over every (touchpoint, persona) score tested: one stray interval in twenty
    # is noise, not a difference
    level = 1 - alpha / (2 * max(len(emo), 1))
    known = {p.segment or p.id: p.id for p in designed.personas}
    known.update({p.id: p.id for p in designed.personas})
    rows = []
    for r in emo.itertuples(index=False):
        pid = known.get(str(r.persona))
        tps = {
            matched[e][0]
            for e, lab in [(e, found.label_of.get(e, e)) for e in matched]
            if lab == r.touchpoint
        }
        if pid is None or len(tps) != 1:
            continue
        tp = designed.touchpoint(next(iter(tps)))
        score = tp.emotion.get(pid)
        if score is None or math.isnan(r.emotion):
            continue
        half = float(stats.norm.ppf(level)) * r.se
        low, high = max(-2.0, r.emotion - half), min(2.0, r.emotion + half)
        if low <= score <= high:
            continue
        rows.append(
            {
                "kind": "emotion_outside",
                "item": f"{tp.id} / {pid}",
                "stage": designed.stage_of(tp.id).id,
                "detail": f"designed {score:+.1f}, measured {r.emotion:+.2f} "
                f"[{low:+.2f}, {high:+.2f}] (Bonferroni over {len(emo)} scores)",
                "customers": int(r.n),
                "events": 0,
                "share": 0.0,
                "evidence": r.evidence,
            }
        )
    return rows
