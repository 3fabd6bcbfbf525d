"""The funnel chart of ``log.funnel()``."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pandas as pd
import pytest

from cjlib.errors import DataError
from cjlib.events import EventLog
from cjlib.plot import funnel
from cjlib.plot._export import export


def _log() -> EventLog:
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b", "c"],
            "timestamp": pd.to_datetime(
                ["2024-01-01 10:00", "2024-01-01 11:00", "2024-01-01 12:00",
                 "2024-01-01 10:00", "2024-01-01 13:00", "2024-01-01 10:00"]
            ),
            "event": ["visit", "cart", "buy", "visit", "cart", "visit"],
        }
    )
    return EventLog.from_pandas(df)


def test_funnel_figure_shows_counts_rates_and_intervals():
    result = _log().funnel(["visit", "cart", "buy"])
    fig = result.plot()
    bar, whiskers = fig.data
    assert list(bar.y) == ["1. visit", "2. cart", "3. buy"]
    assert list(bar.x) == [3, 2, 1]
    texts = [a.text for a in fig.layout.annotations]
    assert texts[0] == "<b>3</b>"
    assert "66.7% of start" in texts[1] and "median 2.0 h" in texts[1]
    assert "50.0% of previous" in texts[2]
    # whiskers are the Wilson interval scaled to customers
    t = result.table
    assert whiskers.error_x.array[1] == pytest.approx((t.loc[1, "ci_high_start"] - 2 / 3) * 3)


def test_funnel_accepts_a_table_and_rejects_bad_input():
    table = _log().funnel(["visit", "cart"]).table
    assert funnel(table).data[0].orientation == "h"
    with pytest.raises(DataError, match="missing columns"):
        funnel(table.drop(columns="customers"))
    with pytest.raises(DataError, match="FunnelResult or a DataFrame"):
        funnel([1, 2])


def _png_pixels(data: bytes) -> np.ndarray:
    """RGB(A) pixels of an 8-bit non-interlaced PNG (what kaleido writes), stdlib only."""
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6)
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * bpp
    out = np.zeros((height, stride), dtype=np.int64)
    prev = np.zeros(stride, dtype=np.int64)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int64)
        if kind == 2:
            line = (line + prev) % 256
        elif kind in (1, 3, 4):  # Sub, Average, Paeth depend on the pixel to the left
            cur = line.tolist()
            up = prev.tolist()
            for i in range(stride):
                left = cur[i - bpp] if i >= bpp else 0
                upleft = up[i - bpp] if i >= bpp else 0
                if kind == 1:
                    pred = left
                elif kind == 3:
                    pred = (left + up[i]) // 2
                else:
                    p = left + up[i] - upleft
                    pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - upleft)
                    pred = left if pa <= pb and pa <= pc else up[i] if pb <= pc else upleft
                cur[i] = (cur[i] + pred) % 256
            line = np.array(cur, dtype=np.int64)
        out[y] = prev = line
    return out.reshape(height, width, bpp)[:, :, :3]


def test_funnel_text_column_is_not_clipped_at_the_default_export_width(tmp_path):
    table = pd.DataFrame({
        "step": [0, 1, 2],
        "name": ["visit_landing_page", "signup_started", "first_purchase"],
        "customers": [12345, 8123, 1203],
        "conversion_from_start": [1.0, 0.658, 0.0974],
        "ci_low_start": [0.9997, 0.65, 0.092], "ci_high_start": [1.0, 0.666, 0.103],
        "conversion_from_previous": [1.0, 0.658, 0.148],
        "ci_low_previous": [0.99, 0.65, 0.14], "ci_high_previous": [1.0, 0.666, 0.156],
        "median_time_from_previous": pd.to_timedelta([None, "2h", "3D"]),
    })
    from cjlib.plot._export import SLIDE_SIZE

    png = export(funnel(table), tmp_path / "funnel.png", scale=1)  # the default slide width
    pixels = _png_pixels(png.read_bytes())
    width = SLIDE_SIZE[0]
    assert pixels.shape[1] == width
    right_edge = pixels[:, -12:, :]
    assert (right_edge > 240).all(), "text runs off the right edge of the figure"
    # the text column is drawn: dark pixels right of the bars' domain (70 % of the width)
    assert (pixels[:, int(0.7 * width) : -12, :] < 100).any()
