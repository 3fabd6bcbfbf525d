"""The documentation site builds with no warning, documents every public name, links resolve.

The site is built once for the module from a copy of ``docs/`` (so a ``make docs`` running at
the same time is not disturbed), with the notebooks copied unexecuted
(``CJLIB_DOCS_EXECUTE=0``): this test is about pages and links; ``make docs`` executes them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlsplit

import pytest

import cjlib

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("docs_site")]

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def public_packages() -> list[str]:
    """``cjlib`` and every sub-package listed in ``cjlib.__all__``."""
    subpackages = [
        f"cjlib.{name}" for name in cjlib.__all__ if isinstance(getattr(cjlib, name), ModuleType)
    ]
    return ["cjlib", *sorted(subpackages)]


def public_names(package: str) -> list[str]:
    module = __import__(package, fromlist=["__all__"])
    return sorted(n for n in module.__all__ if not isinstance(getattr(module, n), ModuleType))


class _Page(HTMLParser):
    """Collects the ids, the links and the loaded resources of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.resources.append(values["src"])
        if tag == "link" and values.get("href"):
            self.resources.append(values["href"])
            self.links.append(values["href"])


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("site")
    source = work / "docs"
    shutil.copytree(
        DOCS, source, ignore=lambda folder, names: [n for n in names if n in ("api", "notebooks")]
    )
    (source / "_static" / "plotly.min.js").unlink(missing_ok=True)
    out = work / "html"
    env = {**os.environ, "CJLIB_DOCS_EXECUTE": "0", "CJLIB_DOCS_CACHE": str(work / "cache")}
    sphinx = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q"]
    build = subprocess.run(
        [*sphinx, "-d", str(work / "doctrees"), str(source), str(out)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    assert "WARNING" not in build.stderr, build.stderr[-4000:]
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[Path, _Page]:
    parsed = {}
    for path in site.rglob("*.html"):
        if path.relative_to(site).parts[0] == "_static":  # theme templates, not pages
            continue
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        parsed[path] = page
    return parsed


@pytest.mark.parametrize("package", public_packages())
def test_every_public_name_has_a_reference_page(package, site, pages):
    package_page = site / "api" / f"{package}.html"
    assert package_page.exists(), f"no reference page for {package}"
    links = pages[package_page].links
    missing = []
    for name in public_names(package):
        # the page of the object's one documented home (cjlib.measure -> cjlib.action.measure)
        pattern = re.compile(rf"generated/(cjlib(\.\w+)*\.{re.escape(name)})\.html$")
        targets = [m for link in links if (m := pattern.search(urlsplit(link).path))]
        found = [
            t.group(1)
            for t in targets
            if (site / "api" / "generated" / f"{t.group(1)}.html").exists()
            and t.group(1) in pages[site / "api" / "generated" / f"{t.group(1)}.html"].ids
        ]
        if not found:
            missing.append(name)
    assert missing == [], f"{package}: no reference page for {missing}"


def test_internal_links_resolve(site, pages):
    broken = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "mailto:")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.exists():
                broken.append(f"{path.relative_to(site)} -> {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(site)} -> {link} (no such anchor)")
    assert broken == [], "\n".join(broken[:30])


def test_the_site_loads_nothing_from_the_network(pages, site):
    external = sorted(
        {
            f"{path.relative_to(site)}: {src}"
            for path, page in pages.items()
            for src in page.resources
            if urlsplit(src).scheme in ("http", "https") or src.startswith("//")
        }
    )
    assert external == [], external[:20]


def test_the_site_has_the_guides_notebooks_and_gallery(site):
    for guide in DOCS.glob("*.md"):
        assert (site / f"{guide.stem}.html").exists(), guide.name
    for notebook in [*(ROOT / "notebooks").glob("*.ipynb"), DOCS / "gallery.ipynb"]:
        assert (site / "notebooks" / f"{notebook.stem}.html").exists(), notebook.name
    # one plotly.js for the whole site, the same version the figures are made with
    import plotly

    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert (site / "_static" / "plotly.min.js").stat().st_size == bundled.stat().st_size


def _figure_makers() -> list[str]:
    """``cjlib.plot`` functions (not the exporters) and every public class with ``.plot()``."""
    makers = [f"cjlib.plot.{name}" for name in cjlib.plot.__all__ if not name.startswith("export")]
    for package in public_packages():
        module = __import__(package, fromlist=["__all__"])
        for name in public_names(package):
            value = getattr(module, name)
            if isinstance(value, type) and callable(getattr(value, "plot", None)):
                makers.append(f"{value.__name__}.plot()")
    return sorted(set(makers))


def test_the_gallery_shows_every_figure():
    gallery = json.loads((DOCS / "gallery.ipynb").read_text(encoding="utf-8"))
    headings = "\n".join(
        "".join(cell["source"]) for cell in gallery["cells"] if cell["cell_type"] == "markdown"
    )
    missing = [maker for maker in _figure_makers() if f"`{maker}`" not in headings]
    assert missing == [], f"add a section to docs/gallery.ipynb for {missing}"


def test_the_gallery_is_committed_without_outputs():
    gallery = json.loads((DOCS / "gallery.ipynb").read_text(encoding="utf-8"))
    code = [cell for cell in gallery["cells"] if cell["cell_type"] == "code"]
    assert code and all(not cell["outputs"] and cell["execution_count"] is None for cell in code)
