"""Year to date and variance against plan, and where a line runs against its plan.

- **Year to date** (YTD): the sum over the months reported so far of the financial year.
  A month counts in the plan's year to date only when its actual has been reported, so the
  two always cover the same months; a month reported without a plan counts as planned at
  nothing (its activity was not planned).
- **Variance**: actual minus plan (positive: over plan), and as a percentage of the plan.
- **Position against plan** from the SPC limits (as Making Data Count judges assurance, but
  with no better direction): a plan below the lower process limit means the line will run
  over plan month after month; above the upper limit, under plan; between them, some months
  over and some under.

Pure (no Django).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

OVER, UNDER, BOTH = "over", "under", "both"
POSITIONS = {
    OVER: "Runs over plan every month (the plan is below the lower process limit)",
    UNDER: "Runs under plan every month (the plan is above the upper process limit)",
    BOTH: "Some months over plan, some under (the plan is between the process limits)",
}


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


@dataclass(frozen=True)
class YearToDate:
    plan: float | None
    actual: float | None
    months: int

    @property
    def variance(self) -> float | None:
        if self.plan is None or self.actual is None:
            return None
        return self.actual - self.plan

    @property
    def percent(self) -> float | None:
        v = self.variance
        if v is None or not self.plan:
            return None
        return 100 * v / self.plan

    @property
    def direction(self) -> str | None:
        v = self.variance
        if v is None:
            return None
        return OVER if v > 0 else UNDER if v < 0 else "on plan"


def year_to_date(plan: Sequence[float | None], actual: Sequence[float | None]) -> YearToDate:
    """Plan and actual over the months with an actual (plan and actual by month, April first).

    The plan's YTD is None when none of those months has a plan.
    """
    months = [i for i, a in enumerate(actual) if not _missing(a)]
    if not months:
        return YearToDate(None, None, 0)
    planned = [plan[i] for i in months if i < len(plan) and not _missing(plan[i])]
    return YearToDate(
        float(sum(planned)) if planned else None,
        float(sum(actual[i] for i in months)),
        len(months),
    )


def position(plan: float | None, lower: float | None, upper: float | None) -> str | None:
    """Where the process runs against ``plan``: OVER, UNDER or BOTH (None without limits)."""
    if _missing(plan) or _missing(lower) or _missing(upper):
        return None
    if plan < lower:
        return OVER
    if plan > upper:
        return UNDER
    return BOTH
