"""The Making Data Count special-cause rules, each a small pure function.

Every function works along the first axis, which is time: a 1-D array is the observed values of
one period, and a 2-D array (time x periods) holds many periods side by side. Missing values are
removed before the rules run, so a gap neither breaks nor extends a run; a period shorter than
the others is padded at the end with NaN (in values) or 0 / False (in the arrays derived from
them), which never starts, extends or completes a run. No window reaches across two periods.

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

RUN = 7


def earlier(values: np.ndarray, k: int, fill) -> np.ndarray:
    """The value ``k`` places earlier in time (``fill`` for the first ``k`` places)."""
    out = np.full(values.shape, fill, dtype=values.dtype)
    if k < len(values):
        out[k:] = values[: len(values) - k]
    return out


def later(values: np.ndarray, k: int, fill) -> np.ndarray:
    """The value ``k`` places later in time (``fill`` for the last ``k`` places)."""
    out = np.full(values.shape, fill, dtype=values.dtype)
    if k < len(values):
        out[: len(values) - k] = values[k:]
    return out


def _sign(above: np.ndarray, below: np.ndarray) -> np.ndarray:
    """+1, -1 or 0 (int8) from two exclusive conditions: the sign of a difference, 0 for NaN."""
    return above.view(np.int8) - below.view(np.int8)


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
    """+1 above the mean, -1 below, 0 on it (or when the mean or the value is unknown)."""
    with np.errstate(invalid="ignore"):
        return _sign(values > mean, values < mean)


def members(ends: np.ndarray, length: int = RUN) -> np.ndarray:
    """Flag every point of each run that ends where ``ends`` is True and has ``length`` points."""
    flagged = ends.copy()
    for k in range(1, min(length, len(ends))):
        flagged[: len(ends) - k] |= ends[k:]
    return flagged


def shift_ends(side: np.ndarray, length: int = RUN) -> np.ndarray:
    """True on the last point of any ``length`` consecutive points on one side of the mean."""
    ends = side != 0
    ends[: length - 1] = False
    for k in range(1, length):
        ends &= earlier(side, k, 0) == side
    return ends


def steps(values: np.ndarray) -> np.ndarray:
    """Direction of change from the previous point: +1, -1 or 0 (0 on the first point)."""
    step = np.zeros(values.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        step[1:] = _sign(values[1:] > values[:-1], values[1:] < values[:-1])
    return step


def trend_ends(values: np.ndarray, length: int = RUN) -> np.ndarray:
    """True on the last point of any ``length`` points each strictly above (or below) the last."""
    step = steps(values)
    up = step == 1
    down = step == -1
    for k in range(1, length - 1):
        earlier_step = earlier(step, k, 0)
        up &= earlier_step == 1
        down &= earlier_step == -1
    return up | down


def trend_direction(values: np.ndarray, in_trend: np.ndarray) -> np.ndarray:
    """+1 for a point of a rising trend, -1 for a falling one.

    As NHSRplotthedots: a point whose next point is also in a trend takes the direction of the
    step after it, otherwise the step before it; a step of zero counts as falling.
    """
    step_before = steps(values)
    use_after = in_trend & later(in_trend, 1, False)
    step = np.where(use_after, later(step_before, 1, 0), step_before)
    return np.where(step == 1, np.int8(1), np.int8(-1))


def two_of_three(near: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Flag near-limit points in any 3 consecutive points with 2 or more near a limit, same side."""
    near_count = near.astype(np.int8) + later(near, 1, False) + later(near, 2, False)
    side_total = side + later(side, 1, 0) + later(side, 2, 0)
    window = (near_count >= 2) & (np.abs(side_total) == 3)
    in_window = window | earlier(window, 1, False) | earlier(window, 2, False)
    return in_window & near


def special_causes(values: np.ndarray, limits) -> tuple[np.ndarray, ...]:
    """Every rule applied to observed values: (outside, in_trend, direction, in_two, in_shift,
    side), ready for ``point_type.special_cause``. ``limits`` holds one entry per period."""
    side = side_of_mean(values, limits.mean)
    outside = outside_limits(values, limits.lpl, limits.upl)
    near = near_limits(values, limits.near_lpl, limits.near_upl, outside)
    in_trend = members(trend_ends(values))
    direction = trend_direction(values, in_trend)
    in_two = two_of_three(near, side)
    in_shift = members(shift_ends(side))
    return outside, in_trend, direction, in_two, in_shift, side
