"""docs/statistics.md stays true to the code: every public statistical name is described there."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

STATISTICS = Path(__file__).resolve().parents[2] / "docs" / "statistics.md"
PACKAGES = ("cjlib.stats", "cjlib.action")


def _public_callables(package: str) -> list[tuple[str, str]]:
    module = importlib.import_module(package)
    return [
        (package, name)
        for name in module.__all__
        if inspect.isfunction(getattr(module, name)) or inspect.isclass(getattr(module, name))
    ]


NAMES = [pair for package in PACKAGES for pair in _public_callables(package)]


@pytest.fixture(scope="module")
def page() -> str:
    return STATISTICS.read_text(encoding="utf-8")


def test_the_public_surface_is_not_empty():
    # guards the parametrised test below against silently checking nothing
    assert {"link", "cox", "BetaGeoModel", "bh_qvalues"} <= {
        n for p, n in NAMES if p == PACKAGES[0]
    }
    assert {"ab_test", "prioritise", "what_if", "WhatIf"} <= {
        n for p, n in NAMES if p == PACKAGES[1]
    }


@pytest.mark.parametrize(("package", "name"), NAMES, ids=[f"{p}.{n}" for p, n in NAMES])
def test_every_public_function_and_class_is_described(page, package, name):
    # as code (`name` or `name(...`), so a word in prose such as "power" does not count
    assert re.search(rf"`{re.escape(name)}[`(]", page), (
        f"{package}.{name} is public but docs/statistics.md does not describe it; "
        "add what it estimates, how, its assumptions and a reference"
    )


# a surname ("Newcombe", "Van Calster", "Grömping") and an "(Author et al.) year" citation
_SURNAME = r"(?:[Vv]an )?[A-Z][^\W\d_]+"
_CITATION = re.compile(
    rf"\b({_SURNAME})(?: et al\.|(?:,?\s+(?:&\s+|and\s+)?[A-Z][^\W\d_]+)*)\s+\(?"
    r"((?:19|20)\d\d[ab]?)\b"
)


def test_citations_and_references_match(page):
    body, _, references = page.partition("\n## References")
    assert references, "docs/statistics.md has no References section"
    listed = {
        (m.group(1), m.group(2))
        for line in references.splitlines()
        if (m := re.match(rf"- ({_SURNAME}).*?\(((?:19|20)\d\d[ab]?)\)", line))
    }
    cited = set(_CITATION.findall(body))
    assert len(listed) > 40
    assert cited - listed == set(), "cited in the text but missing from References"
    assert listed - cited == set(), "listed in References but never cited in the text"


def test_the_documented_thresholds_are_the_codes(page):
    from cjlib.action._confidence import Q_TIERS
    from cjlib.action._evaluate import _SHORT_SERIES
    from cjlib.stats._drivers import _MAX_SHAPLEY
    from cjlib.stats._fit import _SEPARATION_COEF

    text = " ".join(page.split())  # line wrapping does not matter
    bounds = " / ".join(f"{bound:.2f}" for bound, _ in Q_TIERS)
    levels = " / ".join(f"{level:.1f}" for _, level in Q_TIERS)
    assert f"tier = {levels} / 0.3 for q ≤ {bounds} / above" in text
    assert f"series under {_SHORT_SERIES} periods" in text
    assert f"up to {_MAX_SHAPLEY} drivers" in text
    assert f"|coefficient| > {_SEPARATION_COEF:g}" in text


def _github_anchor(heading: str) -> str:
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


def test_the_contents_links_land_on_headings(page):
    anchors = {_github_anchor(h) for h in re.findall(r"^#{2,3} (.+)$", page, flags=re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", page)
    assert len(links) >= 14
    assert sorted(set(links) - anchors) == []
