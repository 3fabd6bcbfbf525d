"""docs/large-logs.md: its Python snippets run as written, and what they claim holds."""

from __future__ import annotations

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


def test_the_page_has_runnable_snippets_and_the_marked_cluster_examples():
    text = PAGE.read_text(encoding="utf-8")
    assert len(_blocks()) == 2
    assert text.count(SKIP) == 4


@pytest.mark.slow
def test_the_snippets_run_in_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = configure_duckdb()
    namespace: dict[str, object] = {}
    try:
        for i, code in enumerate(_blocks()):
            exec(compile(code, f"large-logs.md[python block {i}]", "exec"), namespace)
    finally:
        configure_duckdb(
            memory_limit=before.memory_limit,
            max_temp_directory_size=before.max_temp_directory_size,
        )
    assert len(namespace["flows"].table) > 100  # type: ignore[attr-defined]
    assert namespace["settings"].memory_limit == "3GB"  # type: ignore[attr-defined]


def test_the_quoted_engine_error_is_the_one_cjlib_raises():
    text = PAGE.read_text(encoding="utf-8")
    quoted = " ".join(
        line.lstrip("# ").strip()
        for line in text.split("print(error)", 1)[1].split("```", 1)[0].splitlines()
        if line.startswith("#")
    )
    source = (
        Path(__file__).resolve().parents[2] / "cjlib" / "events" / "_engine.py"
    ).read_text(encoding="utf-8")
    assert quoted.startswith("the engine ran out of memory while running the query")
    for fragment in ("ran out of memory while", "Raise it with cjlib.events.configure_duckdb("):
        assert fragment in quoted and fragment in source
