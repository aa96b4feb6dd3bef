"""The vectorised engine against a plain, loop-by-loop reference written from the R source.

The reference follows NHSRplotthedots 0.2.x (``ptd_spc_standard``, ``ptd_calculate_point_type``)
one series and one period at a time, in the most literal way: windows are checked with explicit
loops, exactly as the R functions pad and slide them. Means are summed in the same order as
the engine (then corrected with a second pass, as R's ``mean()`` does), so limits must agree
to the bit and every flag must agree exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.analytics.spc import summarise, xmr

LIMIT = 2.66
NEAR = 2 * (LIMIT / 3)


def r_mean(xs: list[float]) -> float:
    """R's mean(): a sum, then the mean of the residuals added back."""
    if not xs:
        return math.nan
    total = 0.0
    for x in xs:
        total += x
    m = total / len(xs)
    residual = 0.0
    for x in xs:
        residual += x - m
    return m + residual / len(xs)


def sign(x: float) -> int:
    if math.isnan(x):
        return 0
    return (x > 0) - (x < 0)


def reference_period(values: list[float], improvement: int, fix_after, screen: bool):
    """One period of one series: returns per-row (mean, lpl, upl, rule, signal, point_type)."""
    n = len(values)
    base = [v if (fix_after is None or i < fix_after) else math.nan for i, v in enumerate(values)]
    mean = r_mean([v for v in base if not math.isnan(v)])
    mr = [math.nan] + [abs(base[i] - base[i - 1]) for i in range(1, n)]
    amr = r_mean([m for m in mr if not math.isnan(m)])
    if screen:
        mr = [m if m < 3.267 * amr else math.nan for m in mr]
        amr = r_mean([m for m in mr if not math.isnan(m)])
    lpl, upl = mean - LIMIT * amr, mean + LIMIT * amr
    nlpl, nupl = mean - NEAR * amr, mean + NEAR * amr

    # Rules over observed values only.
    rows = [i for i in range(n) if not math.isnan(values[i])]
    y = [values[i] for i in rows]
    m = len(y)
    outside = [v > upl or v < lpl for v in y]
    rtm = [sign(v - mean) for v in y]
    close = [(not outside[j]) and (y[j] < nlpl or y[j] > nupl) for j in range(m)]

    def part_of_seven(ends):
        return [any(ends[j + k] for k in range(7) if j + k < m) for j in range(m)]

    shift_end = [
        j >= 6 and rtm[j] != 0 and all(rtm[j - k] == rtm[j] for k in range(1, 7)) for j in range(m)
    ]
    trend_end = []
    for j in range(m):
        if j < 6:
            trend_end.append(False)
            continue
        d = [sign(y[j - k] - y[j - k - 1]) for k in range(6)]
        trend_end.append(all(x == 1 for x in d) or all(x == -1 for x in d))
    in_shift = part_of_seven(shift_end)
    in_trend = part_of_seven(trend_end)

    vp = [0, 0] + [int(c) for c in close] + [0, 0]
    rp = [0, 0] + rtm + [0, 0]
    two = []
    for j in range(m):
        hit = False
        for start in (j, j + 1, j + 2):  # windows ending at, around and starting at j
            if sum(vp[start : start + 3]) >= 2 and abs(sum(rp[start : start + 3])) == 3:
                hit = True
        two.append(hit and close[j])

    sdy = [sign(y[j + 1] - y[j]) for j in range(m - 1)]
    out = {}
    for j in range(m):
        if in_trend[j] and j + 1 < m and in_trend[j + 1]:
            step = sdy[j]
        else:
            step = sdy[j - 1] if j >= 1 else 0
        if outside[j]:
            rule, signal = "outside_limits", 1 if rtm[j] == 1 else -1
        elif in_trend[j]:
            rule, signal = "trend", 1 if step == 1 else -1
        elif two[j]:
            rule, signal = "two_of_three", 1 if rtm[j] > 0 else -1
        elif in_shift[j]:
            rule, signal = "shift", 1 if rtm[j] > 0 else -1
        else:
            rule, signal = None, 0
        if signal == 0:
            kind = "common_cause"
        elif improvement == 0:
            kind = "special_cause_neutral"
        elif signal * improvement > 0:
            kind = "special_cause_improvement"
        else:
            kind = "special_cause_concern"
        out[rows[j]] = (rule, {1: "high", -1: "low", 0: None}[signal], kind)
    result = []
    for i in range(n):
        rule, signal, kind = out.get(i, (None, None, None))
        result.append((mean, lpl, upl, rule, signal, kind))
    return result


