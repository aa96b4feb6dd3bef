"""``commissioning spend``: where the money goes, block contracts, incentives and the Pareto set."""

from __future__ import annotations

BREAKDOWNS = (
    "condition",
    "service",
    "provider",
    "payment_form",
    "procurement_route",
    "setting",
    "financial_year",
)
VIEWS = ("breakdown", "block", "incentives", "pareto", "review")


def register(sub) -> None:
    from commissioning.analytics.work.output import add_options, date_option
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "spend",
        help="spend by condition, service, provider, payment form and year; the Pareto set",
        description="Spend broken down by condition, service, provider, payment form or "
        "financial year; the share in block contracts; incentive scheme value; the services "
        "making up 80% of spend with their last review; and the review programme.",
    )
    add_options(p)
    add_db_option(p)
    p.add_argument(
        "--view",
        choices=VIEWS,
        default="breakdown",
        help="breakdown: spend by --by and year (default); block: share in block contracts; "
        "incentives: incentive scheme value; pareto: services by spend with the 80%% set; "
        "review: services not reviewed within --review-years",
    )
    p.add_argument(
        "--by", choices=BREAKDOWNS, default="condition", help="breakdown (default: condition)"
    )
    p.add_argument(
        "--year",
        type=int,
        metavar="YYYY",
        help="financial year by its starting year, e.g. 2012 for 2012/13 (default: the latest)",
    )
    p.add_argument(
        "--review-years",
        type=float,
        default=3,
        metavar="N",
        help="a service is due for review when not reviewed for N years (default 3)",
    )
    p.add_argument(
        "--as-of",
        type=date_option,
        metavar="DATE",
        help="date reviews are judged at (default: the date of the latest record)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    import pandas as pd

    from commissioning.analytics.work import spend
    from commissioning.analytics.work.output import emit, render, stack
    from commissioning.analytics.work.scorecard import default_as_of
    from commissioning.store.frames import load_communities

    tables = []
    for f in load_communities(args.community, args.db):
        as_of = args.as_of if args.as_of is not None else default_as_of(f)
        if args.view == "breakdown":
            table = spend.spend_by(
                args.by,
                f.spend,
                f.services,
                f.service_conditions,
                f.contracts,
                f.contract_services,
            )
            if args.year is not None:
                table = table[table["financial_year"] == args.year]
        elif args.view == "block":
            table = pd.DataFrame(
                [spend.block_share(f.spend, f.contracts, f.contract_services, args.year)]
            ).rename(
                columns={"numerator": "block_spend", "denominator": "spend", "value": "block_share"}
            )
        elif args.view == "incentives":
            table = spend.incentive_values(f.incentives, f.contracts)
            if args.year is not None:
                table = table[table["financial_year"] == args.year]
        elif args.view == "pareto":
            table = spend.pareto(
                f.spend, f.services, as_of=as_of, year=args.year, review_years=args.review_years
            )
        else:
            table = spend.review_programme(
                f.spend, f.services, as_of=as_of, review_years=args.review_years, year=args.year
            )
        tables.append(table)
    emit(render(stack(tables, args.community), args.format), args.output)
    return 0
