"""Room layouts of the map canvas: band cuts, page sizes, parameters (no browser needed)."""

from __future__ import annotations

import pytest

from cjlib.datasets import load_map
from cjlib.errors import DataError
from cjlib.map import render_map
from cjlib.plot._canvas_room import page_size, split_bands


@pytest.fixture(scope="module")
def telco():
    return load_map("telco")


def test_bands_cut_where_the_widest_band_is_narrowest():
    # telco's stages have 4,4,4,5 | 4,5,4 touchpoints: 17 + 13 beats 12 + 18 and 21 + 9
    assert split_bands([4, 4, 4, 5, 4, 5, 4], 17) == [4, 3]
    assert split_bands([4, 4, 4, 5, 4, 5, 4], 30) == [7]  # fits in one band
    assert split_bands([4, 4, 4, 5, 4, 5, 4], 12) == [3, 2, 2]  # 12 + 9 + 9
    assert split_bands([20, 1], 10) == [1, 1]  # a stage wider than a band gets its own


def test_page_sizes_at_96_css_px_per_inch():
    # ISO 216 landscape: A3 420 x 297 mm, A1 841 x 594 mm; 1 inch = 25.4 mm
    assert page_size("print", "A3") == (1587, 1123)
    assert page_size("print", "A1") == (3179, 2245)
    assert page_size("presentation", "A3") == (1920, 1080)


def test_default_layout_is_the_unchanged_screen_canvas(telco):
    page = render_map(telco)
    assert "cr-room" not in page and "@page" not in page
    assert render_map(telco, layout="screen").count("cj-tpname") == page.count("cj-tpname")


@pytest.mark.parametrize(
    ("layout", "paper", "sheet"),
    [
        ("presentation", "A3", "size:1920px 1080px"),
        ("print", "A3", "size:420mm 297mm"),
        ("print", "A1", "size:841mm 594mm"),
    ],
)
def test_room_layouts_set_their_sheet_and_keep_every_name(telco, layout, paper, sheet):
    page = render_map(telco, layout=layout, paper=paper)
    assert f"@page {{{sheet};margin:0;}}" in page
    assert page.count('class="cr-stagename"') == 7
    assert page.count('cr-tpname" title=') == 30
    assert page.count('class="cj-curve"') == 2  # one feeling curve per band
    assert "<script" not in page


def test_room_layout_escapes_user_text(telco):
    from cjlib.map import JourneyMap, Persona, Stage, Touchpoint

    jm = JourneyMap(
        id="x",
        name="<b>x</b>",
        personas=(Persona("p", "<i>P</i>"),),
        stages=(Stage("s", "<s>S</s>", touchpoints=(Touchpoint("t", '"><img src=x>'),)),),
    )
    page = render_map(jm, layout="presentation")
    assert "<img" not in page and "<b>x" not in page and "&lt;s&gt;S&lt;/s&gt;" in page


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layout": "poster"}, "layout: got 'poster'; allowed: screen, presentation, print"),
        ({"layout": "print", "paper": "A4"}, "paper: got 'A4'; allowed: A3, A1"),
    ],
)
def test_bad_layout_or_paper_is_a_clear_error(telco, kwargs, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(")):
        render_map(telco, **kwargs)


def test_a_canvas_exports_only_to_pdf_png_or_html(telco, tmp_path):
    from cjlib.plot import export

    page = render_map(telco, layout="presentation")
    with pytest.raises(
        DataError, match=r"a map canvas exports to \.pdf, \.png, \.html; got '\.svg'"
    ):
        export(page, tmp_path / "map.svg")
    written = export(page, tmp_path / "map.html")
    assert written.read_text(encoding="utf-8") == page
