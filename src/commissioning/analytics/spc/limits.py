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

Every function works along the first axis, which is time: a 1-D array is one period, and a 2-D
array (time x periods) holds many periods side by side, shorter ones padded at the end with NaN
(a missing value), which changes nothing. Sums add the values one at a time in date order, as
R's ``mean()`` does, so that one period gives the same bits alone or among a million others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LIMIT = 2.66
NEAR = 2 * (LIMIT / 3)
SCREEN = 3.267
MINIMUM_FIX_AFTER = 12


@dataclass(frozen=True)
class Limits:
    """One entry per period (scalars for a single period)."""

    mean: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    near_lpl: np.ndarray
    near_upl: np.ndarray
    mean_moving_range: np.ndarray


def running_total(values: np.ndarray) -> np.ndarray:
    """Sum along time, adding one value after another from 0.0 (NaN must be replaced first)."""
    total = np.zeros(values.shape[1:])
    for row in values:
        total += row
    return total


def mean(values: np.ndarray) -> np.ndarray:
    """Mean over time ignoring missing values; NaN when there are none.

    A second pass adds the mean of the residuals, as R's ``mean()`` does, so that results agree
    with NHSRplotthedots to the last few bits rather than drifting with long series.
    """
    present = ~np.isnan(values)
    count = np.count_nonzero(present, axis=0).astype(float)  # whole numbers: exact in any order
    with np.errstate(invalid="ignore", divide="ignore"):
        first = running_total(np.where(present, values, 0.0)) / count
        residual = np.where(present, values - first, 0.0)
        return first + running_total(residual) / count


def baseline(values: np.ndarray, fix_after: int | None) -> np.ndarray:
    """The values that set the limits: all of them, or the first ``fix_after`` of each period."""
    return values if fix_after is None else values[:fix_after]


def moving_ranges(values: np.ndarray) -> np.ndarray:
    """Absolute change from the previous row (NaN on the first row and next to a gap)."""
    mr = np.full(values.shape, np.nan)
    mr[1:] = np.abs(values[1:] - values[:-1])
    return mr


def screen(mr: np.ndarray, mean_mr: np.ndarray) -> np.ndarray:
    """Drop moving ranges that are not below 3.267 times the mean moving range of their period.

    A range equal to the cut-off is dropped, and when every range is zero all of them are
    dropped (so the limits cannot be computed), as in NHSRplotthedots.
    """
    with np.errstate(invalid="ignore"):
        keep = mr < SCREEN * mean_mr
    return np.where(keep, mr, np.nan)


def process_limits(
    values: np.ndarray, *, fix_after: int | None = None, screen_outliers: bool = True
) -> Limits:
    """Mean and limits of each period (``values`` in date order along the first axis)."""
    base = baseline(values, fix_after)
    centre = mean(base)
    mr = moving_ranges(base)
    mean_mr = mean(mr)
    if screen_outliers:
        mean_mr = mean(screen(mr, mean_mr))
    return Limits(
        mean=centre,
        lpl=centre - LIMIT * mean_mr,
        upl=centre + LIMIT * mean_mr,
        near_lpl=centre - NEAR * mean_mr,
        near_upl=centre + NEAR * mean_mr,
        mean_moving_range=mean_mr,
    )
