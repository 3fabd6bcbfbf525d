"""JourneyExplorer in a real front end: JupyterLab served on localhost, driven in headless Chromium.

The Python-side tests (tests/widgets/test_explorer.py) prove the filtering and the views; this
one proves the explorer renders in JupyterLab (filters, Sankey) and that a filter picked in the
browser reaches the kernel and redraws the views.
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

NOTEBOOK = "explorer.ipynb"
SETUP = (
    "import cjlib\n"
    "from cjlib.datasets import load_map, simulate\n"
    "from cjlib.widgets import JourneyExplorer\n"
    "jm = load_map('telco')\n"
    "data = simulate(jm, 300, seed=5)\n"
    "log = cjlib.EventLog.from_pandas(data.events)\n"
    "explorer = JourneyExplorer(log, jm, surveys=data.surveys, customers=data.customers)\n"
    "explorer"
)
READBACK = (
    "family = set(data.customers.loc[data.customers.persona == 'family', 'customer_id'])\n"
    "expected = data.events[data.events.customer_id.isin(family)].customer_id.nunique()\n"
    "print('SLICE=' + explorer.slice.description)\n"
    "print('MATCH=' + str(explorer.slice.log.n_customers == expected))"
)


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


def test_explorer_renders_and_a_filter_in_the_browser_redraws_it(browser, lab, tmp_path):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    pg = context.new_page()
    page_errors: list[str] = []
    pg.on("pageerror", lambda err: page_errors.append(str(err)))
    try:
        pg.goto(lab)
        pg.wait_for_selector(".jp-Notebook .jp-Cell .jp-InputArea-editor", timeout=60_000)
        pg.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
        _run_cell(pg, 0)
        status = pg.locator(".jp-OutputArea-output .widget-html", has_text="customers")
        status.first.wait_for(timeout=90_000)
        assert "everyone" in status.first.inner_text()
        # the Sankey tab is open and holds a rendered plotly Sankey
        nodes = pg.locator(".jp-OutputArea-output .sankey .sankey-node")
        nodes.first.wait_for(timeout=60_000)
        assert nodes.count() > 3
        # pick a persona in the browser: the kernel filters and every view is redrawn
        persona = (
            pg.locator(".widget-dropdown")
            .filter(has=pg.get_by_text("Persona", exact=True))
            .locator("select")
        )
        persona.select_option(label="Family account holder")
        pg.locator(".jp-OutputArea-output .widget-html", has_text="persona family").wait_for(
            timeout=60_000
        )
        nodes.first.wait_for(timeout=30_000)
        _run_cell(pg, 1)
        pg.locator(".jp-OutputArea-output", has_text="SLICE=persona family").wait_for(
            timeout=30_000
        )
        assert pg.locator(".jp-OutputArea-output", has_text="MATCH=True").count() == 1
        # the KPI tab shows the stage table of the filtered data
        pg.locator(".lm-TabBar-tab, .p-TabBar-tab", has_text="KPIs").click()
        pg.locator(".jp-OutputArea-output table.cj-kpis").wait_for(timeout=30_000)
        assert "Awareness" in pg.locator(".jp-OutputArea-output table.cj-kpis").inner_text()
        assert page_errors == []
    except Exception:
        shot = tmp_path / "jupyterlab.png"
        pg.screenshot(path=str(shot))
        print(f"screenshot of the failing page: {shot}")
        raise
    finally:
        context.close()
