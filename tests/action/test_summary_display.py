"""Summaries display as formatted text in Jupyter, not as an escaped one-line repr."""

from __future__ import annotations

from cjlib._text import SummaryText
from cjlib.action import sample_size


def test_sample_size_summary_shows_its_lines_in_a_notebook():
    summary = sample_size(baseline=0.20, mde=0.05).summary()
    assert isinstance(summary, str) and isinstance(summary, SummaryText)
    # Jupyter's text/plain is the repr: it used to be "'Sample size...\\n...'" with escapes
    assert repr(summary) == str(summary)
    assert "\\n" not in repr(summary) and "\n" in repr(summary)
    html = summary._repr_html_()
    assert html.startswith('<pre class="cjlib-summary">') and html.endswith("</pre>")
    assert str(summary).splitlines()[0] in html


def test_summary_html_is_escaped():
    assert SummaryText("<b>x</b> & y")._repr_html_() == (
        '<pre class="cjlib-summary">&lt;b&gt;x&lt;/b&gt; &amp; y</pre>'
    )


def test_backlog_and_measured_map_summaries_display_as_text():
    from backlog_reference import moments, small_map
    from measure_reference import tiny_events, tiny_map

    import cjlib
    from cjlib.action import measure, prioritise

    backlog = prioritise(small_map(), moments()).summary()
    measured = measure(tiny_map(), cjlib.EventLog.from_pandas(tiny_events())).summary()
    for text, first in ((backlog, "Top action"), (measured, "Stages")):
        assert isinstance(text, SummaryText), type(text)
        assert repr(text) == str(text) and "\\n" not in repr(text)
        assert first in text._repr_html_()
