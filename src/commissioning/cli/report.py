"""``commissioning report``: a board-ready report of a community, a development or all of them."""

from __future__ import annotations

from pathlib import Path

FORMATS = ("pdf", "html", "xlsx")


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "report",
        help="a board-ready report (PDF, HTML or Excel) of a community or development",
        description="A report for a board: needs, spend and the review programme, monitoring "
        "(statistical process control), impact, labour and participation and the scorecard of "
        "one community; or one service development (--development); or every community side "
        "by side (--across). Small numbers are suppressed; synthetic data is marked on every "
        "page. Made as an administrator.",
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--community", metavar="CODE", help="the community's code, e.g. calderdale")
    who.add_argument("--across", action="store_true", help="every community side by side")
    p.add_argument(
        "--development",
        metavar="SLUG",
        help="report on this development of the community instead of the whole community",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="pdf, html or xlsx (default: from the output file's extension)",
    )
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="the file to write")
    add_db_option(p)
    p.set_defaults(func=run)


def _format(args) -> str:
    from commissioning.errors import UserError

    if args.format:
        return args.format
    ext = Path(args.output).suffix.lower().lstrip(".")
    if ext in FORMATS:
        return ext
    raise UserError(f"--format: say pdf, html or xlsx (cannot tell from '{args.output}')")


def run(args) -> int:
    from commissioning.errors import UserError
    from commissioning.store.runtime import setup

    if args.development and args.across:
        raise UserError("--development needs --community, not --across")
    fmt = _format(args)
    out = Path(args.output)
    if not out.parent.exists():
        raise UserError(f"cannot write {out}: the folder {out.parent} does not exist")
    setup(args.db)
    from commissioning.reports.build import build

    data = build(fmt, community=args.community, development=args.development)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror}") from None
    return 0
