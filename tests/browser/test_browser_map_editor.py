"""MapEditor in a real front end: JupyterLab served on localhost, driven in headless Chromium.

The Python-side tests (tests/widgets) prove the editor's logic; this one proves the widget
renders in JupyterLab, that an edit typed in the browser reaches the kernel's map and that the
canvas redraws with it.
"""

from __future__ import annotations

import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("lab")
    nb = new_notebook(cells=[new_code_cell(SETUP), new_code_cell(READBACK)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, root / NOTEBOOK)
    port, token = _free_port(), secrets.token_hex(16)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start within 60 s")
                time.sleep(0.5)
        yield f"{base}/lab/tree/{NOTEBOOK}?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def _run_cell(pg, index: int) -> None:
    cell = pg.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputArea-editor").click()
    pg.keyboard.press("Shift+Enter")
    # the prompt turns from "[ ]" into "[*]" or "[n]" once the kernel takes the cell
    cell.locator(".jp-InputPrompt", has_text=re.compile(r"\[(\*|\d+)\]")).wait_for(timeout=30_000)


def test_editor_renders_and_an_edit_in_the_browser_reaches_the_map(browser, lab, tmp_path):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    pg = context.new_page()
    page_errors: list[str] = []
    pg.on("pageerror", lambda err: page_errors.append(str(err)))
    try:
        pg.goto(lab)
        pg.wait_for_selector(".jp-Notebook .jp-Cell .jp-InputArea-editor", timeout=60_000)
        # the kernel is connected and idle: the status bar says so
        pg.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
        _run_cell(pg, 0)
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
        _run_cell(pg, 1)
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
