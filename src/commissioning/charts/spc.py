"""The Making Data Count SPC chart: one design for the monitoring pages and the board reports.

The chart shows the values, the mean, the process limits, the target and dated annotations, with
each point coloured and shaped by its type (NHS England's Making Data Count colours; shapes carry
the same meaning, so colour is never the only cue). :func:`spc_chart` gives the design for a
unit, a target and annotations; the series' figures come as the named datasets ``points`` and
``marks`` (:func:`commissioning.monitoring.presenter.spc_spec`). Reports draw the same
specification as SVG (:func:`commissioning.charts.spec_svg`).
"""

from __future__ import annotations

import functools

import altair as alt

from commissioning.charts import NHS_BLUE, NHS_DARK_GREY, chart_spec

# Making Data Count colours (shared/domain/facts.md §5); shapes carry the same meaning.
POINT_STYLES = {
    "common_cause": ("Common cause", "#a6a6a6", "circle"),
    "special_cause_improvement": ("Special cause improvement", "#00b0f0", "triangle-up"),
    "special_cause_concern": ("Special cause concern", "#e46c0a", "diamond"),
    "special_cause_neutral": ("Special cause neither better nor worse", "#490092", "square"),
}
DARK_TEXT = "#212b32"
WHITE = "#ffffff"

POINTS = "points"
MARKS = "marks"


@functools.lru_cache(maxsize=64)
def spc_chart(y_title: str, has_target: bool, has_marks: bool, from_zero: bool = False) -> dict:
    """The design of a Making Data Count chart (Altair), its data left to named datasets.

    ``from_zero``: the measure cannot be negative, so the y axis starts at 0 (its lower limit
    is never below 0 either: the presenter shows it from zero)."""
    x = alt.X("Period:T", title="Period", axis=alt.Axis(format="%b %Y", labelAngle=0))
    base = alt.Chart(alt.Data(name=POINTS)).encode(x=x)
    scale = alt.Scale(zero=True, domainMin=0) if from_zero else alt.Scale(zero=False)
    layers = [
        base.mark_line(color=NHS_DARK_GREY, strokeDash=[6, 4], strokeWidth=1.5).encode(
            y=alt.Y("Upper limit:Q", title=y_title, scale=scale),
            detail="Limits:N",
        ),
        base.mark_line(color=NHS_DARK_GREY, strokeDash=[6, 4], strokeWidth=1.5).encode(
            y="Lower limit:Q", detail="Limits:N"
        ),
        base.mark_line(color=DARK_TEXT, strokeWidth=1.5).encode(y="Mean:Q", detail="Limits:N"),
    ]
    if has_target:
        layers.append(
            base.transform_filter("isValid(datum.Target)")
            .mark_line(color=NHS_BLUE, strokeDash=[2, 2], strokeWidth=2)
            .encode(y="Target:Q")
        )
    layers.append(
        # no filter: a hidden value (null) breaks the line, a gap where it would be
        base.mark_line(color="#768692", strokeWidth=1).encode(y="Value:Q")
    )
    labels = [v[0] for v in POINT_STYLES.values()]
    layers.append(
        base.transform_filter("isValid(datum.Value)")
        .mark_point(filled=True, size=70, opacity=1)
        .encode(
            y="Value:Q",
            color=alt.Color(
                "Point type:N",
                scale=alt.Scale(domain=labels, range=[v[1] for v in POINT_STYLES.values()]),
                legend=alt.Legend(title="Point type", orient="bottom", columns=2, labelLimit=0),
            ),
            shape=alt.Shape(
                "Point type:N",
                scale=alt.Scale(domain=labels, range=[v[2] for v in POINT_STYLES.values()]),
            ),
            tooltip=[
                alt.Tooltip("Period:T", format="%B %Y"),
                alt.Tooltip("Value:Q", format=",.2f"),
                "Point type:N",
                alt.Tooltip("Mean:Q", format=",.2f"),
                alt.Tooltip("Lower limit:Q", format=",.2f"),
                alt.Tooltip("Upper limit:Q", format=",.2f"),
            ],
        )
    )
    if has_marks:
        events = alt.Chart(alt.Data(name=MARKS)).encode(
            x=alt.X("Date:T"), tooltip=[alt.Tooltip("Date:T", format="%d %B %Y"), "Label:N"]
        )
        layers.append(events.mark_rule(color=DARK_TEXT, strokeDash=[1, 3], strokeWidth=1.5))
        layers.append(
            events.mark_text(
                align="left", dx=3, baseline="top", fontSize=13, color=DARK_TEXT
            ).encode(y=alt.value(0), text="Number:N")
        )
    return chart_spec(alt.layer(*layers).properties(width="container", height=260))
