"""MapEditor in a real front end: JupyterLab served on localhost, driven in headless Chromium.

The Python-side tests (tests/widgets) prove the editor's logic; this one proves the widget
renders in JupyterLab, that an edit typed in the browser reaches the kernel's map and that the
canvas redraws with it.
"""

from __future__ import annotations

import pytest
from lab_driver import open_notebook, run_cell

pytest.importorskip("jupyterlab", reason="needs the `lab` extra (pip install -e '.[lab]')")

pytestmark = pytest.mark.slow

NOTEBOOK = "editor.ipynb"
SETUP = (
    "from cjlib.datasets import load_map\n"
    "from cjlib.widgets import MapEditor\n"
    "editor = MapEditor(load_map('telco'))\n"
    "editor.touchpoint_dropdown.value = 'store'\n"
    "editor"
)
READBACK = "print('NAME=' + editor.journey_map.touchpoint('store').name)"


@pytest.fixture(scope="module")
def lab_notebook() -> tuple[str, list[str]]:
    return NOTEBOOK, [SETUP, READBACK]


def test_editor_renders_and_an_edit_in_the_browser_reaches_the_map(browser, lab, tmp_path):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    pg = context.new_page()
    page_errors: list[str] = []
    pg.on("pageerror", lambda err: page_errors.append(str(err)))
    try:
        open_notebook(pg, lab)  # loaded, kernel connected and idle
        run_cell(pg, 0)
        editor = pg.locator(".jp-OutputArea-output .widget-hbox").first
        editor.wait_for(timeout=60_000)
        # the canvas tab shows the telco map, the picker the selected touchpoint
        canvas = pg.locator(".jp-OutputArea-output .cj-map")
        canvas.wait_for(timeout=30_000)
        assert "Northwind Mobile" in canvas.locator("h1").inner_text()
        name_box = (
            pg.locator(".widget-text")
            .filter(has=pg.get_by_text("Name", exact=True))
            .locator("input")
        )
        assert name_box.input_value() == "Retail store visit"
        # type a new name: the kernel's map changes and the canvas is redrawn with it
        name_box.fill("Flagship store")
        name_box.press("Enter")
        pg.locator(".cj-tpname", has_text="Flagship store").wait_for(timeout=30_000)
        run_cell(pg, 1)
        pg.locator(".jp-OutputArea-output", has_text="NAME=Flagship store").wait_for(timeout=30_000)
        # the emotion curve tab holds a rendered plotly figure
        pg.locator(".lm-TabBar-tab, .p-TabBar-tab", has_text="Emotion curve").click()
        pg.locator(".jp-OutputArea-output .main-svg").first.wait_for(timeout=30_000)
        assert pg.locator(".jp-OutputArea-output .scatterlayer .trace").count() >= 2
        assert page_errors == []
    except Exception:
        shot = tmp_path / "jupyterlab.png"
        pg.screenshot(path=str(shot))
        print(f"screenshot of the failing page: {shot}")
        raise
    finally:
        context.close()
