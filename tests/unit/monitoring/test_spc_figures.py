"""The one SPC chart from plain arguments (commissioning.charts.spc.spc_figures_spec): what
monitoring's series and contract lines are both drawn with."""

from __future__ import annotations

import datetime as dt
import json

from commissioning.charts.spc import MARKS, POINTS, SpcPoint, spc_figures_spec


def _point(month: int, value: float, *, rebase: bool = False, limits: int = 0) -> SpcPoint:
    return SpcPoint(
        period=dt.date(2023, month, 1),
        value=value,
        mean=10.0,
        lpl=4.0,
        upl=16.0,
        target=12.0 if month > 5 else None,
        point_label="Common cause",
        limits_period=limits,
        rebase=rebase,
    )


POINTS_ = [_point(4, 9.0), _point(5, 11.0), _point(6, 10.0, rebase=True, limits=1)]


def test_the_points_become_the_charts_named_dataset():
    spec = spc_figures_spec(POINTS_, unit="Spell")
    assert spec["datasets"][POINTS][2] == {
        "Period": "2023-06-01",
        "Value": 10.0,
        "Mean": 10.0,
        "Lower limit": 4.0,
        "Upper limit": 16.0,
        "Target": 12.0,
        "Point type": "Common cause",
        "Limits": 1,
    }
    text = json.dumps(spec)
    assert '"title": "Spell"' in text  # the y axis is the unit
    assert "isValid(datum.Target)" in text  # a target, so the target line is drawn
    # a recalculation with no recorded reason is still marked R
    assert spec["datasets"][MARKS] == [
        {"Date": "2023-06-01", "Label": "Limits recalculated", "Number": "R"}
    ]


def test_recalculations_and_annotations_on_one_day_make_one_mark():
    spec = spc_figures_spec(
        POINTS_,
        unit="",
        non_negative=True,
        annotations=[
            {"date": dt.date(2023, 6, 1), "number": 1, "label": "Go-live: new service"},
            {"date": dt.date(2023, 4, 15), "number": 2, "label": "Decision: tender"},
        ],
        recalculations=[{"period": dt.date(2023, 6, 1), "reason": "the service changed"}],
    )
    assert spec["datasets"][MARKS] == [
        {"Date": "2023-04-15", "Label": "Decision: tender", "Number": "2"},
        {
            "Date": "2023-06-01",
            "Label": "Limits recalculated: the service changed; Go-live: new service",
            "Number": "R, 1",
        },
    ]
    text = json.dumps(spec)
    assert '"title": "Value"' in text  # no unit: the axis says Value
    # cannot be negative, and the lowest figure (a lower limit of 4) is within a quarter of the
    # axis from 0: the axis starts at 0 (charts.spc.y_domain)
    domain = next(
        layer["encoding"]["y"]["scale"]["domain"]
        for layer in spec["layer"]
        if "scale" in layer.get("encoding", {}).get("y", {})
    )
    assert domain[0] == 0 and 16 < domain[1] < 17


def test_a_line_with_no_marks_has_no_marks_dataset():
    plain = [_point(4, 9.0), _point(5, 11.0)]
    spec = spc_figures_spec(plain, unit="Attendance")
    assert MARKS not in spec["datasets"]
    assert "isValid(datum.Target)" not in json.dumps(spec)  # no target in April or May
