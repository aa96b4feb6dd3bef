"""``commissioning backup FILE`` and ``commissioning restore FILE``: one portable file."""

from __future__ import annotations


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "backup",
        help="write the whole database (or one community) to one portable file",
        description="Write every record (or one community's records and the shared records "
        "they refer to) to a zip file that `commissioning restore` loads into an empty "
        "database, on SQLite or PostgreSQL.",
    )
    p.add_argument("file", metavar="FILE", help="the backup file to write, e.g. backup.zip")
    p.add_argument("--community", metavar="CODE", help="only this community")
    add_db_option(p)
    p.set_defaults(func=run_backup)

    r = sub.add_parser(
        "restore",
        help="load a backup file into an empty database",
        description="Load a file written by `commissioning backup` into a new, empty database "
        "(SQLite or PostgreSQL). Refuses a database that already holds records.",
    )
    r.add_argument("file", metavar="FILE", help="the backup file to read")
    add_db_option(r)
    r.set_defaults(func=run_restore)


def run_backup(args) -> int:
    from commissioning.store.runtime import setup

    setup(args.db)
    from commissioning.store.backup import write_backup

    counts = write_backup(args.file, community=args.community)
    print(f"Backed up {sum(counts.values())} records to {args.file}")
    return 0


def run_restore(args) -> int:
    from commissioning.store.runtime import setup

    setup(args.db)
    from commissioning.store.backup import restore_backup

    counts = restore_backup(args.file)
    print(f"Restored {sum(counts.values())} records from {args.file}")
    return 0
