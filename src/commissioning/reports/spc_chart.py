"""The XmR chart of one series, drawn with the same chart library as the web pages."""

from __future__ import annotations

import altair as alt
import pandas as pd

from commissioning.charts import NHS_BLUE, NHS_DARK_GREY, NHS_WARM_YELLOW, chart_svg
from commissioning.document import Chart, label

POINT_COLOURS = {
    "common_cause": NHS_DARK_GREY,
    "special_cause_improvement": NHS_BLUE,
    "special_cause_concern": NHS_WARM_YELLOW,
    "special_cause_neutral": "#768692",
}
POINT_SHAPES = {
    "common_cause": "circle",
    "special_cause_improvement": "triangle-up",
    "special_cause_concern": "diamond",
    "special_cause_neutral": "square",
}


def spc_chart(points: pd.DataFrame, title: str, hidden: dict[str, int] | None = None) -> Chart:
    """XmR charts of one or more series, one panel each, drawn in one go.

    ``points`` are rows from ``xmr`` with a ``panel`` column naming each series' panel (with its
    unit); ``hidden`` counts, per panel, the points left out because they rest on small counts
    (the limits still use them).
    """
    hidden = hidden or {}
    columns = ["panel", "date", "value", "mean", "lpl", "upl", "point_type"]
    df = points[columns + (["target"] if "target" in points.columns else [])].copy()
    if "target" not in df.columns:
        df["target"] = float("nan")
    df["point_type"] = df["point_type"].astype(object).fillna("common_cause")
    df["variation"] = df["point_type"].map(label)
    base = alt.Chart().encode(
        x=alt.X(
            "date:T",
            title=None,
            axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount={"interval": "year", "step": 1}),
        )
    )
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
    layers = [
        base.mark_line(color=NHS_DARK_GREY, strokeWidth=1.5).encode(y=y),
        base.mark_line(color="#212b32", strokeWidth=1).encode(y="mean:Q"),
        base.mark_line(color="#768692", strokeDash=[6, 4], strokeWidth=1).encode(y="lpl:Q"),
        base.mark_line(color="#768692", strokeDash=[6, 4], strokeWidth=1).encode(y="upl:Q"),
        base.mark_line(color="#da291c", strokeDash=[2, 2], strokeWidth=1).encode(y="target:Q"),
        base.mark_point(filled=True, size=36, opacity=1).encode(
            y="value:Q",
            color=alt.Color(
                "variation:N",
                scale=alt.Scale(
                    domain=[label(k) for k in POINT_COLOURS],
                    range=list(POINT_COLOURS.values()),
                ),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=400),
            ),
            shape=alt.Shape(
                "variation:N",
                scale=alt.Scale(
                    domain=[label(k) for k in POINT_SHAPES], range=list(POINT_SHAPES.values())
                ),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=400),
            ),
        ),
    ]
    chart = (
        alt.layer(*layers, data=df)
        .properties(width=560, height=130)
        .facet(
            row=alt.Row(
                "panel:N",
                title=None,
                sort=list(dict.fromkeys(df["panel"])),
                header=alt.Header(
                    labelAngle=0,
                    labelOrient="top",
                    labelAnchor="start",
                    labelAlign="left",
                    labelFontSize=11,
                    labelFontWeight="bold",
                ),
            )
        )
        .resolve_scale(y="independent")
        .configure_axis(labelFontSize=10, titleFontSize=10)
        .configure_legend(labelFontSize=10, symbolSize=60, labelLimit=400)
        .configure(font="DejaVu Sans")
    )
    parts = []
    for panel, rows in df.groupby("panel", sort=False):
        observed = rows.dropna(subset=["value"])
        special = int(observed["point_type"].ne("common_cause").sum())
        extra = f", {hidden[panel]} hidden (small counts)" if hidden.get(panel) else ""
        parts.append(f"{panel}: {len(observed)} points{extra}, {special} special cause")
    text = (
        "XmR charts. Solid line: mean; dashed grey lines: process limits; red dotted line: "
        "target. " + "; ".join(parts) + "."
    )
    return Chart(title=title, svg=chart_svg(chart), description=text)
