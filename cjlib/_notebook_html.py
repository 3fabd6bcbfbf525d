"""Executed notebooks to offline HTML pages that show every figure and a snapshot of each widget.

nbconvert's own HTML drops plotly's MIME bundle (``application/vnd.plotly.v1+json`` has no HTML
representation), loads require.js and MathJax from a CDN, and draws widgets with a renderer it
fetches from a CDN. Here each plotly output becomes a ``div`` drawn by one local copy of plotly.js
(a file next to the pages, shared by all of them), each widget view becomes a static, inert
rendering of its saved state (sliders at their values, figures in its ``Output`` areas drawn), and
the page loads nothing from the network. The curated notebooks use no LaTeX and no mermaid
diagrams, so MathJax and mermaid are left out rather than fetched.

Examples
--------
>>> import nbformat
>>> from nbformat.v4 import new_code_cell, new_notebook, new_output
>>> spec = {"data": [{"type": "bar", "y": [1, 2]}], "layout": {}}
>>> cell = new_code_cell("fig", outputs=[new_output(
...     "execute_result", data={"application/vnd.plotly.v1+json": spec}, execution_count=1)])
>>> page = notebook_to_html(new_notebook(cells=[cell]))
>>> page.count('class="plotly-graph-div"'), "cdn" in page.lower()
(1, False)
"""

from __future__ import annotations

import copy
import html
from pathlib import Path
from typing import Any

__all__ = ["PLOTLY_JS_NAME", "notebook_to_html", "write_plotly_js"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
PLOTLY_JS_NAME = "plotly.min.js"
# font-awesome icon names the cjlib widgets use on buttons, drawn as text in the snapshot
_ICONS = {"plus": "+", "minus": "−", "arrow-left": "←", "arrow-right": "→", "save": "💾"}
DEFAULT_FIGURE_HEIGHT = 525  # px, plotly's own default when a figure sets no height

# Blocks of nbconvert's "lab" template that would load require.js, MathJax, mermaid and the
# widget renderer from a CDN are emptied; plotly.js comes from a local file instead.
_TEMPLATE_NAME = "cjlib_offline.html.j2"
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}
<script src="{{ resources.cjlib_plotly_src }}" charset="utf-8"></script>
{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
{{ super() }}
<style>
.cj-widget-snapshot {border: 1px dashed #b0bec5; border-radius: 6px; padding: 8px 10px;
  max-width: 100%; box-sizing: border-box; overflow-x: auto;}
.cj-w-vbox > *, .cj-w-hbox > * {min-width: 0; max-width: 100%;}
.cj-w-html, .cj-w-output {max-width: 100%; overflow-x: auto;}
.cj-widget-snapshot > .cj-widget-note {font-size: 12px; color: #607d8b; margin-bottom: 6px;}
.cj-w-vbox {display: flex; flex-direction: column; gap: 4px;}
.cj-w-hbox {display: flex; flex-direction: row; flex-wrap: wrap; gap: 6px; align-items: center;}
.cj-w-tab-title {font-weight: 600; margin: 10px 0 4px; border-bottom: 1px solid #cfd8dc;}
.cj-w-control {display: inline-flex; gap: 6px; align-items: center; font-size: 13px;}
</style>
{%- endblock extra_css -%}
"""


def write_plotly_js(folder: str | Path) -> Path:
    """Write the plotly.js bundled with the installed plotly into ``folder``; return its path.

    Parameters
    ----------
    folder : str or Path
        Folder of the pages that reference it (created if missing).

    Returns
    -------
    Path
        ``folder / "plotly.min.js"``.

    Examples
    --------
    >>> import tempfile
    >>> write_plotly_js(tempfile.mkdtemp()).name
    'plotly.min.js'
    """
    from plotly.offline import get_plotlyjs

    target = Path(folder) / PLOTLY_JS_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(get_plotlyjs(), encoding="utf-8")
    return target


def notebook_to_html(nb: Any, *, plotly_src: str = PLOTLY_JS_NAME) -> str:
    """Export an executed notebook to one offline HTML page.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook; it is not changed.
    plotly_src : str
        Address of plotly.js the page loads (by default the file written by
        :func:`write_plotly_js` next to the page).

    Returns
    -------
    str
        The page. Figures get ids from their cell and output position, so the same notebook
        gives the same page.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    static = _with_static_outputs(nb)
    exporter = HTMLExporter(
        template_name="lab", extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})]
    )
    exporter.template_file = _TEMPLATE_NAME
    body, _ = exporter.from_notebook_node(static, resources={"cjlib_plotly_src": plotly_src})
    return body


def _with_static_outputs(nb: Any) -> Any:
    """A copy of ``nb`` whose plotly and widget outputs carry HTML and no widget state."""
    static = copy.deepcopy(nb)
    widgets = static.metadata.pop("widgets", {}) or {}
    state = widgets.get(WIDGET_STATE_MIME, {}).get("state", {})
    for i, cell in enumerate(static.cells):
        if cell.cell_type != "code":
            continue
        for j, output in enumerate(cell.get("outputs", [])):
            data = output.get("data")
            if not data:
                continue
            prefix = f"cell{i}-output{j}"
            if PLOTLY_MIME in data:
                data["text/html"] = _figure_html(data.pop(PLOTLY_MIME), prefix)
            elif WIDGET_VIEW_MIME in data:
                model_id = data.pop(WIDGET_VIEW_MIME).get("model_id", "")
                counter = iter(range(1_000_000))
                data["text/html"] = _snapshot_html(model_id, state, prefix, counter)
    return static


