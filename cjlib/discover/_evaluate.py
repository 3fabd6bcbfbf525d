"""Score a :class:`MapComparison` against planted differences (recall and precision).

Used by the tests, ``benchmarks/discovery_recall.py`` and ``docs/discovery.md``. A reported row
is a *hit* when it names a planted difference, *background* when it is true of every
simulation (the simulator's off-map events such as ``password_reset``: customers really do
them and no map lists them), *informational* for handover stalls (a property of the journey,
not a map difference) and otherwise a *false alarm*.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = ["score_comparison"]

_INFORMATIONAL = {"handover_stall", "unobservable"}


def _hits(row: Any, diff: dict[str, Any]) -> bool:
    kind = diff["kind"]
    if kind == "missing_touchpoint":
        return row.kind == "not_in_map" and row.item in diff["events"]
    if kind == "swapped_stages":
        a, b = diff["stages"]
        return row.kind == "order_inversion" and row.item == f"{b} -> {a}"
    if kind == "unmapped_pain":
        return row.kind == "unmapped_pain" and row.item.startswith(f"{diff['touchpoint']}:")
    if kind == "unused_touchpoint":
        return row.kind == "never_seen" and row.item == diff["touchpoint"]
    return False


def score_comparison(
    table: pd.DataFrame, differences: Iterable[dict[str, Any]], background: Iterable[str]
) -> dict[str, Any]:
    """Which planted differences were found and which reported rows were false alarms.

    Returns
    -------
    dict
        ``found`` (kind -> bool), ``false_alarms`` (list of (kind, item)), ``n_reported``
        (rows that are neither background nor informational).

    Examples
    --------
    >>> t = pd.DataFrame({"kind": ["never_seen"], "item": ["x"]})
    >>> score_comparison(t, [{"kind": "unused_touchpoint", "touchpoint": "x"}], [])["found"]
    {'unused_touchpoint': True}
    """
    diffs = list(differences)
    bg = set(background)
    found = {d["kind"]: False for d in diffs}
    false_alarms = []
    n_reported = 0
    for row in table.itertuples(index=False):
        if row.kind in _INFORMATIONAL or (row.kind == "not_in_map" and row.item in bg):
            continue
        if row.kind == "not_in_map" and row.item.endswith("rare events"):
            continue
        n_reported += 1
        matched = [d for d in diffs if _hits(row, d)]
        for d in matched:
            found[d["kind"]] = True
        if not matched:
            false_alarms.append((row.kind, row.item))
    return {"found": found, "false_alarms": false_alarms, "n_reported": n_reported}
