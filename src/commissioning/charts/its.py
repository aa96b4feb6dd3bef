"""The interrupted-time-series chart of an impact evaluation (page and print)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from commissioning.charts import NHS_BLUE, NHS_DARK_GREY, chart_spec


def its_chart(cf: pd.DataFrame, marks: list[dict], unit: str, title: str) -> dict:
    """Observed values, the counterfactual with its interval band, and the intervention marks."""
    data = cf.assign(date=pd.to_datetime(cf["date"]))
    x = alt.X("date:T", title="Month", axis=alt.Axis(format="%b %Y", labelOverlap=True))
    base = alt.Chart(data).encode(x=x)
    band = base.mark_area(opacity=0.25, color=NHS_DARK_GREY).encode(
        y=alt.Y("counterfactual_lower:Q", title=f"{title} ({unit})"),
        y2="counterfactual_upper:Q",
    )
    counterfactual = base.mark_line(color=NHS_DARK_GREY, strokeDash=[6, 4]).encode(
        y="counterfactual:Q"
    )
    fitted = base.mark_line(color=NHS_BLUE).encode(y="fitted:Q")
    observed = base.mark_point(color=NHS_BLUE, filled=True, size=30).encode(
        y="observed:Q",
        shape=alt.Shape("period:N", title="Period", sort=["before", "phase-in", "after"]),
        tooltip=[
            alt.Tooltip("date:T", title="Month", format="%b %Y"),
            alt.Tooltip("observed:Q", title="Observed"),
            alt.Tooltip("counterfactual:Q", title="Expected without the change", format=".2f"),
        ],
    )
    marks_df = pd.DataFrame(marks).assign(
        date=lambda d: pd.to_datetime(d["date"]), offset=lambda d: 14.0 * d.index
    )
    rules = alt.Chart(marks_df)
    lines = rules.mark_rule(color="#212b32", strokeDash=[2, 2]).encode(x="date:T")
    # labels one above the other, so that an intervention and a short phase-in stay legible
    labels = rules.mark_text(align="left", dx=4, baseline="top").encode(
        x="date:T", y=alt.Y("offset:Q", scale=None), text="label:N"
    )
    chart = alt.layer(band, counterfactual, fitted, observed, lines, labels).properties(
        width="container", height=320
    )
    return chart_spec(chart)
