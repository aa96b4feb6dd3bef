"""The work of commissioning page, worked out: every table, chart and figure of a community's
work (labour, who commissions, money, pace, drivers, market conditions, the scorecard and each
measure year by year), from :mod:`commissioning.analytics.work` on the community's frames.

The page (:mod:`commissioning.web.views.work_overview`) only lays out what
:func:`work_sections` returns; the scorecard's rows are :func:`scorecard_rows`, which the
measure's drill-down page shows too.
"""

from __future__ import annotations

import altair as alt

from commissioning.analytics.work import (
    drivers,
    labour,
    market,
    pace,
    participation,
    scorecard,
    spend,
)
from commissioning.analytics.work.pay_rates import load_pay_rates
from commissioning.charts import NHS_BLUE, chart_spec
from commissioning.charts.scorecard import describe_years, years_chart
from commissioning.work.presenter import community_scorecard, scorecard_years
from commissioning.work.tables import MONEY_MEASURES, STATUS_TAGS, cell, table


def _labour(frames, split, stages) -> dict:
    rates = load_pay_rates()
    hourly = rates.hourly()
    per_year = rates.hours_per_fte_year
    out = {}
    for by in ("stage", "role_type", "nature"):
        t = labour.labour_table(split, hourly, per_year, by=[by])
        if by == "stage":
            t["stage"] = t["stage"].map(lambda s: stages.get(s, s))
        out[by] = t
    effort = labour.cumulative_effort(split, by="community")
    effort = effort.assign(month=effort["month"].dt.strftime("%Y-%m"))
    total = float(split["hours"].sum())
    description = (
        "Cumulative hours of commissioning work recorded in the community by month: "
        f"{total:,.0f} hours in all"
    )
    if len(effort):
        description += f", from {effort['month'].iloc[0]} to {effort['month'].iloc[-1]}"
    description += "."
    chart = (
        alt.Chart(effort)
        .mark_line(color=NHS_BLUE, interpolate="step-after")
        .encode(
            x=alt.X("month:T", title="Month"),
            y=alt.Y("cumulative_hours:Q", title="Hours to date"),
            tooltip=["month:T", "hours:Q", "cumulative_hours:Q"],
        )
        .properties(width="container", height=280, title="Cumulative effort")
    )
    return {
        "tables": out,
        "total_hours": total,
        "total_fte": total / per_year,
        "hours_per_fte_year": per_year,
        "effort": effort,
        "spec": chart_spec(chart),
        "description": description,
    }


