"""Slide exports (16:9 PNG/SVG/PDF): the exported layout has no overlapping text."""

from __future__ import annotations

import shutil

import pytest
from figure_layout import overlapping, svg_text_boxes

import cjlib
from cjlib.datasets import load_sample
from cjlib.plot import emotion_curve
from cjlib.plot._export import export_all

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="figure export needs Chromium"
)


@pytest.fixture(scope="module")
def telco_measured():
    data = load_sample("telco")
    log = cjlib.EventLog.from_pandas(data.events)
    measured = cjlib.measure(data.journey_map, log, surveys=data.surveys, customers=data.customers)
    return data.journey_map, measured


@pytest.fixture(scope="module")
def emotion_slides(telco_measured, tmp_path_factory):
    journey_map, measured = telco_measured
    fig = emotion_curve(journey_map, measured=measured, width=1280, height=720)
    folder = tmp_path_factory.mktemp("slides")
    return export_all({"emotion": fig}, folder, formats=("png", "svg", "pdf"), scale=1)


def test_emotion_curve_slide_is_16_9_in_every_format(emotion_slides):
    png, svg, pdf = (path.read_bytes() for path in emotion_slides)
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (1280, 720)
    assert b'width="1280" height="720"' in svg[:600]
    # kaleido writes the PDF at 0.75 pt per CSS pixel: 960 x 540 pt is 16:9 as well
    assert b"/MediaBox [0 0 960 540]" in pdf or b"/MediaBox[0 0 960 540]" in pdf


def test_emotion_curve_slide_title_legend_and_stage_names_do_not_overlap(
    page, emotion_slides, telco_measured
):
    pg, log = page
    boxes = svg_text_boxes(pg, emotion_slides[1])
    texts = [b for b in boxes if b.kind in ("annotation", "legend", "title")]
    assert any(b.kind == "title" for b in texts)
    entries = " | ".join(b.text for b in texts if b.kind == "legend")
    for persona in telco_measured[0].personas:  # designed and measured line of each persona
        assert entries.count(persona.name) == 2, entries
    assert "high pain point" in entries
    assert overlapping(texts) == []
    # the legend is a strip under the title, not a third of the image
    legend = [b for b in boxes if b.kind == "legend"]
    top, bottom = min(b.y0 for b in legend), max(b.y1 for b in legend)
    assert bottom - top < 0.15 * 720
    title = next(b for b in boxes if b.kind == "title")
    assert title.y1 <= top
    stage_names = [b for b in boxes if b.kind == "annotation"]
    assert min(b.y0 for b in stage_names) >= bottom
    assert log.remote_requests == []


def test_html_exports_render_offline_from_the_shared_plotly_js(page, tmp_path, telco_measured):
    from cjlib.plot._export import export

    journey_map, measured = telco_measured
    path = export(emotion_curve(journey_map, measured=measured), tmp_path / "curve.html")
    export(emotion_curve(journey_map), tmp_path / "designed.html")
    pg, log = page
    for name in ("curve.html", "designed.html"):
        pg.goto((tmp_path / name).as_uri())
        pg.wait_for_selector(".scatterlayer .trace", state="attached", timeout=20_000)
    assert path.stat().st_size < 200_000
    assert log.remote_requests == [] and log.page_errors == []
