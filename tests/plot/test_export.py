"""Figure export for slides: kaleido with the locally installed Chromium (no download)."""

from __future__ import annotations

import shutil

import plotly.graph_objects as go
import pytest

from cjlib.errors import DataError
from cjlib.plot._export import ExportError, export, export_all

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None and shutil.which("google-chrome") is None,
    reason="figure export needs Chrome/Chromium (apt-get install chromium)",
)


def _figure() -> go.Figure:
    return go.Figure(go.Bar(x=["a", "b"], y=[3, 5]), layout={"width": 400, "height": 300})


@needs_chromium
def test_export_writes_png_svg_and_pdf_in_one_session(tmp_path):
    written = export_all({"bars": _figure()}, tmp_path / "slides", formats=("png", "svg", "pdf"))
    assert [p.name for p in written] == ["bars.png", "bars.svg", "bars.pdf"]
    png, svg, pdf = (p.read_bytes() for p in written)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # scale=2 doubles the pixels of the 400 x 300 layout (PNG IHDR: width, height big-endian)
    assert int.from_bytes(png[16:20], "big") == 800
    assert int.from_bytes(png[20:24], "big") == 600
    assert b"<svg" in svg[:500]
    assert pdf.startswith(b"%PDF")


@needs_chromium
def test_export_one_figure(tmp_path):
    path = export(_figure(), tmp_path / "one.png", scale=1)
    png = path.read_bytes()
    assert int.from_bytes(png[16:20], "big") == 400


def test_bad_arguments_are_named(tmp_path):
    with pytest.raises(DataError, match=r"path: cannot export to '.gif'; allowed: .png"):
        export(_figure(), tmp_path / "x.gif")
    with pytest.raises(DataError, match="folder"):
        export(_figure(), tmp_path / "missing" / "x.png")
    with pytest.raises(DataError, match="scale: expected a positive number, got 0"):
        export(_figure(), tmp_path / "x.png", scale=0)
    with pytest.raises(DataError, match="fig: expected a plotly Figure, got dict"):
        export({"data": []}, tmp_path / "x.png")
    with pytest.raises(DataError, match=r"formats: cannot export to '\.bmp'"):
        export_all({"a": _figure()}, tmp_path, formats=("bmp",))
    assert issubclass(ExportError, Exception)


def test_a_hung_renderer_is_killed_retried_once_and_reported(tmp_path, monkeypatch):
    import subprocess

    from cjlib.plot import _export

    calls = []

    def hang(cmd, **kwargs):
        calls.append(kwargs["timeout"])
        raise subprocess.TimeoutExpired(cmd, kwargs["timeout"])

    monkeypatch.setattr(_export.subprocess, "run", hang)
    with pytest.raises(ExportError, match=r"one\.png'.*did not finish within 120 s"):
        export(_figure(), tmp_path / "one.png")
    assert calls == [120.0, 120.0]
    assert not (tmp_path / "one.png").exists()


def test_html_exports_share_one_plotly_js(tmp_path):
    from cjlib.datasets import load_map
    from cjlib.plot import emotion_curve

    written = export_all(
        {"a": _figure(), "b": emotion_curve(load_map("telco"))}, tmp_path, formats=("html",)
    )
    one = export(_figure(), tmp_path / "c.html")
    assert [p.name for p in written] == ["a.html", "b.html"] and one.name == "c.html"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.html",
        "b.html",
        "c.html",
        "plotly.min.js",
    ]
    assert (tmp_path / "plotly.min.js").stat().st_size > 1_000_000  # the one shared copy
    for path in [*written, one]:
        page = path.read_text(encoding="utf-8")
        assert path.stat().st_size < 200_000  # was 4.8 MB: plotly.js inlined in each file
        assert '<script charset="utf-8" src="plotly.min.js"></script>' in page
        assert "cdn." not in page
