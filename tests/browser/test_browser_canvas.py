"""The map canvas in a real browser: it loads cleanly, offline, and user text never runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjlib.datasets import load_map
from cjlib.map import (
    JourneyMap,
    Objective,
    Opportunity,
    PainPoint,
    Persona,
    Stage,
    Touchpoint,
    render_map,
)

# each payload sets window.__pwned (or opens a dialog) if the browser ever runs it
PAYLOADS = (
    "<script>window.__pwned = 'script'</script>",
    "<img src=x onerror=\"window.__pwned = 'img'\">",
    '"><svg onload="window.__pwned = \'svg\'"></svg>',
    "' onmouseover='window.__pwned = 1' x='",
    "</style><script>alert('style-escape')</script>",
    "<iframe src=\"javascript:window.parent.__pwned = 'iframe'\"></iframe>",
    "</textarea><body onload=\"window.__pwned = 'body'\">",
)


def _p(i: int) -> str:
    return f"{PAYLOADS[i % len(PAYLOADS)]}#{i}"


def _hostile_map() -> JourneyMap:
    """A map with a script-bearing payload in every text field (ids included)."""
    n = iter(range(1000))
    persona_ids = [_p(next(n)), _p(next(n))]
    personas = tuple(
        Persona(
            id=pid,
            name=_p(next(n)),
            description=_p(next(n)),
            goals=(_p(next(n)),),
            frustrations=(_p(next(n)),),
            share=0.4,
            segment=_p(next(n)),
        )
        for pid in persona_ids
    )

    def touchpoint(ownership: str, score: float) -> Touchpoint:
        pain_id = _p(next(n))
        return Touchpoint(
            id=_p(next(n)),
            name=_p(next(n)),
            channel=_p(next(n)),
            owner=_p(next(n)),
            ownership=ownership,
            actions=(_p(next(n)), _p(next(n))),
            thoughts=(_p(next(n)),),
            expectation=_p(next(n)),
            emotion={persona_ids[0]: score, persona_ids[1]: -score},
            pain_points=(
                PainPoint(
                    text=_p(next(n)), severity="critical", id=pain_id, personas=(persona_ids[0],)
                ),
                PainPoint(text=_p(next(n)), severity="low"),
            ),
            opportunities=(
                Opportunity(
                    text=_p(next(n)),
                    effort="S",
                    owner=_p(next(n)),
                    id=_p(next(n)),
                    addresses=(pain_id,),
                ),
            ),
            events=(_p(next(n)), _p(next(n))),
        )

    stages = tuple(
        Stage(
            id=_p(next(n)),
            name=_p(next(n)),
            description=_p(next(n)),
            owner=_p(next(n)),
            touchpoints=(touchpoint("owned", 1.5), touchpoint("external", -1.0)),
        )
        for _ in range(2)
    )
    return JourneyMap(
        id=_p(next(n)),
        name=_p(next(n)),
        description=_p(next(n)),
        personas=personas,
        stages=stages,
        objectives=(
            Objective(
                id=_p(next(n)),
                kpi=_p(next(n)),
                target=10.0,
                deadline="2026-01-01",
                owner=_p(next(n)),
                baseline=5.0,
                unit=_p(next(n)),
                description=_p(next(n)),
            ),
        ),
        metadata={_p(next(n)): _p(next(n)), "author": _p(next(n))},
    )


def _open(page, tmp_path: Path, html: str, name: str):
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return path


def _assert_clean(log) -> None:
    assert log.page_errors == []
    assert log.console_errors == []
    assert log.dialogs == []
    assert log.remote_requests == []


def test_telco_canvas_loads_without_errors_or_network(page, tmp_path):
    pg, log = page
    telco = load_map("telco")
    _open(pg, tmp_path, render_map(telco), "telco.html")
    _assert_clean(log)
    assert pg.title() == f"{telco.name} · journey map"
    assert pg.locator(".cj-stagename").all_inner_texts() == [s.name for s in telco.stages]
    assert pg.locator(".cj-tpname").all_inner_texts() == [tp.name for tp in telco.touchpoints]
    n_pain = sum(len(tp.pain_points) for tp in telco.touchpoints)
    assert pg.locator(".cj-postit:not(.cj-mini)").count() == n_pain
    # the inline SVG emotion curves are laid out with a real size
    box = pg.locator("svg.cj-curve").first.bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 100
    assert pg.locator("script").count() == 0


@pytest.mark.parametrize("standalone", [True, False], ids=["page", "fragment"])
def test_no_injected_script_runs(page, tmp_path, standalone):
    pg, log = page
    hostile = _hostile_map()
    html = render_map(hostile, standalone=standalone)
    if not standalone:  # how Jupyter shows it: a fragment inside a host page
        html = f"<!DOCTYPE html><html><head><title>host</title></head><body>{html}</body></html>"
    _open(pg, tmp_path, html, "hostile.html")
    pg.mouse.move(300, 300)  # give mouse-over payloads their chance
    pg.mouse.move(700, 500)
    pg.wait_for_timeout(200)
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    assert pg.evaluate("window.parent.__pwned === undefined")
    _assert_clean(log)
    assert pg.locator("script, iframe, img").count() == 0
    handlers = "[onerror],[onload],[onmouseover],[onclick]"
    assert pg.evaluate(f"document.querySelectorAll('{handlers}').length") == 0
    # the payloads are shown as text, not dropped
    text = pg.locator("body").inner_text()
    assert "<script>window.__pwned = 'script'</script>" in text
    assert "<img src=x onerror=" in text
    assert hostile.stages[0].touchpoints[0].name in text


def test_the_harness_catches_a_payload_that_runs(page, tmp_path):
    # control: the same payloads written raw into a page do run and are seen, so the checks
    # above would fail if render_map ever stopped escaping
    pg, log = page
    raw = "".join(PAYLOADS[:3]) + "<script>console.error('boom')</script>"
    _open(pg, tmp_path, f"<!DOCTYPE html><html><body>{raw}</body></html>", "raw.html")
    pg.wait_for_timeout(200)
    assert pg.evaluate("typeof window.__pwned") == "string"
    assert "boom" in log.console_errors
    assert log.remote_requests == []  # src=x resolves to a file: URL, not the network
