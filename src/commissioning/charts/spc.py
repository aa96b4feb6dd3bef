"""The Making Data Count SPC chart: one design for the monitoring pages and the board reports.

The chart shows the values, the mean, the process limits, the target and dated annotations, with
each point coloured and shaped by its type (NHS England's Making Data Count colours; shapes carry
the same meaning, so colour is never the only cue). :func:`spc_chart` gives the design for a
unit, a target and annotations; :func:`spc_figures_spec` gives a chart's figures as the named
datasets ``points`` and ``marks``, from plain arguments: the points (:class:`SpcPoint`), the
unit, the annotations and the recalculations of the limits. Monitoring draws an indicator's
series with it (:func:`commissioning.monitoring.presenter.spc_spec`), contract performance a
contract line's monthly activity (:func:`commissioning.contracts.presenter.line_chart`).
Reports draw the same specification as SVG (:func:`commissioning.charts.spec_svg`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import TypedDict

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


class SpcPoint(TypedDict):
    """One period of an SPC chart, as :func:`spc_figures_spec` reads it."""

    period: dt.date
    value: float | None
    mean: float | None
    lpl: float | None  # lower process limit
    upl: float | None  # upper process limit
    target: float | None
    point_label: str  # the point type in words (POINT_STYLES), or "No value"
    limits_period: int  # which stretch of limits the point belongs to (recalculations)
    rebase: bool  # the limits are recalculated from this period


def spc_figures_spec(
    points: Sequence[SpcPoint],
    *,
    unit: str,
    from_zero: bool = False,
    annotations: Iterable[Mapping] = (),
    recalculations: Iterable[Mapping] = (),
) -> dict:
    """The Making Data Count chart of ``points`` as a Vega-Lite specification: values, mean,
    process limits, target, annotations and the recalculations of the limits (R, with the
    reason). ``unit`` titles the y axis; ``from_zero``: the measure cannot be negative, so the
    axis starts at zero. ``annotations`` are dated labels (``date``, ``number``, ``label``);
    ``recalculations`` the reasons for recalculated limits (``period``, ``reason``).

    The chart's design (:func:`spc_chart`) depends only on the unit, on whether there is a
    target and are annotations, and on whether the axis starts at zero; it is built once for
    each and the figures are given as the specification's named datasets.
    """
    rows = [
        {
            "Period": p["period"].isoformat(),
            "Value": p["value"],
            "Mean": p["mean"],
            "Lower limit": p["lpl"],
            "Upper limit": p["upl"],
            "Target": p["target"],
            "Point type": p["point_label"],
            "Limits": p["limits_period"],
        }
        for p in points
    ]
    reasons = {r["period"]: r["reason"] for r in recalculations}
    dated = [
        (
            p["period"],
            "R",
            f"Limits recalculated: {reasons[p['period']]}"
            if p["period"] in reasons
            else "Limits recalculated",
        )
        for p in points
        if p["rebase"]
    ] + [(a["date"], str(a["number"]), a["label"]) for a in annotations]
    by_date: dict[dt.date, list[tuple[str, str]]] = {}
    for day, number, label in dated:  # one mark a day: labels on one date would overprint
        by_date.setdefault(day, []).append((number, label))
    marks = [
        {
            "Date": day.isoformat(),
            "Label": "; ".join(label for _, label in found),
            "Number": ", ".join(number for number, _ in found),
        }
        for day, found in sorted(by_date.items())
    ]
    has_target = any(r["Target"] is not None for r in rows)
    design = spc_chart(unit or "Value", has_target, bool(marks), from_zero)
    datasets = {POINTS: rows}
    if marks:
        datasets[MARKS] = marks
    return {**design, "datasets": datasets}
