"""A standalone HTML report of a customer journey: map, measurement, outcomes and actions.

:func:`build_report` runs the whole arc on your data — the designed map with its measured
figures, emotion curves (designed vs measured), the stage-by-stage Sankey and funnel, journey
KPIs, touchpoint signals linked to churn with a landmark design, CLV when transactions are
given, and the prioritised backlog — and returns a :class:`Report` whose ``.html`` is one
self-contained file (plotly's JavaScript embedded once, no CDN, no network request).

Examples
--------
>>> import cjlib
>>> from cjlib.datasets import load_sample
>>> from cjlib.report import build_report
>>> data = load_sample("telco")
>>> log = cjlib.EventLog.from_pandas(data.events)
>>> report = build_report(data.journey_map, log, customers=data.customers,
...                       surveys=data.surveys, transactions=data.transactions)
>>> report.save("telco_report.html")  # doctest: +SKIP
>>> [s for s in report.sections][:3]
['kpis', 'map', 'emotion']
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cjlib.errors import DataError

__all__ = ["Report", "build_report"]


@dataclass(frozen=True)
class Report:
    """A built report.

    Attributes
    ----------
    html : str
        The complete, self-contained HTML document.
    title : str
        Its title.
    sections : tuple of str
        Anchor ids of the sections present, in page order.
    skipped : dict
        Section → why it is absent (e.g. no transactions, so no CLV).
    figures : dict
        Section figure name → the plotly ``Figure`` shown (for export to slides).
    results : dict
        The result objects behind the numbers (``measured``, ``funnel``, ``link``,
        ``backlog``, ``clv`` ...), so every figure can be traced to a public function.
    """

    html: str
    title: str
    sections: tuple[str, ...]
    skipped: dict[str, str] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the report to ``path`` (UTF-8) and return the path."""
        target = Path(path)
        if target.parent and not target.parent.exists():
            raise DataError(f"path: folder {str(target.parent)!r} does not exist")
        target.write_text(self.html, encoding="utf-8")
        return target

    def _repr_html_(self) -> str:
        # An iframe keeps the report's CSS and plotly bundle apart from the notebook's.
        return (
            f'<iframe srcdoc="{html.escape(self.html)}" style="width:100%;height:800px;'
            f'border:1px solid #ddd" title="{html.escape(self.title)}"></iframe>'
        )


def build_report(
    journey_map: Any,
    log: Any,
    *,
    customers: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    transactions: pd.DataFrame | None = None,
    title: str | None = None,
    landmark_days: int = 90,
    controls: Sequence[str] = (),
    clv_weeks: int = 52,
    discovery: bool = True,
) -> Report:
    """Build the standalone HTML report of ``journey_map`` measured on ``log``.

    Parameters
    ----------
    journey_map : JourneyMap
        The designed map; its touchpoints' ``events`` bind the log to it.
    log : EventLog
        The observed events.
    customers : DataFrame, optional
        Customers table (data contract): adds the linked-signals and backlog sections, which
        need ``customer_id``, ``start_date``, ``tenure_days`` and ``churned``, and revenue
        per customer for the value at risk.
    surveys : DataFrame, optional
        CSAT / NPS responses: adds measured emotion to the canvas, curves and KPIs.
    transactions : DataFrame, optional
        ``customer_id``, ``timestamp``, ``amount``: adds the CLV section (BG/NBD + Gamma-Gamma).
    title : str, optional
        Page title (default: "Journey report — <map name>").
    landmark_days : int, default 90
        Landmark of the linked-signals design: a signal is "reached this touchpoint in the
        first ``landmark_days`` after the start"; the outcome is churn *after* the landmark,
        among customers still active then. This avoids the immortal-time bias of linking
        signals that accumulate with tenure to a plain churn flag.
    controls : sequence of str
        Customer columns to adjust the linked signals for (e.g. ``["plan"]``).
    clv_weeks : int, default 52
        CLV horizon in weeks.
    discovery : bool, default True
        Add the "designed vs discovered" section (:func:`cjlib.discover_map` and
        :func:`cjlib.compare_maps` with the diff canvas).

    Returns
    -------
    Report

    Raises
    ------
    DataError
        A bad parameter value (named, with what is allowed).
    SchemaError
        The customers table lacks a column the linked-signals section needs.

    Examples
    --------
    >>> import cjlib
    >>> from cjlib.datasets import load_sample
    >>> data = load_sample("telco")
    >>> report = build_report(data.journey_map, cjlib.EventLog.from_pandas(data.events))
    >>> "signals" in report.skipped
    True
    """
    from cjlib._report_analysis import run_analyses
    from cjlib._report_sections import build_sections
    from cjlib.events import EventLog
    from cjlib.map import JourneyMap

    if not isinstance(journey_map, JourneyMap):
        raise DataError(f"journey_map: expected a JourneyMap, got {type(journey_map).__name__}")
    if not isinstance(log, EventLog):
        raise DataError(f"log: expected an EventLog, got {type(log).__name__}")
    for name, value in (
        ("customers", customers),
        ("surveys", surveys),
        ("transactions", transactions),
    ):
        if value is not None and not isinstance(value, pd.DataFrame):
            raise DataError(
                f"{name}: expected a pandas DataFrame or None, got {type(value).__name__}"
            )
    if isinstance(landmark_days, bool) or not isinstance(landmark_days, int) or landmark_days < 1:
        raise DataError(
            f"landmark_days: expected a positive whole number of days, got {landmark_days!r}"
        )
    if isinstance(clv_weeks, bool) or not isinstance(clv_weeks, int) or clv_weeks < 1:
        raise DataError(f"clv_weeks: expected a positive whole number of weeks, got {clv_weeks!r}")
    if isinstance(controls, str):
        controls = [controls]
    if title is not None and not isinstance(title, str):
        raise DataError(f"title: expected a string, got {type(title).__name__}")

    analyses = run_analyses(
        journey_map,
        log,
        customers=customers,
        surveys=surveys,
        transactions=transactions,
        landmark_days=landmark_days,
        controls=list(controls),
        clv_weeks=clv_weeks,
    )
    page_title = title or f"Journey report — {journey_map.name or journey_map.id}"
    built = build_sections(
        journey_map, log, analyses, landmark_days=landmark_days, controls=list(controls)
    )
    discovered: dict[str, Any] = {}
    if discovery:
        from cjlib._report_analysis import _with_contract_ids
        from cjlib._report_discovery import discovery_section

        section, discovered = discovery_section(
            built,
            journey_map,
            log,
            customers=_with_contract_ids(customers, log.customer_col),
            surveys=_with_contract_ids(surveys, log.customer_col),
        )
        built.sections.insert(len(built.sections) - 1, section)  # before the notes
    from cjlib import __version__
    from cjlib._report_html import page

    document = page(
        title=page_title,
        subtitle=built.subtitle,
        sections=built.sections,
        # no clock time: the same inputs give the same bytes, so two reports can be diffed
        footer=f"Generated by cjlib {__version__} from the events of {built.period}.",
    )
    results = {
        "measured": analyses.measured,
        "flows": analyses.flows,
        "funnel": analyses.funnel,
        "objectives": analyses.objectives,
        "landmark_table": analyses.landmark_table,
        "link": analyses.link,
        "moments": analyses.moments,
        "backlog": analyses.backlog,
        "clv": analyses.clv_table,
        "clv_summary": dict(analyses.clv_summary),
        **discovered,
    }
    return Report(
        html=document,
        title=page_title,
        sections=tuple(s.anchor for s in built.sections),
        skipped=dict(analyses.skipped),
        figures=built.figures,
        results={k: v for k, v in results.items() if v is not None},
    )
