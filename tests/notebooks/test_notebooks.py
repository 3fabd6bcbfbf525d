"""Every curated notebook runs top to bottom, and is committed without outputs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_notebook
from strip_outputs import KERNELSPEC, strip

from cjlib._notebook_html import notebook_to_html, write_plotly_js

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
PLOTLY = "application/vnd.plotly.v1+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
CELL_TIMEOUT = 300  # seconds per cell: generous for a loaded 2-core CI machine
STARTUP_TIMEOUT = 120


def _run(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    # kernel "python3": jupyter_client starts it with sys.executable (the interpreter running the
    # tests, i.e. the venv's), because the spec's argv[0] is the bare "python"
    client = NotebookClient(
        nb,
        kernel_name=KERNELSPEC["name"],
        timeout=CELL_TIMEOUT,
        startup_timeout=STARTUP_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    return client.execute()


def test_the_curated_notebooks_are_there():
    names = [path.name for path in NOTEBOOKS]
    assert "01_map_the_journey.ipynb" in names


def test_the_kernel_is_the_interpreter_running_the_tests():
    nb = new_notebook(
        cells=[new_code_cell("import os, sys; print(sys.executable); print(os.getcwd())")]
    )
    out = _run(nb).cells[0].outputs[0]["text"].splitlines()
    assert Path(out[0]).resolve() == Path(sys.executable).resolve()
    assert Path(out[1]).resolve() == NOTEBOOK_DIR.resolve()


def test_a_failing_cell_fails_the_run():
    nb = new_notebook(cells=[new_code_cell("1 / 0")])
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        _run(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec["name"] == "python3"
    with_output = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.outputs]
    counted = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.execution_count]
    assert not with_output and not counted, (
        f"{path.name}: cells {sorted(set(with_output + counted))} hold outputs; "
        "run `python tests/notebooks/strip_outputs.py` before committing"
    )
    assert strip(nb) == nb, f"{path.name}: run `python tests/notebooks/strip_outputs.py`"


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def executed(request):
    """Each curated notebook executed once, shared by the checks below."""
    nb = nbformat.read(request.param, as_version=4)
    return request.param, _run(nb)  # raises CellExecutionError naming the cell and traceback


@pytest.mark.notebook
@pytest.mark.slow
def test_notebook_runs_top_to_bottom(executed):
    _, nb = executed
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells), "not every code cell ran"
    errors = [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    assert errors == []


def _figures_in_widgets(nb) -> int:
    """Plotly outputs held by the Output widgets reachable from the displayed widget views."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    seen: set[str] = set()

    def walk(value) -> int:
        if isinstance(value, str) and value.startswith("IPY_MODEL_"):
            model_id = value.removeprefix("IPY_MODEL_")
            if model_id in seen or model_id not in state:
                return 0
            seen.add(model_id)
            model = state[model_id]
            own = sum(PLOTLY in o.get("data", {}) for o in model["state"].get("outputs", []))
            return own + sum(walk(v) for v in model["state"].values())
        if isinstance(value, list):
            return sum(walk(v) for v in value)
        return 0

    views = [
        o.data[WIDGET_VIEW]["model_id"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if WIDGET_VIEW in o.get("data", {})
    ]
    return sum(walk(f"IPY_MODEL_{v}") for v in views)


def _in_own_playwright(check: Any) -> Any:
    """Run ``check(page, log)`` on a fresh thread with its own Playwright and Chromium.

    The notebook kernels' client leaves an asyncio loop running on this thread, and
    Playwright's sync API refuses to start inside one; a new thread has no loop.
    """
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    bc = sys.modules["_browser_conftest"]
    if not bc.CHROMIUM.exists():
        pytest.skip(bc.SKIP_REASON)

    def run() -> Any:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(bc.CHROMIUM), args=bc.CHROMIUM_ARGS, headless=True
            )
            try:
                context, pg, log = bc.new_logged_page(chromium)
                try:
                    return check(pg, log)
                finally:
                    context.close()
            finally:
                chromium.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.mark.notebook
@pytest.mark.slow
def test_exported_page_draws_every_figure_offline(executed, tmp_path):
    path, nb = executed
    figure_cells = sum(
        any(PLOTLY in o.get("data", {}) for o in c.outputs)
        for c in nb.cells
        if c.cell_type == "code"
    )
    in_widgets = _figures_in_widgets(nb)
    write_plotly_js(tmp_path)
    html_path = tmp_path / f"{path.stem}.html"
    html_path.write_text(notebook_to_html(nb), encoding="utf-8")
    outside = ".jp-OutputArea-output:not(:has(.cj-widget-snapshot)) .plotly-graph-div"
    inside = ".cj-widget-snapshot .plotly-graph-div"
    expected = figure_cells + in_widgets

    def check(pg: Any, log: Any) -> dict[str, Any]:
        pg.set_default_timeout(120_000)  # a loaded 2-core machine parses plotly.js slowly
        pg.goto(html_path.as_uri(), wait_until="domcontentloaded")
        pg.wait_for_function(
            "n => document.querySelectorAll('.plotly-graph-div:has(.main-svg)').length >= n",
            arg=expected,
        )
        return {
            "outside": pg.locator(outside).count(),
            "inside": pg.locator(inside).count(),
            "drawn": pg.locator(".plotly-graph-div:has(.main-svg)").count(),
            "snapshots": pg.locator(".cj-widget-snapshot").count(),
            "log": log,
        }

    seen = _in_own_playwright(check)
    log = seen["log"]
    assert seen["outside"] == figure_cells
    assert seen["inside"] == in_widgets
    assert seen["drawn"] == figure_cells + in_widgets, "a figure div was left empty"
    assert log.remote_requests == []
    assert log.page_errors == [] and log.console_errors == []
    # every widget view became a static snapshot instead of an empty placeholder
    views = sum(WIDGET_VIEW in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert seen["snapshots"] == views
