"""``commissioning import``: check CSV and Excel files, then load them all or nothing."""

from __future__ import annotations

import sys
import time


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "import",
        help="import records from CSV or Excel files (checked first; all or nothing)",
        description="Import organisations, people, services, contracts, spend, developments, "
        "activities, indicators, observations, populations and registers from CSV or Excel "
        "(.xlsx) files. Every file is checked before anything is written; several files are "
        "one unit, loaded in dependency order. Re-importing the same file changes nothing. "
        "NHS published files (ODS, GP registrations, QOF prevalence, Fingertips) are read as "
        "downloaded: see `commissioning formats`.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="CSV or .xlsx files")
    p.add_argument("--community", metavar="CODE", help="community for rows that do not name one")
    p.add_argument(
        "--kind",
        metavar="KIND",
        help="kind of records (default: from the header "
        "or the sheet name); see `commissioning template --help`",
    )
    p.add_argument(
        "--format",
        metavar="NAME",
        help="the NHS published format of the files (default: found from each file's first "
        "rows); see `commissioning formats`",
    )
    p.add_argument(
        "--allow-unmatched",
        action="store_true",
        help="with NHS published files: leave out (and list) rows for practices or "
        "commissioners not in the database, instead of rejecting the files",
    )
    p.add_argument(
        "--year",
        type=int,
        metavar="YYYY",
        help="with a QOF file whose name does not say its year: the year it starts "
        "(2018 for 2018-19)",
    )
    p.add_argument(
        "--allow-emptying",
        action="store_true",
        help="let an update empty values the database holds (a row that leaves a stored "
        "record's count, limits or other values empty); without it such rows are refused",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check and count what would change, but write nothing",
    )
    add_db_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from commissioning.store.runtime import setup

    setup(args.db)
    import getpass

    from commissioning.ingest import import_files
    from commissioning.store.audit import acting_as
    from commissioning.store.models.audit import Channel

    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        who = "unknown user"
    start = time.perf_counter()

    def progress(message: str) -> None:  # a long import says how it goes, on standard error
        seconds = time.perf_counter() - start
        print(f"commissioning import: {message} ({seconds:.1f} s)", file=sys.stderr, flush=True)

    with acting_as(None, Channel.IMPORT, username=f"{who} (command line)"):
        notes: list[str] = []
        counts = import_files(
            args.files,
            kind=args.kind,
            community=args.community,
            dry_run=args.dry_run,
            format=args.format,
            allow_unmatched=args.allow_unmatched,
            year=args.year,
            notes=notes,
            allow_emptying=args.allow_emptying,
            progress=progress,
        )
    for note in notes:
        print(note)
    lead = "Would import (dry run, nothing written):" if args.dry_run else "Imported:"
    print(lead)
    for name, c in counts.items():
        print(f"  {name}: {c}")
    return 0
