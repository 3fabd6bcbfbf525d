"""The README's Python snippets run as written (so the README stays true to the code)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_has_python_snippets():
    assert len(BLOCKS) >= 4


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_snippet_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # snippets write files (maps, figures) into the working folder
    namespace: dict = {}
    exec(compile(BLOCKS[index], f"README.md[python block {index}]", "exec"), namespace)
    if "backlog" in namespace and "linked" in namespace:
        _check_the_data_scientist_claims(namespace)


def _check_the_data_scientist_claims(ns: dict) -> None:
    """The sentence under the data-scientist snippet is what that snippet computes."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert "dispute escalation raises 180-day churn by 9 points (95 % CI 4–14)" in text
    assert "completed onboarding lowers it by 7.5, both with q < 0.001" in text
    assert (
        "the top of this backlog is the opportunity that addresses the dispute pain point" in text
    )
    t = ns["linked"].table
    dispute, onboarding = t.loc["dispute_escalation"], t.loc["onboarding_completed"]
    assert round(dispute["effect"] * 100) == 9
    assert (round(dispute["ci_low"] * 100), round(dispute["ci_high"] * 100)) == (4, 14)
    assert onboarding["effect"] * 100 == pytest.approx(-7.5, abs=0.05)
    assert dispute["q"] < 0.001 and onboarding["q"] < 0.001
    top = ns["backlog"].table.iloc[0]
    assert "pp_dispute_slow" in top["addresses"]
