"""``export``: write a figure to PNG, SVG or PDF for slides, with plotly's kaleido.

Kaleido 1.x drives a locally installed Chrome/Chromium (found by its ``choreographer``
dependency on the PATH, e.g. Debian's ``/usr/bin/chromium``; set ``BROWSER_PATH`` to point it
elsewhere). No browser is downloaded.

Kaleido is known to hang now and then while starting its browser (plotly/Kaleido issues #134,
#110). A hung call cannot be interrupted from Python, so rendering runs in a child process
that is killed after ``timeout`` seconds and retried once; a second failure is a clear
:class:`ExportError`, never a hung notebook.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cjlib.errors import CjlibError, DataError

__all__ = ["EXPORT_FORMATS", "ExportError", "export", "export_all"]

EXPORT_FORMATS = ("png", "svg", "pdf", "jpg", "jpeg", "webp", "html")
#: The one copy of plotly.js that the HTML exports of a folder share.
PLOTLY_JS = "plotly.min.js"
#: Seconds one rendering attempt may take before its process is killed (then retried once).
EXPORT_TIMEOUT = 120.0
_ATTEMPTS = 2
#: Size (CSS pixels) of a figure that sets none: a 16:9 slide.
SLIDE_SIZE = (1280, 720)


class ExportError(CjlibError):
    """The image could not be written (typically: no Chrome/Chromium for kaleido)."""


def export(
    fig: Any,
    path: str | os.PathLike[str],
    *,
    scale: float = 2.0,
    width: int | None = None,
    height: int | None = None,
) -> Path:
    """Write ``fig`` to ``path``; the suffix picks the format (png, svg, pdf, jpg, webp, html).

    An ``.html`` file is interactive and works offline: it loads plotly.js from
    ``plotly.min.js`` beside it, written once per folder and shared by every HTML export
    there (about 5 KB per figure instead of 4.8 MB with plotly.js inlined in each).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure or str
        Any cjlib figure (or other plotly figure), or a map canvas page from
        :func:`cjlib.map.render_map` (to ``.pdf``, ``.png`` or ``.html``): a print layout
        becomes one A3 / A1 landscape PDF sheet, a presentation a 1920 x 1080 page.
    path : str or path-like
        Target file; its folder must exist.
    scale : float, default 2
        Pixel density multiplier for raster formats (2 = sharp on slides and HiDPI screens).
    width, height : int, optional
        Size in CSS pixels (default: the figure's own layout size, else a 16:9 slide of
        1280 × 720; for a canvas page, its own page size, else 1920 × 1080).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    DataError
        Unknown suffix, missing folder, or ``scale``/``width``/``height`` not positive.
    ExportError
        Kaleido could not render (e.g. no Chrome/Chromium installed).

    Examples
    --------
    >>> from cjlib.datasets import load_map
    >>> from cjlib.plot import emotion_curve
    >>> from cjlib.plot._export import export
    >>> export(emotion_curve(load_map("telco")), "curve.svg")  # doctest: +SKIP
    PosixPath('curve.svg')
    >>> from cjlib.map import render_map
    >>> sheet = render_map(load_map("telco"), layout="print", paper="A1")
    >>> export(sheet, "map.pdf")  # doctest: +SKIP
    PosixPath('map.pdf')
    """
    target = Path(path)
    fmt = _format_of(target)
    if not isinstance(fig, str):
        _check_figure(fig, "fig")
    _check_size(scale=scale, width=width, height=height)
    if not target.parent.is_dir():
        raise DataError(f"path: folder {str(target.parent)!r} does not exist")
    if isinstance(fig, str):
        from cjlib.plot._export_page import write_page

        write_page(
            fig, target, fmt, scale=scale, width=width, height=height, timeout=EXPORT_TIMEOUT
        )
    elif fmt == "html":
        _write_html(fig, target)
    else:
        _write([fig], [target], [fmt], scale=scale, width=width, height=height)
    return target


def export_all(
    figures: Mapping[str, Any],
    folder: str | os.PathLike[str],
    *,
    formats: Sequence[str] = ("png", "svg"),
    scale: float = 2.0,
) -> list[Path]:
    """Write every figure of ``figures`` (name → Figure) into ``folder`` in each format.

    One kaleido browser session renders them all, much faster than one :func:`export` call
    per file. The folder is created if needed; files are named ``<name>.<format>``.

    Examples
    --------
    >>> from cjlib.datasets import load_map
    >>> from cjlib.plot import emotion_curve
    >>> from cjlib.plot._export import export_all
    >>> export_all({"curve": emotion_curve(load_map("telco"))}, "slides")  # doctest: +SKIP
    [PosixPath('slides/curve.png'), PosixPath('slides/curve.svg')]
    """
    if isinstance(formats, str):
        formats = [formats]
    fmts = [_format_of(Path(f"x.{f}"), param="formats") for f in formats]
    _check_size(scale=scale, width=None, height=None)
    for name, fig in figures.items():
        _check_figure(fig, f"figures[{name!r}]")
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    jobs = [(fig, target / f"{name}.{fmt}", fmt) for name, fig in figures.items() for fmt in fmts]
    for fig, path, fmt in jobs:
        if fmt == "html":
            _write_html(fig, path)
    jobs_images = [job for job in jobs if job[2] != "html"]
    if jobs_images:
        figs, paths, kinds = (list(x) for x in zip(*jobs_images, strict=True))
        _write(figs, paths, kinds, scale=scale, width=None, height=None)
    return [path for _, path, _ in jobs]


def _write_html(fig: Any, target: Path) -> None:
    # plotly's "directory" mode references plotly.min.js next to the file; write it only once
    shared = target.parent / PLOTLY_JS
    if not shared.exists():
        from plotly.offline import get_plotlyjs

        shared.write_text(get_plotlyjs(), encoding="utf-8")
    fig.write_html(target, include_plotlyjs=False, full_html=True, config={"displaylogo": False})
    text = target.read_text(encoding="utf-8")
    tag = f'<script charset="utf-8" src="{PLOTLY_JS}"></script>'
    target.write_text(text.replace("<head>", f"<head>{tag}", 1), encoding="utf-8")


def _format_of(target: Path, param: str = "path") -> str:
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise DataError(
            f"{param}: cannot export to {target.suffix or 'a file without suffix'!r}; "
            f"allowed: {', '.join('.' + f for f in EXPORT_FORMATS)}"
        )
    return fmt


def _check_figure(fig: Any, name: str) -> None:
    import plotly.graph_objects as go

    if not isinstance(fig, go.Figure):
        raise DataError(f"{name}: expected a plotly Figure, got {type(fig).__name__}")


def _check_size(**values: float | None) -> None:
    for name, value in values.items():
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0
        ):
            raise DataError(f"{name}: expected a positive number, got {value!r}")


def _write(
    figs: list[Any],
    paths: list[Path],
    formats: list[str],
    *,
    scale: float,
    width: int | None,
    height: int | None,
) -> None:
    # write_images ignores the figures' own layout size; pass it explicitly
    job = {
        "figures": [fig.to_plotly_json() for fig in figs],
        "paths": [str(path) for path in paths],
        "formats": formats,
        "scale": scale,
        "widths": [width or fig.layout.width or SLIDE_SIZE[0] for fig in figs],
        "heights": [height or fig.layout.height or SLIDE_SIZE[1] for fig in figs],
    }
    with tempfile.TemporaryDirectory(prefix="cjlib-export-") as tmp:
        job_file = Path(tmp) / "job.json"
        from plotly.utils import PlotlyJSONEncoder

        job_file.write_text(json.dumps(job, cls=PlotlyJSONEncoder), encoding="utf-8")
        detail = ""
        for _ in range(_ATTEMPTS):
            try:
                done = subprocess.run(
                    [sys.executable, "-m", "cjlib.plot._export_worker", str(job_file)],
                    capture_output=True,
                    text=True,
                    timeout=EXPORT_TIMEOUT,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                detail = f"kaleido did not finish within {EXPORT_TIMEOUT:g} s"
                continue
            if done.returncode == 0:
                return
            lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
            detail = lines[-1] if lines else f"exit code {done.returncode}"
    raise ExportError(
        f"could not write {str(paths[0])!r}: {detail} (kaleido needs Chrome/Chromium: "
        "apt-get install chromium, or set BROWSER_PATH)"
    )
