"""The action plan as text: Markdown and HTML views of a prioritised backlog.

Every cell is escaped for its format, so map text such as ``<script>`` or ``a | b`` can never
break the document.

Examples
--------
>>> from cjlib.action._backlog_export import markdown_cell
>>> markdown_cell("fee | charge\\nnew line")
'fee \\\\| charge new line'
"""

from __future__ import annotations

import html
import math
from functools import partial
from typing import Any

import pandas as pd

__all__ = ["backlog_html", "backlog_markdown", "markdown_cell", "plan_rows", "plan_text"]

_HEADERS = ("Rank", "Action", "Owner", "Where", "Effort", "Expected value / year",
            "Evidence", "Confidence", "Score", "Quadrant")


def markdown_cell(value: Any) -> str:
    """Text safe for one Markdown table cell (pipes escaped, line breaks flattened)."""
    text = "" if value is None else str(value)
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _num(value: Any, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format(value, fmt)


def _evidence(row: pd.Series) -> str:
    if row["linked_by"] == "none":
        return "not measured"
    parts = []
    if row["signal"] is not None and not (isinstance(row["signal"], float)
                                          and math.isnan(row["signal"])):
        parts.append(str(row["signal"]))
    if pd.notna(row["effect"]):
        effect = f"effect {row['effect']:.3g}"
        if pd.notna(row["effect_ci_low"]) and pd.notna(row["effect_ci_high"]):
            effect += f" [{row['effect_ci_low']:.3g}, {row['effect_ci_high']:.3g}]"
        parts.append(effect)
    if pd.notna(row["q"]):
        parts.append(f"q = {row['q']:.2g}")
    return "; ".join(parts) or f"linked by {row['linked_by']}"


def plan_rows(table: pd.DataFrame, currency: str) -> list[tuple[str, ...]]:
    """One tuple of display strings per backlog row, in the order of ``_HEADERS``."""
    rows = []
    unit = f" {currency}" if currency else ""
    for _, row in table.iterrows():
        value = _num(row["expected_value"], ",.0f")
        if value != "–":
            value += unit
            if pd.notna(row["expected_value_ci_low"]) and pd.notna(row["expected_value_ci_high"]):
                value += (f" ({row['expected_value_ci_low']:,.0f} to "
                          f"{row['expected_value_ci_high']:,.0f})")
        rows.append((
            str(row["rank"]), f"{row['opportunity']} ({row['opportunity_id']})",
            str(row["owner"]), f"{row['stage']} / {row['touchpoint']}", str(row["effort"]),
            value, _evidence(row), _num(row["confidence"], ".0%"), _num(row["score"], ",.0f"),
            str(row["quadrant"]),
        ))
    return rows


def backlog_markdown(table: pd.DataFrame, *, currency: str = "") -> str:
    """The backlog as a GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(_HEADERS) + " |",
             "|" + "|".join("---:" if h in ("Rank", "Confidence", "Score") else "---"
                            for h in _HEADERS) + "|"]
    for cells in plan_rows(table, currency):
        lines.append("| " + " | ".join(markdown_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:Inter,'Segoe UI',Helvetica,Arial,sans-serif;color:#263238;margin:2em}
table.cjlib-backlog{border-collapse:collapse;font-size:13px}
table.cjlib-backlog th,table.cjlib-backlog td{border-bottom:1px solid #e0e0e0;padding:6px 10px;
text-align:left;vertical-align:top}
table.cjlib-backlog th{background:#eceff1}
table.cjlib-backlog td.num{text-align:right;white-space:nowrap}
"""
_QUADRANT_COLOURS = {"quick win": "#2e7d32", "big bet": "#0072B2", "fill-in": "#9e9e9e",
                     "money pit": "#c62828", "not measured": "#bdbdbd"}


def backlog_html(table: pd.DataFrame, *, title: str, notes: list[str], currency: str = "",
                 standalone: bool = True) -> str:
    """The backlog as an HTML table (a full document when ``standalone``); text escaped."""
    numeric = {"Rank", "Effort", "Expected value / year", "Confidence", "Score"}
    head = "".join(f"<th>{html.escape(h)}</th>" for h in _HEADERS)
    body = []
    for cells in plan_rows(table, currency):
        tds = []
        for header, cell in zip(_HEADERS, cells, strict=True):
            style = ""
            if header == "Quadrant":
                style = f" style='color:{_QUADRANT_COLOURS.get(cell, '#263238')};font-weight:600'"
            klass = " class='num'" if header in numeric else ""
            tds.append(f"<td{klass}{style}>{html.escape(cell)}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    notes_html = "".join(f"<p>{html.escape(n)}</p>" for n in notes)
    fragment = (f"<div class='cjlib-result'><h3>{html.escape(title)}</h3>"
                f"<table class='cjlib-backlog'><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>{notes_html}</div>")
    if not standalone:
        return fragment
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
            f"<body>{fragment}</body></html>\n")


def _pad(text: str, *, width: int) -> str:
    return text.ljust(width)


def plan_text(table: pd.DataFrame, currency: str = "", *, width: int = 48) -> str:
    """The backlog as a fixed-width text table (long texts shortened to ``width``)."""
    def short(text: str) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    keep = ("Rank", "Action", "Owner", "Effort", "Expected value / year", "Confidence",
            "Score", "Quadrant")
    index = [_HEADERS.index(h) for h in keep]
    rows = [[short(cells[i]) for i in index] for cells in plan_rows(table, currency)]
    frame = pd.DataFrame(rows, columns=list(keep))
    widths = {c: max(int(frame[c].str.len().max()), len(c)) for c in ("Action", "Owner",
                                                                       "Quadrant")}
    formatters = {c: partial(_pad, width=n) for c, n in widths.items()}
    return frame.to_string(index=False, formatters=formatters, justify="left")
