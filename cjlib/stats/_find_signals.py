"""``find_signals``: an honest search of the journey for signals that predict an outcome.

The search tries many candidate signals, so it guards against fooling itself:

1. **Sample splitting.** Customers are split at random (seeded) into a selection half and an
   estimation half. Candidates are screened, thresholds set and near-duplicates grouped on
   the selection half only; effects, intervals and p-values come from the estimation half,
   which took no part in choosing them.
2. **Near-duplicate grouping.** Screened candidates whose exposures correlate (absolute phi at or
   above ``duplicate_threshold`` on the selection half) form one group, represented by its
   strongest member; the group is reported once with its members.
3. **Benjamini–Hochberg over every candidate tried.** The q-values count all candidates
   generated, not only those that survived screening (a candidate not carried forward
   enters with p = 1), so the false discovery rate is controlled over the whole search.
4. **Controls.** With ``controls`` the estimation-half p-value and the reported adjusted
   effect come from a model with them (logistic or OLS with HC3 errors, as in ``link``).
5. **E-values** (VanderWeele & Ding 2017) on every reported effect: how strong an unmeasured
   confounder would need to be to explain it away.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from cjlib.errors import DataError
from cjlib.stats._checks import as_names, check_choice, check_probability, require_columns
from cjlib.stats._evalue import evalue_ci, evalue_rr, rr_from_or, rr_from_smd
from cjlib.stats._find_signals_candidates import CandidateSet, from_spec, generate_candidates
from cjlib.stats._link import LinkResult, link
from cjlib.stats._multiplicity import bh_qvalues

__all__ = ["FindSignalsResult", "find_signals"]

_DIRECTIONS = ("lower_is_better", "higher_is_better")


class FindSignalsResult(LinkResult):
    """Result of :func:`find_signals`; works wherever a :func:`link` result does.

    ``.table`` has one row per near-duplicate group carried to the estimation half (index
    ``signal``, its representative), with the ``link`` columns estimated on the estimation
    half, ``q`` recomputed by Benjamini–Hochberg over every candidate tried, ``evalue`` and
    ``evalue_ci``, ``reported`` (q ≤ alpha), ``description``, ``candidate_kind``,
    ``p_selection`` and ``near_duplicates``. ``.candidates`` lists every candidate tried.
    ``.spec`` maps each signal to the events it is built from (for ``moments_that_matter``).
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        candidates: pd.DataFrame,
        spec: dict[str, Any],
        steps: list[str],
        candidate_events: dict[str, tuple[str, ...]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(table, **kwargs)
        self._candidates = candidates.copy()
        self.spec = dict(spec)
        self.candidate_events: dict[str, tuple[str, ...]] = dict(candidate_events or {})
        self._steps = list(steps)

    @property
    def candidates(self) -> pd.DataFrame:
        """Every candidate tried, with its selection-half result and group (a copy)."""
        return self._candidates.copy()

    @property
    def steps(self) -> list[str]:
        """What was done to keep the search honest, one sentence each."""
        return list(self._steps)

    def reported(self) -> pd.DataFrame:
        """The signals with q ≤ alpha, largest effect first."""
        t = self._table
        return t[t["reported"]]

    def summary(self) -> str:
        """What was searched, what was done to stay honest, and the reported signals."""
        lines = [self._title, "=" * len(self._title)]
        lines += [f"- {s}" for s in self._steps]
        cols = ["description", "effect", "ci_low", "ci_high", "q", "evalue", "evalue_ci"]
        rep = self.reported()
        lines.append("")
        if len(rep):
            lines.append(f"Reported signals (q <= {self._info['alpha']:g}):")
            with pd.option_context("display.width", 120, "display.max_colwidth", 50):
                lines.append(rep[cols].to_string(float_format=lambda v: f"{v:.3g}"))
        else:
            lines.append(f"No signal reached q <= {self._info['alpha']:g}.")
        lines += [
            "",
            "Association, not causation: an E-value of 2 means a confounder associated with "
            "both the signal and the outcome by a risk ratio of 2 each could explain the "
            "effect away.",
        ]
        if self._warnings:
            lines += ["", "Warnings:"] + [f"  - {w}" for w in self._warnings[:10]]
        return "\n".join(lines)


def _as_log_and_table(
    log: Any, customers: pd.DataFrame, landmark: Any, customer_col: str
) -> tuple[Any, pd.DataFrame, str]:
    from cjlib.events._landmark import Landmark
    from cjlib.events._landmark import landmark as make_landmark
    from cjlib.events._log import EventLog

    if not isinstance(log, EventLog):
        raise DataError(f"log must be a cjlib EventLog; got {type(log).__name__}")
    if not isinstance(customers, pd.DataFrame):
        raise DataError(f"customers must be a pandas DataFrame; got {type(customers).__name__}")
    if customer_col not in customers.columns:
        raise DataError(
            f"customer_col={customer_col!r} is not a column of customers; columns: "
            f"{list(customers.columns)}"
        )
    if landmark is None:
        return log, customers.copy(), "no landmark: signals from the whole log"
    if isinstance(landmark, int | float) and not isinstance(landmark, bool):
        landmark = make_landmark(log, customers, days=landmark, customer_col=customer_col)
    if not isinstance(landmark, Landmark):
        raise DataError(
            "landmark must be None, a number of days or cjlib.events.landmark(...); got "
            f"{type(landmark).__name__}"
        )
    return landmark.log, landmark.table, landmark.summary()


def _outcome_kind(values: pd.Series, kind: str) -> str:
    """``kind`` resolved as :func:`link` does: binary for bool or 0/1 outcomes."""
    check_choice(kind, "kind", ["auto", "binary", "continuous"])
    if kind != "auto":
        return kind
    if pd.api.types.is_bool_dtype(values):
        return "binary"
    seen = set(pd.unique(pd.to_numeric(values, errors="coerce").dropna().astype(float)))
    return "binary" if seen <= {0.0, 1.0} else "continuous"


def _screen(sel: pd.DataFrame, outcome: str, names: list[str], kind: str) -> pd.Series:
    """Selection-half p-value of each candidate: chi-square (Fisher when an expected cell is
    below 5) for binary outcomes, Welch's t-test for continuous ones, as in :func:`link`."""
    from scipy import stats

    y_all = pd.to_numeric(sel[outcome].astype(float), errors="coerce").to_numpy()
    out = {}
    for name in names:
        x = sel[name].to_numpy(dtype=float)
        ok = ~np.isnan(x) & ~np.isnan(y_all)
        x, y = x[ok], y_all[ok]
        if kind == "binary":
            cells = np.array(
                [
                    [((x == 1) & (y == 1)).sum(), ((x == 1) & (y == 0)).sum()],
                    [((x == 0) & (y == 1)).sum(), ((x == 0) & (y == 0)).sum()],
                ]
            )
            if (cells.sum(0) == 0).any() or (cells.sum(1) == 0).any():
                out[name] = np.nan
                continue
            expected = cells.sum(1, keepdims=True) * cells.sum(0, keepdims=True) / cells.sum()
            if expected.min() < 5:
                out[name] = float(stats.fisher_exact(cells).pvalue)
            else:
                out[name] = float(stats.chi2_contingency(cells, correction=False).pvalue)
        else:
            y1, y0 = y[x == 1], y[x == 0]
            if len(y1) < 2 or len(y0) < 2 or np.ptp(y) == 0:
                out[name] = np.nan
                continue
            out[name] = float(stats.ttest_ind(y1, y0, equal_var=False).pvalue)
    return pd.Series(out, dtype=float)


def _group(names: list[str], exposures: pd.DataFrame, threshold: float) -> dict[str, list[str]]:
    """Greedy near-duplicate groups: representative → members (names sorted by strength)."""
    groups: dict[str, list[str]] = {}
    values = {n: exposures[n].to_numpy(dtype=float) for n in names}
    for name in names:
        x = values[name]
        home = None
        for rep in groups:
            y = values[rep]
            ok = ~np.isnan(x) & ~np.isnan(y)
            if ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0:
                continue
            if abs(np.corrcoef(x[ok], y[ok])[0, 1]) >= threshold:
                home = rep
                break
        if home is None:
            groups[name] = [name]
        else:
            groups[home].append(name)
    return groups


def _evalues(
    row: pd.Series, kind: str, adjusted: bool, common: bool, sd: float
) -> tuple[float, float]:
    if kind == "binary":
        if adjusted and np.isfinite(row.get("or_adj", np.nan)):
            est, lo, hi = (
                rr_from_or(max(float(row[c]), 1e-300), common=common)
                for c in ("or_adj", "or_adj_ci_low", "or_adj_ci_high")
            )
        else:
            est, lo, hi = (float(row.get(c, np.nan)) for c in ("rr", "rr_ci_low", "rr_ci_high"))
    else:
        cols = (
            ("effect_adj", "effect_adj_ci_low", "effect_adj_ci_high")
            if adjusted and np.isfinite(row.get("effect_adj", np.nan))
            else ("effect", "ci_low", "ci_high")
        )
        if not sd > 0:
            return np.nan, np.nan
        est, lo, hi = (rr_from_smd(float(row[c]) / sd) for c in cols)
    if not (np.isfinite(est) and est > 0) or np.isnan(lo) or np.isnan(hi):
        return np.nan, np.nan
    # a separated fit has a limit of 0 or infinity: the interval is unbounded on that side
    return evalue_rr(est), evalue_ci(est, max(lo, 1e-300), hi)


def find_signals(
    log: Any,
    customers: pd.DataFrame,
    *,
    outcome: str,
    landmark: Any = None,
    candidates: str | Sequence[Any] = "auto",
    controls: Sequence[str] = (),
    direction: Literal["lower_is_better", "higher_is_better"] | None = None,
    kind: Literal["auto", "binary", "continuous"] = "auto",
    alpha: float = 0.05,
    screen_p: float = 0.05,
    selection_share: float = 0.5,
    duplicate_threshold: float = 0.8,
    min_share: float = 0.01,
    customer_col: str = "customer_id",
    seed: int = 0,
) -> FindSignalsResult:
    """Search the journeys for signals that predict an outcome, without fooling yourself.

    Parameters
    ----------
    log : EventLog
        The events (bind it to a map for the stage-order candidate).
    customers : pandas.DataFrame
        One row per customer: the id, the outcome and the controls.
    outcome : str
        Outcome column (binary such as ``churned`` or continuous such as ``revenue``).
    landmark : None, number of days, or cjlib.events.landmark(...)
        Signals only from events before the landmark, among customers at risk there (a
        number is ``days`` after ``start_date`` with ``tenure_days``). Strongly advised for
        churn: without it long-lived customers collect more signals.
    candidates : "auto" or list of signals
        ``"auto"`` generates them from the log (see :mod:`_find_signals_candidates`); a list
        of ``cjlib.events`` signals tests exactly those.
    controls : sequence of str
        Customer columns adjusted for in the estimation half.
    direction : {"lower_is_better", "higher_is_better"}, optional
        Which way the outcome is good (``"lower_is_better"`` for churn, ``"higher_is_better"``
        for a purchase or revenue). Carried to ``moments_that_matter``, which refuses to cost
        signals whose outcome direction is stated nowhere.
    kind : {"auto", "binary", "continuous"}
        Outcome type, as in :func:`link`.
    alpha : float
        FDR level of the reported signals and 1 − confidence of the intervals.
    screen_p : float
        Selection-half p-value at or below which a candidate is carried forward.
    selection_share : float
        Share of the customers in the selection half.
    duplicate_threshold : float
        Absolute phi correlation at or above which two exposures are near-duplicates.
    min_share : float
        Candidates exposing fewer than this share (or more than 1 − it) of the selection
        half are not tested (they still count as tried).
    customer_col : str
        Id column of ``customers``.
    seed : int
        Seed of the split (and of link's bootstrap).

    Returns
    -------
    FindSignalsResult

    Examples
    --------
    >>> import cjlib
    >>> from cjlib.datasets import load_map, simulate
    >>> data = simulate(load_map("telco"), 3000, seed=7,
    ...                 effects={"hazard_ratios": {"onboarding_completed": 0.3}})
    >>> log = cjlib.EventLog.from_pandas(data.events)
    >>> res = find_signals(log, data.customers, outcome="churned", landmark=90)
    >>> "has_onboarding_complete" in res.reported().index
    True
    """
    check_probability(alpha, "alpha")
    check_probability(screen_p, "screen_p")
    check_probability(selection_share, "selection_share")
    check_probability(duplicate_threshold, "duplicate_threshold")
    if not 0 <= min_share < 0.5:
        raise DataError(f"min_share must be in [0, 0.5); got {min_share!r}")
    if direction is not None:
        check_choice(direction, "direction", list(_DIRECTIONS))
    if not isinstance(outcome, str):
        raise DataError(f"outcome must be a column name (str); got {outcome!r}")
    control_names = as_names(controls, "controls")
    require_columns(customers, {"outcome": [outcome], "controls": control_names}, "customers")
    used_log, table, design = _as_log_and_table(log, customers, landmark, customer_col)
    if len(table) < 40:
        raise DataError(f"find_signals needs at least 40 customers; got {len(table)}")

    if isinstance(candidates, str):
        if candidates != "auto":
            raise DataError(f"candidates must be 'auto' or a list of signals; got {candidates!r}")
        cset: CandidateSet = generate_candidates(used_log)
    else:
        cset = from_spec(used_log, candidates)
    names = [c.name for c in cset.candidates]
    m = len(names)
    if not m:
        raise DataError("no candidate signals: the log has too few events before the landmark")

    ids = pd.Index(table[customer_col].astype(str))
    rng = np.random.default_rng(seed)
    in_selection = np.zeros(len(table), bool)
    in_selection[rng.permutation(len(table))[: round(selection_share * len(table))]] = True
    thresholds = cset.thresholds(ids[in_selection])
    exposures = cset.exposures(ids, thresholds)
    exposures.index = table.index
    base = table.drop(columns=[c for c in names if c in table.columns])
    data = pd.concat([base, exposures], axis=1)
    sel, est = data[in_selection], data[~in_selection]

    share = sel[names].mean()
    testable = [
        n for n in names if min_share <= share[n] <= 1 - min_share and sel[n].notna().sum() >= 20
    ]
    if not testable:
        raise DataError("no candidate exposes between min_share and 1 - min_share of customers")
    kind_used = _outcome_kind(table[outcome], kind)
    p_sel = _screen(sel, outcome, testable, kind_used).reindex(names)
    passed = [n for n in p_sel.sort_values().index if p_sel[n] <= screen_p]
    groups = _group(passed, sel, duplicate_threshold)
    reps = list(groups)

    steps = [
        design,
        f"{m} candidate signals tried ({', '.join(sorted({c.kind for c in cset.candidates}))}).",
        f"Sample split (seed {seed}): {int(in_selection.sum()):,} customers chose the "
        f"candidates and thresholds, the other {int((~in_selection).sum()):,} estimated "
        "the effects.",
        f"{len(testable)} candidates varied enough to test; {len(passed)} passed screening "
        f"(selection-half p <= {screen_p:g}); near-duplicates (|phi| >= {duplicate_threshold:g}) "
        f"grouped into {len(reps)} signals.",
        f"Benjamini-Hochberg over all {m} candidates tried (untested ones count with p = 1).",
        f"Controls: {', '.join(control_names)}." if control_names else "No controls.",
        "E-values (VanderWeele & Ding 2017) for every effect.",
    ]
    cand_table = pd.DataFrame(
        {
            "description": [c.description for c in cset.candidates],
            "candidate_kind": [c.kind for c in cset.candidates],
            "share_exposed_selection": share.reindex(names).to_numpy(),
            "p_selection": p_sel.to_numpy(),
        },
        index=pd.Index(names, name="signal"),
    )
    member_of = {member: rep for rep, members in groups.items() for member in members}
    cand_table["group"] = [member_of.get(n) for n in names]
    cand_table["carried_forward"] = cand_table.index.isin(reps)
    by_name = {c.name: c for c in cset.candidates}
    candidate_events = {
        c.name: (tuple(c.signal.events) + tuple(c.signal.after)) if c.signal else ()
        for c in cset.candidates
    }

    info = {
        "outcome": outcome,
        "kind": kind_used,
        "direction": direction,
        "alpha": alpha,
        "n": len(table),
        "n_selection": int(in_selection.sum()),
        "n_estimation": int((~in_selection).sum()),
        "candidates_tried": m,
        "candidates_tested": len(testable),
        "screened_in": len(passed),
        "groups": len(reps),
        "controls": control_names,
        "seed": seed,
    }
    title = f"Signals found for {outcome} ({m} candidates tried, {len(reps)} carried forward)"
    if not reps:
        empty = pd.DataFrame(
            columns=[
                "definition",
                "n_exposed",
                "n_unexposed",
                "effect",
                "ci_low",
                "ci_high",
                "p",
                "q",
                "reported",
                "evalue",
                "evalue_ci",
                "description",
            ]
        ).rename_axis("signal")
        return FindSignalsResult(
            empty,
            candidates=cand_table,
            spec={},
            steps=steps,
            candidate_events=candidate_events,
            kind=kind_used,
            outcome=outcome,
            title=title,
            info=info,
        )

    linked = link(
        est,
        outcome=outcome,
        signals=reps,
        controls=control_names,
        kind=kind_used,
        alpha=alpha,
        seed=seed,
    )
    out = linked.table
    adjusted = bool(control_names) and "p_adj" in out.columns
    p_final = out["p_adj"].fillna(out["p"]) if adjusted else out["p"]
    p_all = pd.Series(1.0, index=names)
    p_all[reps] = p_final.reindex(reps).fillna(1.0).to_numpy()
    q_all = pd.Series(bh_qvalues(p_all.to_numpy()), index=names)
    out["q_among_carried"] = out["q_adj"] if adjusted else out["q"]
    out["q"] = q_all[out.index].to_numpy()
    if adjusted:
        out["q_adj"] = out["q"]
    common = float(pd.to_numeric(est[outcome], errors="coerce").mean()) > 0.15
    sd = float(pd.to_numeric(est[outcome], errors="coerce").std())
    ev = [_evalues(row, kind_used, adjusted, common, sd) for _, row in out.iterrows()]
    out["evalue"] = [e[0] for e in ev]
    out["evalue_ci"] = [e[1] for e in ev]
    out["reported"] = out["q"] <= alpha
    out["description"] = [by_name[n].description for n in out.index]
    out["candidate_kind"] = [by_name[n].kind for n in out.index]
    out["p_selection"] = p_sel[out.index].to_numpy()
    out["near_duplicates"] = [", ".join(groups[n][1:]) for n in out.index]
    effect_col = "effect"
    order = (
        out.assign(_abs=out[effect_col].abs())
        .sort_values(["reported", "_abs"], ascending=[False, False])
        .index
    )
    out = out.loc[order]
    spec = {n: by_name[n].signal.named(n) for n in out.index if by_name[n].signal is not None}
    warnings = [w for w in linked.warnings]
    return FindSignalsResult(
        out,
        candidates=cand_table,
        spec=spec,
        steps=steps,
        candidate_events=candidate_events,
        kind=kind_used,
        outcome=outcome,
        title=title,
        info=info,
        warnings=warnings,
    )
