"""Effort versus gain: the labour of commissioning beside the estimated effect.

Puts the hours and cost of the commissioning work next to the estimated effect and, when the
effect's interval is clearly on one side of zero, the cost per unit of effect with a range.
It does not value the effect in money and does not count the cost of the care itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from commissioning.analytics.impact.estimate import Estimate


@dataclass(frozen=True)
class EffortVersusGain:
    hours: float
    cost: float
    effect: Estimate
    cost_per_unit: float | None
    cost_per_unit_range: tuple[float, float] | None
    statement: str


def labour(activities: pd.DataFrame) -> tuple[float, float]:
    """Total hours and cost of activities (columns ``hours`` and ``hourly_cost`` or ``cost``)."""
    if "hours" not in activities.columns:
        raise ValueError("the activities need an 'hours' column")
    hours = float(activities["hours"].fillna(0).sum())
    if "cost" in activities.columns:
        cost = float(activities["cost"].fillna(0).sum())
    elif "hourly_cost" in activities.columns:
        cost = float((activities["hours"].fillna(0) * activities["hourly_cost"].fillna(0)).sum())
    else:
        raise ValueError("the activities need a 'cost' or an 'hourly_cost' column")
    return hours, cost


def effort_versus_gain(
    activities: pd.DataFrame, effect: Estimate, *, unit: str = "unit of the indicator"
) -> EffortVersusGain:
    """Labour of commissioning (from ``activities``) beside ``effect`` (in the indicator's units).

    The sign of the effect is taken as given: a cost per unit is given for the size of the
    change, whichever its direction, and only when the interval excludes zero.
    """
    hours, cost = labour(activities)
    text = f"The commissioning work took {hours:,.0f} hours, costing about £{cost:,.0f}. "
    per, span = None, None
    lo, hi = effect.lower, effect.upper
    if lo is None or hi is None or lo <= 0 <= hi or effect.estimate == 0:
        text += (
            f"The estimated effect was {effect.estimate:.3g} per {unit}, but the interval "
            "includes no change, so no cost per unit of effect can be given."
        )
    else:
        per = cost / abs(effect.estimate)
        ends = sorted([cost / abs(lo), cost / abs(hi)])
        span = (ends[0], ends[1])
        text += (
            f"With an estimated effect of {effect.estimate:.3g} (95% interval {lo:.3g} to "
            f"{hi:.3g}), that is about £{per:,.0f} of commissioning labour per {unit} of "
            f"change (between £{span[0]:,.0f} and £{span[1]:,.0f})."
        )
    return EffortVersusGain(hours, cost, effect, per, span, text)
