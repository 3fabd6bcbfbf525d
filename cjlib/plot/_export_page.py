"""Write an HTML page (the map canvas of :func:`cjlib.map.render_map`) to PDF or PNG.

Plotly figures go through kaleido; a canvas is plain HTML, so the same local Chrome/Chromium
prints it directly (``--print-to-pdf`` honours the page's ``@page`` size, so a print layout
becomes one A3 / A1 landscape sheet) or screenshots it at the page's size. The browser runs in
a child process killed after ``timeout`` seconds, like the figure exports.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from cjlib.errors import DataError

__all__ = ["PAGE_FORMATS", "page_pixels", "write_page"]

PAGE_FORMATS = ("pdf", "png", "html")
_DEFAULT_PAGE = (1920, 1080)
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


def page_pixels(page: str) -> tuple[int, int]:
    """The page's own size in CSS px (``data-page`` of a room layout), else 1920 x 1080.

    Examples
    --------
    >>> page_pixels('<div data-page="1587x1123"></div>')
    (1587, 1123)
    """
    found = re.search(r'data-page="(\d+)x(\d+)"', page)
    return (int(found[1]), int(found[2])) if found else _DEFAULT_PAGE


def _browser() -> str:
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("no Chrome/Chromium on the PATH")


def write_page(
    page: str,
    target: Path,
    fmt: str,
    *,
    scale: float,
    width: int | None,
    height: int | None,
    timeout: float,
) -> None:
    """Write the HTML ``page`` to ``target`` as ``fmt`` (pdf, png or html)."""
    from cjlib.plot._export import ExportError

    if fmt not in PAGE_FORMATS:
        raise DataError(
            f"path: a map canvas exports to {', '.join('.' + f for f in PAGE_FORMATS)}; "
            f"got {target.suffix!r}"
        )
    if fmt == "html":
        target.write_text(page, encoding="utf-8")
        return
    own_w, own_h = page_pixels(page)
    size = (width or own_w, height or own_h)
    try:
        browser = _browser()
    except FileNotFoundError as err:
        raise ExportError(
            f"could not write {str(target)!r}: {err} (apt-get install chromium, or set "
            "BROWSER_PATH)"
        ) from None
    with tempfile.TemporaryDirectory(prefix="cjlib-page-") as tmp:
        source = Path(tmp) / "page.html"
        source.write_text(page, encoding="utf-8")
        out = Path(tmp) / f"out.{fmt}"
        args = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--window-size={size[0]},{size[1]}",
        ]
        if fmt == "pdf":
            args += ["--no-pdf-header-footer", f"--print-to-pdf={out}"]
        else:
            args += [f"--force-device-scale-factor={scale:g}", f"--screenshot={out}"]
        try:
            done = subprocess.run(
                [*args, source.as_uri()],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ExportError(
                f"could not write {str(target)!r}: the browser did not finish within {timeout:g} s"
            ) from None
        if not out.exists():
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            raise ExportError(
                f"could not write {str(target)!r}: {lines[-1] if lines else 'no output'}"
            )
        shutil.move(str(out), target)
