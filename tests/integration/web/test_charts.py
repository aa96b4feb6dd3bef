"""One Altair chart for the page and for static export (SVG and PNG through vl-convert)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from commissioning.charts import chart_png, chart_spec, chart_svg
from commissioning.charts.timeline import describe, timeline_chart
from commissioning.work.timeline import lane_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def stages():
    from commissioning.store.models import Stage

    return list(Stage.objects.order_by("order"))


@pytest.fixture
def lanes():
    return pd.DataFrame(
        [
            (1, "Scoping", dt.date(2010, 1, 10), "Kick-off", "Meeting", "Relational", 5.0, 1),
            (3, "Planning and service design", dt.date(2010, 1, 10), "Kick-off", "Meeting",
             "Relational", 5.0, 1),
            (3, "Planning and service design", dt.date(2010, 3, 15), "Draft", "Document",
             "Technical", 4.25, 2),
        ],
        columns=["stage_order", "stage", "date", "title", "kind", "nature", "hours", "activity"],
    )  # fmt: skip


def test_lane_hours_has_every_stage_with_zero_for_empty_lanes(lanes, stages):
    hours = lane_hours(lanes, stages)
    assert list(hours["stage"]) == [s.name for s in stages]
    by_stage = dict(zip(hours["stage"], hours["hours"], strict=True))
    assert by_stage["Scoping"] == 5.0
    assert by_stage["Planning and service design"] == 9.25
    assert by_stage["Review"] == 0.0
    assert hours["activities"].sum() == 3  # the kick-off counts once in each of its two lanes


def test_description_names_span_lanes_and_busiest_lane(lanes, stages):
    text = describe(lanes, lane_hours(lanes, stages))
    assert text.startswith("Timeline of 2 activities from 10 January 2010 to 15 March 2010")
    assert "in 2 of 8 stage lanes" in text
    assert "Planning and service design (9.25 hours)" in text


def test_spec_inlines_the_data_and_never_relies_on_colour_alone(lanes, stages):
    spec = chart_spec(timeline_chart(lanes, stages))
    values = spec["datasets"][spec["data"]["name"]]
    assert [v["date"] for v in values] == ["2010-01-10", "2010-01-10", "2010-03-15"]
    assert spec["encoding"]["color"]["field"] == spec["encoding"]["shape"]["field"] == "nature"
    assert spec["encoding"]["size"]["field"] == "hours"
    assert spec["config"]["font"].startswith("Arial")


def test_static_export_as_svg_and_png(lanes, stages):
    chart = timeline_chart(lanes, stages)
    svg = chart_svg(chart)
    assert svg.lstrip().startswith("<svg")
    assert "Planning and service design" in svg and "Decommissioning" in svg
    png = chart_png(chart, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width > 640  # the plot is 640 pixels wide plus its axis labels and legend