def work_sections(f, money: bool, stages: dict[str, str], procurements=None) -> dict:
    """Every table, chart and figure of the work-of-commissioning page for one community
    (money left out unless ``money``). ``procurements`` is the pair of frames of
    :func:`commissioning.provider_selection.effort.procurement_frames` (transaction effort)."""
    split = labour.stage_hours(f.activities, f.activity_stages, f.participations)
    as_of = scorecard.default_as_of(f)
    work = _labour(f, split, stages)
    labour_tables = {by: table(t, money=money) for by, t in work["tables"].items()}

    who = participation.matrix(split, by="group")
    if not who.empty:
        who = who.rename(columns=lambda s: stages.get(s, s)).reset_index()
    clinical = participation.clinical_share(f.participations)

    money_section = None
    if money:
        year = spend.latest_year(f.spend)
        by_form = spend.spend_by(
            "payment_form",
            f.spend,
            f.services,
            f.service_conditions,
            f.contracts,
            f.contract_services,
        )
        by_provider = spend.spend_by(
            "provider",
            f.spend,
            f.services,
            f.service_conditions,
            f.contracts,
            f.contract_services,
        )
        by_year = spend.spend_by(
            "financial_year",
            f.spend,
            f.services,
            f.service_conditions,
            f.contracts,
            f.contract_services,
        )
        money_section = {
            "year": cell(year, "financial_year") if year is not None else None,
            "by_year": table(by_year, ["financial_year", "amount"]),
            "by_form": table(by_form[by_form["financial_year"] == year]),
            "by_provider": table(by_provider[by_provider["financial_year"] == year]),
            "block": spend.block_share(f.spend, f.contracts, f.contract_services),
            "pareto": table(
                spend.pareto(f.spend, f.services, as_of=as_of),
                [
                    "service",
                    "provider",
                    "amount",
                    "share",
                    "cumulative_share",
                    "in_pareto",
                    "last_reviewed",
                    "reviewed",
                ],
            ),
            "review": table(
                spend.review_programme(f.spend, f.services, as_of=as_of),
                ["service", "provider", "amount", "last_reviewed", "review_due"],
            ),
        }
        block = money_section["block"]
        money_section["block_text"] = (
            cell(block["value"], "share") if block["value"] is not None else "No spend recorded"
        )

    timelines = pace.timelines(f.developments, f.activities, as_of=as_of)
    timelines = timelines[timelines["parent_id"].isna()]
    markets = market.market_conditions(
        services=f.services,
        service_conditions=f.service_conditions,
        contracts=f.contracts,
        contract_services=f.contract_services,
        spend=f.spend,
        observations=f.observations,
        developments=f.developments,
        development_conditions=f.development_conditions,
        development_services=f.development_services,
        split=split,
        as_of=as_of,
        indicator_conditions=f.indicator_conditions,
        procurements=procurements[0] if procurements else None,
        procurement_services=procurements[1] if procurements else None,
    )
    card = community_scorecard(f)
    years = scorecard_years(f)
    return {
        "as_of": as_of,
        "show_money": money,
        "labour": work,
        "labour_tables": labour_tables,
        "effort_table": table(work["effort"], ["month", "hours", "cumulative_hours"]),
        "who": table(who) if not who.empty else None,
        "clinical": clinical,
        "clinical_hours_share": cell(clinical["share_of_hours"], "share"),
        "clinical_activities_share": cell(clinical["share_of_activities"], "share"),
        "money": money_section,
        "timelines": table(
            timelines,
            [
                "title",
                "status",
                "size_of_change",
                "start_date",
                "go_live_date",
                "end_date",
                "duration_months",
                "activities",
                "small_tasks",
            ],
        ),
        "sizes": table(pace.size_of_change(f.developments)),
        "drivers": table(
            drivers.driver_summary(f.drivers, f.development_drivers),
            ["title", "kind", "issuer", "year", "developments"],
        ),
        "without_driver": table(
            drivers.without_driver(f.developments, f.development_drivers), ["title", "status"]
        ),
        "markets": table(
            markets,
            [
                "area",
                "providers",
                "hhi",
                "concentration",
                "tendered_share",
                "rolled_over_share",
                "block_share",
                "relational_share",
                "procurements",
                "procurement_effort_hours",
                *(["hours_per_million"] if money else []),
                "profile",
                "evidence",
            ],
            money=money,
        ),
        "scorecard": scorecard_rows(card, money),
        "scorecard_years": _years_table(years),
        "scorecard_years_chart": _years_chart(years),
        "changes": table(card.changes, ["date", "kind", "organisation", "description"]),
    }


def _count(value, measure_id: str, money: bool) -> str:
    if measure_id in MONEY_MEASURES:
        return cell(value, "amount") if money else "Not shown"
    return cell(float(value), "count")


def _years_table(found: dict) -> dict:
    """Each measure's value by financial year, for the generic table partial."""
    return {
        "headers": [{"label": "Measure", "numeric": False}]
        + [{"label": label, "numeric": True} for label in found["labels"]],
        "rows": [
            [{"text": r["name"], "numeric": False}]
            + [
                {"text": "No data" if v is None else cell(v, "share"), "numeric": True}
                for v in r["values"]
            ]
            for r in found["rows"]
        ],
    }


def scorecard_rows(card, money: bool) -> list[dict]:
    return [
        {
            "id": m.id,
            "name": m.name,
            "definition": m.definition,
            "numerator_definition": m.numerator_definition,
            "denominator_definition": m.denominator_definition,
            "numerator": _count(m.numerator, m.id, money),
            "denominator": _count(m.denominator, m.id, money),
            "value": cell(m.value, "share") if m.value is not None else "No data",
            "status": m.status,
            "status_label": m.status.capitalize(),
            "tag": STATUS_TAGS.get(m.status, "grey"),
        }
        for m in card.measures
    ]


def _years_chart(found: dict) -> dict | None:
    """The chart of each measure year by year, drawn from the figures of the table beside it,
    with its text alternative (None when no year has records)."""
    if not found["years"]:
        return None
    description = describe_years(found)
    return {"spec": years_chart(found, description=description), "description": description}
