"""JupyterLab for the browser tests: serve a notebook on localhost, open it, run its cells.

The ``lab`` fixture in ``conftest.py`` serves the notebook a test module declares; the
functions here drive the page Playwright opened on it.
"""

from __future__ import annotations

import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

START_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_notebook(path: Path, cells: Sequence[str]) -> None:
    """A notebook of code ``cells`` on the ``python3`` kernel, not yet executed."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(source) for source in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


@contextmanager
def serve_notebook(root: Path, notebook: str) -> Iterator[str]:
    """Run JupyterLab on ``root`` (random port, random token); yield the notebook's URL.

    Raises RuntimeError when the server does not answer within ``START_TIMEOUT_S``; the
    server is stopped on exit either way.
    """
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
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(
                        f"JupyterLab did not start within {START_TIMEOUT_S} s"
                    ) from None
                time.sleep(0.5)
        yield f"{base}/lab/tree/{notebook}?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def open_notebook(pg: Any, url: str) -> None:
    """Load the notebook and wait until its kernel is connected and idle."""
    pg.goto(url)
    pg.wait_for_selector(".jp-Notebook .jp-Cell .jp-InputArea-editor", timeout=60_000)
    # the kernel is connected and idle: the status bar says so
    pg.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)


def run_cell(pg: Any, index: int) -> None:
    """Run the notebook's cell ``index`` (0-based) and wait until the kernel takes it."""
    cell = pg.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputArea-editor").click()
    pg.keyboard.press("Shift+Enter")
    # the prompt turns from "[ ]" into "[*]" or "[n]" once the kernel takes the cell
    cell.locator(".jp-InputPrompt", has_text=re.compile(r"\[(\*|\d+)\]")).wait_for(timeout=30_000)
