"""``SummaryText``: a summary string that Jupyter shows as formatted text, not an escaped repr.

Examples
--------
>>> text = SummaryText("Power\\n=====\\nn: 120")
>>> text == "Power\\n=====\\nn: 120", isinstance(text, str)
(True, True)
>>> print(repr(text))
Power
=====
n: 120
"""

from __future__ import annotations

import html

__all__ = ["SummaryText"]


class SummaryText(str):
    """A ``str`` whose repr is itself, so a notebook cell ending in ``.summary()`` shows the
    lines (``text/plain``) or a ``<pre>`` block (``text/html``) instead of ``'...\\n...'``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return f'<pre class="cjlib-summary">{html.escape(str(self))}</pre>'

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:  # IPython's text/plain
        printer.text(str(self))  # type: ignore[attr-defined]
