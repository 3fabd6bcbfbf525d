"""How sure we are that fixing a moment pays off: the RICE confidence derived from evidence.

The rule (documented in ``docs/adr/0008-prioritisation.md``):

``confidence = tier(q) × precision``

- ``tier(q)`` follows the three levels of Intercom's RICE (100 % high, 80 % medium, 50 % low):
  1.0 when ``q ≤ 0.01``, 0.8 when ``q ≤ 0.05``, 0.5 when ``q ≤ 0.20``, and 0.3 above (a
  signal that does not survive false-discovery control is weak evidence, not none).
  An unknown q-value counts as 0.5.
- ``precision = clip(1 − h / 2, 0.5, 1)``, where ``h`` is the half-width of the effect's
  confidence interval relative to the effect (``(high − low) / (2 |effect|)``): a tight
  interval keeps the tier, an interval that reaches zero (``h ≥ 1``) halves it. Unknown
  intervals leave the tier unchanged.

Examples
--------
>>> from cjlib.action._confidence import evidence_confidence
>>> evidence_confidence(q=0.001, effect=0.10, ci_low=0.08, ci_high=0.12)
0.9
>>> evidence_confidence(q=0.03, effect=0.10, ci_low=0.0, ci_high=0.20)
0.4
"""

from __future__ import annotations

import math

__all__ = ["Q_TIERS", "evidence_confidence"]

#: (upper q-value bound, confidence) from the strongest evidence down.
Q_TIERS: tuple[tuple[float, float], ...] = ((0.01, 1.0), (0.05, 0.8), (0.20, 0.5))
_WEAK, _UNKNOWN = 0.3, 0.5


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def evidence_confidence(
    *,
    q: float | None,
    effect: float | None,
    ci_low: float | None,
    ci_high: float | None,
) -> float:
    """Confidence in (0, 1] from a q-value and the effect's confidence interval."""
    if _missing(q):
        tier = _UNKNOWN
    else:
        tier = next((level for bound, level in Q_TIERS if float(q) <= bound), _WEAK)
    precision = 1.0
    if not (_missing(effect) or _missing(ci_low) or _missing(ci_high)) and effect != 0:
        relative_half_width = (float(ci_high) - float(ci_low)) / (2 * abs(float(effect)))
        precision = min(1.0, max(0.5, 1 - relative_half_width / 2))
    return round(tier * precision, 6)
