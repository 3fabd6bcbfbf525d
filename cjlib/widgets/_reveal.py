"""Guess, then reveal: the room's guesses against the designed and the measured emotion."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cjlib.errors import DataError
from cjlib.map import JourneyMap
from cjlib.map._model import EMOTION_RANGE

__all__ = ["RevealResult", "reveal"]

REVEAL_COLUMNS = [
    "stage",
    "touchpoint",
    "name",
    "designed",
    "guess",
    "measured",
    "ci_low",
    "ci_high",
    "n",
    "guess_error",
    "designed_error",
]


def _check_measured(journey_map: JourneyMap, measured: Any) -> None:
    from cjlib.action import MeasuredMap

    if not isinstance(measured, MeasuredMap):
        raise DataError(
            f"measured must be the MeasuredMap of cjlib.measure; got {type(measured).__name__}"
        )
    if measured.journey_map.id != journey_map.id:
        raise DataError(
            f"measured is a measurement of map {measured.journey_map.id!r}, "
            f"not of {journey_map.id!r}"
        )


def check_guesses(journey_map: JourneyMap, guesses: Mapping[str, Any]) -> dict[str, float]:
    """Validate guesses: touchpoint id → emotion on the map's scale (None = no guess)."""
    if not isinstance(guesses, Mapping):
        raise DataError(f"guesses must be a mapping touchpoint id -> score; got {guesses!r}")
    low, high = EMOTION_RANGE
    known = {tp.id for tp in journey_map.touchpoints}
    out: dict[str, float] = {}
    for tp_id, value in guesses.items():
        if tp_id not in known:
            raise DataError(f"guesses: touchpoint {tp_id!r} is not on the map")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise DataError(f"guesses[{tp_id!r}] must be a number; got {value!r}")
        value = float(value)
        if math.isnan(value):
            continue
        if not low <= value <= high:
            raise DataError(f"guesses[{tp_id!r}] must lie in {low:g}..{high:+g}; got {value}")
        out[tp_id] = value
    return out


