"""Which rule a point breaks, which way, and what that means given the improvement direction.

Priority follows NHSRplotthedots: outside limits, then trend, then two of three, then shift.
The signal is "high" (+1) or "low" (-1): for outside limits, two of three and shift it is the
side of the mean; for a trend it is the trend's direction (so a rising trend that starts below
the mean is high throughout). With improvement "increase" a high signal is an improvement and a
low one a concern; "decrease" is the reverse; "neutral" makes every signal neutral.
"""

from __future__ import annotations

import numpy as np

RULES = ("outside_limits", "trend", "two_of_three", "shift")
SIGNALS = ("low", "high")
POINT_TYPES = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral",
)
IMPROVEMENTS = {"increase": 1, "neutral": 0, "decrease": -1}


_0, _1, _2, _3, _4, _MINUS_1 = (np.int8(k) for k in (0, 1, 2, 3, 4, -1))


def special_cause(
    outside: np.ndarray,
    in_trend: np.ndarray,
    trend_direction: np.ndarray,
    in_two_of_three: np.ndarray,
    in_shift: np.ndarray,
    side: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (rule, signal): rule is 0 for none or 1 + an index into RULES; signal is +1/-1/0."""
    rule = np.where(in_shift, _4, _0)
    rule = np.where(in_two_of_three, _3, rule)
    rule = np.where(in_trend, _2, rule)
    rule = np.where(outside, _1, rule)  # the first rule that applies names the point
    side_signal = np.where(side > 0, _1, _MINUS_1)
    signal = np.where(rule == 2, trend_direction.astype(np.int8, copy=False), side_signal)
    return rule, np.where(rule == 0, _0, signal)


def point_type(signal: np.ndarray, improvement: np.ndarray) -> np.ndarray:
    """Index into POINT_TYPES from the signal (+1/-1/0) and improvement (+1 increase, 0, -1)."""
    improvement = np.asarray(improvement, dtype=np.int8)
    code = np.where(signal * improvement > 0, _1, _2)
    code = np.where(improvement == 0, _3, code)
    return np.where(signal == 0, _0, code)
