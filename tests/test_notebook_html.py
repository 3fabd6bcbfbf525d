"""Executed notebooks to offline HTML: figures carry HTML, widgets a static snapshot, no CDN."""

from __future__ import annotations

import copy
import re

from nbformat.v4 import new_code_cell, new_notebook, new_output

from cjlib._notebook_html import PLOTLY_JS_NAME, notebook_to_html, write_plotly_js

PLOTLY = "application/vnd.plotly.v1+json"
VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
FIGURE = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], "layout": {"height": 300}}


def _model(name, **state):
    return {"model_name": name, "model_module": "@jupyter-widgets/controls", "state": state}


def _notebook():
    state = {
        "box": _model(
            "VBoxModel",
            children=["IPY_MODEL_slider", "IPY_MODEL_pick", "IPY_MODEL_out", "IPY_MODEL_hidden"],
        ),
        "slider": _model(
            "FloatSliderModel", description="Family", value=-1.5, min=-2, max=2, step=0.5
        ),
        "pick": _model(
            "DropdownModel", description="Touchpoint", index=1, _options_labels=["Ads", "Store"]
        ),
        "out": _model(
            "OutputModel",
            outputs=[
                {"output_type": "display_data", "data": {PLOTLY: FIGURE, "text/plain": "fig"}}
            ],
        ),
        "hidden": _model("HTMLModel", value="<b>never shown</b>", layout="IPY_MODEL_hide"),
        "hide": _model("LayoutModel", display="none"),
    }
    cells = [
        new_code_cell(
            "fig",
            outputs=[
                new_output(
                    "execute_result",
                    execution_count=1,
                    data={PLOTLY: FIGURE, "text/plain": "Figure"},
                )
            ],
        ),
        new_code_cell(
            "editor",
            outputs=[
                new_output(
                    "display_data", data={VIEW: {"model_id": "box"}, "text/plain": "VBox(...)"}
                )
            ],
        ),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["widgets"] = {STATE: {"state": state, "version_major": 2, "version_minor": 0}}
    return nb


def test_figures_and_widget_snapshot_are_html_and_the_page_loads_nothing_remote():
    nb = _notebook()
    before = copy.deepcopy(nb)
    page = notebook_to_html(nb)
    assert nb == before  # the executed notebook is not changed
    assert page.count('class="plotly-graph-div"') == 2  # the cell's figure and the widget's
    assert 'id="cell0-output0"' in page and 'id="cell1-output0-widget-figure0"' in page
    assert page.count('class="cj-widget-snapshot"') == 1
    assert "Family" in page and 'value="-1.5"' in page
    assert re.search(r"<option selected[^>]*>Store</option>", page)
    assert "never shown" not in page
    # no script, stylesheet or widget renderer from the network; plotly.js from the local file
    remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?:[^"]+)"', page)
    assert remote == []
    assert re.findall(r'<script[^>]* src="([^"]+)"', page) == [PLOTLY_JS_NAME]
    assert "cdnjs" not in page and "jsdelivr" not in page and "unpkg" not in page
    assert STATE not in page  # the widget state is not shipped as a JSON blob


def test_the_page_is_the_same_when_exported_twice():
    nb = _notebook()  # new_code_cell draws random cell ids: export the same notebook twice
    assert notebook_to_html(nb) == notebook_to_html(copy.deepcopy(nb))


def test_plotly_js_is_written_once_beside_the_pages(tmp_path):
    path = write_plotly_js(tmp_path / "notebooks")
    assert path.name == PLOTLY_JS_NAME
    assert path.stat().st_size > 1_000_000 and "Plotly" in path.read_text()[:5000]
