"""``discover_map``: a draft journey map drawn from what customers actually do."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from cjlib.discover._emotion import latent_emotion
from cjlib.discover._pain import pain_candidates
from cjlib.discover._profile import profile_events, stage_profile
from cjlib.discover._result import DiscoveredMap
from cjlib.discover._stages import assign_stages
from cjlib.errors import DataError
from cjlib.events._common import expand, parse_duration
from cjlib.map import JourneyMap, PainPoint, Persona, Stage, Touchpoint

__all__ = ["UNOBSERVABLE_NOTE", "discover_map"]

#: What an event log cannot show, stated on every discovered map.
UNOBSERVABLE_NOTE = (
    "Event logs only hold touchpoints the company records. Touchpoints it does not own "
    "(review sites, friends and family, press, competitors) are absent unless a designed "
    "map brings them; their emotion and pain points cannot be measured here."
)
_TERMINAL_SHARE = 0.9


def _humanise(name: str) -> str:
    text = re.sub(r"[_\-.]+", " ", str(name)).strip()
    return text[:1].upper() + text[1:] if text else str(name)


def _slug(value: Any) -> str:
    text = re.sub(r"[^0-9A-Za-z_]+", "_", str(value)).strip("_").lower()
    return text or "persona"


def _groups(groups: Mapping[str, Sequence[str] | str] | None, names: list[str]) -> dict[str, str]:
    """Event name -> touchpoint id for grouped events (first group wins)."""
    out: dict[str, str] = {}
    for tp_id, patterns in (groups or {}).items():
        pats = [patterns] if isinstance(patterns, str) else list(patterns)
        hit = expand(pats, names) & set(names)
        if not hit:
            raise DataError(
                f"groups[{tp_id!r}]: {pats} match no event of the log; known events: {names[:20]}"
            )
        for name in sorted(hit):
            out.setdefault(name, str(tp_id))
    return out


def _customer_tables(
    customers: pd.DataFrame | None,
    customer_col: str,
    persona_col: str | None,
    outcome_col: str | None,
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    if customers is None:
        if persona_col is not None:
            raise DataError("persona_col needs customers: pass the customers table")
        return None, None
    if not isinstance(customers, pd.DataFrame):
        raise DataError(f"customers must be a pandas DataFrame; got {type(customers).__name__}")
    wanted = [c for c in (customer_col, persona_col, outcome_col) if c is not None]
    missing = [c for c in wanted if c not in customers.columns]
    if missing:
        raise DataError(
            f"customers has no column(s) {missing}; its columns: {list(customers.columns)}"
        )
    ids = customers[customer_col].astype(str)
    outcome = persona = None
    if outcome_col is not None:
        raw = customers[outcome_col]
        text = raw.map(lambda v: str(v).strip().lower() if pd.notna(v) else None)
        flags = {"true": 1, "false": 0, "1": 1, "0": 0, "1.0": 1, "0.0": 0}
        bad = sorted({str(v) for v, t in zip(raw, text, strict=True) if t not in flags})
        if bad:
            raise DataError(
                f"customers[{outcome_col!r}] must be true/false or 1/0 (the bad outcome, e.g. "
                f"churned); got values such as {bad[:5]}"
            )
        raw = text.map(flags)
        outcome = pd.DataFrame({"customer_id": ids, "bad": raw.astype(int).to_numpy()})
    if persona_col is not None:
        persona = pd.DataFrame({"customer_id": ids, "persona": customers[persona_col].astype(str)})
        persona = persona.loc[customers[persona_col].notna().to_numpy()]
    return outcome, persona


def _survey_emotions(
    surveys: pd.DataFrame | None,
    label_of: Mapping[str, str],
    persona: pd.DataFrame | None,
    outcome: pd.DataFrame | None,
    confidence: float,
    min_n: int,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """CSAT per touchpoint and persona on the latent -2..+2 scale, with Wald intervals."""
    cols = ["touchpoint", "persona", "n", "emotion", "se", "low", "high", "evidence"]
    if surveys is None:
        return pd.DataFrame(columns=cols), None
    missing = [c for c in ("customer_id", "event", "kind", "score") if c not in surveys.columns]
    if missing:
        raise DataError(
            f"surveys has no column(s) {missing}; the surveys contract needs customer_id, "
            f"event (the event that triggered the survey), kind ('csat'/'nps') and score"
        )
    s = surveys.loc[surveys["kind"].astype(str).str.lower() == "csat"]
    s = pd.DataFrame(
        {
            "customer_id": s["customer_id"].astype(str).to_numpy(),
            "touchpoint": s["event"].astype(str).map(lambda e: label_of.get(e, e)).to_numpy(),
            "score": pd.to_numeric(s["score"], errors="coerce").to_numpy(),
        }
    ).dropna(subset=["score"])

    def rows(frame: pd.DataFrame, who: str) -> list[dict]:
        out = []
        for tp, g in frame.groupby("touchpoint"):
            n = len(g)
            if n < min_n:
                out.append(
                    {
                        "touchpoint": tp,
                        "persona": who,
                        "n": n,
                        "emotion": math.nan,
                        "se": math.nan,
                        "low": math.nan,
                        "high": math.nan,
                        "evidence": f"too few CSAT answers ({n} < {min_n})",
                    }
                )
                continue
            m, se, low, high = latent_emotion(g["score"].to_numpy(float), confidence)
            out.append(
                {
                    "touchpoint": tp,
                    "persona": who,
                    "n": n,
                    "emotion": m,
                    "se": se,
                    "low": low,
                    "high": high,
                    "evidence": f"CSAT from {n} answers (latent-scale mean)",
                }
            )
        return out

    table = rows(s, "all")
    if persona is not None:
        sp = s.merge(persona, on="customer_id")
        for who, g in sp.groupby("persona"):
            table.extend(rows(g, str(who)))
    low = None
    if outcome is not None and len(s):
        so = s.merge(outcome, on="customer_id")
        so["is_low"] = so["score"] <= 2
        per = so.groupby(["touchpoint", "customer_id"]).agg(
            low=("is_low", "max"), bad=("bad", "max")
        )
        per = per.reset_index()
        per["low_bad"] = per["low"] & (per["bad"] == 1)
        low = (
            per.groupby("touchpoint")
            .agg(
                n=("customer_id", "size"),
                n_low=("low", "sum"),
                out_n=("customer_id", "size"),
                out_low=("low", "sum"),
                out_bad=("bad", "sum"),
                out_low_bad=("low_bad", "sum"),
            )
            .reset_index()
        )
    return pd.DataFrame(table, columns=cols), low


def discover_map(
    log: Any,
    *,
    customers: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    customer_col: str = "customer_id",
    persona_col: str | None = None,
    outcome_col: str | None = None,
    designed: JourneyMap | None = None,
    min_reach: float = 0.02,
    n_stages: int | None = None,
    pins: Mapping[str, str] | None = None,
    groups: Mapping[str, Sequence[str] | str] | None = None,
    repeat_window: Any = "14D",
    wait_factor: float = 3.0,
    confidence: float = 0.95,
    alpha: float = 0.05,
    min_survey_n: int = 10,
    map_id: str = "discovered",
) -> DiscoveredMap:
    """Draw a draft journey map from the events customers actually produce.

    Parameters
    ----------
    log : EventLog
        The observed journeys.
    customers : DataFrame, optional
        One row per customer: ``customer_col`` plus the persona and outcome columns.
    surveys : DataFrame, optional
        Surveys contract (``customer_id``, ``event``, ``kind``, ``score``); CSAT answers give
        the measured emotion (read on the map's -2..+2 latent scale, see ``_emotion``).
    customer_col, persona_col : str
        Columns of ``customers``; ``persona_col`` gives one persona per value.
    outcome_col : str, optional
        Boolean column of ``customers`` holding the *bad* outcome (e.g. ``"churned"``); pain
        points are linked to it. Default: ``"churned"`` when ``customers`` has it.
    designed : JourneyMap, optional
        The workshop's map: its outside-in touchpoints the log cannot see are kept, and the
        discovered stages are named after the designed stage they mostly hold.
    min_reach : float
        Share of customers an event must reach to become a touchpoint; rarer events are
        summarised in ``.rare`` (never dropped silently).
    n_stages : int, optional
        Number of stages (default: the designed map's, else ``round(sqrt(touchpoints))``).
    pins : mapping, optional
        Touchpoint id (event name) -> stage name the user fixes; see
        :func:`cjlib.discover._stages.assign_stages` for the method.
    groups : mapping, optional
        Touchpoint id -> event names or glob patterns measured as one touchpoint.
    repeat_window : str or timedelta
        Two visits of a touchpoint this close count as a repeat (loop / repeat contact).
    wait_factor : float
        A gap after a touchpoint above this multiple of its median gap counts as a wait.
    confidence, alpha : float
        Interval level; false-discovery level of the pain-point links.
    min_survey_n : int
        Fewest CSAT answers that give a touchpoint a measured emotion.
    map_id : str
        Id of the drawn map.

    Returns
    -------
    DiscoveredMap

    Examples
    --------
    >>> import cjlib
    >>> from cjlib.datasets import load_map, simulate
    >>> data = simulate(load_map("telco"), 300, seed=4)
    >>> log = cjlib.EventLog.from_pandas(data.events)
    >>> found = discover_map(log, customers=data.customers, persona_col="persona")
    >>> found.journey_map.problems()
    []
    >>> "support_call" in found.table["touchpoint"].tolist()
    True
    """
    from cjlib.events import EventLog

    if not isinstance(log, EventLog):
        raise DataError(f"log must be a cjlib EventLog; got {type(log).__name__}")
    if not 0 <= min_reach < 1:
        raise DataError(f"min_reach must be a share in [0, 1); got {min_reach!r}")
    if not wait_factor > 1:
        raise DataError(f"wait_factor must be a number > 1; got {wait_factor!r}")
    if n_stages is not None and (not isinstance(n_stages, int) or n_stages < 1):
        raise DataError(f"n_stages must be a positive integer; got {n_stages!r}")
    window = parse_duration(repeat_window, "repeat_window", allow_none=False)
    assert window is not None
    window_days = window / pd.Timedelta(days=1)
    if outcome_col is None and customers is not None and "churned" in customers.columns:
        outcome_col = "churned"
    outcome, persona = _customer_tables(customers, customer_col, persona_col, outcome_col)
    names = log.event_names
    label_of = _groups(groups, names)
    with profile_events(
        log,
        repeat_window_days=window_days,
        wait_factor=wait_factor,
        outcome=outcome,
        persona=persona,
        labels=label_of,
    ) as profile:
        ev = profile.events
        n_cust = max(profile.n_customers, 1)
        ev["share"] = ev["reach"] / n_cust
        ev["drop_off"] = ev["n_last"] / ev["reach"]
        members: dict[str, list[str]] = {}
        for name in names:
            members.setdefault(label_of.get(name, name), []).append(name)
        kept = ev.loc[ev["share"] >= min_reach].copy()
        rare = ev.loc[ev["share"] < min_reach, ["event", "reach", "n_events", "share"]]
        rare = rare.rename(columns={"event": "touchpoint"}).reset_index(drop=True)
        if kept.empty:
            raise DataError(
                f"min_reach={min_reach}: no event reaches that share of the {n_cust} customers; "
                "lower min_reach"
            )
        if n_stages is None:
            n_stages = (
                len(designed.stages)
                if designed is not None
                else max(2, round(math.sqrt(len(kept))))
            )
        stage_label = assign_stages(
            kept.set_index("event")["median_first_days"], n_stages=n_stages, pins=pins
        )
        kept["stage"] = kept["event"].map(stage_label)
        terminal = set(kept.loc[kept["drop_off"] >= _TERMINAL_SHARE, "event"])
        emotions, low_csat = _survey_emotions(
            surveys, label_of, persona, outcome, confidence, min_survey_n
        )
        pains = pain_candidates(
            kept,
            low_csat=low_csat,
            terminal=terminal,
            repeat_window_days=window_days,
            wait_factor=wait_factor,
            alpha=alpha,
            has_outcome=outcome is not None,
        )
        stages = stage_profile(profile, stage_label)
    stage_order = list(dict.fromkeys(kept.sort_values("median_first_days")["stage"]))
    stage_names = _stage_names(stage_order, stage_label, members, designed, pins)
    personas_table = _persona_table(profile.personas, persona, kept["event"].tolist(), alpha)
    unobservable = _unobservable(designed, names)
    jm = _build_map(
        map_id,
        kept,
        members,
        stage_order,
        stage_names,
        stages,
        pains,
        emotions,
        persona,
        unobservable,
        designed,
        rare,
        terminal,
    )
    table = kept.assign(
        name=kept["event"].map(_humanise),
        events=kept["event"].map(lambda tp: tuple(members.get(tp, [tp]))),
        stage=kept["stage"].map(stage_names),
        derivation="reach >= min_reach; stage by typical time to first occurrence",
    ).rename(columns={"event": "touchpoint"})
    table = table[
        [
            "touchpoint",
            "name",
            "stage",
            "channel",
            "events",
            "reach",
            "share",
            "median_first_days",
            "median_gap_days",
            "drop_off",
            "derivation",
        ]
    ].reset_index(drop=True)
    stages = stages.assign(stage=stages["stage"].map(stage_names))
    stages["drop_off"] = stages["n_last"] / stages["reach"]
    stages["share"] = stages["reach"] / n_cust
    order = {stage_names[s]: i for i, s in enumerate(stage_order)}
    stages = stages.sort_values("stage", key=lambda s: s.map(order)).reset_index(drop=True)
    method = {
        "min_reach": min_reach,
        "n_stages": n_stages,
        "pins": dict(pins or {}),
        "groups": {
            k: list(v) if not isinstance(v, str) else [v] for k, v in (groups or {}).items()
        },
        "repeat_window_days": window_days,
        "wait_factor": wait_factor,
        "confidence": confidence,
        "alpha": alpha,
        "outcome_col": outcome_col,
        "persona_col": persona_col,
        "min_survey_n": min_survey_n,
    }
    return DiscoveredMap(
        table=table,
        journey_map=jm,
        stages=stages[["stage", "reach", "share", "median_days", "drop_off"]],
        pain_points=pains,
        emotions=emotions,
        personas=personas_table,
        rare=rare,
        unobservable=unobservable,
        n_customers=profile.n_customers,
        method=method,
        log=log,
        label_of=dict(label_of),
    )


def _stage_names(
    order: list[str],
    stage_label: Mapping[str, str],
    members: Mapping[str, list[str]],
    designed: JourneyMap | None,
    pins: Mapping[str, str] | None,
) -> dict[str, str]:
    """Readable stage ids: pinned names, else the designed stage holding most events."""
    if pins or designed is None:
        return {s: s for s in order}
    from cjlib.events._binding import match_events

    names = sorted({e for evs in members.values() for e in evs})
    matched = match_events(designed, names)
    out: dict[str, str] = {}
    for s in order:
        votes = pd.Series(
            [
                matched[e][1]
                for tp, lab in stage_label.items()
                if lab == s
                for e in members.get(tp, [tp])
                if e in matched
            ],
            dtype=object,
        )
        best = str(votes.value_counts().index[0]) if len(votes) else s
        k = 2
        name = best
        while name in out.values():
            name, k = f"{best}_{k}", k + 1
        out[s] = name
    return out


def _persona_table(
    reach: pd.DataFrame, persona: pd.DataFrame | None, kept: list[str], alpha: float
) -> pd.DataFrame:
    """Per touchpoint, each persona's reach share and the largest gap between personas."""
    cols = ["touchpoint", "persona", "reach", "share", "gap", "q", "diverges"]
    if persona is None or reach.empty:
        return pd.DataFrame(columns=cols)
    from cjlib.action._intervals import z_test_p
    from cjlib.stats._multiplicity import bh_qvalues

    sizes = persona["persona"].value_counts()
    r = reach.loc[reach["event"].isin(kept)].rename(columns={"event": "touchpoint"})
    # a persona that never does a touchpoint has no row in the engine's counts: fill zeros
    grid = pd.MultiIndex.from_product([sorted(sizes.index), kept], names=["persona", "touchpoint"])
    r = r.set_index(["persona", "touchpoint"])["reach"].reindex(grid, fill_value=0).reset_index()
    r["share"] = r["reach"] / r["persona"].map(sizes)
    rows = []
    for tp, g in r.groupby("touchpoint"):
        hi, lo = g.loc[g["share"].idxmax()], g.loc[g["share"].idxmin()]
        _, p = z_test_p(
            int(hi.reach), int(sizes[hi.persona]), int(lo.reach), int(sizes[lo.persona])
        )
        rows.append((tp, float(hi.share - lo.share), p))
    gaps = pd.DataFrame(rows, columns=["touchpoint", "gap", "p"])
    gaps["q"] = bh_qvalues(gaps["p"].to_numpy(float))
    gaps["diverges"] = (gaps["q"] <= alpha) & (gaps["gap"] >= 0.1)
    out = r.merge(gaps.drop(columns="p"), on="touchpoint")
    return (
        out[cols].sort_values(["gap", "touchpoint"], ascending=[False, True]).reset_index(drop=True)
    )


def _unobservable(designed: JourneyMap | None, names: list[str]) -> pd.DataFrame:
    cols = ["touchpoint", "name", "stage", "ownership", "reason"]
    if designed is None:
        return pd.DataFrame(columns=cols)
    rows = []
    for stage, tp in designed.iter_touchpoints():
        seen = bool(expand(list(tp.events), names) & set(names))
        if tp.ownership != "owned" and not seen:
            rows.append(
                (
                    tp.id,
                    tp.name,
                    stage.id,
                    tp.ownership,
                    "not owned by the company and absent from the event log",
                )
            )
    return pd.DataFrame(rows, columns=cols)


def _build_map(
    map_id: str,
    kept: pd.DataFrame,
    members: Mapping[str, list[str]],
    order: list[str],
    stage_names: Mapping[str, str],
    stages: pd.DataFrame,
    pains: pd.DataFrame,
    emotions: pd.DataFrame,
    persona: pd.DataFrame | None,
    unobservable: pd.DataFrame,
    designed: JourneyMap | None,
    rare: pd.DataFrame,
    terminal: set[str],
) -> JourneyMap:
    personas: tuple[Persona, ...] = ()
    pid: dict[str, str] = {}
    if persona is not None:
        shares = persona["persona"].value_counts(normalize=True)
        pid = {str(value): _slug(value) for value in shares.index}
        known = {}
        for p in designed.personas if designed is not None else ():
            known[p.id] = known[p.segment or p.id] = p
        personas = tuple(
            Persona(
                id=known[str(v)].id if str(v) in known else pid[str(v)],
                name=known[str(v)].name if str(v) in known else _humanise(v),
                description=known[str(v)].description if str(v) in known else "",
                segment=str(v),
                share=round(float(s), 4),
            )
            for v, s in shares.sort_index().items()
        )
        pid = {v: (known[v].id if v in known else i) for v, i in pid.items()}
    confirmed = pains.loc[pains["confirmed"].astype(bool)] if len(pains) else pains
    by_stage: dict[str, list[Touchpoint]] = {s: [] for s in order}
    for r in kept.sort_values("median_first_days").itertuples(index=False):
        emo = {}
        e = emotions.loc[(emotions["touchpoint"] == r.event) & emotions["emotion"].notna()]
        for x in e.itertuples(index=False):
            if x.persona in pid:
                emo[pid[x.persona]] = round(float(x.emotion), 2)
        pp = tuple(
            PainPoint(
                text=f"{p.kind.replace('_', ' ')}: {p.evidence}",
                severity=p.severity,
                id=f"pp_{r.event}_{p.kind}",
            )
            for p in confirmed.itertuples(index=False)
            if p.touchpoint == r.event
        )
        by_stage[r.stage].append(
            Touchpoint(
                id=str(r.event),
                name=_humanise(r.event),
                channel="" if pd.isna(r.channel) else str(r.channel),
                emotion=emo,
                pain_points=pp,
                events=tuple(members.get(r.event, [r.event])),
            )
        )
    if designed is not None and len(unobservable):
        from dataclasses import replace

        for u in unobservable.itertuples(index=False):
            tp = designed.touchpoint(u.touchpoint)
            target = stage_names_inverse(stage_names).get(u.stage, order[0])
            by_stage[target].append(replace(tp, emotion={}))
    stage_tuple = tuple(
        Stage(id=stage_names[s], name=_humanise(stage_names[s]), touchpoints=tuple(by_stage[s]))
        for s in order
    )
    metadata = {
        "derived_by": "cjlib.discover_map",
        "unobservable": UNOBSERVABLE_NOTE,
        "rare_events": {str(r.touchpoint): int(r.reach) for r in rare.itertuples(index=False)},
        "terminal_touchpoints": sorted(terminal),
    }
    return JourneyMap(
        id=map_id,
        name="Discovered journey (draft from event data)",
        description="Drawn from the events customers produced; a draft to bring to the workshop.",
        personas=personas,
        stages=stage_tuple,
        metadata=metadata,
    )


def stage_names_inverse(stage_names: Mapping[str, str]) -> dict[str, str]:
    """Readable stage name -> internal label."""
    return {v: k for k, v in stage_names.items()}
