"""The browser fixtures of tests/browser, shared so executed notebooks are opened once each."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "_browser_conftest", Path(__file__).resolve().parents[1] / "browser" / "conftest.py"
)
_browser_conftest = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _browser_conftest  # dataclasses look their module up there
_spec.loader.exec_module(_browser_conftest)

browser = _browser_conftest.browser
page = _browser_conftest.page
