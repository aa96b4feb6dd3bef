"""``commissioning market``: quasi-market conditions in each service area."""

from __future__ import annotations


def register(sub) -> None:
    from commissioning.analytics.work.output import add_options, date_option
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "market",
        help="quasi-market conditions by service area: providers, concentration, tendering",
        description="For each service area (condition or care setting): number of providers "
        "and their concentration (Herfindahl-Hirschman index, 0-10,000), share of spend "
        "tendered or rolled over, decommissioning, completeness and timeliness of indicator "
        "data, hours on procurement and contracting, the hours logged against provider selection "
        "decisions beside their value (transaction effort), and a relational-to-transactional "
        "profile with the evidence behind it.",
    )
    add_options(p)
    add_db_option(p)
    p.add_argument(
        "--by",
        choices=("condition", "setting"),
        default="condition",
        help="service areas by condition (default) or care setting",
    )
    p.add_argument(
        "--year",
        type=int,
        metavar="YYYY",
        help="financial year of contracts and spend, by its starting year (default: the year "
        "of --as-of)",
    )
    p.add_argument(
        "--as-of",
        type=date_option,
        metavar="DATE",
        help="date the market is described at (default: the date of the latest record)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from commissioning.analytics.work import labour, market
    from commissioning.analytics.work.output import emit, render, stack
    from commissioning.analytics.work.scorecard import default_as_of
    from commissioning.provider_selection.effort import procurement_frames
    from commissioning.store.frames import load_communities
    from commissioning.store.models import CommissioningCommunity

    tables = []
    for f in load_communities(args.community, args.db):
        as_of = args.as_of if args.as_of is not None else default_as_of(f)
        split = labour.stage_hours(f.activities, f.activity_stages, f.participations)
        procurements, links = procurement_frames(CommissioningCommunity.objects.get(code=f.code))
        tables.append(
            market.market_conditions(
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
                year=args.year,
                by=args.by,
                indicator_conditions=f.indicator_conditions,
                procurements=procurements,
                procurement_services=links,
            )
        )
    emit(render(stack(tables, args.community), args.format), args.output)
    return 0
