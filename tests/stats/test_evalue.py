"""E-values against the published formula (VanderWeele & Ding 2017, Ann Intern Med 167:268)."""

from __future__ import annotations

import math

import pytest

from cjlib.errors import DataError
from cjlib.stats import evalue_ci, evalue_rr
from cjlib.stats._evalue import rr_from_or, rr_from_smd


def test_breastfeeding_example_of_the_paper():
    # VanderWeele & Ding 2017, worked example (Victora et al.): RR 3.9 (95% CI 1.8 to 8.7)
    # -> E-value 7.26 for the estimate and 3.0 for the lower limit (1.8 + sqrt(1.8 * 0.8)).
    assert evalue_rr(3.9) == pytest.approx(7.26, abs=0.005)
    assert evalue_ci(3.9, 1.8, 8.7) == pytest.approx(3.0, abs=0.005)


def test_protective_estimate_is_inverted_and_uses_the_upper_limit():
    # EValue R package documentation, evalues.RR(est=0.80, lo=0.71, hi=0.91):
    # E-values 1.81 (estimate) and 1.43 (upper limit, the one closest to 1).
    assert evalue_rr(0.80) == pytest.approx(1.809, abs=0.001)
    assert evalue_ci(0.80, 0.71, 0.91) == pytest.approx(1.429, abs=0.001)


def test_interval_containing_one_has_evalue_one():
    assert evalue_ci(1.3, 0.9, 1.8) == pytest.approx(1.0)
    assert evalue_rr(1.0) == pytest.approx(1.0)


def test_table2_conversions():
    # Table 2 of the paper: common outcome OR -> sqrt(OR); SMD d -> exp(0.91 d)
    assert rr_from_or(2.25, common=True) == pytest.approx(1.5)
    assert rr_from_or(2.25, common=False) == pytest.approx(2.25)
    assert rr_from_smd(0.5) == pytest.approx(math.exp(0.455))
    # hand computation: RR = exp(0.91 * 1) = 2.4843 -> E = 2.4843 + sqrt(2.4843 * 1.4843)
    assert evalue_rr(rr_from_smd(1.0)) == pytest.approx(
        2.4843 + math.sqrt(2.4843 * 1.4843), abs=1e-3
    )


@pytest.mark.parametrize("bad", [0, -1.0, "2", True])
def test_bad_ratio_is_refused(bad):
    with pytest.raises(DataError, match="positive ratio"):
        evalue_rr(bad)


def test_low_above_high_is_refused():
    with pytest.raises(DataError, match="low must not exceed high"):
        evalue_ci(2.0, 3.0, 1.5)
