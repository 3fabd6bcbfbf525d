"""From measured effects to action, and proof that it worked.

"Did it work?": :func:`evaluate_change` (interrupted time series or difference-in-differences
around a change date), :func:`ab_test` (randomised tests of conversion or revenue) and the
test-design helpers :func:`sample_size`, :func:`power` and :func:`minimum_detectable_effect`.
scipy, statsmodels and plotly load on first use.

Examples
--------
>>> import cjlib.action as act
>>> act.sample_size(baseline=0.10, mde=0.10, relative=True).n_control
14751
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cjlib._lazy import lazy_names

# public name -> private module that defines it; loaded on first attribute access
_LAZY: dict[str, str] = {
    "evaluate_change": "cjlib.action._evaluate",
    "ChangeEvaluation": "cjlib.action._evaluate",
    "PreTrendWarning": "cjlib.action._warnings",
    "ab_test": "cjlib.action._abtest",
    "ABTestResult": "cjlib.action._abtest",
    "SampleRatioMismatchWarning": "cjlib.action._warnings",
    "sample_size": "cjlib.action._power",
    "power": "cjlib.action._power",
    "minimum_detectable_effect": "cjlib.action._power",
    "PowerAnalysis": "cjlib.action._power",
    "prioritise": "cjlib.action._backlog",
    "Backlog": "cjlib.action._backlog",
    "next_best_touchpoint": "cjlib.action._next_best",
    "NextBestTouchpoint": "cjlib.action._next_best",
    "what_if": "cjlib.action._what_if",
    "WhatIf": "cjlib.action._what_if",
    "measure": "cjlib.action._measure",
    "MeasuredMap": "cjlib.action._measure",
    "objective_progress": "cjlib.action._objectives",
    "ObjectiveProgress": "cjlib.action._objectives",
    "moments_that_matter": "cjlib.action._moments",
    "MomentsResult": "cjlib.action._moments",
}

__all__ = [
    "ABTestResult",
    "Backlog",
    "ChangeEvaluation",
    "MeasuredMap",
    "MomentsResult",
    "NextBestTouchpoint",
    "ObjectiveProgress",
    "PowerAnalysis",
    "PreTrendWarning",
    "SampleRatioMismatchWarning",
    "WhatIf",
    "ab_test",
    "evaluate_change",
    "measure",
    "minimum_detectable_effect",
    "moments_that_matter",
    "next_best_touchpoint",
    "objective_progress",
    "power",
    "prioritise",
    "sample_size",
    "what_if",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)


if TYPE_CHECKING:  # pragma: no cover
    from cjlib.action._abtest import ABTestResult, ab_test
    from cjlib.action._backlog import Backlog, prioritise
    from cjlib.action._evaluate import ChangeEvaluation, evaluate_change
    from cjlib.action._measure import MeasuredMap, measure
    from cjlib.action._moments import MomentsResult, moments_that_matter
    from cjlib.action._next_best import NextBestTouchpoint, next_best_touchpoint
    from cjlib.action._objectives import ObjectiveProgress, objective_progress
    from cjlib.action._power import PowerAnalysis, minimum_detectable_effect, power, sample_size
    from cjlib.action._warnings import PreTrendWarning, SampleRatioMismatchWarning
    from cjlib.action._what_if import WhatIf, what_if
