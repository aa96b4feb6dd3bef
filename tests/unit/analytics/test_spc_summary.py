"""One row per series: latest limits, variation, assurance against a target, short periods."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from commissioning.analytics.spc import short_periods, summarise, xmr
from commissioning.analytics.spc.assurance import ASSURANCES, assurance


def series(values, **columns) -> pd.DataFrame:
    dates = pd.date_range("2021-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"date": dates, "value": values, **columns})


def assured(target, lpl, upl, improvement) -> list[str | None]:
    codes = assurance(
        np.array(target, dtype=float),
        np.array(lpl, dtype=float),
        np.array(upl, dtype=float),
        np.array(improvement, dtype=np.int8),
    )
    return [ASSURANCES[c] if c >= 0 else None for c in codes]


# --- the package's assurance tests (test-ptd_calculate_assurance_type.R) ------------------

LPL, UPL = [1, 5, 1], [3, 7, 5]


def test_assurance_when_increase_is_better_as_the_package_tests_it():
    assert assured([4] * 3, LPL, UPL, [1] * 3) == [
        "consistent_fail",
        "consistent_pass",
        "inconsistent",
    ]


def test_assurance_when_decrease_is_better_as_the_package_tests_it():
    assert assured([4] * 3, LPL, UPL, [-1] * 3) == [
        "consistent_pass",
        "consistent_fail",
        "inconsistent",
    ]


def test_no_assurance_when_neutral_or_without_target_as_the_package_tests_it():
    assert assured([4] * 3, LPL, UPL, [0] * 3) == [None] * 3
    assert assured([math.nan] * 3, LPL, UPL, [1] * 3) == [None] * 3


def test_target_on_a_limit_is_inconsistent():
    assert assured([1, 3], [1, 1], [3, 3], [1, 1]) == ["inconsistent", "inconsistent"]


def test_unknown_limits_fall_through_to_inconsistent_as_in_the_package():
    assert assured([4], [math.nan], [math.nan], [1]) == ["inconsistent"]


# --- summarise -----------------------------------------------------------------------------

# 9,11 alternating with 30 and -10: mean 10, limits 0.569 to 19.431 (see test_spc_limits.py)
OUTSIDE = [9, 11, 9, 11, 9, 11, 30, 9, 11, 9, 11, 9, 11, -10]


@pytest.mark.parametrize(
    ("target", "improvement", "expected"),
    [
        (25, "increase", "consistent_fail"),
        (0, "increase", "consistent_pass"),
        (10, "increase", "inconsistent"),
        (25, "decrease", "consistent_pass"),
        (0, "decrease", "consistent_fail"),
        (25, "neutral", None),
        (None, "increase", None),
    ],
)
def test_summary_assurance_from_a_target_column(target, improvement, expected):
    summary = summarise(xmr(series(OUTSIDE, target=target), improvement=improvement))
    got = summary["assurance"][0]
    assert (None if pd.isna(got) else got) == expected


def test_summary_columns_and_values():
    df = pd.concat(
        [
            series(OUTSIDE, series="b", target=25.0),
            series([9, 11] * 6 + [29, 31] * 6, series="a", rebase=[0] * 12 + [1] + [0] * 11),
        ]
    )
    summary = summarise(xmr(df))
    assert list(summary.columns) == [
        "series",
        "points",
        "periods",
        "mean",
        "lpl",
        "upl",
        "variation",
        "target",
        "improvement",
        "assurance",
    ]
    assert summary["series"].tolist() == ["a", "b"]
    assert summary["points"].tolist() == [24, 14]
    assert summary["periods"].tolist() == [2, 1]
    # the latest period's limits
    assert summary["mean"].tolist() == [30, 10]
    assert summary["upl"].tolist() == pytest.approx([30 + 5.32, 10 + 2.66 * 39 / 11])
    assert summary["variation"].tolist() == ["common_cause", "special_cause_concern"]
    assert summary["assurance"].astype(object).tolist()[1] == "consistent_fail"
    assert pd.isna(summary["assurance"][0]) and math.isnan(summary["target"][0])


def test_assurance_uses_the_latest_period_after_a_rebase():
    # Period 0 (mean 10, limits 4.68 to 15.32) would fail a target of 20; period 1 (mean 30,
    # limits 24.68 to 35.32) passes it. The package judges the latest period (issue #172).
    df = series([9, 11] * 6 + [29, 31] * 6, target=20.0, rebase=[0] * 12 + [1] + [0] * 11)
    assert summarise(xmr(df))["assurance"][0] == "consistent_pass"


def test_variation_and_target_come_from_the_latest_values_given():
    values = [*OUTSIDE, math.nan]
    targets = [5.0] * 13 + [25.0, math.nan]
    summary = summarise(xmr(series(values, target=targets)))
    assert summary["variation"][0] == "special_cause_concern"  # the -10, not the gap after it
    assert summary["target"][0] == 25
    assert summary["points"][0] == 14


def test_summary_of_a_table_without_series_has_one_row():
    summary = summarise(xmr(series(OUTSIDE)))
    assert len(summary) == 1 and "series" not in summary.columns


def test_summary_needs_points_in_series_order():
    points = xmr(pd.concat([series(OUTSIDE, series="a"), series(OUTSIDE, series="b")]))
    with pytest.raises(ValueError, match="sorted by series"):
        summarise(points.iloc[[0, 20, 1]])


def test_summary_of_nothing_is_empty():
    points = xmr(pd.DataFrame({"series": [], "date": pd.to_datetime([]), "value": []}))
    assert len(points) == 0
    assert len(summarise(points)) == 0


# --- short periods -----------------------------------------------------------------------


def test_short_periods_lists_series_and_periods_under_twelve_points():
    df = pd.concat(
        [
            series([1.0, 2.0] * 6, series="twelve"),
            series([1.0, 2.0] * 5 + [1.0], series="eleven"),
            series([1.0, 2.0] * 6 + [math.nan], series="gap"),
            series([1.0, 2.0] * 8, series="rebased", rebase=[0] * 12 + [1, 0, 0, 0]),
        ]
    )
    short = short_periods(xmr(df))
    assert short["series"].tolist() == ["eleven", "rebased"]
    assert short["points"].tolist() == [11, 4]
    assert short["whole_series"].tolist() == [True, False]
    assert short["start"].tolist() == [pd.Timestamp("2021-01-01"), pd.Timestamp("2022-01-01")]


def test_short_periods_counts_observed_values_only():
    short = short_periods(xmr(series([1.0, 2.0] * 6 + [math.nan] * 3, series="x").iloc[::-1]))
    assert short.empty
    short = short_periods(xmr(series([1.0, math.nan] * 6, series="x")))
    assert short["points"].tolist() == [6]
