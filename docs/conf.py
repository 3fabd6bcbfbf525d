"""Sphinx configuration of the cjlib documentation site (``make docs`` -> build/docs/).

Sphinx + numpydoc read the docstrings, autosummary writes one page per public name (the
names come from each package's ``__all__``, see ``_ext/cjlib_site.py``), MyST-NB renders the
guides in Markdown and the executed notebooks. The site works offline: plotly.js is served
from ``_static`` (one shared copy), nothing is loaded from a CDN.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import cjlib  # noqa: E402

project = "cjlib"
author = "cjlib developers"
copyright = "cjlib developers, MIT licence"
version = release = cjlib.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
    "cjlib_site",
]

root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_theme = "pydata_sphinx_theme"
html_title = f"cjlib {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # offline: no version switcher or icon links fetched from elsewhere
    "icon_links": [],
}
html_show_sourcelink = False

# the API reference
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc's "Parameters" already state the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# guides and notebooks: the notebooks are executed by cjlib_site (nbclient) before the build,
# so that plotly figures can be given an offline HTML rendering; MyST-NB only renders them
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
suppress_warnings: list[str] = []
nitpicky = False
