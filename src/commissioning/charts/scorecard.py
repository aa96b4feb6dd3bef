"""The effective-commissioning scorecard's two charts (page and print).

- :func:`years_chart`: each measure year by year for one community, one small chart per
  measure, values as percentages with the value at which the measure is met marked;
- :func:`across_chart`: each measure across communities, a dot plot with one row per measure,
  a dot per community and the value at which the measure is met marked.

Both are drawn from the presenter output that the tables beside them are made from
(:func:`commissioning.work.presenter.scorecard_years` and
:func:`~commissioning.work.presenter.scorecard_across`): a share becomes a percentage and
nothing else is worked out again. A point's status (met, partly met, not met) is both its colour
and its shape; in the dot plot a community is a colour, a shape and its own place in the row,
so colour is never the only cue. :func:`describe_years` and :func:`describe_across` give the
text alternatives.
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from commissioning.analytics.work.scorecard import MET, NO_DATA, NOT_MET, PARTLY
from commissioning.charts import NHS_BLUE, NHS_DARK_GREY, chart_spec

DARK_TEXT = "#212b32"

#: status: (label, colour, shape). Each colour has at least 3:1 contrast on white.
STATUS_STYLES = {
    MET: ("Met", "#007f3b", "circle"),
    PARTLY: ("Partly met", "#8a5300", "triangle-up"),
    NOT_MET: ("Not met", "#d5281b", "diamond"),
}
#: (colour, shape) of each community in the dot plot, in turn.
COMMUNITY_STYLES = [
    (NHS_BLUE, "circle"),
    ("#ae2573", "square"),
    (NHS_DARK_GREY, "triangle-up"),
    ("#330072", "diamond"),
    ("#8a5300", "triangle-down"),
    ("#007f3b", "cross"),
    (DARK_TEXT, "triangle-right"),
    ("#d5281b", "triangle-left"),
]
PANEL_WIDTH, PANEL_HEIGHT, PANEL_COLUMNS = 170, 110, 3
LINE_BREAK = "|"  # where a panel's title breaks onto its next line


def status_label(status: str) -> str:
    return STATUS_STYLES[status][0] if status in STATUS_STYLES else "No data"


def percent(share: float | None) -> float | None:
    """A share (0 to 1) as the chart's percentage."""
    return None if share is None else share * 100


def met_text(met_at: list[float]) -> str:
    """``[0.7]`` -> "met at 70% or more"; ``[0.3, 0.7]`` -> "met from 30% to 70%"."""
    if len(met_at) == 2:
        return f"met from {met_at[0]:.0%} to {met_at[1]:.0%}"
    return f"met at {met_at[0]:.0%} or more"


def _shown(share: float | None) -> str:
    return "no data" if share is None else f"{share:.0%}"


def _status_encodings(field: str = "status") -> dict:
    labels = [v[0] for v in STATUS_STYLES.values()]
    legend = alt.Legend(title="Status", orient="bottom", labelFontSize=13, titleFontSize=13)
    return {
        "color": alt.Color(
            f"{field}:N",
            scale=alt.Scale(domain=labels, range=[v[1] for v in STATUS_STYLES.values()]),
            legend=legend,
        ),
        "shape": alt.Shape(
            f"{field}:N",
            scale=alt.Scale(domain=labels, range=[v[2] for v in STATUS_STYLES.values()]),
            legend=legend,
        ),
    }


def _panel(name: str) -> str:
    return LINE_BREAK.join(textwrap.wrap(name, 26))


def years_rows(found: dict) -> list[dict]:
    """The chart's figures from :func:`commissioning.work.presenter.scorecard_years`: one row
    per measure and year (``percent`` is the value as a percentage, None for no data) and one
    per threshold line (``threshold``)."""
    rows = []
    for r in found["rows"]:
        panel = _panel(r["name"])
        for label, value, status in zip(found["labels"], r["values"], r["statuses"], strict=True):
            rows.append(
                {
                    "measure": r["name"],
                    "panel": panel,
                    "year": label,
                    "percent": percent(value),
                    "status": status_label(status) if value is not None else "No data",
                    "label": f"{r['name']}, {label}: {_shown(value)}"
                    + (f" ({status_label(status).lower()})" if value is not None else ""),
                }
            )
        for share in r["met_at"]:
            rows.append(
                {
                    "measure": r["name"],
                    "panel": panel,
                    "threshold": percent(share),
                    "threshold_label": met_text(r["met_at"]).capitalize(),
                }
            )
    return rows


