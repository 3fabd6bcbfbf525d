"""Statistics that link journey signals to churn, revenue and customer lifetime value.

Every function takes plain pandas tables and returns a result object with ``.table``,
``.summary()``, ``.plot()``, ``.to_dict()`` and an HTML representation for Jupyter; the CLV
models follow scikit-learn's fit/predict contract. scipy and statsmodels load on first use.

Examples
--------
>>> import cjlib.stats as cs
>>> {"link", "survival", "cox", "find_signals"} <= set(cs.__all__)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cjlib._lazy import lazy_names

# public name -> private module that defines it
_LAZY: dict[str, str] = {
    "link": "cjlib.stats._link",
    "find_signals": "cjlib.stats._find_signals",
    "FindSignalsResult": "cjlib.stats._find_signals",
    "evalue_rr": "cjlib.stats._evalue",
    "evalue_ci": "cjlib.stats._evalue",
    "bh_qvalues": "cjlib.stats._multiplicity",
    "survival": "cjlib.stats._survival",
    "cox": "cjlib.stats._cox",
    "churn_model": "cjlib.stats._churn",
    "rfm_summary": "cjlib.stats._rfm",
    "BetaGeoModel": "cjlib.stats._bgnbd",
    "GammaGammaModel": "cjlib.stats._gammagamma",
    "holdout_validation": "cjlib.stats._holdout",
    "markov_attribution": "cjlib.stats._markov",
    "drivers": "cjlib.stats._drivers",
}

__all__ = [
    "BetaGeoModel",
    "FindSignalsResult",
    "GammaGammaModel",
    "bh_qvalues",
    "churn_model",
    "cox",
    "drivers",
    "evalue_ci",
    "evalue_rr",
    "find_signals",
    "holdout_validation",
    "link",
    "markov_attribution",
    "rfm_summary",
    "survival",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)


if TYPE_CHECKING:  # pragma: no cover
    from cjlib.stats._bgnbd import BetaGeoModel
    from cjlib.stats._churn import churn_model
    from cjlib.stats._cox import cox
    from cjlib.stats._drivers import drivers
    from cjlib.stats._evalue import evalue_ci, evalue_rr
    from cjlib.stats._find_signals import FindSignalsResult, find_signals
    from cjlib.stats._gammagamma import GammaGammaModel
    from cjlib.stats._holdout import holdout_validation
    from cjlib.stats._link import link
    from cjlib.stats._markov import markov_attribution
    from cjlib.stats._multiplicity import bh_qvalues
    from cjlib.stats._rfm import rfm_summary
    from cjlib.stats._survival import survival
