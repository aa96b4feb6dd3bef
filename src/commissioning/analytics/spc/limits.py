"""XmR process limits: mean, moving ranges, outlier screening and limits per period.

As NHSRplotthedots (``ptd_spc_standard``) computes them:

- the centre line is the mean of the period's values (only the first ``fix_after`` rows of the
  period when a baseline is fixed);
- a moving range is the absolute difference between a value and the value on the row before
  it in the same period; a missing value on either row leaves no moving range;
- screening drops moving ranges that are not below 3.267 times their mean, then takes the mean
  again (the Making Data Count Excel tools do not screen);
- process limits sit at the mean plus or minus 2.66 times the mean moving range, and the "near"
  limits used by the two-of-three rule at two thirds of that distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from commissioning.analytics.spc.groups import Groups, group_mean, lag

LIMIT = 2.66
NEAR = 2 * (LIMIT / 3)
SCREEN = 3.267
MINIMUM_FIX_AFTER = 12


@dataclass(frozen=True)
class Limits:
    """Per-period arrays (one entry per period)."""

    mean: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    near_lpl: np.ndarray
    near_upl: np.ndarray
    mean_moving_range: np.ndarray


def baseline(values: np.ndarray, position: np.ndarray, fix_after: int | None) -> np.ndarray:
    """The values that set the limits: all of them, or the first ``fix_after`` of each period."""
    if fix_after is None:
        return values
    return np.where(position < fix_after, values, np.nan)


def moving_ranges(values: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Absolute change from the previous row of the same period (NaN on a period's first row)."""
    mr = np.abs(values - lag(values, 1, np.nan))
    mr[position == 0] = np.nan
    return mr


def screen(mr: np.ndarray, mean_mr: np.ndarray) -> np.ndarray:
    """Drop moving ranges that are not below 3.267 times the mean moving range of their period.

    ``mean_mr`` is per row. A range equal to the cut-off is dropped, and when every range is zero
    all of them are dropped (so the limits cannot be computed), as in NHSRplotthedots.
    """
    with np.errstate(invalid="ignore"):
        keep = mr < SCREEN * mean_mr
    return np.where(keep, mr, np.nan)


def process_limits(
    values: np.ndarray,
    periods: Groups,
    *,
    fix_after: int | None = None,
    screen_outliers: bool = True,
) -> Limits:
    """Mean and limits of each period (``values`` sorted by period and date, NaN = missing)."""
    position = periods.position()
    base = baseline(values, position, fix_after)
    mean = group_mean(base, periods)
    mr = moving_ranges(base, position)
    mean_mr = group_mean(mr, periods)
    if screen_outliers:
        mean_mr = group_mean(screen(mr, mean_mr[periods.ids]), periods)
    return Limits(
        mean=mean,
        lpl=mean - LIMIT * mean_mr,
        upl=mean + LIMIT * mean_mr,
        near_lpl=mean - NEAR * mean_mr,
        near_upl=mean + NEAR * mean_mr,
        mean_moving_range=mean_mr,
    )
