"""``commissioning provider-selection``: the pipeline, the register of awards, OCDS release
packages out and in, and checking a decision record against its seal."""

from __future__ import annotations


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "provider-selection",
        help="provider selection: pipeline, register of awards, OCDS, verify a record",
        description="Decision records under the Provider Selection Regime (SI 2023/1348): the "
        "contracts ending in the next 18 months and the decision each needs, the register of "
        "awards, Open Contracting Data Standard release packages out and in, and checking a "
        "finalised record against its hash chain (see docs/guide/provider-selection.md).",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name, help_, func, output=True):
        a = actions.add_parser(name, help=help_)
        add_db_option(a)
        a.add_argument("--community", required=True, help="the community's code")
        if output:
            a.add_argument("-o", "--output", default="-", help="file to write (default: print)")
        a.set_defaults(func=func)
        return a

    pipeline = action("pipeline", "contracts ending in the next 18 months", run_pipeline)
    pipeline.add_argument("--as-of", metavar="DATE", help="judge deadlines on this day")
    action("register", "the register of awards (.csv, .xlsx or .json by the ending)", run_register)
    action("ocds-export", "the awards as an OCDS release package (JSON)", run_export)
    imp = action(
        "ocds-import", "read an OCDS release package into the contracts", run_import, False
    )
    imp.add_argument("file", help="the release package (JSON)")
    check = action("verify", "check a finalised record and its history", run_verify, False)
    check.add_argument("reference", help="the record's reference")


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


def run_pipeline(args) -> int:
    import datetime as dt

    from commissioning.errors import UserError

    community = _setup(args)
    from django.utils import timezone

    from commissioning.provider_selection.presenter import pipeline
    from commissioning.provider_selection.records import COMMAND_LINE
    from commissioning.tables import write_table

    try:
        today = dt.date.fromisoformat(args.as_of) if args.as_of else timezone.localdate()
    except ValueError:
        raise UserError(f"--as-of: expected a date like 2025-06-02, found '{args.as_of}'") from None
    write_table(_frame(pipeline(COMMAND_LINE, community, today).table()), args.output)
    return 0


def run_register(args) -> int:
    from pathlib import Path

    community = _setup(args)
    from commissioning.provider_selection.presenter import register_report
    from commissioning.provider_selection.records import COMMAND_LINE
    from commissioning.tables import write_table

    report = register_report(COMMAND_LINE, community)
    if str(args.output).lower().endswith(".xlsx"):
        from commissioning.reports.xlsx import render_xlsx

        Path(args.output).write_bytes(render_xlsx(report))
    else:
        write_table(_frame(report.tables()[0]), args.output)
    return 0


def run_export(args) -> int:
    community = _setup(args)
    from commissioning.provider_selection.ocds import release_package
    from commissioning.provider_selection.records import COMMAND_LINE
    from commissioning.tables import write_json

    write_json(release_package(COMMAND_LINE, community), args.output)
    return 0


def run_import(args) -> int:
    from pathlib import Path

    from commissioning.errors import UserError

    community = _setup(args)
    from commissioning.provider_selection.ocds import import_package
    from commissioning.store.audit import acting_as
    from commissioning.store.models.audit import Channel

    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    with acting_as(None, Channel.IMPORT, username="command line"):
        counts = import_package(path.read_bytes(), community, name=str(path))
    print(", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


def run_verify(args) -> int:
    community = _setup(args)
    from commissioning.errors import UserError
    from commissioning.provider_selection.models import DecisionRecord
    from commissioning.provider_selection.records import verify

    record = (
        DecisionRecord.objects.filter(
            community=community, reference=args.reference, status="finalised"
        )
        .order_by("-version")
        .first()
    )
    if record is None:
        raise UserError(f"no finalised record '{args.reference}' in {community.code}")
    result = verify(record)
    if result.ok:
        print(f"{record.reference} version {record.version}: intact ({record.chain_hash})")
        return 0
    for problem in result.problems:
        print(f"{record.reference}: {problem}")
    return 1
