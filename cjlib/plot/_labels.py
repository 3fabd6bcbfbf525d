"""Collision-free placement of point labels, in pixels, before plotly draws them.

Plotly places text next to its point whatever the neighbours do, so close points print their
labels on top of each other. Here every label gets a box (its text's width estimated
conservatively for the fonts cjlib asks for) and the boxes are placed greedily, most
important first, at the first candidate offset that overlaps no placed box, no marker and
stays inside the bounds; far placements get a leader line from the caller.

Examples
--------
>>> from cjlib.plot._labels import Box, place_labels
>>> placed = place_labels([(100.0, 100.0), (104.0, 100.0)], [(60.0, 16.0), (60.0, 16.0)],
...                       radii=[5.0, 5.0], bounds=Box(0, 0, 400, 300))
>>> placed[0].overlaps(placed[1])
False
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Box", "place_labels", "shorten", "text_size"]

#: Average advance width of a character, in em, rounded up for DejaVu Sans (the widest of the
#: fonts cjlib's font stack falls back to); upper-case and wide glyphs get more.
_EM_NARROW, _EM_WIDE, _EM_UPPER = 0.50, 0.92, 0.72
_NARROW = set("iljtfr.,;:'|!()[] ")
_WIDE = set("mwMW@%")
_PAD = 3.0


@dataclass(frozen=True)
class Box:
    """Axis-aligned rectangle in pixels (``x0 < x1``, ``y0 < y1``; y grows downwards)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        """True when the two boxes share any area."""
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )

    def inside(self, other: Box) -> bool:
        """True when this box lies wholly within ``other``."""
        return (
            self.x0 >= other.x0
            and self.x1 <= other.x1
            and self.y0 >= other.y0
            and self.y1 <= other.y1
        )

    @property
    def centre(self) -> tuple[float, float]:
        """The box's centre ``(x, y)``."""
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2


def text_size(text: str, font_size: float) -> tuple[float, float]:
    """Width and height (pixels) a one-line label needs, padding included; errs on the large side.

    Examples
    --------
    >>> w, h = text_size("Quick win", 12)
    >>> 50 < w < 80, h
    (True, 21.6)
    """
    em = 0.0
    for char in text:
        if char in _WIDE:
            em += _EM_WIDE
        elif char in _NARROW:
            em += _EM_NARROW * 0.7
        elif char.isupper() or char.isdigit():
            em += _EM_UPPER
        else:
            em += 0.62
    return em * font_size + 2 * _PAD, round(font_size * 1.3 + 2 * _PAD, 1)


def shorten(text: str, limit: int = 30) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis.

    Examples
    --------
    >>> shorten("Self-service linking of family lines in the welcome tour", 31)
    'Self-service linking of family…'
    >>> shorten("Short title")
    'Short title'
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–") + "…"


def _candidates(radius: float, width: float, height: float) -> list[tuple[float, float]]:
    """Offsets of the label centre from its point: beside it first, then rings further out."""
    gap = radius + 3.0
    near = [
        (gap + width / 2, 0.0),
        (-(gap + width / 2), 0.0),
        (gap + width / 2 - 6, -(gap + height / 2) + 4),
        (gap + width / 2 - 6, gap + height / 2 - 4),
        (0.0, -(gap + height / 2)),
        (0.0, gap + height / 2),
        (-(gap + width / 2) + 6, -(gap + height / 2) + 4),
        (-(gap + width / 2) + 6, gap + height / 2 - 4),
    ]
    rings = []
    for step in range(1, 16):
        reach = gap + step * 12.0
        for k in range(24):
            angle = 2 * math.pi * k / 24
            dx, dy = math.cos(angle), -math.sin(angle)
            rings.append((dx * (reach + width / 2), dy * (reach + height / 2)))

    # nearest first (distance of the box's closest edge to the point); vertical moves cost a
    # little more, so labels stay on their point's row where they can
    def distance(offset: tuple[float, float]) -> float:
        dx, dy = offset
        return math.hypot(max(abs(dx) - width / 2, 0.0), 1.3 * max(abs(dy) - height / 2, 0.0))

    return near + sorted(rings, key=distance)


def _gap(box: Box, x: float, y: float) -> float:
    """Distance from the point to the nearest edge of the box (0 inside)."""
    return math.hypot(max(box.x0 - x, x - box.x1, 0.0), max(box.y0 - y, y - box.y1, 0.0))


def _nearer_to_another(
    box: Box, point: tuple[float, float], radius: float, others: Sequence[Box]
) -> bool:
    """True when a reader would pair the label with another marker than its own."""
    own = max(_gap(box, *point) - radius, 0.0)
    for marker in others:
        cx, cy = marker.centre
        if max(_gap(box, cx, cy) - (marker.x1 - marker.x0) / 2, 0.0) < own:
            return True
    return False


def place_labels(
    points: Sequence[tuple[float, float]],
    sizes: Sequence[tuple[float, float]],
    *,
    radii: Sequence[float],
    bounds: Box,
    obstacles: Sequence[Box] = (),
    fixed: Sequence[Box] = (),
    tolerated: int = 0,
) -> list[Box]:
    """A box per label, in the order given (most important first), overlapping nothing placed.

    Parameters
    ----------
    points : sequence of (x, y)
        Pixel position of each labelled point.
    sizes : sequence of (width, height)
        Pixel size of each label (see :func:`text_size`).
    radii : sequence of float
        Marker radius of each point; no label covers any marker.
    bounds : Box
        Every label stays inside this area when it can.
    obstacles : sequence of Box
        Further areas labels avoid (thin lines such as error bars).
    fixed : sequence of Box
        Text already on the figure (titles, legends, region names): covered as rarely as a label.
    tolerated : int
        A candidate crossing at most this many ``obstacles`` (and nothing else) is accepted:
        text over a thin line stays readable, a label far from its point is not.

    Returns
    -------
    list of Box
        When no candidate is free, the least-overlapping one is used (never silently dropped).
    """
    markers = [Box(x - r, y - r, x + r, y + r) for (x, y), r in zip(points, radii, strict=True)]
    placed: list[Box] = []
    for i, ((x, y), (w, h), r) in enumerate(zip(points, sizes, radii, strict=True)):
        others = [m for j, m in enumerate(markers) if j != i]
        best, best_cost = None, math.inf
        for dx, dy in _candidates(r, w, h):
            cx, cy = x + dx, y + dy
            box = Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            # another label is the worst to cover, then a marker, then a bar or line
            cost = (
                1000 * sum(box.overlaps(o) for o in (*placed, *fixed))
                + 100 * (not box.inside(bounds))
                + 10 * sum(box.overlaps(o) for o in markers)
                + 10 * _nearer_to_another(box, (x, y), r, others)
                + sum(box.overlaps(o) for o in obstacles)
            )
            if cost <= tolerated:
                best = box
                break
            if cost < best_cost:
                best, best_cost = box, cost
        assert best is not None
        placed.append(best)
    return placed
