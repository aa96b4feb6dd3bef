"""The pure arithmetic of contract performance, checked against figures worked by hand.

No database: months, phasing, year to date and variance, the forecast outturn and its range,
the payment forms (block, activity-based, aligned payment and incentive, cost and volume),
incentive money, the value of a contract on a date from its variations, and damaged CSV files.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from commissioning.contracts import forecast as fc
from commissioning.contracts import incentives as inc
from commissioning.contracts import payment as pay
from commissioning.contracts import variations as vr
from commissioning.contracts.files import check_csv
from commissioning.contracts.months import (
    financial_year,
    label,
    month_end,
    month_for,
    month_of_year,
    months,
    parse_year,
)
from commissioning.contracts.phasing import phase, profile
from commissioning.contracts.variance import position, year_to_date
from commissioning.errors import InputError

D = dt.date
NONE9 = [None] * 9


def test_financial_months():
    assert financial_year(D(2013, 3, 31)) == 2012 and financial_year(D(2013, 4, 1)) == 2013
    assert month_of_year(D(2012, 4, 15)) == 1 and month_of_year(D(2013, 3, 1)) == 12
    assert months(2012)[0] == D(2012, 4, 1) and months(2012)[-1] == D(2013, 3, 1)
    assert month_for(2012, 10) == D(2013, 1, 1)
    assert label(2012) == "2012/13" and label(1999) == "1999/00"
    assert month_end(D(2012, 2, 3)) == D(2012, 2, 29)
    for text in ("2012/13", "2012-13", "201213", "2012", " 2012/2013 "):
        assert parse_year(text) == 2012, text
    for text in ("2012/14", "12/13", "twelve", "", "2012-1"):
        assert parse_year(text) is None, text


def test_phasing_keeps_the_annual_total():
    assert phase(1200) == [100.0] * 12
    shape = [3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]
    by_month = phase(1000, shape, whole=True)
    assert sum(by_month) == 1000 and all(x == int(x) for x in by_month)
    assert by_month[0] == 200  # 3/15 of 1,000
    assert profile([1, None] + [1] * 10) == [1 / 12] * 12  # a gap: evenly


# The forecast, worked by hand. Last year 10 a month for six months, then 20 a month (total 180),
# so April to June expect 1/18 of the year each, S = 3/18 = 1/6. This year 12, 11, 13: A = 36.
# R = 36 / (1/6) = 216; F = 36 + 216 x 5/6 = 216. Residuals a_i - R e_i = 0, -1, 1: s2 = 2/2 = 1.
# Var(F) = 1 x ((12 - 3) + 3 x (5/6)^2 / (1/6)^2) = 9 + 75 = 84; t(0.975, 2) = 4.302653.
LAST_YEAR = [10] * 6 + [20] * 6


def test_forecast_run_rate_with_last_years_seasonality_worked_by_hand():
    f = fc.forecast([12, 11, 13, *NONE9], LAST_YEAR)
    assert f.method == fc.LAST_YEAR and f.months == 3
    assert f.share == pytest.approx(1 / 6)
    assert f.run_rate == pytest.approx(216)
    assert f.outturn == pytest.approx(216)
    half = 4.302653 * math.sqrt(84)
    assert f.lower == pytest.approx(216 - half, abs=1e-3)
    assert f.upper == pytest.approx(216 + half, abs=1e-3)


def test_forecast_falls_back_to_the_plan_then_twelfths():
    plan = [100] * 6 + [200] * 6  # the plan's phasing: the same shape as LAST_YEAR
    by_plan = fc.forecast([12, 11, 13, *NONE9], [None] * 12, plan)
    assert by_plan.method == fc.PLAN_PHASING and by_plan.outturn == pytest.approx(216)
    straight = fc.forecast([12, 11, 13, *NONE9])
    assert straight.method == fc.STRAIGHT_LINE
    assert straight.outturn == pytest.approx(36 * 4)  # 36 in a quarter of the year
    one = fc.forecast([12, *[None] * 11], LAST_YEAR)
    assert one.outturn == pytest.approx(12 * 18) and not one.has_interval
    whole = fc.forecast(list(range(1, 13)))
    assert whole.outturn == whole.lower == whole.upper == 78 and whole.method == fc.COMPLETE
    assert fc.forecast([None] * 12).outturn is None
    with pytest.raises(ValueError):
        fc.forecast([1, 2, 3])


def test_year_to_date_and_variance():
    ytd = year_to_date([100] * 12, [110, 90, 120, *NONE9])
    assert (ytd.plan, ytd.actual, ytd.months) == (300, 320, 3)
    assert ytd.variance == 20 and ytd.percent == pytest.approx(20 / 3) and ytd.direction == "over"
    # May was reported without a plan: unplanned activity, planned as nothing; June has no
    # activity yet, so its plan does not count
    unplanned = year_to_date([100, None, 100] + [100] * 9, [80, 50, None, *NONE9])
    assert (unplanned.plan, unplanned.actual, unplanned.direction) == (100, 130, "over")
    assert year_to_date([100] * 12, [None] * 12).variance is None
    assert position(50, 60, 90) == "over" and position(95, 60, 90) == "under"
    assert position(75, 60, 90) == "both" and position(None, 60, 90) is None


# Payment forms, by hand. A line planned at 100 units (£10,000 at £100) that did 120:
def test_block_pays_its_value_whatever_the_activity():
    paid = pay.line_paid(
        pay.BLOCK, pay.Terms(price=100), plan_activity=100, plan_cost=None, activity=120
    )
    assert paid.amount is None  # no money of its own: the contract's fixed sum pays
    # A block of £1,200,000 a year, varied to £1,320,000 from month 4: six months paid.
    assert pay.fixed_sum_to_date([1_200_000] * 3 + [1_320_000] * 3) == pytest.approx(630_000)


def test_activity_based_payment_is_price_times_volume():
    terms = pay.Terms(price=100)
    paid = pay.line_paid(pay.ACTIVITY, terms, plan_activity=100, plan_cost=None, activity=120)
    assert paid.amount == 12_000 and paid.rule == "price x volume"
    reported = pay.line_paid(
        pay.ACTIVITY, terms, plan_activity=100, plan_cost=None, activity=120, actual_cost=12_345
    )
    assert reported.amount == 12_345  # the provider's reported cost (e.g. with MFF)
    fixed = pay.line_paid(
        pay.ACTIVITY,
        pay.Terms(price=100, fixed=True),
        plan_activity=100,
        plan_cost=None,
        activity=120,
    )
    assert fixed.amount == 10_000


def test_aligned_payment_and_incentive_fixed_plus_variable():
    fixed = pay.line_paid(
        pay.API, pay.Terms(price=100, fixed=True), plan_activity=100, plan_cost=None, activity=130
    )
    assert fixed.amount == 10_000  # the fixed element pays the plan whatever the activity
    full = pay.line_paid(
        pay.API, pay.Terms(price=100, rate=100), plan_activity=100, plan_cost=None, activity=120
    )
    assert full.amount == 12_000  # 10,000 + 100% x £100 x 20
    three_quarters = pay.line_paid(
        pay.API, pay.Terms(price=100, rate=75), plan_activity=100, plan_cost=None, activity=80
    )
    assert three_quarters.amount == 8_500  # 10,000 - 75% x £100 x 20


def test_cost_and_volume_pays_the_band_and_the_marginal_rate_outside_it():
    # 290 a year at £2,000 (£580,000), band 250 to 330, 80% outside; half a year planned (145):
    # the band to date is 125 to 165.
    terms = pay.Terms(price=2000, rate=80, floor=250, ceiling=330)

    def paid(activity):
        return pay.line_paid(
            pay.COST_AND_VOLUME,
            terms,
            plan_activity=145,
            plan_cost=290_000,
            activity=activity,
            year_plan_activity=290,
        ).amount

    assert paid(150) == 290_000
    assert paid(175) == pytest.approx(290_000 + 0.8 * 2000 * 10)
    assert paid(120) == pytest.approx(290_000 - 0.8 * 2000 * 5)


def test_value_and_term_on_a_date_from_the_variations():
    changes = [
        vr.Change(1, "uplift", "signed", D(2011, 4, 1), value_change=10_000),
        vr.Change(2, "cut", "signed", D(2012, 1, 1), value_change=-4_000),
        vr.Change(3, "proposed", "awaiting_signature", D(2011, 6, 1), value_change=99_999),
        vr.Change(4, "extension", "signed", D(2012, 1, 1), new_end=D(2014, 3, 31)),
    ]
    assert vr.value_on(100_000, changes, D(2011, 3, 31)) == 100_000
    assert vr.value_on(100_000, changes, D(2011, 4, 1)) == 110_000
    assert vr.value_on(100_000, changes, D(2013, 1, 1)) == 106_000  # the unsigned one never
    assert vr.end_on(D(2013, 3, 31), changes, D(2011, 12, 31)) == D(2013, 3, 31)
    assert vr.end_on(D(2013, 3, 31), changes, D(2012, 1, 1)) == D(2014, 3, 31)
    steps = vr.timeline(100_000, D(2008, 4, 1), D(2013, 3, 31), changes)
    assert [s.value_after for s in steps] == [100_000, 110_000, 106_000, 106_000]
    assert steps[-1].end_after == D(2014, 3, 31)


def test_incentive_money_earned_lost_and_at_risk():
    value = inc.milestone_value(34_200, 100, 25)
    assert value == pytest.approx(8_550)
    assert inc.scheme_value(None, 2, 1_710_000) == pytest.approx(34_200)
    total = (
        inc.money(value, inc.MET)
        + inc.money(value, inc.NOT_MET)
        + inc.money(value, inc.PARTLY_MET, 40)
        + inc.money(value, inc.PENDING)
    )
    assert total.earned == pytest.approx(value * 1.4)
    assert total.lost == pytest.approx(value * 1.6)
    assert total.at_risk == pytest.approx(value) and total.total == pytest.approx(4 * value)
    assert inc.judge(82, 80, inc.HIGHER_BETTER) == inc.MET
    assert inc.judge(20, 18, inc.LOWER_BETTER) == inc.NOT_MET
    assert inc.judge(20, 18, "neutral") is None and inc.judge(None, 18, inc.HIGHER_BETTER) is None
    assert (
        inc.weights_problem([60, 30], "indicator")
        == "the indicator weights add up to 90%, not 100%"
    )
    assert inc.weights_problem([60, 40], "indicator") is None


HEADER = b"contract_reference,line,month,activity,cost\n"


@pytest.mark.parametrize(
    ("body", "row", "words"),
    [
        (b"CT-1,NEL,2023-04-01,130,\nCT-1,NEL,2023-05-01,130,,9\n", 3, "has 6 values"),
        (b"CT-1,NEL,2023-04-01,130,\nCT-1,NEL,2023-05-01\n", 3, "has only 3 of the header's 5"),
        (b"CT-1,NEL,2023-04-01,130,\nCT-1,NEL,2023-05", 3, "the last row is cut short"),
        (b'CT-1,NEL,2023-04-01,130,\nCT-1,"NEL,2023-05-01,1', 3, "ends inside a quoted value"),
    ],
)
def test_damaged_csv_rows_are_located(body, row, words):
    with pytest.raises(InputError) as caught:
        check_csv(HEADER + body, "plans.csv")
    problem = caught.value.problems[0]
    assert (problem.file, problem.row) == ("plans.csv", row) and words in problem.message


def test_a_whole_csv_file_passes():
    check_csv(HEADER + b'CT-1,NEL,2023-04-01,130,"1,300"\n\nCT-1,NEL,2023-05-01,1,', "ok.csv")
