"""``commissioning monitoring``: the SPC summary of a community's stored indicator series.

The same table as the board report's monitoring section (one figure, one value): each series'
latest point, mean, process limits, variation and assurance, from the XmR engine over the
observations stored for the community's services and organisations. Patient counts of 1 to 7
are shown as *, as everywhere they leave the system.
"""

from __future__ import annotations


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "monitoring",
        help="the SPC summary (variation and assurance) of a community's indicator series",
        description="Statistical process control (XmR, NHS Making Data Count) over the "
        "indicator observations stored for a community: for each series its latest point, mean, "
        "limits, variation and assurance, as the board report's monitoring section shows them.",
    )
    p.add_argument("--community", required=True, metavar="CODE", help="the community's code")
    p.add_argument(
        "--indicator",
        action="append",
        metavar="CODE",
        help="only this indicator's series (give it again for more), e.g. DEM_DX",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the table as CSV, Parquet or JSON instead of printing it",
    )
    add_db_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from commissioning.store.runtime import setup

    setup(args.db)
    import pandas as pd

    from commissioning.access.policy import ADMINISTRATION
    from commissioning.document import fmt
    from commissioning.errors import BadArgument
    from commissioning.reports.sections import monitoring_section
    from commissioning.store.frames import get_community
    from commissioning.store.models import Indicator

    community = get_community(args.community)  # unknown: exit status 2, listing the codes
    ids = None
    if args.indicator:
        wanted = [c.strip() for c in args.indicator]
        found = dict(Indicator.objects.filter(code__in=wanted).values_list("code", "pk"))
        missing = [c for c in wanted if c not in found]
        if missing:
            raise BadArgument(f"no indicator has the code {', '.join(missing)}")
        ids = list(found.values())
    section, _found = monitoring_section(ADMINISTRATION, community, ids, charts=False)
    table = next((t for t in section.tables if t.key == "monitoring"), None)
    if table is None:
        print(f"No indicator series are stored for {community.name}.")
        return 0
    shown = [
        [fmt(v, table.formats.get(c, "text")) for c, v in zip(table.columns, row, strict=True)]
        for row in table.rows
    ]
    if args.output:
        from commissioning.tables import write_table

        write_table(pd.DataFrame(shown, columns=table.columns), args.output)
        print(f"Wrote {len(shown)} series to {args.output}")
        return 0
    print(f"{len(shown)} series in {community.name}, judged with XmR charts:")
    for row in shown:
        cells = dict(zip(table.columns, row, strict=True))
        target = f", target {cells['Target']}" if cells["Target"] else ""
        print(f"{cells['Series']}")
        print(
            f"  latest {cells['Latest period']}: {cells['Latest value']}; mean {cells['Mean']}, "
            f"limits {cells['Lower limit']} to {cells['Upper limit']}{target}"
        )
        print(f"  variation: {cells['Variation']}; assurance: {cells['Assurance']}")
        if cells["Caution"]:
            print(f"  {cells['Caution']}")
    if table.note:
        print(table.note)
    return 0
