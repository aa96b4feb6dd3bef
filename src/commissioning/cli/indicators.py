"""``commissioning indicators``: list, check and load the indicator library."""

from __future__ import annotations


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "indicators",
        help="list, check and load indicator definitions (the indicator library)",
        description="Indicator definitions live as TOML files checked against a schema. "
        "Without FILE, the library shipped with the package (diabetes, dementia, stroke and "
        "ambulatory care sensitive conditions) is used. See docs/guide/indicators.md.",
    )
    verbs = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = verbs.add_parser("list", help="list the indicators the files define")
    ls.add_argument("files", nargs="*", metavar="FILE", help="library files (.toml)")
    ls.set_defaults(func=run_list)
    check = verbs.add_parser(
        "validate", help="check library files against the schema (no database needed)"
    )
    check.add_argument("files", nargs="*", metavar="FILE", help="library files (.toml)")
    check.set_defaults(func=run_validate)
    load = verbs.add_parser(
        "load",
        help="add or update the files' indicators in the database (all or nothing)",
        description="Add or update indicators by code, in one transaction. Loading the same "
        "files again changes nothing. The conditions they name must be in the database.",
    )
    load.add_argument("files", nargs="*", metavar="FILE", help="library files (.toml)")
    load.add_argument(
        "--dry-run", action="store_true", help="check and count what would change, write nothing"
    )
    add_db_option(load)
    load.set_defaults(func=run_load)


def run_list(args) -> int:
    from commissioning.indicators import read_files

    library = read_files(args.files)
    width = max(len(d.code) for d in library.definitions)
    for d in library.definitions:
        print(f"{d.code:<{width}}  {d.library:<10}  {d.frequency:<9}  {d.unit:<12}  {d.name}")
    return 0


def run_validate(args) -> int:
    from commissioning.indicators import read_files

    library = read_files(args.files)
    files = len({d.file for d in library.definitions})
    print(
        f"{len(library.definitions)} indicators in {files} file{'s' if files != 1 else ''}: "
        "all valid"
    )
    return 0


def run_load(args) -> int:
    from commissioning.indicators import read_files

    library = read_files(args.files)  # checked before the database is touched
    from commissioning.store.runtime import setup

    setup(args.db)
    import getpass

    from commissioning.indicators.load import load_library
    from commissioning.store.audit import acting_as
    from commissioning.store.models.audit import Channel

    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        who = "unknown user"
    with acting_as(None, Channel.CLI, username=f"{who} (command line)"):
        result = load_library(library, dry_run=args.dry_run)
    lead = "Would load (dry run, nothing written):" if args.dry_run else "Indicators:"
    print(f"{lead} {result}")
    return 0
