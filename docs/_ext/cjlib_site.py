"""Sphinx extension that prepares the generated parts of the cjlib site before a build.

- ``api/``: one page per public package listing every name of its ``__all__`` in an
  autosummary table (autosummary then writes a page per name), so a name added to an
  ``__all__`` gets its reference page with no manual edit. An object exported by several
  packages (``cjlib.measure`` is ``cjlib.action.measure``) is documented once, at its first
  home in :data:`PACKAGES`; its other homes link there.
- ``notebooks/``: the repository's notebooks and ``gallery.ipynb``, executed with nbclient
  (cached by content) and given an offline HTML rendering of each plotly figure that uses the
  site's one local copy of plotly.js; interactive widgets become a short note (their state
  needs a live kernel).

Set ``CJLIB_DOCS_EXECUTE=0`` to copy the notebooks without running them (the site test uses
this: it checks pages and links, not figures).
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import os
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import cjlib

DOCS = Path(__file__).resolve().parents[1]  # the Sphinx source folder (a copy in the site test)
ROOT = Path(cjlib.__file__).resolve().parents[1]  # the repository: notebooks/, cjlib/
API = DOCS / "api"
NOTEBOOKS_OUT = DOCS / "notebooks"
STATIC = DOCS / "_static"
CACHE = Path(os.environ.get("CJLIB_DOCS_CACHE", ROOT / "build" / "docs-cache"))
PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: the public packages, in the order that decides an object's one documented home
PACKAGES = (
    "cjlib.map",
    "cjlib.events",
    "cjlib.stats",
    "cjlib.action",
    "cjlib.plot",
    "cjlib.widgets",
    "cjlib.datasets",
    "cjlib.discover",
    "cjlib.report",
    "cjlib",
)


def public_api() -> dict[str, dict[str, str]]:
    """Package -> {name in its ``__all__`` -> qualified name of the page documenting it}.

    Sub-packages listed in ``cjlib.__all__`` are left out of ``cjlib``'s own table (they have
    their own page).
    """
    homes: dict[object, str] = {}
    api: dict[str, dict[str, str]] = {}
    for package in PACKAGES:
        module = importlib.import_module(package)
        api[package] = {}
        for name in sorted(module.__all__):
            value = getattr(module, name)
            if isinstance(value, ModuleType):
                continue
            # constants (tuples, strings) are not shared objects: each home documents its own
            key: object = id(value) if callable(value) else (package, name)
            api[package][name] = homes.setdefault(key, f"{package}.{name}")
    return api


def _title(text: str, mark: str = "=") -> str:
    return f"{text}\n{mark * len(text)}\n"


def write_api_pages(api: dict[str, dict[str, str]]) -> None:
    """Write ``api/index.rst`` and ``api/<package>.rst`` (only files whose text changed)."""
    API.mkdir(exist_ok=True)
    pages = {"index": _title("API reference") + "\n" + _api_index(api)}
    for package, names in api.items():
        pages[package] = _package_page(package, names)
    for stem, text in pages.items():
        path = API / f"{stem}.rst"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    for path in API.glob("*.rst"):
        if path.stem not in pages:
            path.unlink()


def _api_index(api: dict[str, dict[str, str]]) -> str:
    lines = [
        "Every public name of cjlib, package by package (generated from each package's",
        "``__all__``).",
        "",
        ".. toctree::",
        "   :maxdepth: 1",
        "",
    ]
    lines += [f"   {package}" for package in api]
    return "\n".join(lines) + "\n"


def _package_page(package: str, names: dict[str, str]) -> str:
    own = [f"{package}.{name}" for name, home in names.items() if home == f"{package}.{name}"]
    elsewhere = {name: home for name, home in names.items() if home != f"{package}.{name}"}
    lines = [_title(f"``{package}``"), f".. automodule:: {package}", "   :no-members:", ""]
    if own:
        lines += [
            ".. autosummary::",
            "   :toctree: generated",
            "   :nosignatures:",
            "",
            *[f"   {qualified.rsplit('.', 1)[1]}" for qualified in own],
            "",
        ]
    if elsewhere:
        lines += [_title("Also available here", "-"), ""]
        lines += [f"- ``{package}.{name}``: :obj:`{home}`" for name, home in elsewhere.items()]
        lines.append("")
    return "\n".join(lines)


# --- notebooks ------------------------------------------------------------------------------


def _notebook_sources() -> list[Path]:
    return [*sorted((ROOT / "notebooks").glob("*.ipynb")), DOCS / "gallery.ipynb"]


def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "cjlib").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".json", ".css", ".js"):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _offline_html(spec: dict[str, Any]) -> str:
    import plotly.io as pio

    figure = pio.from_json(json.dumps({k: v for k, v in spec.items() if k != "config"}))
    return pio.to_html(
        figure,
        include_plotlyjs=False,  # the site loads _static/plotly.min.js once for every page
        full_html=False,
        config={"displaylogo": False, "responsive": True},
    )


def _is_progress_bar(data: dict[str, Any], widgets: dict[str, Any]) -> bool:
    """DuckDB's query progress bar (an ipywidgets FloatProgress): noise on a static page."""
    model = widgets.get(data[WIDGET_MIME].get("model_id"), {}).get("model_name", "")
    return model.endswith("ProgressModel") or data.get("text/plain", "").startswith(
        ("FloatProgress(", "IntProgress(")
    )


