"""The SPC chart's y axis shows the variation: it holds every figure the chart draws (values,
means, limits as shown, target) with a little room, is not forced to zero, starts at 0 only when
the figures come near it, and is never padded below 0 for a measure that cannot be negative nor
above 100 for a percentage (:func:`commissioning.charts.spc.y_domain`, through
:func:`commissioning.monitoring.presenter.spc_spec`, the one chart of the pages, the reports and
their PDFs).

Found on the demo: Wirral's HbA1c control indicator (about 60%) was drawn on an axis from 0, so
its values sat in a thin band at the top of the chart where its special causes could not be
seen. The limits below are worked out by hand with the XmR rule (mean -/+ 2.66 mean moving
ranges); the padding is 5% of the figures' range each side.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.monitoring.presenter import spc_spec

FIGURES = ("Value", "Mean", "Lower limit", "Upper limit", "Target")


def series(values, *, unit="%", from_zero=True, target=None):
    """A series as the presenter draws it: one process, XmR limits, the lower limit shown from
    zero for a measure that cannot be negative (``from_zero``); None is a hidden value."""
    present = [v for v in values if v is not None]
    mean = lpl = upl = None
    if present:
        mean = sum(present) / len(present)
        ranges = [abs(b - a) for a, b in pairwise(present)]
        spread = 2.66 * (sum(ranges) / len(ranges) if ranges else 0.0)
        lpl, upl = mean - spread, mean + spread
        if from_zero:
            lpl = max(lpl, 0.0)
    points = [
        {
            "period": dt.date(2010 + i // 12, i % 12 + 1, 1),
            "value": v,
            "mean": mean,
            "lpl": lpl,
            "upl": upl,
            "target": target,
            "point_label": "Common cause" if v is not None else "Hidden: it rests on small numbers",
            "limits_period": 0,
            "rebase": False,
        }
        for i, v in enumerate(values)
    ]
    return SimpleNamespace(
        points=points,
        annotations=[],
        recalculations=[],
        from_zero=from_zero,
        indicator=SimpleNamespace(unit=unit),
    )


def y_scale(spec: dict) -> dict:
    scales = [
        layer["encoding"]["y"]["scale"]
        for layer in spec["layer"]
        if "scale" in layer.get("encoding", {}).get("y", {})
    ]
    assert len(scales) == 1  # the layers share one y scale, set on the first
    return scales[0]


def test_a_percentage_near_60_fills_the_chart_rather_than_a_band_at_its_top():
    # mean 720/12 = 60; moving ranges 2,3,2,3,7,3,2,4,3,8,4 = 41, so the limits are
    # 60 -/+ 2.66 x 41/11 = 9.9145: 50.0855 to 69.9145 (range 19.8291; 5% of it 0.9915)
    values = [55, 57, 60, 62, 65, 58, 61, 63, 59, 56, 64, 60]
    scale = y_scale(spc_spec(series(values, target=63)))
    assert scale["domain"] == pytest.approx([49.0940, 70.9060], abs=1e-4)
    assert scale["zero"] is False


def test_a_count_near_zero_still_starts_at_zero():
    # Falls (tests/integration/monitoring/world.py): mean 1.8333, lower limit -4.6958 shown as
    # 0, upper limit 8.3624; the axis from 0 to 8.3624 + 5% of 8.3624 = 8.7805
    values = [1, 3, 0, 2, 5, 1, 0, 4, 2, 1, 3, 0]
    scale = y_scale(spc_spec(series(values, unit="falls")))
    assert scale["domain"] == pytest.approx([0.0, 8.7805], abs=1e-4)


def test_a_count_far_from_zero_is_not_forced_to_it():
    # registered patients: mean 60,180 / 6 = 10,030; moving ranges 40, 20, 60, 40, 40 = 200 / 5 =
    # 40, so the limits are 10,030 -/+ 106.4: 9,923.6 to 10,136.4 (range 212.8; 5% of it 10.64)
    values = [10000, 10040, 10020, 10080, 10040, 10000]
    scale = y_scale(spc_spec(series(values, unit="patients")))
    assert scale["domain"] == pytest.approx([9912.96, 10147.04], abs=1e-3)


def test_a_percentage_is_not_padded_above_100():
    # mean 92, moving ranges 2,1,2,1,2 = 8/5 = 1.6: limits 92 -/+ 4.256, 87.744 to 96.256; the
    # target 100 is the highest figure, and 5% of the range (12.256) above it would pass 100
    values = [90, 92, 91, 93, 92, 94]
    scale = y_scale(spc_spec(series(values, target=100.0)))
    assert scale["domain"] == pytest.approx([87.1312, 100.0], abs=1e-4)


def test_a_limit_above_100_is_still_on_the_axis():
    # the upper limit of a percentage is not clipped at 100, so the axis holds it:
    # mean 98.1667, moving ranges 2,1,2,4,3 = 12/5 = 2.4, upper limit 98.1667 + 6.384 = 104.5507
    values = [97, 99, 98, 100, 96, 99]
    (bottom, top) = y_scale(spc_spec(series(values)))["domain"]
    assert top == pytest.approx(104.5507 + 0.05 * (104.5507 - 91.7827), abs=1e-3)
    assert bottom == pytest.approx(91.7827 - 0.05 * (104.5507 - 91.7827), abs=1e-3)


def test_money_may_go_below_zero():
    # a contract line's variance (money): values -30 to 20, limits unclipped
    values = [-30, 10, -10, 20, 0, -20]
    bottom, top = y_scale(spc_spec(series(values, unit="£", from_zero=False)))["domain"]
    assert bottom < -30 and top > 20


def test_every_value_hidden_leaves_the_axis_to_the_chart():
    scale = y_scale(spc_spec(series([None, None, None])))
    assert "domain" not in scale


def test_the_shared_design_keeps_no_series_axis():
    first = y_scale(spc_spec(series([55, 60, 65])))["domain"]
    second = y_scale(spc_spec(series([5, 6, 7])))["domain"]
    assert first != second
    assert "domain" not in y_scale(spc_spec(series([None])))  # the design was not changed


# --- every series ----------------------------------------------------------------------------

_percentages = st.floats(0, 100, allow_nan=False)
_counts = st.integers(0, 10**6).map(float)
_money = st.floats(-1e7, 1e7, allow_nan=False)
_kinds = st.sampled_from(
    [("%", True, _percentages), ("patients", True, _counts), ("£", False, _money)]
)


@st.composite
def _series(draw):
    unit, from_zero, numbers = draw(_kinds)
    values = draw(st.lists(st.one_of(st.none(), numbers), min_size=1, max_size=40))
    target = draw(st.one_of(st.none(), numbers))
    return series(values, unit=unit, from_zero=from_zero, target=target)


@settings(max_examples=300, deadline=None)
@given(_series())
def test_the_axis_holds_every_figure_and_keeps_to_the_measure(s):
    spec = spc_spec(s)
    figures = [p[f] for p in spec["datasets"]["points"] for f in FIGURES if p[f] is not None]
    scale = y_scale(spec)
    if not figures:
        assert "domain" not in scale
        return
    bottom, top = scale["domain"]
    low, high = min(figures), max(figures)
    assert bottom <= low and high <= top and bottom < top
    pad = 0.05 * (high - low) if high > low else (0.05 * abs(high) or 1.0)
    if low > bottom:  # room below the lowest figure: the padding, or the axis from 0
        assert bottom == 0 or bottom == pytest.approx(low - pad)
    if top > high:  # and above the highest: the padding, up to 100 for a percentage
        assert top == pytest.approx(high + pad) or top == 100
    if s.from_zero and low >= 0:
        assert bottom >= 0  # never below 0 for a measure that cannot be negative
    if s.indicator.unit == "%" and high <= 100:
        assert top <= 100  # nor above 100 for a percentage
    # from 0 only when the figures come near it: at most a quarter of the chart below them
    if low >= 0:
        assert (bottom == 0) == (low <= 0.25 * top)
