"""Confidence intervals for counts and proportions, vectorised over arrays.

Methods and when PHE/OHID use them (Public Health Data Science, *Technical Guide: Confidence
Intervals*; APHO *Technical Briefing 3*):

- proportions: Wilson score (Wilson 1927; Newcombe & Altman 2000);
- counts, crude rates and indirectly standardised ratios: Byar's approximation (Breslow & Day
  1987) for 10 or more events, the exact chi-square/Poisson method (Armitage & Berry 2002) below
  10 - called ``"phe"`` here;
- directly standardised rates: Dobson et al. (1991), with the count's limits from the rule above.

Every function takes numbers or numpy arrays and returns numpy arrays (or floats).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

POISSON_METHODS = ("phe", "byar", "exact")


def z_value(confidence: float = 0.95) -> float:
    """The two-sided normal deviate for a confidence level (1.959964 for 0.95)."""
    _check_confidence(confidence)
    return float(ndtri(0.5 + confidence / 2))


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence}")


def wilson(count, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for the proportion ``count / n``.

    ``(2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²))``. Where ``n`` is 0 the limits are NaN.
    """
    z = z_value(confidence)
    x = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = z * np.sqrt(np.maximum(z * z + 4 * x * (1 - x / n), 0.0))
        denom = 2 * (n + z * z)
        lower = (2 * x + z * z - root) / denom
        upper = (2 * x + z * z + root) / denom
    bad = ~(n > 0)
    lower = np.where(bad, np.nan, np.clip(lower, 0.0, 1.0))
    upper = np.where(bad, np.nan, np.clip(upper, 0.0, 1.0))
    return lower, upper


def exact_poisson(count, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (chi-square) Poisson limits for a count: ``χ²(α/2; 2O)/2``, ``χ²(1−α/2; 2O+2)/2``."""
    _check_confidence(confidence)
    alpha = 1 - confidence
    o = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore"):
        from scipy.stats import chi2  # loaded on first use: SciPy's stats take a second

        lower = np.where(o > 0, chi2.ppf(alpha / 2, 2 * np.maximum(o, 1e-300)) / 2, 0.0)
        upper = chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2
    return lower, upper


def byar(count, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the exact Poisson limits.

    ``O(1 − 1/(9O) − z/(3√O))³`` and ``(O+1)(1 − 1/(9(O+1)) + z/(3√(O+1)))³``. At ``O = 0`` the
    lower limit is 0.
    """
    z = z_value(confidence)
    o = np.asarray(count, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        o1 = o + 1
        upper = o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3
    lower = np.where(o > 0, np.maximum(lower, 0.0), 0.0)
    return lower, upper


def poisson_interval(
    count, confidence: float = 0.95, method: str = "phe"
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson limits for a count, by method ``"phe"``, ``"byar"`` or ``"exact"``.

    ``"phe"`` is Byar's method from 10 events and the exact method below 10.
    """
    if method == "exact":
        return exact_poisson(count, confidence)
    if method == "byar":
        return byar(count, confidence)
    if method != "phe":
        raise ValueError(
            f"unknown method '{method}' (expected one of {', '.join(POISSON_METHODS)})"
        )
    o = np.asarray(count, dtype=float)
    lower, upper = byar(o, confidence)
    small = o < 10
    if small.any():  # the exact method is slow, so only where it is needed
        el, eu = exact_poisson(o[small], confidence)
        lower = np.array(lower, dtype=float, ndmin=1)
        upper = np.array(upper, dtype=float, ndmin=1)
        lower[np.atleast_1d(small)] = el
        upper[np.atleast_1d(small)] = eu
        if o.ndim == 0:
            return lower[0], upper[0]
    return lower, upper


def dobson(
    value, count, variance, confidence: float = 0.95, method: str = "phe"
) -> tuple[np.ndarray, np.ndarray]:
    """Dobson et al. (1991) limits for a weighted sum of Poisson counts, such as a DSR.

    ``value + √(variance / O) · (O_limit − O)``, where ``O`` is the total count, ``O_limit`` its
    Poisson limit and ``variance`` the variance of ``value`` (same scale as ``value``). Where
    ``O`` is 0 the limits are NaN.
    """
    v = np.asarray(value, dtype=float)
    o = np.asarray(count, dtype=float)
    var = np.asarray(variance, dtype=float)
    ol, ou = poisson_interval(o, confidence, method)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(var / o)
        lower = v + scale * (ol - o)
        upper = v + scale * (ou - o)
    none = ~(o > 0)
    return np.where(none, np.nan, lower), np.where(none, np.nan, upper)
