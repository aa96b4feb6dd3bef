"""Sections laid out from the monitoring and evaluation presenters and the evidence app."""

from __future__ import annotations

from commissioning.analytics.disclosure import SUPPRESSED, configured_policy
from commissioning.document import COUNT, DATE, MONTH, NUMBER, Chart, Section, Table


def monitoring_section(user, community, indicator_ids=None, *, charts: bool = True) -> tuple:
    """(section, monitoring): the monitoring page's series, judged by the one presenter
    (:func:`commissioning.monitoring.presenter.build`) and laid out for print: the variation x
    assurance matrix, one row per series with its latest value, limits, icons' meanings and
    cautions, and the same SPC charts as the page."""
    from commissioning.monitoring.presenter import ASSURANCES, build
    from commissioning.monitoring.recalculations import recorded
    from commissioning.monitoring.records import community_observations, latest_period

    section = Section("monitoring", "Monitoring: indicators as statistical process control")
    observations = community_observations(user, community)
    if indicator_ids is not None:
        observations = observations.filter(indicator_id__in=list(indicator_ids))
    found = build(
        observations,
        latest=latest_period(user, community),
        recalculations=recorded(user, community),
        page_size=None,
        render=False,
    )
    if not found.series:
        section.paragraphs.append("No indicator is observed in this community.")
        return section, found
    section.paragraphs.append(
        f"{len(found.series)} indicator series, each judged with an XmR chart (NHS Making Data "
        "Count), as on the monitoring page: variation says whether the latest point shows "
        "special-cause variation; assurance says whether the process can be relied on to meet "
        "its target. A series with fewer than two values shown is not judged."
    )
    assurance_labels = [name for _, name in ASSURANCES]
    section.tables.append(
        Table(
            "monitoring_matrix",
            "Summary: series by variation and assurance",
            ["Variation", *assurance_labels],
            [
                [row["label"], *[len(cell["series"]) for cell in row["cells"]]]
                for row in found.matrix
            ],
            {name: COUNT for name in assurance_labels},
        )
    )
    rows = []
    for s in found.series:
        latest = s.latest
        value = None
        if latest is not None:
            value = SUPPRESSED if latest["hidden"] else latest["value"]
        summary = s.summary
        rows.append(
            [
                f"{s.indicator.name} ({s.indicator.unit}) — {s.subject}",
                None if latest is None else latest["period"],
                value,
                summary["mean"],
                summary["lpl"],
                summary["upl"],
                summary["target"],
                s.variation.label,
                s.assurance.label,
                s.caution,
            ]
        )
    section.tables.append(
        Table(
            "monitoring",
            "Indicator series: latest value, limits, variation and assurance",
            [
                "Series",
                "Latest period",
                "Latest value",
                "Mean",
                "Lower limit",
                "Upper limit",
                "Target",
                "Variation",
                "Assurance",
                "Caution",
            ],
            rows,
            {
                "Latest period": MONTH,
                "Latest value": NUMBER,
                "Mean": NUMBER,
                "Lower limit": NUMBER,
                "Upper limit": NUMBER,
                "Target": NUMBER,
            },
            note=f"Values resting on counts of 1 to {configured_policy().threshold} patients, "
            "or recorded without their counts, are shown as *; the others are worked out from "
            "the counts as shown, and the mean and limits from the values shown. Limits are "
            "those of the latest period: after a recalculation confirmed at a go-live, those "
            "worked out from it on (the chart's description gives the reason). A measure that "
            "cannot be negative has a lower limit below 0 shown as 0.",
        )
    )
    if charts:
        from commissioning.charts import spec_svg

        for s in found.series:
            if s.chart is None:
                continue
            section.charts.append(
                Chart(
                    f"{s.indicator.name} — {s.subject} ({s.indicator.unit})",
                    spec_svg(s.chart),
                    " ".join(part for part in (s.description, s.caution) if part),
                )
            )
    return section, found


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
