"""docs/large-logs.md: its Python snippets run as written, and what they claim holds."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from cjlib.events import configure_duckdb

PAGE = Path(__file__).resolve().parents[2] / "docs" / "large-logs.md"
SKIP = "<!-- not executed"


def _blocks() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    found = re.findall(r"(<!--[^\n]*-->\n)?```python\n(.*?)```", text, flags=re.S)
    return [code for marker, code in found if not marker.startswith(SKIP)]


def test_the_page_has_runnable_snippets_and_one_spark_example():
    text = PAGE.read_text(encoding="utf-8")
    assert len(_blocks()) == 3
    assert text.count(SKIP) == 1


@pytest.mark.slow
def test_the_snippets_run_in_order_and_the_error_names_the_setting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = configure_duckdb()
    namespace: dict[str, object] = {}
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            for i, code in enumerate(_blocks()):
                exec(compile(code, f"large-logs.md[python block {i}]", "exec"), namespace)
    finally:
        configure_duckdb(
            memory_limit=before.memory_limit,
            max_temp_directory_size=before.max_temp_directory_size,
        )
    assert len(namespace["flows"].table) > 100  # type: ignore[attr-defined]
    assert namespace["settings"].memory_limit == "3GB"  # type: ignore[attr-defined]
    # the out-of-memory example really fails, and its message says what to change
    printed = out.getvalue()
    assert "configure_duckdb(" in printed
    assert "ran out of" in printed
