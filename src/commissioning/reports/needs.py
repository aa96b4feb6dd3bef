"""The needs section of a board report, laid out from the needs presenter
(:func:`commissioning.needs.presenter.community_needs`): the same registers, prevalence,
standardised rates, named diagnosis rates and trend (with its breaks) as the needs pages.
Nothing is worked out here."""

from __future__ import annotations

from commissioning.analytics.disclosure import SUPPRESSED
from commissioning.document import (
    COUNT,
    MONTH,
    NUMBER,
    PERCENT_1DP,
    PERCENT_2DP,
    RATE,
    Chart,
    Section,
    Table,
)
from commissioning.needs.presenter import (
    DSR_NAME,
    ISR_NAME,
    MODELLED,
    MODELLED_WHAT,
    RECORDED,
    RECORDED_WHAT,
    community_needs,
)


def register_table(found: dict) -> Table:
    """Register, list and recorded prevalence (Wilson 95% limits) of each condition, latest
    year, with which patients the lists count."""
    columns = [
        "Condition",
        "Year ending",
        "Practices",
        "On the register",
        "Patients in age range",
        "Prevalence",
        "Lower 95%",
        "Upper 95%",
        "Which patients the lists count",
    ]
    formats = {
        "On the register": COUNT,
        "Patients in age range": COUNT,
        "Practices": COUNT,
        "Prevalence": PERCENT_2DP,
        "Lower 95%": PERCENT_2DP,
        "Upper 95%": PERCENT_2DP,
    }
    table = Table("registers", "Condition registers and recorded prevalence", columns, [], formats)
    if not found["conditions"]:
        table.note = "No condition registers are recorded for this community's practices."
        return table
    for page in found["conditions"]:
        h = page["headline"]
        table.rows.append(
            [
                h["condition"],
                h["period_end"],
                h["practices"],
                h["register"],
                h["list_size"],
                h["prevalence"],
                h["prevalence_lower"],
                h["prevalence_upper"],
                h["denominator"],
            ]
        )
    interval = found["conditions"][0]["interval"]
    table.note = (
        "Recorded prevalence is the register as a share of the patients the practices' lists "
        f"count (the last column), with 95% confidence intervals: the {interval.name}."
    )
    return table


def standardised_table(found: dict) -> Table:
    """The standardised figure of each condition: the directly standardised rate when the
    registers are held by age band and sex, otherwise the indirectly standardised ratio."""
    columns = [
        "Condition",
        "Year ending",
        "Standardised",
        "Rate per 100,000",
        "Rate lower 95%",
        "Rate upper 95%",
        "Ratio",
        "Ratio lower 95%",
        "Ratio upper 95%",
    ]
    formats = {
        "Rate per 100,000": RATE,
        "Rate lower 95%": RATE,
        "Rate upper 95%": RATE,
        "Ratio": NUMBER,
        "Ratio lower 95%": NUMBER,
        "Ratio upper 95%": NUMBER,
    }
    table = Table("standardised", "Age-standardised rates and ratios", columns, [], formats)
    for page in found["conditions"]:
        h = page["headline"]
        s = h["standardised"]
        if s is None:
            table.rows.append([h["condition"], h["period_end"], "Not available", *[None] * 6])
            continue
        figures = [s["value"], s["lower"], s["upper"]]
        if s["kind"] == "dsr":
            table.rows.append([h["condition"], h["period_end"], s["name"], *figures, *[None] * 3])
        else:
            table.rows.append([h["condition"], h["period_end"], s["name"], *[None] * 3, *figures])
    table.note = (
        f"{DSR_NAME}: Dobson 95% limits; it needs the register by age band and sex for every "
        f"practice. Otherwise the {ISR_NAME[0].lower()}{ISR_NAME[1:]}: Byar 95% limits. Not "
        "available: neither can be worked out from the records held."
    )
    return table


