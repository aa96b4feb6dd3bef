"""``commissioning area create``: set up a community from a commissioner's ODS code.

The community's members are the GP practices in the commissioner's area on a date, found from
the organisations already imported (the ODS practice file's commissioner links; for an ICB, the
sub-ICB locations linked under it). See :mod:`commissioning.store.communities`.
"""

from __future__ import annotations

import argparse
import datetime as dt


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date such as 2024-04-01, found '{text}'"
        ) from None


def shown_patients(count: int) -> str:
    """A count of patients as it may leave the system: the configured small-numbers rule (1 to
    7 as *, others rounded to 5), as the pages and reports show it."""
    import pandas as pd

    from commissioning.analytics.disclosure import SUPPRESSED, configured_policy, suppress

    shown = suppress(pd.DataFrame({"n": [int(count)]}), ["n"], policy=configured_policy())
    value = shown["n"].iloc[0]
    return SUPPRESSED if value == SUPPRESSED else f"{int(value):,}"


def day(date: dt.date) -> str:
    """1 April 2024 (no leading zero)."""
    return f"{date.day} {date:%B %Y}"


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "area",
        help="set up a community from a commissioner's ODS code and its practices",
        description="Communities built from the organisations already imported.",
    )
    verbs = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = verbs.add_parser(
        "create",
        help="create the community of a commissioner, its members the practices in its area",
        description="Create the community of a commissioner (a sub-ICB location, CCG, ICB or "
        "PCT, by ODS code). Its members are the GP practices in the commissioner's area on the "
        "--as-at date, from the ODS links imported with the ODS practice file (epraccur). Run "
        "again to add practices that joined later; members are never taken away.",
    )
    create.add_argument(
        "--commissioner", required=True, metavar="ODS", help="the commissioner's ODS code, e.g. 16C"
    )
    create.add_argument(
        "--as-at",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the date whose practices make the area (default: today)",
    )
    create.add_argument(
        "--code",
        metavar="CODE",
        help="the community's short name in addresses (default: from the commissioner's name)",
    )
    create.add_argument("--name", metavar="NAME", help="its name (default: the commissioner's)")
    add_db_option(create)
    create.set_defaults(func=run_create)


def run_create(args) -> int:
    from commissioning.store.runtime import setup

    setup(args.db)
    from commissioning.cli.user import _who
    from commissioning.store.audit import acting_as
    from commissioning.store.communities import build_area
    from commissioning.store.models.audit import Channel

    as_at = args.as_at or dt.date.today()
    with acting_as(None, Channel.CLI, username=f"{_who()} (command line)"):
        built = build_area(args.commissioner, as_at=as_at, code=args.code, name=args.name)
    c = built.community
    lead = "Created" if built.created else "Brought up to date"
    named = "" if c.name == c.commissioner.name else f" ({c.name})"
    print(
        f"{lead} the community {c.code}{named} for {c.commissioner.name} "
        f"({c.commissioner.ods_code})."
    )
    already = built.practices - built.added
    print(
        f"GP practices in its area on {day(as_at)}: {built.practices}; "
        f"{built.added} made members" + (f", {already} already were" if already else "") + "."
    )
    if built.population is not None:
        print(
            f"Registered patients: {shown_patients(built.population)} "
            f"(list extract of {day(built.population_date)}; rounded to 5)."
        )
    else:
        print("Registered patients: none imported yet for its practices.")
    print(f"Pages: /communities/{c.code}/ and /communities/{c.code}/needs/")
    return 0
