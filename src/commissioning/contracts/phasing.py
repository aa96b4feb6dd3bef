"""Phasing an annual plan into months.

A contract's plan is agreed for the year and phased by month, usually in the shape of last
year's activity (seasonality: winter peaks in emergency admissions, dips in August and over
Christmas for planned care), otherwise evenly.

Pure (no Django).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from commissioning.contracts.months import MONTHS_IN_YEAR


def profile(weights: Sequence[float | None] | None) -> list[float]:
    """Twelve shares adding up to 1: ``weights`` (e.g. last year's monthly activity) scaled,
    or twelfths when there are none, any is missing or negative, or they add up to nothing."""
    if weights is None or len(weights) != MONTHS_IN_YEAR:
        return [1 / MONTHS_IN_YEAR] * MONTHS_IN_YEAR
    values = [w for w in weights if w is not None and not math.isnan(w) and w >= 0]
    total = sum(values)
    if len(values) != MONTHS_IN_YEAR or total <= 0:
        return [1 / MONTHS_IN_YEAR] * MONTHS_IN_YEAR
    return [w / total for w in values]


def phase(
    annual: float, weights: Sequence[float | None] | None = None, *, whole: bool = False
) -> list[float]:
    """``annual`` split across the twelve months in proportion to ``weights`` (see
    :func:`profile`). With ``whole``, each month is a whole number and the months still add up
    to the annual figure rounded (largest remainders get the spare units)."""
    shares = profile(weights)
    exact = [annual * s for s in shares]
    if not whole:
        return exact
    target = round(annual)
    floors = [math.floor(x) for x in exact]
    spare = target - sum(floors)
    order = sorted(range(MONTHS_IN_YEAR), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: max(0, spare)]:
        floors[i] += 1
    return [float(x) for x in floors]
