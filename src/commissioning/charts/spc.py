"""The Making Data Count SPC chart: one design for the monitoring pages and the board reports.

The chart shows the values, the mean, the process limits, the target and dated annotations, with
each point coloured and shaped by its type (NHS England's Making Data Count colours; shapes carry
the same meaning, so colour is never the only cue). :func:`spc_chart` gives the design for a
unit, a target and annotations; :func:`spc_figures_spec` gives a chart's figures as the named
datasets ``points`` and ``marks``, from plain arguments (the points as :class:`SpcPoint`, the
unit, the annotations and the recalculations of the limits), with the y axis the figures need
(:func:`y_domain`, :func:`with_y_domain`). Monitoring draws an indicator's series with it
(:func:`commissioning.monitoring.presenter.spc_spec`), contract performance a contract line's
monthly activity (:func:`commissioning.contracts.presenter.line_chart`). Reports draw the same
specification as SVG (:func:`commissioning.charts.spec_svg`).

**The y axis shows the variation.** It covers the figures the chart draws (values, means,
process limits as shown, target) and a little more (:data:`PADDING` of their range each side),
so a series of percentages near 60 fills the chart rather than a thin band at its top, where its
special causes could not be seen. It is not forced to zero: NHS-R's NHSRplotthedots, which draws
Making Data Count charts, gives its axis the range of the values, limits and target
(``ptd_create_ggplot``) with ggplot2's default 5% on each side. The axis starts at 0 when the
figures come near it: when starting there leaves no more than :data:`ZERO_SHARE` (a quarter) of
the chart's height below the lowest figure. The padding never takes the axis below 0 for a
measure that cannot be negative, nor above 100 for a percentage; a figure beyond them (an upper
limit above 100%, which is not clipped) is still inside the axis. Vega then rounds the ends out
to the nearest ticks (``nice``), which never crosses 0 or 100 either.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
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

#: The share of the figures' range left free above and below them on the y axis.
PADDING = 0.05
#: The axis starts at 0 when that leaves at most this share of its height below the lowest figure.
ZERO_SHARE = 0.25
#: The highest a percentage can be: the padding never takes the axis of a percentage above it.
PERCENT = 100.0


def y_domain(
    figures: Iterable[float | None], *, non_negative: bool = False, percentage: bool = False
) -> tuple[float, float] | None:
    """The y axis of a chart of these figures (values, means, limits, target; None and NaN are
    left out), as (bottom, top), or None when there are none (see the module).

    ``non_negative``: the measure cannot be negative, so the padding stops at 0; ``percentage``:
    the padding stops at 100. A figure beyond either is still covered."""
    present = [float(f) for f in figures if f is not None and math.isfinite(float(f))]
    if not present:
        return None
    low, high = min(present), max(present)
    span = high - low
    pad = PADDING * span if span else (PADDING * abs(high) or 1.0)
    bottom, top = low - pad, high + pad
    if non_negative and low >= 0:
        bottom = max(bottom, 0.0)
    if percentage and high <= PERCENT:
        top = min(top, PERCENT)
    if low >= 0 and low <= ZERO_SHARE * top:
        bottom = 0.0  # the figures come near 0: the axis starts there
    return bottom, top


def with_y_domain(design: dict, domain: tuple[float, float] | None) -> dict:
    """The chart's specification (from :func:`spc_chart`) with its y axis set to ``domain``;
    the design itself, which is shared, is left as it is."""
    if domain is None:
        return design
    layers = list(design["layer"])
    for i, layer in enumerate(layers):
        y = layer.get("encoding", {}).get("y", {})
        if "scale" in y:
            scale = {**y["scale"], "domain": list(domain)}
            layers[i] = {**layer, "encoding": {**layer["encoding"], "y": {**y, "scale": scale}}}
            break
    return {**design, "layer": layers}


@functools.lru_cache(maxsize=64)
def spc_chart(y_title: str, has_target: bool, has_marks: bool) -> dict:
    """The design of a Making Data Count chart (Altair), its data left to named datasets and
    its y axis to :func:`with_y_domain` (it holds the series' figures, see the module)."""
    x = alt.X("Period:T", title="Period", axis=alt.Axis(format="%b %Y", labelAngle=0))
    base = alt.Chart(alt.Data(name=POINTS)).encode(x=x)
    scale = alt.Scale(zero=False, nice=True)
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
    non_negative: bool = False,
    percentage: bool = False,
    annotations: Iterable[Mapping] = (),
    recalculations: Iterable[Mapping] = (),
) -> dict:
    """The Making Data Count chart of ``points`` as a Vega-Lite specification: values, mean,
    process limits, target, annotations and the recalculations of the limits (R, with the
    reason). ``unit`` titles the y axis; the axis covers the figures (:func:`y_domain`), never
    below 0 when the measure cannot be negative (``non_negative``) nor padded above 100 for a
    ``percentage``. ``annotations`` are dated labels (``date``, ``number``, ``label``);
    ``recalculations`` the reasons for recalculated limits (``period``, ``reason``).

    The chart's design (:func:`spc_chart`) depends only on the unit and on whether there is a
    target and are annotations; it is built once for each and the figures are given as the
    specification's named datasets, its axis set for them.
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
    design = spc_chart(unit or "Value", has_target, bool(marks))
    shown = ("Value", "Mean", "Lower limit", "Upper limit", "Target")
    domain = y_domain(
        (r[name] for r in rows for name in shown), non_negative=non_negative, percentage=percentage
    )
    datasets = {POINTS: rows}
    if marks:
        datasets[MARKS] = marks
    return {**with_y_domain(design, domain), "datasets": datasets}
