"""The Making Data Count special-cause rules, each a small vectorised function.

Every function takes arrays for many periods at once, sorted by period and date, with
``position`` (place within the period, from 0) and ``remaining`` (rows after this one in the
period) so that no window ever reaches across two periods or two series. Missing values are
removed before the rules run, so a gap neither breaks nor extends a run.

Semantics follow NHSRplotthedots 0.2.x (``R/ptd_calculate_point_type.R``):

- outside limits: above the upper or below the lower process limit;
- shift: 7 or more points in a row on the same side of the mean; a point on the mean breaks it;
- trend: 7 or more points in a row each strictly higher (or each strictly lower) than the one
  before, that is 6 steps in the same direction; a repeated value breaks it;
- two of three: at least 2 of 3 consecutive points beyond the same near limit (between the near
  limit and the process limit, not outside it), with all 3 on the same side of the mean; only the
  near-limit points are flagged, not the third point.
"""

from __future__ import annotations

import numpy as np

from commissioning.analytics.spc.groups import lag, lead

RUN = 7


def outside_limits(values: np.ndarray, lpl: np.ndarray, upl: np.ndarray) -> np.ndarray:
    """True where a value lies beyond a process limit (never where the limits are unknown)."""
    with np.errstate(invalid="ignore"):
        return (values > upl) | (values < lpl)


def near_limits(
    values: np.ndarray, near_lpl: np.ndarray, near_upl: np.ndarray, outside: np.ndarray
) -> np.ndarray:
    """True where a value lies beyond a near limit but inside the process limits."""
    with np.errstate(invalid="ignore"):
        return ~outside & ((values < near_lpl) | (values > near_upl))


def side_of_mean(values: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """+1 above the mean, -1 below, 0 on it (or when the mean is unknown)."""
    with np.errstate(invalid="ignore"):
        side = np.sign(values - mean)
    return np.nan_to_num(side).astype(np.int8)


def members(ends: np.ndarray, length: int = RUN) -> np.ndarray:
    """Flag every point of each run that ends where ``ends`` is True and has ``length`` points."""
    flagged = ends.copy()
    for k in range(1, length):
        flagged |= lead(ends, k, False)
    return flagged


def shift_ends(side: np.ndarray, position: np.ndarray, length: int = RUN) -> np.ndarray:
    """True on the last point of any ``length`` consecutive points on one side of the mean."""
    ends = (side != 0) & (position >= length - 1)
    for k in range(1, length):
        ends &= lag(side, k, 0) == side
    return ends


def steps(values: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Direction of change from the previous point of the period: +1, -1 or 0."""
    step = np.sign(values - lag(values, 1, np.nan))
    step[position == 0] = 0
    return np.nan_to_num(step).astype(np.int8)


def trend_ends(values: np.ndarray, position: np.ndarray, length: int = RUN) -> np.ndarray:
    """True on the last point of any ``length`` points each strictly above (or below) the last."""
    step = steps(values, position)
    up = position >= length - 1
    down = up.copy()
    for k in range(length - 1):
        earlier = lag(step, k, 0)
        up &= earlier == 1
        down &= earlier == -1
    return up | down


def trend_direction(
    values: np.ndarray, in_trend: np.ndarray, position: np.ndarray, remaining: np.ndarray
) -> np.ndarray:
    """+1 for a point of a rising trend, -1 for a falling one.

    As NHSRplotthedots: a point whose next point is also in a trend takes the direction of the
    step after it, otherwise the step before it; a step of zero counts as falling.
    """
    step_before = steps(values, position)
    step_after = lead(step_before, 1, 0)
    use_after = in_trend & lead(in_trend, 1, False) & (remaining >= 1)
    step = np.where(use_after, step_after, step_before)
    return np.where(step == 1, 1, -1).astype(np.int8)


def two_of_three(
    near: np.ndarray, side: np.ndarray, position: np.ndarray, remaining: np.ndarray
) -> np.ndarray:
    """Flag near-limit points in any 3 consecutive points with 2 or more near a limit, same side."""
    del position  # windows are placed by ``remaining``; kept for a uniform signature
    near_count = near.astype(np.int8) + lead(near, 1, False) + lead(near, 2, False)
    side_total = side + lead(side, 1, 0) + lead(side, 2, 0)
    window = (remaining >= 2) & (near_count >= 2) & (np.abs(side_total) == 3)
    in_window = window | lag(window, 1, False) | lag(window, 2, False)
    return in_window & near
