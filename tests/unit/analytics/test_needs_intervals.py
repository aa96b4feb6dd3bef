"""Wilson, Byar, exact Poisson and Dobson intervals."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2

from commissioning.analytics.needs.intervals import (
    byar,
    dobson,
    exact_poisson,
    poisson_interval,
    wilson,
    z_value,
)

Z95 = 1.959963984540054


def test_z_value():
    assert z_value(0.95) == pytest.approx(Z95)
    assert z_value(0.998) == pytest.approx(3.090232306167813)
    with pytest.raises(ValueError):
        z_value(95)


def test_wilson_for_10_out_of_100_worked_by_hand():
    # (2x + z² ∓ z√(z² + 4x(1 − x/n))) / (2(n + z²)) with x = 10, n = 100
    z2 = Z95**2
    root = Z95 * math.sqrt(z2 + 4 * 10 * (1 - 10 / 100))
    lower_hand = (20 + z2 - root) / (2 * (100 + z2))
    upper_hand = (20 + z2 + root) / (2 * (100 + z2))
    lower, upper = wilson(10, 100)
    assert lower == pytest.approx(lower_hand, rel=1e-12)
    assert upper == pytest.approx(upper_hand, rel=1e-12)
    assert round(float(lower), 4) == 0.0552
    assert round(float(upper), 4) == 0.1744


def test_wilson_edges():
    lower, upper = wilson([0, 7, 0], [20, 7, 0])
    assert lower[0] == 0 and upper[0] > 0
    assert upper[1] == 1 and lower[1] < 1
    assert np.isnan(lower[2]) and np.isnan(upper[2])


def test_exact_poisson_matches_chi_square_formula():
    lower, upper = exact_poisson([0, 1, 5])
    assert lower[0] == 0
    assert upper[0] == pytest.approx(chi2.ppf(0.975, 2) / 2)  # 3.689
    assert upper[0] == pytest.approx(3.6888794541139363)
    assert lower[2] == pytest.approx(chi2.ppf(0.025, 10) / 2)
    assert upper[2] == pytest.approx(chi2.ppf(0.975, 12) / 2)


def test_byar_for_100_events_worked_by_hand():
    lower_hand = 100 * (1 - 1 / 900 - Z95 / 30) ** 3
    upper_hand = 101 * (1 - 1 / 909 + Z95 / (3 * math.sqrt(101))) ** 3
    lower, upper = byar(100)
    assert lower == pytest.approx(lower_hand, rel=1e-12)
    assert upper == pytest.approx(upper_hand, rel=1e-12)
    # and close to the textbook exact limits for 100 events, 81.36 to 121.63
    assert round(float(lower), 1) == 81.4
    assert round(float(upper), 1) == 121.6


def test_byar_is_within_0_2_percent_of_exact_from_10_events():
    # PHE Technical Guide - Confidence Intervals: "Byar's method is within 0.2% of the exact
    # value for numerators of 10 or more" (95% limits)
    o = np.arange(10, 2001)
    bl, bu = byar(o)
    el, eu = exact_poisson(o)
    assert np.max(np.abs(bl / el - 1)) < 0.002
    assert np.max(np.abs(bu / eu - 1)) < 0.002


def test_phe_rule_uses_exact_below_10_and_byar_from_10():
    o = np.array([0, 3, 9, 10, 50])
    lower, upper = poisson_interval(o)
    el, eu = exact_poisson(o)
    bl, bu = byar(o)
    assert np.allclose(lower[:3], el[:3]) and np.allclose(upper[:3], eu[:3])
    assert np.allclose(lower[3:], bl[3:]) and np.allclose(upper[3:], bu[3:])
    scalar = poisson_interval(4)
    assert float(scalar[0]) == pytest.approx(float(exact_poisson(4)[0]))
    with pytest.raises(ValueError):
        poisson_interval(o, method="normal")


def test_agreement_with_phstatsmethods(phstats):
    for x, n in [(0, 10), (1, 10), (10, 100), (57, 80), (4990, 10000)]:
        lower, upper = wilson(x, n)
        assert lower == pytest.approx(phstats.wilson_lower(x, n, 0.95), abs=1e-12)
        assert upper == pytest.approx(phstats.wilson_upper(x, n, 0.95), abs=1e-12)
        lower, upper = wilson(x, n, 0.998)
        assert lower == pytest.approx(phstats.wilson_lower(x, n, 0.998), abs=1e-12)
    for o in [1, 5, 9, 10, 11, 100, 5000]:
        lower, upper = poisson_interval(o)
        # PHStatsMethods' byars_lower/upper use the exact method below 10, as PHE does
        assert lower == pytest.approx(phstats.byars_lower(o, 0.95), rel=1e-10)
        assert upper == pytest.approx(phstats.byars_upper(o, 0.95), rel=1e-10)
        lower, upper = exact_poisson(o, 0.998)
        assert lower == pytest.approx(phstats.exact_lower(o, 0.998), rel=1e-10)
        assert upper == pytest.approx(phstats.exact_upper(o, 0.998), rel=1e-10)


def test_dobson_worked_by_hand():
    # value 0.01, 40 events, variance 2.5e-6: limits 0.01 + √(2.5e-6/40)·(O_limit − 40)
    lower, upper = dobson(0.01, 40, 2.5e-6)
    bl, bu = byar(40)
    scale = math.sqrt(2.5e-6 / 40)
    assert lower == pytest.approx(0.01 + scale * (bl - 40))
    assert upper == pytest.approx(0.01 + scale * (bu - 40))
    nothing = dobson(0.0, 0, 0.0)
    assert np.isnan(nothing[0]) and np.isnan(nothing[1])


def test_dobson_matches_phstatsmethods(phstats):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected_lower = phstats.dobson_lower(523.4, 87, 2.1e-7, 0.95, 100000)
        expected_upper = phstats.dobson_upper(523.4, 87, 2.1e-7, 0.95, 100000)
    # PHStatsMethods takes the value per 100,000 and the variance unscaled
    lower, upper = dobson(523.4 / 1e5, 87, 2.1e-7)
    assert lower * 1e5 == pytest.approx(expected_lower, rel=1e-12)
    assert upper * 1e5 == pytest.approx(expected_upper, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    x=st.integers(min_value=0, max_value=500),
    extra=st.integers(min_value=0, max_value=500),
    factor=st.integers(min_value=2, max_value=20),
)
def test_wilson_limits_contain_the_proportion_and_widen_as_denominators_shrink(x, extra, factor):
    n = x + extra
    if n == 0:
        return
    lower, upper = wilson(x, n)
    p = x / n
    assert lower <= p + 1e-12 and p - 1e-12 <= upper
    # same proportion from a bigger denominator: a narrower interval
    big_lower, big_upper = wilson(x * factor, n * factor)
    assert big_upper - big_lower < upper - lower


@settings(max_examples=200, deadline=None)
@given(o=st.integers(min_value=0, max_value=100_000), confidence=st.sampled_from([0.95, 0.998]))
def test_poisson_limits_contain_the_count(o, confidence):
    for method in ("phe", "byar", "exact"):
        lower, upper = poisson_interval(o, confidence, method)
        assert 0 <= lower <= o <= upper
    wide = poisson_interval(o, 0.998)
    narrow = poisson_interval(o, 0.95)
    assert wide[0] <= narrow[0] and wide[1] >= narrow[1]
