"""The HTML of the standalone report: page shell, sections, tables and embedded figures.

Plotly's JavaScript is inlined once in ``<head>``; every figure is embedded without it, so
the file opens offline and makes no request. Every piece of user text goes through
:func:`html.escape` (tables through ``DataFrame.to_html(escape=True)``); the map canvas comes
from :func:`cjlib.plot.render_map`, which escapes its own text and holds no script.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["Section", "figure_html", "kpi_cards", "page", "table_html"]

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
TEXT_CLASS = ' class="text"'
WIDE_CLASS = ' class="text wide"'


CSS = """
:root { --ink:#1f2933; --muted:#52606d; --line:#e4e7eb; --accent:#2f6fb0; --bg:#f7f8fa; }
* { box-sizing: border-box; }
body { margin:0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans",
       sans-serif; color:var(--ink); background:var(--bg); line-height:1.5; }
header.report-header { background:#1f3b57; color:#fff; padding:28px 40px 22px; }
header.report-header h1 { margin:0 0 4px; font-size:28px; font-weight:650; }
header.report-header p { margin:2px 0; color:#d9e2ec; }
.layout { display:flex; gap:28px; padding:24px 40px 60px; align-items:flex-start; }
nav.toc { position:sticky; top:16px; flex:0 0 210px; background:#fff; border:1px solid var(--line);
          border-radius:8px; padding:14px 16px; font-size:14px; }
nav.toc h2 { font-size:13px; text-transform:uppercase; letter-spacing:.06em; color:var(--muted);
             margin:0 0 8px; }
nav.toc ol { margin:0; padding-left:18px; }
nav.toc a { color:var(--accent); text-decoration:none; }
nav.toc a:hover { text-decoration:underline; }
main { flex:1 1 auto; min-width:0; }
section.report-section { background:#fff; border:1px solid var(--line); border-radius:8px;
                         padding:20px 24px; margin-bottom:22px; }
section.report-section h2 { margin:0 0 4px; font-size:21px; }
p.lede { margin:0 0 14px; color:var(--muted); }
p.note { font-size:13px; color:var(--muted); margin:10px 0 0; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(170px,1fr)); gap:12px;
         margin-bottom:16px; }
.card { border:1px solid var(--line); border-radius:8px; padding:12px 14px; background:#fbfcfd; }
.card .value { font-size:24px; font-weight:650; }
.card .label { font-size:13px; color:var(--muted); }
.card .how { font-size:12px; color:var(--muted); margin-top:4px; border-top:1px dotted var(--line);
             padding-top:4px; }
.table-wrap { overflow-x:auto; }
table.data { border-collapse:collapse; font-size:13px; width:100%; margin-top:6px; }
table.data th, table.data td { border-bottom:1px solid var(--line); padding:5px 8px;
                               text-align:right; white-space:nowrap; }
table.data th { background:#f0f3f7; font-weight:600; white-space:normal; vertical-align:bottom; }
table.data td.text, table.data th.text { text-align:left; white-space:normal; }
table.data td.wide { min-width:20em; }
.figure { margin:8px 0 4px; }
.canvas-wrap { overflow-x:auto; border:1px solid var(--line); border-radius:6px; }
footer { color:var(--muted); font-size:12px; padding:0 40px 30px; }
"""


@dataclass(frozen=True)
class Section:
    """One report section: anchor id, heading, one-line explanation and inner HTML."""

    anchor: str
    title: str
    lede: str
    body: str


def figure_html(fig: Any, name: str) -> str:
    """A figure as a ``<div>`` that relies on the plotly bundle loaded once in ``<head>``."""
    inner = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        config=PLOTLY_CONFIG,
        div_id=f"figure-{name}",
    )
    return f'<div class="figure" data-figure="{html.escape(name)}">{inner}</div>'


def table_html(
    table: pd.DataFrame,
    *,
    formats: dict[str, str] | None = None,
    text: Sequence[str] = (),
    wide: Sequence[str] = (),
) -> str:
    """An escaped HTML table; ``formats`` maps columns to format specs (``"{:.1%}"``).

    Numeric columns are right-aligned; non-numeric ones (and those named in ``text``) are
    left-aligned and may wrap; ``wide`` columns (long sentences) keep a readable width.
    Missing values show as an en dash.
    """
    formats = formats or {}
    numeric = {c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])}
    left = {
        c
        for c in table.columns
        if c in text or c in wide or (c not in numeric and c not in formats)
    }

    def cell(column: Any, value: Any) -> str:
        if _missing(value):
            shown = "–"
        elif column in formats:
            shown = formats[column].format(value)
        else:
            shown = str(value)
        css = WIDE_CLASS if column in wide else TEXT_CLASS if column in left else ""
        return f"<td{css}>{html.escape(shown)}</td>"

    head = "".join(
        f"<th{TEXT_CLASS if c in left else ''}>{html.escape(str(c))}</th>" for c in table.columns
    )
    rows = "".join(
        "<tr>" + "".join(cell(c, v) for c, v in zip(table.columns, row, strict=True)) + "</tr>"
        for row in table.itertuples(index=False, name=None)
    )
    return (
        f'<div class="table-wrap"><table class="data"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def kpi_cards(cards: Sequence[tuple[str, ...]]) -> str:
    """Big-number cards: (value, label) or (value, label, how it is counted), all escaped."""

    def card(value: str, label: str, how: str = "") -> str:
        counted = f'<div class="how">{html.escape(how)}</div>' if how else ""
        return (
            f'<div class="card"><div class="value">{html.escape(value)}</div>'
            f'<div class="label">{html.escape(label)}</div>{counted}</div>'
        )

    return f'<div class="cards">{"".join(card(*c) for c in cards)}</div>'


def page(*, title: str, subtitle: Sequence[str], sections: Sequence[Section], footer: str) -> str:
    """The complete, self-contained HTML document."""
    from plotly.offline import get_plotlyjs

    toc = "".join(f'<li><a href="#{s.anchor}">{html.escape(s.title)}</a></li>' for s in sections)
    body = "".join(
        f'<section class="report-section" id="{s.anchor}"><h2>{html.escape(s.title)}</h2>'
        f'<p class="lede">{html.escape(s.lede)}</p>{s.body}</section>'
        for s in sections
    )
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in subtitle)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
        f'<header class="report-header"><h1>{html.escape(title)}</h1>{lines}</header>'
        f'<div class="layout"><nav class="toc"><h2>Contents</h2><ol>{toc}</ol></nav>'
        f"<main>{body}</main></div><footer>{html.escape(footer)}</footer></body></html>\n"
    )
