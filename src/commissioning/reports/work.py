"""Sections from the practice-of-commissioning engines: money, labour, participation, scorecard.

The money and labour sections lay out what the work page's presenter works out
(:func:`commissioning.work.overview.money_figures` and
:func:`commissioning.work.overview.labour_figures`), so a figure in the report is the page's;
money is left out, by the presenter, for a reader who does not see it.
"""

from __future__ import annotations

from commissioning.document import (
    COUNT,
    DATE,
    MONEY,
    NUMBER,
    PERCENT,
    Chart,
    Section,
    Table,
    label,
)
from commissioning.work.overview import REVIEW_YEARS, labour_figures, money_figures
from commissioning.work.presenter import (
    community_scorecard,
    scorecard_years,
    status_counts,
)
from commissioning.work.tables import MONEY_MEASURES, ROLES


def _year(fy) -> str:
    fy = int(fy)
    return f"{fy}/{str(fy + 1)[-2:]}"


def money_section(frames, as_of, show_money: bool) -> Section:
    section = Section("money", "Spend, contracts and the review programme")
    found = money_figures(frames, as_of, money=show_money)
    year = found.year
    contracts = Table(
        "contracts",
        f"Contracts in force on {as_of:%-d %B %Y}",
        ["Reference", "Contract", "Provider", "Payment form", "Start", "End", "Annual value"],
        [
            [
                r.reference,
                r.title,
                r.provider,
                label(r.payment_form),
                r.start_date,
                r.end_date,
                r.annual_value,
            ]
            for r in found.contracts.itertuples()
        ],
        {"Start": DATE, "End": DATE, "Annual value": MONEY},
    )
    if found.shown:
        contracts.rows.append(["Total", "", "", "", None, None, found.contract_total])
        section.paragraphs.append(
            f"{len(found.contracts)} contracts are in force, "
            f"worth £{found.contract_total:,.0f} a year in total."
        )
    else:
        contracts.note = "Contract values are not shown to your role."
    section.tables.append(contracts)
    if year is None:
        section.paragraphs.append("No spend is recorded.")
        return section
    if found.shown:
        section.tables.append(
            Table(
                "spend_by_condition",
                f"Spend by condition, {_year(year)}",
                ["Condition", "Spend", "Share"],
                [
                    [r.condition or "(no condition)", r.amount, r.share * 100]
                    for r in found.by_condition.itertuples()
                ],
                {"Spend": MONEY, "Share": PERCENT},
                note="Spend on a service for several conditions is split equally between them.",
            )
        )
        if found.block.get("value") is not None:
            section.paragraphs.append(
                f"In {_year(year)}, {found.block['value']:.0%} of spend was in block contracts."
            )
    due = found.review
    section.tables.append(
        Table(
            "review_programme",
            f"Services due for review (not reviewed in {REVIEW_YEARS} years)",
            ["Service", "Provider", "Spend", "Last reviewed", "Review due"],
            [
                [r.service, r.provider, r.amount, r.last_reviewed, r.review_due]
                for r in due.itertuples()
            ],
            {"Spend": MONEY, "Last reviewed": DATE, "Review due": DATE},
            note=f"Spend in {_year(year)}. Largest spend first; an empty last review means never."
            if len(due)
            else "Every running service has been reviewed within the period.",
        )
    )
    return section


