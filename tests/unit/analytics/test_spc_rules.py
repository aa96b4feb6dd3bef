"""Special-cause rules and point types.

The first part reproduces NHSRplotthedots' unit tests of its rule functions
(tests/testthat/test-ptd_calculate_point_type.R) on ours; the second works whole series by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from commissioning.analytics.spc import rules, xmr
from commissioning.analytics.spc.point_type import POINT_TYPES, point_type, special_cause


def shift_ends(side) -> list[int]:
    side = np.array(side, dtype=np.int8)
    return rules.shift_ends(side).astype(int).tolist()


def trend_ends(values) -> list[int]:
    values = np.array(values, dtype=float)
    return rules.trend_ends(values).astype(int).tolist()


def two_of_three(near, side) -> list[int]:
    near = np.array(near, dtype=bool)
    side = np.array(side, dtype=np.int8)
    return rules.two_of_three(near, side).astype(int).tolist()


def labels(column: pd.Series) -> list:
    return [None if pd.isna(x) else str(x) for x in column.astype(object)]


def series(values, **columns) -> pd.DataFrame:
    dates = pd.date_range("2021-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"date": dates, "value": values, **columns})


# --- the package's rule unit tests -------------------------------------------------------


def test_seven_on_one_side_of_the_mean_as_the_package_tests_it():
    assert shift_ends([]) == []
    assert shift_ends([1] * 6) == [0] * 6
    assert shift_ends([1] * 6 + [-1]) == [0] * 7
    assert shift_ends([1] * 8 + [-1]) == [0, 0, 0, 0, 0, 0, 1, 1, 0]
    assert shift_ends([-1] * 8 + [1]) == [0, 0, 0, 0, 0, 0, 1, 1, 0]
    assert shift_ends([-1] + [1] * 8 + [-1]) == [0, 0, 0, 0, 0, 0, 0, 1, 1, 0]


def test_part_of_a_run_as_the_package_tests_it():
    def members(ends):
        return rules.members(np.array(ends, dtype=bool)).astype(int).tolist()

    assert members([]) == []
    assert members([0] * 6) == [0] * 6
    assert members([0] * 6 + [1, 0]) == [1] * 7 + [0]
    assert members([0] * 7 + [1, 0]) == [0] + [1] * 7 + [0]


def test_seven_point_trend_as_the_package_tests_it():
    assert trend_ends([]) == []
    assert trend_ends(range(1, 7)) == [0] * 6
    assert trend_ends([1, 2, 3, 3, 4, 5, 6]) == [0] * 7  # a repeated value breaks a trend
    assert trend_ends(range(1, 8)) == [0] * 6 + [1]
    assert trend_ends([2, *range(1, 8), 3]) == [0] * 7 + [1, 0]
    assert trend_ends(range(7, 0, -1)) == [0] * 6 + [1]
    assert trend_ends([2, *range(7, 0, -1), 3]) == [0] * 7 + [1, 0]


def test_two_in_three_as_the_package_tests_it():
    assert two_of_three([], []) == []
    assert two_of_three([0, 0, 0], [0, 0, 0]) == [0, 0, 0]
    # the package tests the flag before keeping only near-limit points; we return the latter
    assert two_of_three([1, 0, 1], [1, 1, 1]) == [1, 0, 1]
    assert two_of_three([0, 1, 1], [1, 1, 1]) == [0, 1, 1]
    assert two_of_three([1, 1, 0], [1, 1, 1]) == [1, 1, 0]
    assert two_of_three([0, 0, 1, 0, 1, 0, 0], [1] * 7) == [0, 0, 1, 0, 1, 0, 0]
    assert two_of_three([0, 0, 1, 1, 0, 0, 0], [1] * 7) == [0, 0, 1, 1, 0, 0, 0]
    assert two_of_three([1, 0, 0, 1], [1] * 4) == [0, 0, 0, 0]
    assert two_of_three([1, 0, 0, 1, 1], [1] * 5) == [0, 0, 0, 1, 1]


def test_two_in_three_needs_all_three_on_one_side_as_the_package_tests_it():
    # issue #143, fixed in 0.2.2
    assert two_of_three([1, 0, 1], [1, -1, 1]) == [0, 0, 0]
    assert two_of_three([0, 1, 1], [1, -1, 1]) == [0, 0, 0]
    assert two_of_three([1, 1, 0], [1, -1, 1]) == [0, 0, 0]
    assert two_of_three([0, 0, 1, 0, 1, 0, 0], [1, -1] * 3 + [1]) == [0] * 7
    assert two_of_three([0, 0, 1, 1, 0, 0, 0], [-1, 1] * 3 + [-1]) == [0] * 7


def test_special_cause_priority_as_the_package_tests_it():
    # test-ptd_calculate_point_type.R, "ptd_special_cause_type works as expected": y = 1:8
    y = np.arange(1.0, 9.0)
    in_trend = np.array([1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    in_shift = np.array([0, 0, 1, 1, 0, 0, 0, 0], dtype=bool)
    in_two = np.array([0, 0, 0, 0, 1, 0, 0, 0], dtype=bool)
    outside = np.array([0, 0, 0, 0, 0, 1, 1, 0], dtype=bool)
    side = np.array([1, 1, 1, 1, -1, -1, -1, -1], dtype=np.int8)
    direction = rules.trend_direction(y, in_trend)
    rule, signal = special_cause(outside, in_trend, direction, in_two, in_shift, side)
    # Increasing trend x2, 7 points above x2, 2 in 3 below, below LCL x2, common cause
    assert rule.tolist() == [2, 2, 4, 4, 3, 1, 1, 0]
    assert signal.tolist() == [1, 1, 1, 1, -1, -1, -1, 0]


def test_opposite_sides_do_not_make_two_in_three_as_the_package_tests_it():
    # test-ptd_spc_standard.R: rep(c(1, -1), 8) with y[15] = 5.5 and y[16] = -5.5
    data = [1.0, -1.0] * 8
    data[14], data[15] = 5.5, -5.5
    points = xmr(series(data))
    assert points["point_type"].tolist()[-2:] == ["common_cause", "common_cause"]


def test_point_type_mapping():
    signal = np.array([1, -1, 0, 1, -1, 0, 1, -1], dtype=np.int8)
    improvement = np.array([1, 1, 1, -1, -1, 0, 0, 0], dtype=np.int8)
    names = [POINT_TYPES[c] for c in point_type(signal, improvement)]
    assert names == [
        "special_cause_improvement",
        "special_cause_concern",
        "common_cause",
        "special_cause_concern",
        "special_cause_improvement",
        "common_cause",
        "special_cause_neutral",
        "special_cause_neutral",
    ]


# --- whole series, worked by hand ------------------------------------------------------------

# 9,11 alternating with 30 and -10: mean 10, limits 10 +/- 2.66 * 39/11 = 0.569 and 19.431
# (see test_spc_limits.py); 9 and 11 sit inside the near limits 10 +/- 6.287.
OUTSIDE = [9, 11, 9, 11, 9, 11, 30, 9, 11, 9, 11, 9, 11, -10]


@pytest.mark.parametrize(
    ("improvement", "high", "low"),
    [
        ("increase", "special_cause_improvement", "special_cause_concern"),
        ("decrease", "special_cause_concern", "special_cause_improvement"),
        ("neutral", "special_cause_neutral", "special_cause_neutral"),
    ],
)
def test_points_outside_the_limits(improvement, high, low):
    points = xmr(series(OUTSIDE), improvement=improvement)
    kinds = points["point_type"].tolist()
    assert kinds[6] == high and kinds[13] == low
    assert points["rule"].tolist()[6] == "outside_limits"
    assert points["signal"].tolist()[6] == "high" and points["signal"].tolist()[13] == "low"
    assert kinds[:6] + kinds[7:13] == ["common_cause"] * 12


def test_shift_of_seven_on_one_side():
    # 12,8 alternating then seven 11s: mean 157/15 = 10.47, so the 11s are all above it.
    # Limits 10.47 +/- 2.66 * 29/14 (4.96 to 15.98): no point near or outside them.
    points = xmr(series([12, 8] * 4 + [11] * 7))
    assert points["rule"].tolist()[8:] == ["shift"] * 7
    assert points["point_type"].tolist() == ["common_cause"] * 8 + ["special_cause_improvement"] * 7
    low = xmr(series([12, 8] * 4 + [11] * 7), improvement="decrease")
    assert low["point_type"].tolist()[8:] == ["special_cause_concern"] * 7


def test_six_on_one_side_is_not_a_shift():
    # mean 146/14 = 10.43; six 11s above it
    points = xmr(series([12, 8] * 4 + [11] * 6))
    assert not points["special_cause"].any()


def test_a_point_on_the_mean_breaks_a_shift():
    # 7, 11.5 alternating then 11,11,11,10,11,11,11: the sum is 150 so the mean is exactly 10,
    # and the 10 sits on it. Runs above the mean: 11.5,11,11,11 (4) and 11,11,11 (3).
    points = xmr(series([7, 11.5] * 4 + [11, 11, 11, 10, 11, 11, 11]))
    assert points["mean"][0] == 10
    assert not points["special_cause"].any()
    # With 10.5 instead, the mean is 10.03 and all eight points from 11.5 on are above it.
    moved = xmr(series([7, 11.5] * 4 + [11, 11, 11, 10.5, 11, 11, 11]))
    assert moved["rule"].tolist()[7:] == ["shift"] * 8


def test_trend_of_seven_rising_points_even_across_the_mean():
    # 10,12 x3 then 9..15: mean 150/13 = 11.54, limits 11.54 +/- 2.66 * 19/12 (7.33 to 15.75).
    # 9, 10 and 11 are below the mean but, being part of a rising trend, are "high" (issue
    # #171, fixed in 0.2.2). 15 is beyond the near limit (14.35) but alone, so no two-of-three.
    points = xmr(series([10, 12] * 3 + list(range(9, 16))))
    assert points["rule"].tolist()[6:] == ["trend"] * 7
    assert points["signal"].tolist()[6:] == ["high"] * 7
    assert points["point_type"].tolist() == ["common_cause"] * 6 + ["special_cause_improvement"] * 7
    falling = xmr(series([12, 10] * 3 + list(range(15, 8, -1))), improvement="increase")
    assert falling["signal"].tolist()[6:] == ["low"] * 7
    assert falling["point_type"].tolist()[6:] == ["special_cause_concern"] * 7


def test_six_rising_points_or_a_repeat_are_not_a_trend():
    assert not xmr(series([10, 12] * 3 + list(range(9, 15))))["special_cause"].any()
    assert not xmr(series([10, 12] * 3 + [9, 10, 11, 11, 12, 13, 14]))["special_cause"].any()


def test_trend_direction_at_a_peak_follows_the_next_step():
    # 1..7 then 6..1: the peak 7 belongs to both trends; as in the package it takes the
    # direction of the step after it (falling). A repeated peak (a step of 0) counts as falling.
    y = np.array(list(range(1, 8)) + list(range(6, 0, -1)), dtype=float)
    in_trend = rules.members(rules.trend_ends(y))
    assert in_trend.all()
    assert rules.trend_direction(y, in_trend).tolist() == [1] * 6 + [-1] * 7
    y = np.array(list(range(1, 8)) + list(range(7, 0, -1)), dtype=float)
    in_trend = rules.members(rules.trend_ends(y))
    assert rules.trend_direction(y, in_trend).tolist() == [1] * 6 + [-1] * 8


def test_two_of_three_beyond_the_near_limit():
    # 9,11 x6 then 16,11,16 then 9,11,9: mean 192/18 = 32/3, moving ranges 2 x11, 5,5,5,7,2,2
    # (48/17); near limit 32/3 + 2/3 * 2.66 * 48/17 = 15.67, limit 18.18. Both 16s are near
    # and the 11 between them is above the mean: the 16s are flagged, the 11 is not.
    points = xmr(series([9, 11] * 6 + [16, 11, 16] + [9, 11, 9]))
    assert labels(points["rule"])[12:15] == ["two_of_three", None, "two_of_three"]
    assert points["special_cause"].tolist() == [False] * 12 + [True, False, True] + [False] * 3
    neutral = xmr(series([9, 11] * 6 + [16, 11, 16] + [9, 11, 9]), improvement="neutral")
    assert neutral["point_type"].tolist()[12] == "special_cause_neutral"


def test_two_of_three_needs_the_middle_point_on_the_same_side():
    # as above with 9 (below the mean 95/9) between the two 16s
    assert not xmr(series([9, 11] * 6 + [16, 9, 16] + [9, 11, 9]))["special_cause"].any()


def test_a_gap_neither_breaks_nor_extends_a_run():
    # the shift example with a missing month in the middle of the run of 11s
    points = xmr(series([12, 8] * 4 + [11, 11, 11, math.nan, 11, 11, 11, 11]))
    assert labels(points["rule"])[8:] == ["shift"] * 3 + [None] + ["shift"] * 4
    assert pd.isna(points["point_type"][11])
    short = xmr(series([12, 8] * 4 + [11, 11, 11, math.nan, 11, 11, 11]))
    assert not short["special_cause"].any()


def test_improvement_column_overrides_the_option_per_series():
    df = pd.concat(
        [
            series(OUTSIDE, series="up", improvement="increase"),
            series(OUTSIDE, series="down", improvement="decrease"),
            series(OUTSIDE, series="default", improvement=None),
        ]
    )
    points = xmr(df, improvement="neutral").set_index("series")
    assert points.loc["up", "point_type"].tolist()[6] == "special_cause_improvement"
    assert points.loc["down", "point_type"].tolist()[6] == "special_cause_concern"
    assert points.loc["default", "point_type"].tolist()[6] == "special_cause_neutral"


def test_bad_improvement_is_refused():
    with pytest.raises(ValueError, match="increase, decrease or neutral"):
        xmr(series(OUTSIDE), improvement="up")
    with pytest.raises(ValueError, match="increase, decrease or neutral"):
        xmr(series(OUTSIDE, improvement="higher"))
