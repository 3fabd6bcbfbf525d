"""The emotion curve exported as standalone HTML renders in a browser and answers a hover."""

from __future__ import annotations

import pytest

import cjlib
from cjlib.datasets import load_map


@pytest.fixture(scope="module")
def telco():
    return load_map("telco")


@pytest.fixture(scope="module")
def curve_html(telco, tmp_path_factory):
    path = tmp_path_factory.mktemp("curve") / "emotion.html"
    cjlib.plot.emotion_curve(telco).write_html(path, include_plotlyjs=True, full_html=True)
    return path


def test_emotion_curve_renders_offline(page, curve_html, telco):
    pg, log = page
    pg.goto(curve_html.as_uri())
    pg.wait_for_selector(".main-svg", state="attached", timeout=20_000)
    pg.wait_for_selector(".scatterlayer .trace", state="attached", timeout=20_000)
    assert log.page_errors == []
    assert log.console_errors == []
    assert log.remote_requests == []  # plotly.js is embedded: no CDN
    fig = cjlib.plot.emotion_curve(telco)
    traces = pg.locator(".scatterlayer .trace")
    assert traces.count() == len(fig.data)
    # each persona's line is drawn through every touchpoint it has a score for
    for i, persona in enumerate(telco.personas):
        line = traces.nth(i).locator("path.js-line")
        assert len(line.get_attribute("d") or "") > 50, persona.id
        points = traces.nth(i).locator(".points path")
        drawn = sum(1 for tp in telco.touchpoints if persona.id in tp.emotion)
        assert points.count() == drawn
    # stage names are written on the figure
    svg_text = " ".join(pg.locator(".main-svg").all_text_contents())
    for stage in telco.stages:
        assert stage.name in svg_text


def test_hover_on_a_point_shows_its_tooltip(page, curve_html, telco):
    pg, log = page
    pg.goto(curve_html.as_uri())
    pg.wait_for_selector(".scatterlayer .trace .points path", state="attached", timeout=20_000)
    index = 3
    touchpoint = telco.touchpoints[index]
    persona = telco.personas[0]
    point = pg.locator(".scatterlayer .trace").nth(0).locator(".points path").nth(index)
    box = point.bounding_box()
    assert box is not None
    pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = pg.locator(".hoverlayer .hovertext")
    tooltip.first.wait_for(state="visible", timeout=10_000)
    text = " ".join(tooltip.all_text_contents())
    assert persona.name in text
    assert touchpoint.name in text
    assert log.page_errors == [] and log.console_errors == []
