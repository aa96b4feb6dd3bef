"""The timeline of a service development: its activities laid out by stage, one lane per stage.

Stages overlap: an activity that serves several stages appears in each of their lanes, so the
hours of all lanes added together can exceed the development's total hours.
"""

from __future__ import annotations

from decimal import Decimal

import altair as alt
import pandas as pd
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from commissioning.charts import NHS_BLUE
from commissioning.store.models import Activity, Nature, Stage

NATURE_COLOURS = {Nature.TECHNICAL.label: NHS_BLUE, Nature.RELATIONAL.label: "#ae2573"}
NATURE_SHAPES = {Nature.TECHNICAL.label: "circle", Nature.RELATIONAL.label: "triangle-up"}
LANE_COLUMNS = ["stage_order", "stage", "date", "title", "kind", "nature", "hours", "activity"]


def activity_lanes(development_ids) -> pd.DataFrame:
    """One row per activity of the developments ``development_ids`` (a development and its
    tasks) and stage it serves, with the hours all its participants gave."""
    activities = (
        Activity.objects.filter(development__in=development_ids)
        .annotate(
            total_hours=Coalesce(
                Sum("participations__hours"),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
        .prefetch_related("stages")
        .order_by("date", "id")
    )
    rows = [
        {
            "stage_order": stage.order,
            "stage": stage.name,
            "date": activity.date,
            "title": activity.title,
            "kind": activity.get_kind_display(),
            "nature": activity.get_nature_display(),
            "hours": float(activity.total_hours),
            "activity": activity.pk,
        }
        for activity in activities
        for stage in activity.stages.all()
    ]
    lanes = pd.DataFrame(rows, columns=LANE_COLUMNS)
    return lanes.sort_values(["stage_order", "date", "activity"], kind="stable").reset_index(
        drop=True
    )


def lane_hours(lanes: pd.DataFrame, stages: list[Stage]) -> pd.DataFrame:
    """Activities and hours in every stage's lane (zero for a stage with no work recorded)."""
    grouped = lanes.groupby("stage", sort=False).agg(
        activities=("activity", "nunique"), hours=("hours", "sum")
    )
    out = pd.DataFrame({"stage": [s.name for s in stages]})
    out = out.merge(grouped, how="left", left_on="stage", right_index=True)
    out["activities"] = out["activities"].fillna(0).astype(int)
    out["hours"] = out["hours"].fillna(0.0).astype(float)
    return out


def describe(lanes: pd.DataFrame, hours: pd.DataFrame) -> str:
    """A plain-English text alternative for the timeline chart."""
    if lanes.empty:
        return "Timeline of activities by stage: no activities have been recorded yet."
    busy = hours.sort_values("hours", ascending=False).iloc[0]
    used = int((hours["activities"] > 0).sum())
    first, last = lanes["date"].min(), lanes["date"].max()
    return (
        f"Timeline of {lanes['activity'].nunique()} activities from "
        f"{first:%-d %B %Y} to {last:%-d %B %Y} in {used} of {len(hours)} stage lanes. "
        f"Each activity is a point in the lane of every stage it serves; bigger points took "
        f"more hours; circles are technical work and triangles relational work. "
        f"The lane with most hours is {busy['stage']} ({busy['hours']:g} hours). "
        f"The tables below give the same figures."
    )


def timeline_chart(lanes: pd.DataFrame, stages: list[Stage], *, description: str = ""):
    """Activities by date (x) in stage lanes (y); size is hours; colour and shape are nature."""
    names = [s.name for s in stages]
    data = lanes.assign(date=lanes["date"].map(lambda d: d.isoformat()))
    natures = list(NATURE_COLOURS)
    return (
        alt.Chart(data, description=description or "Timeline of activities by stage")
        .mark_point(filled=True, opacity=0.85, stroke="#212b32", strokeWidth=0.5)
        .encode(
            x=alt.X("date:T", title="Date", axis=alt.Axis(format="%b %Y", labelAngle=0)),
            y=alt.Y(
                "stage:N",
                title=None,
                sort=names,
                scale=alt.Scale(domain=names),
                axis=alt.Axis(labelLimit=260),
            ),
            size=alt.Size("hours:Q", title="Hours", scale=alt.Scale(range=[30, 700])),
            color=alt.Color(
                "nature:N",
                title="Nature of work",
                scale=alt.Scale(domain=natures, range=[NATURE_COLOURS[n] for n in natures]),
            ),
            shape=alt.Shape(
                "nature:N",
                title="Nature of work",
                scale=alt.Scale(domain=natures, range=[NATURE_SHAPES[n] for n in natures]),
            ),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%-d %b %Y"),
                alt.Tooltip("title:N", title="Activity"),
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("nature:N", title="Nature"),
                alt.Tooltip("hours:Q", title="Hours"),
            ],
        )
        .properties(width=640, height=42 * len(names))
    )