class RevealResult:
    """Designed, guessed and measured emotion per touchpoint.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per touchpoint (map order): ``stage``, ``touchpoint``, ``name``, ``designed``
        (mean of the personas' designed scores), ``guess``, ``measured`` (survey scores on
        the −2…+2 scale, over every respondent) with ``ci_low``/``ci_high`` and ``n``,
        ``guess_error`` (guess − measured) and ``designed_error`` (designed − measured).
    """

    def __init__(self, journey_map: JourneyMap, table: pd.DataFrame, stage: str | None) -> None:
        self.journey_map = journey_map
        self._table = table
        self.stage = stage

    @property
    def table(self) -> pd.DataFrame:
        """The comparison table (a copy)."""
        return self._table.copy()

    def _title(self) -> str:
        where = self.journey_map.stage(self.stage).name if self.stage else self.journey_map.name
        return f"Guessed, designed and measured emotion: {where}"

    def mean_abs_error(self) -> dict[str, float]:
        """Mean absolute error of the guesses and of the design against the measurement."""
        t = self._table
        return {
            "guess": float(t["guess_error"].abs().mean()),
            "designed": float(t["designed_error"].abs().mean()),
        }

    def summary(self) -> str:
        """Plain text: the table and who came closer, the room or the design."""
        err = self.mean_abs_error()
        cols = ["touchpoint", "designed", "guess", "measured", "ci_low", "ci_high", "n"]
        lines = [self._title(), "=" * len(self._title())]
        lines.append(self._table[cols].to_string(index=False, float_format=lambda v: f"{v:+.2f}"))
        if not math.isnan(err["guess"]):
            lines.append(
                f"mean absolute error: room {err['guess']:.2f}, design {err['designed']:.2f} "
                "(points on the -2..+2 scale, against touchpoints with survey answers)"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain Python data: stage, table rows and errors (NaN → None)."""
        records = self._table.astype(object).where(self._table.notna(), None)
        err = {k: None if math.isnan(v) else v for k, v in self.mean_abs_error().items()}
        return {
            "stage": self.stage,
            "table": records.to_dict(orient="records"),
            "mean_abs_error": err,
        }

    def plot(self, *, height: int = 420) -> Any:
        """Dot plot per touchpoint: designed (hollow), guess (diamond), measured with its CI."""
        import plotly.graph_objects as go

        from cjlib.plot._style import PALETTE, apply_base_layout

        t = self._table
        fig = go.Figure()
        fig.add_trace(
            go.Scatter(
                x=t["name"],
                y=t["measured"],
                mode="markers",
                name="measured (95% CI)",
                marker={"size": 13, "color": PALETTE[0]},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (t["ci_high"] - t["measured"]).tolist(),
                    "arrayminus": (t["measured"] - t["ci_low"]).tolist(),
                    "color": PALETTE[0],
                    "thickness": 2,
                },
                customdata=t["n"],
                hovertemplate="%{x}<br>measured %{y:+.2f} (n=%{customdata})",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=t["name"],
                y=t["guess"],
                mode="markers",
                name="room's guess",
                marker={"size": 14, "symbol": "diamond", "color": PALETTE[1]},
                hovertemplate="%{x}<br>guess %{y:+.2f}",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=t["name"],
                y=t["designed"],
                mode="markers",
                name="designed",
                marker={
                    "size": 14,
                    "symbol": "circle-open",
                    "color": "#546e7a",
                    "line": {"width": 2},
                },
                hovertemplate="%{x}<br>designed %{y:+.2f}",
            )
        )
        low, high = EMOTION_RANGE
        fig.add_hline(y=0, line={"color": "#90a4ae", "dash": "dot", "width": 1})
        apply_base_layout(fig, title=self._title(), height=height)
        fig.update_yaxes(range=[low - 0.3, high + 0.3], title_text="emotion", zeroline=False)
        fig.update_layout(legend={"orientation": "h", "y": -0.15})
        return fig

    def _repr_html_(self) -> str:
        table = self._table.to_html(
            index=False, border=0, na_rep="–", float_format=lambda v: f"{v:+.2f}"
        )
        return f"<div class='cjlib-result'><h4>{html.escape(self._title())}</h4>{table}</div>"

    def __repr__(self) -> str:
        return f"<RevealResult: {self._title()}, {len(self._table)} touchpoints>"


def reveal(
    journey_map: JourneyMap,
    measured: Any,
    guesses: Mapping[str, Any] | None = None,
    *,
    stage: str | None = None,
) -> RevealResult:
    """Compare the room's guesses with the designed and the measured emotion per touchpoint.

    Parameters
    ----------
    journey_map : JourneyMap
        The designed map.
    measured : MeasuredMap
        :func:`cjlib.measure` on this map (with surveys: the measured emotion comes from them).
    guesses : mapping of touchpoint id to float, optional
        The room's guess of the measured emotion (−2…+2); touchpoints left out have none.
    stage : str, optional
        Only this stage's touchpoints (default: every touchpoint).

    Returns
    -------
    RevealResult

    Raises
    ------
    cjlib.DataError
        ``measured`` is not a measurement of this map, a guess names an unknown touchpoint or
        lies outside −2…+2, or ``stage`` is not on the map.

    Examples
    --------
    >>> import cjlib
    >>> from cjlib.datasets import load_map, simulate
    >>> jm = load_map("telco")
    >>> data = simulate(jm, 300, seed=1)
    >>> mm = cjlib.measure(jm, cjlib.EventLog.from_pandas(data.events), surveys=data.surveys)
    >>> res = reveal(jm, mm, {"call_centre": -1.0}, stage="support")
    >>> res.table.set_index("touchpoint").loc["call_centre", "guess"]
    np.float64(-1.0)
    """
    if not isinstance(journey_map, JourneyMap):
        raise DataError(f"journey_map: expected a JourneyMap, got {type(journey_map).__name__}")
    _check_measured(journey_map, measured)
    clean = check_guesses(journey_map, guesses or {})
    if stage is not None and stage not in {st.id for st in journey_map.stages}:
        raise DataError(
            f"stage {stage!r} is not on the map; allowed: {[st.id for st in journey_map.stages]}"
        )
    emotion = measured.emotion
    overall = emotion[emotion["persona"] == "(all)"].set_index("touchpoint")
    rows = []
    for st, tp in journey_map.iter_touchpoints():
        if stage is not None and st.id != stage:
            continue
        m = overall.loc[tp.id] if tp.id in overall.index else None
        rows.append(
            {
                "stage": st.id,
                "touchpoint": tp.id,
                "name": tp.name,
                "designed": float(m["designed"]) if m is not None else np.nan,
                "guess": clean.get(tp.id, np.nan),
                "measured": float(m["measured"]) if m is not None else np.nan,
                "ci_low": float(m["ci_low"]) if m is not None else np.nan,
                "ci_high": float(m["ci_high"]) if m is not None else np.nan,
                "n": int(m["n"]) if m is not None else 0,
            }
        )
    table = pd.DataFrame(rows, columns=REVEAL_COLUMNS[:-2])
    for col in ("designed", "guess", "measured", "ci_low", "ci_high"):
        table[col] = table[col].astype("float64")
    table["n"] = table["n"].astype("int64")
    table["guess_error"] = table["guess"] - table["measured"]
    table["designed_error"] = table["designed"] - table["measured"]
    return RevealResult(journey_map, table, stage)