def years_chart(found: dict, *, description: str = "") -> dict:
    """Small multiples: one chart per measure of its value (%) in each financial year, a dashed
    line where it is met (two for a band), each point coloured and shaped by its status. A year
    with nothing to measure is a gap."""
    data = alt.Data(values=years_rows(found))  # None stays null: a gap, not a number
    panels = [_panel(r["name"]) for r in found["rows"]]
    labels = found["labels"]
    small = {"labelFontSize": 12, "titleFontSize": 12}
    x = alt.X(
        "year:O",
        title="Financial year",
        sort=labels,
        scale=alt.Scale(domain=labels),
        axis=alt.Axis(labelAngle=-45, **small),
    )
    y = alt.Y(
        "percent:Q",
        title="Value (%)",
        scale=alt.Scale(domain=[0, 100]),
        axis=alt.Axis(values=[0, 25, 50, 75, 100], **small),
    )
    base = alt.Chart()
    threshold = (
        base.transform_filter("isValid(datum.threshold)")
        .mark_rule(color=DARK_TEXT, strokeDash=[6, 3], strokeWidth=1.5)
        .encode(
            y=alt.Y("threshold:Q", title="Value (%)"),
            tooltip=[
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("threshold_label:N", title="Threshold"),
            ],
        )
    )
    line = (
        base.transform_filter("isValid(datum.year)")
        .mark_line(color="#768692", strokeWidth=1, invalid="break-paths-filter-domains")
        .encode(x=x, y=y)
    )
    points = (
        base.transform_filter("isValid(datum.percent)")
        .mark_point(filled=True, size=60, opacity=1)
        .encode(
            x=x,
            y=alt.Y("percent:Q", title="Value (%)"),
            description=alt.Description("label:N"),
            tooltip=[
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("year:O", title="Financial year"),
                alt.Tooltip("percent:Q", title="Value (%)", format=".0f"),
                alt.Tooltip("status:N", title="Status"),
            ],
            **_status_encodings(),
        )
    )
    chart = (
        alt.layer(threshold, line, points, data=data)
        .properties(width=PANEL_WIDTH, height=PANEL_HEIGHT)
        .facet(
            facet=alt.Facet(
                "panel:N",
                sort=panels,
                title=None,
                header=alt.Header(
                    labelExpr=f"split(datum.value, '{LINE_BREAK}')",
                    labelFontSize=13,
                    labelAnchor="start",
                    labelColor=DARK_TEXT,
                ),
            ),
            columns=PANEL_COLUMNS,
            spacing={"row": 24, "column": 20},
        )
        .properties(description=description or "Each scorecard measure year by year")
    )
    return chart_spec(chart)


def describe_years(found: dict, community: str = "") -> str:
    """A plain-English text alternative for :func:`years_chart`."""
    if not found["years"]:
        return "Each scorecard measure year by year: no activities have been recorded yet."
    labels = found["labels"]
    latest = [(r["values"][-1], r["statuses"][-1]) for r in found["rows"]]
    counts = {
        status: sum(1 for value, s in latest if value is not None and s == status)
        for status in (MET, PARTLY, NOT_MET)
    }
    counts[NO_DATA] = sum(1 for value, _ in latest if value is None)
    said = "; ".join(f"{status_label(s).lower()} {n}" for s, n in counts.items() if n)
    where = f" in {community}" if community else ""
    span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    return (
        f"Each of the {len(found['rows'])} scorecard measures{where} by financial year, "
        f"{span}, as a percentage from 0 to 100: one small chart per measure. The dashed line "
        "marks the value at which the measure is met (for the balance of relational and "
        "contractual work, two lines bound the band in which it is met). Circles are met, "
        "triangles partly met and diamonds not met; a gap is a year with nothing to measure. "
        f"In {labels[-1]}: {said}. The table below gives the same figures."
    )


