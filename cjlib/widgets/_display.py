"""Shared display plumbing for the widgets: figures into ``Output`` widgets, problem lists."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ipywidgets as widgets
    import plotly.graph_objects as go

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def show_figure(output: widgets.Output, figure: go.Figure) -> None:
    """Replace what ``output`` shows with ``figure``.

    The figure is written as plotly's own MIME bundle straight into the widget's outputs
    instead of being ``display``-ed inside a ``with output:`` block: that works the same in
    JupyterLab, Notebook 7 and VS Code, needs no running kernel (so tests can read it back),
    and never opens a browser window the way ``fig.show()`` outside a notebook would.
    """
    spec = json.loads(figure.to_json())
    spec["config"] = {"displaylogo": False, "responsive": True}
    output.outputs = (
        {
            "output_type": "display_data",
            "data": {PLOTLY_MIME: spec, "text/plain": f"<Figure: {len(spec['data'])} traces>"},
            "metadata": {},
        },
    )


def show_message(output: widgets.Output, message: str) -> None:
    """Replace what ``output`` shows with a plain text message."""
    output.outputs = (
        {"output_type": "display_data", "data": {"text/plain": message}, "metadata": {}},
    )


def problems_html(problems: Sequence[Any]) -> str:
    """Return an escaped HTML list of map problems (or a short all-clear)."""
    if not problems:
        return (
            '<div style="color:#2e7d32;font-size:13px">'
            "&#10004; No problems: the map is valid.</div>"
        )
    items = "".join(
        f"<li><code>{html.escape(p.path)}</code>: {html.escape(p.message)}"
        + ("" if p.value is None else f" <em>(got {html.escape(repr(p.value))})</em>")
        + "</li>"
        for p in problems
    )
    noun = "problem" if len(problems) == 1 else "problems"
    return (
        '<div style="color:#b71c1c;font-size:13px">'
        f"<strong>{len(problems)} {noun}</strong> (the map can be saved once they are fixed)"
        f'<ul style="margin:4px 0 0 0;padding-left:18px">{items}</ul></div>'
    )
