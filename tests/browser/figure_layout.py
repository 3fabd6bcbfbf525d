"""Render a plotly figure in headless Chromium at its own size and read back its text boxes.

The boxes are the browser's ``getBoundingClientRect`` of every drawn text (annotations,
scatter text, legend entries, title, axis titles and ticks): the real layout, the same
renderer kaleido uses for the exported images.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

_MEASURE = """
() => {
  const out = [];
  const add = (kind, el) => {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) {
      out.push({kind, text: el.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom,
                size: parseFloat(getComputedStyle(el).fontSize)});
    }
  };
  document.querySelectorAll('.annotation-text').forEach(el => add('annotation', el));
  document.querySelectorAll('.textpoint text').forEach(el => add('point text', el));
  document.querySelectorAll('.legend .traces').forEach(el => add('legend', el));
  document.querySelectorAll('.gtitle').forEach(el => add('title', el));
  document.querySelectorAll('.xtitle, .ytitle').forEach(el => add('axis title', el));
  document.querySelectorAll('.xtick text, .ytick text').forEach(el => add('tick', el));
  return out;
}
"""


@dataclass(frozen=True)
class TextBox:
    """One drawn text and its box in CSS pixels."""

    kind: str
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float

    def overlaps(self, other: TextBox, slack: float = 0.5) -> bool:
        """True when the boxes share more than ``slack`` pixels each way."""
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0) > slack
            and min(self.y1, other.y1) - max(self.y0, other.y0) > slack
        )


def write_page(fig: Any, folder: Path, name: str = "figure") -> Path:
    """``folder/name.html`` loading one shared ``plotly.min.js`` from the same folder."""
    from plotly.offline import get_plotlyjs

    script = folder / "plotly.min.js"
    if not script.exists():
        script.write_text(get_plotlyjs(), encoding="utf-8")
    path = folder / f"{name}.html"
    fig.write_html(
        path, include_plotlyjs="plotly.min.js", full_html=True, config={"responsive": False}
    )
    return path


def text_boxes(pg: Any, fig: Any, folder: Path, name: str = "figure") -> list[TextBox]:
    """Open ``fig`` in the page (viewport = the figure's size) and return its text boxes."""
    width = int(fig.layout.width or 1000)
    height = int(fig.layout.height or 600)
    pg.set_viewport_size({"width": width + 40, "height": height + 40})
    pg.goto(write_page(fig, folder, name).as_uri())
    pg.wait_for_selector(".main-svg", state="attached", timeout=20_000)
    pg.wait_for_timeout(300)
    return [TextBox(**box) for box in pg.evaluate(_MEASURE)]


def overlapping(boxes: list[TextBox]) -> list[tuple[str, str]]:
    """Every pair of boxes that overlap, as ``(text, text)``."""
    return [(a.text, b.text) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.overlaps(b)]


def svg_text_boxes(pg: Any, svg: Path) -> list[TextBox]:
    """The text boxes of an SVG exported by :func:`cjlib.plot.export`, opened in the page."""
    import re

    head = svg.read_text(encoding="utf-8")[:400]
    width, height = (int(float(v)) for v in re.findall(r'(?:width|height)="([\d.]+)"', head)[:2])
    pg.set_viewport_size({"width": width, "height": height})
    pg.goto(svg.as_uri())
    pg.wait_for_selector("svg", state="attached", timeout=20_000)
    return [TextBox(**box) for box in pg.evaluate(_MEASURE)]