def offline_outputs(nb: Any) -> Any:
    """Give each plotly output a ``text/html`` rendering; replace widget views with a note.

    Progress bars are dropped; other widgets need a live kernel, so a short note stands in.
    """
    nb = copy.deepcopy(nb)
    state = nb.metadata.pop("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    widgets = state.get("state", {})
    for cell in nb.cells:
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if PLOTLY_MIME in data:
                data["text/html"] = _offline_html(data[PLOTLY_MIME])
                data.pop(PLOTLY_MIME)
            elif WIDGET_MIME in data:
                if _is_progress_bar(data, widgets):
                    continue
                output["data"] = {
                    "text/plain": "(an interactive widget: run this notebook in Jupyter to use it)"
                }
            kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept
    return nb


def _execute(source: Path) -> Any:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(source, as_version=4)
    previous = os.environ.get("PLOTLY_RENDERER")
    os.environ["PLOTLY_RENDERER"] = "plotly_mimetype"  # the kernel inherits it: JSON only
    try:
        NotebookClient(
            nb,
            kernel_name="python3",
            timeout=600,
            startup_timeout=120,
            resources={"metadata": {"path": str(source.parent)}},
        ).execute()
    finally:
        if previous is None:
            os.environ.pop("PLOTLY_RENDERER", None)
        else:
            os.environ["PLOTLY_RENDERER"] = previous
    return offline_outputs(nb)


def prepare_notebooks(execute: bool) -> None:
    """Copy (and, if ``execute``, run) every notebook into ``notebooks/``; cached by content."""
    import nbformat

    NOTEBOOKS_OUT.mkdir(exist_ok=True)
    code = _code_fingerprint() if execute else "not-executed"
    wanted = set()
    for source in _notebook_sources():
        target = NOTEBOOKS_OUT / source.name
        wanted.add(target.name)
        key = hashlib.sha256(source.read_bytes() + code.encode()).hexdigest()
        cached = CACHE / f"{source.stem}-{key[:20]}.ipynb"
        if not cached.exists():
            CACHE.mkdir(parents=True, exist_ok=True)
            nb = _execute(source) if execute else nbformat.read(source, as_version=4)
            nbformat.write(nb, cached)
        if not target.exists() or target.read_bytes() != cached.read_bytes():
            shutil.copyfile(cached, target)
    for path in NOTEBOOKS_OUT.glob("*.ipynb"):
        if path.name not in wanted:
            path.unlink()


def copy_plotly_js() -> None:
    """One local plotly.js for the whole site (the same version the figures were made with)."""
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    STATIC.mkdir(exist_ok=True)
    target = STATIC / "plotly.min.js"
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        shutil.copyfile(source, target)


def _prepare(app: Any, config: Any) -> None:
    write_api_pages(public_api())
    copy_plotly_js()
    prepare_notebooks(execute=os.environ.get("CJLIB_DOCS_EXECUTE", "1") != "0")


def setup(app: Any) -> dict[str, Any]:
    """Register the preparation step and the site's local plotly.js."""
    # before autosummary (builder-inited) looks for the pages to generate
    app.connect("config-inited", _prepare)
    app.add_js_file("plotly.min.js", priority=200)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
