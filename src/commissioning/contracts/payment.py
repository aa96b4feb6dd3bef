"""What a contract pays, by payment form: the money rules, one place.

Each contract line has a price (£ a unit of its currency) and may be **fixed** (paid as planned
whatever the activity). For a stretch of months (the year to date, or the whole year at the
forecast outturn), with the line's planned activity ``P``, planned money ``C`` (the plan's cost,
or ``P x price`` when the plan gives none) and actual activity ``A``:

- **Block** (and **other**, such as a section 75 pooled budget): the contract pays its annual
  value in twelfths whatever the activity. Activity is monitored against the *indicative*
  plan; there is no money variance, and the lines carry no money of their own.
- **Activity-based payment** (Payment by Results at national tariff, or local prices):
  price x volume. A line pays ``A x price`` (or the actual cost reported, when the file gives
  one: it carries adjustments such as the market forces factor); a fixed line pays ``C``.
- **Aligned payment and incentive** (from 2023): a fixed element plus a variable element.
  Fixed lines are the fixed element and pay ``C`` whatever the activity. The other lines are
  the variable element (elective activity): they pay ``C + rate x price x (A - P)``, where
  ``rate`` is the line's marginal rate (100% under the NHS Payment Scheme 2023/25, which pays
  elective activity at full unit prices; 75% above baseline in 2022/23).
- **Cost and volume**: a line with a volume band (``floor`` to ``ceiling`` a year) pays ``C``
  for activity inside the band, plus ``rate x price`` for each unit above the ceiling, less
  ``rate x price`` for each unit below the floor. Over part of a year the band is taken in
  proportion to the plan (``floor x P / P_year``). A line without a band pays price x volume.

Money is in pounds as floats (the presenter rounds for display). Pure (no Django).
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCK, ACTIVITY, COST_AND_VOLUME, API, OTHER = (
    "block",
    "activity",
    "cost_and_volume",
    "api",
    "other",
)
FIXED_SUM = (BLOCK, OTHER)  # forms that pay the contract's value whatever the activity

RULES = {
    BLOCK: "Block: the annual value is paid in twelfths whatever the activity; activity is "
    "monitored against the indicative plan, with no money variance.",
    OTHER: "A fixed sum (such as a pooled budget) paid whatever the activity; activity is "
    "monitored against the indicative plan, with no money variance.",
    ACTIVITY: "Activity-based payment: each line pays its price times its activity "
    "(price x volume).",
    API: "Aligned payment and incentive: a fixed element paid as planned whatever the activity, "
    "plus a variable element paying each unit of activity away from plan at the line's price "
    "times its marginal rate.",
    COST_AND_VOLUME: "Cost and volume: each line's agreed price covers activity inside its "
    "volume band; units above the band are paid, and units below it refunded, at the line's "
    "price times its marginal rate.",
}


@dataclass(frozen=True)
class Terms:
    """How one line is paid."""

    price: float | None
    fixed: bool = False
    rate: float = 100.0  # marginal rate, % of the price
    floor: float | None = None  # cost and volume band, units a year
    ceiling: float | None = None


@dataclass(frozen=True)
class Paid:
    amount: float | None  # None: the line has no money of its own (block, or no price)
    rule: str


def planned_money(plan_activity: float | None, plan_cost: float | None, price: float | None):
    """The plan's money: its cost when given, otherwise activity x price (None if neither)."""
    if plan_cost is not None:
        return float(plan_cost)
    if plan_activity is None or price is None:
        return None
    return float(plan_activity) * float(price)


def line_paid(
    form: str,
    terms: Terms,
    *,
    plan_activity: float | None,
    plan_cost: float | None,
    activity: float | None,
    actual_cost: float | None = None,
    year_plan_activity: float | None = None,
) -> Paid:
    """What one line pays over the months whose plan and activity are given."""
    if form in FIXED_SUM:
        return Paid(None, "part of the contract's fixed sum")
    planned = planned_money(plan_activity, plan_cost, terms.price)
    if terms.fixed:
        return Paid(planned, "fixed: paid as planned whatever the activity")
    if activity is None:
        return Paid(None, "no activity reported")
    rate = terms.rate / 100
    if form == API:
        if planned is None or terms.price is None or plan_activity is None:
            return Paid(None, "variable element without a plan or price")
        return Paid(
            planned + rate * terms.price * (activity - plan_activity),
            f"variable: plan plus {terms.rate:g}% of the price for activity away from plan",
        )
    if form == COST_AND_VOLUME and terms.floor is not None and terms.ceiling is not None:
        if planned is None or terms.price is None or not year_plan_activity:
            return Paid(None, "volume band without a plan or price")
        share = (plan_activity or 0.0) / year_plan_activity
        floor, ceiling = terms.floor * share, terms.ceiling * share
        if activity > ceiling:
            return Paid(
                planned + rate * terms.price * (activity - ceiling),
                f"above the volume band: {terms.rate:g}% of the price for each unit above it",
            )
        if activity < floor:
            return Paid(
                planned - rate * terms.price * (floor - activity),
                f"below the volume band: {terms.rate:g}% of the price refunded for each unit",
            )
        return Paid(planned, "inside the volume band: the agreed price")
    if actual_cost is not None:
        return Paid(float(actual_cost), "the actual cost reported")
    if terms.price is None:
        return Paid(None, "no price")
    return Paid(float(activity) * terms.price, "price x volume")


def fixed_sum_to_date(monthly_values: list[float]) -> float:
    """What a block contract has paid over some months: a twelfth of the annual value in force
    in each month (the value on each month's first day, from the contract's variations)."""
    return sum(v / 12 for v in monthly_values)
