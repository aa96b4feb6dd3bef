"""The work of commissioning page, worked out: every table, chart and figure of a community's
work (labour, who commissions, money, pace, drivers, market conditions, the scorecard and each
measure year by year), from :mod:`commissioning.analytics.work` on the community's frames.

The page (:mod:`commissioning.web.views.work_overview`) only lays out what
:func:`work_sections` returns; the scorecard's rows are :func:`scorecard_rows`, which the
measure's drill-down page shows too. The board reports' money and labour sections
(:mod:`commissioning.reports.work`) lay out the same figures, unformatted: :func:`money_figures`
(contracts in force, spend, the block share, the review programme) and :func:`labour_figures`
(hours, full-time years and cost by development, stage, role and nature; who takes part), which
the page's sections are made from too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import altair as alt
import pandas as pd

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
from commissioning.work.presenter import (
    community_scorecard,
    community_split,
    development_ids,
    scorecard_years,
)
from commissioning.work.tables import MONEY_MEASURES, STATUS_TAGS, cell, table

#: the page's labour tables: by stage, stakeholder role and nature of work
PAGE_LABOUR = ("stage", "role_type", "nature")
#: how the review programme counts a service as due: not reviewed in this many years
REVIEW_YEARS = 3
#: the label of the labour recorded outside any one development
OUTSIDE = labour.OUTSIDE


def as_of_date(frames) -> pd.Timestamp:
    """The date the community's work is reported as of (its latest dated record)."""
    return scorecard.default_as_of(frames)


# ---------------------------------------------------------------------------------------------
# The figures, unformatted (the page formats them below; the board reports lay them out)


@dataclasses.dataclass
class Labour:
    """The labour of a community's commissioning, or of one development with its tasks.

    ``tables`` holds, for each grouping asked for (``development_id``, ``stage``,
    ``role_type``, ``nature``), the hours, full-time years and cost at the default pay rates (an
    activity serving several stages has its hours split equally between them; the cost is empty
    for a reader who does not see money); the ``development_id`` table carries each
    development's ``title`` (:data:`OUTSIDE` for work outside any one development).
    ``clinical`` is the clinicians' share of the hours and activities of the same participations
    (``participation.clinical_share``).
    """

    split: pd.DataFrame
    hours_per_fte_year: float
    tables: dict[str, pd.DataFrame]
    total_hours: float
    clinical: dict


def labour_figures(frames, development_id=None, *, by=PAGE_LABOUR, money: bool = True) -> Labour:
    """The labour of the community's work (or of one development and its tasks) by each of
    ``by``, and who takes part; the cost is left out (empty) unless ``money``."""
    rates = load_pay_rates()
    split = community_split(frames)
    people = frames.participations
    if development_id is not None:
        ids = development_ids(frames, development_id)
        split = split[split["development_id"].isin(ids).fillna(False).astype(bool)]
        acts = frames.activities.loc[
            frames.activities["development_id"].isin(ids).fillna(False).astype(bool),
            "activity_id",
        ]
        people = people[people["activity_id"].isin(acts)]
    tables = {
        key: labour.labour_table(split, rates.hourly(), rates.hours_per_fte_year, by=[key])
        for key in by
    }
    if not money:
        tables = {key: t.assign(cost=None) for key, t in tables.items()}
    if "development_id" in tables:
        titles = dict(
            zip(frames.developments["development_id"], frames.developments["title"], strict=True)
        )
        t = tables["development_id"]
        t.insert(
            1,
            "title",
            [titles.get(d, OUTSIDE) if pd.notna(d) else OUTSIDE for d in t["development_id"]],
        )
    return Labour(
        split=split,
        hours_per_fte_year=rates.hours_per_fte_year,
        tables=tables,
        total_hours=float(split["hours"].sum()),
        clinical=participation.clinical_share(people),
    )


def contracts_in_force(frames, as_of) -> pd.DataFrame:
    """The community's contracts running on ``as_of`` (no start or end date: open)."""
    c = frames.contracts
    return c[
        (c["start_date"].isna() | (c["start_date"] <= as_of))
        & (c["end_date"].isna() | (c["end_date"] >= as_of))
    ]


