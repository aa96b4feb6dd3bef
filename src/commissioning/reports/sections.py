"""Sections built from the SPC and impact engines and the evidence app."""

from __future__ import annotations

import pandas as pd

from commissioning.analytics.disclosure import SUPPRESSED, configured_policy
from commissioning.document import COUNT, DATE, MONTH, NUMBER, Section, Table, label
from commissioning.reports import monitoring
from commissioning.reports.spc_chart import spc_chart

CHARTS_PER_FIGURE = 4


def hidden_points(observations: pd.DataFrame) -> pd.Series:
    """Points whose value is hidden under the small-numbers rule (never shown, plotted or used
    for limits): ``community_observations`` has already applied the one rule."""
    return observations["hidden"].astype(bool)


def monitoring_section(observations: pd.DataFrame, *, charts: bool = True) -> tuple:
    """(section, summary): the variation x assurance matrix, one row per series and charts."""
    section = Section("monitoring", "Monitoring: indicators as statistical process control")
    if observations.empty:
        section.paragraphs.append("No indicator is observed in this community.")
        return section, pd.DataFrame()
    points, summary = monitoring.spc(observations)
    grid = monitoring.matrix(summary)
    section.paragraphs.append(
        f"{len(summary)} indicator series, each judged with an XmR chart (NHS Making Data "
        "Count): variation says whether the latest point shows special-cause variation; "
        "assurance says whether the process can be relied on to meet its target."
    )
    section.tables.append(
        Table(
            "monitoring_matrix",
            "Summary: series by variation and assurance",
            ["Variation", *[label(c) for c in grid.columns]],
            [[label(v), *[int(x) for x in row]] for v, row in grid.iterrows()],
            {label(c): COUNT for c in grid.columns},
        )
    )
    # The engine saw only the values as shown (hidden ones are missing), so its mean and limits
    # give nothing back; the latest recorded point is shown as * when it is hidden.
    last = observations[observations["recorded"]].sort_values("date")
    last = last.groupby("series").tail(1).set_index("series")
    rows = []
    for r in summary.sort_values(["indicator", "subject"]).itertuples():
        value = None
        if r.series in last.index:
            value = SUPPRESSED if last.at[r.series, "hidden"] else last.at[r.series, "value"]
        rows.append(
            [
                f"{r.indicator_name} ({r.unit}) — {r.subject}",
                r.latest_period,
                value,
                r.mean,
                r.lpl,
                r.upl,
                r.target,
                label(r.variation) if isinstance(r.variation, str) else "No data",
                label(r.assurance),
            ]
        )
    section.tables.append(
        Table(
            "monitoring",
            "Indicator series: latest point, limits, variation and assurance",
            [
                "Series",
                "Latest month",
                "Latest value",
                "Mean",
                "Lower limit",
                "Upper limit",
                "Target",
                "Variation",
                "Assurance",
            ],
            rows,
            {
                "Latest month": MONTH,
                "Latest value": NUMBER,
                "Mean": NUMBER,
                "Lower limit": NUMBER,
                "Upper limit": NUMBER,
                "Target": NUMBER,
            },
            note=f"Values resting on counts of 1 to {configured_policy().threshold} patients, "
            "or recorded without their counts, are shown as *; the others are worked out from "
            "the counts as shown, and the mean and limits from the values shown.",
        )
    )
    if charts:
        order = summary.sort_values(["indicator", "subject"])
        pts = points.copy()
        panels = {
            r.series: f"{r.indicator_name} — {r.subject} ({r.unit})" for r in order.itertuples()
        }
        pts["panel"] = pts["series"].map(panels)
        counts = observations.groupby("series")["hidden"].sum()
        series = list(order["series"])
        for start in range(0, len(series), CHARTS_PER_FIGURE):
            group = series[start : start + CHARTS_PER_FIGURE]
            hidden_by_panel = {panels[s]: int(counts.get(s, 0)) for s in group}
            section.charts.append(
                spc_chart(
                    pts[pts["series"].isin(group)],
                    f"XmR charts {start + 1} to {start + len(group)} of {len(series)}",
                    hidden_by_panel,
                )
            )
    return section, summary


def impact_section(user, developments: list) -> Section:
    """Each objective's impact evaluation as its page gives it by default (one presenter:
    :func:`commissioning.evaluation.presenter.objective_summary`)."""
    from commissioning.evaluation.presenter import METHOD, objective_summary

    section = Section("impact", "Impact of service developments")
    rows = []
    caveats: list[str] = []
    for dev in developments:
        for objective in dev.objectives.select_related("indicator"):
            found = objective_summary(user, dev, objective)
            if found is None or (found.intervention is None and found.estimate is None):
                continue
            rows.append(
                [
                    found.development,
                    f"{found.indicator} — {found.subject}" if found.subject else found.indicator,
                    found.intervention,
                    found.estimate,
                    found.lower,
                    found.upper,
                    found.note,
                ]
            )
            for text in found.caveats:
                # One caveat of each kind: the same warning about another series differs
                # only in its figures.
                if not any(c[:40] == text[:40] for c in caveats):
                    caveats.append(text)
    if not rows:
        section.paragraphs.append(
            "Not yet evaluated: no development has both a go-live date and an objective "
            "measured by an indicator with observations."
        )
        return section
    section.paragraphs.append(
        f"{METHOD}, of each objective's indicator from the development's go-live date, as its "
        "evaluation page gives it by default. The level change is the step in the indicator "
        "when the change took effect, in the indicator's own unit, with its 95% interval."
    )
    section.tables.append(
        Table(
            "impact",
            "Level change at go-live",
            [
                "Development",
                "Indicator",
                "Go-live",
                "Level change",
                "Lower 95%",
                "Upper 95%",
                "Note",
            ],
            rows,
            {"Go-live": DATE, "Level change": NUMBER, "Lower 95%": NUMBER, "Upper 95%": NUMBER},
        )
    )
    section.caveats = caveats
    return section


def evidence_section(community, user=None) -> Section | None:
    """Recent evidence for the community, when the evidence app is installed."""
    from django.apps import apps

    if not apps.is_installed("commissioning.evidence"):
        return None
    try:
        from commissioning.evidence.models import Confidentiality, Evidence
    except ImportError:
        return None
    qs = Evidence.objects.filter(community=community).exclude(
        confidentiality=Confidentiality.CONFIDENTIAL
    )
    if user is not None:
        try:
            from commissioning.access.policy import visible

            qs = visible(user, qs)
        except Exception:  # noqa: BLE001 - a model without a rule is simply not shown
            return None
    items = list(qs.order_by("-date", "title")[:15])
    section = Section("evidence", "Evidence highlights")
    if not items:
        section.paragraphs.append("No evidence has been added for this community yet.")
        return section
    section.tables.append(
        Table(
            "evidence",
            "Most recent evidence (confidential items are never included)",
            ["Title", "Kind", "Date", "Author", "Development"],
            [
                [
                    e.title,
                    e.get_kind_display(),
                    e.date,
                    e.author,
                    e.development.title if e.development_id else "",
                ]
                for e in items
            ],
            {"Date": DATE},
        )
    )
    return section
