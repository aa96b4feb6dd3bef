"""``commissioning imports list|show|undo``: the history of imports, and undoing one."""

from __future__ import annotations

PAGE = 50


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "imports",
        help="list imports, show what one changed, or undo one",
        description="Every import that changed anything is kept: who, when, from which files, "
        "with the values before and after of each record it updated; the records it added carry "
        "its number. `imports undo N` removes what import N added and puts back the values "
        "before it, in one step, and records the undo; it refuses when later changes touched "
        "the same records, unless given --override.",
    )
    verbs = p.add_subparsers(dest="action", metavar="ACTION")
    verbs.required = True

    ls = verbs.add_parser("list", help="the imports, newest first")
    ls.add_argument("--limit", type=int, default=PAGE, metavar="N", help="at most N (default 50)")
    add_db_option(ls)
    ls.set_defaults(func=run_list)

    show = verbs.add_parser("show", help="one import: its files, counts and changes")
    show.add_argument("number", type=int, metavar="N", help="the import's number")
    show.add_argument(
        "--page", type=int, default=1, metavar="P", help=f"page of changes ({PAGE} a page)"
    )
    add_db_option(show)
    show.set_defaults(func=run_show)

    un = verbs.add_parser(
        "undo",
        help="undo one import: remove what it added, put back what it updated",
        description="Undo import N in one transaction: the records it added are removed and "
        "the records it updated get back their values before it. Refuses (and changes "
        "nothing) when later imports or changes touched the same records, unless --override; "
        "always refuses when records it did not add refer to records it added.",
    )
    un.add_argument("number", type=int, metavar="N", help="the import's number")
    un.add_argument(
        "--override",
        action="store_true",
        help="undo even though later changes touched the same records: their values go back "
        "to those before the import (the values overwritten are kept in the undo's history)",
    )
    add_db_option(un)
    un.set_defaults(func=run_undo)


def _find(number: int):
    from commissioning.errors import UserError
    from commissioning.store.models.imports import Import

    imp = Import.objects.filter(pk=number).first()
    if imp is None:
        raise UserError(f"there is no import {number}: see `commissioning imports list`")
    return imp


def _status(imp) -> str:
    from commissioning.ingest.undo import when_text

    if imp.is_undo:
        return f"undo of import {imp.undoes_id}"
    done = imp.undo
    return f"undone by {done.username or 'system'} on {when_text(done.when)}" if done else ""


def run_list(args) -> int:
    from commissioning.store.runtime import setup

    setup(args.db)
    from commissioning.ingest.undo import counts_text, when_text
    from commissioning.store.models.imports import Import

    imports = list(Import.objects.select_related("undoes").order_by("-when", "-id")[: args.limit])
    if not imports:
        print("No imports yet.")
        return 0
    for imp in imports:
        status = _status(imp)
        print(
            f"{imp.pk:>6}  {when_text(imp.when)}  {imp.username or 'system'} "
            f"({imp.get_channel_display()})  {', '.join(imp.files) or '-'}"
        )
        print(f"        {counts_text(imp)}" + (f"  [{status}]" if status else ""))
    return 0


def run_show(args) -> int:
    from commissioning.store.runtime import setup

    setup(args.db)
    from django.core.paginator import Paginator

    from commissioning.ingest.undo import counts_text, when_text

    imp = _find(args.number)
    print(f"{imp}: {when_text(imp.when)}, {imp.username or 'system'} ({imp.get_channel_display()})")
    print(f"Files: {', '.join(imp.files) or '-'}")
    print(f"Counts: {counts_text(imp) or 'nothing'}")
    if status := _status(imp):
        print(f"Status: {status}")
    page = Paginator(imp.changes.order_by("id"), PAGE).get_page(args.page)
    total = page.paginator.count
    if not total:
        print("No records updated or removed (records added carry this import's number).")
        return 0
    print(f"Changes {page.start_index()}-{page.end_index()} of {total}:")
    for change in page:
        print(f"  {change.get_action_display()} {change.kind}: {change.record}")
        for field, before, after in change.fields():
            if change.action == change.DELETE:
                print(f"      {field}: {before!r}")
            else:
                print(f"      {field}: {before!r} -> {after!r}")
    if page.has_next():
        print(f"More: --page {page.next_page_number()}")
    return 0


def run_undo(args) -> int:
    from commissioning.store.runtime import setup

    setup(args.db)
    import getpass

    from commissioning.errors import UserError
    from commissioning.ingest.undo import UndoRefused, counts_text, undo
    from commissioning.store.audit import acting_as
    from commissioning.store.models.audit import Channel

    imp = _find(args.number)
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        who = "unknown user"
    with acting_as(None, Channel.CLI, username=f"{who} (command line)"):
        try:
            done = undo(imp, override=args.override)
        except UndoRefused as exc:
            if exc.conflicts and all(c.overridable for c in exc.conflicts):
                raise UserError(
                    f"{exc}\nTo undo it anyway: commissioning imports undo {imp.pk} --override"
                ) from None
            raise
    print(f"Import {imp.pk} undone (undo {done.pk}): {counts_text(done) or 'nothing to change'}")
    return 0
