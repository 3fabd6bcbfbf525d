"""``DiscoveredMap``: the drawn map with every measurement behind it."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cjlib.events._results import _jsonable
from cjlib.map import JourneyMap

__all__ = ["DiscoveredMap"]


@dataclass(frozen=True)
class DiscoveredMap:
    """A journey map discovered from event data, with how each element was derived.

    Attributes
    ----------
    table : DataFrame
        One row per discovered touchpoint: ``touchpoint``, ``name``, ``stage``, ``channel``,
        ``events``, ``reach`` (customers), ``share`` (of all customers), ``median_first_days``
        (typical days from a customer's first event), ``median_gap_days`` (to the next event),
        ``drop_off`` (share whose journey ends here), ``derivation``.
    journey_map : JourneyMap
        The draft map (valid; write it with :func:`cjlib.write_map`).
    stages : DataFrame
        Per stage: ``reach``, ``share``, ``median_days`` spent, ``drop_off``.
    pain_points : DataFrame
        Every behavioural candidate tried, with its evidence, link and severity; only
        ``confirmed`` ones are on the map.
    emotions : DataFrame
        Measured CSAT emotion per touchpoint and persona with its interval; touchpoints
        without survey evidence have none (nothing is invented).
    personas : DataFrame
        Per touchpoint and persona: reach share, the largest gap between personas, ``diverges``.
    rare : DataFrame
        Events below the reach threshold (summarised, not dropped silently).
    unobservable : DataFrame
        Designed touchpoints the log cannot see (kept on the map).
    n_customers : int
    method : dict
        The parameters used.
    """

    table: pd.DataFrame
    journey_map: JourneyMap
    stages: pd.DataFrame
    pain_points: pd.DataFrame
    emotions: pd.DataFrame
    personas: pd.DataFrame
    rare: pd.DataFrame
    unobservable: pd.DataFrame
    n_customers: int
    method: dict[str, Any]
    log: Any = field(default=None, repr=False, compare=False)
    label_of: dict[str, str] = field(default_factory=dict, repr=False)

    def summary(self) -> str:
        """A few lines: touchpoints, stages, pain points, emotion evidence, what is unseen."""
        conf = (
            self.pain_points.loc[self.pain_points["confirmed"].astype(bool)]
            if len(self.pain_points)
            else self.pain_points
        )
        measured = self.emotions["emotion"].notna().sum() if len(self.emotions) else 0
        no_evidence = len(self.table) - (
            self.emotions.loc[self.emotions["emotion"].notna(), "touchpoint"].nunique()
            if len(self.emotions)
            else 0
        )
        lines = [
            f"Discovered map: {len(self.table)} touchpoints in {len(self.stages)} stages from "
            f"{self.n_customers:,} customers (reach >= {self.method['min_reach']:.0%}; "
            f"{len(self.rare)} rarer events summarised)",
        ]
        for s in self.stages.itertuples(index=False):
            tps = self.table.loc[self.table["stage"] == s.stage, "touchpoint"].tolist()
            lines.append(
                f"  {s.stage}: reach {s.share:.0%}, median {s.median_days:.1f} days, "
                f"drop-off {s.drop_off:.0%} - {', '.join(tps[:6])}{' ...' if len(tps) > 6 else ''}"
            )
        lines.append(
            f"Pain points: {len(conf)} confirmed of {len(self.pain_points)} candidates "
            f"(linked to {self.method.get('outcome_col') or 'no outcome'}, "
            f"FDR {self.method['alpha']})"
        )
        for p in conf.head(5).itertuples(index=False):
            lines.append(f"  [{p.severity}] {p.touchpoint} {p.kind}: {p.evidence}")
        lines.append(
            f"Emotion: {measured} measured scores from surveys; {max(no_evidence, 0)} "
            "touchpoints without survey evidence (no score drawn)"
        )
        if len(self.unobservable):
            lines.append(
                f"Kept from the designed map, unobservable in the log: "
                f"{', '.join(self.unobservable['touchpoint'])}"
            )
        lines.append("Not observable: " + self.journey_map.metadata["unobservable"])
        return "\n".join(lines)

    def plot(self, **kwargs: Any) -> Any:
        """Touchpoints by stage: reach share (bar), coloured by stage, confirmed pains marked."""
        import plotly.graph_objects as go

        from cjlib.plot._style import apply_base_layout

        t = self.table
        pains = (
            set(self.pain_points.loc[self.pain_points["confirmed"].astype(bool), "touchpoint"])
            if len(self.pain_points)
            else set()
        )
        fig = go.Figure()
        for stage in self.stages["stage"]:
            g = t.loc[t["stage"] == stage]
            fig.add_bar(
                x=g["name"],
                y=g["share"],
                name=stage,
                text=["pain" if tp in pains else "" for tp in g["touchpoint"]],
                textposition="outside",
                hovertemplate="%{x}<br>reach %{y:.0%}<extra>" + html.escape(stage) + "</extra>",
            )
        apply_base_layout(
            fig,
            title="Discovered touchpoints by stage (reach share; 'pain' = confirmed pain point)",
        )
        fig.update_layout(
            yaxis_tickformat=".0%",
            xaxis_tickangle=-40,
            legend_title_text="Stage",
            **kwargs,
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: tables as records, the map as plain data, the method."""
        return {
            "kind": "DiscoveredMap",
            "table": _jsonable(self.table),
            "stages": _jsonable(self.stages),
            "pain_points": _jsonable(self.pain_points),
            "emotions": _jsonable(self.emotions),
            "personas": _jsonable(self.personas),
            "rare": _jsonable(self.rare),
            "unobservable": _jsonable(self.unobservable),
            "n_customers": self.n_customers,
            "method": _jsonable(self.method),
            "journey_map": self.journey_map.to_dict(),
        }

    def _repr_html_(self) -> str:
        body = html.escape(self.summary())
        table = self.table.drop(columns=["derivation"]).to_html(index=False)
        return f"<div><pre>{body}</pre>{table}</div>"
