"""Assurance: can the process be relied on to meet its target?

As NHSRplotthedots (``ptd_calculate_assurance_type``), judged on the latest period's limits:
with improvement "increase", a target below the lower limit is a consistent pass and one above
the upper limit a consistent fail; "decrease" swaps them; a target on or between the limits is
inconsistent (the process will sometimes hit and sometimes miss). There is no assurance without
a target or when improvement is "neutral". When the limits could not be computed the R package
falls through to "inconsistent", and so do we.
"""

from __future__ import annotations

import numpy as np

ASSURANCES = ("consistent_pass", "consistent_fail", "inconsistent")


def assurance(
    target: np.ndarray, lpl: np.ndarray, upl: np.ndarray, improvement: np.ndarray
) -> np.ndarray:
    """Index into ASSURANCES, or -1 where there is no assurance."""
    with np.errstate(invalid="ignore"):
        above = target > upl
        below = target < lpl
    increasing = improvement > 0
    above_code = np.where(increasing, 1, 0)
    below_code = np.where(increasing, 0, 1)
    code = np.select([above, below], [above_code, below_code], 2)
    none = np.isnan(target) | (improvement == 0)
    return np.where(none, -1, code).astype(np.int8)
