"""Process limits: the mean, moving ranges, screening, fixed baselines and rebasing.

Expected numbers come from NHSRplotthedots' own test snapshots and vignettes where it publishes
them, otherwise from arithmetic worked by hand in the comments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from commissioning.analytics.spc import xmr
from commissioning.analytics.spc.limits import moving_ranges, process_limits, screen

# set.seed(123); rnorm(20) in R, as printed (8 significant figures) in the package's snapshot
# tests/testthat/_snaps/ptd_spc_standard.md.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def series(values, **columns) -> pd.DataFrame:
    dates = pd.date_range("2021-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"date": dates, "value": values, **columns})


def first_limits(points: pd.DataFrame) -> tuple[float, float, float]:
    row = points.iloc[0]
    return row["mean"], row["lpl"], row["upl"]


# --- numbers published by NHSRplotthedots ------------------------------------------------


def test_matches_package_snapshot_for_rnorm_series():
    # _snaps/ptd_spc_standard.md, r1: mean_col 0.1416238, lpl -3.01138, upl 3.294627
    mean, lpl, upl = first_limits(xmr(series(RNORM_123)))
    assert mean == pytest.approx(0.1416238, abs=5e-8)
    assert lpl == pytest.approx(-3.01138, abs=5e-6)
    assert upl == pytest.approx(3.294627, abs=5e-7)


def test_matches_package_snapshot_with_an_outlier_screened_and_not():
    # r2 (y[15] <- 10, screened): 0.6694159, -2.383666, 3.722497
    # r3 (same, screen_outliers = FALSE): 0.6694159, -4.596625, 5.935457
    values = list(RNORM_123)
    values[14] = 10
    mean, lpl, upl = first_limits(xmr(series(values)))
    assert (mean, lpl, upl) == pytest.approx((0.6694159, -2.383666, 3.722497), abs=5e-7)
    mean, lpl, upl = first_limits(xmr(series(values), screen_outliers=False))
    assert (mean, lpl, upl) == pytest.approx((0.6694159, -4.596625, 5.935457), abs=5e-7)


def test_matches_package_summary_snapshot_for_two_facets():
    # _snaps/ptd_spc.md, summary with facet = rep(c(0, 1), each = 10):
    # facet 0: 0.0746 -2.60 2.75; facet 1: 0.209 -3.28 3.70 (as printed, 3 significant figures)
    df = series(RNORM_123, series=["0"] * 10 + ["1"] * 10)
    df["date"] = pd.date_range("2020-01-02", periods=20)
    points = xmr(df)
    by_series = points.groupby("series", observed=True)[["mean", "lpl", "upl"]].first()
    assert by_series.loc["0"].tolist() == pytest.approx([0.0746, -2.60, 2.75], abs=5e-3)
    assert by_series.loc["1"].tolist() == pytest.approx([0.209, -3.28, 3.70], abs=5e-3)


def test_matches_deviations_vignette():
    # vignettes/deviations.Rmd: screened UPL 4.6, mean 1.94, LPL -0.72; Excel-style (not
    # screened) UPL 6.95, LPL -3.06. By hand: mean = 35/18; moving ranges 1,1,1,8,9 and twelve
    # 1s, mean 32/17; 8 and 9 are not below 3.267 * 32/17 = 6.15, so screening leaves fifteen
    # 1s and a mean moving range of 1.
    data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    points = xmr(series(data))
    assert first_limits(points) == pytest.approx((35 / 18, 35 / 18 - 2.66, 35 / 18 + 2.66))
    assert round(points["upl"][0], 2) == 4.6
    assert round(points["lpl"][0], 2) == -0.72
    assert (
        points["point_type"].tolist()
        == ["common_cause"] * 4 + ["special_cause_improvement"] + ["common_cause"] * 13
    )
    raw = xmr(series(data), screen_outliers=False)
    assert first_limits(raw) == pytest.approx(
        (35 / 18, 35 / 18 - 2.66 * 32 / 17, 35 / 18 + 2.66 * 32 / 17)
    )
    assert (round(raw["upl"][0], 2), round(raw["lpl"][0], 2)) == (6.95, -3.06)


# --- the pieces ------------------------------------------------------------------------


def test_moving_ranges_do_not_cross_periods_or_missing_values():
    # two periods side by side (time down the first axis), the second padded with NaN
    values = np.array([[1.0, 9.0], [4.0, 7.0], [2.0, np.nan], [np.nan, np.nan], [5.0, np.nan]])
    mr = moving_ranges(values)
    np.testing.assert_array_equal(mr[:, 0], [np.nan, 3.0, 2.0, np.nan, np.nan])
    np.testing.assert_array_equal(mr[:, 1], [np.nan, 2.0, np.nan, np.nan, np.nan])


def test_screen_drops_ranges_at_or_above_the_cut_off():
    mr = np.array([np.nan, 1.0, 3.267, 3.266, 10.0])
    np.testing.assert_array_equal(screen(mr, np.ones(5)), [np.nan, 1.0, np.nan, 3.266, np.nan])


def test_near_limits_are_two_thirds_of_the_way_to_the_limits():
    # values 9, 11, 9, 11: mean 10, moving ranges all 2
    limits = process_limits(np.array([9.0, 11, 9, 11]))
    assert limits.mean == 10
    assert limits.upl == pytest.approx(10 + 2.66 * 2)
    assert limits.near_upl == pytest.approx(10 + 2 / 3 * 2.66 * 2)
    assert limits.near_lpl == pytest.approx(10 - 2 / 3 * 2.66 * 2)


# --- screening, worked by hand -----------------------------------------------------------


def test_screening_removes_large_moving_ranges_before_the_limits():
    # 9,11 alternating with 30 and -10: mean 140/14 = 10. Moving ranges: ten 2s, 19, 21, 21;
    # mean 81/13 = 6.23, cut-off 3.267 * 6.23 = 20.36, so both 21s go: (20 + 19) / 11 = 39/11.
    data = [9, 11, 9, 11, 9, 11, 30, 9, 11, 9, 11, 9, 11, -10]
    mean, lpl, upl = first_limits(xmr(series(data)))
    assert mean == 10
    assert upl == pytest.approx(10 + 2.66 * 39 / 11)
    assert lpl == pytest.approx(10 - 2.66 * 39 / 11)
    mean, lpl, upl = first_limits(xmr(series(data), screen_outliers=False))
    assert upl == pytest.approx(10 + 2.66 * 81 / 13)


def test_constant_series_has_no_limits_when_screened_as_in_the_package():
    # Every moving range is 0, and 0 is not below 3.267 * 0, so all are screened out and the
    # mean moving range (of nothing) is unknown - NHSRplotthedots gives NaN limits here too.
    points = xmr(series([5.0] * 12))
    assert points["mean"].eq(5).all()
    assert points["lpl"].isna().all() and points["upl"].isna().all()
    assert points["point_type"].eq("common_cause").all()
    unscreened = xmr(series([5.0] * 12), screen_outliers=False)
    assert unscreened["lpl"].eq(5).all() and unscreened["upl"].eq(5).all()


def test_single_point_has_a_mean_but_no_limits():
    points = xmr(series([7.0]))
    assert points["mean"][0] == 7
    assert math.isnan(points["lpl"][0]) and math.isnan(points["upl"][0])
    assert points["point_type"][0] == "common_cause"


# --- fixed baseline ----------------------------------------------------------------------


def test_fixed_baseline_uses_only_the_first_n_points():
    # First 12 points alternate 9, 11: mean 10, moving range 2, limits 10 +/- 5.32. The later
    # points (20, 21, ...) do not move the limits but are judged against them.
    data = [9, 11] * 6 + [20, 21, 20, 21]
    points = xmr(series(data), fix_after=12)
    assert points["mean"].eq(10).all()
    assert points["upl"].tolist() == pytest.approx([10 + 5.32] * 16)
    assert points["point_type"].tolist()[12:] == ["special_cause_improvement"] * 4
    free = xmr(series(data))
    assert free["mean"][0] == pytest.approx((120 + 82) / 16)


def test_fixed_baseline_counts_rows_including_missing_values():
    # As in R (row_number() <= n): a missing value uses up one of the n baseline rows.
    data = [9, 11] * 6 + [100, 100]
    data[3] = math.nan
    points = xmr(series(data), fix_after=12)
    assert points["mean"][0] == pytest.approx((120 - 11) / 11)


def test_fixed_baseline_applies_within_each_period():
    data = [9, 11] * 7 + [19, 21] * 7
    rebase = [0] * 14 + [1] + [0] * 13
    points = xmr(series(data, rebase=rebase), fix_after=12)
    assert points["mean"][:14].eq(10).all()
    assert points["mean"][14:].eq(20).all()


@pytest.mark.parametrize("bad", [0, 11, -3])
def test_fixed_baseline_needs_twelve_points(bad):
    with pytest.raises(ValueError, match="12 or more"):
        xmr(series([1.0] * 20), fix_after=bad)


# --- rebasing ----------------------------------------------------------------------------


def test_rebase_recalculates_limits_for_each_period():
    # Period 0: 9, 11 x 6 (mean 10, range 2); period 1: 29, 31 x 6 (mean 30, range 2).
    data = [9, 11] * 6 + [29, 31] * 6
    rebase = [0] * 12 + [1] + [0] * 11
    points = xmr(series(data, rebase=rebase))
    assert points["period"].tolist() == [0] * 12 + [1] * 12
    assert points["mean"].tolist() == [10] * 12 + [30] * 12
    assert points["upl"].tolist() == pytest.approx([15.32] * 12 + [35.32] * 12)
    assert points["point_type"].eq("common_cause").all()
    # Without the rebase the step from 10 to 30 is special cause on both sides of the mean.
    assert xmr(series(data))["special_cause"].all()


def test_rules_do_not_reach_across_a_rebase():
    # Four points above the mean at the end of period 0 and four at the start of period 1 would
    # be a run of 8 in one period, but not across two.
    first = [8, 12, 8, 12, 8, 12, 8, 11, 11, 11, 11]
    second = [11, 11, 11, 11, 8, 12, 8, 12, 8, 12, 8]
    points = xmr(series(first + second, rebase=[0] * 11 + [1] + [0] * 10))
    assert not points["special_cause"].any()
    joined = xmr(series(first + second))
    assert joined["rule"].tolist()[7:15] == ["shift"] * 8


def test_rebase_on_the_first_point_only_renumbers_the_period():
    data = [9, 11] * 6
    points = xmr(series(data, rebase=[1] + [0] * 11))
    assert points["period"].eq(1).all()
    assert points["mean"].eq(10).all()


# --- missing values ----------------------------------------------------------------------


def test_missing_values_are_left_out_of_the_mean_and_break_moving_ranges():
    # 10, 14, NaN, 12, 16: mean 52/4 = 13; moving ranges 4 and 4 (none either side of the gap)
    points = xmr(series([10, 14, math.nan, 12, 16]))
    assert points["mean"][0] == 13
    assert points["upl"][0] == pytest.approx(13 + 2.66 * 4)
    assert math.isnan(points["value"][2])
    assert pd.isna(points["point_type"][2])
    assert not points["special_cause"][2]