def labour_section(frames, development_id=None, *, money: bool = True) -> Section:
    """Hours, full-time years and (for a reader who sees money) the cost of the community's or
    one development's work, and who takes part."""
    found = labour_figures(frames, development_id, by=("development_id", "role_type"), money=money)
    section = Section("labour", "The labour of commissioning and who takes part")
    table = found.tables["development_id"]
    rows = [[r.title, r.hours, r.fte_years, r.cost] for r in table.itertuples()]
    if rows:
        cost = table["cost"].sum() if money else None
        rows.append(["Total", table["hours"].sum(), table["fte_years"].sum(), cost])
    section.tables.append(
        Table(
            "labour",
            "Hours of commissioning work by development",
            ["Development", "Hours", "FTE-years", "Cost"],
            rows,
            {"Hours": COUNT, "FTE-years": NUMBER, "Cost": MONEY},
            note=(
                "Cost at the default pay rates by role; "
                if money
                else "The cost of the work is not shown to your role; "
            )
            + "an activity serving several stages has its hours split equally between them.",
        )
    )
    share = found.clinical
    if share["share_of_hours"] is not None:
        section.paragraphs.append(
            f"Clinicians gave {share['share_of_hours']:.0%} of the {share['hours']:,.0f} hours "
            f"recorded, and took part in {share['clinical_activities']} of "
            f"{share['activities']} activities."
        )
    by_role = found.tables["role_type"]
    by_role = by_role.sort_values("hours", ascending=False, kind="stable")
    if not by_role.empty:
        total = by_role["hours"].sum()
        section.tables.append(
            Table(
                "participation",
                "Hours by stakeholder role",
                ["Role", "Hours", "Share"],
                [
                    [ROLES.get(r.role_type, label(r.role_type)), r.hours, r.hours / total * 100]
                    for r in by_role.itertuples()
                ],
                {"Hours": COUNT, "Share": PERCENT},
            )
        )
    return section


def scorecard_section(frames, money: bool = True, *, charts: bool = True) -> tuple[Section, object]:
    """The scorecard and each measure year by year, as a table and (with ``charts``) as the
    page's chart drawn from the same figures; the pounds behind a measure of money (its
    numerator and denominator) only for a reader who sees money, as on the page and in the
    API."""
    card = community_scorecard(frames)

    def counts(mz) -> list:
        if mz.id in MONEY_MEASURES and not money:
            return [None, None]
        return [mz.numerator, mz.denominator]

    table = Table(
        "scorecard",
        "Effective-commissioning scorecard",
        ["Measure", "Numerator", "Denominator", "Value", "Status"],
        [
            [
                mz.name,
                *counts(mz),
                None if mz.value is None else mz.value * 100,
                label(mz.status),
            ]
            for mz in card.measures
        ],
        {"Numerator": NUMBER, "Denominator": NUMBER, "Value": PERCENT},
        note=f"From {'the first record' if card.start is None else f'{card.start:%-d %b %Y}'} "
        f"to {card.as_of:%-d %B %Y}. See docs/guide/scorecard.md for each measure."
        + ("" if money else " Sums of money behind a measure are not shown to your role."),
    )
    found = scorecard_years(frames)
    years = found["labels"]
    by_year = Table(
        "scorecard_years",
        "Each measure year by year",
        ["Measure", *years],
        [
            [r["name"], *[None if v is None else v * 100 for v in r["values"]]]
            for r in found["rows"]
        ],
        {y: PERCENT for y in years},
        note="Each financial year's card counts that year's records alone (April to March); "
        "a blank is a year with nothing to measure.",
    )
    section = Section("scorecard", "Effective-commissioning scorecard", tables=[table, by_year])
    if charts and found["years"]:
        section.charts.append(years_figure(found))
    counts = {k: v for k, v in status_counts(card).items() if v}
    section.paragraphs.append("; ".join(f"{label(k)}: {v}" for k, v in counts.items()) + ".")
    if not card.changes.empty:
        section.tables.append(
            Table(
                "changes",
                "Organisational changes in the period (context)",
                [label(c) for c in card.changes.columns],
                card.changes.astype(object).where(card.changes.notna(), None).values.tolist(),
                {"Date": DATE},
            )
        )
    return section, card


def years_figure(found: dict) -> Chart:
    """The work page's chart of each measure year by year (the same specification, from the
    same figures as the table), drawn for print with its text alternative."""
    from commissioning.charts import spec_svg
    from commissioning.charts.scorecard import describe_years, years_chart

    description = describe_years(found)
    return Chart(
        "Each measure year by year",
        spec_svg(years_chart(found, description=description)),
        description,
    )