def _figure_html(spec: dict[str, Any], div_id: str) -> str:
    import plotly.io as pio

    spec = dict(spec)
    config = {"displaylogo": False, "responsive": True, **spec.pop("config", {})}
    height = spec.get("layout", {}).get("height") or DEFAULT_FIGURE_HEIGHT
    return pio.to_html(
        spec,
        config=config,
        include_plotlyjs=False,
        full_html=False,
        default_width="100%",
        default_height=f"{height}px",
        validate=False,
        div_id=div_id,
    )


def _snapshot_html(model_id: str, state: dict[str, Any], prefix: str, counter: Any) -> str:
    inner = _widget_html(model_id, state, prefix, counter)
    if inner is None:
        inner = "<em>(the widget's saved state is not in the notebook)</em>"
    return (
        '<div class="cj-widget-snapshot">'
        '<div class="cj-widget-note">Snapshot of an interactive widget as it stood after the '
        "run; open the notebook in JupyterLab to use it.</div>"
        f"{inner}</div>"
    )


def _model(ref: Any, state: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    model_id = str(ref).removeprefix("IPY_MODEL_")
    entry = state.get(model_id)
    if entry is None:
        return None
    return entry.get("model_name", ""), entry.get("state", {})


def _hidden(props: dict[str, Any], state: dict[str, Any]) -> bool:
    layout = _model(props.get("layout", ""), state)
    if layout is None:
        return False
    return layout[1].get("display") == "none" or layout[1].get("visibility") == "hidden"


def _label(props: dict[str, Any]) -> str:
    text = props.get("description") or ""
    return f"<span>{html.escape(str(text))}</span>" if text else ""


def _widget_html(ref: Any, state: dict[str, Any], prefix: str, counter: Any) -> str | None:
    found = _model(ref, state)
    if found is None:
        return None
    name, props = found
    if _hidden(props, state):
        return ""

    def children() -> list[str]:
        parts = (_widget_html(c, state, prefix, counter) for c in props.get("children", []))
        return [p for p in parts if p]

    if name in ("HBoxModel", "GridBoxModel"):
        return f'<div class="cj-w-hbox">{"".join(children())}</div>'
    if name in ("VBoxModel", "BoxModel"):
        return f'<div class="cj-w-vbox">{"".join(children())}</div>'
    if name in ("TabModel", "AccordionModel", "StackModel"):
        titles = list(props.get("titles") or [])
        parts = []
        for k, child in enumerate(props.get("children", [])):
            title = titles[k] if k < len(titles) and titles[k] else f"Page {k + 1}"
            rendered = _widget_html(child, state, prefix, counter) or ""
            parts.append(f'<div class="cj-w-tab-title">{html.escape(str(title))}</div>{rendered}')
        return f'<div class="cj-w-vbox">{"".join(parts)}</div>'
    if name in ("HTMLModel", "HTMLMathModel"):
        return f'<div class="cj-w-html">{_label(props)}{props.get("value", "")}</div>'
    if name == "LabelModel":
        return f"<span>{html.escape(str(props.get('value', '')))}</span>"
    if name in ("ButtonModel", "ToggleButtonModel"):
        icon = _ICONS.get(str(props.get("icon") or ""), "")
        text = " ".join(t for t in (icon, str(props.get("description") or "")) if t)
        return f"<button disabled>{html.escape(text)}</button>"
    if name.endswith("SliderModel"):
        value = props.get("value")
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        return (
            f'<span class="cj-w-control">{_label(props)}'
            f'<input type="range" disabled min="{props.get("min", 0)}" max="{props.get("max", 1)}"'
            f' step="{props.get("step", 1)}" value="{html.escape(shown)}">'
            f"<span>{html.escape(shown)}</span></span>"
        )
    if name in ("CheckboxModel", "ValidModel"):
        checked = " checked" if props.get("value") else ""
        box = f'<input type="checkbox" disabled{checked}>'
        return f'<span class="cj-w-control">{box}{_label(props)}</span>'
    if name in ("DropdownModel", "SelectModel", "RadioButtonsModel", "ToggleButtonsModel"):
        labels = list(props.get("_options_labels") or [])
        index = props.get("index")
        chosen = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else ""
        return (
            f'<span class="cj-w-control">{_label(props)}<select disabled>'
            f"<option selected>{html.escape(str(chosen))}</option></select></span>"
        )
    if name.endswith("TextModel") or name == "TextareaModel":
        value = html.escape(str(props.get("value", "")))
        return f'<span class="cj-w-control">{_label(props)}<input disabled value="{value}"></span>'
    if name == "OutputModel":
        rendered = "".join(_output_html(o, prefix, counter) for o in props.get("outputs", []))
        return f'<div class="cj-w-output">{rendered}</div>'
    return ""


def _output_html(output: dict[str, Any], prefix: str, counter: Any) -> str:
    if output.get("output_type") == "stream":
        return f"<pre>{html.escape(str(output.get('text', '')))}</pre>"
    data = output.get("data", {})
    if PLOTLY_MIME in data:
        return _figure_html(data[PLOTLY_MIME], f"{prefix}-widget-figure{next(counter)}")
    if "text/html" in data:
        return str(data["text/html"])
    if "text/plain" in data:
        return f"<pre>{html.escape(str(data['text/plain']))}</pre>"
    return ""