def contract_total(frames, as_of) -> float:
    """The annual value of the contracts in force on ``as_of``."""
    return float(contracts_in_force(frames, as_of)["annual_value"].sum())


@dataclasses.dataclass
class Money:
    """The money of a community's commissioning as of a date, for a reader who sees money
    (``shown``) or not. For a reader who does not, every sum of money is left out: the
    contracts' annual values and the review programme's spend are empty, the total, the block
    share and the spend tables None.

    ``year`` is the latest financial year with spend (None: no spend recorded); ``by_form``,
    ``by_provider`` and ``by_condition`` are that year's spend (``spend.spend_by``: a service
    for several conditions has its spend split equally between them), ``by_year`` every
    year's; ``review`` the running services not reviewed in :data:`REVIEW_YEARS` years,
    largest spend first.
    """

    as_of: dt.date
    shown: bool
    year: int | None
    contracts: pd.DataFrame
    contract_total: float | None
    review: pd.DataFrame
    block: dict | None = None
    by_year: pd.DataFrame | None = None
    by_form: pd.DataFrame | None = None
    by_provider: pd.DataFrame | None = None
    by_condition: pd.DataFrame | None = None
    pareto: pd.DataFrame | None = None


def money_figures(frames, as_of, *, money: bool) -> Money:
    """Contracts in force on ``as_of``, spend, the block share and the review programme."""
    f = frames
    year = spend.latest_year(f.spend)
    live = contracts_in_force(f, as_of).sort_values("reference")
    review = spend.review_programme(
        f.spend, f.services, as_of=as_of, review_years=REVIEW_YEARS, year=year
    )
    if not money:
        return Money(
            as_of=as_of,
            shown=False,
            year=year,
            contracts=live.assign(annual_value=None),
            contract_total=None,
            review=review.assign(amount=None),
        )

    def by(what: str) -> pd.DataFrame:
        found = spend.spend_by(
            what, f.spend, f.services, f.service_conditions, f.contracts, f.contract_services
        )
        return found if what == "financial_year" else found[found["financial_year"] == year]

    return Money(
        as_of=as_of,
        shown=True,
        year=year,
        contracts=live,
        contract_total=float(live["annual_value"].sum()),
        review=review,
        block=spend.block_share(f.spend, f.contracts, f.contract_services, year),
        by_year=by("financial_year"),
        by_form=by("payment_form"),
        by_provider=by("provider"),
        by_condition=by("condition"),
        pareto=spend.pareto(f.spend, f.services, as_of=as_of, year=year),
    )


# ---------------------------------------------------------------------------------------------
# The page


def _labour(found: Labour, stages) -> dict:
    out = dict(found.tables)
    if "stage" in out:
        out["stage"] = out["stage"].assign(
            stage=out["stage"]["stage"].map(lambda s: stages.get(s, s))
        )
    split = found.split
    per_year = found.hours_per_fte_year
    effort = labour.cumulative_effort(split, by="community")
    effort = effort.assign(month=effort["month"].dt.strftime("%Y-%m"))
    total = found.total_hours
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
    found = labour_figures(f, money=money)
    split = found.split
    as_of = as_of_date(f)
    work = _labour(found, stages)
    labour_tables = {by: table(t, money=money) for by, t in work["tables"].items()}

    who = participation.matrix(split, by="group")
    if not who.empty:
        who = who.rename(columns=lambda s: stages.get(s, s)).reset_index()
    clinical = found.clinical

    money_section = None
    if money:
        spent = money_figures(f, as_of, money=True)
        year = spent.year
        money_section = {
            "year": cell(year, "financial_year") if year is not None else None,
            "by_year": table(spent.by_year, ["financial_year", "amount"]),
            "by_form": table(spent.by_form),
            "by_provider": table(spent.by_provider),
            "block": spent.block,
            "pareto": table(
                spent.pareto,
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
                spent.review, ["service", "provider", "amount", "last_reviewed", "review_due"]
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
