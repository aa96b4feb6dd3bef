"""The fast engine (periods side by side on grids) against the plain one, period by period.

``engine.charts`` lays many periods side by side, pads them, closes gaps left by missing values
and scatters the results back; ``reference.charts_one_by_one`` splits each series at its
rebases and applies the same limit and rule functions to one period at a time. On random tables
(tied values, gaps, rebases, fixed baselines, unsorted rows, series of many lengths, grids of
any size) every output must be identical to the last bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.analytics.spc import engine, short_periods, summarise, xmr
from commissioning.analytics.spc.engine import (
    charts,
    charts_in_parts,
    points_frame,
    prepare,
    summary_frame,
)
from commissioning.analytics.spc.groups import Groups, last_present
from commissioning.analytics.spc.reference import charts_one_by_one

IMPROVEMENT = st.sampled_from(["increase", "decrease", "neutral", None])


@st.composite
def one_series(draw, name: str) -> pd.DataFrame:
    n = draw(st.integers(1, 45))
    if draw(st.booleans()):  # few distinct values: ties, repeats, points on the mean
        values = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), float)
    else:
        finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
        values = np.array(draw(st.lists(finite, min_size=n, max_size=n)), float)
    gaps = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    values[np.array(gaps) == 0] = np.nan
    rebase = np.array(draw(st.lists(st.integers(0, 14), min_size=n, max_size=n))) == 0
    has_target = draw(st.booleans())
    target = draw(st.lists(st.integers(-2, 6), min_size=n, max_size=n)) if has_target else None
    return pd.DataFrame(
        {
            "series": name,
            "date": pd.date_range("2019-01-01", periods=n, freq="MS"),
            "value": values,
            "target": np.array(target, float) if has_target else np.nan,
            "rebase": rebase.astype(int),
            "improvement": draw(IMPROVEMENT),
        }
    )


@st.composite
def tables(draw) -> pd.DataFrame:
    count = draw(st.integers(1, 6))
    df = pd.concat([draw(one_series(f"s{i}")) for i in range(count)], ignore_index=True)
    order = draw(st.permutations(range(len(df))))
    return df.iloc[list(order)].reset_index(drop=True)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@settings(max_examples=150, deadline=None)
@given(
    tables(),
    st.sampled_from([None, 12, 15]),
    st.booleans(),
    st.sampled_from([None, 20, 64, 300]),
    st.sampled_from(["increase", "decrease", "neutral"]),
)
def test_fast_engine_matches_one_period_at_a_time(df, fix_after, screen, cells, improvement):
    data = prepare(df, improvement)
    previous = engine.GRID_CELLS
    engine.GRID_CELLS = cells or previous  # small grids: many batches, each padded differently
    try:
        fast = charts(data, fix_after=fix_after, screen_outliers=screen)
    finally:
        engine.GRID_CELLS = previous
    plain = charts_one_by_one(data, fix_after=fix_after, screen_outliers=screen)
    points = points_frame(plain)
    same(points_frame(fast), points)
    same(xmr(df, improvement=improvement, fix_after=fix_after, screen_outliers=screen), points)
    same(summary_frame(fast), summarise(points))
    same(fast.short_periods(), short_periods(points))
    rows = np.array([0, len(points) - 1, len(points) // 2])
    same(points_frame(fast, rows), points.iloc[rows].reset_index(drop=True))
    # a part at a time: the rows reported done are done, and stay as they are
    done = 0
    for result, ready in charts_in_parts(data, fix_after=fix_after, screen_outliers=screen, rows=7):
        assert ready >= done
        done = ready
        for name in ("rule", "signal", "point_type"):
            np.testing.assert_array_equal(
                getattr(result, name)[:ready], getattr(fast, name)[:ready]
            )
        np.testing.assert_array_equal(
            result.per_row("upl", 0, ready), fast.per_row("upl", 0, ready)
        )
    assert done == len(data)


def test_one_long_series_among_many_short_ones_uses_little_padding():
    # A grid as wide as the longest period for every period would need 2,000 x 3,000 cells.
    lengths = [3000] + [12] * 2000
    batches = list(engine._grid_batches(np.array(lengths), cells=1 << 20))
    widths = sorted(max(lengths[i] for i in batch) for batch in batches)
    assert widths == [12, 3000]


@pytest.mark.parametrize("n", [0, 1, 2])
def test_tiny_tables(n):
    df = pd.DataFrame(
        {
            "date": pd.date_range("2020-01-01", periods=n, freq="MS"),
            "value": np.arange(n, dtype=float),
        }
    )
    data = prepare(df)
    same(points_frame(charts(data)), points_frame(charts_one_by_one(data)))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 6), min_size=1, max_size=12),
    st.data(),
    st.integers(1, 9),
)
def test_block_helpers_work_through_any_slice_of_rows(sizes, data, rows):
    groups = Groups(np.cumsum([0, *sizes[:-1]]), np.array(sizes))
    n = sum(sizes)
    present = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    expected = [
        max((r for r in range(a, a + s) if present[r]), default=-1)
        for a, s in zip(groups.starts, sizes, strict=True)
    ]
    assert last_present(present, groups, rows=rows).tolist() == expected
    values = np.arange(len(sizes)) * 10.0
    start = data.draw(st.integers(0, n))
    stop = data.draw(st.integers(start, n))
    np.testing.assert_array_equal(
        groups.spread(values, start, stop), np.repeat(values, sizes)[start:stop]
    )
