"""JourneyExplorer in a real front end: JupyterLab served on localhost, driven in headless Chromium.

The Python-side tests (tests/widgets/test_explorer.py) prove the filtering and the views; this
one proves the explorer renders in JupyterLab (filters, Sankey) and that a filter picked in the
browser reaches the kernel and redraws the views.
"""

from __future__ import annotations

import pytest
from lab_driver import open_notebook, run_cell

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


@pytest.fixture(scope="module")
def lab_notebook() -> tuple[str, list[str]]:
    return NOTEBOOK, [SETUP, READBACK]


def test_explorer_renders_and_a_filter_in_the_browser_redraws_it(browser, lab, tmp_path):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    pg = context.new_page()
    page_errors: list[str] = []
    pg.on("pageerror", lambda err: page_errors.append(str(err)))
    try:
        open_notebook(pg, lab)  # loaded, kernel connected and idle
        run_cell(pg, 0)
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
        run_cell(pg, 1)
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
