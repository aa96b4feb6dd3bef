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


def special_cause(
    outside: np.ndarray,
    in_trend: np.ndarray,
    trend_direction: np.ndarray,
    in_two_of_three: np.ndarray,
    in_shift: np.ndarray,
    side: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (rule, signal): rule is 0 for none or 1 + an index into RULES; signal is +1/-1/0."""
    side_signal = np.where(side > 0, 1, -1)
    conditions = [outside, in_trend, in_two_of_three, in_shift]
    rule = np.select(conditions, [1, 2, 3, 4], 0).astype(np.int8)
    signal = np.select(conditions, [side_signal, trend_direction, side_signal, side_signal], 0)
    return rule, signal.astype(np.int8)


def point_type(signal: np.ndarray, improvement: np.ndarray) -> np.ndarray:
    """Index into POINT_TYPES from the signal (+1/-1/0) and improvement (+1 increase, 0, -1)."""
    oriented = signal * improvement
    code = np.where(oriented > 0, 1, 2)
    code = np.where(improvement == 0, 3, code)
    return np.where(signal == 0, 0, code).astype(np.int8)
