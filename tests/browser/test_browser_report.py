"""The standalone report in headless Chromium: offline, figures drawn, hover works, no XSS."""

from __future__ import annotations

import dataclasses

import pytest

import cjlib
from cjlib.datasets import load_map, load_sample, simulate
from cjlib.report import build_report

PAYLOAD = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    '<svg onload="window.__pwned = 3"></svg>'
)


@pytest.fixture(scope="module")
def telco_report(tmp_path_factory):
    data = load_sample("telco")
    report = build_report(
        data.journey_map,
        cjlib.EventLog.from_pandas(data.events),
        customers=data.customers,
        surveys=data.surveys,
        transactions=data.transactions,
        controls=["plan"],
    )
    return report, report.save(tmp_path_factory.mktemp("report") / "telco.html")


def _open(pg, path):
    pg.goto(path.as_uri())
    for name in ("emotion", "sankey", "funnel", "signals", "backlog"):
        pg.wait_for_selector(f"#figure-{name} .main-svg", state="attached", timeout=30_000)


def test_report_loads_offline_without_errors(page, telco_report):
    pg, log = page
    report, path = telco_report
    _open(pg, path)
    assert log.page_errors == []
    assert log.console_errors == []
    assert log.remote_requests == []
    assert log.dialogs == []
    toc = pg.locator("nav.toc a").all_text_contents()
    assert len(toc) == len(report.sections)


def test_sankey_and_emotion_curve_render(page, telco_report):
    pg, _ = page
    report, path = telco_report
    _open(pg, path)
    sankey = report.figures["sankey"].data[0]
    nodes = pg.locator("#figure-sankey .sankey-node")
    assert nodes.count() == len(sankey.node.label)
    assert pg.locator("#figure-sankey .sankey-link").count() == len(sankey.link.value)
    emotion = report.figures["emotion"]
    traces = pg.locator("#figure-emotion .scatterlayer .trace")
    assert traces.count() == sum(1 for t in emotion.data if t.type == "scatter")
    svg_text = " ".join(pg.locator("#figure-emotion .main-svg").all_text_contents())
    for stage in report.results["measured"].journey_map.stages:
        assert stage.name in svg_text
    # the map canvas is inline HTML, drawn with every stage
    canvas_text = pg.locator("#map").inner_text()
    assert all(s.name in canvas_text for s in report.results["measured"].journey_map.stages)


def test_hover_on_a_funnel_bar_shows_its_tooltip(page, telco_report):
    pg, _ = page
    report, path = telco_report
    _open(pg, path)
    pg.locator("#funnel").scroll_into_view_if_needed()
    bar = pg.locator("#figure-funnel .barlayer .point path").first
    box = bar.bounding_box()
    assert box is not None
    pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = pg.locator("#figure-funnel .hoverlayer .hovertext")
    tooltip.first.wait_for(state="visible", timeout=10_000)
    text = " ".join(tooltip.all_text_contents())
    first = report.results["funnel"].table.iloc[0]
    assert f"{first['customers']:,}" in text or str(first["customers"]) in text


def test_injected_markup_does_not_run(page, tmp_path):
    pg, log = page
    telco = load_map("telco")
    stage = telco.stages[0]
    tp = dataclasses.replace(stage.touchpoints[0], name="Ads " + PAYLOAD, thoughts=(PAYLOAD,))
    evil = dataclasses.replace(
        telco,
        name="Evil " + PAYLOAD,
        description=PAYLOAD,
        stages=(
            dataclasses.replace(
                stage, name="Aware " + PAYLOAD, touchpoints=(tp, *stage.touchpoints[1:])
            ),
            *telco.stages[1:],
        ),
    )
    data = simulate(telco, 300, seed=5)
    path = build_report(
        evil,
        cjlib.EventLog.from_pandas(data.events),
        customers=data.customers,
        title="Report " + PAYLOAD,
    ).save(tmp_path / "evil.html")
    _open(pg, path)
    assert pg.evaluate("window.__pwned") is None
    assert log.dialogs == []
    assert log.remote_requests == []  # <img src=x> would be a request
    assert log.page_errors == []
    # the payload is shown as text, in the report header and in the embedded canvas
    heading = pg.locator("header.report-header h1").inner_text()
    assert "<script>window.__pwned = 1</script>" in heading
    assert "<svg onload=" in pg.locator("#map").inner_text()
