"""``commissioning contracts``: contract performance from the command line: the community's
board, one contract's lines against plan or its whole workbook, and importing lines, plans and
monthly activity (our templates or the Aggregate Contract Monitoring layout)."""

from __future__ import annotations


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "contracts",
        help="contract performance: activity and money against plan, import ACM returns",
        description="Contract performance (see docs/guide/contracts.md): every contract's "
        "lines against plan with signal or noise, one contract's lines or its workbook (plan "
        "against actual by month, forecast outturn, incentives, variations, challenges), and "
        "importing contract lines, plans and monthly activity from our templates or a "
        "provider's Aggregate Contract Monitoring (ACM) return.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name, help_, func):
        a = actions.add_parser(name, help=help_)
        add_db_option(a)
        a.add_argument("--community", required=True, help="the community's code")
        a.set_defaults(func=func)
        return a

    board = action("board", "every contract: lines over or under plan, signals, money", run_board)
    board.add_argument(
        "-o", "--output", default="-", help="file to write (.csv, .json; default: print)"
    )
    lines = action(
        "lines",
        "one contract's lines against plan (.csv, .json, or .xlsx: the whole workbook)",
        run_lines,
    )
    lines.add_argument("reference", help="the contract's reference")
    lines.add_argument(
        "--year", type=int, help="financial year by its first year (2012 for 2012/13)"
    )
    lines.add_argument("-o", "--output", default="-", help="file to write (default: print)")
    imp = action(
        "import", "import contract lines, plans and activity (checked; all or nothing)", run_import
    )
    imp.add_argument(
        "files", nargs="+", metavar="FILE", help="CSV or .xlsx files; ACM returns as CSV"
    )
    imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    imp.add_argument(
        "--allow-unmatched",
        action="store_true",
        help="leave out (and list) ACM rows whose contract or line is not found",
    )


def _setup(args):
    from commissioning.store.runtime import setup

    setup(args.db)
    from commissioning.errors import UserError
    from commissioning.store.models import CommissioningCommunity

    community = CommissioningCommunity.objects.filter(code=args.community).first()
    if community is None:
        raise UserError(f"no community '{args.community}'")
    return community


def _frame(table):
    import pandas as pd

    return pd.DataFrame(table.rows, columns=table.columns)


def run_board(args) -> int:
    community = _setup(args)
    import pandas as pd

    from commissioning.access.policy import ADMINISTRATION
    from commissioning.contracts.presenter import board
    from commissioning.tables import write_table

    rows = []
    for p in board(ADMINISTRATION, community):
        rows.append(
            {
                "contract": p.contract.reference,
                "provider": p.contract.provider.name,
                "payment_form": p.payment_label,
                "year": p.year_label,
                "months_reported": p.months_reported,
                "lines": len(p.lines),
                "over_plan": " ".join(ln.code for ln in p.over),
                "under_plan": " ".join(ln.code for ln in p.under),
                "signals": " ".join(f"{ln.code} ({ln.direction})" for ln in p.signals),
                "money_plan_to_date": p.money.get("plan"),
                "money_paid_to_date": p.money.get("paid"),
                "money_variance": p.money.get("variance"),
                "forecast_outturn": p.money.get("forecast"),
                "forecast_lower": p.money.get("lower"),
                "forecast_upper": p.money.get("upper"),
                "alerts": len(p.alerts),
            }
        )
    write_table(pd.DataFrame(rows), args.output)
    return 0


def run_lines(args) -> int:
    from pathlib import Path

    community = _setup(args)
    from commissioning.access.policy import ADMINISTRATION
    from commissioning.contracts import presenter, records
    from commissioning.errors import UserError
    from commissioning.tables import write_table

    contract = records.contracts(ADMINISTRATION, community).filter(reference=args.reference).first()
    if contract is None:
        raise UserError(f"no contract '{args.reference}' in {community.name}")
    perf = presenter.performance(ADMINISTRATION, contract, args.year)
    if str(args.output).lower().endswith(".xlsx"):
        from commissioning.reports.xlsx import render_xlsx

        Path(args.output).write_bytes(render_xlsx(presenter.report(ADMINISTRATION, perf)))
    else:
        write_table(_frame(presenter.lines_table(perf)), args.output)
    return 0


def run_import(args) -> int:
    community = _setup(args)
    from commissioning.access.policy import ADMINISTRATION
    from commissioning.contracts.importing import import_performance
    from commissioning.store.models.audit import Channel

    result = import_performance(
        args.files,
        community=community,
        user=ADMINISTRATION,
        dry_run=args.dry_run,
        allow_unmatched=args.allow_unmatched,
        channel=Channel.CLI,
    )
    for note in result.notes:
        print(note)
    verb = "would be" if result.dry_run else "were"
    for row in result.counts:
        c = row["counts"]
        print(f"{row['kind']}: {c}")
    if result.dry_run:
        print(f"Dry run: nothing was written (the counts are what {verb} written).")
    return 0
