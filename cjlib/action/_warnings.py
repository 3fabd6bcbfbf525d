"""Warnings of :mod:`cjlib.action`: the analysis ran, but a check failed.

Examples
--------
>>> import warnings
>>> from cjlib.action import SampleRatioMismatchWarning
>>> issubclass(SampleRatioMismatchWarning, UserWarning)
True
"""

from __future__ import annotations

__all__ = ["PreTrendWarning", "SampleRatioMismatchWarning"]


class PreTrendWarning(UserWarning):
    """Treated and comparison groups did not move in parallel before the change.

    The difference-in-differences estimate assumes they would have kept moving in parallel;
    a significant pre-period trend difference makes that doubtful.
    """


class SampleRatioMismatchWarning(UserWarning):
    """The arms of a randomised test are not the sizes the design asked for.

    A sample-ratio mismatch usually means broken assignment or logging; the test's results
    should not be trusted until it is explained (Fabijan et al., KDD 2019).
    """
