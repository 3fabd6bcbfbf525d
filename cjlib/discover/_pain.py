"""Behavioural pain points with their evidence, severity from the measured link to the outcome.

Candidates per touchpoint: *repeat* (two visits within the repeat window: loops and repeat
contacts), *wait* (a gap to the next event above ``wait_factor`` times the touchpoint's median
gap), *drop-off* (the journey ends here far more often than elsewhere) and *low CSAT*. For
repeat, wait and low CSAT the link is the relative risk of the bad outcome (e.g. churn) among
customers with the pattern versus other customers who reached the touchpoint (Katz interval,
two-proportion z-test, Benjamini-Hochberg over every candidate tried). A candidate is
*confirmed* when its q-value is at most ``alpha`` and the risk is raised; its severity is graded
by the measured relative risk (``SEVERITY_CUTS``), never by a fixed rule about the pattern.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cjlib.action._intervals import z_test_p
from cjlib.stats._intervals import katz_ratio_ci, wilson_ci
from cjlib.stats._multiplicity import bh_qvalues

__all__ = ["SEVERITY_CUTS", "pain_candidates", "severity_of"]

#: Relative-risk bounds of the severities: below 1.25 low, 1.5 medium, 2 high, else critical.
SEVERITY_CUTS: tuple[tuple[float, str], ...] = ((1.25, "low"), (1.5, "medium"), (2.0, "high"))
#: A pattern shared by fewer reached customers than this is not tried.
MIN_SHARE = 0.03
MIN_CUSTOMERS = 20
_EVIDENCE = {
    "repeat": "{n:,} of {reach:,} customers ({share:.0%}) came back within {window} days",
    "wait": "{n:,} of {reach:,} customers ({share:.0%}) waited over {factor:g}x the usual gap",
    "drop_off": "{n:,} of {reach:,} customers ({share:.0%}) ended their journey here "
    "({ratio:.1f}x the median touchpoint)",
    "low_csat": "{n:,} of {reach:,} survey respondents ({share:.0%}) gave CSAT 1-2",
}


def severity_of(ratio: float) -> str:
    """Severity for a measured risk ratio (see :data:`SEVERITY_CUTS`).

    Examples
    --------
    >>> severity_of(1.1), severity_of(1.7), severity_of(3.0)
    ('low', 'high', 'critical')
    """
    for bound, name in SEVERITY_CUTS:
        if ratio < bound:
            return name
    return "critical"


def _link(n_flag: int, bad_flag: int, n_other: int, bad_other: int, alpha: float) -> dict:
    if n_flag < 1 or n_other < 1:
        return {"risk_ratio": math.nan, "rr_low": math.nan, "rr_high": math.nan, "p": math.nan}
    rr, low, high, _ = katz_ratio_ci(bad_flag, n_flag, bad_other, n_other, alpha)
    _, p = z_test_p(bad_flag, n_flag, bad_other, n_other)
    return {"risk_ratio": rr, "rr_low": low, "rr_high": high, "p": p}


def pain_candidates(
    events: pd.DataFrame,
    *,
    low_csat: pd.DataFrame | None,
    terminal: set[str],
    repeat_window_days: float,
    wait_factor: float,
    alpha: float,
    has_outcome: bool,
) -> pd.DataFrame:
    """One row per tried candidate: touchpoint, kind, customers, share, link, severity."""
    rows = []
    for r in events.itertuples(index=False):
        if r.event in terminal:
            continue
        for kind, n_col in (("repeat", "n_repeat"), ("wait", "n_wait")):
            n = int(getattr(r, n_col))
            if n < MIN_CUSTOMERS or n / r.reach < MIN_SHARE:
                continue
            row = {"touchpoint": r.event, "kind": kind, "customers": n, "reach": int(r.reach)}
            if has_outcome:
                flag = "repeat" if kind == "repeat" else "waited"
                nf, bf = int(getattr(r, f"out_{flag}")), int(getattr(r, f"out_{flag}_bad"))
                row.update(_link(nf, bf, int(r.out_reach) - nf, int(r.out_bad) - bf, alpha))
            rows.append(row)
    drop = events.loc[~events["event"].isin(terminal) & (events["reach"] >= MIN_CUSTOMERS)]
    share = drop["n_last"] / drop["reach"]
    norm = float(share.median()) if len(share) else math.nan
    for r, s in zip(drop.itertuples(index=False), share, strict=True):
        low, _ = wilson_ci(int(r.n_last), int(r.reach), alpha)
        if norm > 0 and low > 2 * norm:
            rows.append(
                {
                    "touchpoint": r.event,
                    "kind": "drop_off",
                    "customers": int(r.n_last),
                    "reach": int(r.reach),
                    "risk_ratio": s / norm,
                    "rr_low": low / norm,
                    "rr_high": math.nan,
                    "p": math.nan,
                }
            )
    if low_csat is not None:
        for r in low_csat.itertuples(index=False):
            if r.n_low < MIN_CUSTOMERS / 4:
                continue
            row = {"touchpoint": r.touchpoint, "kind": "low_csat", "customers": int(r.n_low)}
            row["reach"] = int(r.n)
            if has_outcome and r.out_n:
                row.update(
                    _link(
                        int(r.out_low),
                        int(r.out_low_bad),
                        int(r.out_n - r.out_low),
                        int(r.out_bad - r.out_low_bad),
                        alpha,
                    )
                )
            rows.append(row)
    cols = [
        "touchpoint",
        "kind",
        "customers",
        "reach",
        "share",
        "risk_ratio",
        "rr_low",
        "rr_high",
        "p",
        "q",
        "confirmed",
        "severity",
        "evidence",
    ]
    if not rows:
        return pd.DataFrame(columns=cols)
    table = pd.DataFrame(rows)
    for col in ("risk_ratio", "rr_low", "rr_high", "p"):
        if col not in table:
            table[col] = np.nan
    table["share"] = table["customers"] / table["reach"]
    table["q"] = bh_qvalues(table["p"].to_numpy(dtype=float))
    linked = (table["q"] <= alpha) & (table["risk_ratio"] > 1)
    table["confirmed"] = np.where(table["kind"] == "drop_off", True, linked)
    table["severity"] = [
        severity_of(rr) if ok else "low"
        for rr, ok in zip(table["risk_ratio"], table["confirmed"], strict=True)
    ]
    table.loc[table["kind"] == "drop_off", "severity"] = [
        severity_of(1 + (x - 2) / 2) for x in table.loc[table["kind"] == "drop_off", "risk_ratio"]
    ]
    window = f"{repeat_window_days:g}"
    table["evidence"] = [
        _EVIDENCE[k].format(n=n, reach=reach, share=s, window=window, factor=wait_factor, ratio=rr)
        for k, n, reach, s, rr in zip(
            table["kind"],
            table["customers"],
            table["reach"],
            table["share"],
            table["risk_ratio"],
            strict=True,
        )
    ]
    return (
        table[cols]
        .sort_values(["confirmed", "risk_ratio"], ascending=[False, False])
        .reset_index(drop=True)
    )
