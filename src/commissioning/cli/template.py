"""``commissioning template KIND``: an empty, documented file to fill in and import."""

from __future__ import annotations


def register(sub) -> None:
    from commissioning.ingest.names import ORDER

    p = sub.add_parser(
        "template",
        help="write an empty import template for one kind of record",
        description="Write a header row and an example row (CSV), or a workbook with a sheet "
        "named by kind and a sheet describing every column and its allowed values (.xlsx).",
    )
    p.add_argument("kind", metavar="KIND", help="one of: " + ", ".join(ORDER))
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="file to write, .csv or .xlsx (default: CSV to standard output)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from commissioning.errors import BadArgument
    from commissioning.ingest.names import ensure_django

    ensure_django()
    from commissioning.ingest.kinds import KINDS, find_kind
    from commissioning.ingest.templates import write_template

    kind = find_kind(args.kind)
    if kind is None:
        raise BadArgument(f"'{args.kind}' is not a kind we import (one of {', '.join(KINDS)})")
    write_template(kind, args.output)
    if args.output and args.output != "-":
        print(f"Wrote a {kind.title.lower()} template to {args.output}")
    return 0
