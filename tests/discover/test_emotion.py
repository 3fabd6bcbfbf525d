"""Latent-scale CSAT emotion: unbiased near the ends of the scale, intervals that cover.

Truth is planted here: answers are ``clip(round(3 + emotion + N(0, 0.75)), 1, 5)``, the rule
``cjlib.datasets`` uses, so the plain mean of ``CSAT - 3`` is known to be biased towards 0 near
the ends while the latent mean is not.
"""

from __future__ import annotations

import numpy as np
import pytest

from cjlib.discover._emotion import latent_emotion


def _answers(true: float, n: int, rng: np.random.Generator) -> np.ndarray:
    return np.clip(np.rint(3 + true + rng.normal(0, 0.75, n)), 1, 5)


@pytest.mark.parametrize("true", [-1.6, -0.8, 0.0, 1.6])
def test_unbiased_and_covering(true):
    rng = np.random.default_rng(42)
    estimates, covered = [], 0
    for _ in range(150):
        e, se, low, high = latent_emotion(_answers(true, 150, rng), 0.95)
        estimates.append(e)
        covered += low <= true <= high
        assert se > 0 and low < e < high
    assert np.mean(estimates) == pytest.approx(true, abs=0.03)
    assert 0.90 <= covered / 150 <= 0.99


def test_plain_mean_is_biased_at_the_end_of_the_scale():
    rng = np.random.default_rng(3)
    x = _answers(-1.6, 20_000, rng)
    assert x.mean() - 3 > -1.52  # the floor at 1 pulls the plain mean towards 0
    assert latent_emotion(x, 0.95)[0] == pytest.approx(-1.6, abs=0.02)


def test_one_distinct_answer_falls_back_to_the_mean():
    e, _se, low, high = latent_emotion(np.array([4.0] * 12), 0.95)
    assert e == pytest.approx(1.0, abs=1e-12)
    assert low == pytest.approx(1.0, abs=1e-12) and high == pytest.approx(1.0, abs=1e-12)
