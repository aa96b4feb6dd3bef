"""Forecast outturn: where a line's activity will end the year, with its uncertainty.

**Method: run rate with seasonality.** With ``m`` months reported, each month ``i`` has an
expected share ``e_i`` of the year's activity: last year's actual activity in that month over
last year's total (when last year has all twelve months); failing that, the plan's phasing
(when the plan has all twelve months); failing that, a twelfth. ``S`` is the share of the
year reported so far (the sum of ``e_i`` over the reported months) and ``A`` the activity
reported so far. The year runs at the rate ``R = A / S``, and the forecast outturn is

    F = A + R x (1 - S)

(the activity reported plus the run rate applied to the share of the year still to come).
With every month reported, the outturn is the year's actual activity.

**Uncertainty.** Each reported month differs from what the run rate expects of it by
``r_i = a_i - R e_i``; their variance ``s2 = sum(r_i^2) / (m - 1)`` measures the month-to-month
noise (taken as the same in every month). The months still to come add ``(12 - m) s2`` of
variance and the error in ``R`` adds ``(1 - S)^2 m s2 / S^2``, so

    Var(F) = s2 x ((12 - m) + m (1 - S)^2 / S^2)

and the 95% interval is ``F +/- t(0.975, m - 1) x sqrt(Var(F))`` (Student's t with ``m - 1``
degrees of freedom). With one month reported there is no estimate of the noise and no interval.
The interval assumes the rest of the year behaves as the months so far (no new trend, no change
in the seasonal shape); it is the range of the forecast, not of what a contract decision
could change.

Pure (no Django).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from commissioning.contracts.months import MONTHS_IN_YEAR

LAST_YEAR = "run rate with last year's seasonality"
PLAN_PHASING = "run rate with the plan's phasing"
STRAIGHT_LINE = "straight-line run rate (no seasonal pattern known)"
COMPLETE = "the year's actual activity (every month reported)"
NOTHING = "no months reported yet"
LEVEL = 0.95


@dataclass(frozen=True)
class Forecast:
    outturn: float | None
    lower: float | None
    upper: float | None
    method: str
    months: int  # months reported
    share: float  # expected share of the year's activity in the months reported (S)
    run_rate: float | None  # R: the year's activity at the rate so far
    noise: float | None  # s: the standard deviation of a month about the run rate

    @property
    def has_interval(self) -> bool:
        return self.lower is not None


def _complete(values: Sequence[float | None] | None) -> list[float] | None:
    """Twelve numbers adding up to more than nothing, or None."""
    if values is None or len(values) != MONTHS_IN_YEAR:
        return None
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return None
    values = [float(v) for v in values]
    if sum(values) <= 0 or min(values) < 0:
        return None
    return values


def seasonal_shares(
    previous_year: Sequence[float | None] | None, plan: Sequence[float | None] | None
) -> tuple[list[float], str]:
    """Each month's expected share of the year and the method it comes from."""
    for values, method in ((previous_year, LAST_YEAR), (plan, PLAN_PHASING)):
        complete = _complete(values)
        if complete is not None:
            total = sum(complete)
            return [v / total for v in complete], method
    return [1 / MONTHS_IN_YEAR] * MONTHS_IN_YEAR, STRAIGHT_LINE


def forecast(
    actual: Sequence[float | None],
    previous_year: Sequence[float | None] | None = None,
    plan: Sequence[float | None] | None = None,
    *,
    level: float = LEVEL,
) -> Forecast:
    """The forecast outturn of twelve months of ``actual`` activity (None for a month not
    reported yet), with last year's actual activity and this year's plan by month (April
    first) as the seasonal pattern. See the module's description for the method."""
    if len(actual) != MONTHS_IN_YEAR:
        raise ValueError("actual activity must have twelve months, April to March")
    reported = [
        i
        for i, a in enumerate(actual)
        if a is not None and not (isinstance(a, float) and math.isnan(a))
    ]
    m = len(reported)
    if m == 0:
        return Forecast(None, None, None, NOTHING, 0, 0.0, None, None)
    total = float(sum(actual[i] for i in reported))
    if m == MONTHS_IN_YEAR:
        return Forecast(total, total, total, COMPLETE, m, 1.0, total, None)
    shares, method = seasonal_shares(previous_year, plan)
    share = sum(shares[i] for i in reported)
    if share <= 0:  # the reported months had no activity last year: fall back to twelfths
        shares, method = [1 / MONTHS_IN_YEAR] * MONTHS_IN_YEAR, STRAIGHT_LINE
        share = m / MONTHS_IN_YEAR
    rate = total / share
    outturn = total + rate * (1 - share)
    if m < 2:
        return Forecast(outturn, None, None, method, m, share, rate, None)
    residuals = [float(actual[i]) - rate * shares[i] for i in reported]
    s2 = sum(r * r for r in residuals) / (m - 1)
    variance = s2 * ((MONTHS_IN_YEAR - m) + m * (1 - share) ** 2 / share**2)
    half = stats.t.ppf(0.5 + level / 2, m - 1) * math.sqrt(variance)
    return Forecast(outturn, outturn - half, outturn + half, method, m, share, rate, math.sqrt(s2))
