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
        "lists organisational changes in the period, as context. With --by-year, each "
        "measure's value in each financial year, as on the work page.",
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
    p.add_argument(
        "--by-year",
        action="store_true",
        help="each measure's value and status in each financial year (April to March), the "
        "figures of the work page; the last year runs to --as-of (default: the latest record)",
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

    if args.by_year and args.drilldown:
        raise BadOption(
            "--by-year cannot be used with --drilldown: to list a measure's records for one "
            "year, give --drilldown with --from and --as-of"
        )
    if args.by_year and args.start is not None:
        raise BadOption(
            "--by-year cannot be used with --from: each year's card runs from 1 April to "
            "31 March (--as-of ends the last year earlier)"
        )
    config = load_thresholds(args.thresholds)
    if args.drilldown and args.drilldown not in CALCULATORS:
        raise BadOption(f"no measure '{args.drilldown}' (measures: {', '.join(CALCULATORS)})")
    communities = load_communities(args.community, args.db)
    from commissioning.work.presenter import with_decisions  # needs Django set up

    if args.by_year:
        emit(_by_year(communities, config, args), args.output)
        return 0
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


def _by_year(communities, config: dict, args) -> str:
    """Each measure year by year from the work page's presenter: for reading, one table per
    community (a measure a row, a year a column, as on the page); as CSV or JSON, one row per
    community, year and measure (``financial_year`` the year it begins, 2012 for 2012/13, as in
    the other verbs' output: a spreadsheet would read "2012/13" as a date)."""
    import pandas as pd

    from commissioning.analytics.work.output import as_table, render
    from commissioning.work.presenter import scorecard_years

    found = [scorecard_years(f, config=config, as_of=args.as_of) for f in communities]
    if args.format != "table":
        rows = [
            {
                "community": f.code,
                "financial_year": year,
                "id": r["id"],
                "name": r["name"],
                "value": value,
                "status": status,
            }
            for f, years in zip(communities, found, strict=True)
            for r in years["rows"]
            for year, value, status in zip(years["years"], r["values"], r["statuses"], strict=True)
        ]
        columns = ["community", "financial_year", "id", "name", "value", "status"]
        return render(pd.DataFrame(rows, columns=columns), args.format)
    parts = []
    for f, years in zip(communities, found, strict=True):
        as_of = years["as_of"].date().isoformat()
        if not years["years"]:
            parts.append(
                f"Each measure year by year: {f.code}: no activities recorded up to {as_of}.\n\n"
            )
            continue
        parts.append(
            f"Each measure year by year: {f.code}, financial years {years['labels'][0]} to "
            f"{years['labels'][-1]} (April to March; the last to {as_of})\n"
        )
        table = pd.DataFrame(
            [
                [r["name"], *["No data" if v is None else f"{v:.0%}" for v in r["values"]]]
                for r in years["rows"]
            ],
            columns=["measure", *years["labels"]],
        )
        parts.append(as_table(table))
        parts.append("\n")
    return "".join(parts)


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