def across_frames(found: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The dot plot's figures from :func:`commissioning.work.presenter.scorecard_across`: one
    row per measure and community with a value (``percent``), and one per threshold line."""
    points, lines = [], []
    for r in found["rows"]:
        found_values = zip(found["communities"], r["values"], r["statuses"], strict=True)
        for code, value, status in found_values:
            if value is None:
                continue
            points.append(
                {
                    "measure": r["name"],
                    "community": code,
                    "percent": percent(value),
                    "status": status_label(status),
                    "label": f"{code}, {r['name']}: {_shown(value)} "
                    f"({status_label(status).lower()})",
                }
            )
        for share in r["met_at"]:
            lines.append(
                {
                    "measure": r["name"],
                    "threshold": percent(share),
                    "threshold_label": met_text(r["met_at"]).capitalize(),
                }
            )
    point_columns = ["measure", "community", "percent", "status", "label"]
    return (
        pd.DataFrame(points, columns=point_columns),
        pd.DataFrame(lines, columns=["measure", "threshold", "threshold_label"]),
    )


def across_chart(found: dict, *, description: str = "") -> dict:
    """A dot plot: one row per measure, a dot per community at its value (%), each community
    its own colour, shape and place in the row, and an upright bar where the measure is met
    (two for a band). A community with nothing to measure has no dot in that row."""
    points, lines = across_frames(found)
    names = [r["name"] for r in found["rows"]]
    codes = list(found["communities"])
    styles = [COMMUNITY_STYLES[i % len(COMMUNITY_STYLES)] for i in range(len(codes))]
    step = max(34, 12 * len(codes))  # the height of a measure's row
    y = alt.Y(
        "measure:N",
        title=None,
        sort=names,
        scale=alt.Scale(domain=names),
        axis=alt.Axis(labelLimit=320, labelFontSize=13),
    )
    x = alt.X(
        "percent:Q",
        title="Value (%)",
        scale=alt.Scale(domain=[0, 100]),
        axis=alt.Axis(values=[0, 25, 50, 75, 100]),
    )
    ticks = (
        alt.Chart(lines)
        .mark_tick(color=DARK_TEXT, thickness=2, size=step - 8)
        .encode(
            x=alt.X("threshold:Q", title="Value (%)", scale=alt.Scale(domain=[0, 100])),
            y=y,
            tooltip=[
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("threshold_label:N", title="Threshold"),
            ],
        )
    )
    legend = alt.Legend(title="Community", orient="bottom", labelFontSize=13, titleFontSize=13)
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=80, opacity=1)
        .encode(
            x=x,
            y=y,
            yOffset=alt.YOffset("community:N", sort=codes, scale=alt.Scale(domain=codes)),
            color=alt.Color(
                "community:N",
                scale=alt.Scale(domain=codes, range=[s[0] for s in styles]),
                legend=legend,
            ),
            shape=alt.Shape(
                "community:N",
                scale=alt.Scale(domain=codes, range=[s[1] for s in styles]),
                legend=legend,
            ),
            description=alt.Description("label:N"),
            tooltip=[
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("community:N", title="Community"),
                alt.Tooltip("percent:Q", title="Value (%)", format=".0f"),
                alt.Tooltip("status:N", title="Status"),
            ],
        )
    )
    chart = alt.layer(ticks, dots).properties(
        width=360,
        height=step * len(names),
        description=description or "Each scorecard measure across communities",
    )
    return chart_spec(chart)


def describe_across(found: dict) -> str:
    """A plain-English text alternative for :func:`across_chart`."""
    codes = list(found["communities"])
    widest = None
    for r in found["rows"]:
        if r["lowest"] is None or len([v for v in r["values"] if v is not None]) < 2:
            continue
        spread = r["highest"] - r["lowest"]
        if widest is None or spread > widest[0]:
            widest = (spread, r)
    text = (
        f"Each of the {len(found['rows'])} scorecard measures in each of {len(codes)} "
        f"communities ({', '.join(codes)}) as a dot on a scale from 0% to 100%, one row per "
        "measure; each community has its own colour, shape and place in the row. The upright "
        "bar marks the value at which the measure is met (two bars bound the band of the "
        "balance of relational and contractual work). A community with nothing to measure has "
        "no dot in that row."
    )
    if widest is not None:
        r = widest[1]
        low = codes[r["values"].index(r["lowest"])]
        high = codes[r["values"].index(r["highest"])]
        text += (
            f" The widest spread is in {r['name'].lower()}: from {r['lowest']:.0%} ({low}) "
            f"to {r['highest']:.0%} ({high})."
        )
    return text + " The table gives the same figures."