def reference(df: pd.DataFrame, improvement: str, fix_after, screen: bool) -> pd.DataFrame:
    directions = {"increase": 1, "neutral": 0, "decrease": -1}
    rows = []
    for name, group in df.sort_values(["series", "date"]).groupby("series", sort=True):
        group = group.reset_index(drop=True)
        direction = directions[group["improvement"].iloc[0]] if "improvement" in group else None
        direction = directions[improvement] if direction is None else direction
        starts = [0] + [i for i in range(1, len(group)) if group["rebase"][i] == 1] + [len(group)]
        for a, b in zip(starts[:-1], starts[1:], strict=True):
            values = list(group["value"][a:b])
            for offset, item in enumerate(reference_period(values, direction, fix_after, screen)):
                rows.append((name, group["date"][a + offset], values[offset], *item))
    return pd.DataFrame(
        rows, columns=["series", "date", "value", "mean", "lpl", "upl", "rule", "signal", "kind"]
    )


@st.composite
def tables(draw):
    count = draw(st.integers(1, 4))
    value = st.one_of(
        st.integers(-5, 5).map(float),
        st.sampled_from([0.5, 2.25, 100.0, -40.0]),
        st.just(math.nan),
    )
    frames = []
    for s in range(count):
        n = draw(st.integers(0, 30))
        values = draw(st.lists(value, min_size=n, max_size=n))
        if not values:
            continue
        rebase = [0 if i == 0 else int(draw(st.integers(0, 12)) == 0) for i in range(len(values))]
        improvement = draw(st.sampled_from(["increase", "decrease", "neutral"]))
        frames.append(
            pd.DataFrame(
                {
                    "series": f"s{s}",
                    "date": pd.date_range("2020-01-01", periods=len(values), freq="MS"),
                    "value": values,
                    "rebase": rebase,
                    "improvement": improvement,
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {"series": ["s0"], "date": [pd.Timestamp("2020-01-01")], "value": [1.0]}
        )
    return pd.concat(frames, ignore_index=True)


def labels(column: pd.Series) -> list:
    """Text labels with every kind of missing value as None."""
    return [None if pd.isna(x) else str(x) for x in column.astype(object)]


def compare(df: pd.DataFrame, *, fix_after=None, screen=True, improvement="increase") -> None:
    got = xmr(df, improvement=improvement, fix_after=fix_after, screen_outliers=screen)
    want = reference(df.assign(rebase=df.get("rebase", 0)), improvement, fix_after, screen)
    assert list(got["series"].astype(str)) == list(want["series"])
    assert list(got["date"]) == list(want["date"])
    for column in ("mean", "lpl", "upl"):
        np.testing.assert_array_equal(got[column].to_numpy(), want[column].to_numpy(dtype=float))
    assert labels(got["rule"]) == labels(want["rule"])
    assert labels(got["signal"]) == labels(want["signal"])
    assert labels(got["point_type"]) == labels(want["kind"])


@settings(max_examples=150, deadline=None)
@given(tables())
def test_engine_matches_reference(df):
    compare(df)


@settings(max_examples=60, deadline=None)
@given(tables(), st.sampled_from([12, 13, 20]))
def test_engine_matches_reference_with_fixed_baseline(df, fix_after):
    compare(df, fix_after=fix_after)


@settings(max_examples=60, deadline=None)
@given(tables())
def test_engine_matches_reference_without_screening(df):
    compare(df, screen=False)


@settings(max_examples=50, deadline=None)
@given(tables())
def test_many_series_at_once_equal_one_at_a_time(df):
    together = xmr(df)
    apart = pd.concat([xmr(group) for _, group in df.groupby("series", sort=True)])
    pd.testing.assert_frame_equal(
        together.astype({"series": str}).reset_index(drop=True),
        apart.astype({"series": str}).reset_index(drop=True),
    )
    summary_together = summarise(together).astype({"series": str})
    summary_apart = pd.concat(
        [summarise(xmr(group)) for _, group in df.groupby("series", sort=True)]
    ).astype({"series": str})
    pd.testing.assert_frame_equal(summary_together, summary_apart.reset_index(drop=True))


@settings(max_examples=50, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(df, random):
    order = list(range(len(df)))
    random.shuffle(order)
    pd.testing.assert_frame_equal(xmr(df), xmr(df.iloc[order]))
