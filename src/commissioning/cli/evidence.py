"""``commissioning evidence``: the evidence log from the command line.

Sub-verbs: add, search, calendar, export-qdpx, import-qdpx, framework.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

KINDS = ("document", "interview", "meeting_notes", "email", "other")
LEVELS = ("public", "internal", "confidential")


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "evidence",
        help="the evidence log: add, search and code documents; import calendars",
        description="Documents, interview transcripts, meeting notes and e-mails as evidence, "
        "coded by theme; calendars turned into proposed activities.",
    )
    verbs = p.add_subparsers(dest="evidence_verb", metavar="SUBVERB", required=True)

    add = verbs.add_parser("add", help="add files (PDF, DOCX, ODT, TXT, EML) as evidence")
    add.add_argument("files", nargs="+", metavar="FILE")
    add.add_argument("--community", required=True, metavar="CODE")
    add.add_argument("--development", metavar="SLUG")
    add.add_argument("--type", choices=KINDS, help="default: e-mail for .eml, else document")
    add.add_argument("--confidentiality", choices=LEVELS, default="internal")
    add_db_option(add)
    add.set_defaults(func=run_add)

    se = verbs.add_parser("search", help="search the text of the evidence")
    se.add_argument("query")
    se.add_argument("--community", metavar="CODE")
    se.add_argument("--code", metavar="THEME", help="only evidence with passages coded so")
    se.add_argument("--format", choices=("table", "json"), default="table")
    add_db_option(se)
    se.set_defaults(func=run_search)

    cal = verbs.add_parser(
        "calendar",
        help="propose activities from a calendar (.ics); --apply saves them",
        description="Reads the meetings in an iCalendar file and proposes one activity for "
        "each, matching attendees to known people by e-mail. Without --apply the proposals are "
        "only stored for review and printed; with --apply they are approved and saved as "
        "activities, each attendee given the meeting's length in hours.",
    )
    cal.add_argument("file", metavar="FILE.ics")
    cal.add_argument("--community", required=True, metavar="CODE")
    cal.add_argument("--rules", metavar="FILE", help="TOML rules choosing a development")
    cal.add_argument(
        "--from", dest="since", metavar="YYYY-MM-DD", help="first date (default: a year ago)"
    )
    cal.add_argument(
        "--to", dest="until", metavar="YYYY-MM-DD", help="last date (default: 90 days ahead)"
    )
    cal.add_argument("--apply", action="store_true", help="save the proposals as activities")
    add_db_option(cal)
    cal.set_defaults(func=run_calendar)

    ex = verbs.add_parser("export-qdpx", help="export the evidence as a REFI-QDA project")
    ex.add_argument("file", metavar="FILE")
    ex.add_argument("--community", required=True, metavar="CODE")
    add_db_option(ex)
    ex.set_defaults(func=run_export)

    im = verbs.add_parser("import-qdpx", help="import a REFI-QDA project (.qdpx)")
    im.add_argument("file", metavar="FILE")
    im.add_argument("--community", required=True, metavar="CODE")
    add_db_option(im)
    im.set_defaults(func=run_import)

    fw = verbs.add_parser("framework", help="the framework matrix as a spreadsheet")
    fw.add_argument("--community", required=True, metavar="CODE")
    fw.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    add_db_option(fw)
    fw.set_defaults(func=run_framework)


def _community(code: str):
    from commissioning.errors import UserError
    from commissioning.store.models import CommissioningCommunity

    community = CommissioningCommunity.objects.filter(code=code).first()
    if community is None:
        known = ", ".join(CommissioningCommunity.objects.values_list("code", flat=True)[:20])
        raise UserError(f"no commissioning community '{code}' (known: {known or 'none'})")
    return community


def _setup(args):
    from commissioning.store.runtime import setup

    setup(args.db)


def run_add(args) -> int:
    _setup(args)
    from commissioning.errors import UserError, located
    from commissioning.evidence.extract import check_size
    from commissioning.evidence.log import add_evidence

    community = _community(args.community)
    development = None
    if args.development:
        development = community.developments.filter(slug=args.development).first()
        if development is None:
            raise UserError(f"no development '{args.development}' in {community.code}")
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise located(name, None, None, "no such file")
        check_size(name, path.stat().st_size)
        evidence = add_evidence(
            community,
            path.name,
            path.read_bytes(),
            kind=args.type,
            confidentiality=args.confidentiality,
            development=development,
        )
        print(
            f"added {evidence.pk}: {evidence.title} ({evidence.get_kind_display()}, "
            f"{len(evidence.text):,} characters, {evidence.get_confidentiality_display().lower()})"
        )
    return 0


def run_search(args) -> int:
    _setup(args)
    import re

    from commissioning.errors import UserError
    from commissioning.evidence.codebook import find_code
    from commissioning.evidence.models import Evidence
    from commissioning.evidence.search import search

    evidence = Evidence.objects.select_related("community")
    community = None
    if args.community:
        community = _community(args.community)
        evidence = evidence.filter(community=community)
    if args.code:
        code = find_code(community, args.code)
        if code is None:
            raise UserError(f"no code '{args.code}'")
        evidence = evidence.filter(passages__codes=code).distinct()
    hits = search(args.query, evidence)
    rows = [
        {
            "id": ev.pk,
            "community": ev.community.code,
            "title": ev.title,
            "date": ev.date.isoformat() if ev.date else None,
            "kind": ev.kind,
            "confidentiality": ev.confidentiality,
            "snippet": str(snippet),
        }
        for ev, snippet in hits
    ]
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not rows:
        print("no evidence found")
        return 0
    for row in rows:
        plain = re.sub(r"</?mark>", "**", row["snippet"])
        from html import unescape

        print(f"{row['id']:>5}  {row['date'] or '':10}  {row['community']}  {row['title']}")
        print(f"       {' '.join(unescape(plain).split())}")
    return 0


def _date(text: str | None, default: dt.date, option: str) -> dt.date:
    from commissioning.errors import UserError

    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option}: expected a date like 2024-04-01, got '{text}'") from None


def run_calendar(args) -> int:
    _setup(args)
    from commissioning.errors import located
    from commissioning.evidence import calendar
    from commissioning.evidence.models import ProposalStatus

    community = _community(args.community)
    path = Path(args.file)
    if not path.is_file():
        raise located(args.file, None, None, "no such file")
    today = dt.date.today()
    since = _date(args.since, today - dt.timedelta(days=365), "--from")
    until = _date(args.until, today + dt.timedelta(days=90), "--to")
    rules = calendar.load_rules(args.rules, community)
    result = calendar.propose(community, path.name, path.read_bytes(), rules, since, until)
    for p in result.proposals:
        people = ", ".join(person.name for person in p.people.all()) or "nobody known"
        dev = p.development.slug if p.development else "no development"
        print(f"{p.date}  {p.hours} h  {p.title}  [{dev}]  {people}  ({p.get_status_display()})")
    print(
        f"{len(result.proposals)} events: {result.added} new, {result.updated} brought up to "
        f"date, {result.kept} already reviewed"
    )
    if args.apply:
        waiting = [p for p in result.proposals if p.status == ProposalStatus.PROPOSED]
        for p in waiting:
            p.status = ProposalStatus.APPROVED
            p.save(update_fields=["status"])
        made = calendar.apply(waiting)
        print(f"saved {len(made)} activities")
    else:
        print("nothing saved as activities: review them on the calendar page, or run with --apply")
    return 0


def run_export(args) -> int:
    _setup(args)
    from commissioning.evidence.models import Evidence
    from commissioning.evidence.refi_qda import export_project

    community = _community(args.community)
    counts = export_project(community, Evidence.objects.filter(community=community), args.file)
    print(
        f"wrote {args.file}: {counts['sources']} sources, {counts['codes']} codes, "
        f"{counts['passages']} coded passages"
    )
    return 0


def run_import(args) -> int:
    _setup(args)
    from commissioning.evidence.refi_qda import import_project

    community = _community(args.community)
    counts = import_project(community, args.file)
    print(
        f"imported {counts['sources']} sources, {counts['codes']} codes, "
        f"{counts['passages']} coded passages ({counts['skipped']} sources already here)"
    )
    return 0


def run_framework(args) -> int:
    _setup(args)
    from commissioning.evidence import framework
    from commissioning.evidence.codebook import THEME, codes_for
    from commissioning.evidence.models import Evidence

    community = _community(args.community)
    codes = codes_for(community).filter(group=THEME)
    matrix = framework.build(Evidence.objects.filter(community=community), codes)
    framework.to_xlsx(matrix, args.output, title=f"{community.name}: framework matrix")
    print(f"wrote {args.output}: {len(matrix.rows)} rows × {len(matrix.columns)} themes")
    return 0
