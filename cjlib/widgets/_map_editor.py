"""MapEditor: edit a journey map live in a notebook, with the canvas and emotion curve redrawn."""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from cjlib.errors import CjlibError, DataError
from cjlib.map import (
    EFFORTS,
    OWNERSHIPS,
    SEVERITIES,
    JourneyMap,
    Persona,
    Stage,
    Touchpoint,
    add_opportunity,
    add_pain_point,
    add_persona,
    add_stage,
    add_touchpoint,
    remove_opportunity,
    remove_pain_point,
    remove_persona,
    remove_stage,
    remove_touchpoint,
    render_map,
    replace_pain_point,
    replace_stage,
    replace_touchpoint,
    set_emotion,
    write_map,
)
from cjlib.widgets._display import problems_html, show_figure, show_message
from cjlib.widgets._map_editor_rows import EmotionRow, OpportunityRow, PainPointRow, text_of

__all__ = ["MapEditor"]

_LABEL = {"description_width": "90px"}
_WIDE = widgets.Layout(width="340px")


def _button(description: str, icon: str, tooltip: str) -> widgets.Button:
    return widgets.Button(
        description=description, icon=icon, tooltip=tooltip, layout=widgets.Layout(width="165px")
    )


def _free_id(prefix: str, taken: set[str]) -> tuple[str, int]:
    n = 1
    while f"{prefix}_{n}" in taken:
        n += 1
    return f"{prefix}_{n}", n


def _options_with(allowed: tuple[str, ...], current: Any) -> list[str]:
    # a draft may hold a value outside the allowed set; keep it selectable so it is not lost
    current = text_of(current)
    return [*allowed, current] if current not in allowed else list(allowed)


