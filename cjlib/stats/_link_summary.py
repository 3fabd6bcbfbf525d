"""The terminal summary of a :class:`LinkResult`: the columns a reader needs, in 100 columns."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from cjlib._text import SummaryText

__all__ = ["WIDTH", "link_summary"]

#: Widest line of the summary (a terminal or a notebook cell without scrolling).
WIDTH = 100

_LABELS = {
    "binary": ("risk diff.", "adj. OR", "risk difference (exposed − unexposed)",
               "odds ratio from a logistic model with the controls"),
    "continuous": ("mean diff.", "adj. diff.", "difference in means (exposed − unexposed)",
                   "difference from OLS with the controls (HC3 errors)"),
}  # fmt: skip
_ADJUSTED = {
    "binary": ("or_adj", "or_adj_ci_low", "or_adj_ci_high"),
    "continuous": ("effect_adj", "effect_adj_ci_low", "effect_adj_ci_high"),
}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: Any, *, signed: bool = False) -> str:
    if _missing(value):
        return "–"
    return f"{float(value):+.3g}" if signed else f"{float(value):.3g}"


def _with_ci(estimate: Any, low: Any, high: Any, *, signed: bool) -> str:
    if _missing(estimate):
        return "–"
    return f"{_number(estimate, signed=signed)} [{_number(low)}, {_number(high)}]"


def _q(value: Any) -> str:
    if _missing(value):
        return "–"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, subsequent_indent=indent, break_on_hyphens=False) or [""]


def link_summary(
    table: pd.DataFrame,
    *,
    kind: str,
    title: str,
    info: Mapping[str, Any],
    warnings: Sequence[str],
) -> SummaryText:
    """Return the summary of a link table: signal, n exposed, effect with CI, q, adjusted effect.

    Every line is at most :data:`WIDTH` characters; long signal names are shortened with "…"
    and long sentences wrapped. The last lines point to ``.table`` for the other columns.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"n_exposed": [120], "effect": [0.081], "ci_low": [0.02],
    ...                   "ci_high": [0.14], "q": [0.0004]}, index=["calls"])
    >>> print(link_summary(t, kind="binary", title="Signals", info={"n": 500}, warnings=[]))
    Signals
    =======
    n: 500
    <BLANKLINE>
    signal      n exposed  risk diff. [95% CI]       q
    calls             120  +0.081 [0.02, 0.14]  <0.001
    <BLANKLINE>
    risk diff.: risk difference (exposed − unexposed).
    All 5 columns (p-values, other effect measures, group sizes, warnings...) are in `.table`.
    """
    effect_label, adjusted_label, effect_text, adjusted_text = _LABELS[kind]
    adjusted = _ADJUSTED[kind]
    has_adjusted = adjusted[0] in table and table[adjusted[0]].notna().any()
    header = ["n exposed", f"{effect_label} [95% CI]", "q"]
    rows = []
    for _, row in table.iterrows():
        cells = [
            str(int(row["n_exposed"])),
            _with_ci(row["effect"], row["ci_low"], row["ci_high"], signed=True),
            _q(row["q"]),
        ]
        if has_adjusted:
            cells.append(_with_ci(*(row[c] for c in adjusted), signed=False))
        rows.append(cells)
    if has_adjusted:
        header.append(f"{adjusted_label} [95% CI]")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    rest = sum(widths) + 2 * len(widths)
    names = [str(name) for name in table.index]
    name_width = max(10, min(max([6, *map(len, names)]), WIDTH - rest))

    def line(first: str, cells: Sequence[str]) -> str:
        parts = [first.ljust(name_width)] + [c.rjust(w) for c, w in zip(cells, widths, strict=True)]
        return "  ".join(parts).rstrip()

    facts = " · ".join(
        f"{key}: {', '.join(map(str, value)) if isinstance(value, list | tuple) else value}"
        for key, value in info.items()
        if key in ("n", "controls", "alpha") and value not in ([], (), None)
    )
    if info.get("direction"):  # "churned: higher is worse": the sign a reader must not guess
        facts = f"{info['direction']} · {facts}" if facts else str(info["direction"])
    lines = [*_wrap(title), "=" * min(len(title), WIDTH), *_wrap(facts, "  "), ""]
    lines.append(line("signal", header))
    lines += [
        line(_shorten(name, name_width), cells) for name, cells in zip(names, rows, strict=True)
    ]
    legend = f"{effect_label}: {effect_text}."
    if has_adjusted:
        legend += f" {adjusted_label}: {adjusted_text}."
    lines += ["", *_wrap(legend)]
    lines += _wrap(
        f"All {len(table.columns)} columns (p-values, other effect measures, group sizes, "
        "warnings...) are in `.table`."
    )
    if warnings:
        lines += ["", "Warnings:"]
        for warning in warnings:
            lines += textwrap.wrap(warning, WIDTH, initial_indent="  - ", subsequent_indent="    ")
    return SummaryText("\n".join(lines))
