"""An estimated effect with its interval and p-value, and how to get one from a fitted model."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """A point estimate, the ends of its confidence interval and a two-sided p-value.

    ``lower``, ``upper`` or ``p_value`` are None when the method gives none.
    """

    estimate: float
    lower: float | None
    upper: float | None
    p_value: float | None

    def covers(self, value: float) -> bool:
        """True when ``value`` lies inside the interval."""
        return self.lower is not None and self.lower <= value <= self.upper

    def as_dict(self) -> dict:
        return {k: (None if v is None else float(v)) for k, v in asdict(self).items()}


def linear_combination(
    beta: np.ndarray,
    cov: np.ndarray,
    weights: np.ndarray,
    *,
    df: float | None,
    level: float = 0.95,
    exponentiate: bool = False,
) -> Estimate:
    """Estimate of ``weights @ beta`` with a Wald interval (t with ``df`` degrees, or normal).

    With ``exponentiate`` the estimate and interval are put through exp() (rate ratios from a
    log-link model); the p-value still tests the log-scale value against zero.
    """
    value = float(weights @ beta)
    se = math.sqrt(max(float(weights @ cov @ weights), 0.0))
    dist = stats.t(df) if df else stats.norm()
    crit = dist.ppf(0.5 + level / 2)
    p = float(2 * dist.sf(abs(value) / se)) if se > 0 else float("nan")
    lower, upper = value - crit * se, value + crit * se
    if exponentiate:
        value, lower, upper = math.exp(value), math.exp(lower), math.exp(upper)
    return Estimate(value, lower, upper, p)
