"""The report's "designed vs discovered" section: the customers' own map against the design."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cjlib._report_html import Section, kpi_cards, table_html

__all__ = ["discovery_section"]

_LABELS = {
    "not_in_map": "done by customers, not on the map",
    "never_seen": "designed, never seen in the data",
    "order_inversion": "stage order inverted",
    "unmapped_pain": "pain points the map lacks",
    "emotion_outside": "designed emotion outside the measured interval",
    "handover_stall": "handovers where customers stall",
    "persona_gap": "persona journeys that differ",
    "unobservable": "not observable in the log",
}
_HOW = {  # "how this is counted", one line per card
    "not_in_map": "events customers produce that no designed touchpoint binds",
    "never_seen": "owned designed touchpoints with no event in the data",
    "order_inversion": "designed A before B; under 40% of customers reaching both reach A first",
    "unmapped_pain": "confirmed behavioural pain points at touchpoints whose design lists none",
    "emotion_outside": "designed scores outside the measured interval (Bonferroni)",
    "handover_stall": "owner handovers losing > 1.5x the median step's share of customers",
    "persona_gap": "a persona reaches a touchpoint < 2% of the time, another >= 10%",
    "unobservable": "non-owned designed touchpoints without events (kept, not an error)",
}
_ROWS = 20


def discovery_section(
    built: Any,
    journey_map: Any,
    log: Any,
    *,
    customers: pd.DataFrame | None,
    surveys: pd.DataFrame | None,
) -> tuple[Section, dict[str, Any]]:
    """Discover the map from ``log``, compare it with ``journey_map``; the section and results.

    Examples
    --------
    >>> section, found = discovery_section(  # doctest: +SKIP
    ...     built, jm, log, customers=None, surveys=None)
    """
    from cjlib.discover import compare_maps, discover_map

    persona_col = "persona" if customers is not None and "persona" in customers else None
    found = discover_map(
        log, customers=customers, surveys=surveys, persona_col=persona_col, designed=journey_map
    )
    diff = compare_maps(journey_map, found)
    counts = diff.counts()
    cards = [(f"{n:,}", _LABELS[k], _HOW[k]) for k, n in counts.items() if n]
    table = diff.table.head(_ROWS)[["kind", "item", "detail", "customers", "evidence"]].copy()
    table["kind"] = table["kind"].map(_LABELS)
    more = len(diff.table) - len(table)
    note = f"<p>{more} more differences are in <code>report.results['comparison']</code>.</p>"
    body = (
        kpi_cards(cards or [("0", "differences", "between the designed map and the data")])
        + built.add_figure("diff_canvas", diff.plot(title=""))
        + table_html(table, formats={"customers": "{:,.0f}"}, wide=["detail", "evidence"])
        + (note if more > 0 else "")
    )
    section = Section(
        "discovery",
        "Designed vs discovered",
        "The map drawn from what customers actually do (cjlib.discover_map) against the designed "
        "one: touchpoints customers use that the map lacks (green), designed touchpoints nobody "
        "uses (red), stages in another order (orange), pain points and emotions the data "
        "contradict. Counts are customers affected.",
        body,
    )
    return section, {"discovered": found, "comparison": diff}
