"""Incentive schemes (CQUIN and local ones): what each milestone is worth and what was earned.

A scheme is worth its value (or its percentage of the contract's annual value). Each of its
indicators has a weight (% of the scheme) and each indicator's milestones a weight (% of the
indicator), so a milestone is worth ``scheme value x indicator weight x milestone weight``.

A milestone is **met** (its whole value earned), **partly met** (the share agreed earned, the
rest lost), **not met** (its value lost) or **pending**. A pending milestone that is due is
judged from monitoring when it names an indicator with observations and a target: met when the
latest value on or before the due date reaches the target in the indicator's better direction.
Money still pending (not yet due, or due and not yet judged) is **at risk**: it may yet be
earned or lost.

Pure (no Django).
"""

from __future__ import annotations

from dataclasses import dataclass

PENDING, MET, PARTLY_MET, NOT_MET = "pending", "met", "partly_met", "not_met"
HIGHER_BETTER, LOWER_BETTER = "higher_better", "lower_better"


def scheme_value(value: float | None, percent: float | None, contract_value: float) -> float:
    """A scheme's value: as recorded, or its percentage of the contract's annual value."""
    if value is not None:
        return float(value)
    if percent is not None:
        return contract_value * float(percent) / 100
    return 0.0


def milestone_value(scheme: float, indicator_weight: float, milestone_weight: float) -> float:
    return scheme * indicator_weight / 100 * milestone_weight / 100


@dataclass(frozen=True)
class Money:
    earned: float = 0.0
    lost: float = 0.0
    at_risk: float = 0.0

    def __add__(self, other: Money) -> Money:
        return Money(
            self.earned + other.earned, self.lost + other.lost, self.at_risk + other.at_risk
        )

    @property
    def total(self) -> float:
        return self.earned + self.lost + self.at_risk


def money(value: float, status: str, share: float | None = None) -> Money:
    """How a milestone's ``value`` splits into earned, lost and at risk by its status
    (``share``: the percentage earned when partly met)."""
    if status == MET:
        return Money(earned=value)
    if status == NOT_MET:
        return Money(lost=value)
    if status == PARTLY_MET:
        part = value * max(0.0, min(100.0, share or 0.0)) / 100
        return Money(earned=part, lost=value - part)
    return Money(at_risk=value)


def judge(value: float | None, target: float | None, polarity: str) -> str | None:
    """MET or NOT_MET for a monitored ``value`` against ``target``; None when it cannot be
    judged (no value, no target, or an indicator with no better direction)."""
    if value is None or target is None:
        return None
    if polarity == HIGHER_BETTER:
        return MET if value >= target else NOT_MET
    if polarity == LOWER_BETTER:
        return MET if value <= target else NOT_MET
    return None


def weights_problem(weights: list[float], what: str) -> str | None:
    """A sentence when ``weights`` (percentages) do not add up to 100, else None."""
    total = sum(weights)
    if weights and abs(total - 100) > 0.01:
        return f"the {what} weights add up to {total:g}%, not 100%"
    return None
