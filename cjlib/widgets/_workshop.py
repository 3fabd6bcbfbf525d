"""Workshop: presentation mode for a room — stage by stage, guess then reveal, dot-votes."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from cjlib.errors import CjlibError, DataError
from cjlib.map import JourneyMap
from cjlib.map._model import EMOTION_RANGE
from cjlib.plot._style import SEVERITY_COLORS
from cjlib.widgets._display import show_figure, show_message
from cjlib.widgets._reveal import RevealResult, check_guesses, reveal
from cjlib.widgets._votes import VoteTally, pain_point_key

__all__ = ["Workshop"]

_GUESS_STEP = 0.5


class _VoteRow:
    """One pain point on the vote board: severity chip, text, minus, count, plus."""

    def __init__(self, key: str, text: str, severity: str) -> None:
        self.key = key
        colour = SEVERITY_COLORS.get(severity, "#eeeeee")
        self.label = widgets.HTML(
            f'<span style="background:{colour};padding:2px 6px;border-radius:3px;'
            f'font-size:12px">{html.escape(severity)}</span> {html.escape(text)}',
            layout=widgets.Layout(width="560px"),
        )
        self.minus = widgets.Button(
            icon="minus", tooltip="Remove a dot", layout=widgets.Layout(width="34px")
        )
        self.count = widgets.HTML("0", layout=widgets.Layout(width="40px"))
        self.plus = widgets.Button(
            icon="plus", tooltip="Add a dot", layout=widgets.Layout(width="34px")
        )
        self.box = widgets.HBox([self.label, self.minus, self.count, self.plus])


class Workshop:
    """Run a journey-map workshop: step through the stages, guess, reveal, dot-vote, export.

    For each stage in turn the room sees its touchpoints, guesses how customers feel at
    each (a slider per touchpoint on the map's −2…+2 scale), then presses *Reveal* to see the
    measured emotion (with its interval) next to the guess and the designed score
    (:func:`cjlib.widgets.reveal`). Dot-votes on the stage's pain points are collected with
    +/− buttons against a budget of ``participants × dots`` (:class:`cjlib.widgets.VoteTally`);
    :meth:`votes_frame` and :meth:`export_votes` hand the ranking on. Everything the widget
    does goes through those headless objects, so a session can be replayed in code.

    Parameters
    ----------
    journey_map : JourneyMap
        The map presented.
    measured : MeasuredMap, optional
        :func:`cjlib.measure` on this map with surveys; without it guesses and votes are
        collected but there is nothing to reveal.
    participants : int, default 8
        People in the room (the vote budget).
    dots : int, default 3
        Dots per participant.

    Attributes
    ----------
    widget : ipywidgets.Widget
        The whole workshop view.
    tally : VoteTally
        The votes.
    guesses : dict of str to float
        The room's guess per touchpoint (only touchpoints guessed).
    revealed : set of str
        Stages whose measured figures have been revealed.
    stage_index : int
        Position of the stage shown.

    Examples
    --------
    >>> from cjlib.datasets import load_map
    >>> ws = Workshop(load_map("telco"), participants=5)
    >>> ws.next()
    >>> ws.stage.id
    'purchase'
    >>> ws.vote_rows["pp_store_upsell"].plus.click()
    >>> ws.tally.votes["pp_store_upsell"], ws.tally.remaining
    (1, 14)
    >>> ws  # doctest: +SKIP
    """

    def __init__(
        self,
        journey_map: JourneyMap,
        measured: Any = None,
        *,
        participants: int = 8,
        dots: int = 3,
    ) -> None:
        if not isinstance(journey_map, JourneyMap):
            raise DataError(f"journey_map: expected a JourneyMap, got {type(journey_map).__name__}")
        if not journey_map.stages:
            raise DataError("journey_map has no stages: nothing to present")
        if measured is not None:
            # validated the same way reveal() will use it
            reveal(journey_map, measured, {}, stage=journey_map.stages[0].id)
        self.journey_map = journey_map
        self.measured = measured
        self.tally = VoteTally(journey_map, participants=participants, dots=dots)
        self.guesses: dict[str, float] = {}
        self.revealed: set[str] = set()
        self.stage_index = 0
        self.result: RevealResult | None = None
        self._syncing = False
        self._build()
        self._show_stage()

    # -- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.header = widgets.HTML()
        self.prev_button = widgets.Button(description="Previous", icon="arrow-left")
        self.next_button = widgets.Button(description="Next", icon="arrow-right")
        self.prev_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        low, high = EMOTION_RANGE
        self.guess_sliders: dict[str, widgets.FloatSlider] = {}
        self._guess_rows: dict[str, widgets.HBox] = {}
        for _, tp in self.journey_map.iter_touchpoints():
            slider = widgets.FloatSlider(
                value=0.0,
                min=low,
                max=high,
                step=_GUESS_STEP,
                continuous_update=False,
                readout_format="+.1f",
                layout=widgets.Layout(width="320px"),
            )
            slider.observe(lambda change, tp_id=tp.id: self._on_guess(tp_id, change), names="value")
            self.guess_sliders[tp.id] = slider
            label = widgets.HTML(
                f"<b>{html.escape(tp.name)}</b> "
                f'<span style="color:#78909c">{html.escape(tp.channel or "")}</span>',
                layout=widgets.Layout(width="260px"),
            )
            self._guess_rows[tp.id] = widgets.HBox([label, slider])
        self.guess_box = widgets.VBox()
        self.reveal_button = widgets.Button(
            description="Reveal measured",
            icon="eye",
            button_style="primary",
            layout=widgets.Layout(width="190px"),
            disabled=self.measured is None,
            tooltip="Show measured versus guessed versus designed emotion for this stage",
        )
        self.reveal_button.on_click(lambda _: self.reveal())
        self.reveal_table = widgets.HTML()
        self.reveal_plot = widgets.Output()

        self.participants = widgets.BoundedIntText(
            value=self.tally.participants,
            min=1,
            max=10_000,
            description="Participants",
            style={"description_width": "85px"},
            layout=widgets.Layout(width="170px"),
        )
        self.dots = widgets.BoundedIntText(
            value=self.tally.dots,
            min=1,
            max=100,
            description="Dots each",
            style={"description_width": "85px"},
            layout=widgets.Layout(width="170px"),
        )
        self.participants.observe(self._on_room, names="value")
        self.dots.observe(self._on_room, names="value")
        self.budget = widgets.HTML()
        self.message = widgets.HTML()
        self.vote_rows: dict[str, _VoteRow] = {}
        for _, tp in self.journey_map.iter_touchpoints():
            for i, pp in enumerate(tp.pain_points):
                key = pain_point_key(tp.id, i, pp.id)
                row = _VoteRow(key, pp.text, pp.severity)
                row.plus.on_click(lambda _, k=key: self._vote(k, 1))
                row.minus.on_click(lambda _, k=key: self._vote(k, -1))
                self.vote_rows[key] = row
        self.vote_box = widgets.VBox()
        self.export_path = widgets.Text(
            value="votes.csv",
            description="File",
            style={"description_width": "40px"},
            layout=widgets.Layout(width="260px"),
        )
        self.export_button = widgets.Button(description="Export votes", icon="download")
        self.export_button.on_click(lambda _: self._export_clicked())
        self.results_plot = widgets.Output()

        guess_panel = widgets.VBox(
            [
                widgets.HTML(
                    "<h4 style='margin:4px 0'>How do customers feel here? Guess, then reveal</h4>"
                ),
                self.guess_box,
                self.reveal_button,
                self.reveal_table,
                self.reveal_plot,
            ]
        )
        vote_panel = widgets.VBox(
            [
                widgets.HTML("<h4 style='margin:4px 0'>Dot-vote the pain points</h4>"),
                widgets.HBox([self.participants, self.dots, self.budget]),
                self.vote_box,
                widgets.HBox([self.export_path, self.export_button]),
                self.message,
            ]
        )
        self.tabs = widgets.Tab(children=[guess_panel, vote_panel, self.results_plot])
        for i, title in enumerate(["Guess & reveal", "Dot-votes", "Vote results"]):
            self.tabs.set_title(i, title)
        self.widget = widgets.VBox(
            [widgets.HBox([self.prev_button, self.next_button]), self.header, self.tabs]
        )

    # -- navigation -----------------------------------------------------------------------
    @property
    def stage(self) -> Any:
        """The stage shown."""
        return self.journey_map.stages[self.stage_index]

    def go_to(self, stage: str | int) -> None:
        """Show a stage, by id or position."""
        ids = [st.id for st in self.journey_map.stages]
        if isinstance(stage, int) and not isinstance(stage, bool):
            if not 0 <= stage < len(ids):
                raise DataError(f"stage position must be in 0..{len(ids) - 1}; got {stage}")
            self.stage_index = stage
        elif stage in ids:
            self.stage_index = ids.index(stage)
        else:
            raise DataError(f"stage {stage!r} is not on the map; allowed: {ids}")
        self._show_stage()

    def next(self) -> None:
        """Show the next stage (stays on the last)."""
        self.go_to(min(self.stage_index + 1, len(self.journey_map.stages) - 1))

    def previous(self) -> None:
        """Show the previous stage (stays on the first)."""
        self.go_to(max(self.stage_index - 1, 0))

    def _show_stage(self) -> None:
        st, n = self.stage, len(self.journey_map.stages)
        owner = f" &middot; owner <b>{html.escape(st.owner)}</b>" if st.owner else ""
        description = (
            f'<div style="font-size:15px;color:#455a64">{html.escape(st.description)}</div>'
            if st.description
            else ""
        )
        self.header.value = (
            f'<div style="font-size:13px;color:#78909c">Stage {self.stage_index + 1} of {n}'
            f"{owner}</div>"
            f'<div style="font-size:30px;font-weight:600;margin:2px 0">{html.escape(st.name)}'
            f"</div>{description}"
        )
        self.prev_button.disabled = self.stage_index == 0
        self.next_button.disabled = self.stage_index == n - 1
        self.guess_box.children = [self._guess_rows[tp.id] for tp in st.touchpoints]
        keys = [
            pain_point_key(tp.id, i, pp.id)
            for tp in st.touchpoints
            for i, pp in enumerate(tp.pain_points)
        ]
        self.vote_box.children = [self.vote_rows[k].box for k in keys] or [
            widgets.HTML("<em>No pain points in this stage.</em>")
        ]
        self._show_reveal()
        self._show_votes()

    # -- guess and reveal -----------------------------------------------------------------
    def _on_guess(self, tp_id: str, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self.guesses[tp_id] = float(change["new"])
        if self.stage.id in self.revealed:
            self._show_reveal()

    def set_guesses(self, guesses: dict[str, float]) -> None:
        """Record guesses (touchpoint id → −2…+2) as if the sliders were moved."""
        clean = check_guesses(self.journey_map, guesses)
        self._syncing = True
        try:
            for tp_id, value in clean.items():
                self.guess_sliders[tp_id].value = value
        finally:
            self._syncing = False
        self.guesses.update(clean)
        if self.stage.id in self.revealed:
            self._show_reveal()

    def guesses_frame(self) -> pd.DataFrame:
        """The room's guesses: ``stage``, ``touchpoint``, ``guess`` (guessed touchpoints)."""
        rows = [
            {"stage": st.id, "touchpoint": tp.id, "guess": self.guesses[tp.id]}
            for st, tp in self.journey_map.iter_touchpoints()
            if tp.id in self.guesses
        ]
        return pd.DataFrame(rows, columns=["stage", "touchpoint", "guess"])

    def reveal(self) -> RevealResult:
        """Reveal the measured emotion of the current stage next to the guesses."""
        if self.measured is None:
            raise DataError("nothing to reveal: pass measured=cjlib.measure(...) to the Workshop")
        self.revealed.add(self.stage.id)
        self._show_reveal()
        assert self.result is not None
        return self.result

    def _show_reveal(self) -> None:
        if self.stage.id not in self.revealed:
            self.result = None
            self.reveal_table.value = (
                "<p style='color:#78909c'>Move the sliders to the room's guesses, then press "
                "<b>Reveal measured</b>.</p>"
                if self.measured is not None
                else "<p style='color:#78909c'>No measured map given: guesses are collected, there "
                "is nothing to reveal.</p>"
            )
            self.reveal_plot.outputs = ()
            return
        self.result = reveal(self.journey_map, self.measured, self.guesses, stage=self.stage.id)
        t = self.result.table
        shown = t[["name", "guess", "measured", "ci_low", "ci_high", "designed", "n"]].rename(
            columns={
                "name": "touchpoint",
                "guess": "room's guess",
                "ci_low": "95% CI low",
                "ci_high": "95% CI high",
                "n": "answers",
            }
        )
        self.reveal_table.value = shown.to_html(
            index=False, border=0, na_rep="–", float_format=lambda v: f"{v:+.1f}"
        )
        show_figure(self.reveal_plot, self.result.plot())

    # -- votes ----------------------------------------------------------------------------
    def vote(self, pain_point: str, n: int = 1) -> None:
        """Place ``n`` dots on ``pain_point`` (negative removes) and update the board.

        Same as pressing its + (or −) button ``n`` times; see :meth:`VoteTally.vote`.
        """
        self.tally.vote(pain_point, n)
        self.message.value = ""
        self._show_votes()

    def _vote(self, key: str, n: int) -> None:
        try:
            self.vote(key, n)
        except CjlibError as exc:
            self.message.value = f'<span style="color:#b71c1c">{html.escape(str(exc))}</span>'

    def _on_room(self, _change: Any) -> None:
        if self._syncing:
            return
        try:
            self.tally.set_room(self.participants.value, self.dots.value)
        except CjlibError as exc:
            self.message.value = f'<span style="color:#b71c1c">{html.escape(str(exc))}</span>'
            self._syncing = True
            try:  # back to the room the tally still has
                self.participants.value = self.tally.participants
                self.dots.value = self.tally.dots
            finally:
                self._syncing = False
            return
        self.message.value = ""
        self._show_votes()

    def _show_votes(self) -> None:
        for key, row in self.vote_rows.items():
            votes = self.tally.votes[key]
            row.count.value = f"<b style='font-size:16px'>{votes}</b>"
            row.minus.disabled = votes == 0
            row.plus.disabled = self.tally.remaining == 0
        self.budget.value = (
            f'<span style="font-size:14px;margin-left:12px"><b>{self.tally.remaining}</b> of '
            f"{self.tally.capacity} dots left</span>"
        )
        self._show_results()

    def _show_results(self) -> None:
        frame = self.tally.frame()
        voted = frame[frame["votes"] > 0]
        if voted.empty:
            show_message(self.results_plot, "No votes yet.")
            return
        show_figure(self.results_plot, self.votes_figure())

    def votes_frame(self) -> pd.DataFrame:
        """Votes per pain point, most voted first (see :meth:`VoteTally.frame`)."""
        return self.tally.frame()

    def export_votes(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`votes_frame` to a CSV file and return its path."""
        return self.tally.to_csv(path)

    def _export_clicked(self) -> None:
        try:
            target = self.export_votes(self.export_path.value)
        except (CjlibError, OSError) as exc:
            self.message.value = f'<span style="color:#b71c1c">{html.escape(str(exc))}</span>'
            return
        self.message.value = (
            f'<span style="color:#2e7d32">&#10004; {self.tally.used} votes written to '
            f"<code>{html.escape(str(target))}</code></span>"
        )

    def votes_figure(self, top: int = 15) -> Any:
        """Horizontal bars of the most voted pain points, coloured by severity."""
        import plotly.graph_objects as go

        from cjlib.plot._style import apply_base_layout

        frame = self.tally.frame()
        frame = frame[frame["votes"] > 0].head(top).iloc[::-1]
        labels = [
            f"{t[:60]}{'…' if len(t) > 60 else ''} ({tp})"
            for t, tp in zip(frame["text"], frame["touchpoint"], strict=True)
        ]
        fig = go.Figure(
            go.Bar(
                x=frame["votes"],
                y=labels,
                orientation="h",
                marker={
                    "color": [SEVERITY_COLORS.get(s, "#bdbdbd") for s in frame["severity"]],
                    "line": {"color": "#616161", "width": 0.5},
                },
                customdata=frame[["severity", "stage"]],
                hovertemplate="%{y}<br>%{x} votes · %{customdata[0]} · stage %{customdata[1]}"
                "<extra></extra>",
            )
        )
        apply_base_layout(
            fig,
            title=f"Dot-votes: {self.tally.used} of {self.tally.capacity} dots placed",
            height=max(260, 60 + 34 * len(frame)),
        )
        fig.update_xaxes(title_text="votes", dtick=1)
        fig.update_yaxes(automargin=True)
        return fig

    # -- display --------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return (
            f"Workshop({self.journey_map.id!r}: stage {self.stage_index + 1} of "
            f"{len(self.journey_map.stages)} {self.stage.id!r}, {self.tally.used} votes)"
        )
