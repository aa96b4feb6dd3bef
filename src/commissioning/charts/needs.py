"""The charts of needs assessment (page and print): the practice funnel plot, the trend of
recorded prevalence (broken where the list it divides by changes) and the projection."""

from __future__ import annotations

import altair as alt
import pandas as pd

from commissioning.charts import NHS_BLUE, NHS_DARK_GREY, NHS_WARM_YELLOW, chart_spec

DARK_TEXT = "#212b32"


def funnel_chart(points: pd.DataFrame, limits: pd.DataFrame, title: str) -> dict:
    """Each practice's recorded prevalence against its list size, with the 95% and 99.8%
    limits around the community's prevalence. ``points``: practice, list_size, prevalence, flag;
    ``limits``: list_size, limit, line (target, lower95, ...), level."""
    x = alt.X("list_size:Q", title="Patients on the practice list")
    lines = (
        alt.Chart(limits[limits["line"] != "target"])
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("limit:Q", title="Recorded prevalence (%)"),
            detail="line:N",
            strokeDash=alt.StrokeDash("level:N", title="Control limits", sort=["95%", "99.8%"]),
            color=alt.value(NHS_DARK_GREY),
        )
    )
    target = (
        alt.Chart(limits[limits["line"] == "target"])
        .mark_line(color=NHS_BLUE, strokeWidth=1)
        .encode(x=x, y="limit:Q")
    )
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=60, color=NHS_BLUE)
        .encode(
            x=x,
            y=alt.Y("prevalence:Q"),
            shape=alt.Shape("flag:N", title="Compared with the community"),
            tooltip=["practice:N", "list_size:Q", "prevalence:Q", "flag:N"],
        )
    )
    chart = (lines + target + dots).properties(width="container", height=360, title=title)
    return chart_spec(chart)


def trend_chart(points: pd.DataFrame, changes: pd.DataFrame, title: str) -> dict:
    """Recorded prevalence by year as a line that is broken where the list it divides by
    changes, with a dashed rule and a label at each change.

    ``points``: year (its label), prevalence, segment (a number that changes with the list
    type), denominator (what the list counts); ``changes``: year, label."""
    x = alt.X("year:O", title="Year ending March", sort=list(points["year"]))
    line = (
        alt.Chart(points)
        .mark_line(point=True, color=NHS_BLUE)
        .encode(
            x=x,
            y=alt.Y("prevalence:Q", title="Recorded prevalence (%)", scale=alt.Scale(zero=False)),
            detail="segment:N",
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("prevalence:Q", title="Recorded prevalence (%)"),
                alt.Tooltip("denominator:N", title="Divided by"),
            ],
        )
    )
    layers = [line]
    if len(changes):
        marks = alt.Chart(changes)
        layers.append(
            marks.mark_rule(color=DARK_TEXT, strokeDash=[4, 3]).encode(x=alt.X("year:O", sort=None))
        )
        layers.append(
            marks.mark_text(align="left", dx=4, dy=-120, color=DARK_TEXT, fontSize=13).encode(
                x=alt.X("year:O", sort=None), text="label:N"
            )
        )
    chart = alt.layer(*layers).properties(width="container", height=280, title=title)
    return chart_spec(chart)


def projection_chart(long: pd.DataFrame, title: str) -> dict:
    """People expected to have the condition, and on the register at today's diagnosis rate,
    by year. ``long``: year, people, series."""
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("people:Q", title="People"),
            strokeDash=alt.StrokeDash("series:N", title=None),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(range=[NHS_BLUE, NHS_WARM_YELLOW]),
                title=None,
            ),
        )
        .properties(width="container", height=280, title=title)
    )
    return chart_spec(chart)