class MapEditor:
    """Edit a journey map in a notebook: stages, touchpoints, personas, emotions, post-its.

    Pick a stage and one of its touchpoints, then change the stage's name and owner, the
    touchpoint's name, channel, owner and ownership, the designed emotion of each persona
    (sliders on -2..+2; untick a persona to leave its score out), and the pain points with
    their severity (edit, add, remove) and the opportunities (add with an effort, remove).
    Touchpoints can be added to and removed from the selected stage; stages and personas can
    be added and removed too (a stage that still has touchpoints, or a persona that still has
    emotion scores or pain points, is refused with a message naming what refers to it). After
    every edit the map canvas and the emotion curve are redrawn and the
    validation problems of the map are listed under the controls (they are shown, not raised:
    a draft may be invalid for a while). :attr:`journey_map` always holds the current map,
    a new immutable object after each edit; the map passed in is never changed.

    Every edit goes through the public headless functions of :mod:`cjlib.map`
    (:func:`~cjlib.map.replace_touchpoint`, :func:`~cjlib.map.set_emotion`,
    :func:`~cjlib.map.add_pain_point` ...), so anything done here can be scripted.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to start from (it need not be valid).
    path : str or path-like, optional
        Default file for :meth:`save` and the Save button.

    Attributes
    ----------
    journey_map : JourneyMap
        The current map.
    widget : ipywidgets.Widget
        The whole editor (displaying the editor displays this).
    canvas : ipywidgets.HTML
        The map canvas (:func:`cjlib.render_map`).
    curve : ipywidgets.Output
        The emotion curve (:func:`cjlib.plot.emotion_curve`).
    problems : ipywidgets.HTML
        The map's validation problems.
    figure : plotly.graph_objects.Figure
        The emotion curve currently shown.

    Examples
    --------
    >>> from cjlib.datasets import load_map
    >>> editor = MapEditor(load_map("telco"))
    >>> editor.touchpoint_dropdown.value = "store"
    >>> editor.emotion_sliders["family"].value = -2.0
    >>> editor.journey_map.touchpoint("store").emotion["family"]
    -2.0
    >>> editor  # doctest: +SKIP
    """

    def __init__(
        self, journey_map: JourneyMap, *, path: str | os.PathLike[str] | None = None
    ) -> None:
        if not isinstance(journey_map, JourneyMap):
            raise DataError(f"journey_map: expected a JourneyMap, got {type(journey_map).__name__}")
        self.journey_map: JourneyMap = journey_map
        self.figure: Any = None
        self._callbacks: list[Callable[[JourneyMap], None]] = []
        self._syncing = False
        self._build_controls(journey_map, path)
        self._layout()
        self._sync_personas()
        self._select()
        self._redraw()

    # -- construction ---------------------------------------------------------------------
    def _build_controls(self, journey_map: JourneyMap, path: Any) -> None:
        self.stage_dropdown = widgets.Dropdown(description="Stage", style=_LABEL, layout=_WIDE)
        self.stage_name = widgets.Text(
            description="Stage name", continuous_update=False, style=_LABEL, layout=_WIDE
        )
        self.stage_owner = widgets.Text(
            description="Stage owner", continuous_update=False, style=_LABEL, layout=_WIDE
        )
        self.touchpoint_dropdown = widgets.Dropdown(
            description="Touchpoint", style=_LABEL, layout=_WIDE
        )
        self.touchpoint_name = widgets.Text(
            description="Name", continuous_update=False, style=_LABEL, layout=_WIDE
        )
        self.channel = widgets.Text(
            description="Channel", continuous_update=False, style=_LABEL, layout=_WIDE
        )
        self.owner = widgets.Text(
            description="Owner", continuous_update=False, style=_LABEL, layout=_WIDE
        )
        self.ownership = widgets.Dropdown(
            description="Ownership", options=list(OWNERSHIPS), style=_LABEL, layout=_WIDE
        )
        self.emotion_drawn: dict[str, widgets.Checkbox] = {}
        self.emotion_sliders: dict[str, widgets.FloatSlider] = {}
        self.emotion_box = widgets.VBox()
        self._emotion_personas: tuple[tuple[str, str], ...] | None = None
        self.new_stage_name = widgets.Text(
            placeholder="new stage name", layout=widgets.Layout(width="170px")
        )
        self.add_stage_button = _button("Add stage", "plus", "Add a stage after the selected one")
        self.remove_stage_button = _button(
            "Remove stage", "trash", "Remove the selected stage (it must have no touchpoints)"
        )
        self.persona_dropdown = widgets.Dropdown(description="Persona", style=_LABEL, layout=_WIDE)
        self.new_persona_name = widgets.Text(
            placeholder="new persona name", layout=widgets.Layout(width="170px")
        )
        self.add_persona_button = _button("Add persona", "plus", "Add a persona to the map")
        self.remove_persona_button = _button(
            "Remove persona", "trash", "Remove the selected persona (nothing may refer to it)"
        )
        self.opportunity_rows: list[OpportunityRow] = []
        self.opportunity_box = widgets.VBox()
        self.new_opportunity_text = widgets.Text(
            placeholder="new opportunity", layout=widgets.Layout(width="210px")
        )
        self.new_opportunity_effort = widgets.Dropdown(
            options=list(EFFORTS), value="M", layout=widgets.Layout(width="95px")
        )
        self.add_opportunity_button = widgets.Button(
            description="",
            icon="plus",
            tooltip="Add this opportunity",
            layout=widgets.Layout(width="34px"),
        )
        self.pain_point_rows: list[PainPointRow] = []
        self.pain_point_box = widgets.VBox()
        self.new_pain_point_text = widgets.Text(
            placeholder="new pain point", layout=widgets.Layout(width="210px")
        )
        self.new_pain_point_severity = widgets.Dropdown(
            options=list(SEVERITIES), value="medium", layout=widgets.Layout(width="95px")
        )
        self.add_pain_point_button = widgets.Button(
            description="",
            icon="plus",
            tooltip="Add this pain point",
            layout=widgets.Layout(width="34px"),
        )
        self.add_touchpoint_button = widgets.Button(
            description="Add touchpoint",
            icon="plus",
            layout=widgets.Layout(width="165px"),
            tooltip="Add a touchpoint after the selected one",
        )
        self.remove_touchpoint_button = widgets.Button(
            description="Remove touchpoint",
            icon="trash",
            layout=widgets.Layout(width="165px"),
            tooltip="Remove the selected touchpoint",
        )
        self.problems = widgets.HTML()
        self.save_path = widgets.Text(
            value="" if path is None else os.fspath(path),
            placeholder="my_map.yaml",
            description="File",
            style={"description_width": "40px"},
            layout=widgets.Layout(width="250px"),
        )
        self.save_button = widgets.Button(
            description="Save",
            icon="save",
            button_style="primary",
            layout=widgets.Layout(width="84px"),
        )
        self.status = widgets.HTML()
        self.canvas = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.curve = widgets.Output(layout=widgets.Layout(width="100%"))

        self.stage_dropdown.observe(self._on_stage, names="value")
        self.touchpoint_dropdown.observe(self._on_touchpoint, names="value")
        self.stage_name.observe(self._on_stage_field("name"), names="value")
        self.stage_owner.observe(self._on_stage_field("owner"), names="value")
        for field, control in (
            ("name", self.touchpoint_name),
            ("channel", self.channel),
            ("owner", self.owner),
            ("ownership", self.ownership),
        ):
            control.observe(self._on_touchpoint_field(field), names="value")
        self.add_stage_button.on_click(self._on_add_stage)
        self.remove_stage_button.on_click(self._on_remove_stage)
        self.add_persona_button.on_click(self._on_add_persona)
        self.remove_persona_button.on_click(self._on_remove_persona)
        self.add_opportunity_button.on_click(self._on_add_opportunity)
        self.add_pain_point_button.on_click(self._on_add_pain_point)
        self.add_touchpoint_button.on_click(self._on_add_touchpoint)
        self.remove_touchpoint_button.on_click(self._on_remove_touchpoint)
        self.save_button.on_click(self._on_save)

    def _layout(self) -> None:
        def section(title: str) -> widgets.HTML:
            return widgets.HTML(
                f'<div style="font-weight:600;margin:8px 0 2px 0;color:#37474f">{title}</div>'
            )

        controls = widgets.VBox(
            [
                section("Stage"),
                self.stage_dropdown,
                self.stage_name,
                self.stage_owner,
                widgets.HBox([self.new_stage_name, self.add_stage_button]),
                self.remove_stage_button,
                section("Touchpoint"),
                self.touchpoint_dropdown,
                self.touchpoint_name,
                self.channel,
                self.owner,
                self.ownership,
                widgets.HBox([self.add_touchpoint_button, self.remove_touchpoint_button]),
                section("Emotion per persona (&minus;2 &hellip; +2)"),
                self.emotion_box,
                section("Personas"),
                self.persona_dropdown,
                widgets.HBox([self.new_persona_name, self.add_persona_button]),
                self.remove_persona_button,
                section("Pain points"),
                self.pain_point_box,
                widgets.HBox(
                    [
                        self.new_pain_point_text,
                        self.new_pain_point_severity,
                        self.add_pain_point_button,
                    ]
                ),
                section("Opportunities"),
                self.opportunity_box,
                widgets.HBox(
                    [
                        self.new_opportunity_text,
                        self.new_opportunity_effort,
                        self.add_opportunity_button,
                    ]
                ),
                section("Checks"),
                self.problems,
                section("Save"),
                widgets.HBox([self.save_path, self.save_button]),
                self.status,
            ],
            layout=widgets.Layout(min_width="360px", max_width="360px", padding="0 12px 0 0"),
        )
        views = widgets.Tab(children=[self.canvas, self.curve])
        views.set_title(0, "Map canvas")
        views.set_title(1, "Emotion curve")
        views.layout = widgets.Layout(flex="1 1 auto", min_width="0")
        self.widget = widgets.HBox([controls, views], layout=widgets.Layout(width="100%"))

    # -- public ---------------------------------------------------------------------------
    @property
    def stage_id(self) -> str | None:
        """Id of the selected stage."""
        return self.stage_dropdown.value

    @property
    def touchpoint_id(self) -> str | None:
        """Id of the selected touchpoint (``None`` when the stage has none)."""
        return self.touchpoint_dropdown.value

    def on_change(self, callback: Callable[[JourneyMap], None]) -> None:
        """Call ``callback(new_map)`` after every edit.

        Parameters
        ----------
        callback : callable
            Receives the new :class:`JourneyMap`.
        """
        self._callbacks.append(callback)

    def set_map(self, journey_map: JourneyMap) -> None:
        """Replace the edited map (e.g. after a scripted edit) and redraw everything.

        Parameters
        ----------
        journey_map : JourneyMap
            The new map.
        """
        if not isinstance(journey_map, JourneyMap):
            raise DataError(f"journey_map: expected a JourneyMap, got {type(journey_map).__name__}")
        self._commit(journey_map, resync=True)

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the current map to YAML (or JSON, by suffix) with :func:`cjlib.write_map`.

        Parameters
        ----------
        path : str or path-like, optional
            Destination; default: the editor's file box.

        Returns
        -------
        pathlib.Path
            The path written.

        Raises
        ------
        cjlib.MapValidationError
            The map is invalid (its problems are listed in the editor as well).
        cjlib.DataError
            No path given, or a suffix other than .yaml/.yml/.json.
        """
        target = self.save_path.value.strip() if path is None else os.fspath(path)
        if not target:
            raise DataError("path: give a file name ending in .yaml, .yml or .json")
        written = write_map(self.journey_map, target)
        self.save_path.value = os.fspath(written)
        self.status.value = (
            f'<span style="color:#2e7d32">Saved to <code>{html.escape(str(written))}</code></span>'
        )
        return written

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return (
            f"MapEditor({self.journey_map.id!r}: {len(self.journey_map.stages)} stages, "
            f"{len(self.journey_map.touchpoints)} touchpoints, selected {self.touchpoint_id!r})"
        )

    # -- state ----------------------------------------------------------------------------
    def _commit(self, journey_map: JourneyMap, *, resync: bool = False) -> None:
        self.journey_map = journey_map
        self.status.value = ""
        personas_changed = self._sync_personas()
        if resync:
            self._select(stage_id=self.stage_id, touchpoint_id=self.touchpoint_id)
        elif personas_changed:
            self._sync_touchpoint_fields()
        self._redraw()
        for callback in self._callbacks:
            callback(journey_map)

    def _edit(self, function: Callable[..., JourneyMap], *args: Any, **kwargs: Any) -> bool:
        try:
            new_map = function(self.journey_map, *args, **kwargs)
        except CjlibError as err:
            self.status.value = f'<span style="color:#b71c1c">{html.escape(str(err))}</span>'
            return False
        self._commit(new_map)
        return True

    def _sync_personas(self) -> bool:
        """Rebuild the persona picker and, when the personas changed, the emotion rows."""
        personas = tuple((p.id, text_of(p.name)) for p in self.journey_map.personas)
        selected = self.persona_dropdown.value
        self.persona_dropdown.options = [(name or pid, pid) for pid, name in personas]
        ids = [pid for pid, _ in personas]
        self.persona_dropdown.value = selected if selected in ids else (ids[0] if ids else None)
        self.remove_persona_button.disabled = not ids
        if personas == self._emotion_personas:
            return False
        self._emotion_personas = personas
        rows = {pid: EmotionRow(i, name or pid) for i, (pid, name) in enumerate(personas)}
        self.emotion_drawn = {pid: row.drawn for pid, row in rows.items()}
        self.emotion_sliders = {pid: row.slider for pid, row in rows.items()}
        for pid, row in rows.items():
            row.slider.observe(self._on_emotion(pid), names="value")
            row.drawn.observe(self._on_emotion(pid), names="value")
        self.emotion_box.children = [row.box for row in rows.values()] or [
            widgets.HTML("<em>The map has no personas.</em>")
        ]
        return True

    def _redraw(self) -> None:
        from cjlib.plot import emotion_curve

        journey_map = self.journey_map
        self.problems.value = problems_html(journey_map.problems())
        try:
            self.canvas.value = render_map(journey_map, standalone=False)
        except CjlibError as err:
            self.canvas.value = f"<pre>Cannot draw the canvas: {html.escape(str(err))}</pre>"
        try:
            self.figure = emotion_curve(journey_map)
        except (CjlibError, TypeError, ValueError) as err:
            self.figure = None
            show_message(self.curve, f"Cannot draw the emotion curve: {err}")
        else:
            show_figure(self.curve, self.figure)

    # -- syncing controls from the map ------------------------------------------------------
    def _select(self, *, stage_id: str | None = None, touchpoint_id: str | None = None) -> None:
        """Rebuild the pickers from the map, select a touchpoint (else a stage's first one)."""
        journey_map = self.journey_map
        stage_ids = [s.id for s in journey_map.stages]
        stage_of = {tp.id: stage.id for stage, tp in journey_map.iter_touchpoints()}
        if touchpoint_id in stage_of:
            stage_id = stage_of[touchpoint_id]
        else:
            if stage_id not in stage_ids:
                stage_id = stage_ids[0] if stage_ids else None
            touchpoint_id = next(
                (tp.id for s in journey_map.stages if s.id == stage_id for tp in s.touchpoints),
                None,
            )
        self._syncing = True
        try:
            self.stage_dropdown.options = [
                (text_of(s.name) or s.id, s.id) for s in journey_map.stages
            ]
            self.stage_dropdown.value = stage_id
            self.touchpoint_dropdown.options = [
                (f"{text_of(stage.name) or stage.id} \u203a {text_of(tp.name) or tp.id}", tp.id)
                for stage, tp in journey_map.iter_touchpoints()
            ]
            self.touchpoint_dropdown.value = touchpoint_id
            stage = self._stage()
            self.stage_name.value = text_of(stage.name) if stage else ""
            self.stage_owner.value = text_of(stage.owner) if stage else ""
        finally:
            self._syncing = False
        self._sync_touchpoint_fields()

    def _sync_touchpoint_fields(self) -> None:
        tp = self._touchpoint()
        self._syncing = True
        try:
            stage_controls = (
                self.stage_name,
                self.stage_owner,
                self.add_touchpoint_button,
                self.remove_stage_button,
            )
            for control in stage_controls:
                control.disabled = self._stage() is None
            tp_controls = [
                self.touchpoint_name,
                self.channel,
                self.owner,
                self.ownership,
                self.remove_touchpoint_button,
                self.new_pain_point_text,
                self.new_pain_point_severity,
                self.add_pain_point_button,
                self.new_opportunity_text,
                self.new_opportunity_effort,
                self.add_opportunity_button,
                *self.emotion_drawn.values(),
            ]
            for control in tp_controls:
                control.disabled = tp is None
            self.touchpoint_name.value = text_of(tp.name) if tp else ""
            self.channel.value = text_of(tp.channel) if tp else ""
            self.owner.value = text_of(tp.owner) if tp else ""
            ownership = tp.ownership if tp else OWNERSHIPS[0]
            self.ownership.options = _options_with(OWNERSHIPS, ownership)
            self.ownership.value = text_of(ownership)
            for persona_id, slider in self.emotion_sliders.items():
                score = tp.emotion.get(persona_id) if tp else None
                drawn = isinstance(score, int | float) and not isinstance(score, bool)
                self.emotion_drawn[persona_id].value = drawn
                slider.value = float(score) if drawn else 0.0
                slider.disabled = tp is None or not drawn
            self._sync_pain_points(tp)
            self._sync_opportunities(tp)
        finally:
            self._syncing = False

    def _sync_pain_points(self, tp: Touchpoint | None) -> None:
        pain_points = tp.pain_points if tp else ()
        rows = []
        for i, pain_point in enumerate(pain_points):
            row = PainPointRow(i)
            row.text.value = text_of(pain_point.text)
            row.severity.options = _options_with(SEVERITIES, pain_point.severity)
            row.severity.value = text_of(pain_point.severity)
            row.text.observe(self._on_pain_point_field(i, "text"), names="value")
            row.severity.observe(self._on_pain_point_field(i, "severity"), names="value")
            row.remove.on_click(self._on_remove_pain_point(i))
            rows.append(row)
        self.pain_point_rows = rows
        self.pain_point_box.children = (
            [row.box for row in rows]
            if rows
            else [widgets.HTML('<em style="color:#607d8b">No pain points here.</em>')]
        )

    def _sync_opportunities(self, tp: Touchpoint | None) -> None:
        rows = []
        for i, opportunity in enumerate(tp.opportunities if tp else ()):
            row = OpportunityRow(i, opportunity.text, opportunity.effort)
            row.remove.on_click(self._on_remove_opportunity(i))
            rows.append(row)
        self.opportunity_rows = rows
        self.opportunity_box.children = (
            [row.box for row in rows]
            if rows
            else [widgets.HTML('<em style="color:#607d8b">No opportunities here.</em>')]
        )

    def _stage(self) -> Any:
        stage_id = self.stage_dropdown.value
        return next((s for s in self.journey_map.stages if s.id == stage_id), None)

    def _touchpoint(self) -> Touchpoint | None:
        tp_id = self.touchpoint_dropdown.value
        return next((tp for tp in self.journey_map.touchpoints if tp.id == tp_id), None)

    # -- handlers ---------------------------------------------------------------------------
    def _on_stage(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self._select(stage_id=change["new"])

    def _on_touchpoint(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self._select(stage_id=self.stage_id, touchpoint_id=change["new"])

    def _on_stage_field(self, field: str) -> Callable[[dict[str, Any]], None]:
        def handler(change: dict[str, Any]) -> None:
            if self._syncing or self.stage_id is None:
                return
            self._edit(replace_stage, self.stage_id, **{field: change["new"]})
            if field == "name":  # the pickers show stage names
                self._select(stage_id=self.stage_id, touchpoint_id=self.touchpoint_id)

        return handler

    def _on_touchpoint_field(self, field: str) -> Callable[[dict[str, Any]], None]:
        def handler(change: dict[str, Any]) -> None:
            if self._syncing or self.touchpoint_id is None:
                return
            self._edit(replace_touchpoint, self.touchpoint_id, **{field: change["new"]})
            if field == "name":  # the picker shows touchpoint names
                self._select(touchpoint_id=self.touchpoint_id)

        return handler

    def _on_emotion(self, persona_id: str) -> Callable[[dict[str, Any]], None]:
        def handler(change: dict[str, Any]) -> None:
            if self._syncing or self.touchpoint_id is None:
                return
            drawn = self.emotion_drawn[persona_id].value
            self.emotion_sliders[persona_id].disabled = not drawn
            score = self.emotion_sliders[persona_id].value if drawn else None
            self._edit(set_emotion, self.touchpoint_id, persona_id, score)

        return handler

    def _on_pain_point_field(self, index: int, field: str) -> Callable[[dict[str, Any]], None]:
        def handler(change: dict[str, Any]) -> None:
            if self._syncing or self.touchpoint_id is None:
                return
            self._edit(replace_pain_point, self.touchpoint_id, index, **{field: change["new"]})

        return handler

    def _on_remove_pain_point(self, index: int) -> Callable[[widgets.Button], None]:
        def handler(_: widgets.Button) -> None:
            if self.touchpoint_id is None:
                return
            self._edit(remove_pain_point, self.touchpoint_id, index)
            self._sync_touchpoint_fields()

        return handler

    def _on_add_pain_point(self, _: widgets.Button) -> None:
        text = self.new_pain_point_text.value.strip()
        if self.touchpoint_id is None:
            return
        if not text:
            self.status.value = (
                '<span style="color:#b71c1c">Type the pain point first, then press +.</span>'
            )
            return
        self._edit(add_pain_point, self.touchpoint_id, text, self.new_pain_point_severity.value)
        self.new_pain_point_text.value = ""
        self._sync_touchpoint_fields()

    def _on_add_touchpoint(self, _: widgets.Button) -> None:
        stage = self._stage()
        if stage is None:
            return
        new_id, n = _free_id("new_touchpoint", {tp.id for tp in self.journey_map.touchpoints})
        new = Touchpoint(id=new_id, name=f"New touchpoint {n}", owner=stage.owner)
        ids = [tp.id for tp in stage.touchpoints]
        position = ids.index(self.touchpoint_id) + 1 if self.touchpoint_id in ids else len(ids)
        self._edit(add_touchpoint, stage.id, new, position=position)
        self._select(touchpoint_id=new.id)

    def _on_remove_touchpoint(self, _: widgets.Button) -> None:
        if self.touchpoint_id is None:
            return
        self._edit(remove_touchpoint, self.touchpoint_id)
        self._select(stage_id=self.stage_id)

    def _on_add_stage(self, _: widgets.Button) -> None:
        ids = [s.id for s in self.journey_map.stages]
        new_id, n = _free_id("new_stage", set(ids))
        name = self.new_stage_name.value.strip() or f"New stage {n}"
        position = ids.index(self.stage_id) + 1 if self.stage_id in ids else len(ids)
        if self._edit(add_stage, Stage(id=new_id, name=name), position=position):
            self.new_stage_name.value = ""
            self._select(stage_id=new_id)

    def _on_remove_stage(self, _: widgets.Button) -> None:
        if self.stage_id is not None and self._edit(remove_stage, self.stage_id):
            self._select()

    def _on_add_persona(self, _: widgets.Button) -> None:
        new_id, n = _free_id("new_persona", {p.id for p in self.journey_map.personas})
        name = self.new_persona_name.value.strip() or f"New persona {n}"
        if self._edit(add_persona, Persona(id=new_id, name=name)):
            self.new_persona_name.value = ""
            self.persona_dropdown.value = new_id

    def _on_remove_persona(self, _: widgets.Button) -> None:
        if self.persona_dropdown.value is not None:
            self._edit(remove_persona, self.persona_dropdown.value)

    def _on_add_opportunity(self, _: widgets.Button) -> None:
        text = self.new_opportunity_text.value.strip()
        if self.touchpoint_id is None:
            return
        if not text:
            self.status.value = (
                '<span style="color:#b71c1c">Type the opportunity first, then press +.</span>'
            )
            return
        effort = self.new_opportunity_effort.value
        if self._edit(add_opportunity, self.touchpoint_id, text, effort):
            self.new_opportunity_text.value = ""
            self._sync_touchpoint_fields()

    def _on_remove_opportunity(self, index: int) -> Callable[[widgets.Button], None]:
        def handler(_: widgets.Button) -> None:
            if self.touchpoint_id is not None and self._edit(
                remove_opportunity, self.touchpoint_id, index
            ):
                self._sync_touchpoint_fields()

        return handler

    def _on_save(self, _: widgets.Button) -> None:
        try:
            self.save()
        except (CjlibError, OSError) as err:
            self.status.value = (
                f'<span style="color:#b71c1c">Not saved: {html.escape(str(err))}</span>'
            )
