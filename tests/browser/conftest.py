"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

No browser is ever downloaded (``playwright install`` is not used). The tests skip, with the
reason, only when /usr/bin/chromium is missing; CI installs it (``.ci/run``).

Widget tests run in a real JupyterLab: a test module defines a ``lab_notebook`` fixture (the
notebook's file name and its cells' sources) and asks for ``lab``, the notebook's URL on a
JupyterLab server started for the module (helpers to drive it are in ``lab_driver.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

SKIP_REASON = (
    f"browser tests need Debian's chromium at {CHROMIUM} "
    "(apt-get install chromium fonts-dejavu-core fonts-liberation)"
)


@dataclass
class PageLog:
    """What a page did that a test may want to forbid."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def lab(lab_notebook: tuple[str, list[str]], tmp_path_factory: Any) -> Iterator[str]:
    """URL of the module's ``lab_notebook`` served by JupyterLab on localhost."""
    from lab_driver import serve_notebook, write_notebook

    name, cells = lab_notebook
    root = tmp_path_factory.mktemp("lab")
    write_notebook(root / name, cells)
    with serve_notebook(root, name) as url:  # RuntimeError (setup error) if it cannot start
        yield url


def new_logged_page(browser: Any) -> tuple[Any, Any, PageLog]:
    """(context, page, log) of a fresh page recording errors, dialogs and remote requests.

    Only ``file://``, ``data:`` and ``about:`` loads are allowed; any other request is
    recorded and aborted.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    log = PageLog()
    pg = context.new_page()
    pg.on(
        "console", lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None
    )
    pg.on("pageerror", lambda err: log.page_errors.append(str(err)))

    def on_dialog(dialog: Any) -> None:
        log.dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", on_dialog)

    def on_route(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            log.remote_requests.append(url)
            route.abort()

    pg.route("**/*", on_route)
    return context, pg, log


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, PageLog]]:
    """A fresh page that records console errors, uncaught errors, dialogs and remote requests.

    Only ``file://`` and ``data:`` loads are allowed: any other request is recorded and aborted,
    so a page that needs the network (a CDN, a tracking pixel, an injected ``src``) is caught.
    """
    context, pg, log = new_logged_page(browser)
    yield pg, log
    context.close()
