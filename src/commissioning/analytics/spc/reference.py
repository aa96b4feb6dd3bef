"""The charts computed one series and one period at a time, in the plainest way.

This is what ``engine.charts`` computes on grids of many periods at once, written as one would
by hand: split each series at its rebases, drop the missing values, apply the limit and rule
functions to that one period. The tests hold the two together on random tables (ties, gaps,
rebases, fixed baselines, series of every length), and the benchmarks use it as the
per-series baseline. It is slow (a Python loop over every period); use ``engine.charts``.
"""

from __future__ import annotations

import numpy as np

from commissioning.analytics.spc import rules
from commissioning.analytics.spc.engine import Charts, Prepared
from commissioning.analytics.spc.groups import Groups
from commissioning.analytics.spc.limits import Limits, process_limits
from commissioning.analytics.spc.point_type import point_type, special_cause


def charts_one_by_one(
    data: Prepared, *, fix_after: int | None = None, screen_outliers: bool = True
) -> Charts:
    """As ``engine.charts(data, ...)``, one period at a time."""
    n = len(data)
    rule = np.zeros(n, dtype=np.int8)
    signal = np.zeros(n, dtype=np.int8)
    kind = np.full(n, -1, dtype=np.int8)
    starts, sizes, numbers, observed = [], [], [], []
    limits: dict[str, list[float]] = {name: [] for name in Limits.__dataclass_fields__}

    for first, end in _series_bounds(data.series_codes):
        number = int(data.rebase[first])  # as R's cumsum(rebase) within the series
        start = first
        for row in range(first + 1, end + 1):
            if row < end and not data.rebase[row]:
                continue
            values = data.values[start:row]
            period = process_limits(values, fix_after=fix_after, screen_outliers=screen_outliers)
            present = ~np.isnan(values)
            seen = values[present]
            period_rule, period_signal = special_cause(*rules.special_causes(seen, period))
            where = np.arange(start, row)[present]
            rule[where] = period_rule
            signal[where] = period_signal
            kind[where] = point_type(period_signal, data.improvement[start])
            starts.append(start)
            sizes.append(row - start)
            numbers.append(number)
            observed.append(len(seen))
            for name in limits:
                limits[name].append(float(getattr(period, name)))
            start, number = row, number + 1

    return Charts(
        data=data,
        periods=Groups(np.array(starts, dtype=np.int64), np.array(sizes, dtype=np.int64)),
        numbers=np.array(numbers, dtype=np.int64),
        limits=Limits(**{name: np.array(v, dtype=float) for name, v in limits.items()}),
        observed=np.array(observed, dtype=np.int64),
        rule=rule,
        signal=signal,
        point_type=kind,
    )


def _series_bounds(codes: np.ndarray) -> list[tuple[int, int]]:
    """(first row, row after the last) of each series, in order."""
    bounds = []
    first = 0
    for row in range(1, len(codes) + 1):
        if row == len(codes) or codes[row] != codes[row - 1]:
            bounds.append((first, row))
            first = row
    return bounds