def diagnosis_table(found: dict) -> Table:
    """Every diagnosis rate, named: the modelled rate of each condition with reference rates,
    and the recorded rate of each diagnosis-rate indicator observed in the community (its latest
    month), with the number expected and the gap."""
    columns = [
        "Indicator",
        "Diagnosis rate",
        "Subject",
        "Month",
        "Recorded",
        "Expected",
        "Rate",
        "Lower 95%",
        "Upper 95%",
        "Gap",
    ]
    formats = {
        "Month": MONTH,
        "Recorded": COUNT,
        "Expected": COUNT,
        "Gap": COUNT,
        "Rate": PERCENT_1DP,
        "Lower 95%": PERCENT_1DP,
        "Upper 95%": PERCENT_1DP,
    }
    table = Table("diagnosis_gap", "Diagnosis rates and diagnosis gap", columns, [], formats)
    rates = [*found["recorded"]]
    rates += [page["diagnosis"] for page in found["conditions"] if page["diagnosis"] is not None]
    if not rates:
        table.note = "No diagnosis rate is observed or modelled in this community."
        return table
    for r in rates:
        table.rows.append(
            [
                r["indicator_name"] if r["key"] == "recorded" else f"{r['indicator_name']}",
                f"{r['name']} ({r['indicator']}, {r['date_label']})"
                if r["key"] == "recorded"
                else f"{r['name']} ({r['date_label']})",
                r["subject"],
                r["date"],
                r["recorded"],
                r["expected"],
                r["rate"],
                r["lower"],
                r["upper"],
                r["gap"],
            ]
        )
    table.note = (
        f"{RECORDED}: {RECORDED_WHAT}, the figure of the monitoring pages; its rate is worked "
        f"out from the counts as shown. {MODELLED}: {MODELLED_WHAT} (the needs pages' estimate; "
        "the reference rates are illustrative). Byar 95% limits reflect chance in the recorded "
        "count only. The diagnosis gap is the expected number not (yet) recorded."
    )
    return table


def trend_table(found: dict) -> Table:
    """Register and recorded prevalence by year for each condition, with which patients each
    year's lists count and a note on the year the definition changed."""
    columns = [
        "Condition",
        "Year",
        "On the register",
        "Patients in age range",
        "Which patients the lists count",
        "Prevalence",
        "Lower 95%",
        "Upper 95%",
        "Definition",
    ]
    formats = {
        "On the register": COUNT,
        "Patients in age range": COUNT,
        "Prevalence": PERCENT_2DP,
        "Lower 95%": PERCENT_2DP,
        "Upper 95%": PERCENT_2DP,
    }
    table = Table("prevalence_trend", "Recorded prevalence by year", columns, [], formats)
    for page in found["conditions"]:
        for r in page["trend"]["rows"]:
            table.rows.append(
                [
                    page["headline"]["condition"],
                    r["year"],
                    r["register_value"],
                    r["list_size_value"],
                    r["denominator"],
                    r["prevalence_value"],
                    r["lower"],
                    r["upper"],
                    "Definition changed" if r["change"] else "",
                ]
            )
    table.note = (
        "Where the patients the lists count change from one year to the next (QOF divided by "
        "the whole list until 2013-14 and by patients aged 17 and over for diabetes since), the "
        "years before and after are not comparable: the year of the change says so, and the "
        "chart's line is broken there."
    )
    return table


def needs_section(community, user=None, *, charts: bool = True) -> tuple[Section, list]:
    """(section, headlines): the report's needs section and each condition's headline figures
    (for the report's key figures and the report across communities)."""
    from commissioning.access.policy import reader

    found = community_needs(reader(user), community)
    paragraphs = []
    if community.population:
        paragraphs.append(f"Resident population: {community.population:,}.")
    if found["patients"] is not None:
        shown = found["patients"]
        paragraphs.append(
            f"Registered patients in the community's {found['practices']} GP practices: "
            f"{shown if shown == SUPPRESSED else f'{shown:,}'} "
            f"(extract of {found['patients_date']:%-d %B %Y})."
        )
    if found["recorded"] or any(p["diagnosis"] for p in found["conditions"]):
        paragraphs.append(
            f"Diagnosis rates are named for what they are, as on the needs pages: the "
            f"{RECORDED.lower()} is a published indicator ({RECORDED_WHAT}), the figure of the "
            f"monitoring pages; the {MODELLED.lower()} is {MODELLED_WHAT}. They differ on "
            "purpose. An objective's baseline is the value when its development started."
        )
    caveats = [
        f"{page['headline']['condition']}: {change['note']}"
        for page in found["conditions"]
        for change in page["trend"]["changes"]
    ]
    section = Section(
        "needs",
        "Needs: who has the conditions",
        paragraphs=paragraphs,
        tables=[
            register_table(found),
            standardised_table(found),
            diagnosis_table(found),
            trend_table(found),
        ],
        caveats=caveats,
    )
    if charts:
        from commissioning.charts import spec_svg

        for page in found["conditions"]:  # the charts the page draws, in its order
            condition = page["headline"]["condition"]
            funnel = page.get("funnel")
            if funnel and funnel.get("spec"):
                section.charts.append(
                    Chart(
                        f"{condition}: practices' recorded prevalence against list size",
                        spec_svg(funnel["spec"]),
                        funnel["description"],
                    )
                )
            trend = page["trend"]
            section.charts.append(
                Chart(
                    f"{condition}: recorded prevalence by year",
                    spec_svg(trend["spec"]),
                    trend["description"],
                )
            )
    return section, [page["headline"] for page in found["conditions"]]
