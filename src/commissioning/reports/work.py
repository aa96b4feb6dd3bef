"""Sections from the practice-of-commissioning engines: money, labour, participation, scorecard."""

from __future__ import annotations

import pandas as pd

from commissioning.analytics.work import labour, participation, spend
from commissioning.analytics.work.pay_rates import load_pay_rates
from commissioning.analytics.work.scorecard import default_as_of
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
from commissioning.work.presenter import (
    community_scorecard,
    community_split,
    development_ids,
    scorecard_years,
    status_counts,
)
from commissioning.work.tables import MONEY_MEASURES

REVIEW_YEARS = 3


def _year(fy) -> str:
    fy = int(fy)
    return f"{fy}/{str(fy + 1)[-2:]}"


def live_contracts(frames, as_of) -> pd.DataFrame:
    c = frames.contracts
    return c[
        (c["start_date"].isna() | (c["start_date"] <= as_of))
        & (c["end_date"].isna() | (c["end_date"] >= as_of))
    ]


def contract_total(frames, as_of) -> float:
    return float(live_contracts(frames, as_of)["annual_value"].sum())


def money_section(frames, as_of, show_money: bool) -> Section:
    section = Section("money", "Spend, contracts and the review programme")
    year = spend.latest_year(frames.spend)
    live = live_contracts(frames, as_of)
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
                r.annual_value if show_money else None,
            ]
            for r in live.sort_values("reference").itertuples()
        ],
        {"Start": DATE, "End": DATE, "Annual value": MONEY},
    )
    if show_money:
        total = float(live["annual_value"].sum())
        contracts.rows.append(["Total", "", "", "", None, None, total])
        section.paragraphs.append(
            f"{len(live)} contracts are in force, worth £{total:,.0f} a year in total."
        )
    else:
        contracts.note = "Contract values are not shown to your role."
    section.tables.append(contracts)
    if year is None:
        section.paragraphs.append("No spend is recorded.")
        return section
    if show_money:
        by_condition = spend.spend_by(
            "condition",
            frames.spend,
            frames.services,
            frames.service_conditions,
            frames.contracts,
            frames.contract_services,
        )
        by_condition = by_condition[by_condition["financial_year"] == year]
        section.tables.append(
            Table(
                "spend_by_condition",
                f"Spend by condition, {_year(year)}",
                ["Condition", "Spend", "Share"],
                [
                    [r.condition or "(no condition)", r.amount, r.share * 100]
                    for r in by_condition.itertuples()
                ],
                {"Spend": MONEY, "Share": PERCENT},
                note="Spend on a service for several conditions is split equally between them.",
            )
        )
        block = spend.block_share(frames.spend, frames.contracts, frames.contract_services, year)
        if block.get("value") is not None:
            section.paragraphs.append(
                f"In {_year(year)}, {block['value']:.0%} of spend was in block contracts."
            )
    due = spend.review_programme(
        frames.spend, frames.services, as_of=as_of, review_years=REVIEW_YEARS, year=year
    )
    section.tables.append(
        Table(
            "review_programme",
            f"Services due for review (not reviewed in {REVIEW_YEARS} years)",
            ["Service", "Provider", "Spend", "Last reviewed", "Review due"],
            [
                [
                    r.service,
                    r.provider,
                    r.amount if show_money else None,
                    r.last_reviewed,
                    r.review_due,
                ]
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
    rates = load_pay_rates(None)
    split = community_split(frames)
    ids = None if development_id is None else development_ids(frames, development_id)
    if ids is not None:
        split = split[split["development_id"].isin(ids).fillna(False).astype(bool)]
    section = Section("labour", "The labour of commissioning and who takes part")
    table = labour.labour_table(
        split, rates.hourly(), rates.hours_per_fte_year, by=["development_id"]
    )
    titles = dict(
        zip(frames.developments["development_id"], frames.developments["title"], strict=True)
    )
    rows = [
        [
            titles.get(r.development_id, labour.OUTSIDE)
            if pd.notna(r.development_id)
            else labour.OUTSIDE,
            r.hours,
            r.fte_years,
            r.cost if money else None,
        ]
        for r in table.itertuples()
    ]
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
    people = frames.participations
    if ids is not None:
        acts = frames.activities.loc[
            frames.activities["development_id"].isin(ids).fillna(False).astype(bool),
            "activity_id",
        ]
        people = people[people["activity_id"].isin(acts)]
    share = participation.clinical_share(people)
    if share["share_of_hours"] is not None:
        section.paragraphs.append(
            f"Clinicians gave {share['share_of_hours']:.0%} of the {share['hours']:,.0f} hours "
            f"recorded, and took part in {share['clinical_activities']} of "
            f"{share['activities']} activities."
        )
    by_role = participation.matrix(split, by="role_type", value="hours")
    if not by_role.empty:
        totals = by_role.sum(axis=1).sort_values(ascending=False)
        section.tables.append(
            Table(
                "participation",
                "Hours by stakeholder role",
                ["Role", "Hours", "Share"],
                [[label(k), v, v / totals.sum() * 100] for k, v in totals.items()],
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


def as_of_date(frames):
    return default_as_of(frames)


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
