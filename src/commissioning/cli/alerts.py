"""``commissioning alerts send``: each user's digest of new signals and things due."""

from __future__ import annotations


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "alerts",
        help="send each user a digest of what changed in what they follow",
        description="Alerts for the indicators, developments and communities users follow: "
        "new special-cause signals (from XmR charts), assurance changes, indicators with "
        "missing data, developments with no recent activity and service reviews due. Each "
        "digest goes to the user's in-app inbox and, if they have an e-mail address, by "
        "e-mail through the configured mail backend (see docs/guide/alerts.md).",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    send = actions.add_parser("send", help="make and send every user's digest")
    add_db_option(send)
    send.add_argument(
        "--dry-run",
        action="store_true",
        help="print the digests without sending them or remembering what was sent",
    )
    send.set_defaults(func=run_send)


def run_send(args) -> int:
    from commissioning.store.runtime import setup

    setup(args.db)
    from commissioning.reports.alerts import send_digests

    digests = send_digests(dry_run=args.dry_run)
    if not digests:
        print("Nobody follows anything yet: no digests to send.")
        return 0
    failed = 0
    for digest in digests:
        who = digest.user.get_username()
        n = len(digest.items)
        if args.dry_run:
            print(f"{who}: {n} item(s) (dry run: nothing sent)")
            for item in digest.items:
                print(f"  {item.line()}")
        elif n == 0:
            print(f"{who}: nothing new")
        else:
            how = "e-mailed and in the inbox" if digest.emailed else "in the inbox"
            if digest.email_error:
                failed += 1
                how = f"in the inbox; the e-mail could not be sent ({digest.email_error})"
            print(f"{who}: {n} item(s), {how}")
    return 1 if failed else 0
