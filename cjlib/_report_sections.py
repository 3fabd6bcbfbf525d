"""The report's sections: which table, figure and one-line explanation each one shows."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pandas as pd

from cjlib._report_analysis import ReportAnalyses
from cjlib._report_html import Section, figure_html, kpi_cards, table_html

__all__ = ["BuiltSections", "build_sections"]

#: Sankey bands thinner than this share of customers are hidden to keep labels readable.
SANKEY_MIN_SHARE = 0.01
STAGE_COLUMNS = {
    "name": "stage",
    "owner": "owner",
    "reach": "customers",
    "share": "share",
    "conversion_next": "to next",
    "skipped_next": "skipped next",
    "drop_off": "drop-off",
    "median_days_in_stage": "median days",
    "csat": "CSAT",
    "nps": "NPS",
    "measured_emotion": "emotion",
}
STAGE_FORMATS = {
    "share": "{:.1%}",
    "to next": "{:.1%}",
    "skipped next": "{:.1%}",
    "drop-off": "{:.1%}",
    "median days": "{:.1f}",
    "CSAT": "{:.2f}",
    "NPS": "{:.0f}",
    "emotion": "{:+.2f}",
    "customers": "{:,.0f}",
}
#: How the stage table counts, printed under it.
STAGE_COUNTING = (
    "How this is counted: 'customers' = customers with any event in the stage, in any order, "
    "and 'share' = their share of all customers in the events (so a stage can be reached by "
    "more customers than the one before it). Of those, 'to next' went on to the next stage, "
    "'skipped next' went on to a later stage but never the next one, 'drop-off' reached no "
    "later stage: the three add up to 100%. The funnel below counts only customers who pass "
    "every stage in map order."
)
SIGNAL_FORMATS = {
    "n exposed": "{:,.0f}",
    "n unexposed": "{:,.0f}",
    "churn if exposed": "{:.1%}",
    "churn if not": "{:.1%}",
    "risk difference": "{:+.1%}",
    "95% CI low": "{:+.1%}",
    "95% CI high": "{:+.1%}",
    "q (BH)": "{:.3g}",
}
BACKLOG_COLUMNS = {
    "rank": "rank",
    "opportunity": "opportunity",
    "owner": "owner",
    "touchpoint": "touchpoint",
    "effort": "effort",
    "value_at_risk": "value at risk",
    "expected_value": "expected value",
    "confidence": "confidence",
    "score": "score",
    "quadrant": "quadrant",
}
BACKLOG_FORMATS = {
    "value at risk": "{:,.0f}",
    "expected value": "{:,.0f}",
    "confidence": "{:.2f}",
    "score": "{:,.0f}",
}


@dataclass
class BuiltSections:
    """Sections in page order, the header lines and the figures shown."""

    subtitle: list[str]
    period: str = ""
    sections: list[Section] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def add_figure(self, name: str, fig: Any) -> str:
        self.figures[name] = fig
        return figure_html(fig, name)


def build_sections(
    journey_map: Any,
    log: Any,
    analyses: ReportAnalyses,
    *,
    landmark_days: int,
    controls: list[str],
) -> BuiltSections:
    """Every section the analyses allow, in the order of the journey-management arc."""
    from cjlib.plot import emotion_curve, render_map, sankey

    start, end = analyses.measured.period
    period = f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"
    built = BuiltSections(
        subtitle=[
            journey_map.description or "",
            f"{log.n_customers:,} customers in the events · {log.n_events:,} events · {period}",
        ],
        period=period,
    )
    built.sections.append(_kpis(built, log, analyses))
    # the canvas sits inside an <h2> section of the report: its title is an <h3>
    canvas = render_map(journey_map, measured=analyses.measured, standalone=False, heading_level=3)
    # the canvas scopes its CSS under a random id; the report holds one canvas, so a fixed
    # id keeps two builds from the same inputs byte-identical
    canvas = re.sub(r"cjmap-[0-9a-f]+", "cjmap-report", canvas)
    built.sections.append(
        Section(
            "map",
            "Journey map",
            "The designed journey, stage by stage, with what the data measured under each "
            "touchpoint (reach, drop-off, CSAT/NPS) and a flag where measured and designed "
            "emotion disagree.",
            f'<div class="canvas-wrap">{canvas}</div>',
        )
    )
    built.sections.append(
        Section(
            "emotion",
            "Emotion curves: designed vs measured",
            "The emotion the map designers expected at each touchpoint (lines) against the emotion "
            "measured from CSAT/NPS answers (points with 95% intervals).",
            built.add_figure(
                "emotion", emotion_curve(journey_map, measured=analyses.measured, title="")
            ),
        )
    )
    built.sections.append(
        Section(
            "sankey",
            "Journeys stage by stage",
            "How customers actually move between stages, step by step; bands to '(drop-off)' are "
            "customers whose journey ends there.",
            built.add_figure(
                "sankey",
                sankey(analyses.flows, title=None, min_share=SANKEY_MIN_SHARE, names=journey_map),
            ),
        )
    )
    built.sections.append(
        Section(
            "funnel",
            "Stage funnel",
            "Customers who reached each stage in the designed order, with the conversion from the "
            "start and from the previous stage (Wilson 95% intervals in the table).",
            built.add_figure("funnel", analyses.funnel.plot())
            + _funnel_table(analyses.funnel, journey_map),
        )
    )
    if analyses.link is not None:
        built.sections.append(_signals(built, analyses, landmark_days, controls))
    if analyses.clv_table is not None:
        built.sections.append(_clv(analyses))
    if analyses.backlog is not None:
        built.sections.append(_backlog(built, analyses))
    built.sections.append(_notes(analyses, landmark_days))
    return built


def _kpis(built: BuiltSections, log: Any, analyses: ReportAnalyses) -> Section:
    journey_map = analyses.measured.journey_map
    stage_names = {st.id: st.name or st.id for st in journey_map.stages}
    funnel = analyses.funnel.table
    last = funnel.iloc[-1]
    last_name = stage_names.get(last["name"], last["name"])
    stages = analyses.measured.stages
    cards = [
        (
            f"{log.n_customers:,}",
            "customers in the events",
            "everyone with at least one event, prospects who never bought included",
        ),
        (f"{log.n_events:,}", "events", "rows of the event log"),
        (
            f"{float(last['conversion_from_start']):.1%}",
            f"went through every stage in order to {last_name}",
            "funnel: an event in each stage after one in the stage before, of all customers "
            "in the events",
        ),
    ]
    reached_last = stages[stages["stage"] == last["name"]]
    if len(reached_last):
        cards.append(
            (
                f"{float(reached_last['share'].iloc[0]):.1%}",
                f"reached {last_name} at all",
                "stage table: any event in the stage, in any order, of all customers in the events",
            )
        )
    customers = analyses.measured.customers
    if customers is not None and "churned" in customers.columns:
        cards.append(
            (
                f"{customers['churned'].astype(bool).mean():.1%}",
                "churned",
                f"of the {len(customers):,} customers in the customers table",
            )
        )
    answered = stages[stages["csat_n"] > 0]
    if len(answered):
        n_answers = int(answered["csat_n"].sum())
        mean_csat = float((answered["csat"] * answered["csat_n"]).sum() / n_answers)
        cards.append(
            (
                f"{mean_csat:.2f}",
                "mean CSAT (1–5)",
                f"over all {n_answers:,} CSAT answers bound to a stage",
            )
        )
    table = _stage_table(stages)
    body = (
        kpi_cards(cards)
        + table_html(table, formats=STAGE_FORMATS, text=["stage"])
        + f'<p class="note">{html.escape(STAGE_COUNTING)}</p>'
        + _skip_notes(stages, stage_names, analyses.skipped_previous)
    )
    if analyses.objectives is not None:
        objectives = analyses.objectives.table[
            ["kpi", "owner", "baseline", "current", "target", "deadline", "status"]
        ]
        body += "<h3>Objectives</h3>" + table_html(
            objectives,
            formats={"baseline": "{:.1f}", "current": "{:.1f}", "target": "{:.1f}"},
            text=["kpi"],
        )
    return Section(
        "kpis",
        "Journey KPIs",
        "Headline numbers (each card says how it is counted), then per stage: customers who "
        "reached it, where they went next, median days spent, CSAT (1–5), NPS and the emotion "
        "measured from surveys (−2..+2); then progress against the map's objectives.",
        body,
    )


def _stage_table(stages: pd.DataFrame) -> pd.DataFrame:
    """Stage rows with to-next, skipped-the-next and drop-off shares that add up to 100%."""
    table = stages.assign(skipped_next=1.0 - stages["conversion_next"] - stages["drop_off"])
    return table[[c for c in STAGE_COLUMNS if c in table.columns]].rename(columns=STAGE_COLUMNS)


def _skip_notes(
    stages: pd.DataFrame, stage_names: dict[str, str], skipped_previous: dict[str, int]
) -> str:
    """One sentence per stage reached by more customers than the stage before it."""
    reach = dict(zip(stages["stage"], stages["reach"], strict=True))
    order = list(stages["stage"])
    lines = []
    for previous, stage in pairwise(order):
        if reach[stage] > reach[previous]:
            lines.append(
                f"{stage_names[stage]} is reached by more customers ({reach[stage]:,}) than "
                f"{stage_names[previous]} ({reach[previous]:,}): "
                f"{skipped_previous.get(stage, 0):,} of them have no {stage_names[previous]} "
                "event at all (they skipped it)."
            )
    return "".join(f'<p class="note skips">{html.escape(line)}</p>' for line in lines)


def _funnel_table(funnel: Any, journey_map: Any) -> str:
    names = {st.id: st.name or st.id for st in journey_map.stages}
    table = funnel.table.assign(name=funnel.table["name"].map(lambda s: names.get(s, s)))
    table = table[
        [
            "name",
            "customers",
            "conversion_from_start",
            "ci_low_start",
            "ci_high_start",
            "conversion_from_previous",
        ]
    ]
    table = table.rename(
        columns={
            "name": "stage",
            "conversion_from_start": "from start",
            "ci_low_start": "95% CI low",
            "ci_high_start": "95% CI high",
            "conversion_from_previous": "from previous",
        }
    )
    formats = {c: "{:.1%}" for c in ("from start", "95% CI low", "95% CI high", "from previous")}
    return table_html(table, formats={**formats, "customers": "{:,.0f}"})


def _signals(
    built: BuiltSections, analyses: ReportAnalyses, landmark_days: int, controls: list[str]
) -> Section:
    from cjlib.plot import forest

    link = analyses.link.table.reset_index()
    link = link.assign(touchpoint=link["signal"].map(analyses.signal_touchpoints))
    order = link.sort_values("q")
    names = {tp.id: tp.name or tp.id for tp in analyses.measured.journey_map.touchpoints}
    labelled = order.assign(label=order["touchpoint"].map(names))
    order = order.assign(touchpoint=labelled["label"])
    fig = forest(
        labelled, label_col="label", x_title="Risk difference in churn (exposed − not)", title=None
    )
    table = order[
        [
            "touchpoint",
            "n_exposed",
            "n_unexposed",
            "rate_exposed",
            "rate_unexposed",
            "effect",
            "ci_low",
            "ci_high",
            "q",
        ]
    ].rename(
        columns={
            "n_exposed": "n exposed",
            "n_unexposed": "n unexposed",
            "rate_exposed": "churn if exposed",
            "rate_unexposed": "churn if not",
            "effect": "risk difference",
            "ci_low": "95% CI low",
            "ci_high": "95% CI high",
            "q": "q (BH)",
        }
    )
    cohort = analyses.landmark_table
    adjusted = (
        f" Adjusted odds ratios (controls: {', '.join(controls)}) are in report.results['link']."
        if controls
        else ""
    )
    note = (
        f"Landmark design: a signal is 'reached this touchpoint in the first {landmark_days} "
        f"days after the start'; the outcome is churn after day {landmark_days}, among the "
        f"{len(cohort):,} customers still active then. Measuring exposure before the outcome "
        "window avoids the immortal-time bias of long-tenure customers collecting more "
        "touchpoints. These are associations, not causal effects: customers who reach a "
        "touchpoint differ in other ways too. q-values control the false-discovery rate "
        f"(Benjamini–Hochberg) over the {len(link)} signals." + adjusted
    )
    return Section(
        "signals",
        "Touchpoint signals linked to churn",
        "Which early touchpoints go with more (right of zero) or less (left) churn later; "
        "bars are 95% intervals, solid markers pass the false-discovery-rate threshold.",
        built.add_figure("signals", fig)
        + table_html(table, formats=SIGNAL_FORMATS)
        + f'<p class="note">{html.escape(note)}</p>',
    )


def _clv(analyses: ReportAnalyses) -> Section:
    s = analyses.clv_summary
    population = "the customers in the transactions table"
    cards = kpi_cards(
        [
            (
                f"{s['mean_clv']:,.2f}",
                f"mean expected spend, next {s['weeks']:.0f} weeks",
                f"BG/NBD × Gamma-Gamma, undiscounted, averaged over {population}",
            ),
            (f"{s['median_clv']:,.2f}", "median per customer", f"over {population}"),
            (
                f"{s['total_clv']:,.0f}",
                f"total over {s['customers']:,.0f} customers",
                f"{population} (the header counts everyone in the events, prospects included)",
            ),
            (
                f"{s['top_decile_share']:.1%}",
                "share held by the top 10% of customers",
                "the 10% with the highest expected spend, of the total",
            ),
            (
                f"{s['mean_expected_purchases']:.2f}",
                "expected purchases per customer",
                f"BG/NBD, next {s['weeks']:.0f} weeks, averaged over {population}",
            ),
        ]
    )
    clv = analyses.clv_table
    deciles = pd.qcut(clv["clv"].rank(method="first", ascending=False), 10, labels=False) + 1
    by_decile = (
        clv.assign(decile=deciles)
        .groupby("decile")
        .agg(
            customers=("clv", "size"),
            mean_clv=("clv", "mean"),
            mean_past_purchases=("frequency", "mean"),
        )
        .reset_index()
        .rename(
            columns={
                "decile": "decile (1 = most valuable)",
                "mean_clv": "mean CLV",
                "mean_past_purchases": "mean repeat purchases",
            }
        )
    )
    note = (
        "BG/NBD (purchase count and drop-out) and Gamma-Gamma (spend per purchase) fitted on "
        "the weekly transaction history; CLV is expected spend over the horizon, undiscounted. "
        "Gamma-Gamma assumes spend is independent of purchase frequency."
    )
    return Section(
        "clv",
        "Customer lifetime value",
        "What customers are expected to spend over the coming year, and how concentrated "
        "that value is.",
        cards
        + table_html(
            by_decile,
            formats={
                "mean CLV": "{:,.2f}",
                "mean repeat purchases": "{:.2f}",
                "customers": "{:,.0f}",
            },
        )
        + f'<p class="note">{html.escape(note)}</p>',
    )


def _backlog(built: BuiltSections, analyses: ReportAnalyses) -> Section:
    backlog = analyses.backlog
    names = {tp.id: tp.name or tp.id for tp in analyses.measured.journey_map.touchpoints}
    table = backlog.table[[c for c in BACKLOG_COLUMNS if c in backlog.table.columns]]
    if "touchpoint" in table.columns:
        table = table.assign(touchpoint=table["touchpoint"].map(lambda t: names.get(t, t)))
    table = table.rename(columns=BACKLOG_COLUMNS)
    note = (
        "Per year: value at risk = customers at risk × extra churn risk × revenue per "
        "customer-year, from the linked signals above; expected value = value at risk × the "
        "share of the problem the opportunity expects to remove; score = expected value × "
        "confidence / effort (RICE), confidence from the strength of the evidence. "
        "Opportunities on touchpoints without a linked signal come last, 'not measured'."
    )
    return Section(
        "backlog",
        "Prioritised backlog",
        "The map's opportunities ranked by expected value for the effort, each with an owner; "
        "top-left of the matrix are quick wins.",
        built.add_figure("backlog", backlog.plot())
        + table_html(table, formats=BACKLOG_FORMATS, wide=["opportunity"])
        + f'<p class="note">{html.escape(note)}</p>',
    )


def _notes(analyses: ReportAnalyses, landmark_days: int) -> Section:
    items = [
        "Events are bound to touchpoints by the event names (or patterns) each touchpoint lists "
        "in the map; events that match no touchpoint are left out of stage figures.",
        f"Linked signals use a {landmark_days}-day landmark; see that section.",
    ]
    items += [f"Section '{name}' left out: {why}." for name, why in analyses.skipped.items()]
    warnings = getattr(analyses.measured, "warnings", None) or []
    items += [f"Measurement: {w}" for w in warnings]
    body = "<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>"
    return Section("notes", "Method notes", "How the numbers were made and what is missing.", body)
