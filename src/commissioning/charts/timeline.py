"""The one timeline chart: a development's activities by stage, one lane per stage, sized by
hours and marked by the nature of the work (lanes from :mod:`commissioning.work.timeline`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from commissioning.charts import NHS_BLUE
from commissioning.store.models import Nature, Stage

NATURE_COLOURS = {Nature.TECHNICAL.label: NHS_BLUE, Nature.RELATIONAL.label: "#ae2573"}
NATURE_SHAPES = {Nature.TECHNICAL.label: "circle", Nature.RELATIONAL.label: "triangle-up"}


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
