"""Stage inference: touchpoints in time order, cut into stages (pins respected).

Method (documented in ``docs/discovery.md``): every touchpoint gets a typical position, the
median over customers of the days from their first event to their first occurrence of the
touchpoint, on a ``log1p`` scale (days matter early in a journey, months later). Without pins
the sorted positions are cut at the ``n_stages - 1`` widest gaps (one-dimensional natural
breaks). With pins, each pinned stage is anchored at the median position of its pinned
touchpoints and every other touchpoint joins the nearest anchor.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cjlib.errors import DataError

__all__ = ["assign_stages"]


def assign_stages(
    positions: pd.Series, *, n_stages: int, pins: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Touchpoint id -> stage label, stages numbered in time order (``stage_1``...).

    Parameters
    ----------
    positions : Series
        Typical days to first occurrence, indexed by touchpoint id.
    n_stages : int
        Number of stages without pins.
    pins : mapping, optional
        Touchpoint id -> stage name the user fixes; the stage names become the labels.

    Examples
    --------
    >>> s = pd.Series({"ad": 0.0, "site": 0.5, "buy": 10.0, "bill": 40.0})
    >>> assign_stages(s, n_stages=2)
    {'ad': 'stage_1', 'site': 'stage_1', 'buy': 'stage_2', 'bill': 'stage_2'}
    """
    key = np.log1p(positions.clip(lower=0).astype(float)).sort_values(kind="stable")
    if pins:
        unknown = sorted(set(pins) - set(key.index))
        if unknown:
            raise DataError(
                f"pins: {unknown} are not touchpoints of the discovered map; "
                f"allowed: {sorted(key.index)}"
            )
        anchors = (
            pd.Series({tp: key[tp] for tp in pins})
            .groupby(pd.Series(dict(pins)))
            .median()
            .sort_values(kind="stable")
        )
        out = {}
        for tp, k in key.items():
            out[tp] = pins[tp] if tp in pins else str((anchors - k).abs().idxmin())
        return out
    n = max(1, min(int(n_stages), len(key)))
    gaps = np.diff(key.to_numpy())
    cuts = set(np.argsort(-gaps, kind="stable")[: n - 1].tolist()) if n > 1 else set()
    out, stage = {}, 1
    for i, tp in enumerate(key.index):
        out[tp] = f"stage_{stage}"
        if i in cuts:
            stage += 1
    return out
