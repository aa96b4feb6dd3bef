"""``commissioning scorecard``: the effective-commissioning scorecard of a community."""

from __future__ import annotations


def register(sub) -> None:
    from commissioning.analytics.work.output import add_options, date_option
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "scorecard",
        help="the effective-commissioning scorecard: nine measures with their status",
        description="Nine measures of effective commissioning, each with its numerator, "
        "denominator, value and status (met, partly met, not met, no data). The table also "
        "lists organisational changes in the period, as context.",
    )
    add_options(p)
    add_db_option(p)
    p.add_argument(
        "--thresholds",
        metavar="FILE",
        help="a TOML file overriding the default thresholds (see docs/guide/scorecard.md)",
    )
    p.add_argument(
        "--from",
        dest="start",
        type=date_option,
        metavar="DATE",
        help="start of the period (default: the first record)",
    )
    p.add_argument(
        "--as-of",
        type=date_option,
        metavar="DATE",
        help="end of the period (default: the date of the latest record)",
    )
    p.add_argument(
        "--drilldown",
        metavar="MEASURE",
        help="list the records behind one measure (its id, e.g. clinical_involvement)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from commissioning.analytics.work.output import BadOption, emit, render, stack
    from commissioning.analytics.work.scorecard import (
        CALCULATORS,
        load_thresholds,
        scorecard,
    )
    from commissioning.store.frames import load_communities

    config = load_thresholds(args.thresholds)
    if args.drilldown and args.drilldown not in CALCULATORS:
        raise BadOption(f"no measure '{args.drilldown}' (measures: {', '.join(CALCULATORS)})")
    communities = load_communities(args.community, args.db)
    from commissioning.work.presenter import with_decisions  # needs Django set up

    cards = [
        scorecard(with_decisions(f), config=config, start=args.start, as_of=args.as_of)
        for f in communities
    ]
    if args.drilldown:
        table = stack([c.measure(args.drilldown).drilldown for c in cards], args.community)
        emit(render(table, args.format), args.output)
        return 0
    if args.format == "table":
        text = _readable(cards)
    else:
        text = render(stack([c.table() for c in cards], args.community), args.format)
    emit(text, args.output)
    return 0


def _readable(cards) -> str:
    from commissioning.analytics.work.output import as_table

    parts = []
    for card in cards:
        start = card.start.date().isoformat() if card.start is not None else "the first record"
        parts.append(
            f"Effective-commissioning scorecard: {card.community}, "
            f"from {start} to {card.as_of.date().isoformat()}\n"
        )
        table = card.table()[["id", "name", "numerator", "denominator", "value", "status"]]
        table["value"] = [f"{v:.0%}" if v is not None else "" for v in table["value"]]
        parts.append(as_table(table))
        if card.changes.empty:
            parts.append("Organisational changes in the period: none recorded.\n")
        else:
            parts.append("Organisational changes in the period (context):\n")
            parts.append(as_table(card.changes))
        parts.append("\n")
    return "".join(parts)
