"""``commissioning export KIND``: records out in the layout the importer reads."""

from __future__ import annotations


def register(sub) -> None:
    from commissioning.ingest.names import ORDER
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "export",
        help="export one kind of record (or all) to CSV or Excel",
        description="Write records in the layout `commissioning import` reads. "
        "KIND 'all' writes every kind to one workbook, a sheet each (needs -o FILE.xlsx). "
        "Files are written to be read by people, so small counts of patients in indicator "
        "observations, populations and registers are suppressed (1 to 7 shown as *, others "
        "rounded to the nearest 5) and a 'suppressed' column is added (populations and "
        "registers also get 'small_numbers', the rule they follow; "
        "COMMISSIONING_PUBLISHED_COUNTS may declare them published figures); --full writes the "
        "exact, re-importable records instead.",
    )
    p.add_argument("kind", metavar="KIND", help="one of: " + ", ".join(ORDER) + ", or all")
    p.add_argument("--community", metavar="CODE", help="only this community's records")
    p.add_argument(
        "-o", "--output", metavar="FILE", help=".csv or .xlsx (default: CSV to standard output)"
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="exact records with no suppression, to re-import or move between databases "
        "(an administrator's copy: do not share it)",
    )
    add_db_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    import sys
    from pathlib import Path

    from commissioning.errors import BadArgument, UserError
    from commissioning.ingest.names import ORDER

    all_kinds = args.kind.strip().lower() == "all"
    if all_kinds and not (args.output or "").lower().endswith(".xlsx"):
        raise UserError("exporting all kinds needs an Excel file: -o FILE.xlsx")

    from commissioning.store.runtime import setup

    setup(args.db)
    from commissioning.analytics.disclosure import configured_policy
    from commissioning.export import export_all, export_kind
    from commissioning.ingest.kinds import find_kind
    from commissioning.store.frames import get_community

    kind = None if all_kinds else find_kind(args.kind)
    if not all_kinds and kind is None:
        raise BadArgument(f"'{args.kind}' is not a kind we export (one of {', '.join(ORDER)}, all)")
    if args.community:
        get_community(args.community)  # an unknown code: exit status 2, listing the codes
    disclosure = None if args.full else configured_policy()
    if all_kinds:
        counts = export_all(Path(args.output), community=args.community, disclosure=disclosure)
        print(f"Wrote {sum(counts.values())} records of {len(counts)} kinds to {args.output}")
        return 0
    n = export_kind(kind, args.output, community=args.community, disclosure=disclosure)
    if args.output and args.output != "-":
        print(f"Wrote {n} {kind.title.lower()} to {args.output}", file=sys.stderr)
    return 0
