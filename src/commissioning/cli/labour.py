"""``commissioning labour``: the labour of commissioning, in hours, FTE and cost."""

from __future__ import annotations

GROUPINGS = ("development", "stage", "role_type", "nature", "community")
VIEWS = ("hours", "cumulative", "against-spend", "against-gain", "rates")


def register(sub) -> None:
    from commissioning.analytics.work.output import add_options
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "labour",
        help="hours, full-time equivalents and cost of commissioning work",
        description="Hours of commissioning work by development, stage, stakeholder role and "
        "nature, with full-time equivalents and cost at pay rates by role. An activity serving "
        "several stages has its hours split equally across them.",
    )
    add_options(p)
    add_db_option(p)
    p.add_argument(
        "--by",
        default="development,stage,role_type,nature",
        help="comma-separated grouping for the hours view, from: "
        f"{', '.join(GROUPINGS)} (default: development,stage,role_type,nature)",
    )
    p.add_argument(
        "--view",
        choices=VIEWS,
        default="hours",
        help="hours: grouped hours, FTE and cost (default); cumulative: hours by month and "
        "running total per development; against-spend: cost against the spend of the services "
        "affected; against-gain: cost per unit of measured gain; rates: the pay rates used",
    )
    p.add_argument(
        "--pay-rates",
        metavar="FILE",
        help="a TOML file overriding the default pay rates and working hours",
    )
    p.set_defaults(func=run)


def _by(text: str) -> list[str]:
    from commissioning.analytics.work.output import BadOption

    parts = [b.strip() for b in text.split(",") if b.strip()]
    bad = [b for b in parts if b not in GROUPINGS]
    if bad or not parts:
        raise BadOption(
            f"--by: cannot group by {', '.join(bad) or 'nothing'} "
            f"(choose from {', '.join(GROUPINGS)})"
        )
    return ["development_id" if b == "development" else b for b in parts]


def run(args) -> int:
    import pandas as pd

    from commissioning.analytics.work import labour
    from commissioning.analytics.work.output import emit, render, stack
    from commissioning.analytics.work.pay_rates import load_pay_rates
    from commissioning.store.frames import load_communities

    by = _by(args.by)
    rates = load_pay_rates(args.pay_rates)
    if args.view == "rates":
        table = rates.rates.copy()
        table["hours_per_fte_year"] = rates.hours_per_fte_year
        emit(render(table, args.format), args.output)
        return 0
    hourly = rates.hourly()
    tables = []
    for f in load_communities(args.community, args.db):
        split = labour.stage_hours(f.activities, f.activity_stages, f.participations)
        titles = f.developments[["development_id", "title"]].rename(
            columns={"title": "development"}
        )
        if args.view == "hours":
            table = labour.labour_table(split, hourly, rates.hours_per_fte_year, by=by)
            if "development_id" in by:
                table = table.merge(titles, on="development_id", how="left")
                table["development"] = table["development"].fillna(labour.OUTSIDE)
                first = ["development_id", "development"]
                table = table[first + [c for c in table.columns if c not in first]]
        elif args.view == "cumulative":
            table = labour.cumulative_effort(split).merge(titles, on="development_id", how="left")
            table["development"] = table["development"].fillna(labour.OUTSIDE)
        else:
            effort = labour.effort_by_development(
                split,
                hourly,
                rates.hours_per_fte_year,
                f.developments,
                f.development_services,
                f.spend,
            )
            table = (
                effort
                if args.view == "against-spend"
                else labour.effort_against_gain(effort, f.objectives)
            )
        tables.append(table if isinstance(table, pd.DataFrame) else pd.DataFrame(table))
    emit(render(stack(tables, args.community), args.format), args.output)
    return 0
