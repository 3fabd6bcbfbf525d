"""Row controls of the MapEditor: one pain point, one opportunity, one persona's emotion."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from cjlib.map import SEVERITIES
from cjlib.map._model import EMOTION_RANGE
from cjlib.plot._style import color_for

__all__ = ["EmotionRow", "OpportunityRow", "PainPointRow"]

_EMOTION_STEP = 0.5


def text_of(value: Any) -> str:
    """Return ``value`` as text for a control (``None`` → empty)."""
    return "" if value is None else str(value)


class PainPointRow:
    """The controls of one pain point: text, severity and a remove button."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.text = widgets.Text(
            continuous_update=False, layout=widgets.Layout(width="210px"), placeholder="text"
        )
        self.severity = widgets.Dropdown(
            options=list(SEVERITIES), layout=widgets.Layout(width="95px")
        )
        self.remove = widgets.Button(
            description="",
            icon="trash",
            tooltip="Remove this pain point",
            layout=widgets.Layout(width="34px"),
        )
        self.box = widgets.HBox([self.text, self.severity, self.remove])


class OpportunityRow:
    """One opportunity shown as its text and effort, with a remove button."""

    def __init__(self, index: int, text: str, effort: str) -> None:
        self.index = index
        self.label = widgets.HTML(
            f"{html.escape(text_of(text))} "
            f'<span style="color:#607d8b">({html.escape(text_of(effort))})</span>',
            layout=widgets.Layout(width="305px"),
        )
        self.remove = widgets.Button(
            description="",
            icon="trash",
            tooltip="Remove this opportunity",
            layout=widgets.Layout(width="34px"),
        )
        self.box = widgets.HBox([self.label, self.remove])


class EmotionRow:
    """A persona's emotion at the selected touchpoint: a drawn/not-drawn box and a slider."""

    def __init__(self, index: int, name: Any) -> None:
        low, high = EMOTION_RANGE
        self.drawn = widgets.Checkbox(
            value=True,
            indent=False,
            layout=widgets.Layout(width="24px"),
            tooltip=f"Draw {text_of(name)}'s emotion here",
        )
        self.slider = widgets.FloatSlider(
            min=low,
            max=high,
            step=_EMOTION_STEP,
            continuous_update=False,
            layout=widgets.Layout(width="330px"),
            readout_format="+.1f",
        )
        # the persona's name in its colour on the curve and the canvas
        label = widgets.HTML(
            f'<span style="color:{color_for(index)};font-size:15px">&#9679;</span> '
            f"{html.escape(text_of(name))}"
        )
        self.box = widgets.VBox([widgets.HBox([self.drawn, label]), self.slider])
